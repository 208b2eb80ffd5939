package ledger

import (
	"fmt"
	"runtime"
	"slices"
	"testing"
	"time"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/backend/groth16"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/frontend/cs/r1cs"
	"github.com/consensys/gnark/logger"

	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/prover"
)

// transferBatch returns a witness of n transfers (alternating between two
// funded accounts) at parameters p.
func transferBatch(tb testing.TB, p Params, n int) Witness {
	tb.Helper()
	f := newFixture(tb, p)
	b, err := NewBatchBuilder(f.s)
	if err != nil {
		tb.Fatal(err)
	}
	var nonceA, nonceB uint64
	for i := 0; i < n; i++ {
		var op Op
		if i%2 == 0 {
			op = f.transfer(tb, f.alice, f.aliceIdx, owner(f.bob), 10, nonceA)
			nonceA++
		} else {
			op = f.transfer(tb, f.bob, f.bobIdx, owner(f.alice), 1, nonceB)
			nonceB++
		}
		if err := b.Add(op); err != nil {
			tb.Fatal(err)
		}
	}
	w, err := b.Build(1, hash.Uint64(1), nil)
	if err != nil {
		tb.Fatal(err)
	}
	return w
}

func heapInUse() uint64 {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapInuse
}

// peakSampler records the highest HeapInuse seen until stop is called.
func peakSampler() (stop func() uint64) {
	done := make(chan struct{})
	res := make(chan uint64)
	go func() {
		peak := heapInUse()
		t := time.NewTicker(50 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				res <- max(peak, heapInUse())
				return
			case <-t.C:
				peak = max(peak, heapInUse())
			}
		}
	}()
	return func() uint64 { close(done); return <-res }
}

// BenchmarkLedgerBatch16 compiles, sets up (gnark's random groth16.Setup),
// proves and verifies one batch of 16 transfers at account depth 24, reporting
// each phase once, at 0, 1 (the production DefaultParams) and 2 claim sections, compared in
// one run: the batch with 2 sections is just above 2^19 constraints, the others below.
//
//	go test -run '^$' -bench BenchmarkLedgerBatch16 -benchtime 5x -timeout 60m ./circuits/ledger/
func BenchmarkLedgerBatch16(b *testing.B) {
	logger.Disable()
	for _, slots := range []int{2, 1, 0} {
		p := DefaultParams
		p.ClaimSlots = slots
		if slots == 0 {
			p.InclusionDepth = 0
		}
		b.Run(fmt.Sprintf("claims=%d", slots), func(b *testing.B) { benchmarkBatch(b, p) })
	}
}

// benchmarkBatch is one BenchmarkLedgerBatch16 case at parameters p.
func benchmarkBatch(b *testing.B, p Params) {
	stop := peakSampler()
	t0 := time.Now()
	ccs, err := frontend.Compile(ecc.BN254.ScalarField(), r1cs.NewBuilder, New(p))
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
	w := transferBatch(b, p, p.BatchSize)
	a := mustAssign(b, w)
	b.ResetTimer()
	proves := make([]time.Duration, 0, b.N)
	var proof []byte
	for i := 0; i < b.N; i++ {
		t0 = time.Now()
		full, err := frontend.NewWitness(a, ecc.BN254.ScalarField())
		if err != nil {
			b.Fatal(err)
		}
		pr, err := groth16.Prove(ccs, pk, full)
		if err != nil {
			b.Fatal(err)
		}
		proves = append(proves, time.Since(t0))
		if proof, err = prover.EncodeProof(pr); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	peak := stop()
	t0 = time.Now()
	if err := prover.VerifyProof(vk, proof, w.Public.Elements()); err != nil {
		b.Fatal(err)
	}
	verify := time.Since(t0)
	slices.Sort(proves)
	prove := proves[len(proves)/2] // the median of b.N proofs (-benchtime Nx)
	n := ccs.GetNbConstraints()
	msg := fmt.Sprintf("depth %d, outbox depth %d, batch %d, claim sections %d: %d constraints (%d per slot); compile %v; setup %v; "+
		"prove median %v of %d (min %v, max %v): %.2f transfers/s; verify %v; peak heap in use %.2f GiB",
		p.AccountDepth, p.OutboxDepth, p.BatchSize, p.ClaimSlots, n, n/p.BatchSize, compile.Round(time.Millisecond), setup.Round(time.Millisecond),
		prove.Round(time.Millisecond), len(proves), proves[0].Round(time.Millisecond), proves[len(proves)-1].Round(time.Millisecond),
		float64(p.BatchSize)/prove.Seconds(), verify.Round(time.Millisecond), float64(peak)/(1<<30))
	b.Log(msg)
	b.ReportMetric(float64(p.BatchSize)/prove.Seconds(), "transfers/s")
}

// BenchmarkLedgerConstraints reports the constraint cost of a slot and of a claim section at
// account depth 24 (differences of compiled sizes: batch 2 − batch 1 with no claim section; one
// claim section of inclusion depth d − none), for the record in docs/BENCHMARKS.md.
//
//	go test -run '^$' -bench BenchmarkLedgerConstraints -benchtime 1x ./circuits/ledger/
func BenchmarkLedgerConstraints(b *testing.B) {
	logger.Disable()
	count := func(p Params) int {
		ccs, err := frontend.Compile(ecc.BN254.ScalarField(), r1cs.NewBuilder, New(p))
		if err != nil {
			b.Fatal(err)
		}
		return ccs.GetNbConstraints()
	}
	base := Params{AccountDepth: 24, OutboxDepth: 20, BatchSize: 1}
	one := count(base)
	two := base
	two.BatchSize = 2
	slot := count(two) - one
	b.Logf("per slot: %d constraints; once per batch: %d", slot, one-slot)
	b.ReportMetric(float64(slot), "constraints/slot")
	for _, d := range []int{2, 8} {
		p := base
		p.ClaimSlots, p.InclusionDepth = 1, d
		section := count(p) - one
		b.Logf("per claim section at inclusion depth %d: %d constraints", d, section)
		b.ReportMetric(float64(section), fmt.Sprintf("constraints/claim-depth-%d", d))
	}
	p := DefaultParams
	n := count(p)
	b.Logf("production batch %+v: %d constraints, %d per slot with the claim sections spread", p, n, n/p.BatchSize)
}
