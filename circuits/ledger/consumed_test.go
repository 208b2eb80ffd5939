package ledger

import (
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark/backend"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/frontend/cs/r1cs"
	"github.com/consensys/gnark/test"
	"github.com/stretchr/testify/require"

	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/inclusion"
	"github.com/slush-tree/slush/circuits/smt"
)

// consumedCircuit consumes one message into a consumed set.
type consumedCircuit struct {
	Root, NewRoot frontend.Variable `gnark:",public"`
	Msg, Active   frontend.Variable
	Siblings      [ConsumedDepth]frontend.Variable
}

func (c *consumedCircuit) Define(api frontend.API) error {
	api.AssertIsEqual(ConsumedGadget(api, c.Root, c.Msg, c.Active, c.Siblings[:]), c.NewRoot)
	return nil
}

// consumedAssignment is the assignment consuming msg (active) with siblings from root to newRoot.
func consumedAssignment(root, newRoot, msg fr.Element, active int, siblings []fr.Element) *consumedCircuit {
	a := &consumedCircuit{Root: root, NewRoot: newRoot, Msg: msg, Active: active}
	for i := range a.Siblings {
		a.Siblings[i] = siblings[i]
	}
	return a
}

// withHighBits is msg + k·2^64: another message in msg's slot.
func withHighBits(msg fr.Element, k uint64) fr.Element {
	var shift, out fr.Element
	shift.SetUint64(k)
	for range 64 {
		shift.Double(&shift)
	}
	out.Add(&msg, &shift)
	return out
}

// TestConsumedSet: the native set takes a message once, refuses a replay and another message
// in a taken slot, and returns the path under which the slot was empty.
func TestConsumedSet(t *testing.T) {
	s, err := NewConsumedSet(smt.NewMemStore())
	require.NoError(t, err)
	root, err := s.Root()
	require.NoError(t, err)
	require.Equal(t, EmptyConsumedRoot(), root)

	msg := hash.Hash(hash.DomainMessage, hash.Uint64(1))
	siblings, err := s.Consume(msg)
	require.NoError(t, err)
	require.Equal(t, root, smt.ComputeRoot(smt.LeafHash(fr.Element{}), ConsumedKey(msg), siblings), "the slot was empty under the old root")
	after, err := s.Root()
	require.NoError(t, err)
	require.Equal(t, after, smt.ComputeRoot(smt.LeafHash(msg), ConsumedKey(msg), siblings), "and holds msg under the new one")
	has, err := s.Has(msg)
	require.NoError(t, err)
	require.True(t, has)

	_, err = s.Consume(msg)
	require.ErrorIs(t, err, ErrConsumedTwice)
	neighbour := withHighBits(msg, 1)
	require.Equal(t, ConsumedKey(msg), ConsumedKey(neighbour))
	_, err = s.Consume(neighbour)
	require.ErrorIs(t, err, ErrConsumedSlotTaken)
	_, err = s.Consume(fr.Element{})
	require.ErrorIs(t, err, ErrBadOp)
	unchanged, err := s.Root()
	require.NoError(t, err)
	require.Equal(t, after, unchanged, "refused messages leave the set as it was")
}

// TestConsumedKey: a message's slot is the low 64 bits of its canonical encoding.
func TestConsumedKey(t *testing.T) {
	require.Equal(t, uint64(7), ConsumedKey(hash.Uint64(7)))
	var minusOne fr.Element
	minusOne.SetInt64(-1) // r - 1: its low 64 bits, not those of -1 as an integer
	b := minusOne.Bytes()
	var want uint64
	for _, x := range b[24:] {
		want = want<<8 | uint64(x)
	}
	require.Equal(t, want, ConsumedKey(minusOne))
}

// TestConsumedGadget: the gadget accepts exactly the native set's insertions — a first and a
// second message, an inactive slot leaving the root — and refuses a replay, another message in
// a taken slot, a path of another slot, a made-up new root and an inactive slot that moves it.
func TestConsumedGadget(t *testing.T) {
	s, err := NewConsumedSet(smt.NewMemStore())
	require.NoError(t, err)
	empty, err := s.Root()
	require.NoError(t, err)
	first := hash.Hash(hash.DomainMessage, hash.Uint64(1))
	second := hash.Hash(hash.DomainMessage, hash.Uint64(2))
	firstPath, err := s.Consume(first)
	require.NoError(t, err)
	withFirst, err := s.Root()
	require.NoError(t, err)
	secondPath, err := s.Consume(second)
	require.NoError(t, err)
	withBoth, err := s.Root()
	require.NoError(t, err)

	// What a dishonest prover would assign: the replay of first over its own (taken) slot's
	// path, and a message sharing first's slot.
	replayPath, err := s.tree.Prove(ConsumedKey(first))
	require.NoError(t, err)
	replayed := smt.ComputeRoot(smt.LeafHash(first), ConsumedKey(first), replayPath.Siblings)
	neighbour := withHighBits(first, 3)
	crowded := smt.ComputeRoot(smt.LeafHash(neighbour), ConsumedKey(neighbour), replayPath.Siblings)
	// second consumed over first's path (the wrong slot's siblings)
	misplaced := smt.ComputeRoot(smt.LeafHash(second), ConsumedKey(second), firstPath)

	test.NewAssert(t).CheckCircuit(&consumedCircuit{},
		test.WithCurves(ecc.BN254), test.WithBackends(backend.GROTH16),
		test.WithValidAssignment(consumedAssignment(empty, withFirst, first, 1, firstPath)),
		test.WithValidAssignment(consumedAssignment(withFirst, withBoth, second, 1, secondPath)),
		test.WithValidAssignment(consumedAssignment(withBoth, withBoth, first, 0, replayPath.Siblings)),
		test.WithInvalidAssignment(consumedAssignment(withBoth, replayed, first, 1, replayPath.Siblings)),
		test.WithInvalidAssignment(consumedAssignment(withBoth, crowded, neighbour, 1, replayPath.Siblings)),
		test.WithInvalidAssignment(consumedAssignment(withFirst, misplaced, second, 1, firstPath)),
		test.WithInvalidAssignment(consumedAssignment(empty, withBoth, first, 1, firstPath)),
		test.WithInvalidAssignment(consumedAssignment(withFirst, withBoth, second, 0, secondPath)),
		test.WithInvalidAssignment(consumedAssignment(withFirst, withBoth, second, 2, secondPath)),
	)
}

// BenchmarkConsumedConstraints reports what one consumption costs the ledger circuit.
func BenchmarkConsumedConstraints(b *testing.B) {
	for range b.N {
		ccs, err := frontend.Compile(ecc.BN254.ScalarField(), r1cs.NewBuilder, &consumedCircuit{})
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(ccs.GetNbConstraints()), "constraints")
	}
}

// forgetting is a copy of store whose consumed set no longer holds msg: the state a dishonest
// prover would build its witness from to mint msg again (every other path as the chain's).
func forgetting(t *testing.T, store *smt.MemStore, msg fr.Element) *smt.MemStore {
	t.Helper()
	c := clone(t, store)
	set, err := NewConsumedSet(smt.NewPrefixStore(c, []byte{prefixConsumed}))
	require.NoError(t, err)
	require.NoError(t, set.tree.Delete(ConsumedKey(msg)))
	return c
}

// TestReplayedMessageRefused (issue 16, DESIGN §7.3): a message is minted on a ledger once,
// whatever its source. The native state refuses a second BridgeIn of a consumed message (as a
// forced entry or as a claim), and the circuit refuses the witness of a prover that forgot the
// consumed set — consistent in every other part, under the ledger root the parent holds — so a
// replay is refused by the proof itself, not only by the parent's ConsumedEntries (which a
// colluding parent skips, THREAT-MODEL).
func TestReplayedMessageRefused(t *testing.T) {
	f := newFixture(t, testParams)
	in := inclusion.Message{SrcVid: otherVid, DstVid: testVid, Nonce: 77, Recipient: owner(f.carol), AssetID: asset1, Amount: 70, Deadline: 1000}
	for range 2 { // the same message queued twice (a replayed forced entry)
		require.NoError(t, f.s.PushInbox(in, SourceForced))
	}
	require.NoError(t, f.s.Apply(forcedIn(in)))
	held, err := f.s.Root()
	require.NoError(t, err)

	b, err := NewBatchBuilder(f.s)
	require.NoError(t, err)
	require.ErrorIs(t, b.Add(forcedIn(in)), ErrConsumedTwice)
	require.ErrorIs(t, f.s.Apply(NewBridgeIn(in, SourceClaim)), ErrInboxOrder, "the next entry is the forced copy")
	after, err := f.s.Root()
	require.NoError(t, err)
	require.Equal(t, held, after, "refused mints leave the ledger as it was")
	consumedRoot, err := f.s.ConsumedRoot()
	require.NoError(t, err)

	// The dishonest prover's witness: built on the same state with the message dropped from the
	// consumed set, then stated under the ledger root the parent holds and ending at the ledger
	// root that holds the message once (inserting it again leaves the set as it is).
	forgetful, err := NewState(forgetting(t, f.store, in.Hash()), testVid, testParams)
	require.NoError(t, err)
	fb, err := NewBatchBuilder(forgetful)
	require.NoError(t, err)
	require.NoError(t, fb.Add(forcedIn(in)))
	w, err := fb.Build(1, fr.Element{}, nil)
	require.NoError(t, err)
	require.NoError(t, solve(t, testParams, mustAssign(t, w)), "consistent under the forgetful ledger root")
	accounts, err := forgetful.AccountsRoot()
	require.NoError(t, err)
	w.OldConsumedRoot = consumedRoot
	w.Public.OldLedgerRoot = held
	w.Public.NewLedgerRoot = LedgerRoot(accounts, forgetful.NumAccounts(), consumedRoot)
	require.Error(t, solve(t, testParams, mustAssign(t, w)), "a second mint of the message")
}
