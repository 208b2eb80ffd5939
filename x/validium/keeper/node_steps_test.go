package keeper_test

import (
	"sync"

	"cosmossdk.io/collections"

	"github.com/slush-tree/slush/circuits/commitment"
	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/subtree"
	slushtypes "github.com/slush-tree/slush/types"
	acceptancetypes "github.com/slush-tree/slush/x/acceptance/types"
	"github.com/slush-tree/slush/x/validium/types"
)

var (
	nodeOnce    sync.Once
	nodeChildSy stepSystem
	nodeErr     error
)

// nodeKeys are stand-ins for the node ledger and node child step keys (another setup each, so
// that a proof under one kind's key fails under the other's).
func (s *KeeperTestSuite) nodeKeys() (ledgerSys, childSys stepSystem) {
	_, other := s.stepKeys()
	nodeOnce.Do(func() { nodeChildSy, nodeErr = newStepSystem(8) })
	s.Require().NoError(nodeErr)
	return other, nodeChildSy
}

// withNodeKeys gives this chain's params the node step keys.
func (s *KeeperTestSuite) withNodeKeys(ledgerSys, childSys stepSystem) {
	s.editParams(func(p *types.Params) { p.NodeLedgerStepKey, p.NodeChildStepKey = ledgerSys.vk, childSys.vk })
}

// editParams changes this chain's params by edit; the result must be valid.
func (s *KeeperTestSuite) editParams(edit func(*types.Params)) {
	p, err := s.keeper.Params.Get(s.env.Ctx)
	s.Require().NoError(err)
	edit(&p)
	s.Require().NoError(p.Validate())
	s.Require().NoError(s.keeper.Params.Set(s.env.Ctx, p))
}

// nodeStep moves grandchild index of child 1 — a chain with children — to a commitment of vid
// 1-vidIndex anchored at anchor whose report is report, stated as kind and proven by sys.
func (g grandchildren) nodeStep(s *KeeperTestSuite, sys stepSystem, kind uint32, index, vidIndex uint8, anchor uint64, report acceptancetypes.Histogram) types.SubtreeStep {
	anchorC, err := hash.DecodeElement(s.anchorAt(anchor))
	s.Require().NoError(err)
	c := commitment.Commitment{
		Vid: commitment.MustPackVid([]uint8{1, vidIndex}), ChildrenRoot: hash.Uint64(0xc0 + anchor),
		AnchorHeight: anchor, AnchorCommitment: anchorC, AcceptanceDigest: report.Digest(),
	}
	leaf := c.Hash()
	before, err := g.tree.Root()
	s.Require().NoError(err)
	s.Require().NoError(g.tree.SetChild(index, leaf))
	after, err := g.tree.Root()
	s.Require().NoError(err)
	pub := subtree.StepPublic{Kind: uint64(kind), ChildVid: commitment.MustPackVid([]uint8{1, index}), Index: index,
		RootBefore: before, RootAfter: after, AnchorHeight: anchor, AnchorCommitment: anchorC, Leaf: leaf}
	fields := slushtypes.NewCommitmentFields(c)
	return types.SubtreeStep{Kind: kind, Index: uint32(index), RootAfter: hash.EncodeElement(after),
		Leaf: hash.EncodeElement(leaf), AnchorHeight: anchor, Proof: sys.prove(s, pub),
		Commitment: &fields, Report: acceptancetypes.HistogramToProto(report)}
}

// TestNodeStepsAccepted (issue 16): in RECURSIVE mode a grandchild that has children moves by
// node steps — kind 3 under node_ledger_step_key, kind 4 under node_child_step_key, refused
// without them — carrying its commitment and the report the node step proved; that report, not
// the child's word, bounds what the child reports: a grandchild counts what its proven report
// counts, so a thousand invented descendants below it are refused.
func (s *KeeperTestSuite) TestNodeStepsAccepted() {
	sys, _ := s.stepKeys()
	ledgerSys, childSys := s.nodeKeys()
	c := s.setupUpdates()
	s.recursive(sys)
	below := acceptancetypes.Histogram{{Height: 3, Count: 1}, {Height: 5, Count: 1}} // 1-1-1 at 3, 1-1 at 5

	submit := func(st types.SubtreeStep, g grandchildren, prev []byte, anchor, b uint64, buckets ...uint64) ([]byte, error) {
		return s.submitNodeStep(c, st, g, prev, anchor, b, buckets...)
	}

	g := newGrandchildren(s)
	_, err := submit(g.nodeStep(s, ledgerSys, subtree.KindNodeLedger, 1, 1, 5, below), g, nil, 5, 3, 3, 1, 5, 2)
	s.Require().ErrorIs(err, types.ErrStepKindDisabled, "no node key: kind 3 is refused")
	s.withNodeKeys(ledgerSys, childSys)

	for _, tc := range []struct {
		name string
		step func(g grandchildren) types.SubtreeStep
		want error
	}{
		{"a node ledger step proven under the node child key", func(g grandchildren) types.SubtreeStep {
			return g.nodeStep(s, childSys, subtree.KindNodeLedger, 1, 1, 5, below)
		}, types.ErrInvalidProof},
		{"a node step stated under the leaf kind's key", func(g grandchildren) types.SubtreeStep {
			return g.nodeStep(s, sys, subtree.KindNodeLedger, 1, 1, 5, below)
		}, types.ErrInvalidProof},
		{"a commitment of another grandchild", func(g grandchildren) types.SubtreeStep {
			return g.nodeStep(s, ledgerSys, subtree.KindNodeLedger, 1, 2, 5, below)
		}, types.ErrInvalidStep},
	} {
		s.Run(tc.name, func() {
			g := newGrandchildren(s)
			_, err := submit(tc.step(g), g, nil, 5, 3, 3, 1, 5, 2)
			s.Require().ErrorIs(err, tc.want)
			s.requireChildUnchanged()
		})
	}

	// 1-1 with one child of its own: child 1's report may count 1-1-1 at 3 and 1-1 at 5, no more.
	g = newGrandchildren(s)
	first := g.nodeStep(s, ledgerSys, subtree.KindNodeLedger, 1, 1, 5, below)
	for _, tc := range []struct {
		name    string
		b       uint64
		buckets []uint64
	}{
		{"three at 5", 3, []uint64{5, 3}},
		{"1-1-1 hidden from the subtree size", 2, []uint64{3, 1, 5, 2}},
		{"a thousand below 1-1", 1002, []uint64{3, 1000, 5, 2}},
	} {
		s.Run(tc.name, func() {
			_, err := submit(first, g, nil, 5, tc.b, tc.buckets...)
			s.Require().ErrorIs(err, types.ErrUnprovenReport)
		})
	}
	prev, err := submit(first, g, nil, 5, 3, 3, 1, 5, 2)
	s.Require().NoError(err)
	s.requireGrandchildReport(1, 1, first)

	// 1-1's children root moves (a node child step keeps its anchor); its new report counts
	// 1-1-1 again at 5.
	again := acceptancetypes.Histogram{{Height: 5, Count: 2}}
	next := g.nodeStep(s, childSys, subtree.KindNodeChild, 1, 1, 5, again)
	_, err = submit(next, g, prev, 6, 3, 3, 1, 5, 2, 6, 1)
	s.Require().ErrorIs(err, types.ErrUnprovenReport, "1-1-1's update at 3 is no longer in any proven report")
	_, err = submit(next, g, prev, 6, 3, 5, 2, 6, 1)
	s.Require().NoError(err)
	s.requireGrandchildReport(1, 1, next)

	exported, err := s.keeper.ExportGenesis(s.env.Ctx)
	s.Require().NoError(err)
	s.Require().Len(exported.GrandchildReports, 1)
	s.Require().NoError(exported.Validate())
	s.requireImportsAs(exported)
}

// submitNodeStep submits child 1's update from prev anchored at anchor, its children roots g's,
// carrying step st and reporting b descendants in buckets (height, count pairs), and returns the
// accepted commitment.
func (s *KeeperTestSuite) submitNodeStep(c *childLedger, st types.SubtreeStep, g grandchildren, prev []byte, anchor, b uint64, buckets ...uint64) ([]byte, error) {
	g.roots(s, c)
	msg := s.updateBatches(c, 1, prev, anchor)
	msg.Steps = []types.SubtreeStep{st}
	report(msg, b, buckets...)
	res, err := s.msgs.SubmitUpdate(s.env.Ctx, msg)
	if err != nil {
		return nil, err
	}
	return res.Commitment, nil
}

// requireGrandchildReport asserts the stored report of (child, grandchild) is step st's.
func (s *KeeperTestSuite) requireGrandchildReport(child, grandchild uint32, st types.SubtreeStep) {
	r, err := s.keeper.GrandchildReports.Get(s.env.Ctx, collections.Join(child, grandchild))
	s.Require().NoError(err)
	s.Require().Equal(st.Leaf, r.Commitment)
	s.Require().Equal(st.Report, r.Report)
	res, err := s.query.GrandchildReport(s.env.Ctx, &types.QueryGrandchildReportRequest{ChildIndex: child, Index: grandchild})
	s.Require().NoError(err)
	s.Require().Equal(r, res.Report)
}

var (
	variantOnce sync.Once
	variantSy   stepSystem
	variantErr  error
)

// variantSetup starts a test of a variant node step kind (11, 12): child 1 updating to this
// RECURSIVE chain, which has the node step keys (ledgerSys, childSys) but not the variant's, and a
// stand-in for the variant's key (variant: a setup of its own, so that a proof under the plain
// kind's key fails under it).
func (s *KeeperTestSuite) variantSetup() (c *childLedger, ledgerSys, childSys, variant stepSystem) {
	sys, _ := s.stepKeys()
	ledgerSys, childSys = s.nodeKeys()
	variantOnce.Do(func() { variantSy, variantErr = newStepSystem(8) })
	s.Require().NoError(variantErr)
	c = s.setupUpdates()
	s.recursive(sys)
	s.withNodeKeys(ledgerSys, childSys)
	return c, ledgerSys, childSys, variantSy
}

// TestNodeChildForcedStepAccepted (forced deposits into grandchildren): a node child step over a
// forced leaf step (kind 11, whose circuit proves the forced deposits' outbox an earlier state of
// the grandchild's) is verified under node_child_forced_step_key — refused while it is empty, and
// refused when proven under the plain node child key — and moves the grandchild like kind 4.
func (s *KeeperTestSuite) TestNodeChildForcedStepAccepted() {
	c, ledgerSys, childSys, nodeForcedSy := s.variantSetup()
	below := acceptancetypes.Histogram{{Height: 3, Count: 1}, {Height: 5, Count: 1}}
	submit := func(st types.SubtreeStep, g grandchildren, prev []byte, anchor, b uint64, buckets ...uint64) ([]byte, error) {
		return s.submitNodeStep(c, st, g, prev, anchor, b, buckets...)
	}
	g := newGrandchildren(s)
	prev, err := submit(g.nodeStep(s, ledgerSys, subtree.KindNodeLedger, 1, 1, 5, below), g, nil, 5, 3, 3, 1, 5, 2)
	s.Require().NoError(err)

	// forced is 1-1's next move, a kind 11 proven by sys, over its own copy of 1's grandchildren
	// (the same first move replayed: the steps are deterministic)
	again := acceptancetypes.Histogram{{Height: 5, Count: 2}}
	forced := func(sys stepSystem) (types.SubtreeStep, grandchildren) {
		g := newGrandchildren(s)
		g.nodeStep(s, ledgerSys, subtree.KindNodeLedger, 1, 1, 5, below)
		return g.nodeStep(s, sys, subtree.KindNodeChildForced, 1, 1, 5, again), g
	}
	st, moved := forced(nodeForcedSy)
	_, err = submit(st, moved, prev, 6, 3, 5, 2, 6, 1)
	s.Require().ErrorIs(err, types.ErrStepKindDisabled, "no forced node child key: kind 11 is refused")

	s.editParams(func(p *types.Params) { p.NodeChildForcedStepKey = nodeForcedSy.vk })
	plain, moved := forced(childSys)
	_, err = submit(plain, moved, prev, 6, 3, 5, 2, 6, 1)
	s.Require().ErrorIs(err, types.ErrInvalidProof, "kind 11 proven under the plain node child key")

	_, err = submit(st, moved, prev, 6, 3, 5, 2, 6, 1)
	s.Require().NoError(err)
	s.requireGrandchildReport(1, 1, st)
}

// TestNodeLedgerExitStepAccepted (exits below a grandchild): a node ledger step over a batch that
// credited exits from the grandchild's frozen children (kind 12, whose circuit opens each exit
// under the grandchild's finalized children root) is verified under node_ledger_exit_step_key —
// refused while it is empty, and refused when proven under the plain node ledger key — and moves
// the grandchild like kind 3.
func (s *KeeperTestSuite) TestNodeLedgerExitStepAccepted() {
	c, ledgerSys, _, exitSys := s.variantSetup()
	below := acceptancetypes.Histogram{{Height: 3, Count: 1}, {Height: 5, Count: 1}}
	exit := func(sys stepSystem) (types.SubtreeStep, grandchildren) {
		g := newGrandchildren(s)
		return g.nodeStep(s, sys, subtree.KindNodeLedgerExit, 1, 1, 5, below), g
	}
	st, g := exit(exitSys)
	_, err := s.submitNodeStep(c, st, g, nil, 5, 3, 3, 1, 5, 2)
	s.Require().ErrorIs(err, types.ErrStepKindDisabled, "no node ledger exit key: kind 12 is refused")

	s.editParams(func(p *types.Params) { p.NodeLedgerExitStepKey = exitSys.vk })
	plain, g := exit(ledgerSys)
	_, err = s.submitNodeStep(c, plain, g, nil, 5, 3, 3, 1, 5, 2)
	s.Require().ErrorIs(err, types.ErrInvalidProof, "kind 12 proven under the plain node ledger key")

	st, g = exit(exitSys)
	_, err = s.submitNodeStep(c, st, g, nil, 5, 3, 3, 1, 5, 2)
	s.Require().NoError(err)
	s.requireGrandchildReport(1, 1, st)
}
