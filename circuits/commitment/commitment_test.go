package commitment

import (
	"bytes"
	"errors"
	"math/big"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/test"

	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/smt"
)

func randCommitment(rng *rand.Rand) Commitment {
	e := func() fr.Element { return hash.Hash(hash.DomainLeaf, hash.Uint64(rng.Uint64())) }
	return Commitment{
		Vid: MustPackVid([]uint8{uint8(rng.IntN(255) + 1)}), LedgerRoot: e(), OutboxRoot: e(),
		ReceiptRoot: e(), ChildrenRoot: e(), FinalizedChildrenRoot: e(), AnchorHeight: rng.Uint64(), AnchorCommitment: e(),
		AcceptanceDigest: e(), OperatorKeyHash: e(), Epoch: rng.Uint64(),
	}
}

type commitmentCircuit struct {
	C   Var
	Out frontend.Variable `gnark:",public"`
}

func (c *commitmentCircuit) Define(api frontend.API) error {
	c.C.RangeCheckGadget(api)
	api.AssertIsEqual(c.C.HashGadget(api), c.Out)
	return nil
}

func TestCommitmentHashGadget(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	for i := 0; i < 4; i++ {
		c := randCommitment(rng)
		h := c.Hash()
		if err := test.IsSolved(&commitmentCircuit{}, &commitmentCircuit{C: Assign(c), Out: h}, ecc.BN254.ScalarField()); err != nil {
			t.Fatalf("native hash rejected: %v", err)
		}
		bad := Assign(c)
		bad.Epoch = c.Epoch ^ 1
		if test.IsSolved(&commitmentCircuit{}, &commitmentCircuit{C: bad, Out: h}, ecc.BN254.ScalarField()) == nil {
			t.Fatal("modified epoch accepted")
		}
	}
	// AnchorHeight >= 2^64 is rejected by the range check.
	c := randCommitment(rng)
	a := Assign(c)
	big65 := new(big.Int).Lsh(big.NewInt(1), 64)
	a.AnchorHeight = big65
	var h65 fr.Element
	h65.SetBigInt(big65)
	e := c.Elements()
	e[6] = h65 // AnchorHeight
	if test.IsSolved(&commitmentCircuit{}, &commitmentCircuit{C: a, Out: hash.Hash(hash.DomainCommitment, e[:]...)}, ecc.BN254.ScalarField()) == nil {
		t.Fatal("64-bit range check missing")
	}
}

// TestEveryFieldIsBound flips each field and checks the hash changes.
func TestEveryFieldIsBound(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 2))
	c := randCommitment(rng)
	base := c.Hash()
	v := reflect.ValueOf(&c).Elem()
	if v.NumField() != NumFields {
		t.Fatalf("Commitment has %d fields, NumFields = %d", v.NumField(), NumFields)
	}
	for i := 0; i < v.NumField(); i++ {
		c2 := c
		f := reflect.ValueOf(&c2).Elem().Field(i)
		switch x := f.Addr().Interface().(type) {
		case *fr.Element:
			one := hash.Uint64(1)
			x.Add(x, &one)
		case *uint64:
			*x++
		default:
			t.Fatalf("unexpected field type %T", x)
		}
		if c2.Hash() == base {
			t.Fatalf("field %s is not bound", v.Type().Field(i).Name)
		}
	}
	// The commitment is domain-separated from a plain 10-element hash.
	e := c.Elements()
	if hash.Hash(hash.DomainLeaf, e[:]...) == base {
		t.Fatal("commitment not domain separated")
	}
}

func TestPackVid(t *testing.T) {
	root, err := PackVid(nil)
	if err != nil || !root.IsZero() {
		t.Fatal("root vid must be 0")
	}
	cases := [][]uint8{{1}, {255}, {1, 2}, {2, 1}, {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16},
		{255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255}}
	seen := map[fr.Element]bool{root: true}
	for _, p := range cases {
		v, err := PackVid(p)
		if err != nil {
			t.Fatal(err)
		}
		if seen[v] {
			t.Fatalf("vid collision for %v", p)
		}
		seen[v] = true
		back, err := UnpackVid(v)
		if err != nil || !bytes.Equal(back, p) {
			t.Fatalf("round trip %v -> %v (%v)", p, back, err)
		}
	}
	if v := MustPackVid([]uint8{1, 2}); v != hash.Uint64(2|1<<8|2<<16) {
		t.Fatal("packing layout changed")
	}
	for _, bad := range [][]uint8{{0}, {1, 0}, make([]uint8, 17)} {
		if _, err := PackVid(bad); !errors.Is(err, ErrInvalidPath) {
			t.Fatalf("invalid path %v accepted", bad)
		}
	}
	long := bytes.Repeat([]byte{1}, 17)
	if _, err := PackVid(long); err == nil {
		t.Fatal("depth 17 accepted")
	}
	// non-canonical packings
	for _, v := range []uint64{
		1,                // depth 1 with index 0
		2 | 1<<8,         // depth 2, second index 0
		1 | 1<<8 | 1<<16, // byte beyond depth
		17,               // depth 17
	} {
		if _, err := UnpackVid(hash.Uint64(v)); !errors.Is(err, ErrInvalidVid) {
			t.Fatalf("invalid vid %#x accepted", v)
		}
	}
	var huge fr.Element
	huge.SetBigInt(new(big.Int).Lsh(big.NewInt(1), 200))
	if _, err := UnpackVid(huge); err == nil {
		t.Fatal("huge vid accepted")
	}
}

func TestCommonAncestor(t *testing.T) {
	cases := []struct{ a, b, want []uint8 }{
		{nil, nil, []uint8{}},
		{[]uint8{1, 2}, []uint8{1, 3}, []uint8{1}},
		{[]uint8{1, 2}, []uint8{1, 2, 5}, []uint8{1, 2}},
		{[]uint8{4}, []uint8{5}, []uint8{}},
		{[]uint8{7, 7, 7}, []uint8{7, 7, 7}, []uint8{7, 7, 7}},
	}
	for _, c := range cases {
		if got := CommonAncestor(c.a, c.b); !bytes.Equal(got, c.want) {
			t.Fatalf("CommonAncestor(%v, %v) = %v, want %v", c.a, c.b, got, c.want)
		}
	}
	if ChainID(nil) != "slush-root" || ChainID([]uint8{1, 2}) != "slush-1-2" {
		t.Fatal("chain id convention")
	}
}

func TestChildrenTree(t *testing.T) {
	ct, err := NewChildrenTree(smt.NewMemStore())
	if err != nil {
		t.Fatal(err)
	}
	r0, _ := ct.Root()
	if r0 != EmptyChildrenRoot() {
		t.Fatal("empty children root")
	}
	if err := ct.SetChild(0, hash.Uint64(1)); err == nil {
		t.Fatal("child index 0 accepted")
	}
	c := hash.Uint64(99)
	if err := ct.SetChild(7, c); err != nil {
		t.Fatal(err)
	}
	root, _ := ct.Root()
	p, _ := ct.Prove(7)
	if p.Value != ChildLeaf(7, c) || smt.VerifyProof(root, ChildrenDepth, p) != nil {
		t.Fatal("child proof")
	}
	// the child leaf binds the index: the same commitment under index 8 differs
	if ChildLeaf(7, c) == ChildLeaf(8, c) {
		t.Fatal("child leaf does not bind the index")
	}
	_ = ct.RemoveChild(7)
	if r, _ := ct.Root(); r != EmptyChildrenRoot() {
		t.Fatal("remove child")
	}
}

func FuzzUnpackVid(f *testing.F) {
	f.Add(make([]byte, 32))
	f.Add(hash.EncodeElement(MustPackVid([]uint8{1, 2, 3})))
	f.Add(hash.EncodeElement(hash.Uint64(1)))
	f.Fuzz(func(t *testing.T, b []byte) {
		v, err := hash.DecodeElement(b)
		if err != nil {
			return
		}
		path, err := UnpackVid(v)
		if err != nil {
			return
		}
		again, err := PackVid(path)
		if err != nil || again != v {
			t.Fatalf("accepted vid %x does not round-trip", b)
		}
	})
}
