package cmd_test

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	svrcmd "github.com/cosmos/cosmos-sdk/server/cmd"
	genutiltypes "github.com/cosmos/cosmos-sdk/x/genutil/types"

	"github.com/slush-tree/slush/app"
	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/ledger"
	"github.com/slush-tree/slush/cmd/slushchaind/cmd"
	electiontypes "github.com/slush-tree/slush/x/election/types"
	validiumtypes "github.com/slush-tree/slush/x/validium/types"
)

// electionCLI runs one slushchaind command line in-process, as main does.
func electionCLI(t *testing.T, args ...string) (string, error) {
	t.Helper()
	root := cmd.NewRootCmd()
	var out bytes.Buffer
	root.SetOut(&out)
	root.SetErr(&out)
	root.SetArgs(args)
	err := svrcmd.Execute(root, "SLUSHCHAIND_TEST", app.DefaultNodeHome)
	return out.String(), err
}

// TestElectionCommandsBuild: the election and operator-key commands exist with the flags
// scripts/failover.sh will use, and the operator key hash flags exist where a chain's key is
// set (genesis) and registered (on its parent, through autocli).
func TestElectionCommandsBuild(t *testing.T) {
	root := cmd.NewRootCmd()
	for _, tc := range []struct {
		path  []string
		flags []string
	}{
		{[]string{"election", "report"}, []string{"node-p", "node-hop", "node-voter", "witness-file", "child", "seed", "key-file", "from", "chain-id", "generate-only"}},
		{[]string{"election", "vote"}, []string{"node-p", "node-hop", "node-voter", "witness-file", "round", "candidate-operator", "candidate-key-hash", "seed", "key-file", "from"}},
		{[]string{"election", "witness"}, []string{"node-p", "node-hop", "node-voter", "child", "round", "out", "node"}},
		{[]string{"operator-key", "show"}, []string{"seed", "key-file", "hash-only"}},
		{[]string{"genesis", "set-tree-identity"}, []string{"operator-key-hash"}},
		{[]string{"tx", "validium", "register-child"}, []string{"operator-key-hash"}},
		{[]string{"query", "election", "open-round"}, nil},
		{[]string{"query", "election", "round"}, nil},
		{[]string{"query", "election", "votes"}, nil},
	} {
		c, _, err := root.Find(tc.path)
		require.NoError(t, err, tc.path)
		require.Equal(t, tc.path[len(tc.path)-1], c.Name(), tc.path)
		for _, f := range tc.flags {
			require.NotNil(t, c.Flags().Lookup(f), "%v --%s", tc.path, f)
		}
	}
	for _, sub := range []string{"report", "vote"} {
		c, _, err := root.Find([]string{"election", sub})
		require.NoError(t, err)
		require.Equal(t, "auto", c.Flags().Lookup("gas").Value.String(), "proof gas exceeds the SDK's 200k default")
		require.Equal(t, "1.3", c.Flags().Lookup("gas-adjustment").Value.String())
	}
	c, _, err := root.Find([]string{"tx", "validium", "register-child"})
	require.NoError(t, err)
	require.Equal(t, "binary", c.Flags().Lookup("operator-key-hash").Value.Type(), "autocli reads hex (or base64, or a file)")
	key := ledger.KeyFromSeed([]byte("op"))
	h := hex.EncodeToString(hash.EncodeElement(electiontypes.OperatorKeyHash(key.PublicKey)))
	require.NoError(t, c.Flags().Set("operator-key-hash", h))
}

// TestOperatorKeyShow: the printed hash is x/election's OperatorKeyHash of ledger.KeyFromSeed,
// from --seed or from a key file, and exactly one key source is accepted.
func TestOperatorKeyShow(t *testing.T) {
	key := ledger.KeyFromSeed([]byte("op-1-2"))
	wantPub := hex.EncodeToString(key.PublicKey.Bytes())
	wantHash := hex.EncodeToString(hash.EncodeElement(electiontypes.OperatorKeyHash(key.PublicKey)))

	out, err := electionCLI(t, "operator-key", "show", "--seed", "op-1-2")
	require.NoError(t, err, out)
	var info struct {
		PublicKey       string `json:"public_key"`
		OperatorKeyHash string `json:"operator_key_hash"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &info))
	require.Equal(t, wantPub, info.PublicKey)
	require.Equal(t, wantHash, info.OperatorKeyHash)

	dir := t.TempDir()
	keyFile := filepath.Join(dir, "operator.key")
	require.NoError(t, os.WriteFile(keyFile, []byte("op-1-2\n"), 0o600))
	out, err = electionCLI(t, "operator-key", "show", "--key-file", keyFile, "--hash-only")
	require.NoError(t, err, out)
	require.Equal(t, wantHash, strings.TrimSpace(out))

	empty := filepath.Join(dir, "empty.key")
	require.NoError(t, os.WriteFile(empty, []byte(" \n"), 0o600))
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"no key", nil, "give --seed or --key-file"},
		{"two keys", []string{"--seed", "a", "--key-file", keyFile}, "one of"},
		{"empty key file", []string{"--key-file", empty}, "is empty"},
		{"missing key file", []string{"--key-file", filepath.Join(dir, "none")}, "no such file"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := electionCLI(t, append([]string{"operator-key", "show"}, tc.args...)...)
			require.ErrorContains(t, err, tc.want)
		})
	}
}

// TestSetTreeIdentityOperatorKeyHash: the chain's operator key hash lands in genesis only if it
// is 32 canonical non-zero bytes.
func TestSetTreeIdentityOperatorKeyHash(t *testing.T) {
	home := t.TempDir()
	out, err := electionCLI(t, "init", "node", "--chain-id", "slush-1-2", "--home", home)
	require.NoError(t, err, out)
	identity := func() validiumtypes.TreeIdentity {
		appState, _, err := genutiltypes.GenesisStateFromGenFile(filepath.Join(home, "config", "genesis.json"))
		require.NoError(t, err)
		var gs validiumtypes.GenesisState
		require.NoError(t, app.MakeEncodingConfig().Codec.UnmarshalJSON(appState[validiumtypes.ModuleName], &gs))
		return gs.Identity
	}
	set := func(keyHash string) error {
		out, err := electionCLI(t, "genesis", "set-tree-identity", "1-2", "--parent-chain-id", "slush-1",
			"--operator-key-hash", keyHash, "--home", home)
		if err != nil {
			return err
		}
		require.NotContains(t, out, "rror")
		return nil
	}
	key := ledger.KeyFromSeed([]byte("op-1-2"))
	want := hash.EncodeElement(electiontypes.OperatorKeyHash(key.PublicKey))
	require.NoError(t, set(hex.EncodeToString(want)))
	require.Equal(t, want, identity().OperatorKeyHash)
	require.Equal(t, []uint32{1, 2}, identity().Path)

	modulus := "30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000001" // BN254 r
	for _, tc := range []struct {
		name, keyHash, want string
	}{
		{"not hex", "zz", "not hex"},
		{"31 bytes", hex.EncodeToString(want[1:]), "31 bytes"},
		{"the modulus (non-canonical)", modulus, "operator_key_hash"},
		{"zero", strings.Repeat("00", 32), "zero"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			require.ErrorContains(t, set(tc.keyHash), tc.want)
			require.Equal(t, want, identity().OperatorKeyHash, "genesis unchanged")
		})
	}
	require.NoError(t, set("0x"+hex.EncodeToString(want)))
	require.Equal(t, want, identity().OperatorKeyHash)
}

// TestElectionCommandArguments: argument errors are reported before any chain is contacted,
// and an unreachable p is named in the error.
func TestElectionCommandArguments(t *testing.T) {
	dead := "tcp://127.0.0.1:1" // nothing listens on port 1
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"report without child", []string{"election", "report", "--seed", "a"}, "--child"},
		{"report without key", []string{"election", "report", "--child", "1"}, "give --seed or --key-file"},
		{"vote without round", []string{"election", "vote", "--seed", "a"}, "--round"},
		{"vote without candidate key", []string{"election", "vote", "--seed", "a", "--round", "1", "--candidate-operator", "x"}, "--candidate-key-hash"},
		{"vote with a non-hex candidate key", []string{"election", "vote", "--seed", "a", "--round", "1", "--candidate-operator", "x", "--candidate-key-hash", "zz"}, "candidate-key-hash"},
		{"witness for child and round", []string{"election", "witness", "--child", "1", "--round", "1"}, "one of --child and --round"},
		{"witness for nothing", []string{"election", "witness"}, "one of --child and --round"},
		{"p unreachable", []string{"election", "witness", "--child", "1", "--node-p", dead}, "p (" + dead + ")"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := electionCLI(t, tc.args...)
			require.ErrorContains(t, err, tc.want)
		})
	}
}
