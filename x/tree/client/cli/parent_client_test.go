package cli_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/cometbft/cometbft/libs/log"
	ctypes "github.com/cometbft/cometbft/rpc/core/types"
	rpcserver "github.com/cometbft/cometbft/rpc/jsonrpc/server"
	rpctypes "github.com/cometbft/cometbft/rpc/jsonrpc/types"
	cmttypes "github.com/cometbft/cometbft/types"
	"github.com/stretchr/testify/require"

	"github.com/slush-tree/slush/internal/parentsync"
	"github.com/slush-tree/slush/testutil/clitest"
	"github.com/slush-tree/slush/testutil/lightclient"
	"github.com/slush-tree/slush/x/tree/client/cli"
	"github.com/slush-tree/slush/x/tree/types"
)

// fakeParent is a parent node's CometBFT RPC (/commit and /validators, served by CometBFT's own
// JSON-RPC server) whose headers a lightclient.Signer signs: header h has time base+h seconds.
type fakeParent struct {
	t       *testing.T
	signer  *lightclient.Signer
	vals    *cmttypes.ValidatorSet // the set /validators answers (the signer's unless replaced)
	latest  int64
	base    time.Time
	corrupt bool // flip a byte of the first commit signature
}

// header is the signed header the fake parent serves at height h.
func (p *fakeParent) header(h int64) *cmttypes.SignedHeader {
	sh := p.signer.Sign(p.t, h, p.base.Add(time.Duration(h)*time.Second), []byte(fmt.Sprintf("apphash-%024d", h)))
	if p.corrupt {
		sh.Commit.Signatures[0].Signature[0] ^= 1
	}
	return sh
}

// start serves the fake RPC and returns its tcp:// address.
func (p *fakeParent) start() string {
	height := func(h *int64) (int64, error) {
		if h == nil || *h == 0 {
			return p.latest, nil
		}
		if *h > p.latest {
			return 0, fmt.Errorf("height %d must be less than or equal to the current blockchain height %d", *h, p.latest)
		}
		return *h, nil
	}
	mux := http.NewServeMux()
	rpcserver.RegisterRPCFuncs(mux, map[string]*rpcserver.RPCFunc{
		"commit": rpcserver.NewRPCFunc(func(_ *rpctypes.Context, hp *int64) (*ctypes.ResultCommit, error) {
			h, err := height(hp)
			if err != nil {
				return nil, err
			}
			sh := p.header(h)
			return ctypes.NewResultCommit(sh.Header, sh.Commit, true), nil
		}, "height"),
		"validators": rpcserver.NewRPCFunc(func(_ *rpctypes.Context, hp *int64, _, _ *int) (*ctypes.ResultValidators, error) {
			h, err := height(hp)
			if err != nil {
				return nil, err
			}
			return &ctypes.ResultValidators{BlockHeight: h, Validators: p.vals.Validators, Count: p.vals.Size(), Total: p.vals.Size()}, nil
		}, "height,page,per_page"),
	}, log.NewNopLogger())
	srv := httptest.NewServer(mux)
	p.t.Cleanup(srv.Close)
	return "tcp://" + strings.TrimPrefix(srv.URL, "http://")
}

// newFakeParent is chainID's node at height latest, signed by a fresh two-validator set.
func newFakeParent(t *testing.T, chainID string, latest int64, base time.Time) *fakeParent {
	s := lightclient.NewSigner(t, chainID, 2)
	return &fakeParent{t: t, signer: s, vals: s.Vals, latest: latest, base: base}
}

// TestSetParentClient: the child trusts exactly the header its parent's RPC serves, signed by
// +2/3 of the set it serves, for the parent its tree identity names (DESIGN §5 downward flow);
// anything else leaves genesis unchanged.
func TestSetParentClient(t *testing.T) {
	recent := time.Now().UTC().Add(-time.Hour).Truncate(time.Second)
	good := newFakeParent(t, "slush-1", 12, recent).start()
	otherChain := newFakeParent(t, "slush-2", 12, recent).start()
	forged := newFakeParent(t, "slush-1", 12, recent)
	forged.corrupt = true
	wrongSet := newFakeParent(t, "slush-1", 12, recent)
	wrongSet.vals = lightclient.NewSignerWithSeed(t, "slush-1", "someone else", 2).Vals
	old := newFakeParent(t, "slush-1", 12, time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)).start()

	home := childHome(t)
	for _, tc := range []struct {
		name string
		args []string
		err  string
	}{
		{"no parent node", nil, "--parent-node is required"},
		{"another chain", []string{"--parent-node", otherChain}, `another chain "slush-2", not "slush-1"`},
		{"forged commit", []string{"--parent-node", forged.start()}, parentsync.ErrInvalidCommit.Error()},
		{"validator set not the header's", []string{"--parent-node", wrongSet.start()}, "validator hash of header to match validator set hash"},
		{"height above the parent's", []string{"--parent-node", good, "--height", "13"}, "too high"},
		{"negative height", []string{"--parent-node", good, "--height", "-1"}, "must not be negative"},
		{"header past its trust", []string{"--parent-node", old}, "outside the trusting period"},
		{"fractional drift", []string{"--parent-node", good, "--max-clock-drift", "1500ms"}, "whole number of seconds"},
		{"zero trusting period", []string{"--parent-node", good, "--trusting-period", "0s"}, "outside the trusting period"},
		{"unreachable node", []string{"--parent-node", "tcp://127.0.0.1:1"}, "connection refused"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := clitest.Run(t, home, cli.SetParentClientCmd(home), append([]string{"--home", home}, tc.args...)...)
			require.ErrorContains(t, err, tc.err, out)
			gs := treeGenesis(t, home)
			require.Empty(t, gs.ParentClient, "genesis unchanged")
			require.Equal(t, types.DefaultParentSyncParams(), gs.ParentSync)
		})
	}

	// latest height, then an explicit one; the written state is the served header's
	for _, tc := range []struct {
		args   []string
		height int64
	}{
		{[]string{"--max-clock-drift", "20s", "--trusting-period", "48h"}, 12},
		{[]string{"--height", "7"}, 7},
	} {
		out, err := clitest.Run(t, home, cli.SetParentClientCmd(home), append([]string{"--home", home, "--parent-node", good}, tc.args...)...)
		require.NoError(t, err, out)
		require.Contains(t, out, fmt.Sprintf(`"height": %d`, tc.height))
		gs := treeGenesis(t, home)
		st, err := parentsync.UnmarshalTrustedState(gs.ParentClient)
		require.NoError(t, err)
		require.Equal(t, "slush-1", st.ChainID)
		require.Equal(t, tc.height, st.Height)
		require.True(t, recent.Add(time.Duration(tc.height)*time.Second).Equal(st.Time))
		require.Equal(t, []byte(fmt.Sprintf("apphash-%024d", tc.height)), st.AppHash)
		require.Equal(t, 2, st.Validators.Size())
		if tc.height == 12 {
			require.Equal(t, uint64(20), gs.ParentSync.MaxClockDriftSeconds)
			require.Equal(t, uint64(48*3600), gs.ParentSync.TrustingPeriodSeconds)
		} else {
			require.Equal(t, types.DefaultParentSyncParams(), gs.ParentSync)
		}
	}
	require.NoError(t, clitest.ValidateGenesis(t, home))

	// the root has no parent
	root := clitest.NewHome(t, "slush-root", types.RootIdentity())
	out, err := clitest.Run(t, root, cli.SetParentClientCmd(root), "--home", root, "--parent-node", good)
	require.ErrorContains(t, err, "no parent", out)
}

// childHome is the node home of chain 1-2, child of slush-1, as set-tree-identity places it.
func childHome(t *testing.T) string {
	t.Helper()
	return clitest.NewHome(t, "slush-1-2", types.TreeIdentity{
		Path: []uint32{1, 2}, ParentChainId: "slush-1", MaxChildren: types.DefaultMaxChildren, MaxDepth: 16,
	})
}

// treeGenesis reads x/tree's genesis from a home.
func treeGenesis(t *testing.T, home string) types.GenesisState {
	t.Helper()
	var gs types.GenesisState
	clitest.ModuleGenesis(t, home, types.ModuleName, &gs)
	return gs
}
