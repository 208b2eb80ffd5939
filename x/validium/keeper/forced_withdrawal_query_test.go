package keeper_test

import (
	"google.golang.org/grpc/codes"

	"github.com/slush-tree/slush/circuits/ledger"
	"github.com/slush-tree/slush/testutil/querytest"
	"github.com/slush-tree/slush/x/validium/types"
)

// TestQueryPendingForcedWithdrawals: the list holds a child's pending withdrawals only, lowest
// sequence first, pages by start_sequence and next_sequence, and is empty (not NotFound) for a
// registered child with none pending; an unregistered child is NotFound.
func (s *KeeperTestSuite) TestQueryPendingForcedWithdrawals() {
	c := s.withdrawalChild()
	list := func(start uint64, limit uint32) *types.QueryPendingForcedWithdrawalsResponse {
		res, err := s.query.PendingForcedWithdrawals(s.env.Ctx, &types.QueryPendingForcedWithdrawalsRequest{ChildIndex: 1, StartSequence: start, Limit: limit})
		s.Require().NoError(err)
		return res
	}
	seqs := func(res *types.QueryPendingForcedWithdrawalsResponse) []uint64 {
		var out []uint64
		for _, w := range res.Withdrawals {
			s.Require().Equal(types.ForcedWithdrawalStatus_FORCED_WITHDRAWAL_STATUS_PENDING, w.Status)
			out = append(out, w.Sequence)
		}
		return out
	}
	s.Require().Empty(list(0, 0).Withdrawals, "none forced yet")

	first := c.withdrawOp(s, 0, 30, 0)
	tree, size := c.queuedOutbox(s)
	for _, op := range []ledger.Op{first, c.withdrawOp(s, 0, 500, 1), c.withdrawOp(s, 0, 10, 2)} {
		_, err := s.msgs.ForceWithdrawal(s.env.Ctx, s.forceMsg(c, op))
		s.Require().NoError(err)
	}
	s.Require().Equal([]uint64{1, 2, 3}, seqs(list(0, 0)))

	s.Require().NoError(c.state.Apply(first))
	s.acceptChild(c, 6)
	_, err := s.prove(1, c.inclusion(s, 0, tree, size), nil)
	s.Require().NoError(err)

	cases := []struct {
		name     string
		start    uint64
		limit    uint32
		want     []uint64
		wantNext uint64
	}{
		{"a proven withdrawal leaves the list", 0, 0, []uint64{2, 3}, 0},
		{"a page of one resumes at the next record", 0, 1, []uint64{2}, 3},
		{"from the next page", 3, 1, []uint64{3}, 0},
		{"past the last record", 4, 0, nil, 0},
	}
	for _, tc := range cases {
		s.Run(tc.name, func() {
			res := list(tc.start, tc.limit)
			s.Require().Equal(tc.want, seqs(res))
			s.Require().Equal(tc.wantNext, res.NextSequence)
		})
	}

	querytest.Run(s.T(), []querytest.Case{
		{Name: "an unregistered child", Query: func() error {
			_, err := s.query.PendingForcedWithdrawals(s.env.Ctx, &types.QueryPendingForcedWithdrawalsRequest{ChildIndex: 9})
			return err
		}, Code: codes.NotFound, Text: "no child registered at index 9"},
		{Name: "child 0", Query: func() error {
			_, err := s.query.PendingForcedWithdrawals(s.env.Ctx, &types.QueryPendingForcedWithdrawalsRequest{})
			return err
		}, Code: codes.InvalidArgument, Text: "child index 0"},
	})
}
