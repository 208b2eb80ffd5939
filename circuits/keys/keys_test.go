package keys

import (
	"bytes"
	"errors"
	"math/big"
	"strings"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	curve "github.com/consensys/gnark-crypto/ecc/bn254"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark/backend/groth16"
	groth16bn254 "github.com/consensys/gnark/backend/groth16/bn254"
	"github.com/consensys/gnark/constraint"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/frontend/cs/r1cs"

	"github.com/slush-tree/slush/circuits/hash"
)

// twoPublic is a tiny circuit with two public inputs: Out = Node(In, X).
type twoPublic struct {
	In  frontend.Variable `gnark:",public"`
	Out frontend.Variable `gnark:",public"`
	X   frontend.Variable
}

func (c *twoPublic) Define(api frontend.API) error {
	api.AssertIsEqual(hash.NodeGadget(api, c.In, c.X), c.Out)
	return nil
}

func compileTiny(t testing.TB) constraint.ConstraintSystem {
	ccs, err := frontend.Compile(ecc.BN254.ScalarField(), r1cs.NewBuilder, &twoPublic{})
	if err != nil {
		t.Fatal(err)
	}
	return ccs
}

func proveTiny(t testing.TB, ccs constraint.ConstraintSystem, pk groth16.ProvingKey, vk groth16.VerifyingKey) {
	in, x := hash.Uint64(3), hash.Uint64(4)
	w, err := frontend.NewWitness(&twoPublic{In: in, Out: hash.Node(in, x), X: x}, ecc.BN254.ScalarField())
	if err != nil {
		t.Fatal(err)
	}
	proof, err := groth16.Prove(ccs, pk, w)
	if err != nil {
		t.Fatal(err)
	}
	pub, _ := w.Public()
	if err := groth16.Verify(proof, vk, pub); err != nil {
		t.Fatalf("proof does not verify: %v", err)
	}
	bad, _ := frontend.NewWitness(&twoPublic{In: in, Out: hash.Node(x, in)}, ecc.BN254.ScalarField(), frontend.PublicOnly())
	if groth16.Verify(proof, vk, bad) == nil {
		t.Fatal("proof verifies against wrong public inputs")
	}
}

func TestDevSetupDeterministic(t *testing.T) {
	ccs := compileTiny(t)
	pk1, vk1, err := DevSetup(ccs, []byte(DevBeacon))
	if err != nil {
		t.Fatal(err)
	}
	pk2, vk2, err := DevSetup(ccs, []byte(DevBeacon))
	if err != nil {
		t.Fatal(err)
	}
	b1, _ := MarshalVerifyingKey(vk1)
	b2, _ := MarshalVerifyingKey(vk2)
	p1, _ := MarshalProvingKey(pk1)
	p2, _ := MarshalProvingKey(pk2)
	if !bytes.Equal(b1, b2) || !bytes.Equal(p1, p2) {
		t.Fatal("dev setup is not deterministic")
	}
	_, vk3, _ := DevSetup(ccs, []byte("another beacon"))
	b3, _ := MarshalVerifyingKey(vk3)
	if bytes.Equal(b1, b3) {
		t.Fatal("beacon ignored")
	}
	proveTiny(t, ccs, pk1, vk1)
	if _, err := CheckVerifyingKey(b1, 2); err != nil {
		t.Fatalf("dev key rejected: %v", err)
	}
	if _, _, err := DevSetup(ccs, nil); err == nil {
		t.Fatal("empty beacon accepted")
	}
}

func TestWriteLoadKeys(t *testing.T) {
	ccs := compileTiny(t)
	pk, vk, err := DevSetup(ccs, []byte(DevBeacon))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := WriteKeys(dir, "tiny", pk, vk); err != nil {
		t.Fatal(err)
	}
	pk2, vk2, err := LoadKeys(dir, "tiny", 2)
	if err != nil {
		t.Fatal(err)
	}
	proveTiny(t, ccs, pk2, vk2)
	if _, _, err := LoadKeys(dir, "tiny", 3); err == nil {
		t.Fatal("wrong public input count accepted on load")
	}
}

func validVK(t testing.TB) (*groth16bn254.VerifyingKey, []byte) {
	ccs := compileTiny(t)
	_, vk, err := groth16.Setup(ccs) // random setup: CheckVerifyingKey must accept it too
	if err != nil {
		t.Fatal(err)
	}
	b, err := MarshalVerifyingKey(vk)
	if err != nil {
		t.Fatal(err)
	}
	return vk.(*groth16bn254.VerifyingKey), b
}

func reencode(t testing.TB, vk *groth16bn254.VerifyingKey) []byte {
	b, err := MarshalVerifyingKey(vk)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// g2NotInSubgroup returns a point on the G2 twist outside the r-torsion.
func g2NotInSubgroup(t testing.TB) curve.G2Affine {
	var g curve.G2Affine
	for i := uint64(1); i < 100; i++ {
		u := g.X
		u.A0.SetUint64(i)
		p := curve.MapToCurve2(&u)
		if p.IsOnCurve() && !p.IsInSubGroup() {
			return p
		}
	}
	t.Fatal("no point found")
	return g
}

func TestCheckVerifyingKey(t *testing.T) {
	vk, good := validVK(t)
	if len(good) != VerifyingKeySize(2) {
		t.Fatalf("size %d, formula %d", len(good), VerifyingKeySize(2))
	}
	if _, err := CheckVerifyingKey(good, 2); err != nil {
		t.Fatalf("valid key rejected: %v", err)
	}
	reject := func(name string, b []byte, n int) {
		t.Helper()
		if _, err := CheckVerifyingKey(b, n); !errors.Is(err, ErrInvalidVerifyingKey) {
			t.Fatalf("%s: accepted or wrong error (%v)", name, err)
		}
	}
	reject("wrong public input count", good, 1)
	reject("wrong public input count", good, 3)
	reject("negative count", good, -1)
	reject("truncated", good[:len(good)-1], 2)
	reject("extended", append(append([]byte{}, good...), 0), 2)
	reject("empty", nil, 2)

	// Every single-byte corruption of [β]₁, [β]₂, [γ]₂, [δ]₁ or [δ]₂ is
	// rejected (off-curve, out of subgroup, non-canonical or inconsistent).
	// [α]₁ and K can only be checked for validity: a corruption that lands on
	// another valid G1 point is a different, well-formed key.
	for i := g1Compressed; i < 3*g1Compressed+3*g2Compressed; i += 3 {
		b := append([]byte{}, good...)
		b[i] ^= 0x5a
		reject("corrupted byte", b, 2)
	}
	for _, i := range []int{0, 5, vkFixedSize - 12 + 4 + 1, len(good) - 13} {
		b := append([]byte{}, good...)
		b[i] ^= 0x5a
		if _, err := CheckVerifyingKey(b, 2); err == nil && bytes.Equal(b, good) {
			t.Fatal("corruption not applied")
		}
	}

	// gamma == delta
	k := *vk
	k.G2.Gamma = k.G2.Delta
	reject("gamma == delta", reencode(t, &k), 2)

	// G2 point on the curve but outside the subgroup. The gnark decoder
	// rejects it already; CheckVerifyingKey never sees it.
	k = *vk
	k.G2.Delta = g2NotInSubgroup(t)
	reject("delta not in subgroup", reencode(t, &k), 2)

	// identity points
	k = *vk
	k.G1.K = append([]curve.G1Affine{}, vk.G1.K...)
	k.G1.K[1].X.SetZero()
	k.G1.K[1].Y.SetZero()
	reject("identity K", reencode(t, &k), 2)
	k = *vk
	k.G2.Gamma.X.SetZero()
	k.G2.Gamma.Y.SetZero()
	reject("identity gamma", reencode(t, &k), 2)

	// delta1 / delta2 inconsistent (a valid point, but another log)
	k = *vk
	var s fr.Element
	s.SetUint64(2)
	sb := s.BigInt(new(big.Int))
	k.G1.Delta.ScalarMultiplication(&vk.G1.Delta, sb)
	reject("inconsistent delta", reencode(t, &k), 2)

	// one more public input (K longer): length check fires first
	k = *vk
	k.G1.K = append(append([]curve.G1Affine{}, vk.G1.K...), vk.G1.K[1])
	reject("extra K", reencode(t, &k), 2)
	if _, err := CheckVerifyingKey(reencode(t, &k), 3); err != nil {
		t.Fatalf("3-input key with a duplicated K rejected: %v", err)
	}
}

func FuzzCheckVerifyingKey(f *testing.F) {
	_, good := validVK(f)
	f.Add(good, 2)
	f.Add(good[:100], 2)
	f.Add(make([]byte, VerifyingKeySize(2)), 2)
	f.Fuzz(func(t *testing.T, b []byte, n int) {
		vk, err := CheckVerifyingKey(b, n)
		if err != nil {
			return
		}
		re, err := MarshalVerifyingKey(vk)
		if err != nil || !bytes.Equal(re, b) {
			t.Fatal("accepted key is not canonical")
		}
	})
}

// threePublic has one more public input (so one more wire) than twoPublic.
type threePublic struct {
	A, B, C frontend.Variable `gnark:",public"`
}

func (c *threePublic) Define(api frontend.API) error {
	api.AssertIsEqual(api.Add(c.A, c.B), c.C)
	return nil
}

// TestCheckProvingKeyShape: a proving key matches only the circuit it was set up for.
func TestCheckProvingKeyShape(t *testing.T) {
	ccs := compileTiny(t)
	pk, _, err := groth16.Setup(ccs)
	if err != nil {
		t.Fatal(err)
	}
	if err := CheckProvingKeyShape(ccs, pk); err != nil {
		t.Fatal(err)
	}
	other, err := frontend.Compile(ecc.BN254.ScalarField(), r1cs.NewBuilder, &threePublic{})
	if err != nil {
		t.Fatal(err)
	}
	if err := CheckProvingKeyShape(other, pk); err == nil || !strings.Contains(err.Error(), "wires") {
		t.Fatalf("another circuit's key: %v", err)
	}
}
