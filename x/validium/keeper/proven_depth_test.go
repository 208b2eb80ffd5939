package keeper_test

import (
	"github.com/slush-tree/slush/circuits/commitment"
	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/ledger"
	"github.com/slush-tree/slush/circuits/smt"
	"github.com/slush-tree/slush/circuits/subtree"
	treetypes "github.com/slush-tree/slush/x/tree/types"
	"github.com/slush-tree/slush/x/validium/types"
)

// identityAt is the tree identity of the chain at path (the root's for an empty one).
func identityAt(path []uint8) *treetypes.TreeIdentity {
	if len(path) == 0 {
		return nil
	}
	indices := make([]uint32, len(path))
	for i, p := range path {
		indices[i] = uint32(p)
	}
	return childIdentity(indices...)
}

// under is path with more indices appended, in a new slice.
func under(path []uint8, more ...uint8) []uint8 {
	return append(append([]uint8(nil), path...), more...)
}

// TestRegistrationWithinProvenDepth (issue 16): under RECURSIVE subtree proofs a chain at depth 3
// registers no child — no step kind proves a chain at depth 4 to the root, so the chains above
// would stop updating — while under ATTESTED, and above depth 3, registration goes on.
func (s *KeeperTestSuite) TestRegistrationWithinProvenDepth() {
	sys, _ := s.stepKeys()
	for _, tc := range []struct {
		name      string
		path      []uint8
		recursive bool
		want      error
	}{
		{"depth 2 under RECURSIVE", []uint8{1, 1}, true, nil},
		{"depth 3 under RECURSIVE", []uint8{1, 1, 1}, true, types.ErrBeyondProvenDepth},
		{"depth 3 under ATTESTED", []uint8{1, 1, 1}, false, nil},
	} {
		s.Run(tc.name, func() {
			s.SetupTest()
			s.setIdentity(identityAt(tc.path))
			if tc.recursive {
				s.recursive(sys)
			}
			empty := ledger.EmptyRoots(ledgerParams) // the genesis RECURSIVE requires
			_, err := s.msgs.RegisterChild(s.env.Ctx, &types.MsgRegisterChild{
				Operator: s.operator(1).String(), VerifyingKey: s.ledgerKeys().vk, Bond: types.DefaultMinChildBond,
				GenesisLedgerRoot: hash.EncodeElement(empty.Ledger), GenesisOutboxRoot: hash.EncodeElement(empty.Outbox),
				GenesisReceiptRoot: hash.EncodeElement(empty.Receipts), OperatorKeyHash: payload(5),
			})
			if tc.want != nil {
				s.Require().ErrorIs(err, tc.want)
				has, err := s.keeper.Children.Has(s.env.Ctx, 1)
				s.Require().NoError(err)
				s.Require().False(has, "nothing registered")
				return
			}
			s.Require().NoError(err)
		})
	}
}

// TestRegisterStepsWithinProvenDepth (issue 16): a RECURSIVE chain refuses a child's register
// step (kind 5) for a chain deeper than 3 and its node register step (kind 6) for one deeper
// than 3, so a dishonest descendant that registered such a chain stalls only itself, never an
// honest chain above it. Child 1 registers 1-1 (kind 5), which registers 1-1-1 (kind 6); the
// same steps, one level down each time, are checked at the root and at depths 1 and 2.
func (s *KeeperTestSuite) TestRegisterStepsWithinProvenDepth() {
	sys, _ := s.stepKeys()
	for _, tc := range []struct {
		name              string
		own               []uint8
		wantReg, wantNode error
	}{
		{"at the root: 1-1 at depth 2, 1-1-1 at 3", nil, nil, nil},
		{"at depth 1: 1-1-1 at depth 4", []uint8{2}, nil, types.ErrBeyondProvenDepth},
		{"at depth 2: 1-1 at depth 4", []uint8{2, 1}, types.ErrBeyondProvenDepth, nil},
	} {
		s.Run(tc.name, func() {
			s.SetupTest()
			s.setIdentity(identityAt(tc.own))
			s.setupUpdates()
			s.recursive(sys)
			g := newGrandchildren(s)
			before, err := g.tree.Root()
			s.Require().NoError(err)
			genesis := genesisOf(under(tc.own, 1, 1), 7)
			reg := g.register(s, 1, genesis)
			kids, err := commitment.NewChildrenTree(smt.NewMemStore())
			s.Require().NoError(err)
			node, _ := g.nodeRegister(s, 1, genesis, subtree.GenesisReport(), kids, 1, genesisOf(under(tc.own, 1, 1, 1), 8))

			after, err := s.keeper.NativeStep(s.env.Ctx, 1, before, reg)
			if tc.wantReg != nil {
				s.Require().ErrorIs(err, tc.wantReg)
				return
			}
			s.Require().NoError(err)
			s.Require().Equal(reg.RootAfter, hash.EncodeElement(after))
			_, err = s.keeper.NativeStep(s.env.Ctx, 1, after, node)
			if tc.wantNode != nil {
				s.Require().ErrorIs(err, tc.wantNode)
				return
			}
			s.Require().NoError(err)
		})
	}
}
