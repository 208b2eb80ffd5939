package subtree

import (
	"errors"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark/backend"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/test"
	"github.com/stretchr/testify/require"

	"github.com/slush-tree/slush/circuits/commitment"
	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/ledger"
)

// TestLeafStepPublicMatchesTree: the roots a witness states are the parent's children roots
// before and after the child's leaf changes, as the chain's own children SMT computes them.
func TestLeafStepPublicMatchesTree(t *testing.T) {
	f := newFixture(t, newBatchSystem(t))
	pub := f.witness.Public()
	before, err := f.tree.Root()
	require.NoError(t, err)
	require.True(t, pub.RootBefore.Equal(&before))
	require.NoError(t, f.tree.SetChild(1, f.witness.New.Hash()))
	after, err := f.tree.Root()
	require.NoError(t, err)
	require.True(t, pub.RootAfter.Equal(&after))

	first := firstWitness(t, newBatchSystem(t), f).Public()
	require.Equal(t, uint64(KindLeafFirst), first.Kind)
	require.True(t, first.RootBefore.Equal(&after), "a first step starts from the tree without the child")
	require.NoError(t, f.tree.SetChild(3, first.Leaf))
	after, err = f.tree.Root()
	require.NoError(t, err)
	require.True(t, first.RootAfter.Equal(&after))
}

// TestLeafStep: the step accepts exactly a valid batch proof of a leaf child's move under the
// embedded key, and refuses each way a chain's operator could forge a child's leaf (issue 16:
// a proof for another vid, another previous commitment, another key, a leaf the roots do not
// hold) or inflate what the child reports.
func TestLeafStep(t *testing.T) {
	s, other := newBatchSystem(t), newBatchSystem(t)
	key := s.key(t)
	f := newFixture(t, s)
	w := f.witness
	valid := mustAssign(t, key, w)

	type mutation struct {
		name string
		step *LeafStep
	}
	var cases []mutation
	add := func(name string, step *LeafStep) { cases = append(cases, mutation{name, step}) }
	// mutate returns the step of a changed witness whose batch proof is remade for it.
	mutate := func(change func(*LeafStepWitness)) *LeafStep {
		m := w
		m.Claims = append([]fr.Element(nil), w.Claims...)
		change(&m)
		return mustAssign(t, key, reprove(t, s, m))
	}

	// The batch proof itself.
	forOther := w
	in := w.BatchInputs()
	in[0] = commitment.MustPackVid([]uint8{1, 2})
	forOther.Proof = s.prove(t, in)
	add("proof for another vid", mustAssign(t, key, forOther))

	fromOther := w
	in = w.BatchInputs()
	in[1] = hash.Uint64(11)
	fromOther.Proof = s.prove(t, in)
	add("proof from another previous ledger root", mustAssign(t, key, fromOther))

	foreign := w
	foreign.Proof = other.prove(t, w.BatchInputs())
	add("proof under another key", mustAssign(t, key, foreign))

	forced := w
	in = w.BatchInputs()
	in[4] = ledger.InboxLink(ledger.InboxLink(w.InboxOld, w.Claims[0], ledger.SourceClaim), w.Claims[1], ledger.SourceForced)
	forced.Proof = s.prove(t, in)
	add("batch that consumed a forced operation", mustAssign(t, key, forced))

	// The leaf and the statement.
	otherPrev := mutate(func(m *LeafStepWitness) { m.Old.LedgerRoot = hash.Uint64(11) })
	otherPrev.Statement = valid.Statement
	add("another previous commitment than the leaf holds", otherPrev)

	otherPath := mutate(func(m *LeafStepWitness) {
		m.Siblings = append([]fr.Element(nil), w.Siblings...)
		m.Siblings[0] = hash.Uint64(1)
	})
	otherPath.Statement = valid.Statement
	add("a path the children root does not hold", otherPath)

	otherIndex := mutate(func(m *LeafStepWitness) { m.Index = 2 })
	otherIndex.Statement = valid.Statement
	add("the leaf at another index", otherIndex)

	otherAnchor := mustAssign(t, key, w)
	anchorPub := w.Public()
	anchorPub.AnchorHeight = 8
	otherAnchor.Statement = anchorPub.Statement()
	add("a statement naming another anchor", otherAnchor)

	otherLeaf := mustAssign(t, key, w)
	leafPub := w.Public()
	leafPub.Leaf = w.Old.Hash()
	otherLeaf.Statement = leafPub.Statement()
	add("a statement naming another new commitment", otherLeaf)

	firstKind := mustAssign(t, key, w)
	kindPub := w.Public()
	kindPub.Kind = KindLeafFirst
	firstKind.Statement = kindPub.Statement()
	add("a move stated as a first step", firstKind)

	indexZero := mustAssign(t, key, w)
	indexZero.Index = 0
	zeroPub := w.Public()
	zeroPub.Index = 0
	indexZero.Statement = zeroPub.Statement()
	add("index 0", indexZero)

	// What the new commitment may hold (each with a valid proof and an honest statement).
	add("new commitment with children", mutate(func(m *LeafStepWitness) { m.New.ChildrenRoot = hash.Uint64(5) }))
	add("new commitment with finalized children", mutate(func(m *LeafStepWitness) { m.New.FinalizedChildrenRoot = hash.Uint64(5) }))
	add("inflated acceptance report", mutate(func(m *LeafStepWitness) {
		m.New.AcceptanceDigest = hash.Hash(hash.DomainAcceptance, hash.Uint64(1), hash.Uint64(7), hash.Uint64(1000))
	}))
	add("report of an older update", mutate(func(m *LeafStepWitness) { m.New.AcceptanceDigest = LeafReportDigest(5) }))
	add("anchor moved back", mutate(func(m *LeafStepWitness) {
		m.New.AnchorHeight, m.New.AcceptanceDigest = 4, LeafReportDigest(4)
	}))
	add("vid changed", mutate(func(m *LeafStepWitness) { m.New.Vid = commitment.MustPackVid([]uint8{1, 2}) }))
	add("operator changed", mutate(func(m *LeafStepWitness) { m.New.OperatorKeyHash = hash.Uint64(78) }))
	add("epoch changed", mutate(func(m *LeafStepWitness) { m.New.Epoch = 4 }))

	// A batch that consumed nothing and changed no root still moves the leaf (the child's
	// anchor and report advance), so an update without transfers can be folded too.
	empty := w
	empty.Claims = nil
	empty.New.LedgerRoot, empty.New.OutboxRoot, empty.New.ReceiptRoot = w.Old.LedgerRoot, w.Old.OutboxRoot, w.Old.ReceiptRoot

	// A first step: the empty leaf gets the child's first commitment, one batch from the genesis
	// state. The genesis rule refuses a registering operator's made-up supply (THREAT-MODEL
	// "registered supply"), and a first step cannot hide a move of an existing leaf.
	first := firstWitness(t, s, f)
	mutateFirst := func(change func(*LeafStepWitness)) *LeafStep {
		m := first
		change(&m)
		return mustAssign(t, key, reprove(t, s, m))
	}
	add("first step from a funded genesis ledger", mutateFirst(func(m *LeafStepWitness) { m.Old.LedgerRoot = hash.Uint64(1) }))
	add("first step from a non-empty outbox", mutateFirst(func(m *LeafStepWitness) { m.Old.OutboxRoot = hash.Uint64(1) }))
	add("first step from non-empty receipts", mutateFirst(func(m *LeafStepWitness) { m.Old.ReceiptRoot = hash.Uint64(1) }))
	add("first step from a consumed inbox", mutateFirst(func(m *LeafStepWitness) { m.InboxOld = hash.Uint64(1) }))
	add("first step at a later epoch", mutateFirst(func(m *LeafStepWitness) { m.Old.Epoch, m.New.Epoch = 1, 1 }))
	add("first step from an anchored state", mutateFirst(func(m *LeafStepWitness) { m.Old.AnchorHeight = 1 }))
	overOld := mustAssign(t, key, w)
	overOld.First = 1
	add("first step over an occupied leaf", overOld)
	notFirst := mustAssign(t, key, first)
	notFirst.First = 0
	add("a first step stated as a move", notFirst)

	opts := []test.TestingOption{test.WithValidAssignment(valid), test.WithValidAssignment(mustAssign(t, key, reprove(t, s, empty))),
		test.WithValidAssignment(mustAssign(t, key, first)),
		test.WithValidAssignment(mustAssign(t, key, registeredWitness(t, s, f))),
		test.WithCurves(ecc.BN254), test.WithBackends(backend.GROTH16),
		test.NoTestEngine(), test.NoProverChecks(), test.NoFuzzing(), test.NoSerializationChecks()}
	for _, c := range cases {
		opts = append(opts, test.WithInvalidAssignment(c.step))
	}
	test.NewAssert(t).CheckCircuit(NewLeafStep(key, testParams), opts...)
}

// TestAssignLeafStepRefusesShapes: witnesses the circuit cannot hold are refused before
// anything is proven.
func TestAssignLeafStepRefusesShapes(t *testing.T) {
	s := newBatchSystem(t)
	key := s.key(t)
	w := newFixture(t, s).witness
	for _, c := range []struct {
		name   string
		change func(*LeafStepWitness)
	}{
		{"index 0", func(m *LeafStepWitness) { m.Index = 0 }},
		{"short path", func(m *LeafStepWitness) { m.Siblings = m.Siblings[:3] }},
		{"more claims than slots", func(m *LeafStepWitness) { m.Claims = make([]fr.Element, testBatchSize+1) }},
	} {
		t.Run(c.name, func(t *testing.T) {
			m := w
			c.change(&m)
			_, err := AssignLeafStep(key, testParams, m)
			require.True(t, errors.Is(err, ErrWitness), "%v", err)
		})
	}
}

// leafReportCircuit checks LeafReportDigestGadget against its native twin.
type leafReportCircuit struct {
	Height, Digest frontend.Variable
}

func (c *leafReportCircuit) Define(api frontend.API) error {
	api.AssertIsEqual(LeafReportDigestGadget(api, c.Height), c.Digest)
	return nil
}

// TestLeafReportDigestGadget: the gadget computes the native digest, which is the acceptance
// module's digest of the report {(height, 1)}.
func TestLeafReportDigestGadget(t *testing.T) {
	test.NewAssert(t).CheckCircuit(&leafReportCircuit{},
		test.WithValidAssignment(&leafReportCircuit{Height: 7, Digest: LeafReportDigest(7)}),
		test.WithInvalidAssignment(&leafReportCircuit{Height: 8, Digest: LeafReportDigest(7)}),
		test.WithCurves(ecc.BN254), test.NoFuzzing())
}
