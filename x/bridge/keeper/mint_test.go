package keeper_test

import (
	"context"
	"errors"
	"testing"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/stretchr/testify/require"

	"cosmossdk.io/log"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/slush-tree/slush/circuits/commitment"
	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/inclusion"
	"github.com/slush-tree/slush/circuits/ledger"
	"github.com/slush-tree/slush/circuits/smt"
	"github.com/slush-tree/slush/testutil/keepertest"
	"github.com/slush-tree/slush/x/bridge/keeper"
	"github.com/slush-tree/slush/x/bridge/types"
)

// requireMinted checks that m was the last mint on k's ledger, from source src: the last logged
// operation is its bridge-in with that source (what the prover proves, as the source says), the
// last inbox entry is (m, src) and consumed, the last receipt is m's, committed in the Ledger
// query's receipt root, and m's hash is a nullifier.
func requireMinted(t *testing.T, ctx context.Context, k keeper.Keeper, m inclusion.Message, src ledger.Source) {
	t.Helper()
	q := keeper.NewQueryServerImpl(&k)
	l, err := q.Ledger(ctx, &types.QueryLedgerRequest{})
	require.NoError(t, err)
	require.NotZero(t, l.LogLength)
	logRes, err := q.BatchLog(ctx, &types.QueryBatchLogRequest{From: l.LogLength - 1})
	require.NoError(t, err)
	require.Len(t, logRes.Ops, 1)
	require.Equal(t, ledger.NewBridgeIn(m, src).Bytes(), logRes.Ops[0].Op, "logged as a %s bridge-in", src)
	op, err := ledger.DecodeOp(logRes.Ops[0].Op)
	require.NoError(t, err)
	require.Equal(t, src, op.Source)

	state, err := k.OpenLedger(ctx)
	require.NoError(t, err)
	require.NotZero(t, state.InboxLen())
	require.Equal(t, state.InboxLen(), state.InboxConsumed(), "pushed and minted together")
	got, gotSrc, err := state.InboxEntry(state.InboxLen() - 1)
	require.NoError(t, err)
	require.Equal(t, m, got)
	require.Equal(t, src, gotSrc)

	receipts := state.Receipts()
	require.Equal(t, state.InboxConsumed(), receipts.Size(), "one receipt per mint")
	receipt, err := receipts.Get(receipts.Size() - 1)
	require.NoError(t, err)
	require.Equal(t, inclusion.ReceiptFor(m).Hash(), receipt)
	require.Equal(t, hash.EncodeElement(must(t, state.ReceiptRoot)), l.ReceiptRoot)

	nf, err := q.Nullifier(ctx, &types.QueryNullifierRequest{MessageHash: hash.EncodeElement(m.Hash())})
	require.NoError(t, err)
	require.True(t, nf.Claimed)
}

// TestMintSources: every way a message is minted lands in the log, the inbox and the receipt
// tree with its source (DESIGN §5, §7, §8): claims and routed deliveries carry an inclusion
// proof (claim: the ledger proof re-proves it), forced operations the parent's queue (forced:
// the parent matches it) and exits the exit's proof (exit: the parent checks it).
func TestMintSources(t *testing.T) {
	cases := []struct {
		name string
		src  ledger.Source
		mint func(t *testing.T) (context.Context, keeper.Keeper, inclusion.Message)
	}{
		{"claim", ledger.SourceClaim, func(t *testing.T) (context.Context, keeper.Keeper, inclusion.Message) {
			f := newClaimFixture(t, destination, true)
			_, err := f.msgs.Claim(f.env.Ctx, &f.msg)
			require.NoError(t, err)
			m, err := f.msg.Message.Decode()
			require.NoError(t, err)
			return f.env.Ctx, f.k, m
		}},
		{"routed delivery", ledger.SourceClaim, func(t *testing.T) (context.Context, keeper.Keeper, inclusion.Message) {
			f := newClaimFixture(t, fakeTree{rootHeight: afterDeadline, path: []uint8{2}}, true)
			route := routeMsg(f)
			res, err := f.msgs.RouteMessage(f.env.Ctx, route)
			require.NoError(t, err)
			require.Equal(t, types.MessageStatus_MESSAGE_STATUS_DELIVERED, res.Status)
			m, err := ledger.DecodeMessage(route.Routed.Message)
			require.NoError(t, err)
			return f.env.Ctx, f.k, m
		}},
		{"forced operation", ledger.SourceForced, func(t *testing.T) (context.Context, keeper.Keeper, inclusion.Message) {
			f := newForcedFixture(t)
			env, k := f.keeper(t, fakeTree{rootHeight: 3}, f.client)
			_, err := keeper.NewMsgServerImpl(&k).ReceiveForced(env.Ctx, f.msg(t, env, seqValid, 2, seqValid))
			require.NoError(t, err)
			return env.Ctx, k, forcedMsg(1, 1, 2)
		}},
		{"exit", ledger.SourceExit, func(t *testing.T) (context.Context, keeper.Keeper, inclusion.Message) {
			env, k, _, _ := setupLedger(t)
			m := exitMsg(carol, 75)
			require.NoError(t, k.MintExit(env.Ctx, m))
			return env.Ctx, k, m
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ctx, k, m := tc.mint(t)
			requireMinted(t, ctx, k, m, tc.src)
		})
	}
}

// TestCommitmentBindsFinalizedChildrenRoot: the own commitment binds the finalized-children
// root x/acceptance reports (what bridge inclusion proofs walk, DESIGN §7.2) next to x/validium's
// latest children root (what descendant proofs walk); a different finalized root is a different
// commitment, and a failure to read it stores no commitment.
func TestCommitmentBindsFinalizedChildrenRoot(t *testing.T) {
	x, y := hash.Uint64(11), hash.Uint64(12)
	seen := map[string]string{}
	for _, tc := range []struct {
		name string
		acc  fakeAcceptance
		want fr.Element
	}{
		{"a leaf: no finalized child", fakeAcceptance{}, commitment.EmptyChildrenRoot()},
		{"finalized children", fakeAcceptance{finalized: &x}, x},
		{"other finalized children", fakeAcceptance{finalized: &y}, y},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := keepertest.New(t, types.StoreKey, types.RegisterInterfaces)
			k := keeper.NewKeeper(env.Codec, env.StoreService, env.AddressCodec, env.Authority, fakeTree{rootHeight: 3}, tc.acc, log.NewNopLogger())
			gs := types.DefaultGenesisState()
			gs.LedgerParams = testLedger
			require.NoError(t, k.InitGenesis(env.Ctx, gs))
			ctx := env.Ctx.WithBlockHeight(2)

			c, err := k.OwnCommitmentNow(ctx)
			require.NoError(t, err)
			require.Equal(t, hash.EncodeElement(tc.want), c.Fields.FinalizedChildrenRoot)
			require.Equal(t, hash.EncodeElement(commitment.EmptyChildrenRoot()), c.Fields.ChildrenRoot, "the latest children root is x/validium's")
			pre, err := c.Fields.Decode()
			require.NoError(t, err)
			require.Equal(t, tc.want, pre.FinalizedChildrenRoot)
			require.Equal(t, hash.EncodeElement(pre.Hash()), c.Commitment, "the commitment hashes the preimage it reports")
			if other, dup := seen[string(c.Commitment)]; dup {
				t.Fatalf("same commitment as %q", other)
			}
			seen[string(c.Commitment)] = tc.name

			require.NoError(t, k.EndBlocker(ctx))
			stored, err := k.Commitments.Get(ctx, 2)
			require.NoError(t, err)
			require.Equal(t, c, stored)
		})
	}

	t.Run("the acceptance keeper fails", func(t *testing.T) {
		env := keepertest.New(t, types.StoreKey, types.RegisterInterfaces)
		broken := errors.New("acceptance store broken")
		k := keeper.NewKeeper(env.Codec, env.StoreService, env.AddressCodec, env.Authority, fakeTree{rootHeight: 3},
			fakeAcceptance{finalizedErr: broken}, log.NewNopLogger())
		gs := types.DefaultGenesisState()
		gs.LedgerParams = testLedger
		require.NoError(t, k.InitGenesis(env.Ctx, gs))
		ctx := env.Ctx.WithBlockHeight(2)
		_, err := k.OwnCommitmentNow(ctx)
		require.ErrorIs(t, err, broken)
		require.NoError(t, k.EndBlocker(ctx), "EndBlock never halts the chain for it")
		has, err := k.Commitments.Has(ctx, 2)
		require.NoError(t, err)
		require.False(t, has, "no commitment without its finalized children root")
	})
}

// TestLedgerQuery: the Ledger query reports the ledger's shape, roots (the receipt root among
// them) and counters, and the genesis deposits in order.
func TestLedgerQuery(t *testing.T) {
	emptyLedger := func(t *testing.T) (sdk.Context, keeper.Keeper) {
		env := keepertest.New(t, types.StoreKey, types.RegisterInterfaces)
		k := keeper.NewKeeper(env.Codec, env.StoreService, env.AddressCodec, env.Authority, fakeTree{rootHeight: 3}, fakeAcceptance{}, log.NewNopLogger())
		gs := types.DefaultGenesisState()
		gs.LedgerParams = testLedger
		require.NoError(t, k.InitGenesis(env.Ctx, gs))
		return env.Ctx, k
	}
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
	exit := exitMsg(carol, 75)
	cases := []struct {
		name         string
		setup        func(t *testing.T) (sdk.Context, keeper.Keeper)
		wantAccounts uint64
		wantLog      uint64
		wantInbox    uint64
		wantReceipts []inclusion.Message
		wantDeposits []types.GenesisDeposit
	}{
		{name: "an empty ledger", setup: emptyLedger},
		{name: "funded at genesis", setup: func(t *testing.T) (sdk.Context, keeper.Keeper) {
			env, k, _, _ := setupLedger(t)
			return env.Ctx, k
		}, wantAccounts: 2, wantDeposits: testDeposits()},
		{name: "after a mint", setup: func(t *testing.T) (sdk.Context, keeper.Keeper) {
			env, k, _, _ := setupLedger(t)
			require.NoError(t, k.MintExit(env.Ctx, exit))
			return env.Ctx, k
		}, wantAccounts: 3, wantLog: 1, wantInbox: 1, wantReceipts: []inclusion.Message{exit}, wantDeposits: testDeposits()},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ctx, k := tc.setup(t)
			l, err := keeper.NewQueryServerImpl(&k).Ledger(ctx, &types.QueryLedgerRequest{})
			require.NoError(t, err)
			state, err := k.OpenLedger(ctx)
			require.NoError(t, err)
			require.Equal(t, &types.QueryLedgerResponse{
				LedgerParams: testLedger, LedgerRoot: hash.EncodeElement(must(t, state.Root)),
				OutboxRoot: hash.EncodeElement(must(t, state.OutboxRoot)), NumAccounts: tc.wantAccounts,
				InboxLength: tc.wantInbox, InboxConsumed: tc.wantInbox, LogLength: tc.wantLog,
				ReceiptRoot: receiptRoot(t, tc.wantReceipts...), GenesisDeposits: tc.wantDeposits,
			}, l)
		})
	}
}
