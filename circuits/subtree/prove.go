package subtree

import (
	"fmt"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/backend/groth16"
	"github.com/consensys/gnark/constraint"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/frontend/cs/r1cs"

	"github.com/slush-tree/slush/circuits/ledger"
	"github.com/slush-tree/slush/circuits/prover"
	"github.com/slush-tree/slush/circuits/recursion"
)

// CompileLeafStep compiles the leaf step of a tree whose ledger batches (of shape p) are proven
// under inner: the circuit a parent's leaf_step_key belongs to.
func CompileLeafStep(inner groth16.VerifyingKey, p ledger.Params) (constraint.ConstraintSystem, recursion.FixedKey, error) {
	return compileStep(inner, func(key recursion.FixedKey) (frontend.Circuit, error) { return NewLeafStep(key, p), nil })
}

// CompileLeafForcedStep compiles the forced variant of the leaf step (kind 9,
// NewLeafForcedStep): the circuit a parent's leaf_forced_step_key belongs to.
func CompileLeafForcedStep(inner groth16.VerifyingKey, p ledger.Params) (constraint.ConstraintSystem, recursion.FixedKey, error) {
	return compileStep(inner, func(key recursion.FixedKey) (frontend.Circuit, error) { return NewLeafForcedStep(key, p), nil })
}

// compileStep fixes inner in the step circuit circuit(key) (which may refuse the key) and
// compiles it.
func compileStep(inner groth16.VerifyingKey, circuit func(recursion.FixedKey) (frontend.Circuit, error)) (constraint.ConstraintSystem, recursion.FixedKey, error) {
	key, err := recursion.NewFixedKey(inner)
	if err != nil {
		return nil, recursion.FixedKey{}, err
	}
	c, err := circuit(key)
	if err != nil {
		return nil, recursion.FixedKey{}, err
	}
	ccs, err := frontend.Compile(ecc.BN254.ScalarField(), r1cs.NewBuilder, c)
	if err != nil {
		return nil, recursion.FixedKey{}, err
	}
	return ccs, key, nil
}

// proveStep proves the assignment a step's Assign function made (or refused, assignErr) and
// returns the proof bytes with pub; the solver refuses a witness that cannot make a valid step.
func proveStep(ccs constraint.ConstraintSystem, pk groth16.ProvingKey, a frontend.Circuit, assignErr error, pub StepPublic) ([]byte, StepPublic, error) {
	if assignErr != nil {
		return nil, StepPublic{}, assignErr
	}
	proof, err := prover.Prove(ccs, pk, a)
	if err != nil {
		return nil, StepPublic{}, fmt.Errorf("%w: %v", ErrWitness, err)
	}
	return proof, pub, nil
}

// StepProver proves leaf steps (or, compiled from CompileLeafForcedStep, forced leaf steps: a
// witness with deposits): what whoever relays a chain's update to its parent runs for
// every batch of the chain's children since the parent's last accepted update (docs/PROTOCOL.md
// "Validity all the way up", "Who proves").
type StepProver struct {
	// CCS and PK are the compiled leaf step and its proving key.
	CCS constraint.ConstraintSystem
	PK  groth16.ProvingKey
	// Key is the inner (ledger) key the step embeds; Params the ledger shape.
	Key    recursion.FixedKey
	Params ledger.Params
}

// Prove proves w and returns the proof bytes (prover.CommittedProofSize) with what it states.
// The witness is checked by the circuit's own solver: a witness that cannot make a valid step
// is refused before any proof exists.
func (s StepProver) Prove(w LeafStepWitness) ([]byte, StepPublic, error) {
	a, err := AssignLeafStep(s.Key, s.Params, w)
	return proveStep(s.CCS, s.PK, a, err, w.Public())
}

// CompileNodeLedgerStep compiles the node ledger step (kind 3) of a tree whose ledger batches
// (of shape p) are proven under inner, for nodes of shape s: the circuit a parent's
// node_ledger_step_key belongs to.
func CompileNodeLedgerStep(inner groth16.VerifyingKey, p ledger.Params, s NodeShape) (constraint.ConstraintSystem, recursion.FixedKey, error) {
	if err := s.Validate(); err != nil {
		return nil, recursion.FixedKey{}, err
	}
	return compileStep(inner, func(key recursion.FixedKey) (frontend.Circuit, error) { return NewNodeLedgerStep(key, p, s), nil })
}

// CompileNodeLedgerForcedStep compiles the forced variant of the node ledger step (kind 10,
// NewNodeLedgerForcedStep): the circuit a parent's node_ledger_forced_step_key belongs to.
func CompileNodeLedgerForcedStep(inner groth16.VerifyingKey, p ledger.Params, s NodeShape) (constraint.ConstraintSystem, recursion.FixedKey, error) {
	if err := s.Validate(); err != nil {
		return nil, recursion.FixedKey{}, err
	}
	return compileStep(inner, func(key recursion.FixedKey) (frontend.Circuit, error) { return NewNodeLedgerForcedStep(key, p, s), nil })
}

// CompileNodeLedgerExitStep compiles the exit variant of the node ledger step (kind 12,
// NewNodeLedgerExitStep): the circuit a parent's node_ledger_exit_step_key belongs to.
func CompileNodeLedgerExitStep(inner groth16.VerifyingKey, p ledger.Params, s NodeShape) (constraint.ConstraintSystem, recursion.FixedKey, error) {
	if err := s.Validate(); err != nil {
		return nil, recursion.FixedKey{}, err
	}
	return compileStep(inner, func(key recursion.FixedKey) (frontend.Circuit, error) { return NewNodeLedgerExitStep(key, p, s), nil })
}

// CompileNodeChildStep compiles the node child step (kind 4) whose inner steps are proven under
// inner (the tree's leaf step key), for nodes of shape s: the circuit a parent's
// node_child_step_key belongs to.
func CompileNodeChildStep(inner groth16.VerifyingKey, s NodeShape) (constraint.ConstraintSystem, recursion.FixedKey, error) {
	return compileNodeChild(inner, s, func(key recursion.FixedKey) *NodeChildStep { return NewNodeChildStep(key, s) })
}

// CompileNodeChildForcedStep compiles the forced node child step (kind 11) whose inner steps are
// proven under inner (the tree's forced leaf step key), for nodes of shape s with outboxes of
// outboxDepth levels: the circuit a parent's node_child_forced_step_key belongs to.
func CompileNodeChildForcedStep(inner groth16.VerifyingKey, s NodeShape, outboxDepth int) (constraint.ConstraintSystem, recursion.FixedKey, error) {
	if outboxDepth < 1 || outboxDepth > 62 {
		return nil, recursion.FixedKey{}, fmt.Errorf("%w: outbox depth %d not in 1..62", ErrWitness, outboxDepth)
	}
	return compileNodeChild(inner, s, func(key recursion.FixedKey) *NodeChildStep { return NewNodeChildForcedStep(key, s, outboxDepth) })
}

// compileNodeChild compiles a node child step variant for nodes of shape s around inner, a leaf
// step key (one commitment).
func compileNodeChild(inner groth16.VerifyingKey, s NodeShape, circuit func(recursion.FixedKey) *NodeChildStep) (constraint.ConstraintSystem, recursion.FixedKey, error) {
	if err := s.Validate(); err != nil {
		return nil, recursion.FixedKey{}, err
	}
	return compileStep(inner, func(key recursion.FixedKey) (frontend.Circuit, error) {
		if key.Commitment == nil {
			return nil, fmt.Errorf("%w: the inner key of a node child step is a leaf step key, with one commitment", ErrWitness)
		}
		return circuit(key), nil
	})
}

// NodeLedgerStepProver proves node ledger steps (kind 3; compiled from
// CompileNodeLedgerForcedStep, kind 10: a witness with deposits), as StepProver proves leaf steps.
type NodeLedgerStepProver struct {
	// CCS and PK are the compiled node ledger step and its proving key.
	CCS constraint.ConstraintSystem
	PK  groth16.ProvingKey
	// Key is the inner (ledger) key the step embeds; Params the ledger shape; Shape the node shape.
	Key    recursion.FixedKey
	Params ledger.Params
	Shape  NodeShape
}

// Prove proves w and returns the proof bytes (prover.CommittedProofSize) with what it states;
// the circuit's solver refuses a witness that cannot make a valid step before any proof exists.
func (s NodeLedgerStepProver) Prove(w NodeLedgerStepWitness) ([]byte, StepPublic, error) {
	a, err := AssignNodeLedgerStep(s.Key, s.Params, s.Shape, w)
	return proveStep(s.CCS, s.PK, a, err, w.Public())
}

// NodeChildStepProver proves node child steps (kind 4; compiled from CompileNodeChildForcedStep,
// kind 11: a witness over a forced leaf step), as StepProver proves leaf steps.
type NodeChildStepProver struct {
	// CCS and PK are the compiled node child step and its proving key.
	CCS constraint.ConstraintSystem
	PK  groth16.ProvingKey
	// Key is the inner (leaf step) key the step embeds; Shape the node shape.
	Key   recursion.FixedKey
	Shape NodeShape
}

// Prove proves w and returns the proof bytes (prover.CommittedProofSize) with what it states;
// the circuit's solver refuses a witness that cannot make a valid step before any proof exists.
func (s NodeChildStepProver) Prove(w NodeChildStepWitness) ([]byte, StepPublic, error) {
	a, err := AssignNodeChildStep(s.Key, s.Shape, w)
	return proveStep(s.CCS, s.PK, a, err, w.Public())
}
