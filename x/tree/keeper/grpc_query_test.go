package keeper_test

import (
	"testing"

	"google.golang.org/grpc/codes"

	"github.com/slush-tree/slush/testutil/querytest"
	"github.com/slush-tree/slush/x/tree/keeper"
	"github.com/slush-tree/slush/x/tree/types"
)

// TestQueryMissingRecords: every x/tree query for a record the chain does not hold answers
// NotFound naming what is missing; a hash argument that can never name one is InvalidArgument.
func TestQueryMissingRecords(t *testing.T) {
	env, k := newKeeper(t, types.DefaultGenesisState()) // the root, before its first block
	q := keeper.NewQueryServerImpl(&k)
	querytest.Run(t, []querytest.Case{
		{Name: "latest commitment before the first block", Query: func() error {
			_, err := q.Commitment(env.Ctx, &types.QueryCommitmentRequest{})
			return err
		}, Code: codes.NotFound, Text: "this chain has made no commitment yet"},
		{Name: "commitment at a height never made", Query: func() error {
			_, err := q.Commitment(env.Ctx, &types.QueryCommitmentRequest{Height: 99})
			return err
		}, Code: codes.NotFound, Text: "no own commitment at height 99"},
		{Name: "commitment by an unknown hash", Query: func() error {
			_, err := q.CommitmentByHash(env.Ctx, &types.QueryCommitmentByHashRequest{Commitment: commitmentOf(7)})
			return err
		}, Code: codes.NotFound, Text: "no own commitment with hash " + "00000000000000000000000000000000000000000000000000000000000000" + "07"},
		{Name: "commitment by a 2-byte hash", Query: func() error {
			_, err := q.CommitmentByHash(env.Ctx, &types.QueryCommitmentByHashRequest{Commitment: []byte{0xff, 0x01}})
			return err
		}, Code: codes.InvalidArgument, Text: "commitment hash must be 32 bytes (64 hex digits, or base64), got 2 bytes"},
		{Name: "commitment by a hash above the modulus", Query: func() error {
			_, err := q.CommitmentByHash(env.Ctx, &types.QueryCommitmentByHashRequest{Commitment: aboveModulus})
			return err
		}, Code: codes.InvalidArgument, Text: "not a canonical field element"},
		{Name: "the root's parent client", Query: func() error {
			_, err := q.ParentClient(env.Ctx, &types.QueryParentClientRequest{})
			return err
		}, Code: codes.NotFound, Text: "this chain tracks no parent"},
	})
}
