package prover

import (
	"testing"
	"time"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/backend/groth16"
	"github.com/consensys/gnark/frontend"

	"github.com/slush-tree/slush/circuits/inclusion"
)

// BenchmarkInclusionDepth8 measures, in one run, the inclusion circuit at
// the default max depth: compile, setup (gnark's random groth16.Setup), prove
// (reported once), and then our VerifyProof wrapper vs a bare groth16.Verify
// of the same proof (sub-benchmarks).
//
//	go test ./circuits/prover -run '^$' -bench BenchmarkInclusionDepth8 -benchtime 200x
func BenchmarkInclusionDepth8(b *testing.B) {
	depth := inclusion.DefaultMaxDepth
	t0 := time.Now()
	ccs, err := CompileInclusion(depth)
	if err != nil {
		b.Fatal(err)
	}
	compile := time.Since(t0)
	t0 = time.Now()
	pk, vk, err := groth16.Setup(ccs)
	if err != nil {
		b.Fatal(err)
	}
	setup := time.Since(t0)
	w, err := inclusion.ExampleWitness([]uint8{1, 2, 3, 4, 5, 6, 7, 8}, []uint8{9}, inclusion.KindMessage, 1234)
	if err != nil {
		b.Fatal(err)
	}
	t0 = time.Now()
	proof, st, err := ProveInclusion(ccs, pk, depth, w)
	if err != nil {
		b.Fatal(err)
	}
	prove := time.Since(t0)
	b.Logf("depth %d: %d constraints; compile %v; setup %v; prove %v; proof %d bytes",
		depth, ccs.GetNbConstraints(), compile.Round(time.Millisecond), setup.Round(time.Millisecond), prove.Round(time.Millisecond), len(proof))

	pub := st.PublicInputs()
	a := st.PublicAssignment(depth)
	pubW, err := frontend.NewWitness(a, ecc.BN254.ScalarField(), frontend.PublicOnly())
	if err != nil {
		b.Fatal(err)
	}
	gp, err := DecodeProof(proof)
	if err != nil {
		b.Fatal(err)
	}
	if err := groth16.Verify(gp, vk, pubW); err != nil {
		b.Fatal(err)
	}
	var wrapper, bare time.Duration
	b.Run("verify-wrapper", func(b *testing.B) {
		t0 := time.Now()
		for i := 0; i < b.N; i++ {
			if err := VerifyProof(vk, proof, pub); err != nil {
				b.Fatal(err)
			}
		}
		wrapper = time.Since(t0) / time.Duration(b.N)
	})
	b.Run("verify-bare", func(b *testing.B) {
		t0 := time.Now()
		for i := 0; i < b.N; i++ {
			if err := groth16.Verify(gp, vk, pubW); err != nil {
				b.Fatal(err)
			}
		}
		bare = time.Since(t0) / time.Duration(b.N)
	})
	if bare > 0 {
		b.Logf("verify: wrapper %v, bare %v, ratio %.3f", wrapper, bare, float64(wrapper)/float64(bare))
	}
}
