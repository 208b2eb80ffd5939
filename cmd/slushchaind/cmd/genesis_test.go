package cmd_test

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/backend/groth16"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/frontend/cs/r1cs"
	"github.com/stretchr/testify/require"

	svrcmd "github.com/cosmos/cosmos-sdk/server/cmd"
	genutiltypes "github.com/cosmos/cosmos-sdk/x/genutil/types"

	"github.com/slush-tree/slush/app"
	"github.com/slush-tree/slush/circuits/commitment"
	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/keys"
	"github.com/slush-tree/slush/circuits/ledger"
	"github.com/slush-tree/slush/circuits/smt"
	"github.com/slush-tree/slush/cmd/slushchaind/cmd"
	bridgetypes "github.com/slush-tree/slush/x/bridge/types"
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

// initHome makes a fresh node home for chain-id at path.
func initHome(t *testing.T, chainID, path, parent string) string {
	t.Helper()
	home := t.TempDir()
	out, err := execCLI(t, "init", "node", "--chain-id", chainID, "--home", home)
	require.NoError(t, err, out)
	args := []string{"genesis", "set-tree-identity", path, "--home", home}
	if parent != "" {
		args = append(args, "--parent-chain-id", parent)
	}
	out, err = execCLI(t, args...)
	require.NoError(t, err, out)
	return home
}

// bridgeGenesis reads x/bridge's genesis from a home.
func bridgeGenesis(t *testing.T, home string) bridgetypes.GenesisState {
	t.Helper()
	appState, _, err := genutiltypes.GenesisStateFromGenFile(filepath.Join(home, "config", "genesis.json"))
	require.NoError(t, err)
	var gs bridgetypes.GenesisState
	require.NoError(t, app.MakeEncodingConfig().Codec.UnmarshalJSON(appState[bridgetypes.ModuleName], &gs))
	return gs
}

// TestSetLedgerParams: the ledger shape lands in genesis only if the bridge accepts it
// (outbox depth 20, DESIGN §7.2), and registration-info derives the empty ledger's roots
// of this chain's vid at that shape.
func TestSetLedgerParams(t *testing.T) {
	home := initHome(t, "slush-1-2", "1-2", "slush-1")
	for _, tc := range []struct {
		name string
		args []string
		err  string
	}{
		{"outbox depth not 20", []string{"--account-depth", "8", "--outbox-depth", "10", "--batch-size", "4"}, "outbox depth 10"},
		{"zero account depth", []string{"--account-depth", "0", "--batch-size", "4"}, "account depth 0"},
		{"zero batch", []string{"--account-depth", "8", "--batch-size", "0"}, "batch size 0"},
		{"more claim sections than slots", []string{"--account-depth", "8", "--batch-size", "4", "--claim-slots", "5"}, "5 claim slots"},
		{"claim depth beyond the tree", []string{"--account-depth", "8", "--batch-size", "4", "--claim-depth", "17"}, "inclusion depth 17"},
		{"ok", []string{"--account-depth", "8", "--batch-size", "4", "--claim-slots", "1", "--claim-depth", "2"}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := execCLI(t, append([]string{"genesis", "set-ledger-params", "--home", home}, tc.args...)...)
			if tc.err != "" {
				require.ErrorContains(t, err, tc.err, out)
				require.Equal(t, bridgetypes.DefaultLedgerParams(), bridgeGenesis(t, home).LedgerParams, "genesis unchanged")
				return
			}
			require.NoError(t, err, out)
			require.Equal(t, bridgetypes.LedgerParams{AccountDepth: 8, OutboxDepth: 20, BatchSize: 4, ClaimSlots: 1, InclusionDepth: 2},
				bridgeGenesis(t, home).LedgerParams)
		})
	}

	out, err := execCLI(t, "genesis", "registration-info", "--home", home)
	require.NoError(t, err, out)
	var info cmd.RegistrationInfo
	require.NoError(t, json.Unmarshal([]byte(out), &info), out)
	vid := commitment.MustPackVid([]uint8{1, 2})
	empty, err := ledger.NewState(smt.NewMemStore(), vid, ledger.Params{AccountDepth: 8, OutboxDepth: 20, BatchSize: 4, ClaimSlots: 1, InclusionDepth: 2})
	require.NoError(t, err)
	ledgerRoot, err := empty.Root()
	require.NoError(t, err)
	outboxRoot, err := empty.OutboxRoot()
	require.NoError(t, err)
	require.Equal(t, cmd.RegistrationInfo{
		ChainID: "slush-1-2", Path: "1-2", ParentChainID: "slush-1", ChildIndex: 2,
		Vid:                hex.EncodeToString(hash.EncodeElement(vid)),
		LedgerParams:       bridgetypes.LedgerParams{AccountDepth: 8, OutboxDepth: 20, BatchSize: 4, ClaimSlots: 1, InclusionDepth: 2},
		GenesisLedgerRoot:  hex.EncodeToString(hash.EncodeElement(ledgerRoot)),
		GenesisReceiptRoot: hex.EncodeToString(hash.EncodeElement(outboxRoot)), // both accumulators are empty at genesis
		GenesisOutboxRoot:  hex.EncodeToString(hash.EncodeElement(outboxRoot)),
	}, info)

	// the root of another shape differs: the registered roots follow the genesis shape
	other, err := ledger.NewState(smt.NewMemStore(), vid, ledger.Params{AccountDepth: 9, OutboxDepth: 20, BatchSize: 4})
	require.NoError(t, err)
	otherRoot, err := other.Root()
	require.NoError(t, err)
	require.NotEqual(t, hex.EncodeToString(hash.EncodeElement(otherRoot)), info.GenesisLedgerRoot)
}

// publicInputsCircuit has n constrained public inputs: a stand-in to make verifying keys of
// a given public-input count quickly.
type publicInputsCircuit struct {
	In  []frontend.Variable `gnark:",public"`
	Sum frontend.Variable
}

func (c *publicInputsCircuit) Define(api frontend.API) error {
	s := frontend.Variable(0)
	for _, in := range c.In {
		s = api.Add(s, api.Mul(in, in))
	}
	api.AssertIsEqual(s, c.Sum)
	return nil
}

// writeVK writes the verifying key of a circuit with n public inputs and returns its path.
func writeVK(t *testing.T, n int) (string, []byte) {
	t.Helper()
	ccs, err := frontend.Compile(ecc.BN254.ScalarField(), r1cs.NewBuilder, &publicInputsCircuit{In: make([]frontend.Variable, n)})
	require.NoError(t, err)
	_, vk, err := groth16.Setup(ccs)
	require.NoError(t, err)
	b, err := keys.MarshalVerifyingKey(vk)
	require.NoError(t, err)
	path := filepath.Join(t.TempDir(), "key.vk")
	require.NoError(t, os.WriteFile(path, b, 0o644))
	return path, b
}

// TestSetInclusionKey: only a well-formed key with the inclusion circuit's 5 public inputs
// and a max depth in 1..16 lands in genesis.
func TestSetInclusionKey(t *testing.T) {
	home := initHome(t, "slush-root", "root", "")
	out, err := execCLI(t, "genesis", "set-ledger-params", "--account-depth", "8", "--batch-size", "4", "--claim-depth", "2", "--home", home)
	require.NoError(t, err, out) // the ledger's claim sections reach as deep as the key (genesis checks it)
	good, goodBytes := writeVK(t, bridgetypes.InclusionPublicInputs)
	ledgerShaped, _ := writeVK(t, ledger.NbPublicInputs)
	garbage := filepath.Join(t.TempDir(), "garbage.vk")
	require.NoError(t, os.WriteFile(garbage, bytes.Repeat([]byte{7}, len(goodBytes)), 0o644))
	for _, tc := range []struct {
		name, file, depth, err string
	}{
		{"nine public inputs", ledgerShaped, "2", "invalid verifying key"},
		{"garbage", garbage, "2", "invalid verifying key"},
		{"missing file", filepath.Join(t.TempDir(), "none.vk"), "2", "no such file"},
		{"depth zero", good, "0", "at least 1"},
		{"depth too deep", good, "17", "max depth 17"},
		{"ok", good, "2", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := execCLI(t, "genesis", "set-inclusion-key", tc.file, "--max-depth", tc.depth, "--home", home)
			if tc.err != "" {
				require.ErrorContains(t, err, tc.err, out)
				require.Empty(t, bridgeGenesis(t, home).InclusionParams.VerifyingKey, "genesis unchanged")
				return
			}
			require.NoError(t, err, out)
			require.Equal(t, bridgetypes.InclusionParams{VerifyingKey: goodBytes, MaxDepth: 2}, bridgeGenesis(t, home).InclusionParams)
		})
	}
	out, err = execCLI(t, "genesis", "validate", "--home", home)
	require.NoError(t, err, out)
}
