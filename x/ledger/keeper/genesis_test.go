package keeper_test

import (
	"bytes"
	"testing"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/stretchr/testify/require"

	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/ledger"
	"github.com/slush-tree/slush/testutil/keepertest"
	"github.com/slush-tree/slush/x/ledger/types"
)

// TestGenesisDepositsFundAccounts proves genesis deposits are credited directly to the fresh
// ledger (DESIGN §4): the ledger root carries them while the log, the inbox and the receipt tree
// stay empty (no unproven mint enters the inbox, no batch proves them), and the State query
// serves the list in order for a prover's replica to start from.
func TestGenesisDepositsFundAccounts(t *testing.T) {
	env, _, _, q := setupLedger(t)
	for _, want := range []struct {
		index   uint64
		owner   fr.Element
		balance uint64
	}{{0, ledger.OwnerHash(alice.PublicKey), 1000}, {1, ledger.OwnerHash(bob.PublicKey), 50}} {
		acc, err := q.Account(env.Ctx, &types.QueryAccountRequest{Index: want.index})
		require.NoError(t, err)
		require.Equal(t, &types.QueryAccountResponse{
			Owner: hash.EncodeElement(want.owner), AssetId: hash.EncodeElement(asset), Balance: want.balance,
		}, acc)
	}
	l, err := q.State(env.Ctx, &types.QueryStateRequest{})
	require.NoError(t, err)
	require.Equal(t, uint64(2), l.NumAccounts)
	require.Equal(t, hash.EncodeElement(fundedRoot(t, chainVid, testDeposits())), l.LedgerRoot, "the ledger root carries the deposits")
	require.Zero(t, l.LogLength, "genesis funding is not logged: no batch proves it")
	require.Zero(t, l.InboxLength, "nothing enters the inbox")
	require.Zero(t, l.InboxConsumed)
	require.Equal(t, emptyReceiptRoot, l.ReceiptRoot, "no receipt: nothing was minted")
	require.Equal(t, testDeposits(), l.GenesisDeposits, "the funding is served in order")
	_, err = q.Account(env.Ctx, &types.QueryAccountRequest{Index: 9})
	require.ErrorIs(t, err, types.ErrUnknownAccount)
}

// TestGenesisDepositsImport proves deposits are credited only into a fresh ledger: an export
// carries them again as the record of the funding, and importing it (with its store) never
// credits them a second time, whatever happened on the ledger since, and keeps the record as is.
func TestGenesisDepositsImport(t *testing.T) {
	carolDeposit := []types.GenesisDeposit{{Recipient: hash.EncodeElement(carol), AssetId: hash.EncodeElement(asset), Amount: 5}}
	exportOf := func(t *testing.T, edit func(keepertest.Env, types.MsgServer)) (*types.GenesisState, fr.Element) {
		env, k, msgs, _ := setupLedger(t)
		if edit != nil {
			edit(env, msgs)
		}
		gs, err := k.ExportGenesis(env.Ctx)
		require.NoError(t, err)
		state, err := k.Open(env.Ctx)
		require.NoError(t, err)
		return gs, must(t, state.Root)
	}
	cases := []struct {
		name         string
		genesis      func(t *testing.T) (*types.GenesisState, fr.Element) // and the ledger root it must give
		wantBalances []uint64                                             // by account index
		wantDeposits []types.GenesisDeposit
	}{
		{"a fresh genesis is funded", func(t *testing.T) (*types.GenesisState, fr.Element) {
			return ledgerGenesis(testDeposits()), fundedRoot(t, chainVid, testDeposits())
		}, []uint64{1000, 50}, testDeposits()},
		{"an export is not credited again", func(t *testing.T) (*types.GenesisState, fr.Element) {
			return exportOf(t, nil)
		}, []uint64{1000, 50}, testDeposits()},
		{"an export after transfers is not credited again", func(t *testing.T) (*types.GenesisState, fr.Element) {
			return exportOf(t, func(env keepertest.Env, msgs types.MsgServer) {
				_, err := msgs.Transfer(env.Ctx, &types.MsgTransfer{Sender: env.OtherAddress(t), Op: transfer(t, chainVid, 0, 100, 0)})
				require.NoError(t, err)
			})
		}, []uint64{900, 150}, testDeposits()},
		{"an export of a re-imported export is not credited again", func(t *testing.T) (*types.GenesisState, fr.Element) {
			first, root := exportOf(t, nil)
			env, k, _, _ := setupWith(t, first)
			second, err := k.ExportGenesis(env.Ctx)
			require.NoError(t, err)
			return second, root
		}, []uint64{1000, 50}, testDeposits()},
		{"deposits beside an imported ledger are only recorded", func(t *testing.T) (*types.GenesisState, fr.Element) {
			gs, root := exportOf(t, nil)
			gs.Deposits = carolDeposit
			return gs, root
		}, []uint64{1000, 50}, carolDeposit},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			gs, wantRoot := tc.genesis(t)
			require.NoError(t, gs.Validate())
			env, k, _, q := setupWith(t, gs)

			l, err := q.State(env.Ctx, &types.QueryStateRequest{})
			require.NoError(t, err)
			require.Equal(t, hash.EncodeElement(wantRoot), l.LedgerRoot)
			require.Equal(t, uint64(len(tc.wantBalances)), l.NumAccounts)
			for i, want := range tc.wantBalances {
				acc, err := q.Account(env.Ctx, &types.QueryAccountRequest{Index: uint64(i)})
				require.NoError(t, err)
				require.Equal(t, want, acc.Balance, "account %d", i)
			}
			require.Zero(t, l.InboxLength, "deposits never go through the inbox")
			require.Equal(t, emptyReceiptRoot, l.ReceiptRoot)
			require.Equal(t, tc.wantDeposits, l.GenesisDeposits, "the record is stored as imported")

			exported, err := k.ExportGenesis(env.Ctx)
			require.NoError(t, err)
			require.Equal(t, tc.wantDeposits, exported.Deposits, "and exported again")
			if len(gs.Store) > 0 {
				require.Equal(t, gs.Store, exported.Store, "an imported ledger is kept as it is")
			}
		})
	}
}

// TestGenesisRoundTrip proves a used ledger (transfer, bridge-out, mint) exports and imports to
// an identical export with the same roots, log and next sequence, and its deposits are not
// credited twice.
func TestGenesisRoundTrip(t *testing.T) {
	env, k, msgs, _ := setupLedger(t)
	_, err := msgs.Transfer(env.Ctx, &types.MsgTransfer{Sender: env.OtherAddress(t), Op: transfer(t, chainVid, 0, 10, 0)})
	require.NoError(t, err)
	_, err = k.BurnBridgeOut(env.Ctx.WithBlockHeight(2), bridgeOut(t, 5, 1).Bytes())
	require.NoError(t, err)
	_, _, err = k.Mint(env.Ctx.WithBlockHeight(3), inMsg(carol, 75), ledger.SourceExit)
	require.NoError(t, err)
	exported, err := k.ExportGenesis(env.Ctx)
	require.NoError(t, err)
	require.NoError(t, exported.Validate())
	require.Len(t, exported.Log, 3)
	require.Equal(t, []int64{1, 2, 3}, []int64{exported.Log[0].Height, exported.Log[1].Height, exported.Log[2].Height}, "each op logged at its block")

	env2, k2, msgs2, q2 := setupWith(t, exported)
	again, err := k2.ExportGenesis(env2.Ctx)
	require.NoError(t, err)
	require.Equal(t, exported, again)
	r1, err := k.CurrentRoots(env.Ctx)
	require.NoError(t, err)
	r2, err := k2.CurrentRoots(env2.Ctx)
	require.NoError(t, err)
	require.Equal(t, r1, r2, "the imported ledger commits to the same roots")
	require.Equal(t, testDeposits(), exported.Deposits)
	acc, err := q2.Account(env2.Ctx, &types.QueryAccountRequest{Index: 0})
	require.NoError(t, err)
	require.Equal(t, uint64(985), acc.Balance, "alice's deposit is not credited twice")

	res, err := msgs2.Transfer(env2.Ctx, &types.MsgTransfer{Sender: env2.OtherAddress(t), Op: transfer(t, chainVid, 0, 1, 2)})
	require.NoError(t, err)
	require.Equal(t, uint64(3), res.Sequence, "the log continues after the imported one")
}

// TestGenesisValidate proves Validate and InitGenesis refuse a bad ledger shape, bad deposits
// and a log with gaps, and accept deposits beside an exported store.
func TestGenesisValidate(t *testing.T) {
	aboveModulus := bytes.Repeat([]byte{0xff}, 32)
	deposit := func(amount uint64) types.GenesisDeposit {
		return types.GenesisDeposit{Recipient: hash.EncodeElement(hash.Uint64(1)), AssetId: hash.EncodeElement(asset), Amount: amount}
	}
	cases := []struct {
		name    string
		edit    func(gs *types.GenesisState)
		wantErr error
		wantMsg string
	}{
		{"the test shape", func(*types.GenesisState) {}, nil, ""},
		{"claim slots within the batch", func(gs *types.GenesisState) { gs.Params.ClaimSlots, gs.Params.InclusionDepth = 4, 2 }, nil, ""},
		{"more claim slots than the batch", func(gs *types.GenesisState) { gs.Params.ClaimSlots = 5 }, types.ErrInvalidParams, "claim slots"},
		{"an outbox the inclusion circuit cannot prove", func(gs *types.GenesisState) { gs.Params.OutboxDepth = 10 }, types.ErrInvalidParams, "outbox depth 10"},
		{"no accounts", func(gs *types.GenesisState) { gs.Params.AccountDepth = 0 }, types.ErrInvalidParams, "account depth"},
		{"a zero deposit", func(gs *types.GenesisState) { gs.Deposits = []types.GenesisDeposit{deposit(0)} }, types.ErrInvalidGenesis, "amount is zero"},
		{"a non-canonical recipient", func(gs *types.GenesisState) {
			d := deposit(1)
			d.Recipient = aboveModulus
			gs.Deposits = []types.GenesisDeposit{d}
		}, types.ErrInvalidGenesis, "deposit 0 recipient"},
		{"a non-canonical asset", func(gs *types.GenesisState) {
			d := deposit(1)
			d.AssetId = aboveModulus
			gs.Deposits = []types.GenesisDeposit{deposit(1), d}
		}, types.ErrInvalidGenesis, "deposit 1 asset"},
		{"deposits beside a store", func(gs *types.GenesisState) {
			gs.Deposits = []types.GenesisDeposit{deposit(1)}
			gs.Store = []types.StoreEntry{{Key: []byte("m"), Value: []byte{1}}}
		}, nil, ""},
		{"a log with a gap", func(gs *types.GenesisState) {
			gs.Log = []types.LoggedOp{{Sequence: 0}, {Sequence: 2}}
		}, types.ErrInvalidGenesis, "log sequence 2 after 0"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			gs := ledgerGenesis(nil)
			tc.edit(gs)
			env, k := newKeeper(t)
			if tc.wantErr == nil {
				require.NoError(t, gs.Validate())
				require.NoError(t, k.InitGenesis(env.Ctx, gs))
				return
			}
			require.ErrorIs(t, gs.Validate(), tc.wantErr)
			require.ErrorContains(t, gs.Validate(), tc.wantMsg)
			require.ErrorIs(t, k.InitGenesis(env.Ctx, gs), tc.wantErr)
			_, err := k.Params.Get(env.Ctx)
			require.Error(t, err, "a refused genesis stores nothing")
		})
	}
}

// TestParamsQuery proves Query/Params and GetParams serve the genesis ledger shape.
func TestParamsQuery(t *testing.T) {
	gs := ledgerGenesis(nil)
	gs.Params.ClaimSlots, gs.Params.InclusionDepth = 2, 3
	env, k, _, q := setupWith(t, gs)
	res, err := q.Params(env.Ctx, &types.QueryParamsRequest{})
	require.NoError(t, err)
	require.Equal(t, gs.Params, res.Params)
	p, err := k.GetParams(env.Ctx)
	require.NoError(t, err)
	require.Equal(t, gs.Params, p)
	require.NotEqual(t, types.DefaultParams(), p)
}
