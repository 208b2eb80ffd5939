package keeper_test

import (
	"google.golang.org/grpc/codes"

	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/testutil/querytest"
	"github.com/slush-tree/slush/x/validium/types"
)

// TestQueryMissingRecords: x/validium queries for a child, exit or route the chain does not hold
// answer NotFound naming it (`child 9` answered gRPC Unknown); an index or hash that can never name
// one is InvalidArgument.
func (s *KeeperTestSuite) TestQueryMissingRecords() {
	ctx := s.env.Ctx
	unknown := hash.EncodeElement(hash.Uint64(0x27fa))
	querytest.Run(s.T(), []querytest.Case{
		{"an unregistered child", func() error {
			_, err := s.query.Child(ctx, &types.QueryChildRequest{Index: 9})
			return err
		}, codes.NotFound, "no child registered at index 9"},
		{"child 0", func() error {
			_, err := s.query.Child(ctx, &types.QueryChildRequest{Index: 0})
			return err
		}, codes.InvalidArgument, "child index 0: must be 1..255"},
		{"the children-SMT path of child 256", func() error {
			_, err := s.query.ChildProof(ctx, &types.QueryChildProofRequest{Index: 256})
			return err
		}, codes.InvalidArgument, "child index 256"},
		{"an exit never paid", func() error {
			_, err := s.query.Exit(ctx, &types.QueryExitRequest{ChildIndex: 1, AccountIndex: 3})
			return err
		}, codes.NotFound, "no such exit"},
		{"the route of a message never routed here", func() error {
			_, err := s.query.Route(ctx, &types.QueryRouteRequest{MessageHash: unknown})
			return err
		}, codes.NotFound, "was never routed through this chain"},
		{"a route by a 2-byte hash", func() error {
			_, err := s.query.Route(ctx, &types.QueryRouteRequest{MessageHash: []byte{0x27, 0xfa}})
			return err
		}, codes.InvalidArgument, "got 2 bytes"},
	})
}
