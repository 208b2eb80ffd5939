package cmd_test

import (
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	abci "github.com/cometbft/cometbft/abci/types"
	cmtbytes "github.com/cometbft/cometbft/libs/bytes"
	cmtlog "github.com/cometbft/cometbft/libs/log"
	coretypes "github.com/cometbft/cometbft/rpc/core/types"
	rpcserver "github.com/cometbft/cometbft/rpc/jsonrpc/server"
	rpctypes "github.com/cometbft/cometbft/rpc/jsonrpc/types"
	"github.com/stretchr/testify/require"

	"github.com/cosmos/cosmos-sdk/codec"

	"github.com/slush-tree/slush/app/apptesting"
	"github.com/slush-tree/slush/circuits/commitment"
	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/ledger"
	bridgetypes "github.com/slush-tree/slush/x/bridge/types"
	ledgertypes "github.com/slush-tree/slush/x/ledger/types"
	treetypes "github.com/slush-tree/slush/x/tree/types"
)

// serveABCIQuery serves a chain's abci_query over CometBFT's JSON-RPC, as a node's RPC does
// for the CLI's --node.
func serveABCIQuery(t *testing.T, chain *apptesting.Chain) string {
	mux := http.NewServeMux()
	rpcserver.RegisterRPCFuncs(mux, map[string]*rpcserver.RPCFunc{
		"abci_query": rpcserver.NewRPCFunc(func(_ *rpctypes.Context, path string, data cmtbytes.HexBytes, height int64, prove bool) (*coretypes.ResultABCIQuery, error) {
			res, err := chain.QueryABCI(abci.RequestQuery{Path: path, Data: data, Height: height, Prove: prove})
			return &coretypes.ResultABCIQuery{Response: res}, err
		}, "path,data,height,prove"),
	}, cmtlog.NewNopLogger())
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv.URL
}

// TestQueryPrintsHex runs `query bridge message-status` through the real autocli command
// against a chain holding a sent message: the message's hashes and vids print in hex in JSON
// and in text, the JSON parses, and --bytes base64 prints autocli's own form.
func TestQueryPrintsHex(t *testing.T) {
	alice := ledger.KeyFromSeed([]byte("alice"))
	bob := ledger.OwnerHash(ledger.KeyFromSeed([]byte("bob")).PublicKey)
	id := treetypes.TreeIdentity{Path: []uint32{1}, ParentChainId: "slush-root", MaxChildren: 3, MaxDepth: 16}
	chain := apptesting.NewChainWithGenesis(t, id, 1, func(cdc codec.Codec, gs map[string]json.RawMessage) {
		lgs := ledgertypes.DefaultGenesisState()
		lgs.Deposits = []ledgertypes.GenesisDeposit{{Recipient: hash.EncodeElement(ledger.OwnerHash(alice.PublicKey)),
			AssetId: hash.EncodeElement(hash.Uint64(7)), Amount: 50}}
		gs[ledgertypes.ModuleName] = cdc.MustMarshalJSON(lgs)
	})
	chain.NextBlock()
	op, err := ledger.NewBridgeOut(commitment.MustPackVid([]uint8{1}), alice, 0, hash.Uint64(7), 30, 0, commitment.MustPackVid([]uint8{2}), bob, 1000)
	require.NoError(t, err)
	res, _ := chain.NextBlock(chain.SignTx(0, 0, &bridgetypes.MsgBridgeOut{Sender: chain.Address(0).String(), Op: op.Bytes()}))
	require.Zero(t, res.TxResults[0].Code, res.TxResults[0].Log)
	var msgHash string
	for _, ev := range res.TxResults[0].Events {
		for _, a := range ev.Attributes {
			if a.Key == "message_hash_hex" {
				msgHash = strings.Trim(a.Value, `"`)
			}
		}
	}
	require.Len(t, msgHash, 64)
	raw, err := hex.DecodeString(msgHash)
	require.NoError(t, err)
	dst := hex.EncodeToString(hash.EncodeElement(commitment.MustPackVid([]uint8{2})))
	node := serveABCIQuery(t, chain)

	for _, c := range []struct {
		name    string
		args    []string
		want    []string
		notWant []string
	}{
		{"json", []string{"-o", "json", "--bytes", "hex"}, []string{`"message_hash": "` + msgHash + `"`, `"dst_vid": "` + dst + `"`, `"status": "MESSAGE_STATUS_SENT"`},
			[]string{base64.StdEncoding.EncodeToString(raw)}},
		{"text", []string{"-o", "text"}, []string{"message_hash: " + msgHash, `dst_vid: "` + dst + `"` /* all digits: YAML quotes it */}, []string{base64.StdEncoding.EncodeToString(raw), "{"}},
		{"base64", []string{"-o", "json", "--bytes", "base64"}, []string{base64.StdEncoding.EncodeToString(raw)}, []string{msgHash}},
		{"json for programs", []string{"-o", "json"}, []string{base64.StdEncoding.EncodeToString(raw)}, []string{msgHash}},
	} {
		t.Run(c.name, func(t *testing.T) {
			out, err := execCLI(t, append([]string{"query", "bridge", "message-status", msgHash, "--node", node}, c.args...)...)
			require.NoError(t, err, out)
			for _, w := range c.want {
				require.Contains(t, out, w)
			}
			for _, w := range c.notWant {
				require.NotContains(t, out, w)
			}
			if c.args[1] == "json" {
				require.True(t, json.Valid([]byte(out)), out)
			}
		})
	}
}
