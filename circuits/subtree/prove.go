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
	key, err := recursion.NewFixedKey(inner)
	if err != nil {
		return nil, recursion.FixedKey{}, err
	}
	ccs, err := frontend.Compile(ecc.BN254.ScalarField(), r1cs.NewBuilder, NewLeafStep(key, p))
	if err != nil {
		return nil, recursion.FixedKey{}, err
	}
	return ccs, key, nil
}

// StepProver proves leaf steps: what whoever relays a chain's update to its parent runs for
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
	if err != nil {
		return nil, StepPublic{}, err
	}
	proof, err := prover.Prove(s.CCS, s.PK, a)
	if err != nil {
		return nil, StepPublic{}, fmt.Errorf("%w: %v", ErrWitness, err)
	}
	return proof, w.Public(), nil
}

// CompileNodeLedgerStep compiles the node ledger step (kind 3) of a tree whose ledger batches
// (of shape p) are proven under inner, for nodes of shape s: the circuit a parent's
// node_ledger_step_key belongs to.
func CompileNodeLedgerStep(inner groth16.VerifyingKey, p ledger.Params, s NodeShape) (constraint.ConstraintSystem, recursion.FixedKey, error) {
	if err := s.Validate(); err != nil {
		return nil, recursion.FixedKey{}, err
	}
	key, err := recursion.NewFixedKey(inner)
	if err != nil {
		return nil, recursion.FixedKey{}, err
	}
	ccs, err := frontend.Compile(ecc.BN254.ScalarField(), r1cs.NewBuilder, NewNodeLedgerStep(key, p, s))
	if err != nil {
		return nil, recursion.FixedKey{}, err
	}
	return ccs, key, nil
}

// CompileNodeChildStep compiles the node child step (kind 4) whose inner steps are proven under
// inner (the tree's leaf step key), for nodes of shape s: the circuit a parent's
// node_child_step_key belongs to.
func CompileNodeChildStep(inner groth16.VerifyingKey, s NodeShape) (constraint.ConstraintSystem, recursion.FixedKey, error) {
	if err := s.Validate(); err != nil {
		return nil, recursion.FixedKey{}, err
	}
	key, err := recursion.NewFixedKey(inner)
	if err != nil {
		return nil, recursion.FixedKey{}, err
	}
	if key.Commitment == nil {
		return nil, recursion.FixedKey{}, fmt.Errorf("%w: the inner key of a node child step is a leaf step key, with one commitment", ErrWitness)
	}
	ccs, err := frontend.Compile(ecc.BN254.ScalarField(), r1cs.NewBuilder, NewNodeChildStep(key, s))
	if err != nil {
		return nil, recursion.FixedKey{}, err
	}
	return ccs, key, nil
}

// NodeLedgerStepProver proves node ledger steps (kind 3), as StepProver proves leaf steps.
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
	if err != nil {
		return nil, StepPublic{}, err
	}
	proof, err := prover.Prove(s.CCS, s.PK, a)
	if err != nil {
		return nil, StepPublic{}, fmt.Errorf("%w: %v", ErrWitness, err)
	}
	return proof, w.Public(), nil
}

// NodeChildStepProver proves node child steps (kind 4), as StepProver proves leaf steps.
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
	if err != nil {
		return nil, StepPublic{}, err
	}
	proof, err := prover.Prove(s.CCS, s.PK, a)
	if err != nil {
		return nil, StepPublic{}, fmt.Errorf("%w: %v", ErrWitness, err)
	}
	return proof, w.Public(), nil
}
