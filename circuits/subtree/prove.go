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
