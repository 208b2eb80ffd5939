package keeper_test

import (
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"

	"cosmossdk.io/collections"

	"github.com/slush-tree/slush/circuits/commitment"
	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/ledger"
	"github.com/slush-tree/slush/circuits/smt"
	"github.com/slush-tree/slush/circuits/subtree"
	slushtypes "github.com/slush-tree/slush/types"
	acceptancetypes "github.com/slush-tree/slush/x/acceptance/types"
	"github.com/slush-tree/slush/x/validium/types"
)

// genesisOf is the genesis commitment of the chain at path registered with operator key key.
func genesisOf(path []uint8, key uint64) commitment.Commitment {
	return subtree.GenesisCommitment(commitment.MustPackVid(path), ledger.EmptyRoots(ledgerParams), hash.Uint64(key))
}

// fieldsOf is c as a message carries it.
func fieldsOf(c commitment.Commitment) *slushtypes.CommitmentFields {
	f := slushtypes.NewCommitmentFields(c)
	return &f
}

// register inserts genesis at index of child 1's children SMT and returns the kind 5 step.
func (g grandchildren) register(s *KeeperTestSuite, index uint8, genesis commitment.Commitment) types.SubtreeStep {
	path, err := g.tree.Prove(index)
	s.Require().NoError(err)
	s.Require().NoError(g.tree.SetChild(index, genesis.Hash()))
	after, err := g.tree.Root()
	s.Require().NoError(err)
	return types.SubtreeStep{Kind: subtree.KindRegister, Index: uint32(index), RootAfter: hash.EncodeElement(after),
		Leaf: hash.EncodeElement(genesis.Hash()), Commitment: fieldsOf(genesis), Siblings: hash.EncodeElements(path.Siblings)}
}

// nodeRegister moves grandchild index's commitment prev (report prevReport, its children SMT
// kids) by its child inner's registration with genesis, and returns the kind 6 step and the new
// commitment.
func (g grandchildren) nodeRegister(s *KeeperTestSuite, index uint8, prev commitment.Commitment, prevReport subtree.Report,
	kids *commitment.ChildrenTree, inner uint8, genesis commitment.Commitment,
) (types.SubtreeStep, commitment.Commitment) {
	innerPath, err := kids.Prove(inner)
	s.Require().NoError(err)
	next, report, err := subtree.NodeRegister(prev, prevReport, inner, genesis.OperatorKeyHash, ledger.EmptyRoots(ledgerParams), innerPath.Siblings, 18)
	s.Require().NoError(err)
	s.Require().NoError(kids.SetChild(inner, genesis.Hash()))
	path, err := g.tree.Prove(index)
	s.Require().NoError(err)
	s.Require().NoError(g.tree.SetChild(index, next.Hash()))
	after, err := g.tree.Root()
	s.Require().NoError(err)
	want, err := subtree.WithGenesis(prevReport, 18)
	s.Require().NoError(err)
	s.Require().Equal(want, report, "one more registered node at height 0")
	return types.SubtreeStep{Kind: subtree.KindNodeRegister, Index: uint32(index), RootAfter: hash.EncodeElement(after),
		Leaf: hash.EncodeElement(next.Hash()), AnchorHeight: prev.AnchorHeight, Commitment: fieldsOf(genesis),
		Siblings: hash.EncodeElements(path.Siblings), Previous: fieldsOf(prev), PreviousReport: acceptancetypes.HistogramToProto(types.HistogramOf(prevReport)),
		InnerIndex: uint32(inner), InnerSiblings: hash.EncodeElements(innerPath.Siblings)}, next
}

// TestSilentChildCountsInSubtree (issue 16): a descendant registered under a RECURSIVE chain is
// in that chain's children root from registration on (its genesis leaf), so every chain above
// counts it in b before it ever updates, and cannot be told a smaller subtree. Child 1 registers
// 1-1, which stays silent, and updates once: a report hiding 1-1 is refused, the honest one
// counts it, and this chain's own report then counts four nodes, so a hash of this chain that
// only this chain and a sibling accepted after it (2 of 4) is not a majority — with 1-1 hidden it
// was (2 of 3), the early finality the issue found.
func (s *KeeperTestSuite) TestSilentChildCountsInSubtree() {
	sys, _ := s.stepKeys()
	s.useRealAcceptance()
	c := s.setupUpdates()
	s.recursive(sys)
	g := newGrandchildren(s)
	st := g.register(s, 1, genesisOf([]uint8{1, 1}, 7))
	g.roots(s, c)
	msg := s.updateBatches(c, 1, nil, 5)
	msg.Steps = []types.SubtreeStep{st}
	report(msg, 1, 5, 1) // 1-1 hidden
	_, err := s.msgs.SubmitUpdate(s.env.Ctx, msg)
	s.Require().ErrorIs(err, types.ErrUnprovenReport)
	report(msg, 2, 5, 2) // 1-1 counted as having accepted at 5: it never updated
	_, err = s.msgs.SubmitUpdate(s.env.Ctx, msg)
	s.Require().ErrorIs(err, types.ErrUnprovenReport)
	report(msg, 3, 0, 1, 5, 1) // b inflated above the report's total
	_, err = s.msgs.SubmitUpdate(s.env.Ctx, msg)
	s.Require().ErrorIs(err, types.ErrUnprovenReport)
	report(msg, 2, 0, 1, 5, 1)
	_, err = s.msgs.SubmitUpdate(s.env.Ctx, msg)
	s.Require().NoError(err)

	b, err := s.stack.acceptance.ChildSubtree(s.env.Ctx, 1)
	s.Require().NoError(err)
	s.Require().Equal(uint64(2), b, "1 and its silent 1-1")
	gr, err := s.keeper.GrandchildReports.Get(s.env.Ctx, collections.Join(uint32(1), uint32(1)))
	s.Require().NoError(err)
	s.Require().Equal(acceptancetypes.HistogramToProto(subtreeHistogram(0, 1)), gr.Report)

	// a second child registered now (RECURSIVE: its genesis leaf in this chain's children root)
	c2 := newChildLedger(s, []uint8{2})
	s.registerLedgerChild(c2, 2)
	child2, err := s.keeper.GetChild(s.env.Ctx, 2)
	s.Require().NoError(err)
	key, err := hash.DecodeElement(payload(5)) // registerLedgerChild's operator key hash
	s.Require().NoError(err)
	genesis2 := subtree.GenesisCommitment(commitment.MustPackVid([]uint8{2}), ledger.EmptyRoots(ledgerParams), key)
	s.Require().Equal(hash.EncodeElement(genesis2.Hash()), child2.GenesisLeaf)
	s.requireChildLeaf(2, genesis2.Hash())

	// this chain's report at 9, with 1 silent after 5 and 2 not updated: 1 + 2 + 1 nodes
	rep, err := s.stack.acceptance.SubtreeReport(s.env.Ctx, 9)
	s.Require().NoError(err)
	s.Require().Equal(uint64(4), rep.Subtree)
	h := acceptancetypes.HistogramFromProto(rep.Histogram)
	s.Require().Equal(subtreeHistogram(0, 2, 5, 1, 9, 1), h, "1-1 and 2 at the genesis height: counted, accepting nothing")
	s.Require().Equal(rep.Subtree, h.Total(), "a report's total is its subtree size")
	accepted := uint64(0)
	for _, bk := range h {
		if bk.Height >= 6 {
			accepted += bk.Count
		}
	}
	s.Require().False(2*accepted > rep.Subtree, "a hash at 6 accepted by 2 of 4 nodes is not final")

	// a child that never updated leaves with its genesis leaf (kind 7 proves that above), and its
	// index takes a new registration's; an updated one cannot leave: no step proves the removal
	// of its commitment
	_, err = s.msgs.DeregisterChild(s.env.Ctx, &types.MsgDeregisterChild{Operator: s.operator(2).String(), ChildIndex: 2})
	s.Require().NoError(err)
	p, err := s.keeper.ChildProof(s.env.Ctx, 2)
	s.Require().NoError(err)
	s.Require().True(p.Value.IsZero(), "the slot is empty")
	_, err = s.msgs.DeregisterChild(s.env.Ctx, &types.MsgDeregisterChild{Operator: s.operator(1).String(), ChildIndex: 1})
	s.Require().ErrorIs(err, types.ErrRemovalUnprovable)
	s.registerLedgerChild(c2, 2)
	s.requireChildLeaf(2, genesis2.Hash())

	// the genesis leaf is derived state: an export restores it
	root, err := s.keeper.ChildrenRoot(s.env.Ctx)
	s.Require().NoError(err)
	exported, err := s.keeper.ExportGenesis(s.env.Ctx)
	s.Require().NoError(err)
	s.Require().NoError(exported.Validate())
	s.SetupTest()
	s.Require().NoError(s.keeper.InitGenesis(s.env.Ctx, exported))
	again, err := s.keeper.ChildrenRoot(s.env.Ctx)
	s.Require().NoError(err)
	s.Require().Equal(root, again)
	s.requireChildLeaf(2, genesis2.Hash())

}

// subtreeHistogram is a histogram from height, count pairs.
func subtreeHistogram(buckets ...uint64) acceptancetypes.Histogram {
	var h acceptancetypes.Histogram
	for i := 0; i+1 < len(buckets); i += 2 {
		h = append(h, acceptancetypes.Bucket{Height: buckets[i], Count: buckets[i+1]})
	}
	return h
}

// requireChildLeaf asserts this chain's children SMT holds commitment hash h for child index.
func (s *KeeperTestSuite) requireChildLeaf(index uint8, h fr.Element) {
	p, err := s.keeper.ChildProof(s.env.Ctx, uint32(index))
	s.Require().NoError(err)
	s.Require().Equal(commitment.ChildLeaf(index, h), p.Value)
}

// TestNativeStepsChecked (issue 16): the register steps carry no proof, so the checker recomputes
// everything: the genesis of the registered chain (its vid, the empty roots, anchor 0, epoch 0;
// only the operator key is free), the move of an empty slot, the node's new commitment and
// report, and the root after. Each forgery is refused and stores nothing.
func (s *KeeperTestSuite) TestNativeStepsChecked() {
	sys, _ := s.stepKeys()
	c := s.setupUpdates()
	s.recursive(sys)

	// 1 registers 1-1, which registers 1-1-1 before updating: kinds 5 then 6 over 1-1's genesis.
	g := newGrandchildren(s)
	genesis := genesisOf([]uint8{1, 1}, 7)
	reg := g.register(s, 1, genesis)
	kids, err := commitment.NewChildrenTree(smt.NewMemStore())
	s.Require().NoError(err)
	node, next := g.nodeRegister(s, 1, genesis, subtree.GenesisReport(), kids, 1, genesisOf([]uint8{1, 1, 1}, 8))
	g.roots(s, c)
	valid := s.updateBatches(c, 1, nil, 5)
	valid.Steps = []types.SubtreeStep{reg, node}
	report(valid, 3, 0, 2, 5, 1)

	funded := genesis
	funded.LedgerRoot = hash.Uint64(1)
	foreign := genesisOf([]uint8{1, 2}, 7)
	otherInner := genesisOf([]uint8{1, 1, 2}, 8)
	for _, tc := range []struct {
		name   string
		change func(*types.MsgSubmitUpdate)
		want   error
	}{
		{"a funded genesis", func(m *types.MsgSubmitUpdate) {
			m.Steps[0].Commitment, m.Steps[0].Leaf = fieldsOf(funded), hash.EncodeElement(funded.Hash())
		}, types.ErrInvalidStep},
		{"another chain's genesis", func(m *types.MsgSubmitUpdate) {
			m.Steps[0].Commitment, m.Steps[0].Leaf = fieldsOf(foreign), hash.EncodeElement(foreign.Hash())
		}, types.ErrInvalidStep},
		{"a register step over an occupied slot", func(m *types.MsgSubmitUpdate) { m.Steps = []types.SubtreeStep{reg, reg} }, types.ErrUnprovenChildren},
		{"a register step's root after", func(m *types.MsgSubmitUpdate) { m.Steps[0].RootAfter = hash.EncodeElement(hash.Uint64(3)) }, types.ErrUnprovenChildren},
		{"a node register step from another commitment", func(m *types.MsgSubmitUpdate) {
			m.Steps[1].Previous = fieldsOf(foreign)
			m.Steps[1].PreviousReport = acceptancetypes.HistogramToProto(subtreeHistogram(0, 1))
		}, types.ErrInvalidStep},
		{"a node register step for another inner chain", func(m *types.MsgSubmitUpdate) { m.Steps[1].Commitment = fieldsOf(otherInner) }, types.ErrInvalidStep},
		{"a node register step naming another leaf", func(m *types.MsgSubmitUpdate) { m.Steps[1].Leaf = m.Steps[0].Leaf }, types.ErrInvalidStep},
		{"a node register step at another inner index", func(m *types.MsgSubmitUpdate) {
			m.Steps[1].InnerIndex, m.Steps[1].Commitment = 2, fieldsOf(otherInner)
		}, types.ErrInvalidStep},
		{"a report hiding 1-1-1", func(m *types.MsgSubmitUpdate) { report(m, 2, 0, 1, 5, 1) }, types.ErrUnprovenReport},
	} {
		s.Run(tc.name, func() {
			m := cloneUpdate(valid)
			m.Steps = append([]types.SubtreeStep(nil), valid.Steps...)
			tc.change(m)
			_, err := s.msgs.SubmitUpdate(s.env.Ctx, m)
			s.Require().ErrorIs(err, tc.want)
			s.requireChildUnchanged()
		})
	}
	_, err = s.msgs.SubmitUpdate(s.env.Ctx, valid)
	s.Require().NoError(err)
	gr, err := s.keeper.GrandchildReports.Get(s.env.Ctx, collections.Join(uint32(1), uint32(1)))
	s.Require().NoError(err)
	s.Require().Equal(hash.EncodeElement(next.Hash()), gr.Commitment)
	s.Require().Equal(acceptancetypes.HistogramToProto(subtreeHistogram(0, 2)), gr.Report, "1-1 and its silent 1-1-1")

	stateless := []struct {
		name   string
		change func(*types.SubtreeStep)
	}{
		{"a proof on a native step", func(st *types.SubtreeStep) { st.Proof = []byte{1} }},
		{"a short path", func(st *types.SubtreeStep) { st.Siblings = st.Siblings[:7] }},
		{"an anchored genesis", func(st *types.SubtreeStep) { st.AnchorHeight = 5 }},
		{"a report on a register step", func(st *types.SubtreeStep) { st.Report = acceptancetypes.HistogramToProto(subtreeHistogram(0, 1)) }},
		{"a leaf that is not the genesis", func(st *types.SubtreeStep) { st.Leaf = hash.EncodeElement(hash.Uint64(5)) }},
	}
	for _, tc := range stateless {
		s.Run(tc.name, func() {
			st := reg
			tc.change(&st)
			m := cloneUpdate(valid)
			m.Steps = []types.SubtreeStep{st}
			s.Require().ErrorIs(m.ValidateStateless(), types.ErrInvalidStep)
		})
	}
}
