package keeper_test

import (
	"testing"

	"google.golang.org/grpc/codes"

	"github.com/slush-tree/slush/testutil/querytest"
	"github.com/slush-tree/slush/x/election/types"
)

// TestQueryMissingRecords: x/election queries for a round the chain does not hold answer NotFound
// naming it (`open-round 1` answered an empty round).
func TestQueryMissingRecords(t *testing.T) {
	f := newFixture(t)
	querytest.Run(t, []querytest.Case{
		{Name: "the open round of a child without one", Query: func() error {
			_, err := f.query.OpenRound(f.ctx, &types.QueryOpenRoundRequest{ChildIndex: 1})
			return err
		}, Code: codes.NotFound, Text: "child 1 has no open emergency round"},
		{Name: "a round never opened", Query: func() error {
			_, err := f.query.Round(f.ctx, &types.QueryRoundRequest{RoundId: 4})
			return err
		}, Code: codes.NotFound, Text: "no round 4 on this chain"},
		{Name: "the open root election of a replica without one", Query: func() error {
			_, err := f.query.OpenRootElection(f.ctx, &types.QueryOpenRootElectionRequest{})
			return err
		}, Code: codes.NotFound, Text: "no root election is open on this chain"},
		{Name: "a root election never opened", Query: func() error {
			_, err := f.query.RootElection(f.ctx, &types.QueryRootElectionRequest{ElectionId: 3})
			return err
		}, Code: codes.NotFound, Text: "no root election 3 on this chain"},
		{Name: "the result of a root epoch never re-elected", Query: func() error {
			_, err := f.query.RootElectionResult(f.ctx, &types.QueryRootElectionResultRequest{Epoch: 2})
			return err
		}, Code: codes.NotFound, Text: "root epoch 2 was not re-elected on this chain"},
	})
}
