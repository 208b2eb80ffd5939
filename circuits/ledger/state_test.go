package ledger

import (
	"errors"
	"math"
	"testing"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark/test"

	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/inclusion"
	"github.com/slush-tree/slush/circuits/smt"
)

// snapshot is the full observable state: ledger root, outbox root, inbox
// head and store size.
type snapshot struct {
	root, outbox, inbox fr.Element
	keys                int
}

func snap(t *testing.T, f *fixture) snapshot {
	t.Helper()
	r, err := f.s.Root()
	if err != nil {
		t.Fatal(err)
	}
	o, err := f.s.OutboxRoot()
	if err != nil {
		t.Fatal(err)
	}
	h, err := f.s.InboxHead(f.s.InboxConsumed())
	if err != nil {
		t.Fatal(err)
	}
	return snapshot{r, o, h, f.store.Len()}
}

func TestApplyRejects(t *testing.T) {
	cases := []struct {
		name string
		op   func(t *testing.T, f *fixture) Op
		want error
	}{
		{"bad signature", func(t *testing.T, f *fixture) Op {
			op := f.transfer(t, f.alice, f.aliceIdx, owner(f.bob), 100, 0)
			op.Sig[40] ^= 1
			return op
		}, ErrBadSignature},
		{"signature for another vid", func(t *testing.T, f *fixture) Op {
			op, err := NewTransfer(otherVid, f.alice, f.aliceIdx, owner(f.bob), asset1, 100, 0)
			if err != nil {
				t.Fatal(err)
			}
			return op
		}, ErrBadSignature},
		{"signed amount changed", func(t *testing.T, f *fixture) Op {
			op := f.transfer(t, f.alice, f.aliceIdx, owner(f.bob), 100, 0)
			op.Amount = 101
			return op
		}, ErrBadSignature},
		{"key does not own the account", func(t *testing.T, f *fixture) Op {
			return f.transfer(t, f.bob, f.aliceIdx, owner(f.bob), 100, 0)
		}, ErrBadSignature},
		{"missing signature", func(t *testing.T, f *fixture) Op {
			op := f.transfer(t, f.alice, f.aliceIdx, owner(f.bob), 100, 0)
			op.Sig = nil
			return op
		}, ErrBadSignature},
		{"overdraft", func(t *testing.T, f *fixture) Op {
			return f.transfer(t, f.alice, f.aliceIdx, owner(f.bob), 1001, 0)
		}, ErrInsufficientBalance},
		{"bridge-out overdraft", func(t *testing.T, f *fixture) Op {
			return f.bridgeOut(t, f.bob, f.bobIdx, 51, 0)
		}, ErrInsufficientBalance},
		{"credit overflow", func(t *testing.T, f *fixture) Op {
			m := f.deposit(t, f.bob, asset1, math.MaxUint64-49) // bob holds 50
			return forcedIn(m)
		}, ErrAmountRange},
		{"future nonce", func(t *testing.T, f *fixture) Op {
			return f.transfer(t, f.alice, f.aliceIdx, owner(f.bob), 1, 1)
		}, ErrNonce},
		{"skipped inbox entry", func(t *testing.T, f *fixture) Op {
			f.deposit(t, f.carol, asset1, 1)
			return forcedIn(f.deposit(t, f.carol, asset1, 2))
		}, ErrInboxOrder},
		{"bridge-in with an empty inbox", func(t *testing.T, f *fixture) Op {
			return forcedIn(inclusion.Message{SrcVid: otherVid, DstVid: testVid, Recipient: owner(f.carol), AssetID: asset1, Amount: 1})
		}, ErrInboxOrder},
		{"bridge-in for another validium", func(t *testing.T, f *fixture) Op {
			return forcedIn(inclusion.Message{SrcVid: testVid, DstVid: otherVid, Recipient: owner(f.carol), AssetID: asset1, Amount: 1})
		}, ErrWrongDestination},
		{"asset mismatch", func(t *testing.T, f *fixture) Op {
			op, err := NewTransfer(testVid, f.alice, f.aliceIdx, owner(f.bob), asset2, 1, 0)
			if err != nil {
				t.Fatal(err)
			}
			return op
		}, ErrAssetMismatch},
		{"unknown account", func(t *testing.T, f *fixture) Op {
			return f.transfer(t, f.alice, 9, owner(f.bob), 1, 0)
		}, ErrUnknownAccount},
		{"unknown kind", func(t *testing.T, f *fixture) Op { return Op{Kind: 9} }, ErrBadOp},
		{"bridge-in of the next entry under another source", func(t *testing.T, f *fixture) Op {
			return NewBridgeIn(f.deposit(t, f.carol, asset1, 1), SourceClaim) // pushed as forced
		}, ErrInboxOrder},
		{"bridge-in without a source", func(t *testing.T, f *fixture) Op {
			return Op{Kind: OpBridgeIn, Msg: f.deposit(t, f.carol, asset1, 1)}
		}, ErrBadOp},
		{"transfer with a source", func(t *testing.T, f *fixture) Op {
			op := f.transfer(t, f.alice, f.aliceIdx, owner(f.bob), 1, 0)
			op.Source = SourceForced
			return op
		}, ErrBadOp},
		{"transfer with bridge-out fields", func(t *testing.T, f *fixture) Op {
			op := f.transfer(t, f.alice, f.aliceIdx, owner(f.bob), 1, 0)
			op.Deadline = 5
			return op
		}, ErrBadOp},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			assert := test.NewAssert(t)
			f := newFixture(t, testParams)
			op := tc.op(t, f)
			before := snap(t, f)
			err := f.s.Apply(op)
			assert.True(errors.Is(err, tc.want), "got %v, want %v", err, tc.want)
			assert.Equal(before, snap(t, f), "a rejected op changed the state")
		})
	}
}

// TestReceiptsFull: a bridge-in needs a free receipt slot; a full receipt tree refuses it
// (DESIGN §7.3: every mint leaves a receipt) and leaves the state unchanged.
func TestReceiptsFull(t *testing.T) {
	assert := test.NewAssert(t)
	f := newFixture(t, testParams) // two receipts (the fixture's deposits)
	for f.s.Receipts().Size() < 1<<testParams.OutboxDepth {
		assert.NoError(f.s.Apply(forcedIn(f.deposit(t, f.carol, asset1, 1))))
	}
	m := f.deposit(t, f.carol, asset1, 1)
	before := snap(t, f)
	assert.True(errors.Is(f.s.Apply(forcedIn(m)), ErrReceiptsFull))
	assert.Equal(before, snap(t, f))
}

// TestPushInboxSource: every inbox entry has one of the three sources, chained into the head.
func TestPushInboxSource(t *testing.T) {
	assert := test.NewAssert(t)
	f := newFixture(t, testParams)
	m := inclusion.Message{SrcVid: otherVid, DstVid: testVid, Recipient: owner(f.carol), AssetID: asset1, Amount: 1}
	assert.True(errors.Is(f.s.PushInbox(m, 0), ErrBadOp))
	assert.True(errors.Is(f.s.PushInbox(m, SourceExit+1), ErrBadOp))
	prev, err := f.s.InboxHead(f.s.InboxLen())
	assert.NoError(err)
	assert.NoError(f.s.PushInbox(m, SourceExit))
	head, err := f.s.InboxHead(f.s.InboxLen())
	assert.NoError(err)
	assert.Equal(InboxLink(prev, m.Hash(), SourceExit), head)
	assert.NotEqual(InboxLink(prev, m.Hash(), SourceForced), head)
	got, src, err := f.s.InboxEntry(f.s.InboxLen() - 1)
	assert.NoError(err)
	assert.Equal(m, got)
	assert.Equal(SourceExit, src)
}

// TestFund: genesis funding credits without touching the inbox, the log or the receipts.
func TestFund(t *testing.T) {
	assert := test.NewAssert(t)
	s, err := NewState(smt.NewMemStore(), testVid, testParams)
	assert.NoError(err)
	carol := owner(KeyFromSeed([]byte("carol")))
	assert.NoError(s.Fund(carol, asset1, 70))
	assert.NoError(s.Fund(carol, asset1, 30))
	assert.True(errors.Is(s.Fund(carol, asset1, math.MaxUint64), ErrAmountRange))
	idx, ok, err := s.Lookup(carol, asset1)
	assert.NoError(err)
	assert.True(ok)
	acc, _, err := s.Account(idx)
	assert.NoError(err)
	assert.Equal(uint64(100), acc.Balance)
	assert.Equal(uint64(0), s.InboxLen())
	assert.Equal(uint64(0), s.Receipts().Size())
}

func TestReplayRejected(t *testing.T) {
	assert := test.NewAssert(t)
	f := newFixture(t, testParams)
	op := f.transfer(t, f.alice, f.aliceIdx, owner(f.bob), 100, 0)
	assert.NoError(f.s.Apply(op))
	assert.True(errors.Is(f.s.Apply(op), ErrNonce))
	a, _, err := f.s.Account(f.aliceIdx)
	assert.NoError(err)
	b, _, err := f.s.Account(f.bobIdx)
	assert.NoError(err)
	assert.Equal(Account{owner(f.alice), asset1, 900, 1}, a)
	assert.Equal(Account{owner(f.bob), asset1, 150, 0}, b)
}

func TestApplyEffects(t *testing.T) {
	assert := test.NewAssert(t)
	f := newFixture(t, testParams)
	// transfer to a new account, then to oneself, then bridge out
	assert.NoError(f.s.Apply(f.transfer(t, f.alice, f.aliceIdx, owner(f.carol), 10, 0)))
	ci, ok, err := f.s.Lookup(owner(f.carol), asset1)
	assert.NoError(err)
	assert.True(ok)
	assert.Equal(uint64(2), ci)
	assert.Equal(uint64(3), f.s.NumAccounts())
	assert.NoError(f.s.Apply(f.transfer(t, f.alice, f.aliceIdx, owner(f.alice), 5, 1)))
	assert.NoError(f.s.Apply(f.bridgeOut(t, f.alice, f.aliceIdx, 40, 2)))
	a, _, err := f.s.Account(f.aliceIdx)
	assert.NoError(err)
	assert.Equal(Account{owner(f.alice), asset1, 950, 3}, a)
	// the outbox holds the message with nonce = outbox position
	m := inclusion.Message{SrcVid: testVid, DstVid: otherVid, Nonce: 0, Recipient: owner(f.carol), AssetID: asset1, Amount: 40, Deadline: 500}
	item, err := f.s.Outbox().Get(0)
	assert.NoError(err)
	assert.Equal(m.Hash(), item)
	root, err := f.s.OutboxRoot()
	assert.NoError(err)
	pr, err := f.s.Outbox().Prove(0)
	assert.NoError(err)
	assert.NoError(smt.VerifyAccumulatorProof(root, testParams.OutboxDepth, pr))
	// reopening the store gives the same state
	s2, err := NewState(f.store, testVid, testParams)
	assert.NoError(err)
	r1, _ := f.s.Root()
	r2, _ := s2.Root()
	assert.Equal(r1, r2)
	assert.Equal(f.s.NumAccounts(), s2.NumAccounts())
	assert.Equal(f.s.InboxConsumed(), s2.InboxConsumed())
	assert.Equal(f.s.InboxLen(), s2.InboxLen())
}

// TestReplayDeterministic: the chain applies ops with Apply; the prover
// replays the log from a copy of the old state with a BatchBuilder and gets
// the same roots and the same store contents.
func TestReplayDeterministic(t *testing.T) {
	assert := test.NewAssert(t)
	f := newFixture(t, testParams)
	in := f.deposit(t, f.carol, asset1, 70)
	replica := clone(t, f.store)
	log := []Op{
		f.transfer(t, f.alice, f.aliceIdx, owner(f.bob), 100, 0),
		f.bridgeOut(t, f.alice, f.aliceIdx, 30, 1),
		forcedIn(in),
	}
	for _, op := range log {
		assert.NoError(f.s.Apply(op))
	}
	var raw [][]byte
	for _, op := range log {
		raw = append(raw, op.Bytes())
	}
	s2, err := NewState(replica, testVid, testParams)
	assert.NoError(err)
	b, err := NewBatchBuilder(s2)
	assert.NoError(err)
	for _, r := range raw {
		op, err := DecodeOp(r)
		assert.NoError(err)
		assert.NoError(b.Add(op))
	}
	w, err := b.Build(3, hash.Uint64(3), nil)
	assert.NoError(err)
	root, _ := f.s.Root()
	assert.Equal(root, w.Public.NewLedgerRoot)
	assert.Equal(f.store.Keys(), replica.Keys())
	for _, k := range f.store.Keys() {
		v1, _ := f.store.Get([]byte(k))
		v2, _ := replica.Get([]byte(k))
		assert.Equal(v1, v2)
	}
	assert.NoError(solve(t, testParams, mustAssign(t, w)))
}

func TestCapacity(t *testing.T) {
	assert := test.NewAssert(t)
	p := Params{AccountDepth: 1, OutboxDepth: 1, BatchSize: 1}
	f := newFixture(t, p) // alice and bob fill both account slots
	err := f.s.Apply(f.transfer(t, f.alice, f.aliceIdx, owner(f.carol), 1, 0))
	assert.True(errors.Is(err, ErrLedgerFull), "%v", err)
	assert.NoError(f.s.Apply(f.bridgeOut(t, f.alice, f.aliceIdx, 1, 0)))
	assert.NoError(f.s.Apply(f.bridgeOut(t, f.alice, f.aliceIdx, 1, 1)))
	err = f.s.Apply(f.bridgeOut(t, f.alice, f.aliceIdx, 1, 2))
	assert.True(errors.Is(err, ErrOutboxFull), "%v", err)
}

func TestBatchFull(t *testing.T) {
	assert := test.NewAssert(t)
	f := newFixture(t, Params{AccountDepth: 4, OutboxDepth: 3, BatchSize: 1})
	b, err := NewBatchBuilder(f.s)
	assert.NoError(err)
	assert.NoError(b.Add(Op{}))
	assert.True(errors.Is(b.Add(Op{}), ErrBatchFull))
	assert.Equal(1, b.Len())
}
