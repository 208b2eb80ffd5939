package planner

import (
	"testing"

	"github.com/consensys/gnark-crypto/ecc/bn254/twistededwards/eddsa"
	"github.com/stretchr/testify/require"

	"github.com/slush-tree/slush/circuits/commitment"
	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/ledger"
	"github.com/slush-tree/slush/circuits/smt"
	slushtypes "github.com/slush-tree/slush/types"
	validiumtypes "github.com/slush-tree/slush/x/validium/types"
)

var (
	wVid    = commitment.MustPackVid([]uint8{1, 2}) // the child whose ledger executes the withdrawal
	wDst    = commitment.MustPackVid([]uint8{1})    // its parent, where the withdrawal goes
	wAlice  = ledger.KeyFromSeed([]byte("alice"))
	wBob    = ledger.KeyFromSeed([]byte("bob"))
	wAsset  = hash.Uint64(7)
	wParams = ledger.Params{AccountDepth: 4, OutboxDepth: 4, BatchSize: 2}
)

// wLedger is the child's ledger: alice (account 0) holds 100, bob (account 1) holds 5.
func wLedger(t *testing.T) *ledger.State {
	st, err := ledger.NewState(smt.NewMemStore(), wVid, wParams)
	require.NoError(t, err)
	require.NoError(t, st.Fund(ledger.OwnerHash(wAlice.PublicKey), wAsset, 100))
	require.NoError(t, st.Fund(ledger.OwnerHash(wBob.PublicKey), wAsset, 5))
	return st
}

// wFields is a commitment preimage of st (its ledger and outbox roots; the rest arbitrary).
func wFields(t *testing.T, st *ledger.State) slushtypes.CommitmentFields {
	l, err := st.Root()
	require.NoError(t, err)
	o, err := st.OutboxRoot()
	require.NoError(t, err)
	c := commitment.Commitment{Vid: wVid, LedgerRoot: l, OutboxRoot: o, ReceiptRoot: hash.Uint64(2), ChildrenRoot: hash.Uint64(3),
		FinalizedChildrenRoot: hash.Uint64(4), AnchorHeight: 9, AnchorCommitment: hash.Uint64(5), AcceptanceDigest: hash.Uint64(6),
		OperatorKeyHash: hash.Uint64(7)}
	return slushtypes.NewCommitmentFields(c)
}

// wOp is a bridge-out of amount from account `from`, signed by key for the child, to alice on 1.
func wOp(t *testing.T, key *eddsa.PrivateKey, from, amount, nonce uint64) ledger.Op {
	op, err := ledger.NewBridgeOut(wVid, key, from, wAsset, amount, nonce, wDst, ledger.OwnerHash(wAlice.PublicKey), 1000)
	require.NoError(t, err)
	return op
}

// TestWithdrawalProof: what the relayer shows the parent for a pending forced withdrawal, from
// the child's ledger at an accepted commitment after the queueing, is accepted by the parent's own
// checks (WithdrawalInclusion.Verify, NoOpReason): the message's inclusion at the position the
// ledger appended it after the queueing, else the account's opening as a no-op; nothing while the
// ledger can still execute the op.
func TestWithdrawalProof(t *testing.T) {
	cases := []struct {
		name string
		op   func(t *testing.T) ledger.Op
		// what the child's ledger did before the withdrawal was queued, and after
		before, after func(t *testing.T, st *ledger.State, op ledger.Op)
		wantPosition  int64 // the inclusion's position; -1: a no-op
		wantReason    string
		notExecuted   bool
	}{
		{name: "not executed yet: nothing to prove", op: func(t *testing.T) ledger.Op { return wOp(t, wAlice, 0, 30, 0) }, notExecuted: true},
		{name: "executed after the queueing", op: func(t *testing.T) ledger.Op { return wOp(t, wAlice, 0, 30, 0) },
			after:        func(t *testing.T, st *ledger.State, op ledger.Op) { require.NoError(t, st.Apply(op)) },
			wantPosition: 0},
		{name: "executed after another message: found at its position", op: func(t *testing.T) ledger.Op { return wOp(t, wAlice, 0, 30, 0) },
			after: func(t *testing.T, st *ledger.State, op ledger.Op) {
				require.NoError(t, st.Apply(wOp(t, wBob, 1, 2, 0)))
				require.NoError(t, st.Apply(op))
			}, wantPosition: 1},
		{name: "an identical message before the queueing does not count: a no-op by its nonce", op: func(t *testing.T) ledger.Op { return wOp(t, wAlice, 0, 30, 1) },
			before: func(t *testing.T, st *ledger.State, _ ledger.Op) {
				require.NoError(t, st.Apply(wOp(t, wAlice, 0, 30, 0)))
			},
			after: func(t *testing.T, st *ledger.State, _ ledger.Op) {
				require.NoError(t, st.Apply(wOp(t, wAlice, 0, 1, 1)))
			},
			wantPosition: -1, wantReason: "nonce mismatch"},
		{name: "insufficient balance", op: func(t *testing.T) ledger.Op { return wOp(t, wAlice, 0, 500, 0) }, wantPosition: -1, wantReason: "insufficient balance"},
		{name: "a future nonce", op: func(t *testing.T) ledger.Op { return wOp(t, wAlice, 0, 30, 4) }, wantPosition: -1, wantReason: "nonce mismatch"},
		{name: "another owner's account", op: func(t *testing.T) ledger.Op { return wOp(t, wBob, 0, 30, 0) }, wantPosition: -1, wantReason: "the op's key does not own the account"},
		{name: "an account beyond the count", op: func(t *testing.T) ledger.Op { return wOp(t, wAlice, 9, 30, 0) }, wantPosition: -1, wantReason: "unknown account"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			st := wLedger(t)
			op := tc.op(t)
			if tc.before != nil {
				tc.before(t, st, op)
			}
			queuedTree, err := st.Outbox().TreeRoot()
			require.NoError(t, err)
			queuedSize := st.Outbox().Size()
			queuedRoot := hash.EncodeElement(smt.AccumulatorRoot(queuedTree, queuedSize))
			if tc.after != nil {
				tc.after(t, st, op)
			}
			fields := wFields(t, st)
			inc, noOp, err := withdrawalProof(st, fields, op, queuedTree, queuedSize)
			if tc.notExecuted {
				require.ErrorIs(t, err, errNotExecuted)
				return
			}
			require.NoError(t, err)
			c, err := fields.Decode()
			require.NoError(t, err)
			if tc.wantPosition >= 0 {
				require.Nil(t, noOp)
				require.NotNil(t, inc)
				require.NoError(t, inc.ValidateBasic())
				require.Equal(t, uint64(tc.wantPosition), inc.Position)
				m, err := inc.Verify(c, wVid, op, queuedRoot, wParams.OutboxDepth)
				require.NoError(t, err, "the parent accepts the inclusion")
				require.Equal(t, validiumtypes.WithdrawalMessage(op, wVid, inc.Position), m)
				return
			}
			require.Nil(t, inc)
			require.NotNil(t, noOp)
			got, reason, err := validiumtypes.NoOpReason(*noOp, op, wParams.AccountDepth)
			require.NoError(t, err, "the parent accepts the no-op")
			require.Equal(t, tc.wantReason, reason)
			require.Equal(t, c, got)
		})
	}
}

// TestExecutable: the relayer executes a forced withdrawal on the child only while the child's
// ledger can debit it, by the rules the parent's no-op check uses.
func TestExecutable(t *testing.T) {
	st := wLedger(t)
	spent := wLedger(t)
	require.NoError(t, spent.Apply(wOp(t, wAlice, 0, 30, 0)))
	other, err := ledger.NewBridgeOut(wVid, wAlice, 0, hash.Uint64(8), 30, 0, wDst, ledger.OwnerHash(wAlice.PublicKey), 1000)
	require.NoError(t, err)
	for _, tc := range []struct {
		name string
		st   *ledger.State
		op   ledger.Op
		want bool
	}{
		{"the account can pay", st, wOp(t, wAlice, 0, 30, 0), true},
		{"its whole balance", st, wOp(t, wAlice, 0, 100, 0), true},
		{"more than its balance", st, wOp(t, wAlice, 0, 101, 0), false},
		{"already executed: the nonce moved", spent, wOp(t, wAlice, 0, 30, 0), false},
		{"another owner", st, wOp(t, wBob, 0, 30, 0), false},
		{"another asset", st, other, false},
		{"no such account", st, wOp(t, wAlice, 7, 1, 0), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := executable(tc.st, tc.op)
			require.NoError(t, err)
			require.Equal(t, tc.want, got)
		})
	}
}
