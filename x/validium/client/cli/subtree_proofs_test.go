package cli_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/backend/groth16"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/frontend/cs/r1cs"
	"github.com/consensys/gnark/std/rangecheck"
	"github.com/stretchr/testify/require"

	"github.com/slush-tree/slush/circuits/keys"
	"github.com/slush-tree/slush/testutil/clitest"
	treetypes "github.com/slush-tree/slush/x/tree/types"
	"github.com/slush-tree/slush/x/validium/client/cli"
	"github.com/slush-tree/slush/x/validium/types"
)

// stepShaped has the shape of a step circuit's key: one public input and one commitment (when
// committed is set).
type stepShaped struct {
	In        frontend.Variable `gnark:",public"`
	committed bool
}

func (c *stepShaped) Define(api frontend.API) error {
	api.AssertIsDifferent(c.In, 0)
	if c.committed {
		rangecheck.New(api).Check(c.In, 8)
	}
	return nil
}

// keyFile writes the verifying key of stepShaped to a file and returns its path and bytes.
func keyFile(t *testing.T, committed bool) (string, []byte) {
	t.Helper()
	ccs, err := frontend.Compile(ecc.BN254.ScalarField(), r1cs.NewBuilder, &stepShaped{committed: committed})
	require.NoError(t, err)
	_, vk, err := groth16.Setup(ccs)
	require.NoError(t, err)
	raw, err := keys.MarshalVerifyingKey(vk)
	require.NoError(t, err)
	path := filepath.Join(t.TempDir(), "step.vk")
	require.NoError(t, os.WriteFile(path, raw, 0o644))
	return path, raw
}

// TestSetSubtreeProofs: the mode and key land in genesis only if x/validium accepts them; a key
// without the step circuits' commitment, or RECURSIVE without a key, leaves genesis unchanged.
func TestSetSubtreeProofs(t *testing.T) {
	home := clitest.NewHome(t, "slush-1", treetypes.TreeIdentity{
		Path: []uint32{1}, ParentChainId: "slush-root", MaxChildren: treetypes.DefaultMaxChildren, MaxDepth: 16,
	})
	stepKey, stepRaw := keyFile(t, true)
	plainKey, _ := keyFile(t, false)
	params := func() types.Params {
		var gs types.GenesisState
		clitest.ModuleGenesis(t, home, types.ModuleName, &gs)
		return gs.Params
	}
	for _, tc := range []struct {
		name string
		args []string
		err  string
	}{
		{"unknown mode", []string{"proven"}, `mode "proven"`},
		{"recursive without a key", []string{"recursive"}, "needs leaf_step_key"},
		{"a key without the commitment", []string{"recursive", plainKey}, "invalid verifying key"},
		{"a missing key file", []string{"recursive", filepath.Join(t.TempDir(), "none.vk")}, "no such file"},
		{"a node ledger key without the commitment", []string{"recursive", stepKey, "--node-ledger-key", plainKey}, "--node-ledger-key " + plainKey + ": keys: invalid verifying key"},
		{"a node child key without the commitment", []string{"recursive", stepKey, "--node-child-key", plainKey}, "--node-child-key " + plainKey + ": keys: invalid verifying key"},
		{"a missing node child key file", []string{"recursive", stepKey, "--node-child-key", filepath.Join(t.TempDir(), "none.vk")}, "no such file"},
		{"a node key next to a bad leaf key", []string{"recursive", plainKey, "--node-ledger-key", stepKey}, "invalid verifying key"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := clitest.Run(t, home, cli.SetSubtreeProofsCmd(home), append(tc.args, "--home", home)...)
			require.ErrorContains(t, err, tc.err, out)
			require.Equal(t, types.DefaultParams(), params(), "genesis unchanged")
		})
	}

	out, err := clitest.Run(t, home, cli.SetSubtreeProofsCmd(home), "recursive", stepKey, "--home", home)
	require.NoError(t, err, out)
	p := params()
	require.Equal(t, types.SubtreeProofs_SUBTREE_PROOFS_RECURSIVE, p.SubtreeProofs)
	require.Equal(t, stepRaw, p.LeafStepKey)

	out, err = clitest.Run(t, home, cli.SetSubtreeProofsCmd(home), "attested", "--home", home)
	require.NoError(t, err, out)
	p = params()
	require.Equal(t, types.SubtreeProofs_SUBTREE_PROOFS_ATTESTED, p.SubtreeProofs)
	require.Equal(t, stepRaw, p.LeafStepKey, "the key stays for a later switch")
	require.Empty(t, p.NodeLedgerStepKey)
	require.Empty(t, p.NodeChildStepKey)

	ledgerKey, ledgerRaw := keyFile(t, true)
	childKey, childRaw := keyFile(t, true)
	out, err = clitest.Run(t, home, cli.SetSubtreeProofsCmd(home), "recursive", "--node-ledger-key", ledgerKey, "--node-child-key", childKey, "--home", home)
	require.NoError(t, err, out)
	p = params()
	require.Equal(t, types.SubtreeProofs_SUBTREE_PROOFS_RECURSIVE, p.SubtreeProofs)
	require.Equal(t, stepRaw, p.LeafStepKey, "the leaf step key stays")
	require.Equal(t, ledgerRaw, p.NodeLedgerStepKey)
	require.Equal(t, childRaw, p.NodeChildStepKey)

	out, err = clitest.Run(t, home, cli.SetSubtreeProofsCmd(home), "recursive", stepKey, "--node-child-key", stepKey, "--home", home)
	require.NoError(t, err, out)
	p = params()
	require.Equal(t, ledgerRaw, p.NodeLedgerStepKey, "a key not given stays")
	require.Equal(t, stepRaw, p.NodeChildStepKey)

	exitKey, exitRaw := keyFile(t, true)
	out, err = clitest.Run(t, home, cli.SetSubtreeProofsCmd(home), "recursive", "--node-ledger-exit-key", exitKey, "--home", home)
	require.NoError(t, err, out)
	require.Equal(t, exitRaw, params().NodeLedgerExitStepKey)
}
