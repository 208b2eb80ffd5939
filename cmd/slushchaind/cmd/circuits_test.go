package cmd_test

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
	"github.com/slush-tree/slush/circuits/ledger"
)

// TestCircuitsLedgerSetupProveVerify runs `circuits setup|prove|verify --circuit ledger` at
// the smallest shape the bridge accepts (outbox depth 20) with the fast random setup: the keys
// fit the circuit, the example batch's proof verifies, and a changed statement does not.
func TestCircuitsLedgerSetupProveVerify(t *testing.T) {
	dir := t.TempDir()
	shape := []string{"--circuit", "ledger", "--account-depth", "1", "--batch-size", "1"}
	out, err := execCLI(t, append([]string{"circuits", "setup", "--random", "--no-cache", "--out", dir}, shape...)...)
	require.NoError(t, err, out)
	require.Contains(t, out, "NOT for production")
	vk, err := os.ReadFile(filepath.Join(dir, "ledger.vk"))
	require.NoError(t, err)
	_, err = keys.CheckVerifyingKey(vk, ledger.ProofPublicInputs)
	require.NoError(t, err)

	out, err = execCLI(t, append([]string{"circuits", "prove", "--keys", dir, "--out", dir, "--path", "1-2"}, shape...)...)
	require.NoError(t, err, out)
	verify := []string{"circuits", "verify", "--circuit", "ledger", "--keys", dir,
		"--proof", filepath.Join(dir, "proof.bin"), "--statement", filepath.Join(dir, "statement.bin")}
	out, err = execCLI(t, verify...)
	require.NoError(t, err, out)
	require.Contains(t, out, "proof valid: ledger batch of 1-2")

	st, err := os.ReadFile(filepath.Join(dir, "statement.bin"))
	require.NoError(t, err)
	pub, err := ledger.ParsePublicInputs(st)
	require.NoError(t, err)
	pub.AnchorHeight++
	require.NoError(t, os.WriteFile(filepath.Join(dir, "statement.bin"), pub.Bytes(), 0o644))
	out, err = execCLI(t, verify...)
	require.ErrorContains(t, err, "proof rejected", out)

	// a ledger key is not an inclusion key, and keys of another shape do not prove this one
	out, err = execCLI(t, "circuits", "verify", "--circuit", "inclusion", "--keys", dir)
	require.Error(t, err, out)
	require.NoError(t, os.Rename(filepath.Join(dir, "ledger.vk"), filepath.Join(dir, "inclusion.vk")))
	out, err = execCLI(t, "circuits", "verify", "--circuit", "inclusion", "--keys", dir)
	require.ErrorContains(t, err, "invalid verifying key", out)
	require.NoError(t, os.Rename(filepath.Join(dir, "inclusion.vk"), filepath.Join(dir, "ledger.vk")))
	out, err = execCLI(t, "circuits", "prove", "--circuit", "ledger", "--account-depth", "2", "--batch-size", "1",
		"--keys", dir, "--out", t.TempDir())
	require.ErrorContains(t, err, "check the shape flags", out)
}

// TestCircuitsTransferSetupCached: `circuits setup --circuit ledger-transfer` makes the keys of
// the ledger circuit without claim sections, whose example batch proves and verifies; a second
// setup of the same circuit reads the same keys from the key cache (by circuit digest) instead
// of running again, and --no-cache runs it again.
func TestCircuitsTransferSetupCached(t *testing.T) {
	dir, cache := t.TempDir(), t.TempDir()
	shape := []string{"--circuit", "ledger-transfer", "--account-depth", "1", "--batch-size", "1"}
	setup := append([]string{"circuits", "setup", "--random", "--out", dir, "--cache-dir", cache}, shape...)
	out, err := execCLI(t, setup...)
	require.NoError(t, err, out)
	require.Contains(t, out, "made and cached in "+cache)
	first, err := os.ReadFile(filepath.Join(dir, "ledger-transfer.vk"))
	require.NoError(t, err)

	out, err = execCLI(t, setup...)
	require.NoError(t, err, out)
	require.Contains(t, out, "read from the key cache "+cache)
	again, err := os.ReadFile(filepath.Join(dir, "ledger-transfer.vk"))
	require.NoError(t, err)
	require.Equal(t, first, again, "the cached keys")

	out, err = execCLI(t, append(setup, "--no-cache")...)
	require.NoError(t, err, out)
	require.Contains(t, out, "made (cache off)")
	fresh, err := os.ReadFile(filepath.Join(dir, "ledger-transfer.vk"))
	require.NoError(t, err)
	require.NotEqual(t, first, fresh, "a new random setup")

	out, err = execCLI(t, append([]string{"circuits", "prove", "--keys", dir, "--out", dir, "--path", "1"}, shape...)...)
	require.NoError(t, err, out)
	out, err = execCLI(t, "circuits", "verify", "--circuit", "ledger-transfer", "--keys", dir,
		"--proof", filepath.Join(dir, "proof.bin"), "--statement", filepath.Join(dir, "statement.bin"))
	require.NoError(t, err, out)
	require.Contains(t, out, "proof valid: ledger batch of 1")
}

// TestCircuitsFlags: shapes the bridge genesis would refuse are refused before any work.
func TestCircuitsFlags(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		err  string
	}{
		{"unknown circuit", []string{"circuits", "info", "--circuit", "nope"}, `"nope": want inclusion, ledger, ledger-transfer, leaf-step, leaf-forced-step, node-ledger-step, node-ledger-forced-step, node-ledger-exit-step, node-child-step or node-child-forced-step`},
		{"ledger outbox depth", []string{"circuits", "setup", "--circuit", "ledger", "--outbox-depth", "10", "--out", t.TempDir()}, "outbox depth 10"},
		{"ledger batch zero", []string{"circuits", "info", "--circuit", "ledger", "--batch-size", "0"}, "batch size 0"},
		{"inclusion depth zero", []string{"circuits", "info", "--max-depth", "0"}, "must be 1..16"},
		{"verify unknown circuit", []string{"circuits", "verify", "--circuit", "nope"}, `"nope": want inclusion, ledger or ledger-transfer`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := execCLI(t, tc.args...)
			require.ErrorContains(t, err, tc.err, out)
		})
	}
	out, err := execCLI(t, "circuits", "info", "--circuit", "ledger", "--account-depth", "1", "--batch-size", "1")
	require.NoError(t, err, out)
	require.Contains(t, out, "public inputs:  1 (the batch statement")
	require.Contains(t, out, "verifying key:  364 bytes")
	require.Contains(t, out, "1 claim sections of depth 8", "a one-slot batch gets one claim section by default")
}

// TestCircuitsLeafStepInfo: `circuits info --circuit leaf-step` compiles the subtree step around
// a ledger key made by `circuits setup` and reports its one public input; a step needs a
// one-input ledger key (an inclusion key is refused before gnark reads it), and there is no
// example step prover yet, which `circuits prove` says instead of proving something else.
func TestCircuitsLeafStepInfo(t *testing.T) {
	dir := t.TempDir()
	out, err := execCLI(t, "circuits", "setup", "--random", "--no-cache", "--out", dir,
		"--circuit", "ledger", "--account-depth", "1", "--batch-size", "1")
	require.NoError(t, err, out)
	out, err = execCLI(t, "circuits", "setup", "--random", "--no-cache", "--out", dir, "--circuit", "inclusion", "--max-depth", "1")
	require.NoError(t, err, out)

	step := []string{"--circuit", "leaf-step", "--inner-key", filepath.Join(dir, "ledger.vk"), "--batch-size", "1"}
	out, err = execCLI(t, append([]string{"circuits", "info"}, step...)...)
	require.NoError(t, err, out)
	require.Contains(t, out, "leaf step (Groth16, BN254; verifies one BN254 batch proof inside), batch size 1")
	require.Contains(t, out, "public inputs:  1 (the step statement")
	require.Contains(t, out, "commitments:    1\n")
	require.Contains(t, out, "verifying key:  528 bytes\n", "one public input and one commitment: keys.CommittedVerifyingKeySize(1)")

	out, err = execCLI(t, "circuits", "info", "--circuit", "leaf-step")
	require.ErrorContains(t, err, "--inner-key", out)
	out, err = execCLI(t, "circuits", "info", "--circuit", "leaf-step", "--inner-key", filepath.Join(dir, "inclusion.vk"))
	require.ErrorContains(t, err, "invalid verifying key", out)
	out, err = execCLI(t, append([]string{"circuits", "prove", "--keys", dir}, step...)...)
	require.ErrorContains(t, err, "no example step prover yet", out)
}

// TestCircuitsNodeStepFlags: the node steps' shape is derived from the tree's parameters and
// refused outside what the circuits hold, and each step's inner key is required and checked
// (a ledger-sized key is not a leaf step key) before any compile or setup.
func TestCircuitsNodeStepFlags(t *testing.T) {
	dir := t.TempDir()
	plain, committed := filepath.Join(dir, "plain.vk"), filepath.Join(dir, "committed.vk")
	require.NoError(t, os.WriteFile(plain, make([]byte, keys.VerifyingKeySize(1)), 0o644))
	require.NoError(t, os.WriteFile(committed, make([]byte, keys.CommittedVerifyingKeySize(1)), 0o644))
	for _, tc := range []struct {
		name string
		args []string
		err  string
	}{
		{"ledger step without inner key", []string{"--circuit", "node-ledger-step"}, "--inner-key: a leaf step embeds the tree's ledger verifying key"},
		{"child step without inner key", []string{"--circuit", "node-child-step"}, "--inner-key: a node child step embeds the tree's leaf step verifying key"},
		{"max children 0", []string{"--circuit", "node-child-step", "--max-children", "0", "--inner-key", committed}, "max children 0 not in 1..255"},
		{"max children 256", []string{"--circuit", "node-ledger-step", "--max-children", "256", "--inner-key", plain}, "max children 256 not in 1..255"},
		{"tree depth 0", []string{"--circuit", "node-child-step", "--tree-max-depth", "0", "--inner-key", committed}, "--tree-max-depth 0: must be 1..16"},
		{"tree depth 17", []string{"--circuit", "node-ledger-step", "--tree-max-depth", "17", "--inner-key", plain}, "--tree-max-depth 17: must be 1..16"},
		{"one histogram bucket", []string{"--circuit", "node-child-step", "--max-histogram-buckets", "1", "--inner-key", committed}, "needs at least 2"},
		{"child step over a ledger-sized key", []string{"--circuit", "node-child-step", "--inner-key", plain}, "invalid verifying key"},
		{"child step over a broken leaf step key", []string{"--circuit", "node-child-step", "--inner-key", committed}, "invalid verifying key"},
		{"ledger step over a leaf-step-sized key", []string{"--circuit", "node-ledger-step", "--inner-key", committed}, "invalid verifying key"},
		{"missing inner key file", []string{"--circuit", "node-ledger-step", "--inner-key", filepath.Join(dir, "none.vk")}, "no such file"},
		{"forced child step without inner key", []string{"--circuit", "node-child-forced-step"}, "--inner-key: a node child step embeds the tree's leaf step verifying key"},
		{"forced child step over a ledger-sized key", []string{"--circuit", "node-child-forced-step", "--inner-key", plain}, "invalid verifying key"},
		{"exit step without inner key", []string{"--circuit", "node-ledger-exit-step"}, "--inner-key: a leaf step embeds the tree's ledger verifying key"},
		{"exit step over a leaf-step-sized key", []string{"--circuit", "node-ledger-exit-step", "--inner-key", committed}, "invalid verifying key"},
	} {
		for _, cmd := range [][]string{{"circuits", "info"}, {"circuits", "setup", "--out", t.TempDir()}} {
			t.Run(tc.name+" "+cmd[1], func(t *testing.T) {
				out, err := execCLI(t, append(cmd, tc.args...)...)
				require.ErrorContains(t, err, tc.err, out)
			})
		}
	}
}

// TestCircuitsNodeStepInfo: `circuits info` compiles the node steps (the forced node child step
// and the node ledger exit step too), around a ledger key made
// by `circuits setup` and a stand-in leaf step key (one public input, one commitment), at the
// node shape derived from the tree's parameters, and reports their one public input and
// committed key. Compiles ~2.5M constraints: gated by SLUSH_RECURSIVE_TESTS=1.
func TestCircuitsNodeStepInfo(t *testing.T) {
	if os.Getenv("SLUSH_RECURSIVE_TESTS") != "1" {
		t.Skip("compiles the node step circuits: set SLUSH_RECURSIVE_TESTS=1")
	}
	dir := t.TempDir()
	out, err := execCLI(t, "circuits", "setup", "--random", "--no-cache", "--out", dir,
		"--circuit", "ledger", "--account-depth", "1", "--batch-size", "1")
	require.NoError(t, err, out)
	ccs, err := frontend.Compile(ecc.BN254.ScalarField(), r1cs.NewBuilder, &committedShaped{})
	require.NoError(t, err)
	_, vk, err := groth16.Setup(ccs)
	require.NoError(t, err)
	raw, err := keys.MarshalVerifyingKey(vk)
	require.NoError(t, err)
	leafKey := filepath.Join(dir, "leaf-step.vk")
	require.NoError(t, os.WriteFile(leafKey, raw, 0o644))

	shape := []string{"--max-children", "2", "--tree-max-depth", "3", "--max-histogram-buckets", "64"}
	out, err = execCLI(t, append([]string{"circuits", "info", "--circuit", "node-ledger-step", "--inner-key", filepath.Join(dir, "ledger.vk"), "--batch-size", "1"}, shape...)...)
	require.NoError(t, err, out)
	require.Contains(t, out, "node ledger step (Groth16, BN254; verifies one BN254 batch proof inside), batch size 1, 2 children, 5 report buckets")
	require.Contains(t, out, "public inputs:  1 (the step statement")
	require.Contains(t, out, "verifying key:  528 bytes\n")

	out, err = execCLI(t, append([]string{"circuits", "info", "--circuit", "node-child-step", "--inner-key", leafKey}, shape...)...)
	require.NoError(t, err, out)
	require.Contains(t, out, "node child step (Groth16, BN254; verifies one leaf step proof inside), 2 children, 5 report buckets")
	require.Contains(t, out, "commitments:    1\n")
	require.Contains(t, out, "verifying key:  528 bytes\n")
	out, err = execCLI(t, append([]string{"circuits", "prove", "--keys", dir, "--circuit", "node-child-step", "--inner-key", leafKey}, shape...)...)
	require.ErrorContains(t, err, "no example step prover yet", out)

	out, err = execCLI(t, append([]string{"circuits", "info", "--circuit", "node-child-forced-step", "--inner-key", leafKey}, shape...)...)
	require.NoError(t, err, out)
	require.Contains(t, out, "forced node child step (Groth16, BN254; verifies one forced leaf step proof inside and the growth of the child's outbox of depth 20 from the one it names), 2 children, 5 report buckets")
	require.Contains(t, out, "verifying key:  528 bytes\n")

	out, err = execCLI(t, append([]string{"circuits", "info", "--circuit", "node-ledger-exit-step", "--inner-key", filepath.Join(dir, "ledger.vk"), "--account-depth", "1", "--batch-size", "1"}, shape...)...)
	require.NoError(t, err, out)
	require.Contains(t, out, "node ledger exit step (Groth16, BN254; verifies one BN254 batch proof inside and opens up to 1 exits under the child's finalized children root, accounts of depth 1), batch size 1, 2 children, 5 report buckets")
	require.Contains(t, out, "public inputs:  1 (the step statement: the hash of kind, child vid, child index, children root before/after, anchor height, anchor commitment, new commitment hash)")
}

// committedShaped has a step key's shape: one public input and one commitment.
type committedShaped struct {
	In frontend.Variable `gnark:",public"`
}

func (c *committedShaped) Define(api frontend.API) error {
	rangecheck.New(api).Check(c.In, 8)
	return nil
}
