package subtree

import (
	"errors"
	"os"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark/backend"
	"github.com/consensys/gnark/test"
	"github.com/stretchr/testify/require"

	"github.com/slush-tree/slush/circuits/commitment"
	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/ledger"
	"github.com/slush-tree/slush/circuits/recursion"
	"github.com/slush-tree/slush/circuits/smt"
)

// recursiveTestsEnv gates the tests that solve a step circuit (about a million constraints,
// minutes on two cores), as make test-recursive does.
const recursiveTestsEnv = "SLUSH_RECURSIVE_TESTS"

func requireRecursive(t *testing.T) {
	t.Helper()
	if os.Getenv(recursiveTestsEnv) != "1" {
		t.Skipf("solves a ~1M-constraint step circuit: set %s=1", recursiveTestsEnv)
	}
}

// nodeCommitment is chain vid's commitment with the given roots and anchor, children and
// finalized children root, and report.
func nodeCommitment(t testing.TB, vid fr.Element, roots, anchor uint64, children []ChildOpening, finalized fr.Element, report Report) commitment.Commitment {
	t.Helper()
	c := leafCommitment(vid, roots, anchor)
	root, err := ChildrenRootOf(children)
	if err != nil {
		t.Fatal(err)
	}
	c.ChildrenRoot, c.FinalizedChildrenRoot, c.AcceptanceDigest = root, finalized, report.Digest()
	return c
}

// nodeFixture is chain 1 with children 1-1 (index 1) and 1-2 (index 2), where 1-1 has children
// 1-1-1 (index 1) and 1-1-3 (index 3) and moves by one batch that claims two messages, from its
// update at root height 5 to its update at 7 (its children unchanged).
type nodeFixture struct {
	witness NodeLedgerStepWitness
}

func newNodeFixture(t testing.TB, s batchSystem) nodeFixture {
	t.Helper()
	vid := commitment.MustPackVid([]uint8{1, 1})
	children := []ChildOpening{
		childOf(vid, 1, Report{{4, 1}}),
		childOf(vid, 3, Report{{2, 1}, {3, 1}, {4, 1}}),
	}
	reports := reportCase{children: children}.reports()
	finalized := hash.Uint64(555)
	old := nodeCommitment(t, vid, 10, 5, children, finalized, honestReport(t, 5, reports, []uint64{0, 0}))
	report := honestReport(t, 7, reports, []uint64{0, 0})
	next := nodeCommitment(t, vid, 20, 7, children, finalized, report)

	tree, err := commitment.NewChildrenTree(smt.NewMemStore())
	require.NoError(t, err)
	require.NoError(t, tree.SetChild(1, old.Hash()))
	require.NoError(t, tree.SetChild(2, leafCommitment(commitment.MustPackVid([]uint8{1, 2}), 40, 6).Hash()))
	path, err := tree.Prove(1)
	require.NoError(t, err)
	move := LeafStepWitness{
		Index: 1, Siblings: path.Siblings, Old: old, New: next,
		InboxOld: hash.Uint64(99), Claims: []fr.Element{hash.Uint64(501), hash.Uint64(502)},
	}
	move.Proof = s.prove(t, move.BatchInputs())
	return nodeFixture{witness: NodeLedgerStepWitness{Move: move, Report: report, Children: children}}
}

// childOf is child index of chain parent, a leaf whose report is r.
func childOf(parent fr.Element, index uint8, r Report) ChildOpening {
	path, err := commitment.UnpackVid(parent)
	if err != nil {
		panic(err)
	}
	o := childWithReport(index, r)
	o.Commitment.Vid = commitment.MustPackVid(append(path, index))
	return o
}

func mustAssignNode(t *testing.T, key recursion.FixedKey, w NodeLedgerStepWitness) *NodeLedgerStep {
	t.Helper()
	a, err := AssignNodeLedgerStep(key, testParams, testShape, w)
	require.NoError(t, err)
	return a
}

// TestNodeLedgerStepPublic: the step states its own kind over the same roots as the leaf move,
// and the fixture's report is one the rule accepts.
func TestNodeLedgerStepPublic(t *testing.T) {
	w := newNodeFixture(t, newBatchSystem(t)).witness
	pub, leaf := w.Public(), w.Move.Public()
	require.Equal(t, uint64(KindNodeLedger), pub.Kind)
	require.True(t, pub.RootBefore.Equal(&leaf.RootBefore) && pub.RootAfter.Equal(&leaf.RootAfter))
	require.NotEqual(t, pub.Statement(), leaf.Statement())
	require.NoError(t, CheckNodeReport(w.Move.New.AnchorHeight, w.Report, reportCase{children: w.Children}.reports(), testShape.MaxBuckets))
}

// TestAssignNodeLedgerStepRefusesShapes: witnesses the circuit cannot hold are refused before
// anything is proven.
func TestAssignNodeLedgerStepRefusesShapes(t *testing.T) {
	s := newBatchSystem(t)
	key := s.key(t)
	w := newNodeFixture(t, s).witness
	for _, c := range []struct {
		name   string
		change func(*NodeLedgerStepWitness)
	}{
		{"a first step", func(m *NodeLedgerStepWitness) { m.Move.First = true }},
		{"index 0", func(m *NodeLedgerStepWitness) { m.Move.Index = 0 }},
		{"a report of too many buckets", func(m *NodeLedgerStepWitness) { m.Report = Report{{1, 1}, {2, 1}, {3, 1}, {4, 1}, {7, 1}} }},
		{"a child index above max children", func(m *NodeLedgerStepWitness) {
			m.Children = append([]ChildOpening{}, m.Children...)
			m.Children[1].Index = 4
		}},
		{"a child twice", func(m *NodeLedgerStepWitness) { m.Children = append(m.Children, m.Children[0]) }},
		{"a child report of too many buckets", func(m *NodeLedgerStepWitness) {
			m.Children = append([]ChildOpening{}, m.Children...)
			m.Children[0].Report = Report{{1, 1}, {2, 1}, {3, 1}, {4, 1}, {5, 1}}
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			m := w
			c.change(&m)
			_, err := AssignNodeLedgerStep(key, testParams, testShape, m)
			require.True(t, errors.Is(err, ErrWitness), "%v", err)
		})
	}
}

// TestNodeLedgerStep: the step accepts exactly a valid batch proof of a node child's move under
// the embedded key with its report proven from its children, and refuses each forgery: a proof
// for another vid, under another key, over a forced entry; another previous commitment than the
// leaf holds, the move stated as a leaf step, index 0; children or finalized children changed by a
// ledger batch; a report inflated, stale, hiding a child or opened from children the root does
// not hold; a changed vid, operator or epoch and an anchor moved back. Solves the step circuit
// (about a million constraints) once per case: gated by SLUSH_RECURSIVE_TESTS=1.
func TestNodeLedgerStep(t *testing.T) {
	requireRecursive(t)
	s, other := newBatchSystem(t), newBatchSystem(t)
	key := s.key(t)
	w := newNodeFixture(t, s).witness
	valid := mustAssignNode(t, key, w)

	var invalid []*NodeLedgerStep
	add := func(step *NodeLedgerStep) { invalid = append(invalid, step) }
	// mutate returns the step of a changed witness whose batch proof is remade for it and whose
	// statement is its own.
	mutate := func(change func(*NodeLedgerStepWitness)) *NodeLedgerStep {
		m := w
		m.Children = append([]ChildOpening(nil), w.Children...)
		change(&m)
		m.Move = reprove(t, s, m.Move)
		return mustAssignNode(t, key, m)
	}
	// withReport sets New's report (and its digest).
	withReport := func(m *NodeLedgerStepWitness, r Report) {
		m.Report, m.Move.New.AcceptanceDigest = r, r.Digest()
	}

	// the batch proof
	forOther := w
	in := w.Move.BatchInputs()
	in[0] = commitment.MustPackVid([]uint8{1, 2})
	forOther.Move.Proof = s.prove(t, in)
	add(mustAssignNode(t, key, forOther)) // proof for another vid

	foreign := w
	foreign.Move.Proof = other.prove(t, w.Move.BatchInputs())
	add(mustAssignNode(t, key, foreign)) // proof under another key

	forced := w
	in = w.Move.BatchInputs()
	in[4] = ledger.InboxLink(ledger.InboxLink(w.Move.InboxOld, w.Move.Claims[0], ledger.SourceClaim), w.Move.Claims[1], ledger.SourceForced)
	forced.Move.Proof = s.prove(t, in)
	add(mustAssignNode(t, key, forced)) // batch that consumed a forced operation

	// the leaf and the statement
	otherPrev := mutate(func(m *NodeLedgerStepWitness) { m.Move.Old.LedgerRoot = hash.Uint64(11) })
	otherPrev.Statement = valid.Statement
	add(otherPrev) // another previous commitment than the leaf holds

	asLeaf := mustAssignNode(t, key, w)
	asLeaf.Statement = w.Move.Public().Statement()
	add(asLeaf) // the move stated as a leaf step (kind 1)

	indexZero := mustAssignNode(t, key, w)
	indexZero.Index = 0
	zeroPub := w.Public()
	zeroPub.Index = 0
	indexZero.Statement = zeroPub.Statement()
	add(indexZero) // index 0 (the chain itself)

	// the children roots do not move in a ledger step (each with an honest report and openings)
	add(mutate(func(m *NodeLedgerStepWitness) {
		m.Children[1] = childOf(m.Move.Old.Vid, 3, Report{{2, 1}, {3, 1}, {6, 2}})
		root, err := ChildrenRootOf(m.Children)
		require.NoError(t, err)
		m.Move.New.ChildrenRoot = root
		withReport(m, honestReport(t, 7, reportCase{children: m.Children}.reports(), []uint64{0, 0}))
	})) // children root changed
	add(mutate(func(m *NodeLedgerStepWitness) { m.Move.New.FinalizedChildrenRoot = hash.Uint64(556) }))

	// the report
	require.Equal(t, Report{{2, 1}, {3, 1}, {4, 2}, {7, 1}}, w.Report)
	add(mutate(func(m *NodeLedgerStepWitness) { withReport(m, Report{{2, 1}, {3, 1}, {4, 2}, {7, 2}}) })) // inflated
	add(mutate(func(m *NodeLedgerStepWitness) {
		withReport(m, honestReport(t, 5, reportCase{children: w.Children}.reports(), []uint64{0, 0}))
	})) // the old update's report
	add(mutate(func(m *NodeLedgerStepWitness) {
		m.Children = m.Children[:1]
		withReport(m, honestReport(t, 7, []Report{{{4, 1}}}, []uint64{0}))
	})) // a child left out (the openings no longer make the children root)
	add(mutate(func(m *NodeLedgerStepWitness) {
		m.Children[0].Report = Report{{6, 1}}
		withReport(m, honestReport(t, 7, reportCase{children: m.Children}.reports(), []uint64{0, 0}))
	})) // a child's report other than its commitment's digest

	// the chain
	add(mutate(func(m *NodeLedgerStepWitness) {
		m.Move.New.AnchorHeight, m.Move.New.AnchorCommitment = 4, hash.Uint64(400)
		withReport(m, honestReport(t, 4, reportCase{children: m.Children}.reports(), []uint64{0, 0}))
	})) // anchor moved back (with the honest report of an update at 4)
	add(mutate(func(m *NodeLedgerStepWitness) { m.Move.New.Vid = commitment.MustPackVid([]uint8{1, 2}) }))
	add(mutate(func(m *NodeLedgerStepWitness) { m.Move.New.OperatorKeyHash = hash.Uint64(78) }))
	add(mutate(func(m *NodeLedgerStepWitness) { m.Move.New.Epoch = 4 }))

	// a batch that changes nothing still moves the anchor and the report
	empty := w
	empty.Move.Claims = nil
	empty.Move.New.LedgerRoot, empty.Move.New.OutboxRoot, empty.Move.New.ReceiptRoot = w.Move.Old.LedgerRoot, w.Move.Old.OutboxRoot, w.Move.Old.ReceiptRoot
	empty.Move = reprove(t, s, empty.Move)
	// a report made of compacted child records (x/acceptance stores them so): counts lower
	compacted := w
	compacted.Report = honestReport(t, 7, reportCase{children: w.Children}.reports(), []uint64{0, 3})
	compacted.Move.New.AcceptanceDigest = compacted.Report.Digest()
	require.NotEqual(t, compacted.Report, w.Report)

	opts := []test.TestingOption{test.WithValidAssignment(valid), test.WithValidAssignment(mustAssignNode(t, key, empty)),
		test.WithValidAssignment(mustAssignNode(t, key, compacted)),
		test.WithCurves(ecc.BN254), test.WithBackends(backend.GROTH16),
		test.NoTestEngine(), test.NoProverChecks(), test.NoFuzzing(), test.NoSerializationChecks()}
	for _, c := range invalid {
		opts = append(opts, test.WithInvalidAssignment(c))
	}
	test.NewAssert(t).CheckCircuit(NewNodeLedgerStep(key, testParams, testShape), opts...)
}

// TestNodeLedgerStepHoldsALeaf: a leaf's move — empty children roots, the leaf report
// {(anchor, 1)} — is a valid node ledger step with every child slot empty, so one ledger step
// circuit can serve leaves and nodes (S₀, docs/PROTOCOL.md "Trees deeper than three levels");
// and a leaf that reports a descendant it does not have is refused there too.
func TestNodeLedgerStepHoldsALeaf(t *testing.T) {
	requireRecursive(t)
	s := newBatchSystem(t)
	key := s.key(t)
	leaf := newFixture(t, s).witness
	w := NodeLedgerStepWitness{Move: leaf, Report: Report{{leaf.New.AnchorHeight, 1}}}
	require.Equal(t, LeafReportDigest(leaf.New.AnchorHeight), w.Report.Digest(), "the node report of no children is the leaf report")

	inflated := w
	inflated.Report = Report{{leaf.New.AnchorHeight, 2}}
	inflated.Move.New.AcceptanceDigest = inflated.Report.Digest()
	inflated.Move = reprove(t, s, inflated.Move)

	test.NewAssert(t).CheckCircuit(NewNodeLedgerStep(key, testParams, testShape),
		test.WithValidAssignment(mustAssignNode(t, key, w)), test.WithInvalidAssignment(mustAssignNode(t, key, inflated)),
		test.WithCurves(ecc.BN254), test.WithBackends(backend.GROTH16),
		test.NoTestEngine(), test.NoProverChecks(), test.NoFuzzing(), test.NoSerializationChecks())
}
