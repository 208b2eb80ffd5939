package prover

import (
	"errors"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	curve "github.com/consensys/gnark-crypto/ecc/bn254"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark/backend/groth16"
	groth16bn254 "github.com/consensys/gnark/backend/groth16/bn254"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/frontend/cs/r1cs"
	"github.com/consensys/gnark/std/rangecheck"

	"github.com/slush-tree/slush/circuits/keys"
)

// rangeChecked has one public input and a commitment-based range check, so gnark gives it one
// Pedersen commitment over no public input: the shape of a circuit that verifies a proof inside
// (the subtree step circuits).
type rangeChecked struct {
	Public frontend.Variable `gnark:",public"`
	Secret frontend.Variable
}

func (c *rangeChecked) Define(api frontend.API) error {
	rangecheck.New(api).Check(c.Secret, 16)
	api.AssertIsEqual(api.Add(c.Secret, 1), c.Public)
	return nil
}

// TestCommittedProof: a key with one commitment passes CheckCommittedVerifyingKey (and not
// CheckVerifyingKey), its proofs are CommittedProofSize long and verify, and every tampering —
// another statement, a corrupted commitment or proof of knowledge, the wrong size, the
// identity in place of either — is refused without a panic.
func TestCommittedProof(t *testing.T) {
	ccs, err := frontend.Compile(ecc.BN254.ScalarField(), r1cs.NewBuilder, &rangeChecked{})
	if err != nil {
		t.Fatal(err)
	}
	pk, vk, err := groth16.Setup(ccs)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := keys.MarshalVerifyingKey(vk)
	if err != nil {
		t.Fatal(err)
	}
	if len(raw) != keys.CommittedVerifyingKeySize(1) {
		t.Fatalf("key of %d bytes, want %d", len(raw), keys.CommittedVerifyingKeySize(1))
	}
	if _, err := keys.CheckVerifyingKey(raw, 1); !errors.Is(err, keys.ErrInvalidVerifyingKey) {
		t.Fatalf("committed key taken for a plain one: %v", err)
	}
	checked, err := keys.CheckCommittedVerifyingKey(raw, 1)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := keys.CheckCircuitVerifyingKey(ccs, raw); err != nil {
		t.Fatal(err)
	}
	proof, err := Prove(ccs, pk, &rangeChecked{Public: 8, Secret: 7})
	if err != nil {
		t.Fatal(err)
	}
	if len(proof) != CommittedProofSize {
		t.Fatalf("proof of %d bytes, want %d", len(proof), CommittedProofSize)
	}
	pub := []fr.Element{fr.NewElement(8)}
	if err := VerifyProof(checked, proof, pub); err != nil {
		t.Fatal(err)
	}
	if err := VerifyProof(checked, proof, []fr.Element{fr.NewElement(9)}); !errors.Is(err, ErrInvalidProof) {
		t.Fatalf("another statement: %v", err)
	}
	if _, err := DecodeProof(proof); !errors.Is(err, ErrMalformed) {
		t.Fatalf("committed proof decoded as a plain one: %v", err)
	}
	if err := VerifyProof(checked, proof[:ProofSize], pub); !errors.Is(err, ErrMalformed) {
		t.Fatalf("plain-sized proof under a committed key: %v", err)
	}
	for i := 0; i < CommittedProofSize; i++ {
		b := append([]byte{}, proof...)
		b[i] ^= 0x01
		if VerifyProof(checked, b, pub) == nil {
			t.Fatalf("corrupted byte %d accepted", i)
		}
	}
	p, err := DecodeCommittedProof(proof)
	if err != nil {
		t.Fatal(err)
	}
	var g1 curve.G1Affine
	_, _, g1, _ = curve.Generators()
	for _, c := range []struct {
		name   string
		change func(q *groth16bn254.Proof)
	}{
		{"identity proof of knowledge", func(q *groth16bn254.Proof) { q.CommitmentPok = curve.G1Affine{} }},
		{"identity commitment", func(q *groth16bn254.Proof) { q.Commitments[0] = curve.G1Affine{} }},
		{"another commitment", func(q *groth16bn254.Proof) { q.Commitments[0] = g1 }},
		{"no commitment", func(q *groth16bn254.Proof) { q.Commitments = nil }},
	} {
		q := *p
		q.Commitments = append([]curve.G1Affine(nil), p.Commitments...)
		c.change(&q)
		b, err := EncodeProof(&q)
		if err != nil {
			continue // encodes to no accepted size: refused before any verifier sees it
		}
		if VerifyProof(checked, b, pub) == nil {
			t.Fatalf("%s accepted", c.name)
		}
	}
}
