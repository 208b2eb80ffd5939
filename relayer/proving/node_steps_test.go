package proving

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/backend/groth16"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/frontend/cs/r1cs"
	"github.com/consensys/gnark/std/rangecheck"
	"github.com/stretchr/testify/require"

	"github.com/slush-tree/slush/circuits/recursion"
	"github.com/slush-tree/slush/circuits/subtree"
	ledgertypes "github.com/slush-tree/slush/x/ledger/types"
)

// TestLoadNodeStepsRefusals: without node step keys nothing is loaded (and the chains are not
// asked for their shape), a node child step key without the leaf step key it verifies is refused
// at start, and proving without keys is an error, never a panic.
func TestLoadNodeStepsRefusals(t *testing.T) {
	shape := ledgertypes.Params{AccountDepth: 1, OutboxDepth: 1, BatchSize: 1}
	for _, tc := range []struct {
		name  string
		files []string
		err   string
		log   string
	}{
		{name: "no node keys", log: "no node step keys"},
		{name: "a child step key without the leaf step key", files: []string{nodeChildStepKeys + ".vk"}, err: "a node child step verifies leaf steps"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			for _, f := range tc.files {
				require.NoError(t, os.WriteFile(filepath.Join(dir, f), []byte("key"), 0o644))
			}
			var logs bytes.Buffer
			p := &Prover{log: slog.New(slog.NewTextHandler(&logs, nil))}
			err := p.loadNodeSteps(context.Background(), dir, nil, shape)
			if tc.err != "" {
				require.ErrorContains(t, err, tc.err)
				return
			}
			require.NoError(t, err)
			require.Contains(t, logs.String(), tc.log)
			require.Nil(t, p.NodeLedgerStepVK())
			require.Nil(t, p.NodeChildStepVK())
			require.Equal(t, subtree.NodeShape{}, p.NodeStepShape())
			_, _, err = p.ProveNodeLedgerStep(subtree.NodeLedgerStepWitness{})
			require.ErrorContains(t, err, "no node ledger step keys")
			_, _, err = p.ProveNodeChildStep(subtree.NodeChildStepWitness{})
			require.ErrorContains(t, err, "no node child step keys")
		})
	}
}

// innerShaped stands in for the leaf step: one public input, one commitment.
type innerShaped struct {
	In frontend.Variable `gnark:",public"`
}

func (c *innerShaped) Define(api frontend.API) error {
	rangecheck.New(api).Check(c.In, 254)
	return nil
}

// TestProveNodeChildStepChecksInner: a node child step whose inner leaf step proof does not
// verify under keys_dir's leaf step key for its inner statement is refused before any proving,
// logged as a failed proof of its kind.
func TestProveNodeChildStepChecksInner(t *testing.T) {
	ccs, err := frontend.Compile(ecc.BN254.ScalarField(), r1cs.NewBuilder, &innerShaped{})
	require.NoError(t, err)
	pk, vk, err := groth16.Setup(ccs)
	require.NoError(t, err)
	inner := subtree.StepPublic{Kind: subtree.KindLeaf, Index: 1, AnchorHeight: 3}
	w, err := frontend.NewWitness(&innerShaped{In: inner.Statement()}, ecc.BN254.ScalarField())
	require.NoError(t, err)
	proof, err := groth16.Prove(ccs, pk, w, recursion.CommittedProverOption())
	require.NoError(t, err)

	var logs bytes.Buffer
	p := &Prover{log: slog.New(slog.NewTextHandler(&logs, nil)), leafStep: &leafStepCircuit{vk: vk},
		nodeSteps: &nodeSteps{child: &nodeStepCircuit{vk: vk}}}
	other := inner
	other.AnchorHeight = 4
	_, _, err = p.ProveNodeChildStep(subtree.NodeChildStepWitness{Inner: other, InnerProof: proof}, "chain", "1")
	require.ErrorIs(t, err, subtree.ErrWitness)
	require.ErrorContains(t, err, "the inner leaf step proof")
	require.Contains(t, logs.String(), `msg="proof failed" kind=node-child-step`)
	require.Contains(t, logs.String(), "chain=1")

	// its own statement passes the inner check (and goes on to the step's assignment, here of
	// no node shape)
	_, _, err = p.ProveNodeChildStep(subtree.NodeChildStepWitness{Inner: inner, InnerProof: proof})
	require.ErrorIs(t, err, subtree.ErrWitness)
	require.NotContains(t, err.Error(), "the inner leaf step proof")
	require.ErrorContains(t, err, "max children 0")
}
