package proving

import (
	"os"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/backend/groth16"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/frontend/cs/r1cs"
	"github.com/stretchr/testify/require"

	"github.com/slush-tree/slush/circuits/ledger"
	"github.com/slush-tree/slush/circuits/subtree"
)

// TestStepKeys: each proven step kind maps to the keys_dir file name of the circuit that proves
// it (the kind its proofs are logged and exported as), the exit node ledger step (kind 12) to
// its own; the native kinds to none.
func TestStepKeys(t *testing.T) {
	for kind, want := range map[uint64]string{
		subtree.KindLeaf: "leaf-step", subtree.KindLeafFirst: "leaf-step", subtree.KindLeafForced: "leaf-forced-step",
		subtree.KindNodeLedger: "node-ledger-step", subtree.KindNodeLedgerForced: "node-ledger-forced-step",
		subtree.KindNodeLedgerExit: "node-ledger-exit-step",
		subtree.KindNodeChild:      "node-child-step", subtree.KindNodeChildForced: "node-child-forced-step",
		subtree.KindRegister: "", subtree.KindNodeRegister: "", subtree.KindUnregister: "", subtree.KindNodeUnregister: "",
	} {
		require.Equal(t, want, StepKeys(kind), "kind %d", kind)
	}
}

// TestNodeLedgerVariant: a node ledger witness is proven by the variant of the kind it states
// (NodeLedgerStepWitness.Public): forced with deposits, exit with exits, plain otherwise.
func TestNodeLedgerVariant(t *testing.T) {
	plain, forced, exit := &nodeStepCircuit{vkRaw: []byte("3")}, &nodeStepCircuit{vkRaw: []byte("10")}, &nodeStepCircuit{vkRaw: []byte("12")}
	p := &Prover{nodeSteps: &nodeSteps{ledger: plain, ledgerForced: forced, ledgerExit: exit}}
	for _, tc := range []struct {
		name string
		move subtree.LeafStepWitness
		want *nodeStepCircuit
	}{
		{"claims only", subtree.LeafStepWitness{}, plain},
		{"forced deposits", subtree.LeafStepWitness{Deposits: []subtree.DepositOpening{{}}}, forced},
		{"exits", subtree.LeafStepWitness{Exits: []subtree.ExitOpening{{}}}, exit},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := subtree.NodeLedgerStepWitness{Move: tc.move}
			v := p.nodeLedgerVariant(w)
			require.Same(t, tc.want, v.step)
			require.Equal(t, w.Public().Kind, v.kind, "the kind the witness states")
		})
	}
	require.Nil(t, (&Prover{}).nodeLedgerVariant(subtree.NodeLedgerStepWitness{Move: subtree.LeafStepWitness{Exits: []subtree.ExitOpening{{}}}}).step,
		"no node step keys")
}

// TestCompileNodeLedgerExitStep: the exit node ledger step is compiled for a valid node shape
// only (refused before compiling otherwise); compiled (~1M constraints, SLUSH_RECURSIVE_TESTS=1),
// it stays under 2^20 constraints at the production shape, as subtree.MaxExitsPerBatch is sized.
func TestCompileNodeLedgerExitStep(t *testing.T) {
	_, _, err := compileNodeLedgerExitStep(nil, ledger.Params{AccountDepth: 4, OutboxDepth: 4, BatchSize: 2}, subtree.NodeShape{})
	require.Error(t, err, "no node shape")
	if os.Getenv("SLUSH_RECURSIVE_TESTS") != "1" {
		t.Skip("compiles the exit node ledger step (minutes, GiBs): set SLUSH_RECURSIVE_TESTS=1")
	}
	batch, err := frontend.Compile(ecc.BN254.ScalarField(), r1cs.NewBuilder, &statementShaped{}) // stands in for the ledger circuit
	require.NoError(t, err)
	_, vk, err := groth16.Setup(batch)
	require.NoError(t, err)
	ccs, _, err := compileNodeLedgerExitStep(vk, ledger.DefaultParams, subtree.NodeShape{MaxChildren: 3, MaxBuckets: 18})
	require.NoError(t, err)
	require.Less(t, ccs.GetNbConstraints(), 1<<20)
}

// statementShaped stands in for the ledger batch circuit's key: one public input, no commitment.
type statementShaped struct {
	In frontend.Variable `gnark:",public"`
	X  frontend.Variable
}

func (c *statementShaped) Define(api frontend.API) error {
	api.AssertIsEqual(api.Mul(c.X, c.X), c.In)
	return nil
}
