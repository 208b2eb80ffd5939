package chainclient

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	abci "github.com/cometbft/cometbft/abci/types"
	ctypes "github.com/cometbft/cometbft/rpc/core/types"
	rpctypes "github.com/cometbft/cometbft/rpc/jsonrpc/types"
	"github.com/stretchr/testify/require"

	"github.com/slush-tree/slush/app/encoding"
	"github.com/slush-tree/slush/circuits/commitment"
	"github.com/slush-tree/slush/circuits/hash"
	slushtypes "github.com/slush-tree/slush/types"
	validiumtypes "github.com/slush-tree/slush/x/validium/types"
)

// TestAcceptedUpdateByCommitment reads a child update by its commitment from a node's
// transaction search: it asks for the EventChildUpdated of that commitment and takes the
// successful MsgSubmitUpdate of that child whose commitment hashes to it — not a failed
// transaction, another child's update or another commitment the search returned.
func TestAcceptedUpdateByCommitment(t *testing.T) {
	enc := encoding.MakeClient()
	want := commitment.Commitment{Vid: commitment.MustPackVid([]uint8{1, 1}), LedgerRoot: hash.Uint64(7), AnchorHeight: 40}
	other := want
	other.AnchorHeight = 41
	h := hash.EncodeElement(want.Hash())
	update := func(idx uint32, c commitment.Commitment) *validiumtypes.MsgSubmitUpdate {
		return &validiumtypes.MsgSubmitUpdate{ChildIndex: idx, NewCommitment: slushtypes.NewCommitmentFields(c)}
	}
	tx := func(height int64, code uint32, m *validiumtypes.MsgSubmitUpdate) *ctypes.ResultTx {
		b := enc.TxConfig.NewTxBuilder()
		require.NoError(t, b.SetMsgs(m))
		bz, err := enc.TxConfig.TxEncoder()(b.GetTx())
		require.NoError(t, err)
		return &ctypes.ResultTx{Height: height, TxResult: abci.ExecTxResult{Code: code}, Tx: bz}
	}
	found := []*ctypes.ResultTx{
		tx(39, 5, update(1, want)),  // failed: accepted nothing
		tx(40, 0, update(2, want)),  // another child
		tx(41, 0, update(1, other)), // another commitment
		tx(42, 0, update(1, want)),
	}
	var queries []string
	node := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		require.NoError(t, err)
		var req rpctypes.RPCRequest
		require.NoError(t, json.Unmarshal(body, &req))
		require.Equal(t, "tx_search", req.Method)
		var params struct {
			Query string `json:"query"`
		}
		require.NoError(t, json.Unmarshal(req.Params, &params))
		queries = append(queries, params.Query)
		res := &ctypes.ResultTxSearch{}
		if params.Query == updateByCommitmentQuery(h) {
			res = &ctypes.ResultTxSearch{Txs: found, TotalCount: len(found)}
		}
		require.NoError(t, json.NewEncoder(w).Encode(rpctypes.NewRPCSuccessResponse(req.ID, res)))
	}))
	defer node.Close()
	c, err := Dial(Config{Name: "1", RPC: node.URL}, enc, slog.New(slog.DiscardHandler), nil)
	require.NoError(t, err)

	got, err := c.AcceptedUpdateByCommitment(t.Context(), 1, h)
	require.NoError(t, err)
	require.Equal(t, int64(42), got.Height)
	require.Equal(t, update(1, want).NewCommitment, got.Msg.NewCommitment)
	require.Equal(t, []string{updateByCommitmentQuery(h)}, queries)

	_, err = c.AcceptedUpdateByCommitment(t.Context(), 3, h)
	require.ErrorIs(t, err, ErrUpdateNotFound, "no update of child 3 among them")
	_, err = c.AcceptedUpdateByCommitment(t.Context(), 1, hash.EncodeElement(hash.Uint64(5)))
	require.ErrorIs(t, err, ErrUpdateNotFound, "nothing indexed for that commitment")
}
