// Package recursion verifies Groth16 proofs over BN254 inside BN254 circuits (gnark
// std/recursion types, emulated arithmetic): the seed's C, "the time required to prove the
// verification of one ZKP", and the building block of the recursive update proofs of DESIGN §5
// (issue 16; docs/PROTOCOL.md "Validity all the way up").
package recursion

import (
	"errors"
	"fmt"

	"github.com/consensys/gnark-crypto/ecc/bn254"
	"github.com/consensys/gnark/backend/groth16"
	groth16bn254 "github.com/consensys/gnark/backend/groth16/bn254"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/std/algebra"
	"github.com/consensys/gnark/std/algebra/emulated/sw_bn254"
	"github.com/consensys/gnark/std/math/emulated"
	stdgroth16 "github.com/consensys/gnark/std/recursion/groth16"
)

// Proof is an inner Groth16 proof as an outer-circuit witness.
type Proof = stdgroth16.Proof[sw_bn254.G1Affine, sw_bn254.G2Affine]

// ErrKey is returned for an inner verifying key the fixed verifier cannot embed.
var ErrKey = errors.New("recursion: unsupported verifying key")

// FixedKey is an inner verifying key embedded in the outer circuit as constants, laid out for
// one product of pairings e(A, B)·e(Σ, −γ)·e(C, −δ)·e(−α, β) = 1 with the G2 lines precomputed
// (one PairingCheck instead of Pair + IsEqual: about 20 % fewer constraints, DESIGN §5).
type FixedKey struct {
	// K are the public-input bases; K[0] is the constant wire's.
	K []sw_bn254.G1Affine
	// AlphaNeg is −α.
	AlphaNeg sw_bn254.G1Affine
	// GammaNeg, DeltaNeg and Beta are −γ, −δ and β with their lines precomputed.
	GammaNeg, DeltaNeg, Beta sw_bn254.G2Affine
}

// NewFixedKey lays out vk for AssertProof. Keys with Pedersen commitments are refused (no
// circuit of this project has one, and keys.CheckVerifyingKey refuses them on chain too).
func NewFixedKey(vk groth16.VerifyingKey) (FixedKey, error) {
	k, ok := vk.(*groth16bn254.VerifyingKey)
	if !ok {
		return FixedKey{}, fmt.Errorf("%w: want a BN254 key, got %T", ErrKey, vk)
	}
	if len(k.CommitmentKeys) != 0 || len(k.PublicAndCommitmentCommitted) != 0 {
		return FixedKey{}, fmt.Errorf("%w: the key has commitments", ErrKey)
	}
	if len(k.G1.K) < 1 {
		return FixedKey{}, fmt.Errorf("%w: no public-input bases", ErrKey)
	}
	var out FixedKey
	for i := range k.G1.K {
		out.K = append(out.K, sw_bn254.NewG1Affine(k.G1.K[i]))
	}
	var alphaNeg bn254.G1Affine
	alphaNeg.Neg(&k.G1.Alpha)
	out.AlphaNeg = sw_bn254.NewG1Affine(alphaNeg)
	var gammaNeg, deltaNeg bn254.G2Affine
	gammaNeg.Neg(&k.G2.Gamma)
	deltaNeg.Neg(&k.G2.Delta)
	out.GammaNeg = sw_bn254.NewG2AffineFixed(gammaNeg)
	out.DeltaNeg = sw_bn254.NewG2AffineFixed(deltaNeg)
	out.Beta = sw_bn254.NewG2AffineFixed(k.G2.Beta)
	return out, nil
}

// NbPublicInputs is the number of public inputs of the key's proofs.
func (k FixedKey) NbPublicInputs() int { return len(k.K) - 1 }

// ValueOfProof is the outer-circuit assignment of an inner proof.
func ValueOfProof(p groth16.Proof) (Proof, error) {
	return stdgroth16.ValueOfProof[sw_bn254.G1Affine, sw_bn254.G2Affine](p)
}

// AssertProof asserts that proof verifies under key for the public inputs, given as native
// variables: the outer circuit's field is BN254's scalar field, the inner proof's public-input
// field, so each is decomposed once into an emulated scalar. The proof's points are asserted
// to lie in G1 and G2 (an off-subgroup B would break soundness).
func AssertProof(api frontend.API, key FixedKey, proof Proof, public []frontend.Variable) error {
	if len(public) != key.NbPublicInputs() {
		return fmt.Errorf("recursion: %d public inputs for a key of %d", len(public), key.NbPublicInputs())
	}
	curve, err := algebra.GetCurve[sw_bn254.ScalarField, sw_bn254.G1Affine](api)
	if err != nil {
		return err
	}
	pairing, err := algebra.GetPairing[sw_bn254.G1Affine, sw_bn254.G2Affine, sw_bn254.GTEl](api)
	if err != nil {
		return err
	}
	scalars, err := emulated.NewField[sw_bn254.ScalarField](api)
	if err != nil {
		return err
	}
	bases := make([]*sw_bn254.G1Affine, len(public))
	exps := make([]*sw_bn254.Scalar, len(public))
	for i, v := range public {
		bases[i] = &key.K[i+1]
		exps[i] = scalars.FromBits(api.ToBinary(v)...)
	}
	sum, err := curve.MultiScalarMul(bases, exps)
	if err != nil {
		return err
	}
	sum = curve.Add(sum, &key.K[0])
	pairing.AssertIsOnG1(&proof.Ar)
	pairing.AssertIsOnG1(&proof.Krs)
	pairing.AssertIsOnG2(&proof.Bs)
	// PairingCheck stores computed lines in its G2 arguments: pass copies of the key's.
	gammaNeg, deltaNeg, beta, b := key.GammaNeg, key.DeltaNeg, key.Beta, proof.Bs
	return pairing.PairingCheck(
		[]*sw_bn254.G1Affine{&proof.Ar, sum, &proof.Krs, &key.AlphaNeg},
		[]*sw_bn254.G2Affine{&b, &gammaNeg, &deltaNeg, &beta})
}
