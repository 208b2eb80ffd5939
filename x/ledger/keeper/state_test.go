package keeper_test

import (
	"context"
	"testing"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/stretchr/testify/require"

	"github.com/slush-tree/slush/circuits/commitment"
	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/inclusion"
	"github.com/slush-tree/slush/circuits/ledger"
	"github.com/slush-tree/slush/circuits/smt"
	"github.com/slush-tree/slush/x/ledger/keeper"
	"github.com/slush-tree/slush/x/ledger/types"
)

// TestTransfer proves MsgTransfer applies a signed transfer at once (DESIGN §4: users see
// balances immediately) and logs it, and refuses and does not log anything the ledger rules or
// the message refuse.
func TestTransfer(t *testing.T) {
	env, _, msgs, q := setupLedger(t)
	sender := env.OtherAddress(t)
	res, err := msgs.Transfer(env.Ctx, &types.MsgTransfer{Sender: sender, Op: transfer(t, chainVid, 0, 100, 0)})
	require.NoError(t, err)
	require.Equal(t, uint64(0), res.Sequence, "the first logged operation: genesis funding is not logged")
	a, err := q.Account(env.Ctx, &types.QueryAccountRequest{Index: 0})
	require.NoError(t, err)
	b, err := q.Account(env.Ctx, &types.QueryAccountRequest{Index: 1})
	require.NoError(t, err)
	require.Equal(t, uint64(900), a.Balance)
	require.Equal(t, uint64(1), a.Nonce)
	require.Equal(t, uint64(150), b.Balance, "users see balances at once (DESIGN §4)")

	badSig, err := ledger.NewTransfer(chainVid, bob, 0, ledger.OwnerHash(bob.PublicKey), asset, 1, 1)
	require.NoError(t, err)
	cases := []struct {
		name    string
		sender  string
		op      []byte
		wantErr error
		text    string // the error names the real problem
	}{
		{"a malformed sender", "not-an-address", transfer(t, chainVid, 0, 1, 1), types.ErrInvalidAddress, "sender"},
		{"garbage bytes", sender, []byte("not an op"), types.ErrInvalidOp, "op of 9 bytes"},
		{"a bridge-out sent as a transfer", sender, bridgeOut(t, 1, 1).Bytes(), types.ErrWrongOpKind, "got bridge-out, want transfer"},
		{"signed by another key", sender, badSig.Bytes(), types.ErrLedgerRejected, "key does not own account 0"},
		{"replay (old nonce)", sender, transfer(t, chainVid, 0, 100, 0), types.ErrLedgerRejected, "wrong nonce"},
		{"overdraft", sender, transfer(t, chainVid, 0, 901, 1), types.ErrLedgerRejected, "insufficient balance"},
		{"signed for another validium", sender, transfer(t, commitment.MustPackVid([]uint8{2}), 0, 1, 1), types.ErrLedgerRejected,
			"does not verify for this chain (path 1-2): was the op signed for another chain's --path?"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := msgs.Transfer(env.Ctx, &types.MsgTransfer{Sender: tc.sender, Op: tc.op})
			require.ErrorIs(t, err, tc.wantErr)
			require.ErrorContains(t, err, tc.text)
		})
	}
	l, err := q.State(env.Ctx, &types.QueryStateRequest{})
	require.NoError(t, err)
	require.Equal(t, uint64(1), l.LogLength, "rejected operations are not logged")
	a, err = q.Account(env.Ctx, &types.QueryAccountRequest{Index: 0})
	require.NoError(t, err)
	require.Equal(t, uint64(900), a.Balance, "and move nothing")
}

// TestBurnBridgeOut proves BurnBridgeOut burns a signed bridge-out, logs it and returns the
// message it appended to the outbox (DESIGN §7.1) with its outbox index; anything else is
// refused without a trace.
func TestBurnBridgeOut(t *testing.T) {
	env, k, _, q := setupLedger(t)
	_, _, err := k.Execute(env.Ctx, transfer(t, chainVid, 0, 10, 0), ledger.OpTransfer) // log sequence 0
	require.NoError(t, err)
	dst, recipient := commitment.MustPackVid([]uint8{2}), ledger.OwnerHash(bob.PublicKey)
	for i, amount := range []uint64{30, 20} {
		op := bridgeOut(t, amount, uint64(i+1))
		burnt, err := k.BurnBridgeOut(env.Ctx, op.Bytes())
		require.NoError(t, err)
		want := inclusion.Message{SrcVid: chainVid, DstVid: dst, Nonce: uint64(i), Recipient: recipient, AssetID: asset, Amount: amount, Deadline: 500}
		require.Equal(t, types.Burnt{Op: op, Sequence: uint64(i + 1), Message: want, OutboxIndex: uint64(i)}, burnt,
			"the outbox holds DESIGN §7.1's message, its nonce the outbox index")
		state, err := k.Open(env.Ctx)
		require.NoError(t, err)
		item, err := state.Outbox().Get(burnt.OutboxIndex)
		require.NoError(t, err)
		require.Equal(t, want.Hash(), item)
	}
	a, err := q.Account(env.Ctx, &types.QueryAccountRequest{Index: 0})
	require.NoError(t, err)
	require.Equal(t, uint64(940), a.Balance, "burned")

	before, err := k.CurrentRoots(env.Ctx)
	require.NoError(t, err)
	for _, tc := range []struct {
		name    string
		op      []byte
		wantErr error
	}{
		{"garbage bytes", []byte("not an op"), types.ErrInvalidOp},
		{"a transfer", transfer(t, chainVid, 0, 1, 3), types.ErrWrongOpKind},
		{"an overdraft", bridgeOut(t, 941, 3).Bytes(), types.ErrLedgerRejected},
		{"a replay", bridgeOut(t, 30, 1).Bytes(), types.ErrLedgerRejected},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := k.BurnBridgeOut(env.Ctx, tc.op)
			require.ErrorIs(t, err, tc.wantErr)
			after, err := k.CurrentRoots(env.Ctx)
			require.NoError(t, err)
			require.Equal(t, before, after, "nothing burnt, appended or logged")
		})
	}
}

// requireMinted checks that m was the last mint on k's ledger, from source src: the last logged
// operation is its bridge-in with that source (what the prover proves, as the source says), the
// last inbox entry is (m, src) and consumed, and the last receipt is m's (the one Mint returned).
func requireMinted(t *testing.T, ctx context.Context, k keeper.Keeper, m inclusion.Message, src ledger.Source, receipt fr.Element, index uint64) {
	t.Helper()
	q := keeper.NewQueryServerImpl(&k)
	l, err := q.State(ctx, &types.QueryStateRequest{})
	require.NoError(t, err)
	require.NotZero(t, l.LogLength)
	logRes, err := q.BatchLog(ctx, &types.QueryBatchLogRequest{From: l.LogLength - 1})
	require.NoError(t, err)
	require.Len(t, logRes.Ops, 1)
	require.Equal(t, ledger.NewBridgeIn(m, src).Bytes(), logRes.Ops[0].Op, "logged as a %s bridge-in", src)
	op, err := ledger.DecodeOp(logRes.Ops[0].Op)
	require.NoError(t, err)
	require.Equal(t, src, op.Source)

	state, err := k.Open(ctx)
	require.NoError(t, err)
	require.NotZero(t, state.InboxLen())
	require.Equal(t, state.InboxLen(), state.InboxConsumed(), "pushed and minted together")
	got, gotSrc, err := state.InboxEntry(state.InboxLen() - 1)
	require.NoError(t, err)
	require.Equal(t, m, got)
	require.Equal(t, src, gotSrc)

	receipts := state.Receipts()
	require.Equal(t, state.InboxConsumed(), receipts.Size(), "one receipt per mint")
	require.Equal(t, receipts.Size()-1, index, "Mint returns the receipt's index")
	last, err := receipts.Get(index)
	require.NoError(t, err)
	require.Equal(t, inclusion.ReceiptFor(m).Hash(), last)
	require.Equal(t, last, receipt, "Mint returns the receipt's hash")
	require.Equal(t, hash.EncodeElement(must(t, state.ReceiptRoot)), l.ReceiptRoot)
}

// TestMint proves every source of a mint (claim, forced operation, exit: DESIGN §5, §7, §8)
// lands in the log, the inbox and the receipt tree with its source and credits the recipient,
// and a message addressed to another chain, or minted here before, mints nothing.
func TestMint(t *testing.T) {
	for _, tc := range []struct {
		name  string
		src   ledger.Source
		owner fr.Element
		index uint64 // the recipient's account
		want  uint64 // its balance after the mint
	}{
		{"claim to a new owner", ledger.SourceClaim, carol, 2, 75},
		{"forced operation to an existing owner", ledger.SourceForced, ledger.OwnerHash(bob.PublicKey), 1, 125},
		{"exit", ledger.SourceExit, carol, 2, 75},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env, k, _, q := setupLedger(t)
			m := inMsg(tc.owner, 75)
			receipt, index, err := k.Mint(env.Ctx, m, tc.src)
			require.NoError(t, err)
			require.Zero(t, index, "the first receipt")
			requireMinted(t, env.Ctx, k, m, tc.src, receipt, index)
			acc, err := q.Account(env.Ctx, &types.QueryAccountRequest{Index: tc.index})
			require.NoError(t, err)
			require.Equal(t, hash.EncodeElement(tc.owner), acc.Owner)
			require.Equal(t, tc.want, acc.Balance)

			second := m
			second.Nonce++
			receipt, index, err = k.Mint(env.Ctx, second, tc.src)
			require.NoError(t, err)
			require.Equal(t, uint64(1), index)
			requireMinted(t, env.Ctx, k, second, tc.src, receipt, index)

			before, err := q.State(env.Ctx, &types.QueryStateRequest{})
			require.NoError(t, err)
			other := m
			other.DstVid = commitment.MustPackVid([]uint8{1, 3})
			_, _, err = k.Mint(env.Ctx, other, tc.src)
			require.ErrorIs(t, err, types.ErrLedgerRejected)
			after, err := q.State(env.Ctx, &types.QueryStateRequest{})
			require.NoError(t, err)
			require.Equal(t, before, after, "nothing minted, logged or receipted")

			// a replay, under any source: the ledger's consumed set refuses it (its batch circuit
			// could not prove it); in a transaction the inbox entry pushed first is discarded too
			for _, src := range []ledger.Source{ledger.SourceClaim, ledger.SourceForced, ledger.SourceExit} {
				cached, _ := env.Ctx.CacheContext()
				_, _, err = k.Mint(cached, m, src)
				require.ErrorIs(t, err, types.ErrLedgerRejected)
				require.ErrorContains(t, err, "already consumed")
			}
		})
	}
}

// TestCurrentRoots proves CurrentRoots reports the ledger's vid, roots and log length as the
// ledger has them, and each operation moves exactly the roots it touches: a transfer the ledger
// root, a bridge-out the ledger and outbox roots, a mint the ledger and receipt roots.
func TestCurrentRoots(t *testing.T) {
	env, k, _, _ := setupLedger(t)
	type moved struct{ ledger, outbox, receipts bool }
	steps := []struct {
		name string
		do   func(t *testing.T)
		want moved
	}{
		{"a transfer", func(t *testing.T) {
			_, _, err := k.Execute(env.Ctx, transfer(t, chainVid, 0, 10, 0), ledger.OpTransfer)
			require.NoError(t, err)
		}, moved{ledger: true}},
		{"a bridge-out", func(t *testing.T) {
			_, err := k.BurnBridgeOut(env.Ctx, bridgeOut(t, 5, 1).Bytes())
			require.NoError(t, err)
		}, moved{ledger: true, outbox: true}},
		{"a mint", func(t *testing.T) {
			_, _, err := k.Mint(env.Ctx, inMsg(carol, 3), ledger.SourceExit)
			require.NoError(t, err)
		}, moved{ledger: true, receipts: true}},
	}
	prev, err := k.CurrentRoots(env.Ctx)
	require.NoError(t, err)
	require.Equal(t, types.Roots{
		Vid: chainVid, Ledger: fundedRoot(t, chainVid, testDeposits()),
		Outbox: smt.EmptyAccumulatorRoot(int(testLedger.OutboxDepth)), Receipts: smt.EmptyAccumulatorRoot(int(testLedger.OutboxDepth)),
	}, prev, "a funded ledger that never sent nor minted")
	for i, step := range steps {
		t.Run(step.name, func(t *testing.T) {
			step.do(t)
			roots, err := k.CurrentRoots(env.Ctx)
			require.NoError(t, err)
			state, err := k.Open(env.Ctx)
			require.NoError(t, err)
			head, err := state.InboxHead(state.InboxConsumed())
			require.NoError(t, err)
			require.Equal(t, types.Roots{
				Vid: chainVid, Ledger: must(t, state.Root), Outbox: must(t, state.OutboxRoot), Receipts: must(t, state.ReceiptRoot),
				LogLength: uint64(i + 1), InboxHead: head,
			}, roots)
			require.Equal(t, step.want.receipts, roots.InboxHead != prev.InboxHead, "inbox head: a mint consumes an entry")
			require.Equal(t, step.want.ledger, roots.Ledger != prev.Ledger, "ledger root")
			require.Equal(t, step.want.outbox, roots.Outbox != prev.Outbox, "outbox root")
			require.Equal(t, step.want.receipts, roots.Receipts != prev.Receipts, "receipt root")
			prev = roots
		})
	}
}

// TestProverReplayMatchesChain proves a replica funded with the genesis deposits the State
// query serves, then replaying the log (bridge-ins pushed with their logged source, as the
// prover does), reaches exactly the chain's ledger, outbox and receipt roots and inbox head.
func TestProverReplayMatchesChain(t *testing.T) {
	env, k, msgs, q := setupLedger(t)
	_, err := msgs.Transfer(env.Ctx, &types.MsgTransfer{Sender: env.OtherAddress(t), Op: transfer(t, chainVid, 0, 10, 0)})
	require.NoError(t, err)
	_, err = k.BurnBridgeOut(env.Ctx, bridgeOut(t, 5, 1).Bytes())
	require.NoError(t, err)
	_, _, err = k.Mint(env.Ctx, inMsg(ledger.OwnerHash(bob.PublicKey), 75), ledger.SourceExit)
	require.NoError(t, err)
	_, _, err = k.Mint(env.Ctx, inMsg(carol, 5), ledger.SourceClaim)
	require.NoError(t, err)

	l, err := q.State(env.Ctx, &types.QueryStateRequest{})
	require.NoError(t, err)
	logRes, err := q.BatchLog(env.Ctx, &types.QueryBatchLogRequest{})
	require.NoError(t, err)
	require.Len(t, logRes.Ops, 4, "transfer, bridge-out, exit mint, claim mint")
	replica, err := ledger.NewState(smt.NewMemStore(), chainVid, l.Params.Ledger())
	require.NoError(t, err)
	require.NoError(t, types.FundLedger(replica, l.GenesisDeposits))
	for _, entry := range logRes.Ops {
		op, err := ledger.DecodeOp(entry.Op)
		require.NoError(t, err)
		if op.Kind == ledger.OpBridgeIn {
			require.NoError(t, replica.PushInbox(op.Msg, op.Source))
		}
		require.NoError(t, replica.Apply(op))
	}
	chain, err := k.Open(env.Ctx)
	require.NoError(t, err)
	for name, pair := range map[string][2]func() (fr.Element, error){
		"ledger":  {chain.Root, replica.Root},
		"outbox":  {chain.OutboxRoot, replica.OutboxRoot},
		"receipt": {chain.ReceiptRoot, replica.ReceiptRoot},
		"inbox":   {func() (fr.Element, error) { return chain.InboxHead(chain.InboxLen()) }, func() (fr.Element, error) { return replica.InboxHead(replica.InboxLen()) }},
	} {
		require.Equal(t, must(t, pair[0]), must(t, pair[1]), name)
	}
	require.Equal(t, hash.EncodeElement(must(t, replica.ReceiptRoot)), l.ReceiptRoot)
}
