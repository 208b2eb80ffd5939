package subtree

import (
	"errors"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark/backend"
	"github.com/consensys/gnark/test"
	"github.com/stretchr/testify/require"

	"github.com/slush-tree/slush/circuits/commitment"
	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/inclusion"
	"github.com/slush-tree/slush/circuits/ledger"
	"github.com/slush-tree/slush/circuits/smt"
)

// parentOutbox is chain 1's outbox: a message to 1-2, then two forced deposits to 1-1.
type parentOutbox struct {
	acc      *smt.Accumulator
	messages []inclusion.Message
}

func newParentOutbox(t testing.TB) parentOutbox {
	t.Helper()
	acc, err := smt.NewAccumulator(smt.NewMemStore(), testParams.OutboxDepth)
	require.NoError(t, err)
	o := parentOutbox{acc: acc}
	for i, dst := range [][]uint8{{1, 2}, {1, 1}, {1, 1}} {
		m := inclusion.Message{SrcVid: commitment.MustPackVid([]uint8{1}), DstVid: commitment.MustPackVid(dst),
			Nonce: uint64(i), Recipient: hash.Uint64(40 + uint64(i)), AssetID: hash.Uint64(7), Amount: 100 + uint64(i), Deadline: 90}
		_, err := acc.Append(m.Hash())
		require.NoError(t, err)
		o.messages = append(o.messages, m)
	}
	return o
}

// opening opens message i of the outbox at batch slot slot.
func (o parentOutbox) opening(t testing.TB, i, slot int) DepositOpening {
	t.Helper()
	p, err := o.acc.Prove(uint64(i))
	require.NoError(t, err)
	return DepositOpening{Slot: slot, Message: o.messages[i], Proof: p}
}

func (o parentOutbox) root(t testing.TB) fr.Element {
	t.Helper()
	r, err := o.acc.Root()
	require.NoError(t, err)
	return r
}

// forcedWitness is f's move of 1-1 with the outbox's deposit 1 consumed between the two claims.
func forcedWitness(t testing.TB, s batchSystem, f fixture, o parentOutbox) LeafStepWitness {
	t.Helper()
	w := f.witness
	w.Claims = []fr.Element{w.Claims[0], o.messages[1].Hash(), w.Claims[1]}
	w.Deposits = []DepositOpening{o.opening(t, 1, 1)}
	w.ParentOutbox = o.root(t)
	w.Proof = s.prove(t, w.BatchInputs())
	return w
}

// TestForcedStepPublic: a witness with deposits states kind 9 and the parent's outbox root, and
// its batch chains the deposit as a forced entry.
func TestForcedStepPublic(t *testing.T) {
	s := newBatchSystem(t)
	f := newFixture(t, s)
	o := newParentOutbox(t)
	w := forcedWitness(t, s, f, o)
	pub := w.Public()
	require.Equal(t, uint64(KindLeafForced), pub.Kind)
	require.Equal(t, o.root(t), pub.ParentOutbox)
	plain := f.witness.Public()
	require.Equal(t, plain.RootBefore, pub.RootBefore)
	moved := pub
	moved.ParentOutbox = hash.Uint64(1)
	require.NotEqual(t, pub.Statement(), moved.Statement(), "the statement binds the parent's outbox")
	asPlain := plain
	asPlain.ParentOutbox = hash.Uint64(1)
	require.Equal(t, plain.Statement(), asPlain.Statement(), "other kinds state no outbox")

	head := ledger.InboxLink(w.InboxOld, w.Claims[0], ledger.SourceClaim)
	head = ledger.InboxLink(head, w.Claims[1], ledger.SourceForced)
	head = ledger.InboxLink(head, w.Claims[2], ledger.SourceClaim)
	require.Equal(t, head, w.BatchInputs()[4])
}

// TestLeafForcedStep: the forced variant accepts a batch that consumed forced deposits only if
// each is a message of the parent's outbox addressed to the child, every forced entry is opened
// once, and the statement names that outbox; the plain rules hold as in TestLeafStep.
func TestLeafForcedStep(t *testing.T) {
	s := newBatchSystem(t)
	key := s.key(t)
	f := newFixture(t, s)
	o := newParentOutbox(t)
	w := forcedWitness(t, s, f, o)
	assign := func(w LeafStepWitness) *LeafStep {
		a, err := AssignLeafStep(key, testParams, w)
		require.NoError(t, err)
		return a
	}
	valid := assign(w)

	two := w
	two.Claims = []fr.Element{o.messages[1].Hash(), f.witness.Claims[0], o.messages[2].Hash()}
	two.Deposits = []DepositOpening{o.opening(t, 1, 0), o.opening(t, 2, 2)}
	two = reprove(t, s, two)

	type mutation struct {
		name string
		step *LeafStep
	}
	var cases []mutation
	add := func(name string, step *LeafStep) { cases = append(cases, mutation{name, step}) }
	// reproven returns the step of a changed witness whose batch proof is remade for it.
	reproven := func(change func(*LeafStepWitness)) *LeafStep {
		m := w
		m.Claims = append([]fr.Element(nil), w.Claims...)
		m.Deposits = append([]DepositOpening(nil), w.Deposits...)
		change(&m)
		return assign(reprove(t, s, m))
	}

	add("a deposit to another chain", reproven(func(m *LeafStepWitness) {
		m.Claims[1] = o.messages[0].Hash()
		m.Deposits[0] = o.opening(t, 0, 1)
	}))
	add("a deposit the parent's outbox does not hold", reproven(func(m *LeafStepWitness) {
		forged := o.messages[1]
		forged.Amount = 1_000_000
		m.Claims[1] = forged.Hash()
		m.Deposits[0].Message = forged
	}))
	add("a statement naming another parent outbox", reproven(func(m *LeafStepWitness) { m.ParentOutbox = hash.Uint64(5) }))
	add("a deposit opened at another index", reproven(func(m *LeafStepWitness) {
		m.Deposits[0].Proof = o.opening(t, 2, 1).Proof
	}))

	// The batch proof chains the entry with its source: the step must state the same.
	asClaim := w
	in := w.BatchInputs()
	in[4] = ledger.InboxLink(ledger.InboxLink(ledger.InboxLink(w.InboxOld, w.Claims[0], ledger.SourceClaim),
		w.Claims[1], ledger.SourceClaim), w.Claims[2], ledger.SourceClaim)
	asClaim.Proof = s.prove(t, in)
	add("a batch that minted the deposit as a claim", assign(asClaim))

	unopened := assign(w)
	padDeposit(&unopened.Deposits[0])
	add("a forced entry left unopened", unopened)

	claimOpened := assign(w)
	claimOpened.Deposits[1] = claimOpened.Deposits[0]
	claimOpened.Deposits[1].Slot = 2
	add("a claim slot opened as a deposit", claimOpened)

	twice := assign(w)
	twice.Deposits[1] = twice.Deposits[0]
	add("one deposit opened twice", twice)

	unused := assign(w)
	unused.Used[3], unused.Forced[3] = 0, 1
	unused.Deposits[1] = unused.Deposits[0]
	unused.Deposits[1].Slot = 3
	add("a forced flag on an unused slot", unused)

	outOfOrder := assign(two)
	outOfOrder.Deposits[0], outOfOrder.Deposits[1] = outOfOrder.Deposits[1], outOfOrder.Deposits[0]
	add("openings out of slot order", outOfOrder)

	gap := assign(two)
	gap.Deposits[2] = gap.Deposits[1]
	padDeposit(&gap.Deposits[1])
	add("an opening after an unused one", gap)

	first := assign(w)
	first.First = 1
	add("a first step with a deposit", first)

	plainKind := assign(w)
	pub := w.Public()
	pub.Kind = KindLeaf
	plainKind.Statement = pub.Statement()
	add("a forced batch stated as a plain move", plainKind)

	opts := []test.TestingOption{test.WithValidAssignment(valid), test.WithValidAssignment(assign(two)),
		test.WithCurves(ecc.BN254), test.WithBackends(backend.GROTH16),
		test.NoTestEngine(), test.NoProverChecks(), test.NoFuzzing(), test.NoSerializationChecks()}
	for _, c := range cases {
		opts = append(opts, test.WithInvalidAssignment(c.step))
	}
	test.NewAssert(t).CheckCircuit(NewLeafForcedStep(key, testParams), opts...)
}

// TestAssignForcedRefusesShapes: deposit witnesses the forced circuit cannot hold are refused
// before anything is proven.
func TestAssignForcedRefusesShapes(t *testing.T) {
	s := newBatchSystem(t)
	key := s.key(t)
	f := newFixture(t, s)
	o := newParentOutbox(t)
	w := forcedWitness(t, s, f, o)
	for _, c := range []struct {
		name   string
		change func(*LeafStepWitness)
	}{
		{"a first step", func(m *LeafStepWitness) { m.First = true }},
		{"more deposits than openings", func(m *LeafStepWitness) {
			m.Deposits = make([]DepositOpening, min(MaxForcedPerBatch, testBatchSize)+1)
		}},
		{"a slot beyond the entries", func(m *LeafStepWitness) { m.Deposits = []DepositOpening{o.opening(t, 1, 3)} }},
		{"slots out of order", func(m *LeafStepWitness) { m.Deposits = []DepositOpening{o.opening(t, 1, 1), o.opening(t, 2, 0)} }},
		{"a path of another depth", func(m *LeafStepWitness) {
			d := o.opening(t, 1, 1)
			d.Proof.Siblings = d.Proof.Siblings[:2]
			m.Deposits = []DepositOpening{d}
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			m := w
			c.change(&m)
			_, err := AssignLeafStep(key, testParams, m)
			require.True(t, errors.Is(err, ErrWitness), "%v", err)
		})
	}
}

// nodeForcedWitness is the node fixture's move of 1-1 with the outbox's deposit 1 consumed
// between its two claims.
func nodeForcedWitness(t testing.TB, s batchSystem, o parentOutbox) NodeLedgerStepWitness {
	t.Helper()
	w := newNodeFixture(t, s).witness
	w.Move.Claims = []fr.Element{w.Move.Claims[0], o.messages[1].Hash(), w.Move.Claims[1]}
	w.Move.Deposits = []DepositOpening{o.opening(t, 1, 1)}
	w.Move.ParentOutbox = o.root(t)
	w.Move.Proof = s.prove(t, w.Move.BatchInputs())
	return w
}

// TestNodeLedgerForcedPublic: a node ledger witness with deposits states kind 10 and the
// parent's outbox, over the roots of its move.
func TestNodeLedgerForcedPublic(t *testing.T) {
	s := newBatchSystem(t)
	o := newParentOutbox(t)
	w := nodeForcedWitness(t, s, o)
	pub := w.Public()
	require.Equal(t, uint64(KindNodeLedgerForced), pub.Kind)
	require.Equal(t, o.root(t), pub.ParentOutbox)
	require.True(t, IsForcedKind(pub.Kind) && IsForcedKind(KindLeafForced) && !IsForcedKind(KindNodeLedger))
	leaf := w.Move.Public()
	require.Equal(t, leaf.RootAfter, pub.RootAfter)
	require.NotEqual(t, leaf.Statement(), pub.Statement(), "the kind is stated")
}

// TestNodeLedgerForcedStep (solves the ~1M-constraint circuit: SLUSH_RECURSIVE_TESTS=1): the node
// ledger step's forced variant accepts a batch whose forced deposit its parent's outbox holds for
// the child, with the node rules of NodeLedgerStep, and refuses a deposit to another chain, one
// left unopened and a forced batch stated as a plain node move.
func TestNodeLedgerForcedStep(t *testing.T) {
	requireRecursive(t)
	s := newBatchSystem(t)
	key := s.key(t)
	o := newParentOutbox(t)
	w := nodeForcedWitness(t, s, o)
	assign := func(w NodeLedgerStepWitness) *NodeLedgerStep {
		a, err := AssignNodeLedgerStep(key, testParams, testShape, w)
		require.NoError(t, err)
		return a
	}
	elsewhere := w
	elsewhere.Move.Claims = []fr.Element{w.Move.Claims[0], o.messages[0].Hash(), w.Move.Claims[2]}
	elsewhere.Move.Deposits = []DepositOpening{o.opening(t, 0, 1)}
	elsewhere.Move.Proof = s.prove(t, elsewhere.Move.BatchInputs())

	unopened := assign(w)
	padDeposit(&unopened.Deposits[0])
	plain := assign(w)
	pub := w.Public()
	pub.Kind = KindNodeLedger
	plain.Statement = pub.Statement()

	test.NewAssert(t).CheckCircuit(NewNodeLedgerForcedStep(key, testParams, testShape),
		test.WithValidAssignment(assign(w)),
		test.WithInvalidAssignment(assign(elsewhere)), test.WithInvalidAssignment(unopened), test.WithInvalidAssignment(plain),
		test.WithCurves(ecc.BN254), test.WithBackends(backend.GROTH16),
		test.NoTestEngine(), test.NoProverChecks(), test.NoFuzzing(), test.NoSerializationChecks())
}
