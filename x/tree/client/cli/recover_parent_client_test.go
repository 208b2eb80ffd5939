package cli_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/cometbft/cometbft/libs/bytes"
	"github.com/cometbft/cometbft/libs/log"
	ctypes "github.com/cometbft/cometbft/rpc/core/types"
	rpcserver "github.com/cometbft/cometbft/rpc/jsonrpc/server"
	rpctypes "github.com/cometbft/cometbft/rpc/jsonrpc/types"
	"github.com/stretchr/testify/require"

	sdk "github.com/cosmos/cosmos-sdk/types"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"
	govcli "github.com/cosmos/cosmos-sdk/x/gov/client/cli"
	govtypes "github.com/cosmos/cosmos-sdk/x/gov/types"
	govv1 "github.com/cosmos/cosmos-sdk/x/gov/types/v1"

	"github.com/slush-tree/slush/internal/parentsync"
	"github.com/slush-tree/slush/testutil/clitest"
	"github.com/slush-tree/slush/testutil/lightclient"
	"github.com/slush-tree/slush/x/tree/client/cli"
	"github.com/slush-tree/slush/x/tree/types"
)

// fakeChainNode is this chain's CometBFT RPC answering only abci_query for its live tree
// identity (served by CometBFT's own JSON-RPC server, queried by the SDK's gRPC-over-ABCI client).
func fakeChainNode(t *testing.T, id types.TreeIdentity) string {
	mux := http.NewServeMux()
	rpcserver.RegisterRPCFuncs(mux, map[string]*rpcserver.RPCFunc{
		"abci_query": rpcserver.NewRPCFunc(func(_ *rpctypes.Context, path string, _ bytes.HexBytes, _ int64, _ bool) (*ctypes.ResultABCIQuery, error) {
			if path != "/slush.tree.v1.Query/TreeIdentity" {
				return &ctypes.ResultABCIQuery{Response: abci.ResponseQuery{Code: 6, Log: "unknown query " + path}}, nil
			}
			bz, err := (&types.QueryTreeIdentityResponse{Identity: id}).Marshal()
			if err != nil {
				return nil, err
			}
			return &ctypes.ResultABCIQuery{Response: abci.ResponseQuery{Value: bz, Height: 42}}, nil
		}, "path,data,height,prove"),
	}, log.NewNopLogger())
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return "tcp://" + strings.TrimPrefix(srv.URL, "http://")
}

// TestParentClientProposal: the proposal carries exactly the restarted parent's header its RPC
// serves, signed by +2/3 of the set it serves, for the parent this chain's live identity names
// (DESIGN §9); the SDK's own 'tx gov submit-proposal' reads the file it prints.
func TestParentClientProposal(t *testing.T) {
	recent := time.Now().UTC().Add(-time.Hour).Truncate(time.Second)
	restarted := newFakeParent(t, "slush-1", 30, recent)
	restarted.signer = lightclient.NewSignerWithSeed(t, "slush-1", "restarted", 3)
	restarted.vals = restarted.signer.Vals
	parent := restarted.start()
	otherChain := newFakeParent(t, "slush-2", 30, recent).start()
	forged := newFakeParent(t, "slush-1", 30, recent)
	forged.corrupt = true
	child := fakeChainNode(t, types.TreeIdentity{Path: []uint32{1, 2}, ParentChainId: "slush-1", MaxChildren: 3, MaxDepth: 16})
	root := fakeChainNode(t, types.RootIdentity())
	home := t.TempDir()

	for _, tc := range []struct {
		name string
		args []string
		err  string
	}{
		{"no parent node", []string{"--node", child}, "--parent-node is required"},
		{"parent serves another chain", []string{"--node", child, "--parent-node", otherChain}, `another chain "slush-2", not "slush-1"`},
		{"forged commit", []string{"--node", child, "--parent-node", forged.start()}, parentsync.ErrInvalidCommit.Error()},
		{"height above the parent's", []string{"--node", child, "--parent-node", parent, "--height", "31"}, "too high"},
		{"negative height", []string{"--node", child, "--parent-node", parent, "--height", "-1"}, "must not be negative"},
		{"bad deposit", []string{"--node", child, "--parent-node", parent, "--deposit", "ten"}, "--deposit"},
		{"the root", []string{"--node", root, "--parent-node", parent}, "root of its tree"},
		{"this chain unreachable", []string{"--node", "tcp://127.0.0.1:1", "--parent-node", parent}, "connection refused"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := clitest.Run(t, home, cli.ParentClientCmd(), append([]string{"proposal"}, tc.args...)...)
			require.ErrorContains(t, err, tc.err, out)
		})
	}

	gov := authtypes.NewModuleAddress(govtypes.ModuleName).String()
	enc := clitest.Encoding()
	for _, tc := range []struct {
		name    string
		args    []string
		height  int64
		deposit string
		title   string
	}{
		{"latest, defaults", nil, 30, "10000000stake", "Recover the parent client of slush-1"},
		{"explicit", []string{"--height", "12", "--deposit", "5stake", "--title", "recover slush-1", "--summary", "new validators"}, 12, "5stake", "recover slush-1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := clitest.Run(t, home, cli.ParentClientCmd(), append([]string{"proposal", "--node", child, "--parent-node", parent}, tc.args...)...)
			require.NoError(t, err, out)
			var p struct {
				Messages  []json.RawMessage `json:"messages"`
				Metadata  *string           `json:"metadata"`
				Deposit   string            `json:"deposit"`
				Title     string            `json:"title"`
				Summary   string            `json:"summary"`
				Expedited *bool             `json:"expedited"`
			}
			require.NoError(t, json.Unmarshal([]byte(out), &p), out)
			require.Equal(t, tc.deposit, p.Deposit)
			require.Equal(t, tc.title, p.Title)
			require.NotEmpty(t, p.Summary)
			require.NotNil(t, p.Metadata)
			require.NotNil(t, p.Expedited)
			require.False(t, *p.Expedited)
			require.Len(t, p.Messages, 1)
			var fields map[string]any
			require.NoError(t, json.Unmarshal(p.Messages[0], &fields))
			require.Equal(t, "/slush.tree.v1.MsgRecoverParentClient", fields["@type"])
			require.Equal(t, gov, fields["authority"])

			var msg sdk.Msg
			require.NoError(t, enc.Codec.UnmarshalInterfaceJSON(p.Messages[0], &msg))
			recover, ok := msg.(*types.MsgRecoverParentClient)
			require.True(t, ok, "%T", msg)
			require.Equal(t, gov, recover.Authority)
			st, err := parentsync.UnmarshalTrustedState(recover.Client)
			require.NoError(t, err)
			require.Equal(t, "slush-1", st.ChainID)
			require.Equal(t, tc.height, st.Height)
			require.True(t, recent.Add(time.Duration(tc.height)*time.Second).Equal(st.Time))
			require.Equal(t, []byte(fmt.Sprintf("apphash-%024d", tc.height)), st.AppHash)
			require.Equal(t, restarted.signer.Vals.Hash(), st.Validators.Hash(), "the restarted chain's validators")

			// the SDK's gov CLI parses the file into a MsgSubmitProposal carrying the message
			file := filepath.Join(t.TempDir(), "proposal.json")
			require.NoError(t, os.WriteFile(file, []byte(out), 0o600))
			proposer := sdk.AccAddress([]byte("proposer-address-20b")).String()
			txOut := stdoutOf(t, func() {
				out, err := clitest.Run(t, home, govcli.NewCmdSubmitProposal(), file, "--from", proposer, "--generate-only",
					"--chain-id", "slush-1-2", "--keyring-backend", "test")
				require.NoError(t, err, out)
			})
			tx, err := enc.TxConfig.TxJSONDecoder()([]byte(txOut))
			require.NoError(t, err, txOut)
			require.Len(t, tx.GetMsgs(), 1)
			submit, ok := tx.GetMsgs()[0].(*govv1.MsgSubmitProposal)
			require.True(t, ok, "%T", tx.GetMsgs()[0])
			require.Equal(t, tc.title, submit.Title)
			require.Equal(t, tc.deposit, sdk.Coins(submit.InitialDeposit).String())
			inner, err := submit.GetMsgs()
			require.NoError(t, err)
			require.Equal(t, recover, inner[0])
		})
	}
}

// stdoutOf runs f and returns what it wrote to os.Stdout (the SDK prints generated txs there,
// not to the command's output).
func stdoutOf(t *testing.T, f func()) string {
	file, err := os.CreateTemp(t.TempDir(), "stdout")
	require.NoError(t, err)
	saved := os.Stdout
	os.Stdout = file
	defer func() { os.Stdout = saved }()
	f()
	require.NoError(t, file.Close())
	bz, err := os.ReadFile(file.Name())
	require.NoError(t, err)
	return string(bz)
}
