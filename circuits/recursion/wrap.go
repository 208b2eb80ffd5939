package recursion

import (
	"fmt"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark/backend/groth16"
	"github.com/consensys/gnark/frontend"

	"github.com/slush-tree/slush/circuits/hash"
)

// Statement is the one public input a wrapping proof exposes for an inner proof: the hash of
// the inner proof's public inputs, in order (DESIGN §5: one hashed public input per proof; each
// public input of a verified proof costs about 12,600 constraints in the outer circuit).
func Statement(public []fr.Element) fr.Element {
	return hash.Hash(hash.DomainProofStatement, public...)
}

// Wrap proves that its prover knows a proof, valid under the inner key the circuit embeds,
// whose public inputs hash to Statement. It is the seed's C, the cost of proving the
// verification of one proof, and the step every recursive update proof repeats per verified
// child proof.
type Wrap struct {
	// Statement is Statement(Inputs), the only public input.
	Statement frontend.Variable `gnark:",public"`
	// Inputs are the inner proof's public inputs.
	Inputs []frontend.Variable
	// Proof is the inner proof.
	Proof Proof

	key FixedKey `gnark:"-"`
}

// NewWrap returns the circuit (for compiling) that verifies proofs of key.
func NewWrap(key FixedKey) *Wrap {
	return &Wrap{Inputs: make([]frontend.Variable, key.NbPublicInputs()), key: key}
}

// Define hashes the inner inputs into the statement and verifies the inner proof on them.
func (c *Wrap) Define(api frontend.API) error {
	api.AssertIsEqual(hash.HashGadget(api, hash.DomainProofStatement, c.Inputs...), c.Statement)
	return AssertProof(api, c.key, c.Proof, c.Inputs)
}

// AssignWrap is the assignment of a Wrap circuit of key for an inner proof and its public
// inputs.
func AssignWrap(key FixedKey, proof groth16.Proof, public []fr.Element) (*Wrap, error) {
	if len(public) != key.NbPublicInputs() {
		return nil, fmt.Errorf("recursion: %d public inputs for a key of %d", len(public), key.NbPublicInputs())
	}
	p, err := ValueOfProof(proof)
	if err != nil {
		return nil, err
	}
	w := NewWrap(key)
	for i := range public {
		w.Inputs[i] = public[i]
	}
	w.Statement = Statement(public)
	w.Proof = p
	return w, nil
}
