package recursion

import (
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark/backend"
	"github.com/consensys/gnark/backend/groth16"
	groth16bn254 "github.com/consensys/gnark/backend/groth16/bn254"
	"github.com/consensys/gnark/constraint"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/frontend/cs/r1cs"
	"github.com/consensys/gnark/std/rangecheck"
	"github.com/consensys/gnark/test"
	"github.com/stretchr/testify/require"
)

// rangeInner has one public input and a commitment-based range check: the shape of a step
// circuit's proofs (one Pedersen commitment over no public input).
type rangeInner struct {
	Public frontend.Variable `gnark:",public"`
	Secret frontend.Variable
}

func (c *rangeInner) Define(api frontend.API) error {
	rangecheck.New(api).Check(c.Secret, 16)
	api.AssertIsEqual(api.Add(c.Secret, 1), c.Public)
	return nil
}

// committedOuter verifies one rangeInner proof under a fixed key.
type committedOuter struct {
	Public frontend.Variable `gnark:",public"`
	Proof  Proof
	key    FixedKey `gnark:"-"`
}

func (c *committedOuter) Define(api frontend.API) error {
	return AssertProof(api, c.key, c.Proof, []frontend.Variable{c.Public})
}

// committedSystem is rangeInner compiled with one (random, test-only) setup.
type committedSystem struct {
	ccs constraint.ConstraintSystem
	pk  groth16.ProvingKey
	vk  groth16.VerifyingKey
}

func newCommitted(t *testing.T) committedSystem {
	t.Helper()
	ccs, err := frontend.Compile(ecc.BN254.ScalarField(), r1cs.NewBuilder, &rangeInner{})
	require.NoError(t, err)
	pk, vk, err := groth16.Setup(ccs)
	require.NoError(t, err)
	return committedSystem{ccs, pk, vk}
}

// prove proves Public = secret + 1 with the recursion-friendly commitment hash.
func (s committedSystem) prove(t *testing.T, secret uint64) *groth16bn254.Proof {
	t.Helper()
	w, err := frontend.NewWitness(&rangeInner{Public: secret + 1, Secret: secret}, ecc.BN254.ScalarField())
	require.NoError(t, err)
	p, err := groth16.Prove(s.ccs, s.pk, w, CommittedProverOption())
	require.NoError(t, err)
	return p.(*groth16bn254.Proof)
}

func outerAssignment(t *testing.T, public uint64, p *groth16bn254.Proof) *committedOuter {
	t.Helper()
	v, err := ValueOfProof(p)
	require.NoError(t, err)
	return &committedOuter{Public: public, Proof: v}
}

// TestAssertCommittedProof: a proof with one Pedersen commitment verifies inside the circuit
// exactly when it verifies natively with CommittedVerifierOption: another statement, a
// commitment or proof of knowledge taken from another proof, or another key's proof is refused.
// The native default (SHA-256 hash to field) does not verify such a proof: the option is part of
// the proof format.
func TestAssertCommittedProof(t *testing.T) {
	sys, other := newCommitted(t), newCommitted(t)
	key, err := NewFixedKey(sys.vk)
	require.NoError(t, err)
	require.NotNil(t, key.Commitment)
	require.Equal(t, 1, key.NbPublicInputs())

	p, q := sys.prove(t, 7), sys.prove(t, 8)
	vk := sys.vk.(*groth16bn254.VerifyingKey)
	require.NoError(t, groth16bn254.Verify(p, vk, fr.Vector{fr.NewElement(8)}, CommittedVerifierOption()))
	require.Error(t, groth16bn254.Verify(p, vk, fr.Vector{fr.NewElement(8)}), "the default hash to field derives another input")

	swappedCommitment := *p
	swappedCommitment.Commitments = q.Commitments
	swappedPok := *p
	swappedPok.CommitmentPok = q.CommitmentPok

	circuit := &committedOuter{Proof: PlaceholderProof(key), key: key}
	test.NewAssert(t).CheckCircuit(circuit,
		test.WithValidAssignment(outerAssignment(t, 8, p)),
		test.WithInvalidAssignment(outerAssignment(t, 9, p)),
		test.WithInvalidAssignment(outerAssignment(t, 8, &swappedCommitment)),
		test.WithInvalidAssignment(outerAssignment(t, 8, &swappedPok)),
		test.WithInvalidAssignment(outerAssignment(t, 8, other.prove(t, 7))),
		test.WithCurves(ecc.BN254), test.WithBackends(backend.GROTH16),
		test.NoTestEngine(), test.NoProverChecks(), test.NoFuzzing(), test.NoSerializationChecks())
}
