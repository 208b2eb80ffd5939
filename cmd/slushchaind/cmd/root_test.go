package cmd_test

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cosmos/cosmos-sdk/codec"
	codectypes "github.com/cosmos/cosmos-sdk/codec/types"
	svrcmd "github.com/cosmos/cosmos-sdk/server/cmd"

	"github.com/slush-tree/slush/app"
	"github.com/slush-tree/slush/circuits/commitment"
	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/ledger"
	"github.com/slush-tree/slush/cmd/slushchaind/cmd"
	slushtypes "github.com/slush-tree/slush/types"
	electiontypes "github.com/slush-tree/slush/x/election/types"
	validiumtypes "github.com/slush-tree/slush/x/validium/types"
)

// execCLI runs one slushchaind command line in-process, as main does, and returns its output.
func execCLI(t *testing.T, args ...string) (string, error) {
	t.Helper()
	root := cmd.NewRootCmd()
	var out bytes.Buffer
	root.SetOut(&out)
	root.SetErr(&out)
	root.SetArgs(args)
	err := svrcmd.Execute(root, "SLUSHCHAIND_TEST", app.DefaultNodeHome)
	return out.String(), err
}

// TestRootCommandBuilds builds the whole CLI (autocli panics on conflicting flags) and checks
// that every Slush module has its query and tx commands and that the module and tool commands
// scripts/ and tests/ run are wired at their paths, with the flags they pass.
func TestRootCommandBuilds(t *testing.T) {
	root := cmd.NewRootCmd()
	for _, tc := range []struct {
		path  []string
		flags []string
	}{
		// autocli
		{[]string{"query", "tree", "identity"}, nil},
		{[]string{"query", "tree", "commitment"}, nil},
		{[]string{"query", "ledger", "state"}, nil},
		{[]string{"query", "acceptance", "finality"}, nil},
		{[]string{"query", "acceptance", "finalized"}, nil},
		{[]string{"query", "validium", "children"}, nil},
		{[]string{"query", "election", "params"}, nil},
		{[]string{"query", "election", "open-round"}, nil},
		{[]string{"query", "election", "round"}, nil},
		{[]string{"query", "election", "votes"}, nil},
		{[]string{"tx", "ledger", "transfer"}, nil},
		{[]string{"tx", "bridge", "bridge-out"}, nil},
		{[]string{"tx", "validium", "force-operation"}, nil},
		{[]string{"tx", "validium", "register-child"}, []string{"operator-key-hash"}},
		// x/tree
		{[]string{"genesis", "set-tree-identity"}, []string{"home", "parent-chain-id", "max-children", "max-depth", "operator-key-hash"}},
		{[]string{"genesis", "set-parent-client"}, []string{"home", "parent-node", "height", "max-clock-drift", "trusting-period"}},
		{[]string{"parent-client", "proposal"}, []string{"node", "parent-node", "height", "deposit", "title", "summary"}},
		// x/ledger
		{[]string{"genesis", "set-ledger-params"}, []string{"home", "account-depth", "outbox-depth", "batch-size", "claim-slots", "claim-depth"}},
		{[]string{"genesis", "add-ledger-deposit"}, []string{"home", "owner", "asset", "amount"}},
		{[]string{"genesis", "registration-info"}, []string{"home"}},
		{[]string{"ledger", "owner"}, []string{"seed"}},
		{[]string{"ledger", "transfer"}, []string{"seed", "path", "account", "nonce", "asset", "amount", "to"}},
		{[]string{"ledger", "bridge-out"}, []string{"seed", "path", "account", "nonce", "asset", "amount", "dst", "recipient", "deadline"}},
		{[]string{"ledger", "balance"}, []string{"owner", "asset", "node"}},
		// x/bridge
		{[]string{"genesis", "set-inclusion-key"}, []string{"home", "max-depth"}},
		// x/validium
		{[]string{"genesis", "set-ledger-keys"}, []string{"home"}},
		{[]string{"genesis", "set-subtree-proofs"}, []string{"home"}},
		{[]string{"validium", "arrival-proof"}, []string{"nodes", "root-height"}},
		{[]string{"tx", "validium", "register-child"}, []string{"arrival"}},
		// x/election
		{[]string{"election", "report"}, []string{"node-p", "node-hop", "node-voter", "witness-file", "child", "seed", "key-file", "from", "chain-id"}},
		{[]string{"election", "vote"}, []string{"node-p", "node-hop", "node-voter", "round", "candidate-operator", "candidate-key-hash", "key-file", "from"}},
		{[]string{"election", "witness"}, []string{"node-p", "node-hop", "node-voter", "child", "round", "out"}},
		// tools
		{[]string{"genesis", "adopt-export"}, []string{"home", "node-p", "genesis-time"}},
		{[]string{"circuits", "info"}, nil},
		{[]string{"circuits", "setup"}, []string{"circuit", "max-depth", "account-depth", "outbox-depth", "batch-size", "claim-slots", "claim-depth", "random", "out", "cache-dir", "no-cache"}},
		{[]string{"operator-key", "show"}, []string{"seed", "key-file", "hash-only"}},
		{[]string{"relayer", "start"}, []string{"config", "log-level"}},
		{[]string{"simulate", "tree"}, nil},
	} {
		c, _, err := root.Find(tc.path)
		require.NoError(t, err, tc.path)
		require.Equal(t, tc.path[len(tc.path)-1], c.Name(), tc.path)
		for _, f := range tc.flags {
			require.NotNil(t, c.Flags().Lookup(f), "%v --%s", tc.path, f)
		}
	}

	// autocli reads the operator key hash a parent registers as hex
	c, _, err := root.Find([]string{"tx", "validium", "register-child"})
	require.NoError(t, err)
	require.Equal(t, "binary", c.Flags().Lookup("operator-key-hash").Value.Type(), "autocli reads hex (or base64, or a file)")
	key := ledger.KeyFromSeed([]byte("op"))
	require.NoError(t, c.Flags().Set("operator-key-hash", hex.EncodeToString(hash.EncodeElement(electiontypes.OperatorKeyHash(key.PublicKey)))))

	// autocli reads the arrival proof 'validium arrival-proof' prints: proto JSON, bytes in base64
	proof := validiumtypes.ArrivalProof{
		RootHeight: 30, InboxHead: hash.EncodeElement(hash.Uint64(9)),
		Root: slushtypes.NewCommitmentFields(commitment.Commitment{AnchorHeight: 30}),
		Hops: []validiumtypes.FinalizedHop{{
			Commitment: slushtypes.NewCommitmentFields(commitment.Commitment{Vid: commitment.MustPackVid([]uint8{1}), Epoch: 2}),
			Siblings:   [][]byte{hash.EncodeElement(hash.Uint64(4))},
		}},
	}
	bz, err := codec.NewProtoCodec(codectypes.NewInterfaceRegistry()).MarshalJSON(&proof)
	require.NoError(t, err)
	require.NoError(t, c.Flags().Set("arrival", string(bz)))
	require.Contains(t, c.Flags().Lookup("arrival").Value.String(), base64.StdEncoding.EncodeToString(proof.InboxHead))

	var out bytes.Buffer
	root.SetOut(&out)
	root.SetArgs([]string{"query", "tree", "--help"})
	require.NoError(t, root.Execute())
	require.Contains(t, out.String(), "commitment")
}
