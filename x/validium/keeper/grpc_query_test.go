package keeper_test

import (
	"google.golang.org/grpc/codes"

	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/testutil/querytest"
	"github.com/slush-tree/slush/x/validium/types"
)

// TestQueryMissingRecords: x/validium queries for a child, exit, route, proven commitment or
// proven report the chain does not hold
// answer NotFound naming it (`child 9` answered gRPC Unknown); an index or hash that can never name
// one is InvalidArgument.
func (s *KeeperTestSuite) TestQueryMissingRecords() {
	ctx := s.env.Ctx
	unknown := hash.EncodeElement(hash.Uint64(0x27fa))
	querytest.Run(s.T(), []querytest.Case{
		{Name: "an unregistered child", Query: func() error {
			_, err := s.query.Child(ctx, &types.QueryChildRequest{Index: 9})
			return err
		}, Code: codes.NotFound, Text: "no child registered at index 9"},
		{Name: "child 0", Query: func() error {
			_, err := s.query.Child(ctx, &types.QueryChildRequest{Index: 0})
			return err
		}, Code: codes.InvalidArgument, Text: "child index 0: must be 1..255"},
		{Name: "the children-SMT path of child 256", Query: func() error {
			_, err := s.query.ChildProof(ctx, &types.QueryChildProofRequest{Index: 256})
			return err
		}, Code: codes.InvalidArgument, Text: "child index 256"},
		{Name: "an exit never paid", Query: func() error {
			_, err := s.query.Exit(ctx, &types.QueryExitRequest{ChildIndex: 1, AccountIndex: 3})
			return err
		}, Code: codes.NotFound, Text: "no such exit"},
		{Name: "the route of a message never routed here", Query: func() error {
			_, err := s.query.Route(ctx, &types.QueryRouteRequest{MessageHash: unknown})
			return err
		}, Code: codes.NotFound, Text: "was never routed through this chain"},
		{Name: "a route by a 2-byte hash", Query: func() error {
			_, err := s.query.Route(ctx, &types.QueryRouteRequest{MessageHash: []byte{0x27, 0xfa}})
			return err
		}, Code: codes.InvalidArgument, Text: "got 2 bytes"},
		{Name: "the proven commitments of a grandchild without any", Query: func() error {
			_, err := s.query.ProvenLeaves(ctx, &types.QueryProvenLeavesRequest{ChildIndex: 1, Index: 2})
			return err
		}, Code: codes.NotFound, Text: "no proven commitment of grandchild 2 under child 1"},
		{Name: "the proven commitments of grandchild 0", Query: func() error {
			_, err := s.query.ProvenLeaves(ctx, &types.QueryProvenLeavesRequest{ChildIndex: 1, Index: 0})
			return err
		}, Code: codes.InvalidArgument, Text: "child index 0"},
		{Name: "the proven report of a grandchild without one", Query: func() error {
			_, err := s.query.GrandchildReport(ctx, &types.QueryGrandchildReportRequest{ChildIndex: 1, Index: 2})
			return err
		}, Code: codes.NotFound, Text: "no proven report of grandchild 2 under child 1"},
		{Name: "the proven report of grandchild 256", Query: func() error {
			_, err := s.query.GrandchildReport(ctx, &types.QueryGrandchildReportRequest{ChildIndex: 1, Index: 256})
			return err
		}, Code: codes.InvalidArgument, Text: "256"},
	})
}
