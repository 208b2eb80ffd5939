package keeper_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/slush-tree/slush/circuits/ledger"
	"github.com/slush-tree/slush/testutil/keepertest"
	"github.com/slush-tree/slush/x/ledger/keeper"
	"github.com/slush-tree/slush/x/ledger/types"
)

// TestDepartingLedgerIsFrozen proves that while the chain departs (issue 20) the ledger takes no
// operation, claim, forced mint or exit credit, and nothing is applied, logged or receipted: the
// ledger that leaves is the one the parent holds. CurrentRoots still answers (the commitment).
func TestDepartingLedgerIsFrozen(t *testing.T) {
	env := keepertest.New(t, types.StoreKey, types.RegisterInterfaces)
	k := keeper.NewKeeper(env.Codec, env.StoreService, env.AddressCodec, fakeTree{vid: chainVid, departing: true})
	require.NoError(t, k.InitGenesis(env.Ctx, ledgerGenesis(testDeposits())))
	msgs, q := keeper.NewMsgServerImpl(&k), keeper.NewQueryServerImpl(&k)
	before, err := q.State(env.Ctx, &types.QueryStateRequest{})
	require.NoError(t, err)

	_, err = msgs.Transfer(env.Ctx, &types.MsgTransfer{Sender: env.OtherAddress(t), Op: transfer(t, chainVid, 0, 100, 0)})
	require.ErrorIs(t, err, types.ErrDeparting)
	_, err = k.BurnBridgeOut(env.Ctx, bridgeOut(t, 1, 1).Bytes())
	require.ErrorIs(t, err, types.ErrDeparting)
	for _, src := range []ledger.Source{ledger.SourceClaim, ledger.SourceForced, ledger.SourceExit} {
		_, _, err = k.Mint(env.Ctx, inMsg(carol, 75), src)
		require.ErrorIs(t, err, types.ErrDeparting, "source %d", src)
	}
	after, err := q.State(env.Ctx, &types.QueryStateRequest{})
	require.NoError(t, err)
	require.Equal(t, before, after, "nothing applied, logged or receipted")
	_, err = k.CurrentRoots(env.Ctx)
	require.NoError(t, err)
}
