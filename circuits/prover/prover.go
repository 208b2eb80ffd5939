// Package prover is the API the relayer and the keepers use: compile and set
// up the inclusion circuit, prove an inclusion, and verify Groth16 proofs from
// untrusted bytes. Verification never panics and rejects wrong lengths and
// non-canonical encodings before gnark sees them. Importing this package
// silences gnark's global logger (chain nodes must not print from gnark).
package prover

import (
	"bytes"
	"errors"
	"fmt"
	"math/big"

	"github.com/consensys/gnark-crypto/ecc"
	curve "github.com/consensys/gnark-crypto/ecc/bn254"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark/backend"
	"github.com/consensys/gnark/backend/groth16"
	groth16bn254 "github.com/consensys/gnark/backend/groth16/bn254"
	"github.com/consensys/gnark/constraint"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/frontend/cs/r1cs"
	"github.com/consensys/gnark/logger"

	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/inclusion"
	"github.com/slush-tree/slush/circuits/keys"
	"github.com/slush-tree/slush/circuits/recursion"
)

func init() { logger.Disable() }

// ProofSize is the length of an accepted proof: compressed [A]₁, [B]₂, [C]₁,
// an empty commitment list and the (identity) commitment proof of knowledge.
const ProofSize = 2*curve.SizeOfG1AffineCompressed + curve.SizeOfG2AffineCompressed + 4 + curve.SizeOfG1AffineCompressed

// CommittedProofSize is the length of an accepted proof of a circuit with one Pedersen
// commitment (keys.CheckCommittedVerifyingKey): ProofSize plus the commitment, with a real proof
// of knowledge in place of the identity.
const CommittedProofSize = ProofSize + curve.SizeOfG1AffineCompressed

// ErrInvalidProof is returned for every proof that does not verify.
var ErrInvalidProof = errors.New("prover: invalid proof")

// ErrMalformed is returned for inputs rejected before verification.
var ErrMalformed = errors.New("prover: malformed input")

// EncodeProof returns the canonical compressed encoding of a BN254 Groth16 proof.
func EncodeProof(p groth16.Proof) ([]byte, error) {
	var buf bytes.Buffer
	if _, err := p.WriteTo(&buf); err != nil {
		return nil, err
	}
	if buf.Len() != ProofSize && buf.Len() != CommittedProofSize {
		return nil, fmt.Errorf("prover: proof encodes to %d bytes, want %d, or %d with one commitment", buf.Len(), ProofSize, CommittedProofSize)
	}
	return buf.Bytes(), nil
}

// DecodeProof decodes exactly ProofSize bytes of canonical compressed
// encoding. Subgroup membership is checked by groth16 verification.
func DecodeProof(b []byte) (*groth16bn254.Proof, error) { return decodeProof(b, 0) }

// DecodeCommittedProof decodes exactly CommittedProofSize bytes of canonical compressed encoding:
// a proof with one Pedersen commitment and its proof of knowledge (not the identity).
func DecodeCommittedProof(b []byte) (*groth16bn254.Proof, error) { return decodeProof(b, 1) }

// decodeProof decodes a proof with exactly commitments (0 or 1) Pedersen commitments.
func decodeProof(b []byte, commitments int) (p *groth16bn254.Proof, err error) {
	defer func() {
		if r := recover(); r != nil {
			p, err = nil, fmt.Errorf("%w: decoder panic: %v", ErrMalformed, r)
		}
	}()
	want := ProofSize + commitments*curve.SizeOfG1AffineCompressed
	if len(b) != want {
		return nil, fmt.Errorf("%w: proof of %d bytes, want %d", ErrMalformed, len(b), want)
	}
	p = new(groth16bn254.Proof)
	dec := curve.NewDecoder(bytes.NewReader(b), curve.NoSubgroupChecks())
	for _, v := range []interface{}{&p.Ar, &p.Bs, &p.Krs, &p.Commitments, &p.CommitmentPok} {
		if err := dec.Decode(v); err != nil {
			return nil, fmt.Errorf("%w: proof: %v", ErrMalformed, err)
		}
	}
	if dec.BytesRead() != int64(len(b)) {
		return nil, fmt.Errorf("%w: proof has trailing bytes", ErrMalformed)
	}
	if len(p.Commitments) != commitments || p.CommitmentPok.IsInfinity() != (commitments == 0) {
		return nil, fmt.Errorf("%w: proof has %d commitments, want %d", ErrMalformed, len(p.Commitments), commitments)
	}
	for i := range p.Commitments {
		if p.Commitments[i].IsInfinity() {
			return nil, fmt.Errorf("%w: commitment %d is the identity", ErrMalformed, i)
		}
	}
	// Canonical: x < p and the flag bits as the encoder writes them.
	var buf bytes.Buffer
	if _, err := p.WriteTo(&buf); err != nil || !bytes.Equal(buf.Bytes(), b) {
		return nil, fmt.Errorf("%w: non-canonical proof encoding", ErrMalformed)
	}
	return p, nil
}

var modulus = fr.Modulus()

// reduced reports whether e's internal representation is < r (an fr.Element
// built by hand from limbs may not be).
func reduced(e *fr.Element) bool {
	var v big.Int
	for i := len(e) - 1; i >= 0; i-- {
		v.Lsh(&v, 64)
		v.Or(&v, new(big.Int).SetUint64(e[i]))
	}
	return v.Cmp(modulus) < 0
}

// VerifyProof verifies a Groth16 BN254 proof (canonical bytes) against vk and
// public inputs. It never panics: malformed inputs give ErrMalformed, failed
// verification ErrInvalidProof.
func VerifyProof(vk groth16.VerifyingKey, proof []byte, publicInputs []fr.Element) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%w: verifier panic: %v", ErrInvalidProof, r)
		}
	}()
	k, ok := vk.(*groth16bn254.VerifyingKey)
	if !ok || k == nil {
		return fmt.Errorf("%w: verifying key of type %T", ErrMalformed, vk)
	}
	if len(k.G1.K) != len(publicInputs)+1+len(k.CommitmentKeys) {
		return fmt.Errorf("%w: %d public inputs, key expects %d", ErrMalformed, len(publicInputs), len(k.G1.K)-1-len(k.CommitmentKeys))
	}
	for i := range publicInputs {
		if !reduced(&publicInputs[i]) {
			return fmt.Errorf("%w: public input %d is not a reduced field element", ErrMalformed, i)
		}
	}
	if len(k.CommitmentKeys) > 1 {
		return fmt.Errorf("%w: verifying key with %d commitments", ErrMalformed, len(k.CommitmentKeys))
	}
	p, err := decodeProof(proof, len(k.CommitmentKeys))
	if err != nil {
		return err
	}
	var opts []backend.VerifierOption
	if len(k.CommitmentKeys) == 1 { // the commitment's input derived as recursion.AssertProof derives it
		opts = append(opts, recursion.CommittedVerifierOption())
	}
	if err := groth16bn254.Verify(p, k, fr.Vector(publicInputs), opts...); err != nil {
		return fmt.Errorf("%w: %v", ErrInvalidProof, err)
	}
	return nil
}

// VerifyProofBytes is VerifyProof with the public inputs given as
// concatenated canonical 32-byte big-endian encodings.
func VerifyProofBytes(vk groth16.VerifyingKey, proof, publicInputs []byte) error {
	in, err := hash.DecodeElements(publicInputs)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	return VerifyProof(vk, proof, in)
}

// CompileInclusion compiles the inclusion circuit for maxDepth hops.
func CompileInclusion(maxDepth int) (constraint.ConstraintSystem, error) {
	return frontend.Compile(ecc.BN254.ScalarField(), r1cs.NewBuilder, inclusion.New(maxDepth))
}

// InclusionSystem bundles the compiled inclusion circuit and its keys.
type InclusionSystem struct {
	// MaxDepth is the number of hops the circuit supports.
	MaxDepth int
	// CCS is the compiled constraint system.
	CCS constraint.ConstraintSystem
	// PK is the proving key.
	PK groth16.ProvingKey
	// VK is the verifying key.
	VK groth16.VerifyingKey
}

// NewDevInclusionSystem compiles the circuit and runs the deterministic
// development setup (keys.DevSetup: NOT FOR PRODUCTION).
func NewDevInclusionSystem(maxDepth int, beacon []byte) (*InclusionSystem, error) {
	ccs, err := CompileInclusion(maxDepth)
	if err != nil {
		return nil, err
	}
	pk, vk, err := keys.DevSetup(ccs, beacon)
	if err != nil {
		return nil, err
	}
	return &InclusionSystem{MaxDepth: maxDepth, CCS: ccs, PK: pk, VK: vk}, nil
}

// Prove proves a full assignment of a compiled circuit and returns the encoded proof. gnark
// panics are returned as errors.
func Prove(ccs constraint.ConstraintSystem, pk groth16.ProvingKey, assignment frontend.Circuit) (proof []byte, err error) {
	defer func() {
		if r := recover(); r != nil {
			proof, err = nil, fmt.Errorf("prover: panic: %v", r)
		}
	}()
	full, err := frontend.NewWitness(assignment, ecc.BN254.ScalarField())
	if err != nil {
		return nil, err
	}
	var opts []backend.ProverOption
	if len(ccs.GetCommitments().CommitmentIndexes()) > 0 { // a step circuit: verifiable inside another
		opts = append(opts, recursion.CommittedProverOption())
	}
	p, err := groth16.Prove(ccs, pk, full, opts...)
	if err != nil {
		return nil, err
	}
	return EncodeProof(p)
}

// ProveInclusion checks the witness natively, proves it, and returns the
// proof bytes and the statement (public inputs) it proves.
func ProveInclusion(ccs constraint.ConstraintSystem, pk groth16.ProvingKey, maxDepth int, w inclusion.Witness) ([]byte, inclusion.Statement, error) {
	a, err := w.Assign(maxDepth)
	if err != nil {
		return nil, inclusion.Statement{}, err
	}
	proof, err := Prove(ccs, pk, a)
	if err != nil {
		return nil, inclusion.Statement{}, err
	}
	return proof, w.Statement(), nil
}

// Prove is ProveInclusion on the system's circuit and keys.
func (s *InclusionSystem) Prove(w inclusion.Witness) ([]byte, inclusion.Statement, error) {
	return ProveInclusion(s.CCS, s.PK, s.MaxDepth, w)
}

// VerifyInclusion verifies an inclusion proof for the statement.
func VerifyInclusion(vk groth16.VerifyingKey, proof []byte, st inclusion.Statement) error {
	if st.Kind > inclusion.KindReceipt {
		return fmt.Errorf("%w: kind %d", ErrMalformed, st.Kind)
	}
	return VerifyProof(vk, proof, st.PublicInputs())
}

// VerifyInclusionBytes parses an encoded statement (inclusion.ParseStatement:
// canonical elements, 64-bit height, kind 0/1) and verifies the proof.
func VerifyInclusionBytes(vk groth16.VerifyingKey, proof, statement []byte) (inclusion.Statement, error) {
	st, err := inclusion.ParseStatement(statement)
	if err != nil {
		return inclusion.Statement{}, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	if err := VerifyInclusion(vk, proof, st); err != nil {
		return inclusion.Statement{}, err
	}
	return st, nil
}
