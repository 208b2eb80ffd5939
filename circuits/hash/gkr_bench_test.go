package hash

import (
	"fmt"
	"testing"
	"time"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	p2 "github.com/consensys/gnark-crypto/ecc/bn254/fr/poseidon2"
	"github.com/consensys/gnark/backend/groth16"
	g16bn254 "github.com/consensys/gnark/backend/groth16/bn254"
	"github.com/consensys/gnark/constraint"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/frontend/cs/r1cs"
	"github.com/consensys/gnark/std/permutation/poseidon2"
	gkrp2 "github.com/consensys/gnark/std/permutation/poseidon2/gkr-poseidon2"
)

// compressCircuit asserts Outs[i] = Compress(Ins[i]) for n Poseidon2 t=2
// compressions, proven with gnark's GKR compressor (GKR = true, needs one
// BSB22 commitment) or with the plain in-circuit permutation. It records the
// evaluation of GKR Poseidon2 for the ledger batch (docs/BENCHMARKS.md,
// "GKR Poseidon2"); Slush does not use GKR.
type compressCircuit struct {
	GKR  bool `gnark:"-"`
	Ins  [][2]frontend.Variable
	Outs []frontend.Variable
}

func (c *compressCircuit) Define(api frontend.API) error {
	var compress func(a, b frontend.Variable) frontend.Variable
	if c.GKR {
		comp, err := gkrp2.NewCompressor(api)
		if err != nil {
			return err
		}
		compress = comp.Compress
	} else {
		p, err := poseidon2.NewPoseidon2(api)
		if err != nil {
			return err
		}
		compress = p.Compress
	}
	for i := range c.Ins {
		api.AssertIsEqual(compress(c.Ins[i][0], c.Ins[i][1]), c.Outs[i])
	}
	return nil
}

func newCompressCircuit(gkr bool, n int) *compressCircuit {
	return &compressCircuit{GKR: gkr, Ins: make([][2]frontend.Variable, n), Outs: make([]frontend.Variable, n)}
}

// compressAssignment computes the outputs with gnark-crypto's native BN254
// Poseidon2 t=2 compression (NewDefaultPermutation: rF = 6, rP = 50), which is
// what both the GKR compressor and poseidon2.NewPoseidon2(api).Compress match.
func compressAssignment(n int) *compressCircuit {
	perm := p2.NewDefaultPermutation()
	a := newCompressCircuit(false, n)
	for i := 0; i < n; i++ {
		l, r := Uint64(uint64(3*i+7)), Uint64(uint64(5*i+11))
		lb, rb := l.Bytes(), r.Bytes()
		ob, err := perm.Compress(lb[:], rb[:])
		if err != nil {
			panic(err)
		}
		var o fr.Element
		if err := o.SetBytesCanonical(ob); err != nil {
			panic(err)
		}
		a.Ins[i] = [2]frontend.Variable{l, r}
		a.Outs[i] = o
	}
	return a
}

func compileCompress(b *testing.B, gkr bool, n int) constraint.ConstraintSystem {
	ccs, err := frontend.Compile(ecc.BN254.ScalarField(), r1cs.NewBuilder, newCompressCircuit(gkr, n))
	if err != nil {
		b.Fatal(err)
	}
	return ccs
}

// BenchmarkGKRCompressConstraints reports R1CS constraints per t=2
// compression, GKR against plain, for n compressions in one circuit (the n
// AssertIsEqual constraints are subtracted). Compile only; GKR pads n to a
// power of two and its cost depends on the padded size; n = 65536 takes
// about 19 GiB.
func BenchmarkGKRCompressConstraints(b *testing.B) {
	for _, n := range []int{1, 2, 100, 1000, 2400, 10000, 16384, 65536} {
		for _, gkr := range []bool{false, true} {
			if !gkr && n > 2400 {
				continue // exactly 186 per compression, no need to compile
			}
			b.Run(fmt.Sprintf("gkr=%v/n=%d", gkr, n), func(b *testing.B) {
				nc := 0
				for i := 0; i < b.N; i++ {
					nc = compileCompress(b, gkr, n).GetNbConstraints() - n
				}
				b.ReportMetric(float64(nc), "constraints")
				b.ReportMetric(float64(nc)/float64(n), "constraints/compression")
			})
		}
	}
}

// BenchmarkGKRCompressProve runs groth16.Setup/Prove/Verify on n compressions
// whose outputs come from the native gnark-crypto compression (so a proof
// shows that the GKR compressor equals it), checks that a wrong output cannot
// be proven, and reports the prove time and the commitment count.
// n = 2400 is at the scale of the ledger batch of 16 transfers (150 to 238 t=2
// compressions per transfer; GKR pads to 4096 instances either way); it needs
// about 15 GiB and half an hour on 2 loaded cores.
func BenchmarkGKRCompressProve(b *testing.B) {
	for _, n := range []int{2, 100, 2400} {
		for _, gkr := range []bool{false, true} {
			b.Run(fmt.Sprintf("gkr=%v/n=%d", gkr, n), func(b *testing.B) {
				ccs := compileCompress(b, gkr, n)
				pk, vk, err := groth16.Setup(ccs)
				if err != nil {
					b.Fatal(err)
				}
				a := compressAssignment(n)
				w, err := frontend.NewWitness(a, ecc.BN254.ScalarField())
				if err != nil {
					b.Fatal(err)
				}
				pub, err := w.Public()
				if err != nil {
					b.Fatal(err)
				}
				var prove, verify time.Duration
				for i := 0; i < b.N; i++ {
					start := time.Now()
					proof, err := groth16.Prove(ccs, pk, w)
					if err != nil {
						b.Fatal(err)
					}
					prove += time.Since(start)
					start = time.Now()
					if err := groth16.Verify(proof, vk, pub); err != nil {
						b.Fatal(err)
					}
					verify += time.Since(start)
				}
				bad := compressAssignment(n)
				bad.Outs[n/2] = 12345
				bw, err := frontend.NewWitness(bad, ecc.BN254.ScalarField())
				if err != nil {
					b.Fatal(err)
				}
				if _, err := groth16.Prove(ccs, pk, bw); err == nil {
					b.Fatal("a wrong compression output was proven")
				}
				b.ReportMetric(float64(ccs.GetNbConstraints()), "constraints")
				b.ReportMetric(prove.Seconds()/float64(b.N), "prove-s")
				b.ReportMetric(float64(verify.Microseconds())/float64(b.N), "verify-us")
				b.ReportMetric(float64(len(vk.(*g16bn254.VerifyingKey).CommitmentKeys)), "commitments")
			})
		}
	}
}
