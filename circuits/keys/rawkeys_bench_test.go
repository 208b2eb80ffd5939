package keys

import (
	"os"
	"testing"
)

// BenchmarkReadProvingKey compares decoding a compressed proving key (point decompression and
// subgroup checks) with reading its RawKeyCache entry, on the key file SLUSH_BENCH_PK names
// (docs/BENCHMARKS.md used the leaf step's 221 MB key from the development key cache).
func BenchmarkReadProvingKey(b *testing.B) {
	path := os.Getenv("SLUSH_BENCH_PK")
	if path == "" {
		b.Skip("set SLUSH_BENCH_PK to a proving key file (e.g. a localnet's keys/leaf-step.pk)")
	}
	b.Run("compressed", func(b *testing.B) {
		for range b.N {
			f, err := os.Open(path)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := ReadProvingKey(f); err != nil {
				b.Fatal(err)
			}
			f.Close()
		}
	})
	c := RawKeyCache{Dir: b.TempDir()}
	if _, _, err := c.ReadProvingKey(path); err != nil { // decodes once and stores the raw entry
		b.Fatal(err)
	}
	b.Run("raw", func(b *testing.B) {
		for range b.N {
			_, res, err := c.ReadProvingKey(path)
			if err != nil || !res.Hit {
				b.Fatalf("raw entry not read: hit=%v err=%v", res.Hit, err)
			}
		}
	})
}
