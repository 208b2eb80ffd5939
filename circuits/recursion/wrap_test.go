package recursion

import (
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark/backend"
	"github.com/consensys/gnark/backend/groth16"
	"github.com/consensys/gnark/constraint"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/frontend/cs/r1cs"
	"github.com/consensys/gnark/test"
)

// inner is a small circuit with three public inputs: X·A = B + C. The outer circuit's cost
// does not depend on the inner circuit's size, only on its number of public inputs.
type inner struct {
	A, B, C frontend.Variable `gnark:",public"`
	X       frontend.Variable
}

func (c *inner) Define(api frontend.API) error {
	api.AssertIsEqual(api.Mul(c.X, c.A), api.Add(c.B, c.C))
	return nil
}

// innerSystem is the compiled inner circuit with one (random, test-only) setup.
type innerSystem struct {
	ccs constraint.ConstraintSystem
	pk  groth16.ProvingKey
	vk  groth16.VerifyingKey
}

func newInner(t *testing.T) innerSystem {
	t.Helper()
	ccs, err := frontend.Compile(ecc.BN254.ScalarField(), r1cs.NewBuilder, &inner{})
	if err != nil {
		t.Fatal(err)
	}
	pk, vk, err := groth16.Setup(ccs)
	if err != nil {
		t.Fatal(err)
	}
	return innerSystem{ccs, pk, vk}
}

// prove proves X·A = B + C for x, a and b, and returns the proof and its public inputs.
func (s innerSystem) prove(t *testing.T, x, a, b uint64) (groth16.Proof, []fr.Element) {
	t.Helper()
	var pub [3]fr.Element
	pub[0].SetUint64(a)
	pub[1].SetUint64(b)
	pub[2].SetUint64(x*a - b)
	w, err := frontend.NewWitness(&inner{A: pub[0], B: pub[1], C: pub[2], X: x}, ecc.BN254.ScalarField())
	if err != nil {
		t.Fatal(err)
	}
	proof, err := groth16.Prove(s.ccs, s.pk, w)
	if err != nil {
		t.Fatal(err)
	}
	return proof, pub[:]
}

func mustWrap(t *testing.T, key FixedKey, proof groth16.Proof, pub []fr.Element) *Wrap {
	t.Helper()
	w, err := AssignWrap(key, proof, pub)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// TestWrap: the outer circuit accepts exactly a valid inner proof under the embedded key for
// the inputs its statement hashes, and refuses every other combination.
func TestWrap(t *testing.T) {
	sys, other := newInner(t), newInner(t)
	key, err := NewFixedKey(sys.vk)
	if err != nil {
		t.Fatal(err)
	}
	proof, pub := sys.prove(t, 3, 5, 7)
	valid := mustWrap(t, key, proof, pub)

	wrongStatement := mustWrap(t, key, proof, pub)
	wrongStatement.Statement = Statement([]fr.Element{pub[1], pub[0], pub[2]})

	changed := append([]fr.Element(nil), pub...)
	changed[2].SetUint64(9)
	changedInputs := mustWrap(t, key, proof, changed) // statement matches the changed inputs

	otherProof, _ := sys.prove(t, 2, 4, 1) // a valid proof of other inputs
	proofOfOther := mustWrap(t, key, otherProof, pub)

	foreign, _ := other.prove(t, 3, 5, 7) // same statement, another setup's key
	foreignKey := mustWrap(t, key, foreign, pub)

	swapped := mustWrap(t, key, proof, pub)
	swapped.Proof.Ar, swapped.Proof.Krs = swapped.Proof.Krs, swapped.Proof.Ar

	test.NewAssert(t).CheckCircuit(NewWrap(key),
		test.WithValidAssignment(valid),
		test.WithInvalidAssignment(wrongStatement),
		test.WithInvalidAssignment(changedInputs),
		test.WithInvalidAssignment(proofOfOther),
		test.WithInvalidAssignment(foreignKey),
		test.WithInvalidAssignment(swapped),
		test.WithCurves(ecc.BN254), test.WithBackends(backend.GROTH16),
		test.NoTestEngine(), test.NoProverChecks(), test.NoFuzzing(), test.NoSerializationChecks())
}

// TestAssignWrapInputCount: an assignment with the wrong number of inner inputs is refused
// before anything is proven.
func TestAssignWrapInputCount(t *testing.T) {
	sys := newInner(t)
	key, err := NewFixedKey(sys.vk)
	if err != nil {
		t.Fatal(err)
	}
	proof, pub := sys.prove(t, 3, 5, 7)
	if _, err := AssignWrap(key, proof, pub[:2]); err == nil {
		t.Fatal("two inputs for a key of three were assigned")
	}
	if key.NbPublicInputs() != 3 {
		t.Fatalf("NbPublicInputs = %d", key.NbPublicInputs())
	}
}
