package proving

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark/backend/groth16"
	"github.com/consensys/gnark/constraint"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/frontend/cs/r1cs"
	"github.com/consensys/gnark/std/rangecheck"
	"github.com/stretchr/testify/require"

	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/keys"
	"github.com/slush-tree/slush/circuits/recursion"
	"github.com/slush-tree/slush/circuits/smt"
	"github.com/slush-tree/slush/circuits/subtree"
	ledgertypes "github.com/slush-tree/slush/x/ledger/types"
)

// TestLoadNodeStepsRefusals: without node step keys nothing is loaded (and the chains are not
// asked for their shape), a node child step key without the leaf step key it verifies is refused
// at start (a forced node child step key without the forced leaf step key too), and proving
// without keys — of any node kind, the exit one included — is an error, never a panic.
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
		{name: "a forced child step key without the forced leaf step key", files: []string{nodeChildForcedStepKeys + ".vk"},
			err: "node-child-forced-step.vk without leaf-forced-step.vk: a forced node child step verifies forced leaf steps"},
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
			require.Nil(t, p.NodeLedgerExitStepVK())
			_, _, err = p.ProveNodeLedgerStep(subtree.NodeLedgerStepWitness{Move: subtree.LeafStepWitness{Exits: []subtree.ExitOpening{{}}}})
			require.ErrorContains(t, err, "no exit node ledger step keys in keys_dir (node-ledger-exit-step.pk/.vk)")
			_, _, err = p.ProveNodeChildStep(subtree.NodeChildStepWitness{})
			require.ErrorContains(t, err, "no node child step keys")
			require.Nil(t, p.NodeChildForcedStepVK())
			_, _, err = p.ProveNodeChildStep(subtree.NodeChildStepWitness{Growth: &smt.AccumulatorGrowth{}})
			require.ErrorContains(t, err, "no forced node child step keys in keys_dir (node-child-forced-step.pk/.vk)")
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
		nodeSteps: &nodeSteps{child: &nodeStepCircuit{vk: vk}, childProver: residentCircuit(nodeChildStepKeys, subtree.NodeChildStepProver{})}}
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

// innerKeys is a stand-in leaf step variant's keys (innerShaped), with a proof maker.
type innerKeys struct {
	ccs constraint.ConstraintSystem
	pk  groth16.ProvingKey
	vk  groth16.VerifyingKey
}

func newInnerKeys(t *testing.T) innerKeys {
	t.Helper()
	ccs, err := frontend.Compile(ecc.BN254.ScalarField(), r1cs.NewBuilder, &innerShaped{})
	require.NoError(t, err)
	pk, vk, err := groth16.Setup(ccs)
	require.NoError(t, err)
	return innerKeys{ccs, pk, vk}
}

// prove is a proof under k's key for the statement of p.
func (k innerKeys) prove(t *testing.T, p subtree.StepPublic) groth16.Proof {
	t.Helper()
	w, err := frontend.NewWitness(&innerShaped{In: p.Statement()}, ecc.BN254.ScalarField())
	require.NoError(t, err)
	proof, err := groth16.Prove(k.ccs, k.pk, w, recursion.CommittedProverOption())
	require.NoError(t, err)
	return proof
}

// TestProveNodeChildForcedStep: a node child step over a forced leaf step (a witness with an
// outbox growth) is proven by the forced node child step (kind 11), its inner proof checked
// natively first under keys_dir's forced leaf step key — not the plain one —, its growth path
// against the outbox depth it was compiled for; every refusal is logged as a failed proof of kind
// node-child-forced-step, before any proving.
func TestProveNodeChildForcedStep(t *testing.T) {
	plain, forced := newInnerKeys(t), newInnerKeys(t)
	inner := subtree.StepPublic{Kind: subtree.KindLeafForced, Index: 1, AnchorHeight: 3, ParentOutbox: hash.Uint64(42)}
	growth := &smt.AccumulatorGrowth{EarlierSize: 1, LaterSize: 2, Siblings: make([]fr.Element, 4)}
	var logs bytes.Buffer
	p := &Prover{log: slog.New(slog.NewTextHandler(&logs, nil)), leafStep: &leafStepCircuit{vk: plain.vk}, leafForced: &leafStepCircuit{vk: forced.vk},
		nodeSteps: &nodeSteps{child: &nodeStepCircuit{vk: plain.vk}, childForced: &nodeStepCircuit{vk: forced.vk}, outboxDepth: 4,
			childProver:       residentCircuit(nodeChildStepKeys, subtree.NodeChildStepProver{}),
			childForcedProver: residentCircuit(nodeChildForcedStepKeys, subtree.NodeChildStepProver{})}}

	other := inner
	other.ParentOutbox = hash.Uint64(43)
	for _, tc := range []struct {
		name string
		w    subtree.NodeChildStepWitness
		err  string
	}{
		{"an inner proof of another parent outbox", subtree.NodeChildStepWitness{Inner: other, InnerProof: forced.prove(t, inner), Growth: growth},
			"the inner leaf step proof under keys_dir/leaf-forced-step.vk"},
		{"an inner proof under the plain leaf step key", subtree.NodeChildStepWitness{Inner: inner, InnerProof: plain.prove(t, inner), Growth: growth},
			"the inner leaf step proof under keys_dir/leaf-forced-step.vk"},
		{"a growth path of another depth", subtree.NodeChildStepWitness{Inner: inner, InnerProof: forced.prove(t, inner),
			Growth: &smt.AccumulatorGrowth{EarlierSize: 1, LaterSize: 2, Siblings: make([]fr.Element, 3)}}, "an outbox growth path of 3 siblings, the outbox depth is 4"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			logs.Reset()
			_, _, err := p.ProveNodeChildStep(tc.w, "chain", "1")
			require.ErrorIs(t, err, subtree.ErrWitness)
			require.ErrorContains(t, err, tc.err)
			require.Contains(t, logs.String(), `msg="proof failed" kind=node-child-forced-step`)
			require.Contains(t, logs.String(), "chain=1")
		})
	}

	// its own statement under the forced key passes the checks (and goes on to the step's
	// assignment, here of no node shape); the plain step still checks under the plain key
	_, _, err := p.ProveNodeChildStep(subtree.NodeChildStepWitness{Inner: inner, InnerProof: forced.prove(t, inner), Growth: growth})
	require.ErrorIs(t, err, subtree.ErrWitness)
	require.ErrorContains(t, err, "max children 0")
	plainInner := inner
	plainInner.Kind, plainInner.ParentOutbox = subtree.KindLeaf, fr.Element{}
	_, _, err = p.ProveNodeChildStep(subtree.NodeChildStepWitness{Inner: plainInner, InnerProof: forced.prove(t, plainInner)})
	require.ErrorContains(t, err, "the inner leaf step proof under keys_dir/leaf-step.vk")
	require.Contains(t, logs.String(), `msg="proof failed" kind=node-child-step`)
	p.leafForced = nil
	_, _, err = p.ProveNodeChildStep(subtree.NodeChildStepWitness{Inner: inner, InnerProof: forced.prove(t, inner), Growth: growth})
	require.ErrorContains(t, err, "no forced node child step keys in keys_dir")
}

// TestLoadNodeChildVariant: a node child step variant (here a stand-in circuit for the forced
// one) loads from keys_dir/<file>.pk/.vk around its inner leaf step key, compiled once for its
// parameters; a proving key of another circuit is refused at start.
func TestLoadNodeChildVariant(t *testing.T) {
	inner, step := newInnerKeys(t), newInnerKeys(t)
	dir := t.TempDir()
	require.NoError(t, keys.WriteKeys(dir, nodeChildForcedStepKeys, step.pk, step.vk))
	vkRaw, err := os.ReadFile(filepath.Join(dir, nodeChildForcedStepKeys+".vk"))
	require.NoError(t, err)
	node := subtree.NodeShape{MaxChildren: 3, MaxBuckets: 4}
	var compiledWith groth16.VerifyingKey
	compile := func(vk groth16.VerifyingKey) (constraint.ConstraintSystem, recursion.FixedKey, error) {
		compiledWith = vk
		return step.ccs, recursion.FixedKey{}, nil
	}
	var logs bytes.Buffer
	p := &Prover{log: slog.New(slog.NewTextHandler(&logs, nil))}
	c, sc, err := p.loadNodeChildVariant(dir, nodeChildForcedStepKeys, vkRaw, node, "outbox depth 4", &leafStepCircuit{vk: inner.vk}, false, compile)
	require.NoError(t, err)
	require.Equal(t, vkRaw, c.vkRaw)
	require.Same(t, inner.vk, compiledWith, "compiled around the inner variant's key")
	require.False(t, sc.onDemand())
	require.Equal(t, node, sc.resident.Shape)
	require.Same(t, step.ccs, sc.resident.CCS)
	require.Contains(t, logs.String(), `msg="node step circuit ready" circuit=node-child-forced-step`)

	other, err := frontend.Compile(ecc.BN254.ScalarField(), r1cs.NewBuilder, &twoInputs{})
	require.NoError(t, err)
	for _, onDemand := range []bool{false, true} {
		_, _, err = p.loadNodeChildVariant(dir, nodeChildForcedStepKeys, vkRaw, node, "outbox depth 4", &leafStepCircuit{vk: inner.vk}, onDemand,
			func(groth16.VerifyingKey) (constraint.ConstraintSystem, recursion.FixedKey, error) {
				return other, recursion.FixedKey{}, nil
			})
		require.ErrorContains(t, err, "node-child-forced-step.pk is not the node-child-forced-step circuit", "on demand %v: refused at start", onDemand)
	}
}

// twoInputs is a circuit of another shape than innerShaped.
type twoInputs struct {
	A frontend.Variable `gnark:",public"`
	B frontend.Variable
}

func (c *twoInputs) Define(api frontend.API) error {
	api.AssertIsEqual(api.Mul(c.B, c.B), c.A)
	rangecheck.New(api).Check(c.B, 64)
	return nil
}
