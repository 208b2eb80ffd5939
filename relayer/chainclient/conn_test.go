package chainclient

import (
	"context"
	"errors"
	"fmt"
	"testing"

	ledgertypes "github.com/slush-tree/slush/x/ledger/types"
	treetypes "github.com/slush-tree/slush/x/tree/types"

	abci "github.com/cometbft/cometbft/abci/types"
	gogoproto "github.com/cosmos/gogoproto/proto"

	sdkerrors "github.com/cosmos/cosmos-sdk/types/errors"
	"github.com/stretchr/testify/require"
)

// answering is an ABCIQueryFunc that records the request and answers res (or err).
func answering(got *abci.RequestQuery, res abci.ResponseQuery, err error) ABCIQueryFunc {
	return func(_ context.Context, req abci.RequestQuery) (abci.ResponseQuery, error) {
		*got = req
		return res, err
	}
}

// TestQueriesOverABCI: a typed query is its gRPC method as an ABCI query at the height asked for.
func TestQueriesOverABCI(t *testing.T) {
	ctx := context.Background()
	want := ledgertypes.QueryBatchLogResponse{Ops: []ledgertypes.LoggedOp{{Sequence: 4, Height: 9, Op: []byte{1}}}}
	bz, err := gogoproto.Marshal(&want)
	require.NoError(t, err)
	var req abci.RequestQuery
	q := NewQueries(NewConn("1-2", answering(&req, abci.ResponseQuery{Value: bz}, nil)))

	ops, err := q.BatchLog(ctx, 4, 10, 17)
	require.NoError(t, err)
	require.Equal(t, want.Ops, ops)
	require.Equal(t, "/slush.ledger.v1.Query/BatchLog", req.Path)
	require.Equal(t, int64(17), req.Height)
	require.False(t, req.Prove)
	var sent ledgertypes.QueryBatchLogRequest
	require.NoError(t, gogoproto.Unmarshal(req.Data, &sent))
	require.Equal(t, ledgertypes.QueryBatchLogRequest{From: 4, Limit: 10}, sent)

	_, err = q.BatchLog(AtHeight(ctx, 5), 0, 1, 0)
	require.NoError(t, err)
	require.Zero(t, req.Height, "the height asked for replaces one the context carries")
}

// TestQueryErrors: a refusal is a QueryError with its registered code; a transport error names
// the chain and the method.
func TestQueryErrors(t *testing.T) {
	ctx := context.Background()
	var req abci.RequestQuery
	// a missing record is NotFound, which abci_query carries as the SDK's ErrKeyNotFound
	noCommitment := abci.ResponseQuery{Code: sdkerrors.ErrKeyNotFound.ABCICode(), Codespace: sdkerrors.RootCodespace,
		Log: "no own commitment at height 3 (not made yet, or pruned): no such own commitment: key not found"}
	_, err := NewQueries(NewConn("root", answering(&req, noCommitment, nil))).Commitment(ctx, 3, 0)
	require.True(t, IsNoCommitment(err), "%v", err)
	require.True(t, IsNotFound(err))
	require.EqualError(t, err, fmt.Sprintf("root /slush.tree.v1.Query/Commitment: sdk code %d: %s",
		sdkerrors.ErrKeyNotFound.ABCICode(), noCommitment.Log))
	other := abci.ResponseQuery{Code: treetypes.ErrNoCommitment.ABCICode(), Codespace: treetypes.ModuleName, Log: "no commitment"}
	_, err = NewQueries(NewConn("root", answering(&req, other, nil))).Commitment(ctx, 3, 0)
	require.False(t, IsNotFound(err), "another refusal is not a missing record")

	down := errors.New("connection refused")
	_, err = NewQueries(NewConn("root", answering(&req, abci.ResponseQuery{}, down))).Commitment(ctx, 3, 0)
	require.ErrorIs(t, err, down)
	require.False(t, IsNoCommitment(err))
	require.ErrorContains(t, err, "root /slush.tree.v1.Query/Commitment")

	unknown := abci.ResponseQuery{Code: 6, Codespace: "sdk", Log: "unknown query path"}
	_, err = NewQueries(NewConn("root", answering(&req, unknown, nil))).Simulate(ctx, []byte{1})
	require.True(t, isUnknownQuery(err), "%v", err)
}
