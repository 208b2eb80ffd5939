package planner

import (
	"bytes"
	"context"
	"fmt"
	"testing"

	sdkerrors "github.com/cosmos/cosmos-sdk/types/errors"

	"github.com/consensys/gnark-crypto/ecc/bn254"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	groth16bn254 "github.com/consensys/gnark/backend/groth16/bn254"
	"github.com/stretchr/testify/require"

	"github.com/slush-tree/slush/circuits/commitment"
	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/ledger"
	"github.com/slush-tree/slush/circuits/prover"
	"github.com/slush-tree/slush/circuits/smt"
	"github.com/slush-tree/slush/circuits/subtree"
	"github.com/slush-tree/slush/relayer/chainclient"
	"github.com/slush-tree/slush/relayer/tree"
	slushtypes "github.com/slush-tree/slush/types"
	acceptancetypes "github.com/slush-tree/slush/x/acceptance/types"
	ledgertypes "github.com/slush-tree/slush/x/ledger/types"
	treetypes "github.com/slush-tree/slush/x/tree/types"
	validiumtypes "github.com/slush-tree/slush/x/validium/types"
)

// nodeShape is the test trees' node shape: three children, reports of at most four buckets.
var nodeShape = subtree.NodeShape{MaxChildren: 3, MaxBuckets: 4}

// someCommittedProof is a well-formed committed proof encoding (generators): the witness
// builder decodes it, the prover verifies it.
func someCommittedProof(t *testing.T) []byte {
	_, _, g1, g2 := bn254.Generators()
	b, err := prover.EncodeProof(&groth16bn254.Proof{Ar: g1, Bs: g2, Krs: g1, Commitments: []bn254.G1Affine{g1}, CommitmentPok: g1})
	require.NoError(t, err)
	return b
}

// chainCommitment is chain path's commitment with ledger root r, anchored at a, with the given
// children (their children root) and report.
func chainCommitment(t *testing.T, path []uint8, r, a uint64, kids []subtree.ChildOpening, finalized fr.Element, report subtree.Report) commitment.Commitment {
	root, err := subtree.ChildrenRootOf(kids)
	require.NoError(t, err)
	return commitment.Commitment{Vid: commitment.MustPackVid(path), LedgerRoot: hash.Uint64(r), OutboxRoot: hash.Uint64(r + 1), ReceiptRoot: hash.Uint64(r + 2),
		ChildrenRoot: root, FinalizedChildrenRoot: finalized, AnchorHeight: a, AnchorCommitment: hash.Uint64(1000 + a),
		AcceptanceDigest: report.Digest(), OperatorKeyHash: hash.Uint64(77), Epoch: 2}
}

// leafOpening is leaf chain path's commitment with ledger root r at anchor a, opened as child
// index of its parent.
func leafOpening(t *testing.T, path []uint8, r, a uint64) subtree.ChildOpening {
	report := subtree.Report{{Height: a, Count: 1}}
	empty := commitment.EmptyChildrenRoot()
	return subtree.ChildOpening{Index: path[len(path)-1], Commitment: chainCommitment(t, path, r, a, nil, empty, report), Report: report}
}

// nodeFixture is chain 1 whose child 1-2 has children 1-2-1 and 1-2-3 (leaves). 1-2's accepted
// update moves its ledger by two batches (claims), its anchor from 5 to 7, and its children root
// by the two leaf steps of 1-2-3's update (two batches, anchor 3 to 6) that 1-2 accepted and
// carried.
type nodeFixture struct {
	held      *commitment.ChildrenTree // chain 1's children as its parent holds them
	heldRoot  fr.Element
	move      childMove
	src       nodeSource
	prev      commitment.Commitment
	next      commitment.Commitment
	histogram subtree.Report
	ggUpdate  *validiumtypes.MsgSubmitUpdate // 1-2-3's update to 1-2
}

func newNodeFixture(t *testing.T) nodeFixture {
	t.Helper()
	return nodeFixtureWith(t, hash.Uint64(555), hash.Uint64(555))
}

// nodeFixtureWith is newNodeFixture with 1-2's finalized children roots before and after its
// update.
func nodeFixtureWith(t *testing.T, finalized, finalizedNext fr.Element) nodeFixture {
	t.Helper()
	gg1 := leafOpening(t, []uint8{1, 2, 1}, 10, 4)
	gg3 := leafOpening(t, []uint8{1, 2, 3}, 30, 3)
	gg3mid, gg3next := leafOpening(t, []uint8{1, 2, 3}, 31, 6), leafOpening(t, []uint8{1, 2, 3}, 32, 6)
	before := []subtree.ChildOpening{gg3, gg1} // any order: the builder sorts them
	prevReport := subtree.Report{{Height: 3, Count: 1}, {Height: 4, Count: 1}, {Height: 5, Count: 1}}
	prev := chainCommitment(t, []uint8{1, 2}, 100, 5, before, finalized, prevReport)
	histogram := subtree.Report{{Height: 4, Count: 1}, {Height: 6, Count: 1}, {Height: 7, Count: 1}}
	next := chainCommitment(t, []uint8{1, 2}, 200, 7, []subtree.ChildOpening{gg1, gg3next}, finalizedNext, histogram)

	// 1-2-3's update to 1-2, and the leaf steps 1-2 carried for it
	ggMsg := update(t, 3, &gg3.Commitment, gg3next.Commitment, [][]fr.Element{{}, {}}, gg3mid.Commitment)
	ggMsg.Histogram = histogramProto(gg3next.Report)
	var steps []validiumtypes.SubtreeStep
	for _, kids := range [][]subtree.ChildOpening{{gg1, gg3mid}, {gg1, gg3next}} {
		root, err := subtree.ChildrenRootOf(kids)
		require.NoError(t, err)
		c := kids[1].Commitment
		steps = append(steps, validiumtypes.SubtreeStep{Kind: subtree.KindLeaf, Index: 3, RootAfter: hash.EncodeElement(root),
			Leaf: hash.EncodeElement(c.Hash()), AnchorHeight: c.AnchorHeight, Proof: someCommittedProof(t)})
	}

	mid := next // after 1-2's first batch
	mid.LedgerRoot, mid.OutboxRoot, mid.ReceiptRoot = hash.Uint64(150), hash.Uint64(151), hash.Uint64(152)
	msg := update(t, 2, &prev, next, [][]fr.Element{{hash.Uint64(501)}, {hash.Uint64(502)}}, mid)
	msg.Histogram, msg.Steps = histogramProto(histogram), steps

	held, err := commitment.NewChildrenTree(smt.NewMemStore())
	require.NoError(t, err)
	require.NoError(t, held.SetChild(1, leafCommitment(11, 1, 2).Hash()))
	require.NoError(t, held.SetChild(2, prev.Hash()))
	heldRoot, err := held.Root()
	require.NoError(t, err)
	leaves := map[fr.Element]subtree.ChildOpening{}
	require.NoError(t, addLeaves(leaves, ggMsg))
	return nodeFixture{
		held: held, heldRoot: heldRoot, prev: prev, next: next, histogram: histogram, ggUpdate: ggMsg,
		move: childMove{height: 10, prev: &prev, inbox: hash.Uint64(9), msg: msg},
		src:  nodeSource{before: before, leaves: leaves},
	}
}

// checkNodeWitness checks a node step's witness as its circuit does, natively: the children
// it opens rebuild its new children root with reports that are their commitments' digests,
// its report passes the node rule and is its new digest, the move keeps what the kind keeps,
// and a child step's inner statement is the one the circuit recomputes (over a forced leaf step,
// with the growth of its parent outbox into the child's outbox the step keeps).
func checkNodeWitness(t *testing.T, st nodeStep) {
	t.Helper()
	var old, next commitment.Commitment
	var kids []subtree.ChildOpening
	var report subtree.Report
	switch w := st.w.(type) {
	case subtree.NodeLedgerStepWitness:
		old, next, kids, report = w.Move.Old, w.Move.New, w.Children, w.Report
		require.False(t, w.Move.First)
		require.Equal(t, old.ChildrenRoot, next.ChildrenRoot, "a ledger step keeps the children")
		require.Equal(t, old.FinalizedChildrenRoot, next.FinalizedChildrenRoot)
		require.GreaterOrEqual(t, next.AnchorHeight, old.AnchorHeight)
	case subtree.NodeChildStepWitness:
		old, next, kids, report = w.Old, w.New, w.Children, w.Report
		for _, eq := range [][2]fr.Element{{old.LedgerRoot, next.LedgerRoot}, {old.OutboxRoot, next.OutboxRoot}, {old.ReceiptRoot, next.ReceiptRoot},
			{old.AnchorCommitment, next.AnchorCommitment}} {
			require.Equal(t, eq[0], eq[1], "a child step keeps the ledger and anchor")
		}
		checkFinality(t, w)
		require.Equal(t, old.AnchorHeight, next.AnchorHeight)
		require.Contains(t, []uint64{subtree.KindLeaf, subtree.KindLeafFirst, subtree.KindLeafForced}, w.Inner.Kind)
		if w.Inner.Kind == subtree.KindLeafForced {
			require.NotNil(t, w.Growth, "a step over a forced leaf step proves its outbox growth")
			require.NoError(t, smt.VerifyAccumulatorGrowth(w.Inner.ParentOutbox, next.OutboxRoot, len(w.Growth.Siblings), *w.Growth))
			require.Equal(t, uint64(subtree.KindNodeChildForced), w.Public().Kind)
		} else {
			require.Nil(t, w.Growth)
			require.Equal(t, fr.Element{}, w.Inner.ParentOutbox)
			require.Equal(t, uint64(subtree.KindNodeChild), w.Public().Kind)
		}
		vid, err := subtree.ChildVid(old.Vid, w.Inner.Index)
		require.NoError(t, err)
		require.Equal(t, vid, w.Inner.ChildVid)
		require.Equal(t, old.ChildrenRoot, w.Inner.RootBefore)
		require.Equal(t, next.ChildrenRoot, w.Inner.RootAfter)
		require.LessOrEqual(t, w.Inner.AnchorHeight, next.AnchorHeight)
		var held *subtree.ChildOpening
		for i := range kids {
			if kids[i].Index == w.Inner.Index {
				held = &kids[i]
			}
		}
		require.NotNil(t, held, "the inner step's grandchild is a present child")
		require.Equal(t, held.Commitment.Hash(), w.Inner.Leaf)
		require.Equal(t, held.Commitment.AnchorCommitment, w.Inner.AnchorCommitment)
		_, err = prover.EncodeProof(w.InnerProof)
		require.NoError(t, err)
	default:
		t.Fatalf("a node step witness of type %T", st.w)
	}
	require.Equal(t, next, st.new)
	require.Equal(t, report, st.report)
	require.Equal(t, old.Vid, next.Vid)
	require.Equal(t, old.OperatorKeyHash, next.OperatorKeyHash)
	require.Equal(t, old.Epoch, next.Epoch)
	root, err := subtree.ChildrenRootOf(kids)
	require.NoError(t, err)
	require.Equal(t, next.ChildrenRoot, root, "all children opened")
	reports := make([]subtree.Report, len(kids))
	for i, k := range kids {
		require.Equal(t, k.Commitment.AcceptanceDigest, k.Report.Digest())
		reports[i] = k.Report
	}
	require.NoError(t, subtree.CheckNodeReport(next.AnchorHeight, report, reports, nodeShape.MaxBuckets))
	require.Equal(t, next.AcceptanceDigest, report.Digest())
}

// checkFinality checks a node child step's finalized children roots as its circuit does: kept
// without a finality move, else moved at the inner step's index from the leaf Old holds to the
// commitment the inner move replaced, which Old's children root held there.
func checkFinality(t *testing.T, w subtree.NodeChildStepWitness) {
	t.Helper()
	f := w.Finality
	if !f.Finalize {
		require.Equal(t, w.Old.FinalizedChildrenRoot, w.New.FinalizedChildrenRoot, "no finality move keeps the finalized children")
		return
	}
	idx := uint64(w.Inner.Index)
	replaced := smt.LeafHash(commitment.ChildLeaf(w.Inner.Index, f.Replaced))
	require.Contains(t, []uint64{subtree.KindLeaf, subtree.KindLeafForced}, w.Inner.Kind, "a move, not a first step")
	require.Equal(t, w.Old.ChildrenRoot, smt.ComputeRoot(replaced, idx, f.ChildSiblings))
	require.Equal(t, w.New.ChildrenRoot, smt.ComputeRoot(smt.LeafHash(commitment.ChildLeaf(w.Inner.Index, w.Inner.Leaf)), idx, f.ChildSiblings))
	require.Equal(t, w.Old.FinalizedChildrenRoot, smt.ComputeRoot(smt.LeafHash(f.Previous), idx, f.FinalizedSiblings))
	require.Equal(t, w.New.FinalizedChildrenRoot, smt.ComputeRoot(replaced, idx, f.FinalizedSiblings))
}

// finalityFixture is the node fixture where 1-2's update also finalizes 1-2-3's commitment its
// first carried step replaces (1-2-1's finalized before), with 1-2's finalized children roots
// before and after.
func finalityFixture(t *testing.T) (nodeFixture, fr.Element, fr.Element) {
	t.Helper()
	gg1 := leafOpening(t, []uint8{1, 2, 1}, 10, 4)
	gg3 := leafOpening(t, []uint8{1, 2, 3}, 30, 3)
	fin, err := commitment.NewChildrenTree(smt.NewMemStore())
	require.NoError(t, err)
	require.NoError(t, fin.SetChild(1, gg1.Commitment.Hash()))
	before, err := fin.Root()
	require.NoError(t, err)
	require.NoError(t, fin.SetChild(3, gg3.Commitment.Hash()))
	after, err := fin.Root()
	require.NoError(t, err)
	f := nodeFixtureWith(t, before, after)
	f.src.finalizedBefore = map[uint8]fr.Element{1: gg1.Commitment.Hash()}
	f.src.finalizedAfter = map[uint8]fr.Element{1: gg1.Commitment.Hash(), 3: gg3.Commitment.Hash()}
	return f, before, after
}

// TestNodeMoveFinality: when 1-2's update finalizes 1-2-3's commitment that the update's first
// carried step replaced (x/acceptance finalizes a leaf's commitment once its successor arrives
// at a later root height), that node child step carries the finality move and the second does
// not; a finalized commitment no step of the update replaced is refused.
func TestNodeMoveFinality(t *testing.T) {
	gg1 := leafOpening(t, []uint8{1, 2, 1}, 10, 4)
	gg3 := leafOpening(t, []uint8{1, 2, 3}, 30, 3)
	gg3mid := leafOpening(t, []uint8{1, 2, 3}, 31, 6)
	f, before, after := finalityFixture(t)
	steps, err := nodeMoveWitnesses(f.held, f.move, f.src, nodeShape)
	require.NoError(t, err)
	require.Len(t, steps, 4)
	for _, st := range steps {
		checkNodeWitness(t, st)
	}
	first, second := steps[2].w.(subtree.NodeChildStepWitness), steps[3].w.(subtree.NodeChildStepWitness)
	require.True(t, first.Finality.Finalize, "the step replacing 1-2-3's finalized commitment moves it")
	require.Equal(t, gg3.Commitment.Hash(), first.Finality.Replaced)
	require.Equal(t, after, first.New.FinalizedChildrenRoot)
	require.False(t, second.Finality.Finalize, "1-2-3's intermediate commitment is never finalized")
	require.Equal(t, f.next, steps[3].new)

	f = nodeFixtureWith(t, before, after)
	f.src.finalizedBefore = map[uint8]fr.Element{1: gg1.Commitment.Hash()}
	f.src.finalizedAfter = map[uint8]fr.Element{1: gg1.Commitment.Hash(), 3: gg3mid.Commitment.Hash()}
	_, err = nodeMoveWitnesses(f.held, f.move, f.src, nodeShape)
	require.ErrorIs(t, err, errUnprovableMove, "the finalized children say 1-2-3's intermediate commitment, which the update's finalized root does not hold")

	f = nodeFixtureWith(t, before, after)
	f.src.finalizedBefore = map[uint8]fr.Element{} // does not rebuild the previous finalized root
	f.src.finalizedAfter = map[uint8]fr.Element{1: gg1.Commitment.Hash(), 3: gg3.Commitment.Hash()}
	_, err = nodeMoveWitnesses(f.held, f.move, f.src, nodeShape)
	require.ErrorContains(t, err, "do not rebuild its finalized children root")
}

// TestNodeMoveWitnesses: a grandchild that has children moves by one node ledger step per
// batch then one node child step per leaf step its update carried, over synthetic commitments
// and reports the node rule accepts, chained from the held children root exactly as the
// parent's checker chains steps, ending at the update's commitment and histogram.
func TestNodeMoveWitnesses(t *testing.T) {
	f := newNodeFixture(t)
	steps, err := nodeMoveWitnesses(f.held, f.move, f.src, nodeShape)
	require.NoError(t, err)
	require.Len(t, steps, 4, "two batches, two carried steps")
	kinds := []uint64{subtree.KindNodeLedger, subtree.KindNodeLedger, subtree.KindNodeChild, subtree.KindNodeChild}
	before := f.heldRoot
	for i, st := range steps {
		checkNodeWitness(t, st)
		pub := st.w.Public()
		require.Equal(t, kinds[i], pub.Kind, "step %d", i)
		require.Equal(t, uint8(2), pub.Index)
		require.Equal(t, f.prev.Vid, pub.ChildVid)
		require.Equal(t, before, pub.RootBefore, "step %d chains", i)
		require.Equal(t, st.new.Hash(), pub.Leaf)
		require.Equal(t, uint64(7), pub.AnchorHeight, "only the first batch moves the anchor; all share it")
		before = pub.RootAfter
	}
	got, err := f.held.Root()
	require.NoError(t, err)
	require.Equal(t, got, before, "the tree ends where the last step does")
	require.Equal(t, f.next, steps[3].new, "the last step reaches the update's commitment")
	require.Equal(t, f.histogram, steps[3].report)

	ledger0 := steps[0].w.(subtree.NodeLedgerStepWitness)
	require.Equal(t, f.prev, ledger0.Move.Old)
	require.Equal(t, f.move.inbox, ledger0.Move.InboxOld)
	require.Equal(t, []fr.Element{hash.Uint64(501)}, ledger0.Move.Claims)
	require.Equal(t, subtree.Report{{Height: 3, Count: 1}, {Height: 4, Count: 1}, {Height: 7, Count: 1}}, steps[0].report,
		"the synthetic report: the update at 7 and the children held before")
	ledger1 := steps[1].w.(subtree.NodeLedgerStepWitness)
	require.Equal(t, ledger.InboxLink(f.move.inbox, hash.Uint64(501), ledger.SourceClaim), ledger1.Move.InboxOld)
	child0 := steps[2].w.(subtree.NodeChildStepWitness)
	require.Equal(t, uint8(3), child0.Inner.Index)
	require.Equal(t, uint64(subtree.KindLeaf), child0.Inner.Kind)
	require.Equal(t, hash.Uint64(31), child0.Children[1].Commitment.LedgerRoot, "1-2-3's intermediate commitment")

	// the messages carry each node step's commitment and report; a leaf step's carry none
	msg := stepMessage(plannedStep{w: steps[3].w, pub: steps[3].w.Public(), node: &steps[3]}, []byte("proof"))
	require.Equal(t, slushtypes.NewCommitmentFields(f.next), *msg.Commitment)
	require.Equal(t, f.move.msg.Histogram, msg.Report)
	require.Equal(t, uint32(subtree.KindNodeChild), msg.Kind)
	leafMsg := stepMessage(plannedStep{pub: subtree.StepPublic{Kind: subtree.KindLeaf}}, []byte("proof"))
	require.Nil(t, leafMsg.Commitment)
	require.Empty(t, leafMsg.Report)
}

// TestNodeMoveWitnessesShapes: an update with batches only is ledger steps ending at its
// commitment; one without a batch (its anchor unmoved) is child steps only; a first step of a
// grandchild's child is a child step over kind 2.
func TestNodeMoveWitnessesShapes(t *testing.T) {
	t.Run("batches only", func(t *testing.T) {
		f := newNodeFixture(t)
		next := f.prev
		next.LedgerRoot, next.AnchorHeight, next.AnchorCommitment = hash.Uint64(300), 8, hash.Uint64(1008)
		report, err := synthReport(8, f.src.before, nodeShape.MaxBuckets)
		require.NoError(t, err)
		next.AcceptanceDigest = report.Digest()
		f.move.msg = update(t, 2, &f.prev, next, [][]fr.Element{{}})
		f.move.msg.Histogram = histogramProto(report)
		steps, err := nodeMoveWitnesses(f.held, f.move, f.src, nodeShape)
		require.NoError(t, err)
		require.Len(t, steps, 1)
		checkNodeWitness(t, steps[0])
		require.Equal(t, next, steps[0].new)
	})
	t.Run("steps only, and a first step below", func(t *testing.T) {
		f := newNodeFixture(t)
		gg2 := leafOpening(t, []uint8{1, 2, 2}, 20, 5) // 1-2-2's first commitment, anchored at 1-2's anchor
		kids := append(sortedOpenings(f.src.before), gg2)
		root, err := subtree.ChildrenRootOf(kids)
		require.NoError(t, err)
		next := f.prev
		next.ChildrenRoot = root
		report := subtree.Report{{Height: 3, Count: 1}, {Height: 4, Count: 1}, {Height: 5, Count: 2}}
		next.AcceptanceDigest = report.Digest()
		f.move.msg = &validiumtypes.MsgSubmitUpdate{ChildIndex: 2, NewCommitment: slushtypes.NewCommitmentFields(next), Histogram: histogramProto(report),
			Steps: []validiumtypes.SubtreeStep{{Kind: subtree.KindLeafFirst, Index: 2, RootAfter: hash.EncodeElement(root),
				Leaf: hash.EncodeElement(gg2.Commitment.Hash()), AnchorHeight: 5, Proof: someCommittedProof(t)}}}
		f.src.leaves[gg2.Commitment.Hash()] = gg2
		steps, err := nodeMoveWitnesses(f.held, f.move, f.src, nodeShape)
		require.NoError(t, err)
		require.Len(t, steps, 1)
		checkNodeWitness(t, steps[0])
		w := steps[0].w.(subtree.NodeChildStepWitness)
		require.Equal(t, uint64(subtree.KindLeafFirst), w.Inner.Kind)
		require.Equal(t, next, w.New)
	})
}

// TestNodeMoveRefusals: every move no node step proves is refused with errUnprovableMove, and
// every witness the circuit would refuse is an error before any proving.
func TestNodeMoveRefusals(t *testing.T) {
	reencode := func(m *validiumtypes.MsgSubmitUpdate, edit func(*commitment.Commitment)) {
		c, err := m.NewCommitment.Decode()
		require.NoError(t, err)
		edit(&c)
		m.NewCommitment = slushtypes.NewCommitmentFields(c)
	}
	for _, tc := range []struct {
		name       string
		edit       func(t *testing.T, f *nodeFixture)
		unprovable bool
		err        string
	}{
		{"the grandchild's first commitment", func(t *testing.T, f *nodeFixture) { f.move.prev = nil }, true, "no node first step"},
		{"its finalized children root moved without a child step", func(t *testing.T, f *nodeFixture) {
			f.move.msg.Steps = nil
			reencode(f.move.msg, func(c *commitment.Commitment) { c.FinalizedChildrenRoot = hash.Uint64(556) })
		}, true, "finalized children root moved without a child step"},
		{"neither a batch nor a step", func(t *testing.T, f *nodeFixture) { f.move.msg.Batches, f.move.msg.Steps = nil, nil }, true, "neither a batch nor a step"},
		{"the anchor moved without a batch", func(t *testing.T, f *nodeFixture) { f.move.msg.Batches = nil }, true, "anchor moved without a batch"},
		{"the children root moved without steps", func(t *testing.T, f *nodeFixture) { f.move.msg.Steps = nil }, true, "without steps"},
		{"a node step below the grandchild", func(t *testing.T, f *nodeFixture) { f.move.msg.Steps[0].Kind = subtree.KindNodeLedger }, true, "child steps over node steps"},
		{"a forced entry", func(t *testing.T, f *nodeFixture) { f.move.msg.InboxEntries[0].Source = uint32(ledger.SourceForced) }, true, "forced entry that is not opened"},
		{"an exit entry", func(t *testing.T, f *nodeFixture) { f.move.msg.InboxEntries[0].Source = uint32(ledger.SourceExit) }, true, "source exit that is not opened"},
		{"a transfer batch", func(t *testing.T, f *nodeFixture) { f.move.msg.Batches[1].Transfer = true }, true, "transfer circuit"},
		{"a step's commitment unknown", func(t *testing.T, f *nodeFixture) { f.src.leaves = nil }, false, "is not known"},
		{"a step beyond max children", func(t *testing.T, f *nodeFixture) { f.move.msg.Steps[0].Index = 4 }, false, "not in 1..3"},
		{"a step's root after not its children", func(t *testing.T, f *nodeFixture) {
			f.move.msg.Steps[0].RootAfter = f.move.msg.Steps[1].RootAfter
		}, false, "children after the step"},
		{"a step's anchor not its commitment's", func(t *testing.T, f *nodeFixture) { f.move.msg.Steps[1].AnchorHeight = 5 }, false, "anchored at 5"},
		{"a first step of a child the children root holds", func(t *testing.T, f *nodeFixture) { f.move.msg.Steps[0].Kind = subtree.KindLeafFirst }, false, "a step of kind 2 for child 3"},
		{"a child anchored after the grandchild", func(t *testing.T, f *nodeFixture) {
			late := leafOpening(t, []uint8{1, 2, 3}, 33, 8)
			f.src.leaves[late.Commitment.Hash()] = late
			f.move.msg.Steps[1].Leaf, f.move.msg.Steps[1].AnchorHeight = hash.EncodeElement(late.Commitment.Hash()), 8
		}, false, "after the grandchild's 7"},
		{"a child held before opened with another report", func(t *testing.T, f *nodeFixture) {
			f.src.before = append([]subtree.ChildOpening(nil), f.src.before...)
			f.src.before[1].Report = subtree.Report{{Height: 4, Count: 2}}
		}, false, "not its commitment's acceptance digest"},
		{"a child held before left out", func(t *testing.T, f *nodeFixture) { f.src.before = f.src.before[:1] }, false, "rebuild the children root"},
		{"an inflated report", func(t *testing.T, f *nodeFixture) {
			inflated := subtree.Report{{Height: 4, Count: 1}, {Height: 6, Count: 1}, {Height: 7, Count: 2}}
			f.move.msg.Histogram = histogramProto(inflated)
			reencode(f.move.msg, func(c *commitment.Commitment) { c.AcceptanceDigest = inflated.Digest() })
		}, false, "invalid node report"},
		{"a histogram that is not the commitment's digest", func(t *testing.T, f *nodeFixture) {
			f.move.msg.Histogram = histogramProto(subtree.Report{{Height: 6, Count: 2}, {Height: 7, Count: 1}})
		}, false, "is not the update's"},
		{"a child report after the grandchild's anchor", func(t *testing.T, f *nodeFixture) {
			f.move.msg.Batches = nil
			reencode(f.move.msg, func(c *commitment.Commitment) {
				c.AnchorHeight, c.AnchorCommitment, c.LedgerRoot, c.OutboxRoot, c.ReceiptRoot = 5, f.prev.AnchorCommitment, f.prev.LedgerRoot, f.prev.OutboxRoot, f.prev.ReceiptRoot
			})
		}, false, "after the grandchild's 5"},
		{"a shape the circuits cannot hold", func(t *testing.T, f *nodeFixture) { f.move.msg.ChildIndex = 0 }, false, "child index 0"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newNodeFixture(t)
			m := *f.move.msg
			m.Steps = append([]validiumtypes.SubtreeStep(nil), m.Steps...)
			m.Batches = append([]validiumtypes.LedgerBatch(nil), m.Batches...)
			m.InboxEntries = append([]validiumtypes.InboxEntry(nil), m.InboxEntries...)
			f.move.msg = &m
			tc.edit(t, &f)
			_, err := nodeMoveWitnesses(f.held, f.move, f.src, nodeShape)
			requireRefused(t, err, tc.err, tc.unprovable)
		})
	}
}

// TestAddLeaves: a leaf child's update opens its new commitment with its histogram and each
// intermediate commitment (one per batch) with its one-bucket report, each the preimage its leaf
// step states; a node child's update opens only its new commitment.
func TestAddLeaves(t *testing.T) {
	f := newNodeFixture(t)
	leaves := map[fr.Element]subtree.ChildOpening{}
	require.NoError(t, addLeaves(leaves, f.ggUpdate))
	require.Len(t, leaves, 2, "the intermediate and the new commitment (the last batch ends at it)")
	for h, o := range leaves {
		require.Equal(t, h, o.Commitment.Hash())
		require.Equal(t, uint8(3), o.Index)
		require.Equal(t, o.Commitment.AcceptanceDigest, o.Report.Digest())
	}
	node := map[fr.Element]subtree.ChildOpening{}
	require.NoError(t, addLeaves(node, f.move.msg))
	require.Len(t, node, 1)
	require.Equal(t, f.histogram, node[f.next.Hash()].Report)
}

// TestNodeKeys: node steps are planned only with keys_dir's keys and exactly the parent's.
func TestNodeKeys(t *testing.T) {
	a, b := []byte("key a"), []byte("key b")
	for _, tc := range []struct {
		name                string
		params              validiumtypes.Params
		ledgerVK, childVK   []byte
		ledgerErr, childErr string
	}{
		{"both match", validiumtypes.Params{NodeLedgerStepKey: a, NodeChildStepKey: b}, a, b, "", ""},
		{"none in keys_dir", validiumtypes.Params{NodeLedgerStepKey: a, NodeChildStepKey: b}, nil, nil, "no node-ledger-step.pk/.vk", "no node-child-step.pk/.vk"},
		{"the parent has none", validiumtypes.Params{}, a, b, "has no node_ledger_step_key", "has no node_child_step_key"},
		{"other keys", validiumtypes.Params{NodeLedgerStepKey: b, NodeChildStepKey: a}, a, b, "not keys_dir/node-ledger-step.vk", "not keys_dir/node-child-step.vk"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ledgerErr, childErr := nodeKeys(tc.params, tc.ledgerVK, tc.childVK)
			for _, c := range []struct {
				err  error
				want string
			}{{ledgerErr, tc.ledgerErr}, {childErr, tc.childErr}} {
				if c.want == "" {
					require.NoError(t, c.err)
					continue
				}
				require.ErrorIs(t, c.err, errUnprovableMove)
				require.ErrorContains(t, c.err, c.want)
			}
		})
	}
}

// TestHasChildren: a move is a node's when either commitment holds children or finalized
// children.
func TestHasChildren(t *testing.T) {
	leaf := leafCommitment(1, 1, 1)
	node := leaf
	node.ChildrenRoot = hash.Uint64(5)
	finalizedOnly := leaf
	finalizedOnly.FinalizedChildrenRoot = hash.Uint64(5)
	require.False(t, hasChildren(nil, leaf))
	require.False(t, hasChildren(&leaf, leaf))
	require.True(t, hasChildren(nil, node))
	require.True(t, hasChildren(&node, leaf))
	require.True(t, hasChildren(&leaf, finalizedOnly))
}

// TestSynthReport: an intermediate commitment's report is x/acceptance's merge of its own
// update and its children's reports, capped at max buckets, and passes the node rule.
func TestSynthReport(t *testing.T) {
	kids := []subtree.ChildOpening{
		{Report: subtree.Report{{Height: 1, Count: 1}, {Height: 3, Count: 2}}},
		{Report: subtree.Report{{Height: 2, Count: 1}, {Height: 3, Count: 1}, {Height: 6, Count: 1}}},
	}
	r, err := synthReport(7, kids, 4)
	require.NoError(t, err)
	require.Equal(t, subtree.Report{{Height: 1, Count: 1}, {Height: 2, Count: 1}, {Height: 3, Count: 4}, {Height: 7, Count: 1}}, r)
	require.NoError(t, subtree.CheckNodeReport(7, r, reportsOf(kids), 4))
	h, err := acceptancetypes.Histogram{{Height: 7, Count: 1}}.Merge(validiumtypes.HistogramOf(kids[0].Report), validiumtypes.HistogramOf(kids[1].Report)).CapBuckets(4)
	require.NoError(t, err)
	require.Equal(t, validiumtypes.HistogramOf(r), h)
	_, err = synthReport(7, kids, 1)
	require.Error(t, err, "a cap below two buckets")
}

// fakeChain is a chain's records as nodeChain reads them.
type fakeChain struct {
	commitments map[string]treetypes.OwnCommitment
	children    map[int64][]validiumtypes.Child
	updates     []chainclient.AcceptedUpdate
	deregs      []chainclient.Deregistration // in execution order
	reports     map[int64]subtree.Report     // by block
	read        [][2]int64                   // the AcceptedUpdates ranges read
	finalized   map[int64]map[uint32][]byte
}

func (f *fakeChain) Finalized(_ context.Context, index uint32, h int64) (*acceptancetypes.QueryFinalizedResponse, error) {
	c, ok := f.finalized[h][index]
	if !ok {
		return &acceptancetypes.QueryFinalizedResponse{}, nil
	}
	return &acceptancetypes.QueryFinalizedResponse{Found: true, Hash: acceptancetypes.StoredHash{Commitment: c}}, nil
}

func (f *fakeChain) CommitmentByHash(_ context.Context, h []byte, _ int64) (treetypes.OwnCommitment, error) {
	rec, ok := f.commitments[string(h)]
	if !ok {
		return treetypes.OwnCommitment{}, sdkerrors.ErrKeyNotFound
	}
	return rec, nil
}

func (f *fakeChain) Children(_ context.Context, h int64) ([]validiumtypes.Child, error) {
	return f.children[h], nil
}

func (f *fakeChain) AcceptedUpdates(_ context.Context, from, to int64) ([]chainclient.AcceptedUpdate, error) {
	f.read = append(f.read, [2]int64{from, to})
	var out []chainclient.AcceptedUpdate
	for _, u := range f.updates {
		if u.Height >= from && u.Height <= to {
			out = append(out, u)
		}
	}
	return out, nil
}

func (f *fakeChain) Commitment(_ context.Context, h, _ int64) (treetypes.OwnCommitment, error) {
	var latest treetypes.OwnCommitment
	for _, rec := range f.commitments {
		if rec.Height == h {
			return rec, nil
		}
		if rec.Height > latest.Height {
			latest = rec
		}
	}
	if h == 0 && latest.Height > 0 {
		return latest, nil
	}
	return treetypes.OwnCommitment{}, sdkerrors.ErrKeyNotFound
}

func (f *fakeChain) AcceptedUpdateByCommitment(_ context.Context, idx uint32, h []byte) (chainclient.AcceptedUpdate, error) {
	for _, u := range f.updates {
		next, err := u.Msg.NewCommitment.Decode()
		if err == nil && u.Msg.ChildIndex == idx && bytes.Equal(hash.EncodeElement(next.Hash()), h) {
			return u, nil
		}
	}
	return chainclient.AcceptedUpdate{}, chainclient.ErrUpdateNotFound
}

func (f *fakeChain) Deregistrations(_ context.Context, from, to int64) ([]chainclient.Deregistration, error) {
	var out []chainclient.Deregistration
	for _, d := range f.deregs {
		if d.Height >= from && d.Height <= to {
			out = append(out, d)
		}
	}
	return out, nil
}

func (f *fakeChain) SubtreeReport(_ context.Context, anchor uint64, h int64) (acceptancetypes.SubtreeReport, error) {
	r, ok := f.reports[h]
	if !ok {
		return acceptancetypes.SubtreeReport{}, sdkerrors.ErrKeyNotFound
	}
	return acceptancetypes.SubtreeReport{Height: anchor, Histogram: histogramProto(r)}, nil
}

// record is c as its chain records it at block h.
func (f *fakeChain) record(c commitment.Commitment, h int64) {
	if f.commitments == nil {
		f.commitments = map[string]treetypes.OwnCommitment{}
	}
	key := hash.EncodeElement(c.Hash())
	f.commitments[string(key)] = treetypes.OwnCommitment{Height: h, Commitment: key, Fields: slushtypes.NewCommitmentFields(c)}
}

// nodeChains are the chains of the node fixture: 1-2 (its commitment before the update at block
// 20, the update's at 25, 1-2-3's update accepted at 23 between updates at 19 and 26 of another
// range) and its children 1-2-1 and 1-2-3 (their commitments held at 20, at blocks 8 and 7).
func nodeChains(t *testing.T, f nodeFixture) (*fakeChain, map[uint8]*fakeChain) {
	g := &fakeChain{children: map[int64][]validiumtypes.Child{}}
	g.record(f.prev, 20)
	g.record(f.next, 25)
	for _, o := range f.src.before {
		g.children[20] = append(g.children[20], validiumtypes.Child{Index: uint32(o.Index), LatestCommitment: hash.EncodeElement(o.Commitment.Hash())})
	}
	g.children[20] = append(g.children[20], validiumtypes.Child{Index: 2}) // registered, never updated
	other := *f.ggUpdate
	other.ChildIndex = 2
	g.updates = []chainclient.AcceptedUpdate{{Height: 19, Msg: &other}, {Height: 23, Msg: f.ggUpdate}, {Height: 26, Msg: &other}}
	kids := map[uint8]*fakeChain{}
	for i, o := range f.src.before {
		h := int64(7 + i)
		kid := &fakeChain{reports: map[int64]subtree.Report{h: o.Report}}
		kid.record(o.Commitment, h)
		kids[o.Index] = kid
	}
	return g, kids
}

// acceptedOpening is the update g accepted (at block 5, before the fixture's ranges) that made
// the commitment of child idx among before, carrying report (its own when nil).
func acceptedOpening(t *testing.T, before []subtree.ChildOpening, idx uint8, report subtree.Report) chainclient.AcceptedUpdate {
	t.Helper()
	for _, o := range before {
		if o.Index != idx {
			continue
		}
		if report == nil {
			report = o.Report
		}
		fields := slushtypes.NewCommitmentFields(o.Commitment)
		return chainclient.AcceptedUpdate{Height: 5, Msg: &validiumtypes.MsgSubmitUpdate{ChildIndex: uint32(idx), NewCommitment: fields, Histogram: histogramProto(report)}}
	}
	t.Fatalf("no child %d", idx)
	return chainclient.AcceptedUpdate{}
}

// TestReadNodeSource: a grandchild's node steps read its children at its previous commitment's
// block, each opened on its own chain with the report it made, and the child updates it accepted
// after that block up to its updated commitment's; a child whose own chain is not served is
// opened from the update the grandchild accepted; what does not match the hashes and digests is
// refused.
func TestReadNodeSource(t *testing.T) {
	ctx := context.Background()
	f := newNodeFixture(t)
	lookup := func(kids map[uint8]*fakeChain) chainLookup {
		return func(idx uint8) (nodeChain, error) {
			if k, ok := kids[idx]; ok {
				return k, nil
			}
			return nil, fmt.Errorf("child %d is not served", idx)
		}
	}
	g, kids := nodeChains(t, f)
	src, err := readNodeSource(ctx, g, lookup(kids), f.move, ledger.EmptyRoots(stepParams))
	require.NoError(t, err)
	require.Equal(t, [][2]int64{{21, 25}}, g.read, "the updates accepted after the held block, up to the update's")
	require.ElementsMatch(t, f.src.before, src.before)
	require.Equal(t, f.src.leaves, src.leaves)
	steps, err := nodeMoveWitnesses(f.held, f.move, src, nodeShape)
	require.NoError(t, err)
	require.Len(t, steps, 4)

	// a stopped child: its commitment and report come from the update g accepted (DESIGN §8)
	g, kids = nodeChains(t, f)
	g.updates = append(g.updates, acceptedOpening(t, f.src.before, 3, nil))
	delete(kids, 3)
	src, err = readNodeSource(ctx, g, lookup(kids), f.move, ledger.EmptyRoots(stepParams))
	require.NoError(t, err, "child 3 opened from g's accepted update, its own chain not served")
	require.ElementsMatch(t, f.src.before, src.before)

	for _, tc := range []struct {
		name string
		edit func(g *fakeChain, kids map[uint8]*fakeChain)
		err  string
	}{
		{"a child's report not its digest", func(_ *fakeChain, kids map[uint8]*fakeChain) {
			for h := range kids[1].reports {
				kids[1].reports[h] = subtree.Report{{Height: 4, Count: 2}}
			}
		}, "does not match its commitment's acceptance digest"},
		{"a child's report pruned", func(_ *fakeChain, kids map[uint8]*fakeChain) { kids[3].reports = nil }, "report at"},
		{"a child's commitment pruned", func(_ *fakeChain, kids map[uint8]*fakeChain) { kids[3].commitments = nil }, "child 3: commitment"},
		{"a child's record of other fields", func(_ *fakeChain, kids map[uint8]*fakeChain) {
			for k, rec := range kids[1].commitments {
				rec.Fields.AnchorHeight++
				kids[1].commitments[k] = rec
			}
		}, "hashes to"},
		{"a child not served", func(_ *fakeChain, kids map[uint8]*fakeChain) { delete(kids, 3) }, "child 3 is not served"},
		{"a child's update on g of another report", func(g *fakeChain, kids map[uint8]*fakeChain) {
			g.updates = append(g.updates, acceptedOpening(t, f.src.before, 3, subtree.Report{{Height: 4, Count: 9}}))
			delete(kids, 3)
		}, "does not match its commitment's acceptance digest"},
		{"the previous commitment pruned", func(g *fakeChain, _ map[uint8]*fakeChain) {
			delete(g.commitments, string(hash.EncodeElement(f.prev.Hash())))
		}, "the commitment before its update"},
		{"the updated commitment unknown", func(g *fakeChain, _ map[uint8]*fakeChain) {
			delete(g.commitments, string(hash.EncodeElement(f.next.Hash())))
		}, "its updated commitment"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g, kids := nodeChains(t, f)
			tc.edit(g, kids)
			_, err := readNodeSource(ctx, g, lookup(kids), f.move, ledger.EmptyRoots(stepParams))
			require.ErrorContains(t, err, tc.err)
		})
	}
}

// firstFixture is the first update of 1-2 (one batch, anchor 5), which already holds 1-2-1 and
// 1-2-3 and carries their first steps, with chain 1's children as its parent holds them and the
// openings of the carried commitments.
type firstFixture struct {
	next   commitment.Commitment
	msg    *validiumtypes.MsgSubmitUpdate
	held   *commitment.ChildrenTree
	leaves map[fr.Element]subtree.ChildOpening
}

func newFirstFixture(t *testing.T) firstFixture {
	t.Helper()
	gg1 := leafOpening(t, []uint8{1, 2, 1}, 10, 4)
	gg3 := leafOpening(t, []uint8{1, 2, 3}, 30, 3)
	report := subtree.Report{{Height: 3, Count: 1}, {Height: 4, Count: 1}, {Height: 5, Count: 1}}
	f := firstFixture{leaves: map[fr.Element]subtree.ChildOpening{}}
	f.next = chainCommitment(t, []uint8{1, 2}, 100, 5, []subtree.ChildOpening{gg1, gg3}, commitment.EmptyChildrenRoot(), report)
	f.msg = update(t, 2, nil, f.next, [][]fr.Element{{hash.Uint64(501)}})
	f.msg.Histogram = histogramProto(report)
	for i, kids := range [][]subtree.ChildOpening{{gg1}, {gg1, gg3}} {
		root, err := subtree.ChildrenRootOf(kids)
		require.NoError(t, err)
		c := kids[i]
		f.leaves[c.Commitment.Hash()] = c
		f.msg.Steps = append(f.msg.Steps, validiumtypes.SubtreeStep{Kind: subtree.KindLeafFirst, Index: uint32(c.Index), RootAfter: hash.EncodeElement(root),
			Leaf: hash.EncodeElement(c.Commitment.Hash()), AnchorHeight: c.Commitment.AnchorHeight, Proof: someCommittedProof(t)})
	}
	var err error
	f.held, err = commitment.NewChildrenTree(smt.NewMemStore())
	require.NoError(t, err)
	require.NoError(t, f.held.SetChild(1, leafCommitment(11, 1, 2).Hash()))
	return f
}

// TestNodeFirstCommitment (a node's first step): the first update of 1-2, which already holds
// 1-2-1 and 1-2-3, is its batch as a leaf first step from the genesis state to a synthetic leaf
// commitment (the update's fields, empty children roots, report {(5, 1)}), then one node child
// step per carried first step of its children, chained from that commitment to the update's.
func TestNodeFirstCommitment(t *testing.T) {
	f := newFirstFixture(t)
	next, msg, held, leaves := f.next, f.msg, f.held, f.leaves
	heldRoot, err := held.Root()
	require.NoError(t, err)

	first, rest, err := splitFirstNodeMove(childMove{height: 10, inbox: hash.Uint64(9), msg: msg})
	require.NoError(t, err)
	ws, err := moveWitnesses(held, first, stepParams)
	require.NoError(t, err)
	require.Len(t, ws, 1)
	require.True(t, ws[0].First)
	leafPub := ws[0].Public()
	require.Equal(t, heldRoot, leafPub.RootBefore)
	require.Equal(t, subtree.LeafReportDigest(5), ws[0].New.AcceptanceDigest, "the synthetic leaf state reports only itself")
	require.Equal(t, commitment.EmptyChildrenRoot(), ws[0].New.ChildrenRoot)
	require.Equal(t, next.LedgerRoot, ws[0].New.LedgerRoot)

	ns, err := nodeMoveWitnesses(held, rest, nodeSource{leaves: leaves}, nodeShape)
	require.NoError(t, err)
	require.Len(t, ns, 2)
	before := leafPub.RootAfter
	for i, st := range ns {
		checkNodeWitness(t, st)
		pub := st.w.Public()
		require.Equal(t, uint64(subtree.KindNodeChild), pub.Kind, "step %d", i)
		require.Equal(t, before, pub.RootBefore, "step %d chains", i)
		require.Equal(t, uint64(subtree.KindLeafFirst), st.w.(subtree.NodeChildStepWitness).Inner.Kind)
		before = pub.RootAfter
	}
	require.Equal(t, ws[0].New, ns[0].w.(subtree.NodeChildStepWitness).Old)
	require.Equal(t, next, ns[1].new, "the last step reaches the update's commitment")
	require.Equal(t, ledger.InboxLink(hash.Uint64(9), hash.Uint64(501), ledger.SourceClaim), rest.inbox)
}

// TestMoveSteps: a grandchild without children moves by leaf steps, one with children by node
// steps, which are refused before anything is read when the kinds they need have no usable key,
// and for a first commitment without a batch (its first step is a leaf step's).
func TestMoveSteps(t *testing.T) {
	ctx := context.Background()
	pl := &Planner{}
	c := &tree.Node{Path: []uint8{1}, LedgerParams: ledgertypes.Params{AccountDepth: 4, OutboxDepth: 4, BatchSize: 2}}
	noKey := fmt.Errorf("%w: no key", errUnprovableMove)
	for _, tc := range []struct {
		name  string
		edit  func(f *nodeFixture, plan *subtreePlan)
		kinds []uint64
		err   string
	}{
		{"a leaf's move", func(f *nodeFixture, _ *subtreePlan) {
			f.move = childMove{height: 10, msg: update(t, 3, nil, leafCommitment(13, 5, 4), [][]fr.Element{{}})}
		}, []uint64{subtree.KindLeafFirst}, ""},
		{"a node's first commitment without a batch", func(f *nodeFixture, _ *subtreePlan) {
			f.move.prev, f.move.msg.Batches = nil, nil
		}, nil, "carries no batch"},
		{"no node ledger key", func(_ *nodeFixture, plan *subtreePlan) { plan.nodeLedger = noKey }, nil, "no key"},
		{"no node child key", func(_ *nodeFixture, plan *subtreePlan) { plan.nodeChild = noKey }, nil, "no key"},
		{"no node child key, none needed", func(f *nodeFixture, plan *subtreePlan) {
			plan.nodeChild = noKey
			f.move.msg.Steps = nil
		}, nil, "without steps"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newNodeFixture(t)
			plan := &subtreePlan{children: f.held, shape: nodeShape}
			tc.edit(&f, plan)
			steps, err := pl.moveSteps(ctx, c, plan, f.move)
			if tc.err != "" {
				require.ErrorContains(t, err, tc.err)
				require.ErrorIs(t, err, errUnprovableMove)
				return
			}
			require.NoError(t, err)
			require.Len(t, steps, len(tc.kinds))
			for i, st := range steps {
				require.Equal(t, tc.kinds[i], st.pub.Kind)
				require.Equal(t, string(hash.EncodeElement(st.pub.Statement())), st.key)
				require.Equal(t, st.pub.Kind >= subtree.KindNodeLedger, st.node != nil)
			}
		})
	}
}

// requireRefused asserts that err says want and is errUnprovableMove exactly when unprovable (a
// move no step kind proves, rather than a witness that is wrong).
func requireRefused(t *testing.T, err error, want string, unprovable bool) {
	t.Helper()
	require.ErrorContains(t, err, want)
	if unprovable {
		require.ErrorIs(t, err, errUnprovableMove)
	} else {
		require.NotErrorIs(t, err, errUnprovableMove)
	}
}
