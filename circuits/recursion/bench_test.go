package recursion

import (
	"bytes"
	"testing"
	"time"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark/backend/groth16"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/frontend/cs/r1cs"
	"github.com/consensys/gnark/logger"
)

// ledgerShaped has the ledger batch circuit's 11 public inputs (the outer cost depends on the
// inner key's number of public inputs, not on the inner circuit's size).
type ledgerShaped struct {
	Pub [11]frontend.Variable `gnark:",public"`
	X   frontend.Variable
}

func (c *ledgerShaped) Define(api frontend.API) error {
	api.AssertIsEqual(api.Mul(c.X, c.Pub[0]), api.Add(c.Pub[1], c.Pub[2], c.Pub[3:]...))
	return nil
}

// BenchmarkWrap measures C, the seed's cost of proving the verification of one proof: a Wrap
// of a proof with the ledger circuit's 11 public inputs (compile, gnark's random
// groth16.Setup, prove, verify and key sizes, once; run it alone and read the peak memory
// with /usr/bin/time -v):
//
//	/usr/bin/time -v go test -run '^$' -bench BenchmarkWrap -benchtime 1x -timeout 90m ./circuits/recursion/
func BenchmarkWrap(b *testing.B) {
	logger.Disable()
	innerCCS, err := frontend.Compile(ecc.BN254.ScalarField(), r1cs.NewBuilder, &ledgerShaped{})
	if err != nil {
		b.Fatal(err)
	}
	innerPK, innerVK, err := groth16.Setup(innerCCS)
	if err != nil {
		b.Fatal(err)
	}
	var a ledgerShaped
	pub := make([]fr.Element, 11)
	for i := range pub {
		pub[i].SetUint64(uint64(i + 1))
	}
	for i := range a.Pub {
		a.Pub[i] = pub[i]
	}
	a.X = 65 // 1·65 = 2 + 3 + … + 11
	iw, err := frontend.NewWitness(&a, ecc.BN254.ScalarField())
	if err != nil {
		b.Fatal(err)
	}
	innerProof, err := groth16.Prove(innerCCS, innerPK, iw)
	if err != nil {
		b.Fatal(err)
	}
	key, err := NewFixedKey(innerVK)
	if err != nil {
		b.Fatal(err)
	}

	t0 := time.Now()
	ccs, err := frontend.Compile(ecc.BN254.ScalarField(), r1cs.NewBuilder, NewWrap(key))
	if err != nil {
		b.Fatal(err)
	}
	compile := time.Since(t0)
	b.Logf("Wrap: %d constraints, compiled in %v; setup starts (minutes)", ccs.GetNbConstraints(), compile.Round(time.Millisecond))
	t0 = time.Now()
	pk, vk, err := groth16.Setup(ccs)
	if err != nil {
		b.Fatal(err)
	}
	setup := time.Since(t0)
	assignment, err := AssignWrap(key, innerProof, pub)
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	t0 = time.Now()
	full, err := frontend.NewWitness(assignment, ecc.BN254.ScalarField())
	if err != nil {
		b.Fatal(err)
	}
	proof, err := groth16.Prove(ccs, pk, full)
	if err != nil {
		b.Fatal(err)
	}
	prove := time.Since(t0)
	b.StopTimer()
	public, err := full.Public()
	if err != nil {
		b.Fatal(err)
	}
	t0 = time.Now()
	if err := groth16.Verify(proof, vk, public); err != nil {
		b.Fatal(err)
	}
	verify := time.Since(t0)
	var pkBuf, vkBuf bytes.Buffer
	if _, err := pk.WriteTo(&pkBuf); err != nil {
		b.Fatal(err)
	}
	if _, err := vk.WriteTo(&vkBuf); err != nil {
		b.Fatal(err)
	}
	b.Logf("Wrap of an 11-input proof: %d constraints; compile %v; setup %v; prove %v; verify %v; proving key %.1f MB, verifying key %d bytes (compressed)",
		ccs.GetNbConstraints(), compile.Round(time.Millisecond), setup.Round(time.Second), prove.Round(time.Millisecond),
		verify.Round(time.Millisecond), float64(pkBuf.Len())/1e6, vkBuf.Len())
	b.ReportMetric(prove.Seconds(), "prove_s")
}

// onePublic has a single public input: the shape of an inner circuit that exposes only the hash
// of its statement.
type onePublic struct {
	Statement frontend.Variable `gnark:",public"`
	X         frontend.Variable
}

func (c *onePublic) Define(api frontend.API) error {
	api.AssertIsEqual(api.Mul(c.X, c.X), c.Statement)
	return nil
}

// BenchmarkWrapConstraints compiles Wrap for inner keys of 1 and 11 public inputs (compile
// only): what an inner circuit that exposes one hashed statement saves its verifier.
//
//	go test -run '^$' -bench BenchmarkWrapConstraints -benchtime 1x ./circuits/recursion/
func BenchmarkWrapConstraints(b *testing.B) {
	logger.Disable()
	for _, inner := range []struct {
		name string
		c    frontend.Circuit
	}{{"inputs=1", &onePublic{}}, {"inputs=11", &ledgerShaped{}}} {
		b.Run(inner.name, func(b *testing.B) {
			ccs, err := frontend.Compile(ecc.BN254.ScalarField(), r1cs.NewBuilder, inner.c)
			if err != nil {
				b.Fatal(err)
			}
			_, vk, err := groth16.Setup(ccs)
			if err != nil {
				b.Fatal(err)
			}
			key, err := NewFixedKey(vk)
			if err != nil {
				b.Fatal(err)
			}
			outer, err := frontend.Compile(ecc.BN254.ScalarField(), r1cs.NewBuilder, NewWrap(key))
			if err != nil {
				b.Fatal(err)
			}
			b.Logf("Wrap of a %d-input proof: %d constraints", key.NbPublicInputs(), outer.GetNbConstraints())
			b.ReportMetric(float64(outer.GetNbConstraints()), "constraints")
		})
	}
}

// oneInput is a plain inner circuit with one public input (a ledger batch's shape since the
// statement), for comparison with rangeInner, which adds a Pedersen commitment.
type oneInput struct {
	Public frontend.Variable `gnark:",public"`
	Secret frontend.Variable
}

func (c *oneInput) Define(api frontend.API) error {
	api.AssertIsEqual(api.Add(c.Secret, 1), c.Public)
	return nil
}

// BenchmarkCommittedVerifierConstraints compiles the fixed-key verifier of a one-input proof
// without and with one Pedersen commitment (a step proof's shape): what verifying a step proof
// inside a node step costs over verifying a ledger batch proof (compile only, seconds):
//
//	go test -run '^$' -bench BenchmarkCommittedVerifierConstraints -benchtime 1x ./circuits/recursion/
func BenchmarkCommittedVerifierConstraints(b *testing.B) {
	logger.Disable()
	for _, inner := range []struct {
		name    string
		circuit frontend.Circuit
	}{{"plain", &oneInput{}}, {"committed", &rangeInner{}}} {
		b.Run(inner.name, func(b *testing.B) {
			ccs, err := frontend.Compile(ecc.BN254.ScalarField(), r1cs.NewBuilder, inner.circuit)
			if err != nil {
				b.Fatal(err)
			}
			_, vk, err := groth16.Setup(ccs)
			if err != nil {
				b.Fatal(err)
			}
			key, err := NewFixedKey(vk)
			if err != nil {
				b.Fatal(err)
			}
			for i := 0; i < b.N; i++ {
				outer, err := frontend.Compile(ecc.BN254.ScalarField(), r1cs.NewBuilder, &committedOuter{Proof: PlaceholderProof(key), key: key})
				if err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(float64(outer.GetNbConstraints()), "constraints")
			}
		})
	}
}
