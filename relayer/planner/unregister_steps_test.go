package planner

import (
	"context"
	"testing"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/stretchr/testify/require"

	"github.com/slush-tree/slush/circuits/commitment"
	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/subtree"
	"github.com/slush-tree/slush/relayer/chainclient"
	slushtypes "github.com/slush-tree/slush/types"
	treetypes "github.com/slush-tree/slush/x/tree/types"
	validiumtypes "github.com/slush-tree/slush/x/validium/types"
)

// otherOperator is the operator key hash of a chain registered by another operator.
var otherOperator = hash.Uint64(78)

// operatorRecord is registeredRecord for a chain registered with operator key hash op.
func operatorRecord(path []uint8, h int64, op fr.Element, latest *commitment.Commitment) validiumtypes.Child {
	k := registeredRecord(path, h, latest)
	k.OperatorKeyHash = hash.EncodeElement(op)
	k.GenesisLeaf = hash.EncodeElement(operatorGenesis(path, op).Hash())
	return k
}

// operatorGenesis is chain path's genesis commitment when registered with operator key hash op.
func operatorGenesis(path []uint8, op fr.Element) commitment.Commitment {
	return subtree.GenesisCommitment(commitment.MustPackVid(path), genesisRoots, op)
}

// plannedKind is a planned step as the tests compare them: its block, kind and grandchild.
type plannedKind struct {
	height int64
	kind   uint64
	index  uint8
}

// kindsOf is the steps as plannedKinds.
func kindsOf(steps []plannedStep) []plannedKind {
	var out []plannedKind
	for _, st := range steps {
		out = append(out, plannedKind{st.height, st.pub.Kind, st.pub.Index})
	}
	return out
}

// unregisterCase is chain 1 (vid 1) whose parent holds its commitment of block 10 (children
// held there: 1-1 updated to a0, 1-2 registered at 8 with a genesis leaf, never updated) with
// the children records of other blocks, the deregistrations and the child updates of blocks
// 11..20.
type unregisterCase struct {
	c     *fakeChain
	child validiumtypes.Child
	a0    commitment.Commitment
}

func newUnregisterCase(t *testing.T, records map[int64][]validiumtypes.Child, deregs []chainclient.Deregistration, updates []chainclient.AcceptedUpdate) unregisterCase {
	t.Helper()
	u := unregisterCase{a0: firstCommitment([]uint8{1, 1}, 100, 3)}
	u.c = &fakeChain{children: map[int64][]validiumtypes.Child{}, deregs: deregs, updates: updates}
	own := leafCommitment(1, 9, 9)
	u.c.record(own, 10)
	u.c.children[10] = []validiumtypes.Child{u.record1(), registeredRecord([]uint8{1, 2}, 8, nil)}
	for h, kids := range records {
		u.c.children[h] = append([]validiumtypes.Child(nil), kids...)
	}
	held := rootOf(t, map[uint8]commitment.Commitment{1: u.a0, 2: genesisOpening([]uint8{1, 2}).Commitment})
	u.child = validiumtypes.Child{Index: 1, LatestCommitment: hash.EncodeElement(own.Hash()), ChildrenRoot: hash.EncodeElement(held)}
	return u
}

// record1 is the record of 1-1, updated to a0 before block 10.
func (u unregisterCase) record1() validiumtypes.Child {
	return validiumtypes.Child{Index: 1, LatestCommitment: hash.EncodeElement(u.a0.Hash())}
}

// TestUnregistrationSteps (issue 16): a child deregistered before it ever updated leaves c's
// children SMT by a native kind-7 step at its block, read from c's deregistrations and its
// records of the block before: after its registration's kind 5 when that came after the held
// commitment; in a block, removals come before registrations (an index freed and reused in one
// block: 7 then 5) and both before child updates; a child registered and deregistered within
// one block, or without a genesis leaf, moves nothing. Every native step passes x/validium's
// stateless checks and native rule, is ready at once, and the steps chain from the held root to
// the target's children root.
func TestUnregistrationSteps(t *testing.T) {
	ctx := context.Background()
	r1 := validiumtypes.Child{Index: 1, LatestCommitment: hash.EncodeElement(firstCommitment([]uint8{1, 1}, 100, 3).Hash())}
	r2 := registeredRecord([]uint8{1, 2}, 8, nil)
	a0, g2 := firstCommitment([]uint8{1, 1}, 100, 3), genesisOpening([]uint8{1, 2}).Commitment
	b1other := firstCommitment([]uint8{1, 2}, 300, 6)
	b1other.OperatorKeyHash = otherOperator
	c1 := firstCommitment([]uint8{1, 3}, 310, 6)
	for _, tc := range []struct {
		name    string
		records map[int64][]validiumtypes.Child
		deregs  []chainclient.Deregistration
		updates func(t *testing.T) []chainclient.AcceptedUpdate
		want    []plannedKind
		final   map[uint8]commitment.Commitment
	}{
		{"a never-updated child deregistered after held", map[int64][]validiumtypes.Child{11: {r1, r2}, 20: {r1}},
			[]chainclient.Deregistration{{Height: 12, ChildIndex: 2}}, nil,
			[]plannedKind{{12, subtree.KindUnregister, 2}}, map[uint8]commitment.Commitment{1: a0}},
		{"registered and deregistered after held", map[int64][]validiumtypes.Child{
			13: {r1, r2, registeredRecord([]uint8{1, 3}, 12, nil)}, 20: {r1, r2}},
			[]chainclient.Deregistration{{Height: 14, ChildIndex: 3}}, nil,
			[]plannedKind{{12, subtree.KindRegister, 3}, {14, subtree.KindUnregister, 3}}, map[uint8]commitment.Commitment{1: a0, 2: g2}},
		{"deregistered, the index reused in the block by another operator, then its first update", map[int64][]validiumtypes.Child{
			11: {r1, r2}, 20: {r1, operatorRecord([]uint8{1, 2}, 12, otherOperator, &b1other)}},
			[]chainclient.Deregistration{{Height: 12, ChildIndex: 2}},
			func(t *testing.T) []chainclient.AcceptedUpdate {
				return []chainclient.AcceptedUpdate{{Height: 15, Msg: update(t, 2, nil, b1other, [][]fr.Element{{}})}}
			},
			[]plannedKind{{12, subtree.KindUnregister, 2}, {12, subtree.KindRegister, 2}, {15, subtree.KindLeaf, 2}},
			map[uint8]commitment.Commitment{1: a0, 2: b1other}},
		{"registered and deregistered within one block", map[int64][]validiumtypes.Child{12: {r1, r2}, 20: {r1, r2}},
			[]chainclient.Deregistration{{Height: 13, ChildIndex: 3}}, nil,
			nil, map[uint8]commitment.Commitment{1: a0, 2: g2}},
		{"deregistered, registered again and deregistered again in one block", map[int64][]validiumtypes.Child{11: {r1, r2}, 20: {r1}},
			[]chainclient.Deregistration{{Height: 12, ChildIndex: 2}, {Height: 12, ChildIndex: 2}}, nil,
			[]plannedKind{{12, subtree.KindUnregister, 2}}, map[uint8]commitment.Commitment{1: a0}},
		{"a child without a genesis leaf (an empty leaf) deregistered", map[int64][]validiumtypes.Child{11: {r1, r2, {Index: 3}}, 20: {r1, r2}},
			[]chainclient.Deregistration{{Height: 12, ChildIndex: 3}}, nil,
			nil, map[uint8]commitment.Commitment{1: a0, 2: g2}},
		{"a block's removal before its registration of a lower index, then that child's first update", map[int64][]validiumtypes.Child{
			14: {r1, r2, registeredRecord([]uint8{1, 4}, 12, nil)}, 20: {r1, r2, registeredRecord([]uint8{1, 3}, 15, &c1)}},
			[]chainclient.Deregistration{{Height: 15, ChildIndex: 4}},
			func(t *testing.T) []chainclient.AcceptedUpdate {
				return []chainclient.AcceptedUpdate{{Height: 15, Msg: update(t, 3, nil, c1, [][]fr.Element{{}})}}
			},
			[]plannedKind{{12, subtree.KindRegister, 4}, {15, subtree.KindUnregister, 4}, {15, subtree.KindRegister, 3}, {15, subtree.KindLeaf, 3}},
			map[uint8]commitment.Commitment{1: a0, 2: g2, 3: c1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var updates []chainclient.AcceptedUpdate
			if tc.updates != nil {
				updates = tc.updates(t)
			}
			u := newUnregisterCase(t, tc.records, tc.deregs, updates)
			c := testChain()
			plan, err := readSubtreePlan(ctx, u.c, c.Vid, genesisRoots, u.child, 20)
			require.NoError(t, err)
			pl := testPlanner()
			steps, stop, err := pl.planSteps(ctx, c, plan)
			require.NoError(t, err)
			require.Zero(t, stop)
			require.Equal(t, tc.want, kindsOf(steps))
			for _, k := range u.c.children[20] { // a first update moves from the genesis at hc
				if g, ok := plan.genesis[uint8(k.Index)]; ok {
					require.Equal(t, hash.EncodeElement(g.Hash()), k.GenesisLeaf)
				}
			}
			before := plan.heldRoot
			for i, st := range steps {
				require.Equal(t, before, st.pub.RootBefore, "step %d chains", i)
				if st.native != nil {
					checkNativeStep(t, *st.native, c.Vid, before, nodeShape.MaxBuckets)
					require.Equal(t, stepMessage(st, nil), *st.native)
				} else {
					require.Equal(t, st.w.Public(), st.pub)
				}
				before = st.pub.RootAfter
			}
			final := rootOf(t, tc.final)
			require.Equal(t, final, before, "the steps reach the children root at hc")
			target := treetypes.OwnCommitment{Height: 20, Fields: slushtypes.CommitmentFields{ChildrenRoot: hash.EncodeElement(final)}}
			msgs, err := assembleSteps(plan.heldRoot, steps, func(string) ([]byte, bool) { return []byte("proof"), true }, noGrowth, target)
			require.NoError(t, err)
			require.Len(t, msgs, len(steps))
			if len(steps) > 0 && steps[len(steps)-1].native != nil {
				require.Equal(t, int64(20), readyCut(steps, func(string) bool { return false }, 64, 0, 20), "native steps are ready at once")
			}
		})
	}
}

// TestUnregistrationRefusals: a removal whose record's genesis leaf is not its genesis, whose
// genesis is not the leaf the held children SMT holds, of a child that updated (no step kind
// removes it), of a leaf the SMT does not hold, or of an index no child has, is refused.
func TestUnregistrationRefusals(t *testing.T) {
	ctx := context.Background()
	r1 := validiumtypes.Child{Index: 1, LatestCommitment: hash.EncodeElement(firstCommitment([]uint8{1, 1}, 100, 3).Hash())}
	r2 := registeredRecord([]uint8{1, 2}, 8, nil)
	b1 := firstCommitment([]uint8{1, 2}, 300, 6)
	wrongLeaf := r2
	wrongLeaf.GenesisLeaf = hash.EncodeElement(genesisOpening([]uint8{1, 3}).Commitment.Hash())
	updated := r2
	updated.LatestCommitment = hash.EncodeElement(b1.Hash())
	for _, tc := range []struct {
		name       string
		before     []validiumtypes.Child // the records of block 11
		index      uint32                // deregistered at 12
		plan       bool                  // refused by readSubtreePlan, else by planSteps
		unprovable bool
		err        string
	}{
		{"a genesis leaf not its genesis commitment's hash", []validiumtypes.Child{r1, wrongLeaf}, 2, true, false, "child 2 deregistered at 12"},
		{"a genesis of another operator than the leaf held", []validiumtypes.Child{r1, operatorRecord([]uint8{1, 2}, 8, otherOperator, nil)}, 2, false, false,
			"the removal of child 2 at 12"},
		{"a child that updated", []validiumtypes.Child{r1, updated}, 2, true, true, "had updated"},
		{"a genesis leaf the held root does not hold", []validiumtypes.Child{r1, r2, registeredRecord([]uint8{1, 4}, 9, nil)}, 4, false, false,
			"the removal of child 4 at 12"},
		{"child index 0", []validiumtypes.Child{r1, r2}, 0, true, false, "child index 0"},
		{"child index 256", []validiumtypes.Child{r1, r2}, 256, true, false, "child index 256"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			u := newUnregisterCase(t, map[int64][]validiumtypes.Child{11: tc.before, 20: {r1}},
				[]chainclient.Deregistration{{Height: 12, ChildIndex: tc.index}}, nil)
			c := testChain()
			plan, err := readSubtreePlan(ctx, u.c, c.Vid, genesisRoots, u.child, 20)
			if !tc.plan {
				require.NoError(t, err)
				_, _, err = testPlanner().planSteps(ctx, c, plan)
			}
			require.ErrorContains(t, err, tc.err)
			if tc.unprovable {
				require.ErrorIs(t, err, errUnprovableMove)
			}
		})
	}
}
