package keeper_test

import (
	"fmt"

	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/ledger"
	"github.com/slush-tree/slush/circuits/subtree"
	treetypes "github.com/slush-tree/slush/x/tree/types"
	"github.com/slush-tree/slush/x/validium/types"
)

// belowRoot makes this chain the one at path in RECURSIVE mode with max_steps_per_update m,
// declares the anchors 5, 6 and 8 as a chain below the root knows them, moves to block 10 and
// registers child 1 with the ledger circuit's key.
func (s *KeeperTestSuite) belowRoot(m uint32, path ...uint32) *childLedger {
	sys, _ := s.stepKeys()
	var id *treetypes.TreeIdentity
	if len(path) > 0 {
		id = childIdentity(path...)
	}
	s.setIdentity(id)
	s.anchors = s.newAnchors(5, 6, 8)
	s.env.Ctx = s.env.Ctx.WithBlockHeight(10)
	vid := make([]uint8, 0, len(path)+1)
	for _, i := range path {
		vid = append(vid, uint8(i))
	}
	c := newChildLedger(s, append(vid, 1))
	s.registerLedgerChild(c, 1)
	s.recursive(sys)
	p, err := s.keeper.Params.Get(s.env.Ctx)
	s.Require().NoError(err)
	p.MaxStepsPerUpdate, p.MaxBatchesPerUpdate = m, 4
	s.Require().NoError(s.keeper.Params.Set(s.env.Ctx, p))
	return c
}

// claims deposits n messages to c (before any anchor is sealed) and returns one batch group
// claiming each: a batch must change the ledger unless it is an update's only one.
func claims(c *childLedger, n int) [][]inbound {
	out := make([][]inbound, n)
	for i := range out {
		out[i] = []inbound{claimed(c.deposit(fmt.Sprintf("claim-%d", i), uint64(i+1)))}
	}
	return out
}

// TestStepBudget (issue 16, docs/PROTOCOL.md "The rate of child updates"): a chain whose parent
// proves its children's moves by steps accepts a child update only with a batch proof, and only
// as many child updates a block as its parent can prove in one update — max_steps_per_update
// one level below the root, one less per level further down —; the next block has a new budget.
// The root, whose children's updates nothing steps, takes both. Refused updates are built on a
// branch of the child's ledger (replay), so the accepted ones continue from what was accepted.
func (s *KeeperTestSuite) TestStepBudget() {
	s.Run("a child of the root: budget max_steps_per_update", func() {
		s.SetupTest()
		c := s.belowRoot(2, 1)
		in := claims(c, 3)
		_, err := s.msgs.SubmitUpdate(s.env.Ctx, s.updateBatches(c.replay(s, 0), 1, nil, 5))
		s.Require().ErrorIs(err, types.ErrUpdateWithoutBatch)
		_, err = s.msgs.SubmitUpdate(s.env.Ctx, s.updateBatches(c.replay(s, 0), 1, nil, 5, in...))
		s.Require().ErrorIs(err, types.ErrStepBudgetExceeded, "3 batches cost 3 steps above, the budget is 2")
		res, err := s.msgs.SubmitUpdate(s.env.Ctx, s.updateBatches(c, 1, nil, 5, in[:2]...))
		s.Require().NoError(err)

		next := s.updateBatches(c, 1, res.Commitment, 6, in[2])
		_, err = s.msgs.SubmitUpdate(s.env.Ctx, next)
		s.Require().ErrorIs(err, types.ErrStepBudgetExceeded, "the block spent its budget")
		s.env.Ctx = s.stack.nextBlock(s.env.Ctx, 11)
		_, err = s.msgs.SubmitUpdate(s.env.Ctx, next)
		s.Require().NoError(err, "a new block, a new budget")
	})
	s.Run("a batch with more forced entries than a forced step opens", func() {
		s.SetupTest()
		c := s.belowRoot(16, 1)
		msg := s.updateBatches(c.replay(s, 0), 1, nil, 5, claims(c, 1)...)
		msg.InboxEntries = nil
		for i := 0; i <= subtree.MaxForcedPerBatch; i++ {
			msg.InboxEntries = append(msg.InboxEntries, types.InboxEntry{MessageHash: hash.EncodeElement(hash.Uint64(uint64(100 + i))), Source: uint32(ledger.SourceForced)})
		}
		msg.Batches[0].InboxEntries = uint32(len(msg.InboxEntries))
		s.Require().NoError(msg.ValidateStateless())
		_, err := s.msgs.SubmitUpdate(s.env.Ctx, msg)
		s.Require().ErrorIs(err, types.ErrTooManyForcedEntries)
	})
	s.Run("steps carried count as much as batches", func() {
		s.SetupTest()
		c := s.belowRoot(2, 1)
		in := claims(c, 1)
		sys, _ := s.stepKeys()
		g := newGrandchildren(s)
		msg := s.updateBatches(c.replay(s, 0), 1, nil, 5, in...)
		msg.Steps = []types.SubtreeStep{g.step(s, sys, 1, hash.Uint64(0x11), 5, true), g.step(s, sys, 2, hash.Uint64(0x12), 5, true)}
		_, err := s.msgs.SubmitUpdate(s.env.Ctx, msg)
		s.Require().ErrorIs(err, types.ErrStepBudgetExceeded, "1 batch and 2 steps cost 3 steps above: over the budget of 2")
		s.Require().ErrorContains(err, "1 batches and 2 steps cost 3")
	})
	s.Run("two levels down: one step less", func() {
		s.SetupTest()
		c := s.belowRoot(2, 1, 1)
		in := claims(c, 2)
		_, err := s.msgs.SubmitUpdate(s.env.Ctx, s.updateBatches(c.replay(s, 0), 1, nil, 5, in...))
		s.Require().ErrorIs(err, types.ErrStepBudgetExceeded)
		_, err = s.msgs.SubmitUpdate(s.env.Ctx, s.updateBatches(c, 1, nil, 5, in[0]))
		s.Require().NoError(err)
	})
	s.Run("the root: no budget", func() {
		s.SetupTest()
		c := s.belowRoot(2)
		in := claims(c, 4)
		res, err := s.msgs.SubmitUpdate(s.env.Ctx, s.updateBatches(c, 1, nil, 5, in[:3]...))
		s.Require().NoError(err)
		res, err = s.msgs.SubmitUpdate(s.env.Ctx, s.updateBatches(c, 1, res.Commitment, 6, in[3]))
		s.Require().NoError(err)
		_, err = s.msgs.SubmitUpdate(s.env.Ctx, s.updateBatches(c, 1, res.Commitment, 8))
		s.Require().NoError(err, "an anchor-only update")
	})
}
