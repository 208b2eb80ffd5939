// Package keys holds the Groth16 (BN254) key material of the Slush circuits:
// a DETERMINISTIC DEVELOPMENT setup, key (de)serialization, and
// CheckVerifyingKey, the strict validator for verifying keys that arrive as
// bytes (e.g. a child's registered key).
//
// DevSetup is NOT FOR PRODUCTION. It runs gnark's two-phase MPC
// (backend/groth16/bn254/mpcsetup) with zero participant contributions,
// sealed with a public beacon string: anyone can recompute the toxic waste
// from the beacon, so anyone can forge proofs. It exists so that every
// developer, test and localnet derives byte-identical keys without shipping
// key files. A real deployment runs the same mpcsetup with real participants:
// Phase1 (powers of tau) via mpcsetup.NewPhase1(N) + Contribute() per
// participant + VerifyPhase1(N, beacon, contributions...), then Phase2 per
// circuit via Phase2.Initialize(r1cs, &commons) + Contribute() per participant
// + VerifyPhase2(r1cs, &commons, beacon, contributions...), with the beacon
// taken from a public randomness source after the last contribution.
package keys

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/consensys/gnark-crypto/ecc"
	curve "github.com/consensys/gnark-crypto/ecc/bn254"
	"github.com/consensys/gnark/backend/groth16"
	groth16bn254 "github.com/consensys/gnark/backend/groth16/bn254"
	"github.com/consensys/gnark/backend/groth16/bn254/mpcsetup"
	"github.com/consensys/gnark/constraint"
	csbn254 "github.com/consensys/gnark/constraint/bn254"
)

// DevBeacon is the public beacon of the development setup.
const DevBeacon = "slush development groth16 setup v1 -- NOT FOR PRODUCTION"

// DevSetup derives Groth16 keys for ccs deterministically from beacon (see
// the package documentation: insecure, development only). Equal circuits and
// beacons give byte-identical keys.
func DevSetup(ccs constraint.ConstraintSystem, beacon []byte) (groth16.ProvingKey, groth16.VerifyingKey, error) {
	r1cs, ok := ccs.(*csbn254.R1CS)
	if !ok {
		return nil, nil, fmt.Errorf("keys: want a BN254 R1CS, got %T", ccs)
	}
	if len(beacon) == 0 {
		return nil, nil, errors.New("keys: empty beacon")
	}
	n := ecc.NextPowerOfTwo(uint64(r1cs.GetNbConstraints()))
	var p1 mpcsetup.Phase1
	p1.Initialize(n)
	commons := p1.Seal(append([]byte("phase1/"), beacon...))
	var p2 mpcsetup.Phase2
	evals := p2.Initialize(r1cs, &commons)
	pk, vk := p2.Seal(&commons, &evals, append([]byte("phase2/"), beacon...))
	return pk, vk, nil
}

// MarshalVerifyingKey returns the compressed encoding of vk.
func MarshalVerifyingKey(vk groth16.VerifyingKey) ([]byte, error) {
	var buf bytes.Buffer
	if _, err := vk.WriteTo(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// MarshalProvingKey returns the compressed encoding of pk.
func MarshalProvingKey(pk groth16.ProvingKey) ([]byte, error) {
	var buf bytes.Buffer
	if _, err := pk.WriteTo(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// ReadProvingKey decodes a proving key (trusted input: the prover's own file),
// with subgroup checks.
func ReadProvingKey(r io.Reader) (groth16.ProvingKey, error) {
	pk := groth16.NewProvingKey(ecc.BN254)
	if _, err := pk.ReadFrom(r); err != nil {
		return nil, fmt.Errorf("keys: proving key: %w", err)
	}
	return pk, nil
}

// marshalKeys is the compressed encoding of a key pair.
func marshalKeys(pk groth16.ProvingKey, vk groth16.VerifyingKey) (pkb, vkb []byte, err error) {
	if pkb, err = MarshalProvingKey(pk); err != nil {
		return nil, nil, err
	}
	vkb, err = MarshalVerifyingKey(vk)
	return pkb, vkb, err
}

// WriteKeys writes <dir>/<name>.pk and <dir>/<name>.vk.
func WriteKeys(dir, name string, pk groth16.ProvingKey, vk groth16.VerifyingKey) error {
	pkb, vkb, err := marshalKeys(pk, vk)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, name+".pk"), pkb, 0o644); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, name+".vk"), vkb, 0o644)
}

// LoadKeys reads the files written by WriteKeys; the verifying key goes
// through CheckVerifyingKey.
func LoadKeys(dir, name string, expectedPublicInputs int) (groth16.ProvingKey, groth16.VerifyingKey, error) {
	f, err := os.Open(filepath.Join(dir, name+".pk"))
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	pk, err := ReadProvingKey(f)
	if err != nil {
		return nil, nil, err
	}
	vkb, err := os.ReadFile(filepath.Join(dir, name+".vk"))
	if err != nil {
		return nil, nil, err
	}
	vk, err := CheckVerifyingKey(vkb, expectedPublicInputs)
	if err != nil {
		return nil, nil, err
	}
	return pk, vk, nil
}

// Encoded sizes (compressed, BN254) of the key and proof formats we accept.
const (
	g1Compressed = curve.SizeOfG1AffineCompressed
	g2Compressed = curve.SizeOfG2AffineCompressed
	// vkFixedSize: α1 β1 β2 γ2 δ1 δ2, len(K), len(publicCommitted), len(commitmentKeys).
	vkFixedSize = 3*g1Compressed + 3*g2Compressed + 4 + 4 + 4
)

// VerifyingKeySize is the exact length of an accepted verifying key with n
// public inputs (no commitments).
func VerifyingKeySize(n int) int { return vkFixedSize + (n+1)*g1Compressed }

// CommittedVerifyingKeySize is the exact length of an accepted verifying key with n public
// inputs and one Pedersen commitment over no public input (what gnark's commitment-based range
// checks add, e.g. to a circuit that verifies a proof inside): one more [K]₁ element (the
// commitment's hash input), one empty committed-index list and the commitment key's two G2 points.
func CommittedVerifyingKeySize(n int) int { return VerifyingKeySize(n+1) + 4 + 2*g2Compressed }

// ErrInvalidVerifyingKey is returned by CheckVerifyingKey.
var ErrInvalidVerifyingKey = errors.New("keys: invalid verifying key")

// CheckVerifyingKey strictly validates vkBytes before and after gnark decodes
// them: exact length for expectedPublicInputs public inputs (checked before
// any decoding), compressed canonical encoding, every point on the curve and
// in the prime-order subgroup and not the identity, γ ≠ δ, no Pedersen
// commitments, and consistent [β]₁/[β]₂ and [δ]₁/[δ]₂. It never panics.
func CheckVerifyingKey(vkBytes []byte, expectedPublicInputs int) (groth16.VerifyingKey, error) {
	return checkVerifyingKey(vkBytes, expectedPublicInputs, false)
}

// CheckCommittedVerifyingKey is CheckVerifyingKey for a key with exactly one Pedersen commitment
// that commits to no public input (CommittedVerifyingKeySize), whose two G2 points are checked
// like the others. Proofs under it carry the commitment and its proof of knowledge, which
// gnark's verifier checks (prover.VerifyProof).
func CheckCommittedVerifyingKey(vkBytes []byte, expectedPublicInputs int) (groth16.VerifyingKey, error) {
	return checkVerifyingKey(vkBytes, expectedPublicInputs, true)
}

// checkVerifyingKey is CheckVerifyingKey (committed false) or CheckCommittedVerifyingKey.
func checkVerifyingKey(vkBytes []byte, expectedPublicInputs int, committed bool) (vk groth16.VerifyingKey, err error) {
	defer func() {
		if r := recover(); r != nil {
			vk, err = nil, fmt.Errorf("%w: decoder panic: %v", ErrInvalidVerifyingKey, r)
		}
	}()
	if expectedPublicInputs < 0 || expectedPublicInputs > 1<<16 {
		return nil, fmt.Errorf("%w: unreasonable public input count %d", ErrInvalidVerifyingKey, expectedPublicInputs)
	}
	want, commitments := VerifyingKeySize(expectedPublicInputs), 0
	if committed {
		want, commitments = CommittedVerifyingKeySize(expectedPublicInputs), 1
	}
	if len(vkBytes) != want {
		return nil, fmt.Errorf("%w: %d bytes, want %d for %d public inputs and %d commitments", ErrInvalidVerifyingKey, len(vkBytes), want, expectedPublicInputs, commitments)
	}
	k := new(groth16bn254.VerifyingKey)
	n, err := k.ReadFrom(bytes.NewReader(vkBytes))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalidVerifyingKey, err)
	}
	if n != int64(len(vkBytes)) {
		return nil, fmt.Errorf("%w: trailing bytes", ErrInvalidVerifyingKey)
	}
	if len(k.G1.K) != expectedPublicInputs+1+commitments {
		return nil, fmt.Errorf("%w: %d public inputs, want %d", ErrInvalidVerifyingKey, len(k.G1.K)-1-commitments, expectedPublicInputs)
	}
	if len(k.CommitmentKeys) != commitments || len(k.PublicAndCommitmentCommitted) != commitments {
		return nil, fmt.Errorf("%w: %d commitments, want %d", ErrInvalidVerifyingKey, len(k.CommitmentKeys), commitments)
	}
	for _, committedIndices := range k.PublicAndCommitmentCommitted {
		if len(committedIndices) != 0 {
			return nil, fmt.Errorf("%w: a commitment to public inputs is not supported", ErrInvalidVerifyingKey)
		}
	}
	// Canonical encoding: re-encoding gives the same bytes.
	re, err := MarshalVerifyingKey(k)
	if err != nil || !bytes.Equal(re, vkBytes) {
		return nil, fmt.Errorf("%w: non-canonical encoding", ErrInvalidVerifyingKey)
	}
	g1s := append([]curve.G1Affine{k.G1.Alpha, k.G1.Beta, k.G1.Delta}, k.G1.K...)
	for i := range g1s {
		if g1s[i].IsInfinity() || !g1s[i].IsOnCurve() || !g1s[i].IsInSubGroup() {
			return nil, fmt.Errorf("%w: G1 point %d invalid or identity", ErrInvalidVerifyingKey, i)
		}
	}
	g2s := []curve.G2Affine{k.G2.Beta, k.G2.Gamma, k.G2.Delta}
	for _, ck := range k.CommitmentKeys {
		g2s = append(g2s, ck.G, ck.GSigmaNeg)
	}
	for i := range g2s {
		if g2s[i].IsInfinity() || !g2s[i].IsOnCurve() || !g2s[i].IsInSubGroup() {
			return nil, fmt.Errorf("%w: G2 point %d invalid or identity", ErrInvalidVerifyingKey, i)
		}
	}
	if k.G2.Gamma.Equal(&k.G2.Delta) {
		return nil, fmt.Errorf("%w: gamma == delta", ErrInvalidVerifyingKey)
	}
	_, _, g1, g2 := curve.Generators()
	if !sameLog(k.G1.Beta, k.G2.Beta, g1, g2) || !sameLog(k.G1.Delta, k.G2.Delta, g1, g2) {
		return nil, fmt.Errorf("%w: inconsistent G1/G2 elements", ErrInvalidVerifyingKey)
	}
	return k, nil
}

// sameLog checks e(a, g2) == e(g1, b), i.e. a and b have the same discrete log.
func sameLog(a curve.G1Affine, b curve.G2Affine, g1 curve.G1Affine, g2 curve.G2Affine) bool {
	var na curve.G1Affine
	na.Neg(&a)
	ok, err := curve.PairingCheck([]curve.G1Affine{na, g1}, []curve.G2Affine{g2, b})
	return err == nil && ok
}

// CheckProvingKeyShape refuses a proving key made for another circuit shape: gnark's prover
// indexes the key by the circuit's wires in its own goroutines, where a mismatch panics past
// prover.Prove's recover and kills the process.
func CheckProvingKeyShape(ccs constraint.ConstraintSystem, pk groth16.ProvingKey) error {
	k, ok := pk.(*groth16bn254.ProvingKey)
	if !ok {
		return fmt.Errorf("proving key of type %T: want BN254", pk)
	}
	wires := ccs.GetNbInternalVariables() + ccs.GetNbPublicVariables() + ccs.GetNbSecretVariables()
	if len(k.InfinityA) != wires || len(k.InfinityB) != wires {
		return fmt.Errorf("proving key is for a circuit of %d wires, this one has %d", len(k.InfinityA), wires)
	}
	return nil
}
