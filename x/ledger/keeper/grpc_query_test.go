package keeper_test

import (
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"

	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/inclusion"
	"github.com/slush-tree/slush/circuits/ledger"
	"github.com/slush-tree/slush/circuits/smt"
	"github.com/slush-tree/slush/testutil/querytest"
	"github.com/slush-tree/slush/x/ledger/keeper"
	"github.com/slush-tree/slush/x/ledger/types"
)

// TestStateQuery proves Query/State reports the ledger's shape, roots (the receipt root among
// them) and counters, and the genesis deposits in order.
func TestStateQuery(t *testing.T) {
	// receiptRoot is the root of a receipt tree holding the receipts of ms, computed apart.
	receiptRoot := func(t *testing.T, ms ...inclusion.Message) []byte {
		acc, err := smt.NewAccumulator(smt.NewMemStore(), int(testLedger.OutboxDepth))
		require.NoError(t, err)
		for _, m := range ms {
			_, err := acc.Append(inclusion.ReceiptFor(m).Hash())
			require.NoError(t, err)
		}
		return hash.EncodeElement(must(t, acc.Root))
	}
	// inboxHead is the inbox chain's head after minting ms from exits, computed apart.
	inboxHead := func(ms ...inclusion.Message) []byte {
		var head fr.Element
		for _, m := range ms {
			head = ledger.InboxLink(head, m.Hash(), ledger.SourceExit)
		}
		return hash.EncodeElement(head)
	}
	mint := inMsg(carol, 75)
	cases := []struct {
		name         string
		setup        func(t *testing.T) (sdk.Context, keeper.Keeper)
		wantAccounts uint64
		wantLog      uint64
		wantInbox    uint64
		wantReceipts []inclusion.Message
		wantDeposits []types.GenesisDeposit
	}{
		{name: "an empty ledger", setup: func(t *testing.T) (sdk.Context, keeper.Keeper) {
			env, k, _, _ := setupWith(t, ledgerGenesis(nil))
			return env.Ctx, k
		}},
		{name: "funded at genesis", setup: func(t *testing.T) (sdk.Context, keeper.Keeper) {
			env, k, _, _ := setupLedger(t)
			return env.Ctx, k
		}, wantAccounts: 2, wantDeposits: testDeposits()},
		{name: "after a mint", setup: func(t *testing.T) (sdk.Context, keeper.Keeper) {
			env, k, _, _ := setupLedger(t)
			_, _, err := k.Mint(env.Ctx, mint, ledger.SourceExit)
			require.NoError(t, err)
			return env.Ctx, k
		}, wantAccounts: 3, wantLog: 1, wantInbox: 1, wantReceipts: []inclusion.Message{mint}, wantDeposits: testDeposits()},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ctx, k := tc.setup(t)
			l, err := keeper.NewQueryServerImpl(&k).State(ctx, &types.QueryStateRequest{})
			require.NoError(t, err)
			state, err := k.Open(ctx)
			require.NoError(t, err)
			require.Equal(t, &types.QueryStateResponse{
				Params: testLedger, LedgerRoot: hash.EncodeElement(must(t, state.Root)),
				OutboxRoot: hash.EncodeElement(must(t, state.OutboxRoot)), NumAccounts: tc.wantAccounts,
				InboxLength: tc.wantInbox, InboxConsumed: tc.wantInbox, LogLength: tc.wantLog,
				ReceiptRoot: receiptRoot(t, tc.wantReceipts...), GenesisDeposits: tc.wantDeposits,
				InboxHead: inboxHead(tc.wantReceipts...),
			}, l)
		})
	}
}

// TestBatchLogQuery proves Query/BatchLog pages the log by sequence from `from`, at most `limit`
// entries (100 when unset), each with its block height and operation bytes.
func TestBatchLogQuery(t *testing.T) {
	env, k, _, q := setupLedger(t)
	var ops [][]byte
	for nonce := uint64(0); nonce < 5; nonce++ {
		op := transfer(t, chainVid, 0, 1, nonce)
		_, _, err := k.Execute(env.Ctx.WithBlockHeight(int64(10+nonce)), op, ledger.OpTransfer)
		require.NoError(t, err)
		ops = append(ops, op)
	}
	for _, tc := range []struct {
		name  string
		from  uint64
		limit uint32
		want  []uint64 // sequences
	}{
		{"everything", 0, 0, []uint64{0, 1, 2, 3, 4}},
		{"from the middle", 3, 0, []uint64{3, 4}},
		{"a page", 1, 2, []uint64{1, 2}},
		{"past the end", 5, 0, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := q.BatchLog(env.Ctx, &types.QueryBatchLogRequest{From: tc.from, Limit: tc.limit})
			require.NoError(t, err)
			var want []types.LoggedOp
			for _, seq := range tc.want {
				want = append(want, types.LoggedOp{Sequence: seq, Height: int64(10 + seq), Op: ops[seq]})
			}
			require.Equal(t, want, res.Ops)
		})
	}
}

// TestQueryMissingRecords: an account index the ledger does not have answers NotFound naming the
// ledger's size.
func TestQueryMissingRecords(t *testing.T) {
	env, _, _, q := setupLedger(t) // alice and bob: accounts 0 and 1
	querytest.Run(t, []querytest.Case{
		{Name: "an account beyond the ledger", Query: func() error {
			_, err := q.Account(env.Ctx, &types.QueryAccountRequest{Index: 5})
			return err
		}, Code: codes.NotFound, Text: "no ledger account 5 (the ledger has 2)"},
	})
}
