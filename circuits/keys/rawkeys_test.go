package keys

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/backend/groth16"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/frontend/cs/r1cs"
	"github.com/stretchr/testify/require"
)

// TestRawKeyCache: the first load decodes the compressed key and stores its raw form, the next
// reads the raw form (and proves); a new key file at the same path is decoded again; a raw
// entry or manifest that changed is refused and rewritten.
func TestRawKeyCache(t *testing.T) {
	keysDir := t.TempDir()
	ccs := compileSquare(t, 2)
	pk1, vk1, err := groth16.Setup(ccs)
	require.NoError(t, err)
	require.NoError(t, WriteKeys(keysDir, "sq", pk1, vk1))
	c := RawKeyCache{Dir: filepath.Join(keysDir, "compiled")}
	entry := func(t *testing.T, ext string) string {
		m, err := filepath.Glob(filepath.Join(c.Dir, "pk", "*."+ext))
		require.NoError(t, err)
		require.Len(t, m, 1)
		return m[0]
	}
	flip := func(ext string) func(t *testing.T) {
		return func(t *testing.T) {
			p := entry(t, ext)
			b, err := os.ReadFile(p)
			require.NoError(t, err)
			b[len(b)/2] ^= 1
			require.NoError(t, os.WriteFile(p, b, 0o644))
		}
	}
	var vk groth16.VerifyingKey = vk1
	for _, s := range []struct {
		name    string
		before  func(t *testing.T)
		hit     bool
		refused bool
	}{
		{name: "first load decodes and stores"},
		{name: "next load reads the raw form", hit: true},
		{name: "a changed raw file is refused", before: flip("raw"), refused: true},
		{name: "rewritten", hit: true},
		{name: "a changed manifest is refused", before: flip("json"), refused: true},
		{name: "rewritten again", hit: true},
		{name: "a new key file is decoded again", before: func(t *testing.T) {
			pk2, vk2, err := groth16.Setup(ccs)
			require.NoError(t, err)
			require.NoError(t, WriteKeys(keysDir, "sq", pk2, vk2))
			vk = vk2 // the old key's entry stays, and must not serve the new file
		}},
		{name: "and then read raw", hit: true},
	} {
		t.Run(s.name, func(t *testing.T) {
			if s.before != nil {
				s.before(t)
			}
			pk, gotVK, res, err := c.LoadKeys(keysDir, "sq", 1)
			require.NoError(t, err)
			require.Equal(t, s.hit, res.Hit)
			require.Equal(t, s.refused, res.Refused != nil, "%v", res.Refused)
			if s.refused {
				require.ErrorIs(t, res.Refused, ErrRawKeyEntry)
			}
			require.NoError(t, res.NotCached)
			require.NoError(t, CheckProvingKeyShape(ccs, pk))
			w, err := frontend.NewWitness(&square{X: 2, Y: 16, n: 2}, ecc.BN254.ScalarField())
			require.NoError(t, err)
			proof, err := groth16.Prove(ccs, pk, w)
			require.NoError(t, err)
			pub, err := w.Public()
			require.NoError(t, err)
			require.NoError(t, groth16.Verify(proof, vk, pub), "the key read proves for the key file's verifying key")
			require.NoError(t, groth16.Verify(proof, gotVK, pub))
		})
	}
}

// committedSquare is square with a BSB22 commitment, as the recursive circuits have (their
// in-circuit pairing uses one): its proving key carries Pedersen commitment keys.
type committedSquare struct {
	Y frontend.Variable `gnark:",public"`
	X frontend.Variable
}

func (c *committedSquare) Define(api frontend.API) error {
	cm, err := api.(frontend.Committer).Commit(c.X)
	if err != nil {
		return err
	}
	api.AssertIsDifferent(cm, 0)
	api.AssertIsEqual(api.Mul(c.X, c.X), c.Y)
	return nil
}

// TestRawKeyCacheCommittedKey: a proving key with commitment keys (the leaf step's kind) is
// stored raw and read back, and the key read raw proves for the checked committed verifying key.
func TestRawKeyCacheCommittedKey(t *testing.T) {
	keysDir := t.TempDir()
	ccs, err := frontend.Compile(ecc.BN254.ScalarField(), r1cs.NewBuilder, &committedSquare{})
	require.NoError(t, err)
	pk0, vk0, err := groth16.Setup(ccs)
	require.NoError(t, err)
	require.NoError(t, WriteKeys(keysDir, "csq", pk0, vk0))
	vkb, err := os.ReadFile(filepath.Join(keysDir, "csq.vk"))
	require.NoError(t, err)
	vk, err := CheckCommittedVerifyingKey(vkb, 1)
	require.NoError(t, err)

	c := RawKeyCache{Dir: filepath.Join(keysDir, "compiled")}
	for _, wantHit := range []bool{false, true} {
		pk, res, err := c.ReadProvingKey(filepath.Join(keysDir, "csq.pk"))
		require.NoError(t, err)
		require.Equal(t, wantHit, res.Hit)
		require.NoError(t, res.Refused)
		require.NoError(t, res.NotCached)
		require.NoError(t, CheckProvingKeyShape(ccs, pk))
		w, err := frontend.NewWitness(&committedSquare{X: 3, Y: 9}, ecc.BN254.ScalarField())
		require.NoError(t, err)
		proof, err := groth16.Prove(ccs, pk, w)
		require.NoError(t, err)
		pub, err := w.Public()
		require.NoError(t, err)
		require.NoError(t, groth16.Verify(proof, vk, pub), "hit=%v", wantHit)
	}
}
