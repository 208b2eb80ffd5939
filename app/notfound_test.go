package app_test

import (
	"context"
	"testing"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/stretchr/testify/require"

	"github.com/slush-tree/slush/app/apptesting"
	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/relayer/chainclient"
	slushtypes "github.com/slush-tree/slush/types"
	treetypes "github.com/slush-tree/slush/x/tree/types"
)

// TestNotFoundOverABCI: a query for a missing record reaches abci_query clients (the CLI, the
// relayer, the election witness builder) as the SDK's "key not found" with the module's message,
// which chainclient recognises: the relayer's pruned-history and not-routed-here branches see
// what a real node answers, not a generic "unknown request".
func TestNotFoundOverABCI(t *testing.T) {
	chain := apptesting.NewChain(t, treetypes.RootIdentity(), 1)
	chain.NextBlock()
	q := chainclient.NewQueries(chainclient.NewConn("root", func(_ context.Context, req abci.RequestQuery) (abci.ResponseQuery, error) {
		return chain.QueryABCI(req)
	}))
	ctx := context.Background()

	_, err := q.Commitment(ctx, 99, 0)
	require.True(t, chainclient.IsNoCommitment(err), "%v", err)
	require.ErrorContains(t, err, "no own commitment at height 99")

	_, err = q.Child(ctx, 9, 0)
	require.True(t, chainclient.IsNotFound(err), "%v", err)
	require.ErrorContains(t, err, "no child registered at index 9")

	unknown := hash.EncodeElement(hash.Uint64(0x27fa))
	st, err := q.MessageStatus(ctx, unknown, 0)
	require.NoError(t, err, "neither sent, minted nor routed here: a status, not an error")
	require.Equal(t, slushtypes.MessageStatus_MESSAGE_STATUS_UNSPECIFIED, st.Status)
	require.Nil(t, st.Route)

	fin, err := q.Finalized(ctx, 1, 0)
	require.NoError(t, err)
	require.False(t, fin.Found)

	_, err = q.MessageStatus(ctx, []byte{0x27, 0xfa}, 0)
	require.False(t, chainclient.IsNotFound(err), "a malformed argument is not a missing record")
	require.ErrorContains(t, err, "message hash must be 32 bytes")
}
