package planner

import (
	"context"
	"io"
	"log/slog"
	"testing"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/stretchr/testify/require"

	"github.com/slush-tree/slush/circuits/commitment"
	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/ledger"
	"github.com/slush-tree/slush/circuits/smt"
	"github.com/slush-tree/slush/circuits/subtree"
	"github.com/slush-tree/slush/relayer/chainclient"
	"github.com/slush-tree/slush/relayer/tree"
	slushtypes "github.com/slush-tree/slush/types"
	ledgertypes "github.com/slush-tree/slush/x/ledger/types"
	treetypes "github.com/slush-tree/slush/x/tree/types"
	validiumtypes "github.com/slush-tree/slush/x/validium/types"
)

// genesisRoots are the test tree's genesis roots (stepParams' empty ledger).
var genesisRoots = ledger.EmptyRoots(stepParams)

// testOperator is the operator key hash of every test chain.
var testOperator = hash.Uint64(77)

// genesisOpening is the genesis commitment of chain path (registered with a genesis leaf and
// never updated) opened as its parent's child, with the genesis report.
func genesisOpening(path []uint8) subtree.ChildOpening {
	g := subtree.GenesisCommitment(commitment.MustPackVid(path), genesisRoots, testOperator)
	return subtree.ChildOpening{Index: path[len(path)-1], Commitment: g, Report: subtree.GenesisReport()}
}

// firstCommitment is leaf chain path's first commitment after its genesis: ledger root r,
// anchored at a, the genesis operator and epoch.
func firstCommitment(path []uint8, r, a uint64) commitment.Commitment {
	c := leafCommitment(0, r, a)
	c.Vid, c.OperatorKeyHash = commitment.MustPackVid(path), testOperator
	return c
}

// registeredRecord is the record of child idx registered at block h with the genesis leaf of
// chain path, updated to latest (nil: not yet).
func registeredRecord(path []uint8, h int64, latest *commitment.Commitment) validiumtypes.Child {
	k := validiumtypes.Child{Index: uint32(path[len(path)-1]), RegisteredHeight: h, OperatorKeyHash: hash.EncodeElement(testOperator),
		GenesisLeaf: hash.EncodeElement(genesisOpening(path).Commitment.Hash())}
	if latest != nil {
		k.LatestCommitment = hash.EncodeElement(latest.Hash())
	}
	return k
}

// rootOf is the children root holding the given commitments by index.
func rootOf(t *testing.T, leaves map[uint8]commitment.Commitment) fr.Element {
	t.Helper()
	tr, err := commitment.NewChildrenTree(smt.NewMemStore())
	require.NoError(t, err)
	for idx, c := range leaves {
		require.NoError(t, tr.SetChild(idx, c.Hash()))
	}
	root, err := tr.Root()
	require.NoError(t, err)
	return root
}

// checkNativeStep checks a native step message as c's parent does, from the children root
// rootBefore: stateless validation (x/validium SubtreeStep.validate via ValidateStateless), then
// kind 5's subtree.RegisterGenesis, kind 7's subtree.UnregisterGenesis, or kind 6's
// subtree.NodeRegister and kind 8's subtree.NodeUnregister with subtree.MoveLeaf, each giving the
// message's leaf and root after, with the tree's genesis of the registered chain (parentVid: the
// vid of the chain whose children SMT the step moves). It returns kind 6's or 8's new commitment
// and report.
func checkNativeStep(t *testing.T, m validiumtypes.SubtreeStep, parentVid, rootBefore fr.Element, maxBuckets int) (commitment.Commitment, subtree.Report) {
	t.Helper()
	require.Empty(t, m.Proof, "a native step carries no proof")
	require.Empty(t, m.Report)
	require.True(t, m.IsNative())
	some := leafCommitment(1, 1, 1)
	require.NoError(t, (&validiumtypes.MsgSubmitUpdate{NewCommitment: slushtypes.NewCommitmentFields(some), Steps: []validiumtypes.SubtreeStep{m}}).ValidateStateless())
	ns, err := m.Native()
	require.NoError(t, err)
	leaf, err := hash.DecodeElement(m.Leaf)
	require.NoError(t, err)
	after, err := hash.DecodeElement(m.RootAfter)
	require.NoError(t, err)
	idx := uint8(m.Index)
	vid, err := subtree.ChildVid(parentVid, idx)
	require.NoError(t, err)
	switch m.Kind {
	case subtree.KindRegister, subtree.KindUnregister:
		require.Equal(t, subtree.GenesisCommitment(vid, genesisRoots, ns.Genesis.OperatorKeyHash), ns.Genesis, "the tree's genesis of the registered chain")
		move, want := subtree.RegisterGenesis, ns.Genesis.Hash()
		if m.Kind == subtree.KindUnregister {
			move, want = subtree.UnregisterGenesis, fr.Element{}
		}
		got, err := move(rootBefore, idx, ns.Genesis, ns.Siblings)
		require.NoError(t, err)
		require.Equal(t, after, got, "kind %d's root after", m.Kind)
		require.Equal(t, want, leaf, "kind %d's leaf", m.Kind)
		require.Equal(t, m.Kind == subtree.KindUnregister, m.IsRemoval())
		return commitment.Commitment{}, nil
	case subtree.KindNodeRegister, subtree.KindNodeUnregister:
		require.Equal(t, vid, ns.Previous.Vid)
		inner, err := subtree.ChildVid(vid, ns.InnerIndex)
		require.NoError(t, err)
		require.Equal(t, subtree.GenesisCommitment(inner, genesisRoots, ns.Genesis.OperatorKeyHash), ns.Genesis)
		prevReport := validiumtypes.ReportOf(ns.PreviousReport)
		var next commitment.Commitment
		var report subtree.Report
		if m.Kind == subtree.KindNodeUnregister {
			next, report, err = subtree.NodeUnregister(ns.Previous, prevReport, ns.InnerIndex, ns.Genesis.OperatorKeyHash, genesisRoots, ns.InnerSiblings)
		} else {
			next, report, err = subtree.NodeRegister(ns.Previous, prevReport, ns.InnerIndex, ns.Genesis.OperatorKeyHash, genesisRoots, ns.InnerSiblings, maxBuckets)
		}
		require.NoError(t, err)
		require.Equal(t, next.Hash(), leaf, "kind %d's leaf", m.Kind)
		got, err := subtree.MoveLeaf(rootBefore, idx, ns.Previous.Hash(), leaf, ns.Siblings)
		require.NoError(t, err)
		require.Equal(t, after, got, "kind %d's root after", m.Kind)
		return next, report
	}
	t.Fatalf("kind %d is not native", m.Kind)
	return commitment.Commitment{}, nil
}

// registerFixture is chain 1 (vid 1) whose parent holds its commitment of block 10. Its
// children: 1-1 updated before 10 (a0); 1-2 registered at 8 with a genesis leaf,
// first updated at 15 (b1); 1-3 registered at 12, never updated; 1-4 registered at 15, first
// updated at 17 (d1).
type registerFixture struct {
	c         *fakeChain
	child     validiumtypes.Child // the parent's record of chain 1
	a0        commitment.Commitment
	b1, d1    commitment.Commitment
	g2, g3    commitment.Commitment // genesis commitments
	g4        commitment.Commitment
	claim     fr.Element
	finalRoot fr.Element
}

func newRegisterFixture(t *testing.T) registerFixture {
	t.Helper()
	f := registerFixture{
		a0: firstCommitment([]uint8{1, 1}, 100, 3),
		b1: firstCommitment([]uint8{1, 2}, 300, 6), d1: firstCommitment([]uint8{1, 4}, 400, 7),
		g2: genesisOpening([]uint8{1, 2}).Commitment, g3: genesisOpening([]uint8{1, 3}).Commitment, g4: genesisOpening([]uint8{1, 4}).Commitment,
		claim: hash.Uint64(501),
	}
	f.c = &fakeChain{children: map[int64][]validiumtypes.Child{}}
	own := leafCommitment(1, 9, 9)
	f.c.record(own, 10)
	f.c.children[10] = []validiumtypes.Child{
		{Index: 1, LatestCommitment: hash.EncodeElement(f.a0.Hash())},
		registeredRecord([]uint8{1, 2}, 8, nil),
	}
	f.c.children[20] = []validiumtypes.Child{
		{Index: 1, LatestCommitment: hash.EncodeElement(f.a0.Hash())},
		registeredRecord([]uint8{1, 2}, 8, &f.b1),
		registeredRecord([]uint8{1, 3}, 12, nil),
		registeredRecord([]uint8{1, 4}, 15, &f.d1),
	}
	f.c.updates = []chainclient.AcceptedUpdate{
		{Height: 15, Msg: update(t, 2, nil, f.b1, [][]fr.Element{{f.claim}})},
		{Height: 17, Msg: update(t, 4, nil, f.d1, [][]fr.Element{{}})},
	}
	held := rootOf(t, map[uint8]commitment.Commitment{1: f.a0, 2: f.g2})
	f.child = validiumtypes.Child{Index: 1, LatestCommitment: hash.EncodeElement(own.Hash()), ChildrenRoot: hash.EncodeElement(held)}
	f.finalRoot = rootOf(t, map[uint8]commitment.Commitment{1: f.a0, 2: f.b1, 3: f.g3, 4: f.d1})
	return f
}

// testPlanner is a planner with no chains (the steps of leaf moves read none) and a step queue.
func testPlanner() *Planner {
	return &Planner{steps: newStepQueue(), log: slog.New(slog.NewTextHandler(io.Discard, nil))}
}

// testChain is chain 1 as planSteps reads it (its vid and ledger shape).
func testChain() *tree.Node {
	return &tree.Node{Client: &chainclient.Client{Name: "c"}, Path: []uint8{1}, Vid: commitment.MustPackVid([]uint8{1}),
		LedgerParams: ledgertypes.Params{AccountDepth: uint32(stepParams.AccountDepth), OutboxDepth: uint32(stepParams.OutboxDepth), BatchSize: uint32(stepParams.BatchSize)}}
}

// TestNativeStepsWithoutLeafKeys: a relayer without the leaf step keys still plans the native
// steps before c's first child update — registrations need no proof — and stops the plan at that
// update's block, saying why (errUnprovableMove), so c's parent can take c's commitments up to
// the block before instead of none.
func TestNativeStepsWithoutLeafKeys(t *testing.T) {
	ctx := context.Background()
	f := newRegisterFixture(t)
	c := testChain()
	plan, err := readSubtreePlan(ctx, f.c, c.Vid, genesisRoots, f.child, 20)
	require.NoError(t, err)
	plan.leaf = errNoLeafStepKeys
	steps, stop, err := testPlanner().planSteps(ctx, c, plan)
	require.NoError(t, err)
	require.Equal(t, int64(15), stop, "1-2's first update, at 15, needs a leaf step")
	require.Len(t, steps, 2)
	for i, st := range steps {
		require.NotNil(t, st.native, "step %d is native", i)
		require.Equal(t, uint64(subtree.KindRegister), st.pub.Kind)
	}
	require.Equal(t, []int64{12, 15}, []int64{steps[0].height, steps[1].height}, "the registrations up to the unprovable block")
	_, err = testPlanner().moveSteps(ctx, c, plan, childMove{})
	require.ErrorIs(t, err, errUnprovableMove)
}

// TestRegistrationSteps (issue 16, registered descendants count): the children SMT the parent
// holds has the genesis leaf of a registered child that never updated; a child registered after
// it gets a native kind-5 step at its block, before that block's other steps; a first update
// over a genesis leaf is a KindLeaf step from the genesis commitment (inbox head zero). Native
// steps pass x/validium's native rule, are never queued for proving, are ready at once and
// count toward the step cap; the steps chain from the held root to the final children root.
func TestRegistrationSteps(t *testing.T) {
	ctx := context.Background()
	f := newRegisterFixture(t)
	c := testChain()
	plan, err := readSubtreePlan(ctx, f.c, c.Vid, genesisRoots, f.child, 20)
	require.NoError(t, err)
	require.Equal(t, int64(10), plan.held)
	require.Equal(t, rootOf(t, map[uint8]commitment.Commitment{1: f.a0, 2: f.g2}), plan.heldRoot, "the genesis leaf of 1-2 at the held block")
	require.Equal(t, []genesisMove{{height: 12, index: 3, genesis: f.g3}, {height: 15, index: 4, genesis: f.g4}}, plan.genesisMoves)

	pl := testPlanner()
	steps, stop, err := pl.planSteps(ctx, c, plan)
	require.NoError(t, err)
	require.Zero(t, stop)
	type want struct {
		height int64
		kind   uint64
		index  uint8
	}
	var got []want
	for _, st := range steps {
		got = append(got, want{st.height, st.pub.Kind, st.pub.Index})
	}
	require.Equal(t, []want{
		{12, subtree.KindRegister, 3},
		{15, subtree.KindRegister, 4}, {15, subtree.KindLeaf, 2},
		{17, subtree.KindLeaf, 4},
	}, got, "a block's registrations first, then its moves in order")

	before := plan.heldRoot
	for i, st := range steps {
		require.Equal(t, before, st.pub.RootBefore, "step %d chains", i)
		if st.native != nil {
			require.Nil(t, st.w)
			checkNativeStep(t, *st.native, c.Vid, before, nodeShape.MaxBuckets)
			require.Equal(t, stepMessage(st, nil), *st.native)
		} else {
			w := st.w.(subtree.LeafStepWitness)
			require.False(t, w.First, "step %d: no first step over a genesis leaf or a held one", i)
			require.Equal(t, w.Public(), st.pub)
		}
		before = st.pub.RootAfter
	}
	require.Equal(t, f.finalRoot, before)
	first2, first4 := steps[2].w.(subtree.LeafStepWitness), steps[3].w.(subtree.LeafStepWitness)
	require.Equal(t, f.g2, first2.Old, "1-2's first update moves from its genesis commitment")
	require.Equal(t, fr.Element{}, first2.InboxOld, "nothing consumed before")
	require.Equal(t, []fr.Element{f.claim}, first2.Claims)
	require.Equal(t, f.b1.Hash(), steps[2].pub.Leaf)
	require.Equal(t, f.g4, first4.Old, "1-4's first update moves from the genesis leaf registered at 15")

	// native steps are ready at once and never queued; each counts toward the cap
	none := func(string) bool { return false }
	all := func(string) bool { return true }
	require.Equal(t, int64(14), readyCut(steps, none, 64, 0, 20), "block 12 holds only a native step")
	require.Equal(t, int64(20), readyCut(steps, all, 64, 0, 20))
	require.Equal(t, int64(14), readyCut(steps, all, 2, 0, 20), "block 15's native step counts: 3 steps up to it")
	require.Equal(t, int64(16), readyCut(steps, all, 3, 0, 20))
	require.Equal(t, 1, stepsInFirstBlock(steps))
	require.Equal(t, int64(14), pl.subtreeSteps(c, steps, 0, 64, 20))
	require.Len(t, pl.steps.jobs, 2, "only the proven steps are queued")
	for len(pl.steps.jobs) > 0 {
		j := <-pl.steps.jobs
		require.NotContains(t, j.key, "native:")
		pl.steps.done(j.key, []byte("proof"))
	}

	target := func(h int64, root fr.Element) treetypes.OwnCommitment {
		return treetypes.OwnCommitment{Height: h, Fields: slushtypes.CommitmentFields{ChildrenRoot: hash.EncodeElement(root)}}
	}
	msgs, err := assembleSteps(plan.heldRoot, steps, pl.steps.proof, noGrowth, target(20, f.finalRoot))
	require.NoError(t, err)
	require.Len(t, msgs, 4)
	for i, m := range msgs {
		require.Equal(t, steps[i].native == nil, len(m.Proof) > 0, "message %d", i)
	}
	msgs, err = assembleSteps(plan.heldRoot, steps, none2, noGrowth, target(12, rootOf(t, map[uint8]commitment.Commitment{1: f.a0, 2: f.g2, 3: f.g3})))
	require.NoError(t, err, "a native step needs no proof")
	require.Len(t, msgs, 1)
	_, err = assembleSteps(plan.heldRoot, steps, none2, noGrowth, target(20, f.finalRoot))
	require.ErrorContains(t, err, "is not proven")
}

// none2 is a step queue with no proof.
func none2(string) ([]byte, bool) { return nil, false }

// TestRegistrationRefusals: a genesis leaf that is not the rebuilt genesis commitment (at the
// held block or registered after it), a held root without a genesis leaf, and a registration
// over a leaf the SMT holds are refused.
func TestRegistrationRefusals(t *testing.T) {
	ctx := context.Background()
	other := hash.EncodeElement(hash.Uint64(78))
	for _, tc := range []struct {
		name string
		edit func(f *registerFixture)
		err  string // from readSubtreePlan, else from planSteps
		plan bool
	}{
		{"a held genesis leaf of another operator", func(f *registerFixture) { f.c.children[10][1].OperatorKeyHash = other }, "is not its genesis commitment's hash", true},
		{"a registration's genesis leaf not its genesis", func(f *registerFixture) {
			f.c.children[20][2].GenesisLeaf = hash.EncodeElement(f.g2.Hash())
		}, "child 3's genesis leaf", true},
		{"a genesis leaf that is no field element", func(f *registerFixture) {
			f.c.children[20][2].GenesisLeaf = []byte{1, 2}
		}, "child 3's genesis leaf", true},
		{"the held root without the genesis leaf", func(f *registerFixture) {
			f.child.ChildrenRoot = hash.EncodeElement(rootOf(t, map[uint8]commitment.Commitment{1: f.a0}))
		}, "rebuilt root", true},
		{"a registration over a held leaf", func(f *registerFixture) {
			f.c.children[20][0] = registeredRecord([]uint8{1, 1}, 12, &f.a0)
		}, "the registration of child 1 at 12", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newRegisterFixture(t)
			for h, kids := range f.c.children {
				f.c.children[h] = append([]validiumtypes.Child(nil), kids...)
			}
			tc.edit(&f)
			c := testChain()
			plan, err := readSubtreePlan(ctx, f.c, c.Vid, genesisRoots, f.child, 20)
			if tc.plan {
				require.ErrorContains(t, err, tc.err)
				return
			}
			require.NoError(t, err)
			_, _, err = testPlanner().planSteps(ctx, c, plan)
			require.ErrorContains(t, err, tc.err)
		})
	}
}

// TestFirstUpdateOverGenesis: a grandchild's first update is a KindLeaf step from its genesis
// commitment when its leaf holds one, and a KindLeafFirst from the genesis state when the leaf
// is empty (a child registered before the rule).
func TestFirstUpdateOverGenesis(t *testing.T) {
	g := genesisOpening([]uint8{1, 2}).Commitment
	next := firstCommitment([]uint8{1, 2}, 300, 6)
	for _, tc := range []struct {
		name    string
		genesis map[uint8]commitment.Commitment
		held    map[uint8]commitment.Commitment
		kind    uint64
	}{
		{"over its genesis leaf", map[uint8]commitment.Commitment{2: g}, map[uint8]commitment.Commitment{2: g}, subtree.KindLeaf},
		{"over an empty leaf", nil, nil, subtree.KindLeafFirst},
	} {
		t.Run(tc.name, func(t *testing.T) {
			children, err := commitment.NewChildrenTree(smt.NewMemStore())
			require.NoError(t, err)
			for idx, c := range tc.held {
				require.NoError(t, children.SetChild(idx, c.Hash()))
			}
			root, err := children.Root()
			require.NoError(t, err)
			plan := &subtreePlan{children: children, genesis: tc.genesis, inbox: map[uint8]fr.Element{},
				moves: []chainclient.AcceptedUpdate{{Height: 5, Msg: update(t, 2, nil, next, [][]fr.Element{{}})}}}
			moves, err := childMoves(plan, nil)
			require.NoError(t, err)
			ws, err := leafStepWitnesses(children, moves, stepParams)
			require.NoError(t, err)
			require.Len(t, ws, 1)
			pub := ws[0].Public()
			require.Equal(t, tc.kind, pub.Kind)
			require.Equal(t, root, pub.RootBefore)
			if tc.kind == subtree.KindLeaf {
				require.Equal(t, g, ws[0].Old)
				require.True(t, moves[0].genesis)
			} else {
				require.Equal(t, genesisRoots.Ledger, ws[0].Old.LedgerRoot)
			}
			require.Equal(t, fr.Element{}, ws[0].InboxOld)
		})
	}
}
