package planner

import (
	"context"
	"fmt"
	"os"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/frontend/cs/r1cs"
	"github.com/stretchr/testify/require"

	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/ledger"
	"github.com/slush-tree/slush/circuits/smt"
	"github.com/slush-tree/slush/circuits/subtree"
	"github.com/slush-tree/slush/relayer/tree"
	slushtypes "github.com/slush-tree/slush/types"
	ledgertypes "github.com/slush-tree/slush/x/ledger/types"
	validiumtypes "github.com/slush-tree/slush/x/validium/types"
)

// forcedOutbox is 1-2's outbox in the forced node child tests: earlier is its root when it held
// the forced deposits 1-2-3 minted (3 messages), later its root after 1-2's update (5 messages),
// growth the growth between them as 1-2's update carried it.
type forcedOutbox struct {
	earlier, later fr.Element
	growth         *validiumtypes.OutboxGrowth
	out            *smt.Accumulator
}

// newForcedOutbox builds 1-2's outbox (depth stepParams.OutboxDepth) and the growth of its root at
// 3 messages into its root at 5.
func newForcedOutbox(t *testing.T) forcedOutbox {
	t.Helper()
	out, err := ledger.OpenOutbox(smt.NewMemStore(), stepParams.OutboxDepth)
	require.NoError(t, err)
	var o forcedOutbox
	for i := uint64(0); i < 5; i++ {
		_, err := out.Append(hash.Uint64(900 + i))
		require.NoError(t, err)
		if i == 2 {
			o.earlier, err = out.Root()
			require.NoError(t, err)
		}
	}
	o.later, err = out.Root()
	require.NoError(t, err)
	o.growth, err = proveGrowth(out, o.earlier, 3)
	require.NoError(t, err)
	o.out = out
	return o
}

// withForcedSteps is f with 1-2's update ending at outbox o.later and the steps it carried at
// indices forced turned into forced leaf steps (kind 9) whose deposits were opened under
// o.earlier, each carrying o's growth (as 1-2's parent accepted them).
func withForcedSteps(t *testing.T, f nodeFixture, o forcedOutbox, forced ...int) nodeFixture {
	t.Helper()
	f.next.OutboxRoot = o.later
	m := *f.move.msg
	m.NewCommitment = slushtypes.NewCommitmentFields(f.next)
	m.Batches = append([]validiumtypes.LedgerBatch(nil), m.Batches...)
	m.Batches[len(m.Batches)-1].End = roots(f.next)
	m.Steps = append([]validiumtypes.SubtreeStep(nil), m.Steps...)
	for _, i := range forced {
		m.Steps[i].Kind, m.Steps[i].ParentOutbox, m.Steps[i].OutboxGrowth = subtree.KindLeafForced, hash.EncodeElement(o.earlier), o.growth
	}
	f.move.msg = &m
	return f
}

// TestNodeMoveForcedChild: a grandchild 1-2 whose update carried a forced leaf step of its child
// 1-2-3 (a batch that minted forced deposits 1-2 burnt) moves by a forced node child step (kind
// 11) over it: its inner statement names the outbox the deposits were opened under, its growth
// reaches 1-2's outbox, which the step keeps; the plain step after it is a kind 4; a forced
// move that replaces a commitment finalizes it as a plain move does.
func TestNodeMoveForcedChild(t *testing.T) {
	o := newForcedOutbox(t)
	f := withForcedSteps(t, newNodeFixture(t), o, 0)
	steps, err := nodeMoveWitnesses(f.held, f.move, f.src, nodeShape)
	require.NoError(t, err)
	require.Len(t, steps, 4)
	kinds := []uint64{subtree.KindNodeLedger, subtree.KindNodeLedger, subtree.KindNodeChildForced, subtree.KindNodeChild}
	before := f.heldRoot
	for i, st := range steps {
		checkNodeWitness(t, st)
		pub := st.w.Public()
		require.Equal(t, kinds[i], pub.Kind, "step %d", i)
		require.Equal(t, before, pub.RootBefore, "step %d chains", i)
		before = pub.RootAfter
	}
	require.Equal(t, f.next, steps[3].new, "the last step reaches the update's commitment")

	forced := steps[2].w.(subtree.NodeChildStepWitness)
	require.Equal(t, uint64(subtree.KindLeafForced), forced.Inner.Kind)
	require.Equal(t, o.earlier, forced.Inner.ParentOutbox, "the inner statement is the carried kind 9's")
	require.Equal(t, o.later, forced.New.OutboxRoot)
	require.Equal(t, o.later, forced.Old.OutboxRoot, "a child step keeps the outbox")
	want, err := o.out.ProveGrowth(3)
	require.NoError(t, err)
	require.Equal(t, want, *forced.Growth)
	require.Equal(t, hash.EncodeElement(o.earlier), f.move.msg.Steps[0].ParentOutbox)
	inner := forced.Inner
	inner.ParentOutbox = fr.Element{}
	require.NotEqual(t, inner.Statement(), forced.Inner.Statement(), "the inner statement binds its parent outbox")
	plain := steps[3].w.(subtree.NodeChildStepWitness)
	require.Nil(t, plain.Growth)

	// the circuit's assignment takes it as the forced variant (a stand-in inner key: no big circuit)
	leaf, _ := newLeafStepStandIn(t, 8)
	assigned, err := subtree.AssignNodeChildStep(leaf.key, nodeShape, forced)
	require.NoError(t, err)
	require.Len(t, assigned.Growth, 1)
	require.Len(t, assigned.Growth[0].Siblings, stepParams.OutboxDepth)
	assigned, err = subtree.AssignNodeChildStep(leaf.key, nodeShape, plain)
	require.NoError(t, err)
	require.Empty(t, assigned.Growth)

	msg := stepMessage(plannedStep{w: forced, pub: forced.Public(), node: &steps[2]}, []byte("proof"))
	require.Equal(t, uint32(subtree.KindNodeChildForced), msg.Kind)
	require.Empty(t, msg.ParentOutbox, "the growth is proven in the circuit: the step carries no outbox")
	require.Nil(t, msg.OutboxGrowth)

	// both carried steps forced, the first finalizing 1-2-3's replaced commitment
	ff, _, after := finalityFixture(t)
	ff = withForcedSteps(t, ff, o, 0, 1)
	steps, err = nodeMoveWitnesses(ff.held, ff.move, ff.src, nodeShape)
	require.NoError(t, err)
	require.Len(t, steps, 4)
	for _, st := range steps {
		checkNodeWitness(t, st)
	}
	first, second := steps[2].w.(subtree.NodeChildStepWitness), steps[3].w.(subtree.NodeChildStepWitness)
	require.Equal(t, uint64(subtree.KindNodeChildForced), second.Public().Kind)
	require.True(t, first.Finality.Finalize, "a forced move finalizes the commitment it replaces")
	require.Equal(t, after, first.New.FinalizedChildrenRoot)
	require.False(t, second.Finality.Finalize)
}

// TestNodeMoveForcedChildRefusals: a forced leaf step whose outbox does not grow into the
// grandchild's outbox is unprovable (the circuit would refuse it), as is a forced node ledger step
// carried below the grandchild (a tree deeper than 3); a forced step without its growth is an
// error, and so is one for a child the grandchild does not hold (a forced step is a move).
func TestNodeMoveForcedChildRefusals(t *testing.T) {
	o := newForcedOutbox(t)
	for _, tc := range []struct {
		name       string
		edit       func(t *testing.T, f *nodeFixture, s *validiumtypes.SubtreeStep)
		unprovable bool
		err        string
	}{
		{"an outbox the grandchild's never was", func(t *testing.T, f *nodeFixture, s *validiumtypes.SubtreeStep) {
			s.ParentOutbox = hash.EncodeElement(hash.Uint64(4242))
		}, true, "does not grow into the grandchild's outbox"},
		{"a growth into another outbox", func(t *testing.T, f *nodeFixture, s *validiumtypes.SubtreeStep) {
			_, err := o.out.Append(hash.Uint64(999))
			require.NoError(t, err)
			s.OutboxGrowth, err = proveGrowth(o.out, o.earlier, 3)
			require.NoError(t, err)
		}, true, "does not grow into the grandchild's outbox"},
		{"a growth from another size", func(t *testing.T, f *nodeFixture, s *validiumtypes.SubtreeStep) {
			g := *s.OutboxGrowth
			g.EarlierSize = 2
			s.OutboxGrowth = &g
		}, true, "does not grow into the grandchild's outbox"},
		{"a forced node ledger step below", func(t *testing.T, f *nodeFixture, s *validiumtypes.SubtreeStep) {
			s.Kind = subtree.KindNodeLedgerForced
		}, true,
			"child steps over node steps"},
		{"no growth", func(t *testing.T, f *nodeFixture, s *validiumtypes.SubtreeStep) { s.OutboxGrowth = nil }, false, "carries its outbox growth proof"},
		{"a forced step of a child not held", func(t *testing.T, f *nodeFixture, s *validiumtypes.SubtreeStep) {
			gg2 := leafOpening(t, []uint8{1, 2, 2}, 20, 5)
			f.src.leaves[gg2.Commitment.Hash()] = gg2
			s.Index, s.Leaf, s.AnchorHeight = 2, hash.EncodeElement(gg2.Commitment.Hash()), 5
		}, false, "a step of kind 9 for child 2, which the children root holds: false"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o = newForcedOutbox(t)
			f := withForcedSteps(t, newNodeFixture(t), o, 0)
			tc.edit(t, &f, &f.move.msg.Steps[0])
			_, err := nodeMoveWitnesses(f.held, f.move, f.src, nodeShape)
			requireRefused(t, err, tc.err, tc.unprovable)
		})
	}
}

// TestNodeChildForcedKeys: forced node child steps need keys_dir/node-child-forced-step.vk
// byte-equal to the parent's node_child_forced_step_key; a node grandchild's update needs the key
// of each node child step kind its carried steps make (kind 11 over a kind 9, kind 4 over the
// others), none for native steps, and a move that needs a missing one is refused before anything
// is read.
func TestNodeChildForcedKeys(t *testing.T) {
	a, b := []byte("key a"), []byte("key b")
	for _, tc := range []struct {
		name   string
		params validiumtypes.Params
		vk     []byte
		err    string
	}{
		{"the parent's key", validiumtypes.Params{NodeChildForcedStepKey: a}, a, ""},
		{"none in keys_dir", validiumtypes.Params{NodeChildForcedStepKey: a}, nil, "keys_dir has no node-child-forced-step.pk/.vk"},
		{"the parent has none", validiumtypes.Params{NodeChildStepKey: a}, a, "the parent has no node_child_forced_step_key"},
		{"another key", validiumtypes.Params{NodeChildForcedStepKey: b}, a, "is not keys_dir/node-child-forced-step.vk"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := nodeChildForcedKey(tc.params, tc.vk)
			if tc.err == "" {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, errUnprovableMove)
			require.ErrorContains(t, err, tc.err)
		})
	}

	plainErr, forcedErr := fmt.Errorf("%w: no plain key", errUnprovableMove), fmt.Errorf("%w: no forced key", errUnprovableMove)
	steps := func(kinds ...uint32) []validiumtypes.SubtreeStep {
		out := make([]validiumtypes.SubtreeStep, len(kinds))
		for i, k := range kinds {
			out[i].Kind = k
		}
		return out
	}
	for _, tc := range []struct {
		name          string
		carried       []validiumtypes.SubtreeStep
		plain, forced error
		want          error
	}{
		{"plain steps, no forced key", steps(subtree.KindLeaf, subtree.KindLeafFirst), nil, forcedErr, nil},
		{"forced steps, no plain key", steps(subtree.KindLeafForced, subtree.KindRegister), plainErr, nil, nil},
		{"a forced step, no forced key", steps(subtree.KindLeaf, subtree.KindLeafForced), nil, forcedErr, forcedErr},
		{"a plain step, no plain key", steps(subtree.KindLeafForced, subtree.KindLeaf), plainErr, nil, plainErr},
		{"native steps only, no keys", steps(subtree.KindRegister, subtree.KindUnregister), plainErr, forcedErr, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			plan := &subtreePlan{nodeChild: tc.plain, nodeChildForced: tc.forced}
			require.Equal(t, tc.want, plan.childStepKeys(tc.carried))
		})
	}

	// the move stops before its node source is read (the planner serves no tree: a read panics)
	o := newForcedOutbox(t)
	f := withForcedSteps(t, newNodeFixture(t), o, 0)
	c := &tree.Node{Path: []uint8{1}, LedgerParams: ledgertypes.Params{AccountDepth: 4, OutboxDepth: 4, BatchSize: 2}}
	plan := &subtreePlan{children: f.held, shape: nodeShape, nodeChildForced: nodeChildForcedKey(validiumtypes.Params{NodeChildForcedStepKey: a}, nil)}
	_, err := (&Planner{}).moveSteps(context.Background(), c, plan, f.move)
	require.ErrorIs(t, err, errUnprovableMove)
	require.ErrorContains(t, err, "keys_dir has no node-child-forced-step.pk/.vk")
}

// TestNodeChildForcedStepSolves: the forced node child step witnesses the planner builds satisfy
// the real forced NodeChildStep circuit (compiled around a stand-in forced leaf step key, the
// inner proofs made for the witnesses' own inner statements), with and without a finality move;
// the solver refuses one whose parent outbox is not the one its growth starts from. Compiles and
// solves ~1.45M constraints: gated by SLUSH_RECURSIVE_TESTS=1, as TestNodeStepsSolve is.
func TestNodeChildForcedStepSolves(t *testing.T) {
	if os.Getenv("SLUSH_RECURSIVE_TESTS") != "1" {
		t.Skip("solves the forced node child step circuit (minutes, GiBs): set SLUSH_RECURSIVE_TESTS=1")
	}
	o := newForcedOutbox(t)
	f := withForcedSteps(t, newNodeFixture(t), o, 0, 1)
	steps, err := nodeMoveWitnesses(f.held, f.move, f.src, nodeShape)
	require.NoError(t, err)
	fin, _, _ := finalityFixture(t)
	fin = withForcedSteps(t, fin, o, 0, 1)
	finSteps, err := nodeMoveWitnesses(fin.held, fin.move, fin.src, nodeShape)
	require.NoError(t, err)
	require.True(t, finSteps[2].w.(subtree.NodeChildStepWitness).Finality.Finalize)

	leaf, innerProof := newLeafStepStandIn(t, 9)
	ccs, err := frontend.Compile(ecc.BN254.ScalarField(), r1cs.NewBuilder, subtree.NewNodeChildForcedStep(leaf.key, nodeShape, stepParams.OutboxDepth))
	require.NoError(t, err)
	for i, st := range append(steps[2:], finSteps[2:]...) {
		w := st.w.(subtree.NodeChildStepWitness)
		w.InnerProof = innerProof(w.Inner)
		assigned, err := subtree.AssignNodeChildStep(leaf.key, nodeShape, w)
		require.NoError(t, err)
		require.NoError(t, solves(t, ccs, assigned), "child step %d", i)
		if i == 0 { // the solver does refuse: an inner statement over another outbox than the growth's
			w.Inner.ParentOutbox = hash.Uint64(4242)
			w.InnerProof = innerProof(w.Inner)
			assigned, err := subtree.AssignNodeChildStep(leaf.key, nodeShape, w)
			require.NoError(t, err)
			require.Error(t, solves(t, ccs, assigned))
		}
	}
}
