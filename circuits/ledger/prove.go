package ledger

import (
	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark/backend/groth16"
	"github.com/consensys/gnark/constraint"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/frontend/cs/r1cs"

	"github.com/slush-tree/slush/circuits/prover"
)

// Compile compiles the batch circuit for p (the relayer compiles once per parameter set).
func Compile(p Params) (constraint.ConstraintSystem, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	return frontend.Compile(ecc.BN254.ScalarField(), r1cs.NewBuilder, New(p))
}

// ProveBatch is the relayer's ProveLedgerBatch: it proves a batch witness (from
// BatchBuilder.Build) and returns the encoded proof and the public inputs it proves.
func ProveBatch(ccs constraint.ConstraintSystem, pk groth16.ProvingKey, w Witness) ([]byte, PublicInputs, error) {
	a, err := w.Assign()
	if err != nil {
		return nil, PublicInputs{}, err
	}
	proof, err := prover.Prove(ccs, pk, a)
	if err != nil {
		return nil, PublicInputs{}, err
	}
	return proof, w.Public, nil
}

// VerifyBatch verifies an encoded batch proof against its public inputs (canonical checks
// and panic recovery as prover.VerifyProof).
func VerifyBatch(vk groth16.VerifyingKey, proof []byte, pub PublicInputs) error {
	return prover.VerifyProof(vk, proof, []fr.Element{pub.Statement()})
}
