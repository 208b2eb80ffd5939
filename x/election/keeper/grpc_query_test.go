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
	})
}
