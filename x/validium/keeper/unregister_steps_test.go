package keeper_test

import (
	"cosmossdk.io/collections"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"

	"github.com/slush-tree/slush/circuits/commitment"
	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/ledger"
	"github.com/slush-tree/slush/circuits/smt"
	"github.com/slush-tree/slush/circuits/subtree"
	acceptancetypes "github.com/slush-tree/slush/x/acceptance/types"
	"github.com/slush-tree/slush/x/validium/types"
)

// unregister empties index of child 1's children SMT, which holds genesis, and returns the kind
// 7 step.
func (g grandchildren) unregister(s *KeeperTestSuite, index uint8, genesis commitment.Commitment) types.SubtreeStep {
	path, err := g.tree.Prove(index)
	s.Require().NoError(err)
	s.Require().NoError(g.tree.RemoveChild(index))
	after, err := g.tree.Root()
	s.Require().NoError(err)
	return types.SubtreeStep{Kind: subtree.KindUnregister, Index: uint32(index), RootAfter: hash.EncodeElement(after),
		Leaf: hash.EncodeElement(fr.Element{}), Commitment: fieldsOf(genesis), Siblings: hash.EncodeElements(path.Siblings)}
}

// nodeUnregister moves grandchild index's commitment prev (report prevReport, its children SMT
// kids) by its never-updated child inner's removal (genesis), and returns the kind 8 step, the
// new commitment and its report.
func (g grandchildren) nodeUnregister(s *KeeperTestSuite, index uint8, prev commitment.Commitment, prevReport subtree.Report,
	kids *commitment.ChildrenTree, inner uint8, genesis commitment.Commitment,
) (types.SubtreeStep, commitment.Commitment, subtree.Report) {
	innerPath, err := kids.Prove(inner)
	s.Require().NoError(err)
	next, report, err := subtree.NodeUnregister(prev, prevReport, inner, genesis.OperatorKeyHash, ledger.EmptyRoots(ledgerParams), innerPath.Siblings)
	s.Require().NoError(err)
	s.Require().NoError(kids.RemoveChild(inner))
	path, err := g.tree.Prove(index)
	s.Require().NoError(err)
	s.Require().NoError(g.tree.SetChild(index, next.Hash()))
	after, err := g.tree.Root()
	s.Require().NoError(err)
	return types.SubtreeStep{Kind: subtree.KindNodeUnregister, Index: uint32(index), RootAfter: hash.EncodeElement(after),
		Leaf: hash.EncodeElement(next.Hash()), AnchorHeight: prev.AnchorHeight, Commitment: fieldsOf(genesis),
		Siblings: hash.EncodeElements(path.Siblings), Previous: fieldsOf(prev), PreviousReport: acceptancetypes.HistogramToProto(types.HistogramOf(prevReport)),
		InnerIndex: uint32(inner), InnerSiblings: hash.EncodeElements(innerPath.Siblings)}, next, report
}

// TestRemovalStepsChecked (issue 16): a grandchild that never updated leaves child 1's children
// root by a native kind 7 step, and a node grandchild's never-updated child leaves its
// commitment by a kind 8 step; the checker recomputes each move from the removed chain's
// genesis, so no updated commitment can be dropped, no other slot emptied and no removed node
// kept in the report. What was proven of a removed grandchild is forgotten: it counts nowhere,
// and its index takes a new registration.
func (s *KeeperTestSuite) TestRemovalStepsChecked() {
	sys, _ := s.stepKeys()
	s.useRealAcceptance()
	c := s.setupUpdates()
	s.recursive(sys)

	// update 1: 1 registers 1-1 and 1-2; 1-1 registers 1-1-1 before updating
	g := newGrandchildren(s)
	genesis11, genesis12 := genesisOf([]uint8{1, 1}, 7), genesisOf([]uint8{1, 2}, 9)
	reg11 := g.register(s, 1, genesis11)
	kids, err := commitment.NewChildrenTree(smt.NewMemStore())
	s.Require().NoError(err)
	genesis111 := genesisOf([]uint8{1, 1, 1}, 8)
	node, node11 := g.nodeRegister(s, 1, genesis11, subtree.GenesisReport(), kids, 1, genesis111)
	reg12 := g.register(s, 2, genesis12)
	g.roots(s, c)
	first := s.updateBatches(c, 1, nil, 5)
	first.Steps = []types.SubtreeStep{reg11, node, reg12}
	report(first, 4, 0, 3, 5, 1)
	res, err := s.msgs.SubmitUpdate(s.env.Ctx, first)
	s.Require().NoError(err)

	// update 2: 1-1 deregisters 1-1-1 (kind 8: 1-1 is its genesis again), 1 deregisters 1-2 (kind 7)
	heldRoot := c.childrenRoot
	nodeOff, back, backReport := g.nodeUnregister(s, 1, node11, subtree.Report{{Height: 0, Count: 2}}, kids, 1, genesis111)
	s.Require().Equal(genesis11, back, "1-1 without its child is its genesis again")
	s.Require().Equal(subtree.GenesisReport(), backReport)
	off12 := g.unregister(s, 2, genesis12)
	g.roots(s, c)
	valid := s.updateBatches(c, 1, res.Commitment, 6)
	valid.Steps = []types.SubtreeStep{nodeOff, off12}
	report(valid, 2, 0, 1, 6, 1)

	emptyPath := func() [][]byte {
		t, err := commitment.NewChildrenTree(smt.NewMemStore())
		s.Require().NoError(err)
		p, err := t.Prove(3)
		s.Require().NoError(err)
		return hash.EncodeElements(p.Siblings)
	}
	for _, tc := range []struct {
		name   string
		change func(*types.MsgSubmitUpdate)
		want   error
	}{
		{"an updated leaf removed (1-1 holding 1-1-1)", func(m *types.MsgSubmitUpdate) {
			st := off12
			st.Index, st.Commitment, st.Siblings = 1, fieldsOf(genesis11), reg11.Siblings
			m.Steps = []types.SubtreeStep{st, off12}
		}, types.ErrUnprovenChildren},
		{"another operator's genesis", func(m *types.MsgSubmitUpdate) {
			m.Steps[1].Commitment = fieldsOf(genesisOf([]uint8{1, 2}, 10))
		}, types.ErrUnprovenChildren},
		{"an empty slot", func(m *types.MsgSubmitUpdate) {
			st := off12
			st.Index, st.Commitment, st.Siblings = 3, fieldsOf(genesisOf([]uint8{1, 3}, 9)), emptyPath()
			m.Steps = append(m.Steps, st)
		}, types.ErrUnprovenChildren},
		{"a removal's root after", func(m *types.MsgSubmitUpdate) { m.Steps[1].RootAfter = hash.EncodeElement(heldRoot) }, types.ErrUnprovenChildren},
		{"a node removal naming another leaf", func(m *types.MsgSubmitUpdate) { m.Steps[0].Leaf = node.Leaf }, types.ErrInvalidStep},
		{"a node removal of another inner chain", func(m *types.MsgSubmitUpdate) {
			m.Steps[0].Commitment = fieldsOf(genesisOf([]uint8{1, 1, 1}, 11))
		}, types.ErrUnprovenChildren},
		{"a report still counting 1-2", func(m *types.MsgSubmitUpdate) { report(m, 3, 0, 2, 6, 1) }, types.ErrUnprovenReport},
		{"the node removal left out", func(m *types.MsgSubmitUpdate) {
			m.Steps = []types.SubtreeStep{off12}
			report(m, 2, 0, 1, 6, 1)
		}, types.ErrUnprovenChildren},
	} {
		s.Run(tc.name, func() {
			m := cloneUpdate(valid)
			m.Steps = append([]types.SubtreeStep(nil), valid.Steps...)
			tc.change(m)
			_, err := s.msgs.SubmitUpdate(s.env.Ctx, m)
			s.Require().ErrorIs(err, tc.want)
			child, err := s.keeper.GetChild(s.env.Ctx, 1)
			s.Require().NoError(err)
			s.Require().Equal(res.Commitment, child.LatestCommitment, "nothing accepted")
		})
	}
	for _, tc := range []struct {
		name   string
		change func(*types.SubtreeStep)
	}{
		{"a removal leaving a leaf", func(st *types.SubtreeStep) { st.Leaf = reg12.Leaf }},
		{"an anchored removal", func(st *types.SubtreeStep) { st.AnchorHeight = 5 }},
		{"a proof on a removal", func(st *types.SubtreeStep) { st.Proof = []byte{1} }},
		{"a removal with an inner child", func(st *types.SubtreeStep) { st.InnerIndex = 1 }},
	} {
		s.Run(tc.name, func() {
			st := off12
			tc.change(&st)
			m := cloneUpdate(valid)
			m.Steps = []types.SubtreeStep{st}
			s.Require().ErrorIs(m.ValidateStateless(), types.ErrInvalidStep)
		})
	}

	res, err = s.msgs.SubmitUpdate(s.env.Ctx, valid)
	s.Require().NoError(err)
	_, err = s.keeper.GrandchildReports.Get(s.env.Ctx, collections.Join(uint32(1), uint32(2)))
	s.Require().ErrorIs(err, collections.ErrNotFound, "1-2 forgotten")
	n := 0
	s.Require().NoError(s.keeper.ProvenLeaves.Walk(s.env.Ctx, collections.NewSuperPrefixedTripleRange[uint32, uint32, []byte](1, 2),
		func(collections.Triple[uint32, uint32, []byte], uint64) (bool, error) { n++; return false, nil }))
	s.Require().Zero(n, "no proven commitment of 1-2 left")
	gr, err := s.keeper.GrandchildReports.Get(s.env.Ctx, collections.Join(uint32(1), uint32(1)))
	s.Require().NoError(err)
	s.Require().Equal(hash.EncodeElement(genesis11.Hash()), gr.Commitment)
	s.Require().Equal(acceptancetypes.HistogramToProto(subtreeHistogram(0, 1)), gr.Report)
	b, err := s.stack.acceptance.ChildSubtree(s.env.Ctx, 1)
	s.Require().NoError(err)
	s.Require().Equal(uint64(2), b, "1 and its silent 1-1")

	// update 3: the freed index takes a new chain (another operator), counted from its genesis
	reg12b := g.register(s, 2, genesisOf([]uint8{1, 2}, 12))
	g.roots(s, c)
	third := s.updateBatches(c, 1, res.Commitment, 8)
	third.Steps = []types.SubtreeStep{reg12b}
	report(third, 3, 0, 2, 8, 1)
	_, err = s.msgs.SubmitUpdate(s.env.Ctx, third)
	s.Require().NoError(err)
}
