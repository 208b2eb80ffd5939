package cli_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/backend/groth16"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/frontend/cs/r1cs"
	"github.com/stretchr/testify/require"

	"github.com/slush-tree/slush/circuits/keys"
	"github.com/slush-tree/slush/circuits/ledger"
	"github.com/slush-tree/slush/testutil/clitest"
	"github.com/slush-tree/slush/x/bridge/client/cli"
	"github.com/slush-tree/slush/x/bridge/types"
	ledgertypes "github.com/slush-tree/slush/x/ledger/types"
	treetypes "github.com/slush-tree/slush/x/tree/types"
)

// publicInputsCircuit has n constrained public inputs: a stand-in to make verifying keys of
// a given public-input count quickly.
type publicInputsCircuit struct {
	// In are the public inputs.
	In []frontend.Variable `gnark:",public"`
	// Sum is the private sum of their squares.
	Sum frontend.Variable
}

// Define constrains the sum of the squares of the inputs.
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

// bridgeGenesis reads x/bridge's genesis from a home.
func bridgeGenesis(t *testing.T, home string) types.GenesisState {
	t.Helper()
	var gs types.GenesisState
	clitest.ModuleGenesis(t, home, types.ModuleName, &gs)
	return gs
}

// TestSetInclusionKey: only a well-formed key with the inclusion circuit's 5 public inputs
// and a max depth in 1..16 lands in genesis.
func TestSetInclusionKey(t *testing.T) {
	home := clitest.NewHome(t, "slush-root", treetypes.RootIdentity())
	// the ledger's claim sections reach as deep as the key, as x/bridge's InitGenesis requires
	lgs := ledgertypes.DefaultGenesisState()
	lgs.Params = ledgertypes.Params{AccountDepth: 8, OutboxDepth: 20, BatchSize: 4, ClaimSlots: 4, InclusionDepth: 2}
	clitest.SetModuleGenesis(t, home, ledgertypes.ModuleName, lgs)

	good, goodBytes := writeVK(t, types.InclusionPublicInputs)
	ledgerShaped, _ := writeVK(t, ledger.ProofPublicInputs)
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
			out, err := clitest.Run(t, home, cli.SetInclusionKeyCmd(home), tc.file, "--max-depth", tc.depth, "--home", home)
			if tc.err != "" {
				require.ErrorContains(t, err, tc.err, out)
				require.Empty(t, bridgeGenesis(t, home).InclusionParams.VerifyingKey, "genesis unchanged")
				return
			}
			require.NoError(t, err, out)
			require.Equal(t, types.InclusionParams{VerifyingKey: goodBytes, MaxDepth: 2}, bridgeGenesis(t, home).InclusionParams)
		})
	}
	require.NoError(t, clitest.ValidateGenesis(t, home))
}
