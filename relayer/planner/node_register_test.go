package planner

import (
	"context"
	"fmt"
	"testing"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/stretchr/testify/require"

	"github.com/slush-tree/slush/circuits/commitment"
	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/smt"
	"github.com/slush-tree/slush/circuits/subtree"
	"github.com/slush-tree/slush/relayer/chainclient"
	slushtypes "github.com/slush-tree/slush/types"
	validiumtypes "github.com/slush-tree/slush/x/validium/types"
)

// ggEvent is one step 1-2's update carried for its own children, as 1-2's parent (chain 1)
// accepted it: a registration or a removal (kind 5 or 7, o the genesis opening) or a leaf move
// (kind 1 or 2, o the child's new commitment).
type ggEvent struct {
	kind uint32
	o    subtree.ChildOpening
}

// applied is 1-2's children after the event.
func (e ggEvent) applied(kids []subtree.ChildOpening) []subtree.ChildOpening {
	if e.kind == subtree.KindUnregister {
		return withoutIndex(kids, e.o.Index)
	}
	return withOpening(kids, e.o)
}

// registerNodeCase is chain 1's child 1-2, which has children, updating from prev (children
// before, anchored at 5, with the report x/acceptance made of them) by the events, with one
// batch (anchor 7) or none (anchor kept); its histogram is x/acceptance's merge of its update
// and its children after, capped.
type registerNodeCase struct {
	held     *commitment.ChildrenTree
	heldRoot fr.Element
	move     childMove
	src      nodeSource
	prev     commitment.Commitment
	next     commitment.Commitment
	report   subtree.Report
	// prevReport is prev's report.
	prevReport subtree.Report
}

func newRegisterNodeCase(t *testing.T, before []subtree.ChildOpening, events []ggEvent, batch bool) registerNodeCase {
	t.Helper()
	path := []uint8{1, 2}
	empty := commitment.EmptyChildrenRoot()
	prevReport, err := synthReport(5, before, nodeShape.MaxBuckets)
	require.NoError(t, err)
	prev := chainCommitment(t, path, 100, 5, before, empty, prevReport)
	kids := sortedOpenings(before)
	var steps []validiumtypes.SubtreeStep
	leaves := map[fr.Element]subtree.ChildOpening{}
	for _, e := range events {
		tr, err := subtree.ChildrenTreeOf(kids)
		require.NoError(t, err)
		p, err := tr.Prove(e.o.Index)
		require.NoError(t, err)
		kids = e.applied(kids)
		root, err := subtree.ChildrenRootOf(kids)
		require.NoError(t, err)
		s := validiumtypes.SubtreeStep{Kind: e.kind, Index: uint32(e.o.Index), RootAfter: hash.EncodeElement(root),
			Leaf: hash.EncodeElement(e.o.Commitment.Hash()), AnchorHeight: e.o.Commitment.AnchorHeight}
		if e.kind == subtree.KindUnregister {
			s.Leaf = hash.EncodeElement(fr.Element{})
		}
		if e.kind == subtree.KindRegister || e.kind == subtree.KindUnregister {
			fields := slushtypes.NewCommitmentFields(e.o.Commitment)
			s.Commitment, s.Siblings = &fields, hash.EncodeElements(p.Siblings)
		} else {
			s.Proof = someCommittedProof(t)
			leaves[e.o.Commitment.Hash()] = e.o
		}
		steps = append(steps, s)
	}
	anchor := uint64(5)
	if batch {
		anchor = 7
	}
	report, err := synthReport(anchor, kids, nodeShape.MaxBuckets)
	require.NoError(t, err)
	var msg *validiumtypes.MsgSubmitUpdate
	var next commitment.Commitment
	if batch {
		next = chainCommitment(t, path, 200, 7, kids, empty, report)
		msg = update(t, 2, &prev, next, [][]fr.Element{{hash.Uint64(501)}})
	} else {
		next = prev
		next.ChildrenRoot, err = subtree.ChildrenRootOf(kids)
		require.NoError(t, err)
		next.AcceptanceDigest = report.Digest()
		msg = &validiumtypes.MsgSubmitUpdate{ChildIndex: 2, PrevCommitment: hash.EncodeElement(prev.Hash()), NewCommitment: slushtypes.NewCommitmentFields(next)}
	}
	msg.Histogram, msg.Steps = histogramProto(report), steps
	held, err := commitment.NewChildrenTree(smt.NewMemStore())
	require.NoError(t, err)
	require.NoError(t, held.SetChild(1, leafCommitment(11, 1, 2).Hash()))
	require.NoError(t, held.SetChild(2, prev.Hash()))
	heldRoot, err := held.Root()
	require.NoError(t, err)
	src := nodeSource{before: before, leaves: leaves, roots: genesisRoots}
	if !batch || carriesRemoval(msg) { // as readNodeSource reads it
		src.prevReport = prevReport
	}
	return registerNodeCase{held: held, heldRoot: heldRoot, move: childMove{height: 10, prev: &prev, inbox: hash.Uint64(9), msg: msg},
		src: src, prev: prev, next: next, report: report, prevReport: prevReport}
}

// checkRegisterSteps checks steps from the held root: each proven one as its circuit does
// (checkNodeWitness), each native one as c's parent does (checkNativeStep, whose new commitment
// and report must be the step's), each moving from the commitment the previous step reached, the
// last reaching the update's commitment and report.
func checkRegisterSteps(t *testing.T, nc registerNodeCase, steps []nodeStep, kinds []uint64) {
	t.Helper()
	require.Len(t, steps, len(kinds))
	root, old, oldReport := nc.heldRoot, nc.prev, nc.prevReport
	for i, st := range steps {
		var pub subtree.StepPublic
		switch {
		case st.native != nil:
			require.Nil(t, st.w)
			pub = st.native.pub
			ns, err := st.native.msg.Native()
			require.NoError(t, err)
			require.Equal(t, old, ns.Previous, "step %d moves from the commitment reached", i)
			next, report := checkNativeStep(t, st.native.msg, commitment.MustPackVid([]uint8{1}), root, nodeShape.MaxBuckets)
			require.Equal(t, next, st.new)
			require.Equal(t, report, st.report)
			require.Equal(t, next.Hash(), pub.Leaf)
			require.Equal(t, oldReport, validiumtypes.ReportOf(ns.PreviousReport), "step %d: the report of the commitment reached", i)
		default:
			checkNodeWitness(t, st)
			pub = st.w.Public()
			switch w := st.w.(type) {
			case subtree.NodeLedgerStepWitness:
				require.Equal(t, old, w.Move.Old, "step %d moves from the commitment reached", i)
			case subtree.NodeChildStepWitness:
				require.Equal(t, old, w.Old, "step %d moves from the commitment reached", i)
			}
		}
		require.Equal(t, kinds[i], pub.Kind, "step %d", i)
		require.Equal(t, uint8(2), pub.Index)
		require.Equal(t, root, pub.RootBefore, "step %d chains", i)
		root, old, oldReport = pub.RootAfter, st.new, st.report
	}
	got, err := nc.held.Root()
	require.NoError(t, err)
	require.Equal(t, got, root, "the tree ends where the last step does")
	require.Equal(t, nc.next, old, "the last step reaches the update's commitment")
	require.Equal(t, nc.report, steps[len(steps)-1].report)
}

// TestNodeRegisterSteps (issue 16): the update of a grandchild that has children moves by its
// ledger step, then in the order of the steps it carried, a native kind 6 per registration (its
// children root gains the genesis leaf, its report (0, 1)) and a node child step per move, a
// registered child's first update being a KindLeaf over its genesis leaf; every proven witness
// passes the node circuits' native twins, every native step x/validium's native rule, and the
// steps reach the grandchild's commitment and report — also when a registration ends the update
// (the step before it reports (0, 1) less), when a registration is the whole update (from the
// previous report), and when a child registered before updates for the first time.
func TestNodeRegisterSteps(t *testing.T) {
	gg1 := leafOpening(t, []uint8{1, 2, 1}, 10, 4)
	gg3 := leafOpening(t, []uint8{1, 2, 3}, 30, 3)
	gg3next := leafOpening(t, []uint8{1, 2, 3}, 32, 6)
	gen2 := genesisOpening([]uint8{1, 2, 2})
	gg2 := subtree.ChildOpening{Index: 2, Commitment: firstCommitment([]uint8{1, 2, 2}, 20, 5), Report: subtree.Report{{Height: 5, Count: 1}}}
	wide := subtree.Report{{Height: 1, Count: 1}, {Height: 2, Count: 1}, {Height: 4, Count: 1}} // 1-2-1 as a node of three
	gg1wide := subtree.ChildOpening{Index: 1, Commitment: chainCommitment(t, []uint8{1, 2, 1}, 10, 4, nil, commitment.EmptyChildrenRoot(), wide), Report: wide}
	for _, tc := range []struct {
		name   string
		before []subtree.ChildOpening
		events []ggEvent
		batch  bool
		kinds  []uint64
	}{
		{"a registration, then the child's first update", []subtree.ChildOpening{gg1, gg3},
			[]ggEvent{{subtree.KindRegister, gen2}, {subtree.KindLeaf, gg3next}, {subtree.KindLeaf, gg2}}, true,
			[]uint64{subtree.KindNodeLedger, subtree.KindNodeRegister, subtree.KindNodeChild, subtree.KindNodeChild}},
		{"a registration that ends the update", []subtree.ChildOpening{gg1, gg3},
			[]ggEvent{{subtree.KindLeaf, gg3next}, {subtree.KindRegister, gen2}}, true,
			[]uint64{subtree.KindNodeLedger, subtree.KindNodeChild, subtree.KindNodeRegister}},
		{"a registration right after the ledger step, ending the update", []subtree.ChildOpening{gg1, gg3},
			[]ggEvent{{subtree.KindRegister, gen2}}, true,
			[]uint64{subtree.KindNodeLedger, subtree.KindNodeRegister}},
		{"a registration only, no batch", []subtree.ChildOpening{gg1, gg3},
			[]ggEvent{{subtree.KindRegister, gen2}}, false,
			[]uint64{subtree.KindNodeRegister}},
		{"a child registered before updates", []subtree.ChildOpening{gg1, gen2, gg3},
			[]ggEvent{{subtree.KindLeaf, gg3next}, {subtree.KindLeaf, gg2}}, true,
			[]uint64{subtree.KindNodeLedger, subtree.KindNodeChild, subtree.KindNodeChild}},
		{"a child registered before stays silent", []subtree.ChildOpening{gg1, gen2, gg3},
			[]ggEvent{{subtree.KindLeaf, gg3next}}, true,
			[]uint64{subtree.KindNodeLedger, subtree.KindNodeChild}},
		{"a registration under a full report (the cap makes room for its genesis bucket)", []subtree.ChildOpening{gg1wide, gg3},
			[]ggEvent{{subtree.KindRegister, gen2}}, true,
			[]uint64{subtree.KindNodeLedger, subtree.KindNodeRegister}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			nc := newRegisterNodeCase(t, tc.before, tc.events, tc.batch)
			steps, err := nodeMoveWitnesses(nc.held, nc.move, nc.src, nodeShape)
			require.NoError(t, err)
			checkRegisterSteps(t, nc, steps, tc.kinds)
			for _, st := range steps {
				if w, ok := st.w.(subtree.NodeChildStepWitness); ok && w.Inner.Index == 2 {
					require.Equal(t, uint64(subtree.KindLeaf), w.Inner.Kind, "a first update over a genesis leaf is a KindLeaf")
					held, err := subtree.ChildrenRootOf(withOpening(w.Children, gen2))
					require.NoError(t, err)
					require.Equal(t, w.Old.ChildrenRoot, held, "it replaces the genesis leaf")
					require.False(t, w.Finality.Finalize)
				}
			}
		})
	}
}

// TestNodeRegisterRefusals: a registration the parent's native rule would refuse, or that leads
// elsewhere than the grandchild's children root, is refused before anything is proven; so is a
// registration one level further down (a kind 6 below the grandchild: not built).
func TestNodeRegisterRefusals(t *testing.T) {
	gg1 := leafOpening(t, []uint8{1, 2, 1}, 10, 4)
	gg3 := leafOpening(t, []uint8{1, 2, 3}, 30, 3)
	gen2 := genesisOpening([]uint8{1, 2, 2})
	for _, tc := range []struct {
		name       string
		batch      bool
		edit       func(nc *registerNodeCase)
		unprovable bool
		err        string
	}{
		{"another chain's genesis", true, func(nc *registerNodeCase) {
			g := genesisOpening([]uint8{1, 2, 3}).Commitment
			fields := slushtypes.NewCommitmentFields(g)
			nc.move.msg.Steps[0].Commitment = &fields
		}, false, "another commitment than its genesis"},
		{"a genesis with a ledger", true, func(nc *registerNodeCase) {
			g := gen2.Commitment
			g.LedgerRoot = hash.Uint64(5)
			fields := slushtypes.NewCommitmentFields(g)
			nc.move.msg.Steps[0].Commitment = &fields
		}, false, "another commitment than its genesis"},
		{"no genesis commitment", true, func(nc *registerNodeCase) { nc.move.msg.Steps[0].Commitment = nil }, false, "carries no genesis commitment"},
		{"a registration of a held child", true, func(nc *registerNodeCase) {
			g := genesisOpening([]uint8{1, 2, 1}).Commitment
			fields := slushtypes.NewCommitmentFields(g)
			nc.move.msg.Steps[0].Commitment, nc.move.msg.Steps[0].Index = &fields, 1
		}, false, "which the children root holds"},
		{"a registration beyond max children", true, func(nc *registerNodeCase) { nc.move.msg.Steps[0].Index = 4 }, false, "not in 1..3"},
		{"a root after that is not the genesis leaf's", true, func(nc *registerNodeCase) {
			nc.move.msg.Steps[0].RootAfter = hash.EncodeElement(nc.prev.ChildrenRoot)
		}, false, "leads to the children root"},
		{"no batch and the previous report unknown", false, func(nc *registerNodeCase) { nc.src.prevReport = nil }, false, "report before the registration of child 2 is not known"},
		{"no batch and another previous report", false, func(nc *registerNodeCase) {
			nc.src.prevReport = subtree.Report{{Height: 5, Count: 3}}
		}, false, "previous report is not its previous commitment's"},
		{"a registration below the grandchild's child", true, func(nc *registerNodeCase) {
			nc.move.msg.Steps[0].Kind = subtree.KindNodeRegister
		}, true, "child steps over node steps"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			nc := newRegisterNodeCase(t, []subtree.ChildOpening{gg1, gg3}, []ggEvent{{subtree.KindRegister, gen2}}, tc.batch)
			tc.edit(&nc)
			_, err := nodeMoveWitnesses(nc.held, nc.move, nc.src, nodeShape)
			require.ErrorContains(t, err, tc.err)
			if tc.unprovable {
				require.ErrorIs(t, err, errUnprovableMove)
			}
		})
	}
}

// TestGenesisNeverFinalized: a child step that replaces a genesis leaf never moves the
// grandchild's finalized children (x/acceptance never finalizes a genesis leaf), even when the
// finalized children read say so; the step replacing a real commitment still does.
func TestGenesisNeverFinalized(t *testing.T) {
	gg1 := leafOpening(t, []uint8{1, 2, 1}, 10, 4)
	gg3 := leafOpening(t, []uint8{1, 2, 3}, 30, 3)
	gg3next := leafOpening(t, []uint8{1, 2, 3}, 32, 6)
	gen2 := genesisOpening([]uint8{1, 2, 2})
	gg2 := subtree.ChildOpening{Index: 2, Commitment: firstCommitment([]uint8{1, 2, 2}, 20, 5), Report: subtree.Report{{Height: 5, Count: 1}}}
	nc := newRegisterNodeCase(t, []subtree.ChildOpening{gg1, gen2, gg3}, []ggEvent{{subtree.KindLeaf, gg3next}, {subtree.KindLeaf, gg2}}, true)
	finalized := rootOf(t, map[uint8]commitment.Commitment{3: gg3.Commitment})
	next := nc.next
	next.FinalizedChildrenRoot = finalized
	nc.next = next
	nc.move.msg.NewCommitment = slushtypes.NewCommitmentFields(next)
	nc.src.finalizedBefore = map[uint8]fr.Element{}
	nc.src.finalizedAfter = map[uint8]fr.Element{3: gg3.Commitment.Hash(), 2: gen2.Commitment.Hash()}
	steps, err := nodeMoveWitnesses(nc.held, nc.move, nc.src, nodeShape)
	require.NoError(t, err)
	checkRegisterSteps(t, nc, steps, []uint64{subtree.KindNodeLedger, subtree.KindNodeChild, subtree.KindNodeChild})
	require.True(t, steps[1].w.(subtree.NodeChildStepWitness).Finality.Finalize, "1-2-3's replaced commitment is finalized")
	require.False(t, steps[2].w.(subtree.NodeChildStepWitness).Finality.Finalize, "1-2-2's genesis leaf is not")
}

// TestNodeFirstCommitmentOverGenesis: the first update of 1-2, registered with a genesis leaf,
// which registered 1-2-1 and 1-2-3 and carries 1-2-1's first update: its batch is a KindLeaf
// step from its genesis commitment (not a first step) to the synthetic leaf state, then the two
// registrations are native kind-6 steps from that state (report {(5, 1)}) and 1-2-1's update a
// node child step over a KindLeaf over its genesis leaf, ending at the update's commitment and
// report {(0, 1), (4, 1), (5, 1)} (1-2-3 still counts as registered).
func TestNodeFirstCommitmentOverGenesis(t *testing.T) {
	path := []uint8{1, 2}
	gen := genesisOpening(path).Commitment
	gen1, gen3 := genesisOpening([]uint8{1, 2, 1}), genesisOpening([]uint8{1, 2, 3})
	gg1 := subtree.ChildOpening{Index: 1, Commitment: firstCommitment([]uint8{1, 2, 1}, 10, 4), Report: subtree.Report{{Height: 4, Count: 1}}}
	var kids []subtree.ChildOpening
	var steps []validiumtypes.SubtreeStep
	for _, e := range []ggEvent{{subtree.KindRegister, gen1}, {subtree.KindRegister, gen3}, {subtree.KindLeaf, gg1}} {
		kids = withOpening(kids, e.o)
		root, err := subtree.ChildrenRootOf(kids)
		require.NoError(t, err)
		s := validiumtypes.SubtreeStep{Kind: e.kind, Index: uint32(e.o.Index), RootAfter: hash.EncodeElement(root),
			Leaf: hash.EncodeElement(e.o.Commitment.Hash()), AnchorHeight: e.o.Commitment.AnchorHeight}
		if e.kind == subtree.KindRegister {
			fields := slushtypes.NewCommitmentFields(e.o.Commitment)
			s.Commitment = &fields
		} else {
			s.Proof = someCommittedProof(t)
		}
		steps = append(steps, s)
	}
	report := subtree.Report{{Height: 0, Count: 1}, {Height: 4, Count: 1}, {Height: 5, Count: 1}}
	next := chainCommitment(t, path, 100, 5, kids, commitment.EmptyChildrenRoot(), report)
	next.Epoch, next.OperatorKeyHash = 0, testOperator
	msg := update(t, 2, nil, next, [][]fr.Element{{hash.Uint64(501)}})
	msg.Histogram, msg.Steps = histogramProto(report), steps

	held, err := commitment.NewChildrenTree(smt.NewMemStore())
	require.NoError(t, err)
	require.NoError(t, held.SetChild(1, leafCommitment(11, 1, 2).Hash()))
	require.NoError(t, held.SetChild(2, gen.Hash()))
	heldRoot, err := held.Root()
	require.NoError(t, err)

	first, rest, err := splitFirstNodeMove(childMove{height: 10, prev: &gen, genesis: true, msg: msg})
	require.NoError(t, err)
	ws, err := moveWitnesses(held, first, stepParams)
	require.NoError(t, err)
	require.Len(t, ws, 1)
	leafPub := ws[0].Public()
	require.False(t, ws[0].First)
	require.Equal(t, uint64(subtree.KindLeaf), leafPub.Kind)
	require.Equal(t, gen, ws[0].Old)
	require.Equal(t, fr.Element{}, ws[0].InboxOld)
	require.Equal(t, heldRoot, leafPub.RootBefore)

	ns, err := nodeMoveWitnesses(held, rest, nodeSource{leaves: map[fr.Element]subtree.ChildOpening{gg1.Commitment.Hash(): gg1}, roots: genesisRoots}, nodeShape)
	require.NoError(t, err)
	nc := registerNodeCase{held: held, heldRoot: leafPub.RootAfter, prev: ws[0].New, next: next, report: report, prevReport: subtree.Report{{Height: 5, Count: 1}}}
	checkRegisterSteps(t, nc, ns, []uint64{subtree.KindNodeRegister, subtree.KindNodeRegister, subtree.KindNodeChild})
	require.Equal(t, uint64(subtree.KindLeaf), ns[2].w.(subtree.NodeChildStepWitness).Inner.Kind)
}

// TestReadNodeSourceGenesis: a grandchild's child registered with a genesis leaf that has not
// updated is opened with its rebuilt genesis commitment and the genesis report (no chain read),
// and the grandchild's previous report is read when its update starts with a registration or a
// removal; a genesis leaf that is not the rebuilt genesis, or a previous report that is not the
// digest's preimage, is refused.
func TestReadNodeSourceGenesis(t *testing.T) {
	ctx := context.Background()
	gg1 := leafOpening(t, []uint8{1, 2, 1}, 10, 4)
	gg3 := leafOpening(t, []uint8{1, 2, 3}, 30, 3)
	gg3next := leafOpening(t, []uint8{1, 2, 3}, 32, 6)
	gen2 := genesisOpening([]uint8{1, 2, 2})
	chains := func(nc registerNodeCase, before []subtree.ChildOpening) (*fakeChain, chainLookup) {
		g := &fakeChain{children: map[int64][]validiumtypes.Child{}, reports: map[int64]subtree.Report{20: nc.prevReport}}
		g.record(nc.prev, 20)
		g.record(nc.next, 25)
		kids := map[uint8]*fakeChain{}
		for i, o := range before {
			if o.Index == 2 {
				g.children[20] = append(g.children[20], registeredRecord([]uint8{1, 2, 2}, 18, nil))
				continue
			}
			g.children[20] = append(g.children[20], validiumtypes.Child{Index: uint32(o.Index), LatestCommitment: hash.EncodeElement(o.Commitment.Hash())})
			kid := &fakeChain{reports: map[int64]subtree.Report{int64(7 + i): o.Report}}
			kid.record(o.Commitment, int64(7+i))
			kids[o.Index] = kid
		}
		ggMsg := update(t, 3, &gg3.Commitment, gg3next.Commitment, [][]fr.Element{{}})
		ggMsg.Histogram = histogramProto(gg3next.Report)
		g.updates = []chainclient.AcceptedUpdate{{Height: 23, Msg: ggMsg}}
		return g, func(idx uint8) (nodeChain, error) {
			if k, ok := kids[idx]; ok {
				return k, nil
			}
			return nil, fmt.Errorf("child %d is not served", idx)
		}
	}
	for _, tc := range []struct {
		name   string
		before []subtree.ChildOpening
		events []ggEvent
		batch  bool
		edit   func(g *fakeChain)
		err    string
	}{
		{"a child registered before, silent", []subtree.ChildOpening{gg1, gen2, gg3}, []ggEvent{{subtree.KindLeaf, gg3next}}, true, nil, ""},
		{"a registration first, no batch", []subtree.ChildOpening{gg1, gg3}, []ggEvent{{subtree.KindRegister, gen2}}, false, nil, ""},
		{"a removal first, no batch", []subtree.ChildOpening{gg1, gen2, gg3}, []ggEvent{{subtree.KindUnregister, gen2}}, false, nil, ""},
		{"a genesis leaf of another operator", []subtree.ChildOpening{gg1, gen2, gg3}, []ggEvent{{subtree.KindLeaf, gg3next}}, true, func(g *fakeChain) {
			g.children[20][1].OperatorKeyHash = hash.EncodeElement(hash.Uint64(78))
		}, "is not its genesis commitment's hash"},
		{"a previous report not the digest's preimage", []subtree.ChildOpening{gg1, gg3}, []ggEvent{{subtree.KindRegister, gen2}}, false, func(g *fakeChain) {
			g.reports[20] = subtree.Report{{Height: 5, Count: 3}}
		}, "the report before its update"},
		{"a previous report pruned", []subtree.ChildOpening{gg1, gg3}, []ggEvent{{subtree.KindRegister, gen2}}, false, func(g *fakeChain) {
			delete(g.reports, 20)
		}, "the report before its update"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			nc := newRegisterNodeCase(t, tc.before, tc.events, tc.batch)
			g, lookup := chains(nc, tc.before)
			if tc.edit != nil {
				tc.edit(g)
			}
			src, err := readNodeSource(ctx, g, lookup, nc.move, genesisRoots)
			if tc.err != "" {
				require.ErrorContains(t, err, tc.err)
				return
			}
			require.NoError(t, err)
			require.ElementsMatch(t, tc.before, src.before)
			if tc.batch {
				require.Nil(t, src.prevReport, "read only for an update that starts with a registration")
			} else {
				require.Equal(t, nc.prevReport, src.prevReport)
			}
			_, err = nodeMoveWitnesses(nc.held, nc.move, src, nodeShape)
			require.NoError(t, err)
		})
	}
}
