package planner

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/slush-tree/slush/circuits/commitment"
	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/subtree"
	slushtypes "github.com/slush-tree/slush/types"
	validiumtypes "github.com/slush-tree/slush/x/validium/types"
)

// checkStepReports checks each step's report: a proven step's is x/acceptance's merge of 1-2's
// update and its children after that step (synthReport at the step's anchor: a child counts until
// the step that removes it and from the step that registers it), a native step's is the report
// before it with (0, 1) added (kind 6) or taken off (kind 8), the parent's native rule. A node
// ledger step keeps the children; every other step is the next event.
func checkStepReports(t *testing.T, before []subtree.ChildOpening, events []ggEvent, steps []nodeStep) {
	t.Helper()
	kids, next := sortedOpenings(before), 0
	prev, err := synthReport(5, before, nodeShape.MaxBuckets) // newRegisterNodeCase's previous commitment
	require.NoError(t, err)
	for i, st := range steps {
		if _, ledger := st.w.(subtree.NodeLedgerStepWitness); !ledger {
			kids = events[next].applied(kids)
			next++
		}
		want, err := synthReport(st.new.AnchorHeight, kids, nodeShape.MaxBuckets)
		switch {
		case st.native != nil && st.native.msg.Kind == subtree.KindNodeUnregister:
			want, err = subtree.WithoutGenesis(prev, 1)
		case st.native != nil:
			want, err = subtree.WithGenesis(prev, nodeShape.MaxBuckets)
		}
		require.NoError(t, err)
		require.Equal(t, want, st.report, "step %d's report", i)
		prev = st.report
	}
	require.Equal(t, len(events), next, "one step per event")
}

// TestNodeUnregisterSteps (issue 16): a removal (kind 7) that the update of a grandchild with
// children carried becomes a native kind 8 — its commitment with that genesis leaf emptied and
// one (0, 1) fewer, exactly subtree.NodeUnregister's (checkNativeStep) —, so the removed child
// counts in every report before that step and in none after. The removal of a child the
// grandchild held before its update goes first, wherever it was carried (frontRemovals: also
// under a report at the bucket cap, where a proven step before it could not count the removed
// child); a child registered and removed within the update is removed where carried (the step
// before it reports (0, 1) more). Also a removal as the whole update (from the previous
// report), an index freed and registered again, and a removal carried between two child
// updates. Every proven witness passes the node circuits' native twins and the last step
// reaches the update's commitment.
func TestNodeUnregisterSteps(t *testing.T) {
	gg1 := leafOpening(t, []uint8{1, 2, 1}, 10, 4)
	gg1next := leafOpening(t, []uint8{1, 2, 1}, 12, 5)
	gg3 := leafOpening(t, []uint8{1, 2, 3}, 30, 3)
	gg3next := leafOpening(t, []uint8{1, 2, 3}, 32, 6)
	gen2 := genesisOpening([]uint8{1, 2, 2})
	gen2other := subtree.ChildOpening{Index: 2, Commitment: operatorGenesis([]uint8{1, 2, 2}, otherOperator), Report: subtree.GenesisReport()}
	withGen2 := []subtree.ChildOpening{gg1, gen2, gg3}
	wide := subtree.Report{{Height: 1, Count: 1}, {Height: 2, Count: 1}, {Height: 4, Count: 1}} // 1-2-1 as a node of three: 1-2's report fills the cap
	gg1wide := subtree.ChildOpening{Index: 1, Commitment: chainCommitment(t, []uint8{1, 2, 1}, 10, 4, nil, commitment.EmptyChildrenRoot(), wide), Report: wide}
	for _, tc := range []struct {
		name   string
		before []subtree.ChildOpening
		events []ggEvent
		batch  bool
		kinds  []uint64
	}{
		{"a removal, then a child's update", withGen2,
			[]ggEvent{{subtree.KindUnregister, gen2}, {subtree.KindLeaf, gg3next}}, true,
			[]uint64{subtree.KindNodeUnregister, subtree.KindNodeLedger, subtree.KindNodeChild}},
		{"a removal that ends the update", withGen2,
			[]ggEvent{{subtree.KindLeaf, gg3next}, {subtree.KindUnregister, gen2}}, true,
			[]uint64{subtree.KindNodeLedger, subtree.KindNodeChild, subtree.KindNodeUnregister}},
		{"a removal with a batch", withGen2,
			[]ggEvent{{subtree.KindUnregister, gen2}}, true,
			[]uint64{subtree.KindNodeUnregister, subtree.KindNodeLedger}},
		{"a removal under a report at the bucket cap", []subtree.ChildOpening{gg1wide, gen2, gg3},
			[]ggEvent{{subtree.KindUnregister, gen2}}, true,
			[]uint64{subtree.KindNodeUnregister, subtree.KindNodeLedger}},
		{"a removal only, no batch", withGen2,
			[]ggEvent{{subtree.KindUnregister, gen2}}, false,
			[]uint64{subtree.KindNodeUnregister}},
		{"a removal and the index registered again by another operator", withGen2,
			[]ggEvent{{subtree.KindUnregister, gen2}, {subtree.KindRegister, gen2other}}, true,
			[]uint64{subtree.KindNodeUnregister, subtree.KindNodeLedger, subtree.KindNodeRegister}},
		{"a registration and its removal, no batch", []subtree.ChildOpening{gg1, gg3},
			[]ggEvent{{subtree.KindRegister, gen2}, {subtree.KindUnregister, gen2}}, false,
			[]uint64{subtree.KindNodeRegister, subtree.KindNodeUnregister}},
		{"a registration and its removal after the ledger step", []subtree.ChildOpening{gg1, gg3},
			[]ggEvent{{subtree.KindRegister, gen2}, {subtree.KindUnregister, gen2}}, true,
			[]uint64{subtree.KindNodeLedger, subtree.KindNodeRegister, subtree.KindNodeUnregister}},
		{"a removal between two child updates", withGen2,
			[]ggEvent{{subtree.KindLeaf, gg3next}, {subtree.KindUnregister, gen2}, {subtree.KindLeaf, gg1next}}, true,
			[]uint64{subtree.KindNodeLedger, subtree.KindNodeChild, subtree.KindNodeUnregister, subtree.KindNodeChild}},
		{"a held child's removal, its index registered again and removed", withGen2,
			[]ggEvent{{subtree.KindUnregister, gen2}, {subtree.KindRegister, gen2}, {subtree.KindUnregister, gen2}}, true,
			[]uint64{subtree.KindNodeUnregister, subtree.KindNodeLedger, subtree.KindNodeRegister, subtree.KindNodeUnregister}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			nc := newRegisterNodeCase(t, tc.before, tc.events, tc.batch)
			steps, err := nodeMoveWitnesses(nc.held, nc.move, nc.src, nodeShape)
			require.NoError(t, err)
			checkRegisterSteps(t, nc, steps, tc.kinds)
			checkStepReports(t, tc.before, tc.events, steps)
			for _, st := range steps {
				if st.native == nil || st.native.msg.Kind != subtree.KindNodeUnregister {
					continue
				}
				ns, err := st.native.msg.Native()
				require.NoError(t, err)
				want, report, err := subtree.NodeUnregister(ns.Previous, validiumtypes.ReportOf(ns.PreviousReport), 2, testOperator, genesisRoots, ns.InnerSiblings)
				require.NoError(t, err)
				require.Equal(t, want, st.new, "kind 8 leaves subtree.NodeUnregister's commitment")
				require.Equal(t, report, st.report)
				require.Equal(t, uint32(2), st.native.msg.InnerIndex)
			}
		})
	}
}

// TestNodeUnregisterRefusals: a removal the parent's native rule would refuse, of a child the
// grandchild does not hold as its genesis leaf (one that updated leaves by no step), or that
// leads elsewhere than the grandchild's children root, is refused before anything is proven; so
// is a removal one level further down (a kind 8 below the grandchild: not built).
func TestNodeUnregisterRefusals(t *testing.T) {
	gg1 := leafOpening(t, []uint8{1, 2, 1}, 10, 4)
	gg3 := leafOpening(t, []uint8{1, 2, 3}, 30, 3)
	gen2 := genesisOpening([]uint8{1, 2, 2})
	setGenesis := func(nc *registerNodeCase, g commitment.Commitment) {
		fields := slushtypes.NewCommitmentFields(g)
		nc.move.msg.Steps[0].Commitment = &fields
	}
	for _, tc := range []struct {
		name       string
		before     []subtree.ChildOpening
		batch      bool
		edit       func(nc *registerNodeCase)
		unprovable bool
		err        string
	}{
		{"another chain's genesis", nil, true, func(nc *registerNodeCase) {
			setGenesis(nc, genesisOpening([]uint8{1, 2, 3}).Commitment)
		}, false, "another commitment than its genesis"},
		{"a genesis with a ledger", nil, true, func(nc *registerNodeCase) {
			g := gen2.Commitment
			g.LedgerRoot = hash.Uint64(5)
			setGenesis(nc, g)
		}, false, "another commitment than its genesis"},
		{"no genesis commitment", nil, true, func(nc *registerNodeCase) { nc.move.msg.Steps[0].Commitment = nil }, false, "removal of child 2 carries no genesis commitment"},
		{"a removal of a child that updated", nil, true, func(nc *registerNodeCase) {
			setGenesis(nc, genesisOpening([]uint8{1, 2, 3}).Commitment)
			nc.move.msg.Steps[0].Index = 3
		}, true, "does not hold as its genesis leaf"},
		{"a removal of another operator's genesis", nil, true, func(nc *registerNodeCase) {
			setGenesis(nc, operatorGenesis([]uint8{1, 2, 2}, otherOperator))
		}, true, "does not hold as its genesis leaf"},
		{"a removal beyond max children", nil, true, func(nc *registerNodeCase) { nc.move.msg.Steps[0].Index = 4 }, false, "not in 1..3"},
		{"a root after that is not the emptied leaf's", nil, true, func(nc *registerNodeCase) {
			nc.move.msg.Steps[0].RootAfter = hash.EncodeElement(nc.prev.ChildrenRoot)
		}, false, "leads to the children root"},
		{"no batch and the previous report unknown", nil, false, func(nc *registerNodeCase) { nc.src.prevReport = nil }, false,
			"report before the removal of child 2 is not known"},
		{"no batch and another previous report", nil, false, func(nc *registerNodeCase) {
			nc.src.prevReport = subtree.Report{{Height: 0, Count: 1}, {Height: 5, Count: 3}}
		}, false, "previous report is not its previous commitment's"},
		{"a removal below the grandchild's child", nil, true, func(nc *registerNodeCase) {
			nc.move.msg.Steps[0].Kind = subtree.KindNodeUnregister
		}, true, "child steps over node steps"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := tc.before
			if before == nil {
				before = []subtree.ChildOpening{gg1, gen2, gg3}
			}
			nc := newRegisterNodeCase(t, before, []ggEvent{{subtree.KindUnregister, gen2}}, tc.batch)
			tc.edit(&nc)
			_, err := nodeMoveWitnesses(nc.held, nc.move, nc.src, nodeShape)
			require.ErrorContains(t, err, tc.err)
			if tc.unprovable {
				require.ErrorIs(t, err, errUnprovableMove)
			}
		})
	}
}
