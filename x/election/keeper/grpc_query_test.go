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
		{"the open round of a child without one", func() error {
			_, err := f.query.OpenRound(f.ctx, &types.QueryOpenRoundRequest{ChildIndex: 1})
			return err
		}, codes.NotFound, "child 1 has no open emergency round"},
		{"a round never opened", func() error {
			_, err := f.query.Round(f.ctx, &types.QueryRoundRequest{RoundId: 4})
			return err
		}, codes.NotFound, "no round 4 on this chain"},
	})
}
