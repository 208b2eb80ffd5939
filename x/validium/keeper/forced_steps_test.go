package keeper_test

import (
	"sync"

	"cosmossdk.io/collections"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"

	"github.com/slush-tree/slush/circuits/commitment"
	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/ledger"
	"github.com/slush-tree/slush/circuits/smt"
	"github.com/slush-tree/slush/circuits/subtree"
	slushtypes "github.com/slush-tree/slush/types"
	acceptancetypes "github.com/slush-tree/slush/x/acceptance/types"
	"github.com/slush-tree/slush/x/validium/types"
)

var (
	forcedOnce                   sync.Once
	leafForcedSys, nodeForcedSys stepSystem
	forcedErr                    error
)

// forcedKeys are the stand-ins of the forced leaf and node ledger steps (kinds 9 and 10: their
// statement also names the parent's outbox), one random setup each for the package. That only a
// batch whose deposits the outbox holds can be stated is circuits/subtree TestLeafForcedStep and
// TestNodeLedgerForcedStep.
func (s *KeeperTestSuite) forcedKeys() (leaf, node stepSystem) {
	forcedOnce.Do(func() {
		if leafForcedSys, forcedErr = newStepSystem(9); forcedErr == nil {
			nodeForcedSys, forcedErr = newStepSystem(9)
		}
	})
	s.Require().NoError(forcedErr)
	return leafForcedSys, nodeForcedSys
}

// forcedStep moves grandchild 1-index to leaf by a forced leaf step stated under outbox, carrying
// the growth proof g to child 1's new outbox.
func (g grandchildren) forcedStep(s *KeeperTestSuite, sys stepSystem, index uint8, leaf fr.Element, anchor uint64,
	outbox fr.Element, growth smt.AccumulatorGrowth,
) types.SubtreeStep {
	return g.forcedMove(s, sys, subtree.KindLeafForced, index, leaf, anchor, outbox, growth)
}

// forcedNodeStep moves grandchild 1-index — a chain with children, whose report is report — by a
// forced node ledger step (kind 10) as forcedStep does, carrying its commitment and report.
func (g grandchildren) forcedNodeStep(s *KeeperTestSuite, sys stepSystem, index uint8, anchor uint64, report acceptancetypes.Histogram,
	outbox fr.Element, growth smt.AccumulatorGrowth,
) types.SubtreeStep {
	anchorC, err := hash.DecodeElement(s.anchorAt(anchor))
	s.Require().NoError(err)
	c := commitment.Commitment{Vid: commitment.MustPackVid([]uint8{1, index}), ChildrenRoot: hash.Uint64(0xc0 + anchor),
		AnchorHeight: anchor, AnchorCommitment: anchorC, AcceptanceDigest: report.Digest()}
	st := g.forcedMove(s, sys, subtree.KindNodeLedgerForced, index, c.Hash(), anchor, outbox, growth)
	fields := slushtypes.NewCommitmentFields(c)
	st.Commitment, st.Report = &fields, acceptancetypes.HistogramToProto(report)
	return st
}

// forcedMove moves grandchild 1-index to leaf by a step of forced kind kind stated under outbox.
func (g grandchildren) forcedMove(s *KeeperTestSuite, sys stepSystem, kind uint32, index uint8, leaf fr.Element, anchor uint64,
	outbox fr.Element, growth smt.AccumulatorGrowth,
) types.SubtreeStep {
	before, err := g.tree.Root()
	s.Require().NoError(err)
	s.Require().NoError(g.tree.SetChild(index, leaf))
	after, err := g.tree.Root()
	s.Require().NoError(err)
	anchorC, err := hash.DecodeElement(s.anchorAt(anchor))
	s.Require().NoError(err)
	pub := subtree.StepPublic{Kind: uint64(kind), ChildVid: commitment.MustPackVid([]uint8{1, index}), Index: index,
		RootBefore: before, RootAfter: after, AnchorHeight: anchor, AnchorCommitment: anchorC, Leaf: leaf, ParentOutbox: outbox}
	return types.SubtreeStep{Kind: kind, Index: uint32(index), RootAfter: hash.EncodeElement(after),
		Leaf: hash.EncodeElement(leaf), AnchorHeight: anchor, Proof: sys.prove(s, pub),
		ParentOutbox: hash.EncodeElement(outbox), OutboxGrowth: outboxGrowth(growth)}
}

// outboxGrowth encodes g as a step carries it.
func outboxGrowth(g smt.AccumulatorGrowth) *types.OutboxGrowth {
	return &types.OutboxGrowth{EarlierSize: g.EarlierSize, LaterSize: g.LaterSize, Last: hash.EncodeElement(g.Last),
		Siblings: hash.EncodeElements(g.Siblings)}
}

// forcedSetup is child 1 (RECURSIVE, step key sys) with alice's 100 claimed in its first update
// (res); out(amount, nonce) is alice's bridge-out on child 1 to its child 1-1 (a forced deposit
// child 1 burnt), then the outbox root after the first of them.
func (s *KeeperTestSuite) forcedSetup(sys stepSystem) (*childLedger, *types.MsgSubmitUpdateResponse, func(amount, nonce uint64) inbound, fr.Element) {
	c := s.setupUpdates()
	s.recursive(sys)
	res, err := s.msgs.SubmitUpdate(s.env.Ctx, s.update(c, 1, nil, 5, c.deposit("alice", 100)))
	s.Require().NoError(err)
	out := func(amount, nonce uint64) inbound {
		op, err := ledger.NewBridgeOut(c.vid, aliceKey, 0, wAsset, amount, nonce, commitment.MustPackVid([]uint8{1, 1}), aliceSelf, 1000)
		s.Require().NoError(err)
		return ownOp(op)
	}
	first := c.replay(s, 1) // child 1's outbox after the first burn: 1-1 minted that deposit then
	s.Require().NoError(out(30, 0).apply(first.state))
	then, err := first.state.Outbox().Root()
	s.Require().NoError(err)
	return c, res, out, then
}

// TestForcedStepChecked (issue 16, forced deposits into grandchildren): child 1 burns two forced
// deposits for its child 1-1 in its own proven ledger; 1-1's batch that minted the first is a
// forced step (kind 9) stated under child 1's outbox as it was then, which this chain accepts
// only once it is shown to be an earlier state of the outbox child 1's new commitment holds (its
// batch proofs proved it), and only under leaf_forced_step_key.
func (s *KeeperTestSuite) TestForcedStepChecked() {
	sys, _ := s.stepKeys()
	forced, _ := s.forcedKeys()
	c, res, out, then := s.forcedSetup(sys)

	leaf := hash.Uint64(0x11)
	build := func(stepOutbox fr.Element, growth func(*smt.AccumulatorGrowth)) *types.MsgSubmitUpdate {
		next, g := c.replay(s, 1), newGrandchildren(s)
		msg := s.updateBatches(next, 1, res.Commitment, 6, []inbound{out(30, 0), out(10, 1)})
		gr, err := next.state.Outbox().ProveGrowth(1)
		s.Require().NoError(err)
		if growth != nil {
			growth(&gr)
		}
		msg.Steps = []types.SubtreeStep{g.forcedStep(s, forced, 1, leaf, 6, stepOutbox, gr)}
		g.roots(s, next)
		msg.NewCommitment.ChildrenRoot = hash.EncodeElement(next.childrenRoot)
		report(msg, 2, 6, 2) // child 1 and 1-1, both at 6
		return msg
	}

	// Without the forced key the kind is refused.
	_, err := s.msgs.SubmitUpdate(s.env.Ctx, build(then, nil))
	s.Require().ErrorIs(err, types.ErrStepKindDisabled)
	p, err := s.keeper.Params.Get(s.env.Ctx)
	s.Require().NoError(err)
	p.LeafForcedStepKey = forced.vk
	s.Require().NoError(p.Validate())
	s.Require().NoError(s.keeper.Params.Set(s.env.Ctx, p))

	other := c.replay(s, 1) // an outbox child 1's ledger never had: another first burn
	s.Require().NoError(out(31, 0).apply(other.state))
	forked, err := other.state.Outbox().Root()
	s.Require().NoError(err)
	for _, tc := range []struct {
		name   string
		outbox fr.Element
		growth func(*smt.AccumulatorGrowth)
		want   error
	}{
		{"an outbox the child's never was", forked, nil, types.ErrInvalidStep},
		{"a growth from another size", then, func(g *smt.AccumulatorGrowth) { g.EarlierSize = 2 }, types.ErrInvalidStep},
		{"a growth to another size", then, func(g *smt.AccumulatorGrowth) { g.LaterSize = 3 }, types.ErrInvalidStep},
		{"a growth path of another depth", then, func(g *smt.AccumulatorGrowth) { g.Siblings = append(g.Siblings, g.Siblings[0]) }, types.ErrInvalidStep},
	} {
		s.Run(tc.name, func() {
			_, err := s.msgs.SubmitUpdate(s.env.Ctx, build(tc.outbox, tc.growth))
			s.Require().ErrorIs(err, tc.want)
			child, err := s.keeper.GetChild(s.env.Ctx, 1)
			s.Require().NoError(err)
			s.Require().Equal(res.Commitment, child.LatestCommitment, "a refused update changes nothing")
		})
	}
	s.Run("a statement under another outbox than the step carries", func() {
		msg := build(forked, nil)
		msg.Steps[0].ParentOutbox = hash.EncodeElement(then) // the growth proof is then's
		_, err := s.msgs.SubmitUpdate(s.env.Ctx, msg)
		s.Require().ErrorIs(err, types.ErrInvalidProof)
	})

	valid := build(then, nil)
	for _, tc := range []struct {
		name   string
		change func(*types.SubtreeStep)
		want   error
	}{
		{"no parent outbox", func(st *types.SubtreeStep) { st.ParentOutbox = nil }, types.ErrInvalidField},
		{"a parent outbox past the modulus", func(st *types.SubtreeStep) { st.ParentOutbox = modulusBytes() }, types.ErrInvalidField},
		{"no growth proof", func(st *types.SubtreeStep) { st.OutboxGrowth = nil }, types.ErrInvalidStep},
		{"an empty earlier outbox", func(st *types.SubtreeStep) { st.OutboxGrowth.EarlierSize = 0 }, types.ErrInvalidStep},
		{"a later outbox smaller than the earlier", func(st *types.SubtreeStep) { st.OutboxGrowth.LaterSize = 0 }, types.ErrInvalidStep},
		{"a path of 63 siblings", func(st *types.SubtreeStep) {
			st.OutboxGrowth.Siblings = hash.EncodeElements(make([]fr.Element, 63))
		}, types.ErrInvalidStep},
		{"a sibling past the modulus", func(st *types.SubtreeStep) { st.OutboxGrowth.Siblings[0] = modulusBytes() }, types.ErrInvalidField},
		{"a leaf step carrying an outbox", func(st *types.SubtreeStep) { st.Kind = subtree.KindLeaf }, types.ErrInvalidStep},
		{"a leaf step carrying a growth proof", func(st *types.SubtreeStep) { st.Kind, st.ParentOutbox = subtree.KindLeaf, nil }, types.ErrInvalidStep},
		{"a forced step carrying a report", func(st *types.SubtreeStep) {
			st.Report = []acceptancetypes.HistogramBucket{{Height: 6, Count: 1}}
		}, types.ErrInvalidStep},
	} {
		s.Run(tc.name, func() {
			m := cloneUpdate(valid)
			st := valid.Steps[0]
			g := *st.OutboxGrowth
			g.Siblings = append([][]byte(nil), g.Siblings...)
			st.OutboxGrowth = &g
			tc.change(&st)
			m.Steps = []types.SubtreeStep{st}
			s.Require().ErrorIs(m.ValidateStateless(), tc.want)
		})
	}

	_, err = s.msgs.SubmitUpdate(s.env.Ctx, valid)
	s.Require().NoError(err)
	s.Require().Equal(1, s.provenCount(1, 1), "1-1's commitment after the forced deposit is proven")
}

// TestForcedNodeStepChecked: a grandchild that has children and minted a forced deposit of child
// 1 moves by a forced node ledger step (kind 10), under node_ledger_forced_step_key only, with
// the outbox checked as for kind 9 and its report bounding child 1's as any node step's does.
func (s *KeeperTestSuite) TestForcedNodeStepChecked() {
	sys, _ := s.stepKeys()
	leafForced, nodeForced := s.forcedKeys()
	c, res, out, then := s.forcedSetup(sys)
	below := acceptancetypes.Histogram{{Height: 3, Count: 1}, {Height: 6, Count: 1}} // 1-1-1 at 3, 1-1 at 6
	build := func(stepSys stepSystem, outbox fr.Element) *types.MsgSubmitUpdate {
		next, g := c.replay(s, 1), newGrandchildren(s)
		msg := s.updateBatches(next, 1, res.Commitment, 6, []inbound{out(30, 0), out(10, 1)})
		gr, err := next.state.Outbox().ProveGrowth(1)
		s.Require().NoError(err)
		msg.Steps = []types.SubtreeStep{g.forcedNodeStep(s, stepSys, 1, 6, below, outbox, gr)}
		g.roots(s, next)
		msg.NewCommitment.ChildrenRoot = hash.EncodeElement(next.childrenRoot)
		report(msg, 3, 3, 1, 6, 2) // 1-1-1 at 3; 1-1 and child 1 at 6
		return msg
	}
	_, err := s.msgs.SubmitUpdate(s.env.Ctx, build(nodeForced, then))
	s.Require().ErrorIs(err, types.ErrStepKindDisabled, "no node_ledger_forced_step_key")
	p, err := s.keeper.Params.Get(s.env.Ctx)
	s.Require().NoError(err)
	p.LeafForcedStepKey, p.NodeLedgerForcedStepKey = leafForced.vk, nodeForced.vk
	s.Require().NoError(p.Validate())
	s.Require().NoError(s.keeper.Params.Set(s.env.Ctx, p))

	_, err = s.msgs.SubmitUpdate(s.env.Ctx, build(leafForced, then))
	s.Require().ErrorIs(err, types.ErrInvalidProof, "proven under the forced leaf step's key")
	_, err = s.msgs.SubmitUpdate(s.env.Ctx, build(nodeForced, hash.Uint64(5)))
	s.Require().ErrorIs(err, types.ErrInvalidStep, "an outbox child 1's never was")
	inflated := build(nodeForced, then)
	report(inflated, 4, 3, 2, 6, 2)
	_, err = s.msgs.SubmitUpdate(s.env.Ctx, inflated)
	s.Require().ErrorIs(err, types.ErrUnprovenReport, "child 1 counts one descendant more than the proven report")

	_, err = s.msgs.SubmitUpdate(s.env.Ctx, build(nodeForced, then))
	s.Require().NoError(err)
	gr, err := s.keeper.GrandchildReports.Get(s.env.Ctx, collections.Join(uint32(1), uint32(1)))
	s.Require().NoError(err)
	s.Require().Equal(acceptancetypes.HistogramToProto(below), gr.Report, "the proven report of 1-1")
}
