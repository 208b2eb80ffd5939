package keys

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/backend/groth16"
	"github.com/consensys/gnark/constraint"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/frontend/cs/r1cs"
)

// square proves knowledge of a square root of a public Y (N squarings deep, so circuits of
// different N have different digests).
type square struct {
	Y frontend.Variable `gnark:",public"`
	X frontend.Variable
	n int
}

func (c *square) Define(api frontend.API) error {
	v := c.X
	for i := 0; i < c.n; i++ {
		v = api.Mul(v, v)
	}
	api.AssertIsEqual(v, c.Y)
	return nil
}

func compileSquare(t *testing.T, n int) constraint.ConstraintSystem {
	t.Helper()
	ccs, err := frontend.Compile(ecc.BN254.ScalarField(), r1cs.NewBuilder, &square{n: n})
	if err != nil {
		t.Fatal(err)
	}
	return ccs
}

// TestCacheSetup: the first request runs the setup and stores its keys by circuit digest, the
// next one reads them back without a setup, another circuit gets its own entry, and an entry
// whose files or manifest changed is refused rather than used.
func TestCacheSetup(t *testing.T) {
	var progress bytes.Buffer
	c := Cache{Dir: t.TempDir(), Progress: &progress}
	ccs := compileSquare(t, 3)
	setups := 0
	setup := func(ccs constraint.ConstraintSystem) func() (groth16.ProvingKey, groth16.VerifyingKey, error) {
		return func() (groth16.ProvingKey, groth16.VerifyingKey, error) { setups++; return groth16.Setup(ccs) }
	}

	pk1, vk1, hit, err := c.Setup(ccs, "random", setup(ccs))
	if err != nil || hit || setups != 1 {
		t.Fatalf("first request: hit %v, setups %d, err %v", hit, setups, err)
	}
	if !strings.Contains(progress.String(), "done in") {
		t.Fatalf("no progress report: %q", progress.String())
	}
	pk2, vk2, hit, err := c.Setup(ccs, "random", setup(ccs))
	if err != nil || !hit || setups != 1 {
		t.Fatalf("second request: hit %v, setups %d, err %v", hit, setups, err)
	}
	for _, pair := range [][2]func() ([]byte, error){
		{func() ([]byte, error) { return MarshalProvingKey(pk1) }, func() ([]byte, error) { return MarshalProvingKey(pk2) }},
		{func() ([]byte, error) { return MarshalVerifyingKey(vk1) }, func() ([]byte, error) { return MarshalVerifyingKey(vk2) }},
	} {
		a, errA := pair[0]()
		b, errB := pair[1]()
		if errA != nil || errB != nil || !bytes.Equal(a, b) {
			t.Fatal("the cached keys are not the keys the setup made")
		}
	}

	other := compileSquare(t, 4)
	if _, _, hit, err := c.Setup(other, "random", setup(other)); err != nil || hit || setups != 2 {
		t.Fatalf("another circuit: hit %v, setups %d, err %v", hit, setups, err)
	}
	if _, _, hit, err := c.Setup(ccs, "beacon-x", setup(ccs)); err != nil || hit || setups != 3 {
		t.Fatalf("another setup kind: hit %v, setups %d, err %v", hit, setups, err)
	}

	digest, err := CircuitDigest(ccs)
	if err != nil {
		t.Fatal(err)
	}
	entry := c.entryDir(digest, "random")
	otherDigest, err := CircuitDigest(other)
	if err != nil {
		t.Fatal(err)
	}
	otherEntry := c.entryDir(otherDigest, "random")
	for _, tc := range []struct {
		name   string
		tamper func(t *testing.T)
	}{
		{"a proving key that changed", func(t *testing.T) { flipLastByte(t, filepath.Join(entry, "key.pk")) }},
		{"a verifying key that changed", func(t *testing.T) { flipLastByte(t, filepath.Join(entry, "key.vk")) }},
		{"another circuit's entry in its place", func(t *testing.T) {
			if err := os.RemoveAll(entry); err != nil {
				t.Fatal(err)
			}
			if err := os.CopyFS(entry, os.DirFS(otherEntry)); err != nil {
				t.Fatal(err)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := os.RemoveAll(entry); err != nil {
				t.Fatal(err)
			}
			if _, _, _, err := c.Setup(ccs, "random", setup(ccs)); err != nil {
				t.Fatal(err)
			}
			tc.tamper(t)
			before := setups
			if _, _, _, err := c.Setup(ccs, "random", setup(ccs)); !errors.Is(err, ErrCacheEntry) || setups != before {
				t.Fatalf("tampered entry: err %v, setups %d -> %d", err, before, setups)
			}
		})
	}
}

func flipLastByte(t *testing.T, path string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	b[len(b)-1] ^= 1
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}
