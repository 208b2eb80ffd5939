package keys

import (
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/backend/groth16"
	"github.com/consensys/gnark/constraint"
	"github.com/consensys/gnark/frontend"
	"github.com/stretchr/testify/require"
)

// TestCompiledCache: the first request compiles and stores the circuit by digest, the next
// reads it back without compiling; another build or another name compiles again (another
// build reusing the entry of the same digest); an entry whose bytes, index or constraint count
// do not match is refused, compiled again and rewritten.
func TestCompiledCache(t *testing.T) {
	dir := t.TempDir()
	compiles := 0
	compile := func(n int) func() (constraint.ConstraintSystem, error) {
		return func() (constraint.ConstraintSystem, error) { compiles++; return compileSquare(t, n), nil }
	}
	c := CompiledCache{Dir: dir, Build: "build-a"}
	want, err := CircuitDigest(compileSquare(t, 3))
	require.NoError(t, err)

	entryOf := func(digest string) string { return filepath.Join(dir, "ccs", digest+".ccs") }
	for _, s := range []struct {
		name     string
		cache    CompiledCache
		circuit  string
		n        int
		corrupt  func(t *testing.T, digest string) // before the request
		hit      bool
		rebuilt  bool
		compiles int
	}{
		{name: "first request compiles", cache: c, circuit: "square 3", n: 3, compiles: 1},
		{name: "second request reads it back", cache: c, circuit: "square 3", n: 3, hit: true, compiles: 1},
		{name: "another name compiles", cache: c, circuit: "square 4", n: 4, compiles: 2},
		{name: "another build compiles (same digest, same entry)", cache: CompiledCache{Dir: dir, Build: "build-b"}, circuit: "square 3", n: 3, compiles: 3},
		{name: "a changed entry is refused and rebuilt", cache: c, circuit: "square 3", n: 3, rebuilt: true, compiles: 4,
			corrupt: func(t *testing.T, digest string) {
				b, err := os.ReadFile(entryOf(digest))
				require.NoError(t, err)
				b[len(b)/2] ^= 1
				require.NoError(t, os.WriteFile(entryOf(digest), b, 0o644))
			}},
		{name: "after the rebuild it reads back", cache: c, circuit: "square 3", n: 3, hit: true, compiles: 4},
		{name: "a missing entry is rebuilt", cache: c, circuit: "square 3", n: 3, rebuilt: true, compiles: 5,
			corrupt: func(t *testing.T, digest string) { require.NoError(t, os.Remove(entryOf(digest))) }},
		{name: "an entry of the same bytes under another digest is refused", cache: c, circuit: "square 3", n: 3, rebuilt: true, compiles: 6,
			corrupt: func(t *testing.T, digest string) {
				// the index points at square 4's entry: its bytes hash to the digest named, but it is not
				// the circuit indexed (its constraint count differs)
				other, err := CircuitDigest(compileSquare(t, 4))
				require.NoError(t, err)
				b, err := os.ReadFile(c.indexPath("square 3"))
				require.NoError(t, err)
				b = []byte(strings.ReplaceAll(string(b), digest, hexOf(other[:])))
				require.NoError(t, os.WriteFile(c.indexPath("square 3"), b, 0o644))
			}},
		{name: "a garbled index is rebuilt", cache: c, circuit: "square 3", n: 3, rebuilt: true, compiles: 7,
			corrupt: func(t *testing.T, _ string) {
				require.NoError(t, os.WriteFile(c.indexPath("square 3"), []byte("{"), 0o644))
			}},
		{name: "and reads back", cache: c, circuit: "square 3", n: 3, hit: true, compiles: 7},
	} {
		t.Run(s.name, func(t *testing.T) {
			if s.corrupt != nil {
				s.corrupt(t, hexOf(want[:]))
			}
			ccs, res, err := s.cache.Compile(s.circuit, compile(s.n))
			require.NoError(t, err)
			require.Equal(t, s.hit, res.Hit)
			require.Equal(t, s.rebuilt, res.Refused != nil, "%v", res.Refused)
			if s.rebuilt {
				require.ErrorIs(t, res.Refused, ErrCompiledEntry)
			}
			require.NoError(t, res.NotCached)
			require.Equal(t, s.compiles, compiles)
			got, err := CircuitDigest(ccs)
			require.NoError(t, err)
			require.Equal(t, res.Digest, hexOf(got[:]), "the digest reported is the circuit's")
			if s.n == 3 {
				require.Equal(t, want, got)
			}
		})
	}
	entries, err := os.ReadDir(filepath.Join(dir, "ccs"))
	require.NoError(t, err)
	require.Len(t, entries, 2, "one entry per digest, whatever the builds")
}

// TestCompiledCacheProves: a circuit read back from the cache proves with keys made from the
// compiled one, and the proof verifies.
func TestCompiledCacheProves(t *testing.T) {
	c := CompiledCache{Dir: t.TempDir(), Build: "b"}
	compiled, _, err := c.Compile("square 2", func() (constraint.ConstraintSystem, error) { return compileSquare(t, 2), nil })
	require.NoError(t, err)
	pk, vk, err := groth16.Setup(compiled)
	require.NoError(t, err)
	cached, res, err := c.Compile("square 2", func() (constraint.ConstraintSystem, error) { t.Fatal("compiled again"); return nil, nil })
	require.NoError(t, err)
	require.True(t, res.Hit)
	require.NoError(t, CheckProvingKeyShape(cached, pk))
	w, err := frontend.NewWitness(&square{X: 3, Y: 81, n: 2}, ecc.BN254.ScalarField())
	require.NoError(t, err)
	proof, err := groth16.Prove(cached, pk, w)
	require.NoError(t, err)
	pub, err := w.Public()
	require.NoError(t, err)
	require.NoError(t, groth16.Verify(proof, vk, pub))
}

// TestCompiledCacheUnwritable: a cache directory that cannot be written still yields the
// compiled circuit, with the reason it was not cached.
func TestCompiledCacheUnwritable(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	require.NoError(t, os.WriteFile(file, nil, 0o644))
	c := CompiledCache{Dir: filepath.Join(file, "cache"), Build: "b"} // under a regular file
	ccs, res, err := c.Compile("square 2", func() (constraint.ConstraintSystem, error) { return compileSquare(t, 2), nil })
	require.NoError(t, err)
	require.NotNil(t, ccs)
	require.False(t, res.Hit)
	require.Error(t, res.NotCached)
}

// TestBuildID: the running executable (a Go ELF binary) has a stable identity, its Go build ID.
func TestBuildID(t *testing.T) {
	a, err := BuildID()
	require.NoError(t, err)
	b, err := BuildID()
	require.NoError(t, err)
	require.Equal(t, a, b)
	require.True(t, strings.HasPrefix(a, "go:") && strings.Count(a, "/") >= 1, "%q", a)
	_, err = goBuildID(os.DevNull)
	require.Error(t, err, "not an ELF file")
}

// hexOf is b in hex, as the cache names digests.
func hexOf(b []byte) string { return hex.EncodeToString(b) }
