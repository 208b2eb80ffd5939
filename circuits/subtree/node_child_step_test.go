package subtree

import (
	"errors"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark/backend"
	"github.com/consensys/gnark/backend/groth16"
	"github.com/consensys/gnark/constraint"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/frontend/cs/r1cs"
	"github.com/consensys/gnark/std/rangecheck"
	"github.com/consensys/gnark/test"
	"github.com/stretchr/testify/require"

	"github.com/slush-tree/slush/circuits/commitment"
	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/recursion"
	"github.com/slush-tree/slush/circuits/smt"
)

// childVidCircuit checks childVidGadget against a stated child vid.
type childVidCircuit struct {
	Vid, Index, Child frontend.Variable
}

func (c *childVidCircuit) Define(api frontend.API) error {
	api.AssertIsEqual(childVidGadget(api, c.Vid, c.Index), c.Child)
	return nil
}

// TestChildVidGadget: the gadget extends a vid of every depth 0..15 as PackVid does, and
// refuses another child vid, a vid of depth 16 (no child fits) and a vid above 2^136.
func TestChildVidGadget(t *testing.T) {
	opts := []test.TestingOption{test.WithCurves(ecc.BN254), test.WithBackends(backend.GROTH16), test.NoFuzzing()}
	path := []uint8{}
	for d := 0; d < commitment.MaxPathDepth; d++ {
		vid := commitment.MustPackVid(path)
		idx := uint8(200 + d)
		child, err := ChildVid(vid, idx)
		require.NoError(t, err)
		want := commitment.MustPackVid(append(append([]uint8{}, path...), idx))
		require.True(t, child.Equal(&want))
		opts = append(opts, test.WithValidAssignment(&childVidCircuit{Vid: vid, Index: idx, Child: child}))
		path = append(path, uint8(d+1))
	}
	vid := commitment.MustPackVid([]uint8{1, 1})
	opts = append(opts, test.WithInvalidAssignment(&childVidCircuit{Vid: vid, Index: 3, Child: commitment.MustPackVid([]uint8{1, 2, 3})}))
	deepest := commitment.MustPackVid(path) // depth 16: no child fits
	_, err := ChildVid(deepest, 1)
	require.True(t, errors.Is(err, ErrWitness))
	opts = append(opts, test.WithInvalidAssignment(&childVidCircuit{Vid: deepest, Index: 1, Child: deepest}))
	var huge fr.Element
	_, err = huge.SetString("87112285931760246646623899502532662132736") // 2^136: depth byte 0
	require.NoError(t, err)
	one := fr.NewElement(1)
	var hugeChild fr.Element
	hugeChild.Add(&huge, &one)
	opts = append(opts, test.WithInvalidAssignment(&childVidCircuit{Vid: huge, Index: 0, Child: hugeChild}))
	test.NewAssert(t).CheckCircuit(&childVidCircuit{}, opts...)
}

// stepShaped stands in for the leaf step under a node child step: the same statement (one
// public input, the hash of the 8 stated StepPublic values) and one Pedersen commitment (a
// commitment-based range check, as the real step's emulated arithmetic has), so its proofs
// have the leaf step's shape; a proof exists for any stated vector.
type stepShaped struct {
	Statement frontend.Variable `gnark:",public"`
	Stated    []frontend.Variable
}

func (c *stepShaped) Define(api frontend.API) error {
	rangecheck.New(api).Check(c.Stated[5], 64)
	api.AssertIsEqual(c.Statement, hash.HashGadget(api, hash.DomainSubtreeStep, c.Stated[:]...))
	return nil
}

// stepSystem is the compiled stand-in with one (random, test-only) setup.
type stepSystem struct {
	ccs    constraint.ConstraintSystem
	pk     groth16.ProvingKey
	vk     groth16.VerifyingKey
	stated int
}

func newStepSystem(t testing.TB) stepSystem { return newStepSystemOf(t, 8) }

// newForcedStepSystem is the stand-in for the forced leaf step: 9 stated values, the parent
// outbox last.
func newForcedStepSystem(t testing.TB) stepSystem { return newStepSystemOf(t, 9) }

func newStepSystemOf(t testing.TB, stated int) stepSystem {
	t.Helper()
	ccs, err := frontend.Compile(ecc.BN254.ScalarField(), r1cs.NewBuilder, &stepShaped{Stated: make([]frontend.Variable, stated)})
	require.NoError(t, err)
	pk, vk, err := groth16.Setup(ccs)
	require.NoError(t, err)
	return stepSystem{ccs, pk, vk, stated}
}

func (s stepSystem) key(t testing.TB) recursion.FixedKey {
	t.Helper()
	k, err := recursion.NewFixedKey(s.vk)
	require.NoError(t, err)
	require.NotNil(t, k.Commitment)
	return k
}

// prove returns a proof of the step statement p, with the commitment hash the recursive
// verifier needs (recursion.CommittedProverOption, as prover.Prove does).
func (s stepSystem) prove(t testing.TB, p StepPublic) groth16.Proof {
	t.Helper()
	stated := []fr.Element{hash.Uint64(p.Kind), p.ChildVid, hash.Uint64(uint64(p.Index)), p.RootBefore, p.RootAfter,
		hash.Uint64(p.AnchorHeight), p.AnchorCommitment, p.Leaf, p.ParentOutbox}
	// the statement of the stated values (p.Statement() for its kind's count: the forced
	// system states the outbox of any kind)
	a := stepShaped{Statement: hash.Hash(hash.DomainSubtreeStep, stated[:s.stated]...), Stated: smt.ElementsToVariables(stated[:s.stated])}
	w, err := frontend.NewWitness(&a, ecc.BN254.ScalarField())
	require.NoError(t, err)
	proof, err := groth16.Prove(s.ccs, s.pk, w, recursion.CommittedProverOption())
	require.NoError(t, err)
	return proof
}

// childFixture is chain 1 with children 1-1 (index 1) and 1-2 (index 2), where 1-1 has leaf
// children 1-1-1 (index 1) and 1-1-3 (index 3); 1-1-3 moves from its update at root height 3 to
// one at 6 (a leaf step), which moves 1-1's commitment at 7 (after its ledger steps) to one
// with the new children root, its ledger and anchor kept.
func newChildFixture(t testing.TB, s stepSystem) NodeChildStepWitness {
	t.Helper()
	vid := commitment.MustPackVid([]uint8{1, 1})
	c1 := childOf(vid, 1, Report{{4, 1}})
	c3 := childOf(vid, 3, Report{{3, 1}})
	c3next := childOf(vid, 3, Report{{6, 1}})
	c3next.Commitment.LedgerRoot = hash.Uint64(31)
	before, after := []ChildOpening{c1, c3}, []ChildOpening{c1, c3next}
	finalized := hash.Uint64(555)
	old := nodeCommitment(t, vid, 10, 7, before, finalized, honestReport(t, 7, reportCase{children: before}.reports(), []uint64{0, 0}))
	report := honestReport(t, 7, reportCase{children: after}.reports(), []uint64{0, 0})
	next := nodeCommitment(t, vid, 10, 7, after, finalized, report)

	tree, err := commitment.NewChildrenTree(smt.NewMemStore())
	require.NoError(t, err)
	require.NoError(t, tree.SetChild(1, old.Hash()))
	require.NoError(t, tree.SetChild(2, leafCommitment(commitment.MustPackVid([]uint8{1, 2}), 40, 6).Hash()))
	path, err := tree.Prove(1)
	require.NoError(t, err)
	inner := StepPublic{
		Kind: KindLeaf, ChildVid: c3.Commitment.Vid, Index: 3, RootBefore: old.ChildrenRoot, RootAfter: next.ChildrenRoot,
		AnchorHeight: 6, AnchorCommitment: c3next.Commitment.AnchorCommitment, Leaf: c3next.Commitment.Hash(),
	}
	w := NodeChildStepWitness{Index: 1, Siblings: path.Siblings, Old: old, New: next, Inner: inner, Report: report, Children: after}
	w.InnerProof = s.prove(t, inner)
	return w
}

// rechild returns w with 1-1's children after the move replaced, New's children root and
// honest report remade for them, and the inner statement's root after and leaf (from the
// grandchild at the inner index) remade and proven: a consistent witness.
func rechild(t *testing.T, s stepSystem, w NodeChildStepWitness, after []ChildOpening) NodeChildStepWitness {
	t.Helper()
	root, err := ChildrenRootOf(after)
	require.NoError(t, err)
	w.Children, w.New.ChildrenRoot = after, root
	w.Report = honestReport(t, w.New.AnchorHeight, reportCase{children: after}.reports(), make([]uint64, len(after)))
	w.New.AcceptanceDigest = w.Report.Digest()
	w.Inner.RootAfter = root
	for _, ch := range after {
		if ch.Index == w.Inner.Index {
			w.Inner.Leaf = ch.Commitment.Hash()
		}
	}
	w.InnerProof = s.prove(t, w.Inner)
	return w
}

// finalizing returns w with a finality move: 1-1's finalized children SMT holds 1-1-1's
// commitment and nothing at 3, and the step finalizes the 1-1-3 commitment its inner step
// replaced (the paths from the trees, Old's and New's finalized roots set to match).
func finalizing(t *testing.T, w NodeChildStepWitness) NodeChildStepWitness {
	t.Helper()
	held, err := commitment.NewChildrenTree(smt.NewMemStore())
	require.NoError(t, err)
	fin, err := commitment.NewChildrenTree(smt.NewMemStore())
	require.NoError(t, err)
	replaced := childOf(w.Old.Vid, 3, Report{{3, 1}}).Commitment.Hash()
	require.NoError(t, held.SetChild(1, w.Children[0].Commitment.Hash()))
	require.NoError(t, held.SetChild(3, replaced))
	root, err := held.Root()
	require.NoError(t, err)
	require.True(t, root.Equal(&w.Old.ChildrenRoot), "the fixture's old children root holds 1-1-1 and the replaced 1-1-3")
	require.NoError(t, fin.SetChild(1, w.Children[0].Commitment.Hash()))
	w.Old.FinalizedChildrenRoot, err = fin.Root()
	require.NoError(t, err)
	w.Finality, err = FinalizeReplaced(held, fin, 3, replaced)
	require.NoError(t, err)
	w.New.FinalizedChildrenRoot, err = fin.Root()
	require.NoError(t, err)
	return w
}

// TestFinalizeReplaced: the native finality move opens the replaced commitment in the children
// SMT and moves the finalized SMT to hold it — the roots the circuit recomputes from its paths —
// and refuses a commitment the children SMT does not hold there.
func TestFinalizeReplaced(t *testing.T) {
	children, err := commitment.NewChildrenTree(smt.NewMemStore())
	require.NoError(t, err)
	finalized, err := commitment.NewChildrenTree(smt.NewMemStore())
	require.NoError(t, err)
	x, older := hash.Uint64(30), hash.Uint64(29)
	require.NoError(t, children.SetChild(1, hash.Uint64(10)))
	require.NoError(t, children.SetChild(3, x))
	require.NoError(t, finalized.SetChild(3, older))
	heldRoot, err := children.Root()
	require.NoError(t, err)
	finBefore, err := finalized.Root()
	require.NoError(t, err)

	_, err = FinalizeReplaced(children, finalized, 3, older)
	require.True(t, errors.Is(err, ErrWitness), "%v", err)
	f, err := FinalizeReplaced(children, finalized, 3, x)
	require.NoError(t, err)
	leaf := smt.LeafHash(commitment.ChildLeaf(3, x))
	require.Equal(t, heldRoot, smt.ComputeRoot(leaf, 3, f.ChildSiblings))
	require.Equal(t, finBefore, smt.ComputeRoot(smt.LeafHash(f.Previous), 3, f.FinalizedSiblings))
	finAfter, err := finalized.Root()
	require.NoError(t, err)
	require.Equal(t, finAfter, smt.ComputeRoot(leaf, 3, f.FinalizedSiblings))
}

func mustAssignChild(t *testing.T, key recursion.FixedKey, w NodeChildStepWitness) *NodeChildStep {
	t.Helper()
	a, err := AssignNodeChildStep(key, testShape, w)
	require.NoError(t, err)
	return a
}

// TestAssignNodeChildStepRefusesShapes: witnesses the circuit cannot hold are refused before
// anything is proven.
func TestAssignNodeChildStepRefusesShapes(t *testing.T) {
	s := newStepSystem(t)
	key := s.key(t)
	w := newChildFixture(t, s)
	_, err := AssignNodeChildStep(key, testShape, w)
	require.NoError(t, err)
	for _, c := range []struct {
		name   string
		change func(*NodeChildStepWitness)
	}{
		{"index 0", func(m *NodeChildStepWitness) { m.Index = 0 }},
		{"short path", func(m *NodeChildStepWitness) { m.Siblings = m.Siblings[:3] }},
		{"an inner node step", func(m *NodeChildStepWitness) { m.Inner.Kind = KindNodeLedger }},
		{"grandchild index 0", func(m *NodeChildStepWitness) { m.Inner.Index = 0 }},
		{"grandchild index above max children", func(m *NodeChildStepWitness) { m.Inner.Index = 4 }},
		{"a report of too many buckets", func(m *NodeChildStepWitness) { m.Report = make(Report, 5) }},
		{"a finality move with a short path", func(m *NodeChildStepWitness) {
			m.Finality = LeafFinality{Finalize: true, ChildSiblings: m.Siblings, FinalizedSiblings: m.Siblings[:7]}
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			m := w
			c.change(&m)
			_, err := AssignNodeChildStep(key, testShape, m)
			require.True(t, errors.Is(err, ErrWitness), "%v", err)
		})
	}
}

// TestNodeChildStep: the step accepts exactly a node child's move by one proven step of one of
// its own children (a move, or a first step) under the embedded key with its report proven
// from its children, and refuses each forgery: an inner proof under another key, for another
// grandchild vid, from another children root than the child's, of a grandchild commitment
// other than the one the new children root holds, at an index the children root does not hold
// or beyond max_children, of a kind no leaf step has, anchored after the child; a ledger,
// finalized children root or anchor moved by a child step; an inflated report; the move stated
// as a ledger step; index 0; a changed vid. With a finality move it accepts exactly the
// grandchild's finalized leaf set to the commitment the move replaced, and refuses one set to
// another commitment or to the successor, from another finalized leaf than Old's, a finality
// move that leaves the finalized root as it was, and one over a first step (nothing replaced).
// Solves a ~1.45M-constraint circuit once per case: gated by SLUSH_RECURSIVE_TESTS=1.
func TestNodeChildStep(t *testing.T) {
	requireRecursive(t)
	s, other := newStepSystem(t), newStepSystem(t)
	key := s.key(t)
	w := newChildFixture(t, s)
	valid := mustAssignChild(t, key, w)

	var invalid []*NodeChildStep
	add := func(step *NodeChildStep) { invalid = append(invalid, step) }
	// mutate returns the step of a changed witness with its own statement and the inner proof
	// remade for its inner statement.
	mutate := func(change func(*NodeChildStepWitness)) *NodeChildStep {
		m := w
		change(&m)
		m.InnerProof = s.prove(t, m.Inner)
		return mustAssignChild(t, key, m)
	}

	// the inner proof
	foreign := w
	foreign.InnerProof = other.prove(t, w.Inner)
	add(mustAssignChild(t, key, foreign))                                                                      // under another key
	add(mutate(func(m *NodeChildStepWitness) { m.Inner.ChildVid = commitment.MustPackVid([]uint8{1, 2, 3}) })) // another grandchild's vid
	add(mutate(func(m *NodeChildStepWitness) { m.Inner.RootBefore = hash.Uint64(12) }))                        // from another children root
	otherLeaf := w
	otherLeaf.Inner.Leaf = w.Children[0].Commitment.Hash()
	otherLeaf.InnerProof = s.prove(t, otherLeaf.Inner)
	add(mustAssignChild(t, key, otherLeaf)) // of another commitment than the new children root holds at the index
	add(mutate(func(m *NodeChildStepWitness) {
		m.Inner.Index, m.Inner.ChildVid, m.Inner.Leaf = 2, commitment.MustPackVid([]uint8{1, 1, 2}), commitment.Commitment{}.Hash()
	})) // at an index the children root does not hold
	nodeKind := mustAssignChild(t, key, w) // an inner proof stating a node ledger step (kind 3)
	kindPub := w.Inner
	kindPub.Kind = KindNodeLedger
	kindProof, err := recursion.ValueOfProof(s.prove(t, kindPub))
	require.NoError(t, err)
	nodeKind.Inner.Kind, nodeKind.InnerProof = KindNodeLedger, kindProof
	add(nodeKind)
	anchored := w
	anchored.Children = append([]ChildOpening(nil), w.Children...)
	anchored.Children[1].Commitment.AnchorHeight = 8 // its report stays at 6: only the inner anchor is after 1-1's
	anchored.Inner.AnchorHeight = 8
	anchored = rechild(t, s, anchored, anchored.Children)
	add(mustAssignChild(t, key, anchored))

	// c's own state and report
	add(mutate(func(m *NodeChildStepWitness) { m.New.LedgerRoot = hash.Uint64(11) }))
	add(mutate(func(m *NodeChildStepWitness) { m.New.FinalizedChildrenRoot = hash.Uint64(556) }))
	add(mutate(func(m *NodeChildStepWitness) {
		m.Old.AnchorHeight = 5 // the anchor moved by a child step (the report is 7's, as it must be)
	}))
	add(mutate(func(m *NodeChildStepWitness) { m.New.AnchorCommitment = hash.Uint64(701) }))
	add(mutate(func(m *NodeChildStepWitness) {
		m.Report = Report{{4, 1}, {6, 1}, {7, 2}}
		m.New.AcceptanceDigest = m.Report.Digest()
	}))
	asLedger := mustAssignChild(t, key, w)
	ledgerPub := w.Public()
	ledgerPub.Kind = KindNodeLedger
	asLedger.Statement = ledgerPub.Statement()
	add(asLedger)
	indexZero := mustAssignChild(t, key, w)
	indexZero.Index = 0
	zeroPub := w.Public()
	zeroPub.Index = 0
	indexZero.Statement = zeroPub.Statement()
	add(indexZero)                       // index 0 (the chain itself)
	beyond := mustAssignChild(t, key, w) // an inner step at index 4, beyond max children 3
	beyondPub := w.Inner
	beyondPub.Index, beyondPub.ChildVid, beyondPub.Leaf = 4, commitment.MustPackVid([]uint8{1, 1, 4}), fr.Element{}
	beyondProof, err := recursion.ValueOfProof(s.prove(t, beyondPub))
	require.NoError(t, err)
	beyond.Inner.Index, beyond.InnerProof = 4, beyondProof
	add(beyond)
	add(mutate(func(m *NodeChildStepWitness) { m.New.Vid = commitment.MustPackVid([]uint8{1, 2}) }))

	// a first step: grandchild 1-1-2 inserted at the empty index 2
	first := w
	c2 := childOf(w.Old.Vid, 2, Report{{6, 1}})
	first.Inner.Kind, first.Inner.Index, first.Inner.ChildVid = KindLeafFirst, 2, c2.Commitment.Vid
	first.Old.ChildrenRoot, first.Inner.RootBefore = w.New.ChildrenRoot, w.New.ChildrenRoot
	first.Old.AcceptanceDigest = w.New.AcceptanceDigest
	first = rechild(t, s, first, []ChildOpening{w.Children[0], c2, w.Children[1]})

	// finality moves
	fin := finalizing(t, w)
	finMutate := func(change func(*NodeChildStepWitness)) *NodeChildStep {
		m := fin
		change(&m)
		return mustAssignChild(t, key, m)
	}
	add(finMutate(func(m *NodeChildStepWitness) { m.Finality.Replaced = w.Children[0].Commitment.Hash() })) // another commitment
	add(finMutate(func(m *NodeChildStepWitness) { m.Finality.Replaced = w.Inner.Leaf }))                    // the successor itself
	add(finMutate(func(m *NodeChildStepWitness) { m.Finality.Previous = commitment.ChildLeaf(3, hash.Uint64(9)) }))
	add(finMutate(func(m *NodeChildStepWitness) { m.New.FinalizedChildrenRoot = m.Old.FinalizedChildrenRoot })) // flagged, not moved
	add(finMutate(func(m *NodeChildStepWitness) { m.Finality.Finalize = false }))                               // moved, not flagged
	firstFin := first
	firstFin.Finality = fin.Finality
	firstFin.Finality.Replaced = fr.Element{}
	firstFin.Old.FinalizedChildrenRoot, firstFin.New.FinalizedChildrenRoot = fin.Old.FinalizedChildrenRoot, fin.New.FinalizedChildrenRoot
	add(mustAssignChild(t, key, firstFin)) // a first step replaced nothing

	opts := []test.TestingOption{test.WithValidAssignment(valid), test.WithValidAssignment(mustAssignChild(t, key, first)),
		test.WithValidAssignment(mustAssignChild(t, key, fin)),
		test.WithCurves(ecc.BN254), test.WithBackends(backend.GROTH16),
		test.NoTestEngine(), test.NoProverChecks(), test.NoFuzzing(), test.NoSerializationChecks()}
	for _, c := range invalid {
		opts = append(opts, test.WithInvalidAssignment(c))
	}
	test.NewAssert(t).CheckCircuit(NewNodeChildStep(key, testShape), opts...)
}
