package proving

import (
	"testing"

	"github.com/stretchr/testify/require"

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
