package app_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/slush-tree/slush/circuits/ledger"
	validiumcli "github.com/slush-tree/slush/x/validium/client/cli"
	validiumtypes "github.com/slush-tree/slush/x/validium/types"
)

// TestOpenAccountFromChains: `slushchaind ledger opening` (validiumcli.OpenAccount) reads, from a
// child's and its parent's query services alone, the opening of an account under the child's
// latest accepted commitment — which its parent takes for a forced withdrawal — and under its
// finalized one, the opening an exit uses; an account beyond the ledger's count is opened as a
// no-op's unknown account.
func TestOpenAccountFromChains(t *testing.T) {
	tr := newTree(t, [][]uint8{{}, {1}}, fundedOn([]uint8{1}, 1000))
	tr.round()
	tr.round()
	ctx := context.Background()
	rt := tr.relayerTree()
	child, parent := rt.Node("1").Client, rt.Node("root").Client
	n := tr.node(1)

	latest, err := validiumcli.OpenAccount(ctx, child, parent, 0, false)
	require.NoError(t, err)
	require.Equal(t, uint64(1000), latest.Balance)
	held, err := n.parent.chain.App.ValidiumKeeper.GetChild(n.parent.chain.Context(), 1)
	require.NoError(t, err)
	c, err := latest.Commitment.Decode()
	require.NoError(t, err)
	require.Equal(t, held.AnchorHeight, c.AnchorHeight, "under the latest accepted commitment")

	alice := ledger.KeyFromSeed([]byte("alice"))
	op, err := ledger.NewBridgeOut(n.vid, alice, 0, tr.asset, 10, 0, tr.root().vid, ledger.OwnerHash(alice.PublicKey), 10_000)
	require.NoError(t, err)
	tr.ok(tr.root(), 0, &validiumtypes.MsgForceWithdrawal{Requester: tr.root().chain.Address(0).String(), ChildIndex: 1, Op: op.Bytes(), Opening: latest})

	finalized, err := validiumcli.OpenAccount(ctx, child, parent, 0, true)
	require.NoError(t, err)
	require.Equal(t, tr.accountOpening(n, tr.finalizedRecord(n), 0), finalized)

	unknown, err := validiumcli.OpenAccount(ctx, child, parent, 5, false)
	require.NoError(t, err)
	_, reason, err := validiumtypes.NoOpReason(unknown, ledger.Op{From: 5}, int(tr.lp.AccountDepth))
	require.NoError(t, err)
	require.Equal(t, "unknown account", reason)
}
