// Package recursion verifies Groth16 proofs over BN254 inside BN254 circuits (gnark
// std/recursion types, emulated arithmetic): the seed's C, "the time required to prove the
// verification of one ZKP", and the building block of the recursive update proofs of DESIGN §5
// (issue 16; docs/PROTOCOL.md "Validity all the way up").
package recursion

import (
	"errors"
	"fmt"

	"github.com/consensys/gnark-crypto/ecc/bn254"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark/backend"
	"github.com/consensys/gnark/backend/groth16"
	groth16bn254 "github.com/consensys/gnark/backend/groth16/bn254"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/std/algebra"
	"github.com/consensys/gnark/std/algebra/emulated/sw_bn254"
	"github.com/consensys/gnark/std/commitments/pedersen"
	"github.com/consensys/gnark/std/math/emulated"
	stdrecursion "github.com/consensys/gnark/std/recursion"
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
	// Commitment is the key's one Pedersen commitment key, nil for a key without (the step
	// circuits have one: their emulated arithmetic range-checks through a commitment).
	Commitment *CommitmentKey
}

// CommitmentKey is a Pedersen commitment's verifying key with its G2 lines precomputed.
type CommitmentKey struct {
	// G and GSigmaNeg are the key's two G2 points: e(C, GSigmaNeg)·e(PoK, G) = 1.
	G, GSigmaNeg sw_bn254.G2Affine
}

// NewFixedKey lays out vk for AssertProof: a key without commitments, or with exactly one
// Pedersen commitment that commits to no public input (keys.CheckCommittedVerifyingKey's shape;
// its proofs must derive the commitment's public input with CommittedProverOption).
func NewFixedKey(vk groth16.VerifyingKey) (FixedKey, error) {
	k, ok := vk.(*groth16bn254.VerifyingKey)
	if !ok {
		return FixedKey{}, fmt.Errorf("%w: want a BN254 key, got %T", ErrKey, vk)
	}
	if len(k.CommitmentKeys) > 1 || len(k.PublicAndCommitmentCommitted) != len(k.CommitmentKeys) {
		return FixedKey{}, fmt.Errorf("%w: %d commitments (at most one is supported)", ErrKey, len(k.CommitmentKeys))
	}
	for _, committed := range k.PublicAndCommitmentCommitted {
		if len(committed) != 0 {
			return FixedKey{}, fmt.Errorf("%w: a commitment to public inputs", ErrKey)
		}
	}
	if len(k.G1.K) < 1+len(k.CommitmentKeys) {
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
	for _, ck := range k.CommitmentKeys {
		out.Commitment = &CommitmentKey{G: sw_bn254.NewG2AffineFixed(ck.G), GSigmaNeg: sw_bn254.NewG2AffineFixed(ck.GSigmaNeg)}
	}
	return out, nil
}

// NbPublicInputs is the number of public inputs of the key's proofs (the commitment's derived
// input not counted).
func (k FixedKey) NbPublicInputs() int {
	if k.Commitment != nil {
		return len(k.K) - 2
	}
	return len(k.K) - 1
}

// CommittedProverOption is how a proof with a commitment must derive the commitment's public
// input for AssertProof to verify it: gnark's recursion-friendly MiMC hash to field (the native
// default is SHA-256 based, about 100 k constraints more inside a circuit). Native provers and
// verifiers of committed proofs use it and CommittedVerifierOption (package prover).
func CommittedProverOption() backend.ProverOption {
	return stdgroth16.GetNativeProverOptions(fr.Modulus(), fr.Modulus())
}

// CommittedVerifierOption is the native verifier's side of CommittedProverOption.
func CommittedVerifierOption() backend.VerifierOption {
	return stdgroth16.GetNativeVerifierOptions(fr.Modulus(), fr.Modulus())
}

// PlaceholderProof is the outer-circuit shape of a proof under key (for compiling): one
// commitment slot if the key has a commitment.
func PlaceholderProof(key FixedKey) Proof {
	var p Proof
	if key.Commitment != nil {
		p.Commitments = make([]pedersen.Commitment[sw_bn254.G1Affine], 1)
	}
	return p
}

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
	if key.Commitment != nil {
		committed, err := assertCommitment(api, curve, pairing, key, proof)
		if err != nil {
			return err
		}
		bases = append(bases, &key.K[len(public)+1])
		exps = append(exps, scalars.FromBits(api.ToBinary(committed)...))
	}
	sum, err := curve.MultiScalarMul(bases, exps)
	if err != nil {
		return err
	}
	sum = curve.Add(sum, &key.K[0])
	if key.Commitment != nil {
		sum = curve.Add(sum, &proof.Commitments[0].G1El)
	}
	pairing.AssertIsOnG1(&proof.Ar)
	pairing.AssertIsOnG1(&proof.Krs)
	pairing.AssertIsOnG2(&proof.Bs)
	// PairingCheck stores computed lines in its G2 arguments: pass copies of the key's.
	gammaNeg, deltaNeg, beta, b := key.GammaNeg, key.DeltaNeg, key.Beta, proof.Bs
	return pairing.PairingCheck(
		[]*sw_bn254.G1Affine{&proof.Ar, sum, &proof.Krs, &key.AlphaNeg},
		[]*sw_bn254.G2Affine{&b, &gammaNeg, &deltaNeg, &beta})
}

// assertCommitment checks a proof's one Pedersen commitment as gnark's verifier does — its proof
// of knowledge, e(C, GSigmaNeg)·e(PoK, G) = 1, with both points in G1 — and returns the public
// input it derives: the recursion-friendly hash of C (CommittedProverOption).
func assertCommitment(api frontend.API, curve algebra.Curve[sw_bn254.ScalarField, sw_bn254.G1Affine],
	pairing algebra.Pairing[sw_bn254.G1Affine, sw_bn254.G2Affine, sw_bn254.GTEl], key FixedKey, proof Proof,
) (frontend.Variable, error) {
	if len(proof.Commitments) != 1 {
		return nil, fmt.Errorf("recursion: a proof with %d commitments for a key with one", len(proof.Commitments))
	}
	c, pok := proof.Commitments[0].G1El, proof.CommitmentPok.G1El
	pairing.AssertIsOnG1(&c)
	pairing.AssertIsOnG1(&pok)
	gSigmaNeg, g := key.Commitment.GSigmaNeg, key.Commitment.G // PairingCheck stores lines in its G2 arguments
	if err := pairing.PairingCheck([]*sw_bn254.G1Affine{&c, &pok}, []*sw_bn254.G2Affine{&gSigmaNeg, &g}); err != nil {
		return nil, err
	}
	h, err := stdrecursion.NewHash(api, fr.Modulus(), true)
	if err != nil {
		return nil, err
	}
	h.Write(curve.MarshalG1(c)...)
	return h.Sum(), nil
}
