package ledger

import (
	"sync"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark-crypto/ecc/bn254/twistededwards/eddsa"
	"github.com/consensys/gnark/constraint"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/frontend/cs/r1cs"
	"github.com/consensys/gnark/logger"

	"github.com/slush-tree/slush/circuits/commitment"
	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/inclusion"
	"github.com/slush-tree/slush/circuits/smt"
)

// testParams: account depth 4 > outbox depth 3, so path B's outbox root is
// an intermediate node (as in production, 24 > 20).
var testParams = Params{AccountDepth: 4, OutboxDepth: 3, BatchSize: 4}

var (
	testVid  = commitment.MustPackVid([]uint8{1, 2})
	otherVid = commitment.MustPackVid([]uint8{3})
	asset1   = hash.Uint64(7)
	asset2   = hash.Uint64(8)
)

var (
	ccsMu    sync.Mutex
	ccsCache = map[Params]constraint.ConstraintSystem{}
)

func compiled(t testing.TB, p Params) constraint.ConstraintSystem {
	t.Helper()
	ccsMu.Lock()
	defer ccsMu.Unlock()
	if c, ok := ccsCache[p]; ok {
		return c
	}
	logger.Disable()
	c, err := frontend.Compile(ecc.BN254.ScalarField(), r1cs.NewBuilder, New(p))
	if err != nil {
		t.Fatal(err)
	}
	ccsCache[p] = c
	return c
}

// solve runs the R1CS solver of the compiled circuit on a full assignment.
func solve(t testing.TB, p Params, a *Circuit) error {
	t.Helper()
	w, err := frontend.NewWitness(a, ecc.BN254.ScalarField())
	if err != nil {
		return err
	}
	return compiled(t, p).IsSolved(w)
}

type fixture struct {
	s            *State
	store        *smt.MemStore
	alice, bob   *eddsa.PrivateKey
	carol        *eddsa.PrivateKey
	aliceIdx     uint64
	bobIdx       uint64
	nextSrcNonce uint64
}

func owner(k *eddsa.PrivateKey) fr.Element { return OwnerHash(k.PublicKey) }

// deposit pushes a message from otherVid into the inbox and returns it.
func (f *fixture) deposit(t testing.TB, to *eddsa.PrivateKey, asset fr.Element, amount uint64) inclusion.Message {
	t.Helper()
	m := inclusion.Message{SrcVid: otherVid, DstVid: testVid, Nonce: f.nextSrcNonce, Recipient: owner(to),
		AssetID: asset, Amount: amount, Deadline: 1000}
	f.nextSrcNonce++
	if err := f.s.PushInbox(m, SourceForced); err != nil {
		t.Fatal(err)
	}
	return m
}

// newFixture: alice holds 1000 of asset1 (index 0), bob 50 (index 1).
func newFixture(t testing.TB, p Params) *fixture {
	t.Helper()
	store := smt.NewMemStore()
	s, err := NewState(store, testVid, p)
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{s: s, store: store, alice: KeyFromSeed([]byte("alice")), bob: KeyFromSeed([]byte("bob")), carol: KeyFromSeed([]byte("carol"))}
	for _, d := range []struct {
		k   *eddsa.PrivateKey
		amt uint64
	}{{f.alice, 1000}, {f.bob, 50}} {
		if err := s.Apply(forcedIn(f.deposit(t, d.k, asset1, d.amt))); err != nil {
			t.Fatal(err)
		}
	}
	f.aliceIdx, f.bobIdx = 0, 1
	return f
}

func (f *fixture) transfer(t testing.TB, from *eddsa.PrivateKey, fromIdx uint64, to fr.Element, amount, nonce uint64) Op {
	t.Helper()
	op, err := NewTransfer(testVid, from, fromIdx, to, asset1, amount, nonce)
	if err != nil {
		t.Fatal(err)
	}
	return op
}

func (f *fixture) bridgeOut(t testing.TB, from *eddsa.PrivateKey, fromIdx uint64, amount, nonce uint64) Op {
	t.Helper()
	op, err := NewBridgeOut(testVid, from, fromIdx, asset1, amount, nonce, otherVid, owner(f.carol), 500)
	if err != nil {
		t.Fatal(err)
	}
	return op
}

func (f *fixture) transferOp(amount, nonce uint64) Op {
	return Op{Kind: OpTransfer, From: f.aliceIdx, Asset: asset1, Amount: amount, Nonce: nonce, ToOwner: owner(f.bob)}
}

func (f *fixture) bridgeOutOp(amount, nonce uint64) Op {
	return Op{Kind: OpBridgeOut, From: f.aliceIdx, Asset: asset1, Amount: amount, Nonce: nonce,
		DstVid: otherVid, Recipient: owner(f.carol), Deadline: 500}
}

// mixedBatch builds the reference batch on top of the inbox entry in (a
// deposit for carol): transfer alice→bob 100, bridge-out of 30 by alice,
// bridge-in creating carol's account, one NoOp of padding.
func (f *fixture) mixedBatch(t testing.TB, in inclusion.Message) Witness {
	t.Helper()
	b, err := NewBatchBuilder(f.s)
	if err != nil {
		t.Fatal(err)
	}
	for _, op := range []Op{
		f.transfer(t, f.alice, f.aliceIdx, owner(f.bob), 100, 0),
		f.bridgeOut(t, f.alice, f.aliceIdx, 30, 1),
		forcedIn(in),
	} {
		if err := b.Add(op); err != nil {
			t.Fatal(err)
		}
	}
	w, err := b.Build(42, hash.Uint64(4242), nil)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// forcedIn is the BridgeIn of a forced inbox entry (the fixture's deposits).
func forcedIn(m inclusion.Message) Op { return NewBridgeIn(m, SourceForced) }

// clone copies a MemStore.
func clone(t testing.TB, s *smt.MemStore) *smt.MemStore {
	t.Helper()
	c := smt.NewMemStore()
	for _, k := range s.Keys() {
		v, err := s.Get([]byte(k))
		if err != nil {
			t.Fatal(err)
		}
		if err := c.Set([]byte(k), v); err != nil {
			t.Fatal(err)
		}
	}
	return c
}

func mustAssign(t testing.TB, w Witness) *Circuit {
	t.Helper()
	a, err := w.Assign()
	if err != nil {
		t.Fatal(err)
	}
	return a
}
