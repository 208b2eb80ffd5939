package subtree

import (
	"errors"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark/backend"
	"github.com/consensys/gnark/test"
	"github.com/stretchr/testify/require"

	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/recursion"
	"github.com/slush-tree/slush/circuits/smt"
)

// forcedOutboxDepth is the depth of 1-1's outbox in the forced node child fixtures.
const forcedOutboxDepth = 6

// forcedChildFixture is newChildFixture with 1-1-3's move a forced leaf step: 1-1's outbox held
// 3 messages when the deposits were opened and 5 at 1-1's commitment (both Old's and New's: a
// child step keeps it), and fork is an outbox of 3 messages that is not a state of it.
func forcedChildFixture(t testing.TB, s stepSystem) (w NodeChildStepWitness, fork fr.Element) {
	t.Helper()
	w = newChildFixture(t, s)
	outbox, err := smt.NewAccumulator(smt.NewMemStore(), forcedOutboxDepth)
	require.NoError(t, err)
	forked, err := smt.NewAccumulator(smt.NewMemStore(), forcedOutboxDepth)
	require.NoError(t, err)
	var earlier fr.Element
	for i := uint64(1); i <= 5; i++ {
		_, err = outbox.Append(hash.Uint64(100 + i))
		require.NoError(t, err)
		if i <= 3 {
			_, err = forked.Append(hash.Uint64(200 + i))
			require.NoError(t, err)
		}
		if i == 3 {
			earlier, err = outbox.Root()
			require.NoError(t, err)
		}
	}
	later, err := outbox.Root()
	require.NoError(t, err)
	growth, err := outbox.ProveGrowth(3)
	require.NoError(t, err)
	fork, err = forked.Root()
	require.NoError(t, err)

	w.Old.OutboxRoot, w.New.OutboxRoot = later, later
	w.Inner.Kind, w.Inner.ParentOutbox = KindLeafForced, earlier
	w.Growth = &growth
	w.InnerProof = s.prove(t, w.Inner)
	return w, fork
}

// TestNodeChildForcedPublic: over a forced leaf step the node child step states kind 11 (its
// statement is the node child step's otherwise: the outbox is proven inside, not stated), and its
// assignment is the forced variant's, with the growth path in it.
func TestNodeChildForcedPublic(t *testing.T) {
	s := newForcedStepSystem(t)
	w, _ := forcedChildFixture(t, s)
	pub := w.Public()
	require.Equal(t, uint64(KindNodeChildForced), pub.Kind)
	plain := pub
	plain.Kind = KindNodeChild
	require.NotEqual(t, plain.Statement(), pub.Statement())
	for _, p := range []StepPublic{pub, plain} {
		other := p
		other.ParentOutbox = hash.Uint64(1)
		require.Equal(t, p.Statement(), other.Statement(), "kind %d states no outbox", p.Kind)
	}

	a, err := AssignNodeChildStep(s.key(t), testShape, w)
	require.NoError(t, err)
	require.Len(t, a.Growth, 1)
	require.Len(t, a.Growth[0].Siblings, forcedOutboxDepth)
}

// TestAssignNodeChildForcedRefusesShapes: a growth without a forced inner step, a forced inner
// step without its growth and a growth without a path are refused before anything is proven.
func TestAssignNodeChildForcedRefusesShapes(t *testing.T) {
	s := newForcedStepSystem(t)
	key := s.key(t)
	w, _ := forcedChildFixture(t, s)
	for _, c := range []struct {
		name   string
		change func(*NodeChildStepWitness)
	}{
		{"a growth over a plain leaf step", func(m *NodeChildStepWitness) { m.Inner.Kind = KindLeaf }},
		{"a forced leaf step without a growth", func(m *NodeChildStepWitness) { m.Growth = nil }},
		{"a growth without a path", func(m *NodeChildStepWitness) { g := *m.Growth; g.Siblings = nil; m.Growth = &g }},
	} {
		t.Run(c.name, func(t *testing.T) {
			m := w
			c.change(&m)
			_, err := AssignNodeChildStep(key, testShape, m)
			require.True(t, errors.Is(err, ErrWitness), "%v", err)
		})
	}
}

// TestNodeChildForcedStep: the forced node child step accepts exactly a node child's move by one
// proven forced leaf step whose stated parent outbox is an earlier state of the child's outbox
// (with and without the leaf finality move), and refuses an inner statement naming an outbox that
// is not one (a fork of the same size), a growth to an outbox that is not the child's, a growth
// path with a changed sibling, an inner step of the plain leaf kind, and the step stated as a
// plain node child step. Solves a ~1.47M-constraint circuit once per case: gated by
// SLUSH_RECURSIVE_TESTS=1.
func TestNodeChildForcedStep(t *testing.T) {
	requireRecursive(t)
	s := newForcedStepSystem(t)
	key := s.key(t)
	w, fork := forcedChildFixture(t, s)
	assign := func(m NodeChildStepWitness) *NodeChildStep {
		a, err := AssignNodeChildStep(key, testShape, m)
		require.NoError(t, err)
		return a
	}
	var invalid []*NodeChildStep
	forked := w
	forked.Inner.ParentOutbox = fork
	forked.InnerProof = s.prove(t, forked.Inner)
	invalid = append(invalid, assign(forked)) // deposits opened in an outbox 1-1 never had

	elsewhere := w
	elsewhere.Old.OutboxRoot, elsewhere.New.OutboxRoot = fork, fork
	invalid = append(invalid, assign(elsewhere)) // grown to an outbox that is not 1-1's

	changed := w
	g := *w.Growth
	g.Siblings = append([]fr.Element(nil), g.Siblings...)
	g.Siblings[2] = hash.Uint64(7)
	changed.Growth = &g
	invalid = append(invalid, assign(changed))

	plainKind := assign(w) // a plain leaf step's statement (kind 1, with the outbox) under the key
	kindPub := w.Inner
	kindPub.Kind = KindLeaf
	kindProof, err := recursion.ValueOfProof(s.prove(t, kindPub))
	require.NoError(t, err)
	plainKind.Inner.Kind, plainKind.InnerProof = KindLeaf, kindProof
	invalid = append(invalid, plainKind)

	asPlain := assign(w)
	plainPub := w.Public()
	plainPub.Kind = KindNodeChild
	asPlain.Statement = plainPub.Statement()
	invalid = append(invalid, asPlain)

	opts := []test.TestingOption{test.WithValidAssignment(assign(w)), test.WithValidAssignment(assign(finalizing(t, w))),
		test.WithCurves(ecc.BN254), test.WithBackends(backend.GROTH16),
		test.NoTestEngine(), test.NoProverChecks(), test.NoFuzzing(), test.NoSerializationChecks()}
	for _, c := range invalid {
		opts = append(opts, test.WithInvalidAssignment(c))
	}
	test.NewAssert(t).CheckCircuit(NewNodeChildForcedStep(key, testShape, forcedOutboxDepth), opts...)
}
