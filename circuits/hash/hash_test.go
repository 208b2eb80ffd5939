package hash

import (
	"bytes"
	"encoding/hex"
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	p2 "github.com/consensys/gnark-crypto/ecc/bn254/fr/poseidon2"
	"github.com/consensys/gnark/backend"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/test"
)

// hashCircuit checks HashGadget(Domain, In...) == Out for a fixed arity.
type hashCircuit struct {
	Domain Domain `gnark:"-"`
	In     []frontend.Variable
	Out    frontend.Variable `gnark:",public"`
}

func (c *hashCircuit) Define(api frontend.API) error {
	api.AssertIsEqual(HashGadget(api, c.Domain, c.In...), c.Out)
	return nil
}

type nodeCircuit struct {
	L, R frontend.Variable
	Out  frontend.Variable `gnark:",public"`
}

func (c *nodeCircuit) Define(api frontend.API) error {
	api.AssertIsEqual(NodeGadget(api, c.L, c.R), c.Out)
	return nil
}

func randElements(rng *rand.Rand, n int) []fr.Element {
	out := make([]fr.Element, n)
	for i := range out {
		var b [32]byte
		for j := range b {
			b[j] = byte(rng.UintN(256))
		}
		out[i].SetBytes(b[:]) // test input generation only: reduction is fine here
	}
	return out
}

func toVars(in []fr.Element) []frontend.Variable {
	out := make([]frontend.Variable, len(in))
	for i := range in {
		out[i] = in[i]
	}
	return out
}

func TestNativeEqualsCircuit(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	domains := []Domain{DomainLeaf, DomainNode, DomainCommitment, DomainMessage}
	for n := 0; n <= 7; n++ {
		for trial := 0; trial < 3; trial++ {
			d := domains[(n+trial)%len(domains)]
			in := randElements(rng, n)
			want := Hash(d, in...)
			circuit := &hashCircuit{Domain: d, In: make([]frontend.Variable, n)}
			good := &hashCircuit{Domain: d, In: toVars(in), Out: want}
			if err := test.IsSolved(circuit, good, ecc.BN254.ScalarField()); err != nil {
				t.Fatalf("n=%d d=%d: native hash not accepted by circuit: %v", n, d, err)
			}
			var wrong fr.Element
			wrong.SetOne()
			wrong.Add(&wrong, &want)
			bad := &hashCircuit{Domain: d, In: toVars(in), Out: wrong}
			if err := test.IsSolved(circuit, bad, ecc.BN254.ScalarField()); err == nil {
				t.Fatalf("n=%d: circuit accepted a wrong output", n)
			}
		}
	}
}

func TestNodeGadget(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	assert := test.NewAssert(t)
	ref := p2.NewDefaultPermutation()
	for i := 0; i < 4; i++ {
		in := randElements(rng, 2)
		want := Node(in[0], in[1])
		// Node is exactly gnark-crypto's default t=2 Compress.
		out, err := ref.Compress(EncodeElement(in[0]), EncodeElement(in[1]))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(out, EncodeElement(want)) {
			t.Fatal("Node != poseidon2.NewDefaultPermutation().Compress")
		}
		swapped := Node(in[1], in[0])
		leaf := Hash(DomainLeaf, in[0], in[1])
		assert.CheckCircuit(&nodeCircuit{},
			test.WithCurves(ecc.BN254), test.WithBackends(backend.GROTH16),
			test.WithValidAssignment(&nodeCircuit{L: in[0], R: in[1], Out: want}),
			test.WithInvalidAssignment(&nodeCircuit{L: in[1], R: in[0], Out: want}),
			test.WithInvalidAssignment(&nodeCircuit{L: in[0], R: in[1], Out: swapped}),
			test.WithInvalidAssignment(&nodeCircuit{L: in[0], R: in[1], Out: leaf}),
			test.NoFuzzing(), test.NoSerializationChecks())
	}
}

// TestNodeIsNotALeaf: the untagged node compression and the tagged leaf-level
// hash never agree on the same inputs (nor does the old tagged node), so a
// node cannot pass as a leaf or the reverse.
func TestNodeIsNotALeaf(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	var zero fr.Element
	for i := 0; i < 16; i++ {
		in := randElements(rng, 2)
		n := Node(in[0], in[1])
		for _, leaf := range []fr.Element{
			Hash(DomainLeaf, in[0]), Hash(DomainLeaf, in[1]), Hash(DomainLeaf, in[0], in[1]),
			Hash(DomainLeaf, n), Hash(DomainEmpty), Hash(DomainLeaf, zero), Hash(DomainNode, in[0], in[1]),
		} {
			if n == leaf {
				t.Fatal("a node equals a leaf-level hash")
			}
		}
	}
	if Node(zero, zero) == Hash(DomainLeaf, zero) || Node(zero, zero) == Hash(DomainLeaf, zero, zero) {
		t.Fatal("the empty node equals an empty leaf")
	}
}

func TestDomainSeparation(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	in := randElements(rng, 3)
	all := []Domain{DomainLeaf, DomainNode, DomainAccount, DomainMessage, DomainReceipt,
		DomainCommitment, DomainChild, DomainAcceptance, DomainEmpty, DomainAccumulator, DomainOperatorKey}
	seen := map[fr.Element]Domain{}
	for _, d := range all {
		for n := 0; n <= 3; n++ {
			h := Hash(d, in[:n]...)
			if prev, ok := seen[h]; ok {
				t.Fatalf("collision between domains %d and %d (n=%d)", prev, d, n)
			}
			seen[h] = d
		}
	}
	// Zero padding is unambiguous: (a) and (a, 0) differ because the arity is bound.
	var zero fr.Element
	if Hash(DomainLeaf, in[0]) == Hash(DomainLeaf, in[0], zero) {
		t.Fatal("arity not bound: (a) == (a, 0)")
	}
	if Hash(DomainLeaf) == Hash(DomainLeaf, zero) {
		t.Fatal("arity not bound: () == (0)")
	}
	// A node can never be read as a leaf of one or two elements.
	if Node(in[0], in[1]) == Hash(DomainLeaf, in[0], in[1]) || Node(in[0], in[1]) == Hash(DomainLeaf, in[0]) {
		t.Fatal("node/leaf confusion")
	}
	// Order matters.
	if Node(in[0], in[1]) == Node(in[1], in[0]) {
		t.Fatal("node hash is symmetric")
	}
}

// TestVector pins the hash outputs so that an accidental change of parameters
// (round constants, IV layout) is caught: values must never change. The t=3
// sponge vector is the one pinned before nodes became t=2 compressions (it
// was Node(1, 2) = Hash(DomainNode, 1, 2) then), so it shows the sponge is
// unchanged.
func TestVector(t *testing.T) {
	for _, c := range []struct {
		name string
		got  fr.Element
		want string
	}{
		{"Hash(DomainNode, 1, 2)", Hash(DomainNode, Uint64(1), Uint64(2)), "00c5b5dc7bbfb6a4d321e8aeebab9570f3eee118456696c10a92256c7958c095"},
		{"Node(1, 2)", Node(Uint64(1), Uint64(2)), nodeVector},
	} {
		if hex.EncodeToString(EncodeElement(c.got)) != c.want {
			t.Fatalf("%s = %x, want %s", c.name, EncodeElement(c.got), c.want)
		}
	}
	if Node(Uint64(1), Uint64(2)) != Node(Uint64(1), Uint64(2)) {
		t.Fatal("node not deterministic")
	}
}

const nodeVector = "02e7529d93e1a7ae526147c2ee72588aee90e6a7c3e361de6daa6be045c6f530"

func TestDecodeElement(t *testing.T) {
	// modulus r itself, r+1 and 2^256-1 must be rejected; r-1 accepted.
	r := fr.Modulus()
	enc := func(v *big.Int) []byte {
		b := make([]byte, 32)
		v.FillBytes(b)
		return b
	}
	rMinus1 := new(big.Int).Sub(r, big.NewInt(1))
	e, err := DecodeElement(enc(rMinus1))
	if err != nil {
		t.Fatalf("r-1 rejected: %v", err)
	}
	if !bytes.Equal(EncodeElement(e), enc(rMinus1)) {
		t.Fatal("round trip of r-1 failed")
	}
	max := new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 256), big.NewInt(1))
	for _, v := range []*big.Int{r, new(big.Int).Add(r, big.NewInt(1)), max} {
		if _, err := DecodeElement(enc(v)); err == nil {
			t.Fatalf("non-canonical %s accepted", v)
		}
	}
	for _, n := range []int{0, 1, 31, 33, 64} {
		if _, err := DecodeElement(make([]byte, n)); err == nil {
			t.Fatalf("length %d accepted", n)
		}
	}
	if _, err := DecodeElements(make([]byte, 65)); err == nil {
		t.Fatal("DecodeElements accepted a ragged length")
	}
	bad := append(make([]byte, 32), enc(r)...)
	if _, err := DecodeElements(bad); err == nil {
		t.Fatal("DecodeElements accepted a non-canonical element")
	}
	ok, err := DecodeElements(append(enc(big.NewInt(7)), enc(rMinus1)...))
	if err != nil || len(ok) != 2 || ok[0] != Uint64(7) {
		t.Fatalf("DecodeElements valid input: %v %v", ok, err)
	}
}

func FuzzDecodeElement(f *testing.F) {
	r := fr.Modulus()
	rb := make([]byte, 32)
	r.FillBytes(rb)
	f.Add(rb)
	f.Add(make([]byte, 32))
	f.Add(make([]byte, 31))
	f.Add(bytes.Repeat([]byte{0xff}, 32))
	f.Fuzz(func(t *testing.T, b []byte) {
		e, err := DecodeElement(b)
		if len(b) != 32 {
			if err == nil {
				t.Fatal("wrong length accepted")
			}
			return
		}
		v := new(big.Int).SetBytes(b)
		canonical := v.Cmp(r) < 0
		if canonical != (err == nil) {
			t.Fatalf("canonical=%v err=%v", canonical, err)
		}
		if err == nil && !bytes.Equal(EncodeElement(e), b) {
			t.Fatal("round trip mismatch")
		}
	})
}

// prefixCircuit hashes two records sharing their domain, arity and first K
// inputs from one SpongeGadget.
type prefixCircuit struct {
	K          int `gnark:"-"`
	Prefix     []frontend.Variable
	Rest0      []frontend.Variable
	Rest1      []frontend.Variable
	Out0, Out1 frontend.Variable `gnark:",public"`
}

func (c *prefixCircuit) Define(api frontend.API) error {
	s := PrefixGadget(api, DomainAccount, len(c.Prefix)+len(c.Rest0)).Absorb(c.Prefix...)
	api.AssertIsEqual(s.Sum(c.Rest0...), c.Out0)
	api.AssertIsEqual(s.Sum(c.Rest1...), c.Out1)
	return nil
}

// TestPrefixGadget: two sums from one absorbed prefix equal the native hashes
// of the full inputs, for every split of arities 3..7.
func TestPrefixGadget(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	assert := test.NewAssert(t)
	for n := 3; n <= 7; n++ {
		for k := 2; k < n; k += 2 {
			in0 := randElements(rng, n)
			in1 := append(append([]fr.Element(nil), in0[:k]...), randElements(rng, n-k)...)
			h0, h1 := Hash(DomainAccount, in0...), Hash(DomainAccount, in1...)
			circuit := &prefixCircuit{Prefix: make([]frontend.Variable, k), Rest0: make([]frontend.Variable, n-k), Rest1: make([]frontend.Variable, n-k)}
			good := &prefixCircuit{Prefix: toVars(in0[:k]), Rest0: toVars(in0[k:]), Rest1: toVars(in1[k:]), Out0: h0, Out1: h1}
			swapped := &prefixCircuit{Prefix: toVars(in0[:k]), Rest0: toVars(in0[k:]), Rest1: toVars(in1[k:]), Out0: h1, Out1: h0}
			otherPrefix := &prefixCircuit{Prefix: toVars(randElements(rng, k)), Rest0: toVars(in0[k:]), Rest1: toVars(in1[k:]), Out0: h0, Out1: h1}
			assert.CheckCircuit(circuit, test.WithCurves(ecc.BN254), test.WithBackends(backend.GROTH16),
				test.WithValidAssignment(good), test.WithInvalidAssignment(swapped), test.WithInvalidAssignment(otherPrefix),
				test.NoFuzzing(), test.NoSerializationChecks())
		}
	}
}
