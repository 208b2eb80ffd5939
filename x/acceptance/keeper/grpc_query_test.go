package keeper_test

import (
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"

	"github.com/slush-tree/slush/testutil/querytest"
	"github.com/slush-tree/slush/x/acceptance/keeper"
	"github.com/slush-tree/slush/x/acceptance/types"
)

// TestQueryMissingRecords: every x/acceptance query for a record the chain does not hold answers
// NotFound naming what is missing (it answered an empty response with found = false); an index
// that can never name a child is InvalidArgument, and finality asked of a non-root chain is
// FailedPrecondition, pointing to the right query.
func TestQueryMissingRecords(t *testing.T) {
	env, k := setupNode(t, true)
	require.NoError(t, k.OnChildRegistered(env.Ctx, 1))
	q := keeper.NewQueryServerImpl(&k)
	envChild, kChild := setupNode(t, false)
	qChild := keeper.NewQueryServerImpl(&kChild)
	querytest.Run(t, []querytest.Case{
		{Name: "root finality before any update", Query: func() error {
			_, err := q.Finality(env.Ctx, &types.QueryFinalityRequest{})
			return err
		}, Code: codes.NotFound, Text: "no root commitment is final yet"},
		{Name: "finality on a non-root chain", Query: func() error {
			_, err := qChild.Finality(envChild.Ctx, &types.QueryFinalityRequest{})
			return err
		}, Code: codes.FailedPrecondition, Text: "ask the root chain"},
		{Name: "finalized hash of an unregistered child", Query: func() error {
			_, err := q.Finalized(env.Ctx, &types.QueryFinalizedRequest{ChildIndex: 9})
			return err
		}, Code: codes.NotFound, Text: "no acceptance record of child 9: no child is registered at that index"},
		{Name: "finalized hash of a child not final yet", Query: func() error {
			_, err := q.Finalized(env.Ctx, &types.QueryFinalizedRequest{ChildIndex: 1})
			return err
		}, Code: codes.NotFound, Text: "child 1 has no finalized commitment yet"},
		{Name: "pairs of child 0", Query: func() error {
			_, err := q.Pairs(env.Ctx, &types.QueryPairsRequest{ChildIndex: 0})
			return err
		}, Code: codes.InvalidArgument, Text: "invalid child index"},
		{Name: "pairs of an unregistered child", Query: func() error {
			_, err := q.Pairs(env.Ctx, &types.QueryPairsRequest{ChildIndex: 9})
			return err
		}, Code: codes.NotFound, Text: "no acceptance record of child 9"},
		{Name: "subtree report before the first commitment", Query: func() error {
			_, err := q.Subtree(env.Ctx, &types.QuerySubtreeRequest{})
			return err
		}, Code: codes.NotFound, Text: "this chain has made no commitment yet"},
		{Name: "finalized child proof of a child not final yet", Query: func() error {
			_, err := q.FinalizedChildProof(env.Ctx, &types.QueryFinalizedChildProofRequest{ChildIndex: 1})
			return err
		}, Code: codes.NotFound, Text: "child has no finalized hash"},
	})
	pairs, err := q.Pairs(env.Ctx, &types.QueryPairsRequest{ChildIndex: 1})
	require.NoError(t, err, "a registered child without updates has a record")
	require.Empty(t, pairs.Pairs)
}
