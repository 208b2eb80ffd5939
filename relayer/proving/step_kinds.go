package proving

import "github.com/slush-tree/slush/circuits/subtree"

// File names (without .pk/.vk) of the step circuits' keys in keys_dir, as `slushchaind circuits
// setup --circuit <name>` writes them (leaf-step and leaf-forced-step with --inner-key ledger.vk,
// node-ledger-step, node-ledger-forced-step and node-ledger-exit-step with --inner-key ledger.vk,
// node-child-step with --inner-key leaf-step.vk, node-child-forced-step with --inner-key
// leaf-forced-step.vk).
const (
	leafStepKeys             = "leaf-step"
	leafForcedStepKeys       = "leaf-forced-step"
	nodeLedgerStepKeys       = "node-ledger-step"
	nodeLedgerForcedStepKeys = "node-ledger-forced-step"
	nodeLedgerExitStepKeys   = "node-ledger-exit-step"
	nodeChildStepKeys        = "node-child-step"
	nodeChildForcedStepKeys  = "node-child-forced-step"
)

// stepKeys is, by step kind, the file name of the keys of the circuit that proves it — also the
// kind its proofs are logged (`msg=proof kind=<name>`) and exported
// (`slush_relayer_proof_seconds{kind="<name>"}`) as: the one mapping from step kinds to names.
var stepKeys = map[uint64]string{
	subtree.KindLeaf:             leafStepKeys,
	subtree.KindLeafFirst:        leafStepKeys,
	subtree.KindLeafForced:       leafForcedStepKeys,
	subtree.KindNodeLedger:       nodeLedgerStepKeys,
	subtree.KindNodeLedgerForced: nodeLedgerForcedStepKeys,
	subtree.KindNodeLedgerExit:   nodeLedgerExitStepKeys,
	subtree.KindNodeChild:        nodeChildStepKeys,
	subtree.KindNodeChildForced:  nodeChildForcedStepKeys,
}

// StepKeys is the keys_dir file name (without .pk/.vk) of the circuit that proves steps of kind,
// the name its proofs are logged and measured under; "" for a kind no circuit proves (the native
// kinds 5 to 8).
func StepKeys(kind uint64) string { return stepKeys[kind] }
