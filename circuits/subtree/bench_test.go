package subtree

import (
	"bytes"
	"fmt"
	"testing"
	"time"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark/backend/groth16"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/frontend/cs/r1cs"
	"github.com/consensys/gnark/logger"

	"github.com/slush-tree/slush/circuits/keys"
	"github.com/slush-tree/slush/circuits/ledger"
	"github.com/slush-tree/slush/circuits/prover"
	"github.com/slush-tree/slush/circuits/recursion"
	"github.com/slush-tree/slush/circuits/smt"
)

// BenchmarkLeafStepConstraints compiles the leaf step and its forced variant (kind 9:
// MaxForcedPerBatch deposits opened in the parent's outbox) for the production batch size (16
// slots) and reports their constraints (compile only, seconds):
//
//	go test -run '^$' -bench BenchmarkLeafStepConstraints -benchtime 1x ./circuits/subtree/
func BenchmarkLeafStepConstraints(b *testing.B) {
	logger.Disable()
	key := newBatchSystem(b).key(b)
	for _, v := range []struct {
		name    string
		circuit frontend.Circuit
	}{{"plain", NewLeafStep(key, ledger.DefaultParams)}, {"forced", NewLeafForcedStep(key, ledger.DefaultParams)}} {
		b.Run(v.name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				ccs, err := frontend.Compile(ecc.BN254.ScalarField(), r1cs.NewBuilder, v.circuit)
				if err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(float64(ccs.GetNbConstraints()), "constraints")
			}
		})
	}
}

// prodShape is the node shape of the localnet tree: 3 children (x/validium's default
// max_children) and 18 report buckets (x/acceptance max_depth 16 + 2).
var prodShape = NodeShape{MaxChildren: 3, MaxBuckets: 18}

// BenchmarkNodeLedgerStepConstraints compiles the node ledger step for the production batch size
// and 18 report buckets, for the localnet's max_children and the most that fit in 2^20
// constraints, and its forced (kind 10) and exit (kind 12) variants at the localnet's children,
// and reports their constraints (compile only):
//
//	go test -run '^$' -bench BenchmarkNodeLedgerStepConstraints -benchtime 1x ./circuits/subtree/
func BenchmarkNodeLedgerStepConstraints(b *testing.B) {
	logger.Disable()
	key := newBatchSystem(b).key(b)
	variants := map[string]func(recursion.FixedKey, ledger.Params, NodeShape) *NodeLedgerStep{
		"plain": NewNodeLedgerStep, "forced": NewNodeLedgerForcedStep, "exit": NewNodeLedgerExitStep,
	}
	// 3: the localnet; 7: the most children under 2^20 constraints (8: 1,057,184)
	for _, v := range []struct {
		children int
		variant  string
	}{{prodShape.MaxChildren, "plain"}, {7, "plain"}, {prodShape.MaxChildren, "forced"}, {prodShape.MaxChildren, "exit"}} {
		shape := NodeShape{MaxChildren: v.children, MaxBuckets: prodShape.MaxBuckets}
		circuit := variants[v.variant](key, ledger.DefaultParams, shape)
		b.Run(fmt.Sprintf("children=%d,%s", v.children, v.variant), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				ccs, err := frontend.Compile(ecc.BN254.ScalarField(), r1cs.NewBuilder, circuit)
				if err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(float64(ccs.GetNbConstraints()), "constraints")
			}
		})
	}
}

// BenchmarkNodeChildStepConstraints compiles the node child step over a leaf-step-shaped inner
// key (one public input, one commitment) for the localnet's node shape, plain and forced (over a
// forced leaf step, the growth of a 20-level outbox), and reports their constraints (compile
// only, about a minute and 2 GiB each):
//
//	go test -run '^$' -bench BenchmarkNodeChildStepConstraints -benchtime 1x ./circuits/subtree/
func BenchmarkNodeChildStepConstraints(b *testing.B) {
	logger.Disable()
	key := newStepSystem(b).key(b)
	for _, c := range []struct {
		name    string
		circuit func() frontend.Circuit
	}{
		{"plain", func() frontend.Circuit { return NewNodeChildStep(key, prodShape) }},
		{"forced", func() frontend.Circuit { return NewNodeChildForcedStep(key, prodShape, smt.DefaultAccumulatorDepth) }},
	} {
		b.Run(c.name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				ccs, err := frontend.Compile(ecc.BN254.ScalarField(), r1cs.NewBuilder, c.circuit())
				if err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(float64(ccs.GetNbConstraints()), "constraints")
			}
		})
	}
}

// BenchmarkNodeReportConstraints reports the constraints of a node's children root and report
// (ChildrenRootGadget and NodeReportGadget, as the node steps use them) at 18 buckets for a
// few max_children:
//
//	go test -run '^$' -bench BenchmarkNodeReportConstraints -benchtime 1x ./circuits/subtree/
func BenchmarkNodeReportConstraints(b *testing.B) {
	logger.Disable()
	for _, k := range []int{1, 3, 8, 16} {
		shape := NodeShape{MaxChildren: k, MaxBuckets: prodShape.MaxBuckets}
		b.Run(fmt.Sprintf("children=%d", k), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				ccs, err := frontend.Compile(ecc.BN254.ScalarField(), r1cs.NewBuilder,
					&nodeReportCircuit{Report: NewReportVar(shape.MaxBuckets), Slots: NewChildSlots(shape)})
				if err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(float64(ccs.GetNbConstraints()), "constraints")
			}
		})
	}
}

// BenchmarkLeafStep measures one leaf step at the production batch size: compile, gnark's
// random groth16.Setup (development only; production keys come from a ceremony), prove a valid
// step, verify it natively, and the key sizes. Heavy (minutes, GiBs): run it alone and read the
// peak memory with /usr/bin/time -v:
//
//	/usr/bin/time -v go test -run '^$' -bench 'BenchmarkLeafStep$' -benchtime 1x -timeout 90m ./circuits/subtree/
func BenchmarkLeafStep(b *testing.B) {
	logger.Disable()
	s := newBatchSystem(b)
	key := s.key(b)
	batch := ledger.DefaultParams.BatchSize
	t0 := time.Now()
	ccs, err := frontend.Compile(ecc.BN254.ScalarField(), r1cs.NewBuilder, NewLeafStep(key, ledger.DefaultParams))
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("LeafStep(batch %d): %d constraints, compiled in %v; setup starts (minutes)", batch,
		ccs.GetNbConstraints(), time.Since(t0).Round(time.Millisecond))
	t0 = time.Now()
	pk, vk, err := groth16.Setup(ccs)
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("setup %v", time.Since(t0).Round(time.Second))
	f := newFixture(b, s)
	assignment, err := AssignLeafStep(key, ledger.DefaultParams, f.witness)
	if err != nil {
		b.Fatal(err)
	}
	vkBytes, err := keys.MarshalVerifyingKey(vk)
	if err != nil {
		b.Fatal(err)
	}
	checked, err := keys.CheckCommittedVerifyingKey(vkBytes, 1) // what a parent's params hold
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t0 = time.Now()
		proof, err := prover.Prove(ccs, pk, assignment)
		if err != nil {
			b.Fatal(err)
		}
		prove := time.Since(t0)
		t0 = time.Now()
		// the parent's native check (x/validium verifySteps): the proof's bytes against the statement
		if err := prover.VerifyProof(checked, proof, []fr.Element{f.witness.Public().Statement()}); err != nil {
			b.Fatal(err)
		}
		b.Logf("prove %v, native verify %v, proof %d bytes", prove.Round(time.Millisecond), time.Since(t0).Round(time.Microsecond), len(proof))
		b.ReportMetric(prove.Seconds(), "prove_s")
	}
	b.StopTimer()
	var pkBuf, vkBuf bytes.Buffer
	if _, err := pk.WriteTo(&pkBuf); err != nil {
		b.Fatal(err)
	}
	if _, err := vk.WriteTo(&vkBuf); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(ccs.GetNbConstraints()), "constraints")
	b.ReportMetric(float64(pkBuf.Len())/1e6, "pk_MB")
	b.ReportMetric(float64(vkBuf.Len()), "vk_bytes")
}

// BenchmarkNodeLedgerStep measures one node ledger step at the production batch size and the
// localnet's node shape: compile, gnark's random groth16.Setup (development only), prove a
// valid step, verify it natively as a parent does. Heavy (minutes, GiBs): run it alone with
// /usr/bin/time -v:
//
//	/usr/bin/time -v go test -run '^$' -bench 'BenchmarkNodeLedgerStep$' -benchtime 1x -timeout 90m ./circuits/subtree/
func BenchmarkNodeLedgerStep(b *testing.B) {
	logger.Disable()
	s := newBatchSystem(b)
	key := s.key(b)
	t0 := time.Now()
	ccs, err := frontend.Compile(ecc.BN254.ScalarField(), r1cs.NewBuilder, NewNodeLedgerStep(key, ledger.DefaultParams, prodShape))
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("NodeLedgerStep(batch %d, %d children, %d buckets): %d constraints, compiled in %v; setup starts (minutes)",
		ledger.DefaultParams.BatchSize, prodShape.MaxChildren, prodShape.MaxBuckets, ccs.GetNbConstraints(), time.Since(t0).Round(time.Millisecond))
	t0 = time.Now()
	pk, vk, err := groth16.Setup(ccs)
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("setup %v", time.Since(t0).Round(time.Second))
	w := newNodeFixture(b, s).witness
	assignment, err := AssignNodeLedgerStep(key, ledger.DefaultParams, prodShape, w)
	if err != nil {
		b.Fatal(err)
	}
	vkBytes, err := keys.MarshalVerifyingKey(vk)
	if err != nil {
		b.Fatal(err)
	}
	checked, err := keys.CheckCommittedVerifyingKey(vkBytes, 1)
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t0 = time.Now()
		proof, err := prover.Prove(ccs, pk, assignment)
		if err != nil {
			b.Fatal(err)
		}
		prove := time.Since(t0)
		if err := prover.VerifyProof(checked, proof, []fr.Element{w.Public().Statement()}); err != nil {
			b.Fatal(err)
		}
		b.Logf("prove %v, proof %d bytes", prove.Round(time.Millisecond), len(proof))
		b.ReportMetric(prove.Seconds(), "prove_s")
	}
	b.StopTimer()
	b.ReportMetric(float64(ccs.GetNbConstraints()), "constraints")
}

// BenchmarkNodeChildStep measures one node child step over a leaf-step-shaped inner key at the
// localnet's node shape: compile, random setup (a 2^21 domain), prove, verify natively. Heavy
// (ten minutes, GiBs): run it alone with /usr/bin/time -v:
//
//	/usr/bin/time -v go test -run '^$' -bench 'BenchmarkNodeChildStep$' -benchtime 1x -timeout 90m ./circuits/subtree/
func BenchmarkNodeChildStep(b *testing.B) {
	logger.Disable()
	s := newStepSystem(b)
	key := s.key(b)
	t0 := time.Now()
	ccs, err := frontend.Compile(ecc.BN254.ScalarField(), r1cs.NewBuilder, NewNodeChildStep(key, prodShape))
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("NodeChildStep(%d children, %d buckets): %d constraints, compiled in %v; setup starts (minutes)",
		prodShape.MaxChildren, prodShape.MaxBuckets, ccs.GetNbConstraints(), time.Since(t0).Round(time.Millisecond))
	t0 = time.Now()
	pk, vk, err := groth16.Setup(ccs)
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("setup %v", time.Since(t0).Round(time.Second))
	w := newChildFixture(b, s)
	assignment, err := AssignNodeChildStep(key, prodShape, w)
	if err != nil {
		b.Fatal(err)
	}
	vkBytes, err := keys.MarshalVerifyingKey(vk)
	if err != nil {
		b.Fatal(err)
	}
	checked, err := keys.CheckCommittedVerifyingKey(vkBytes, 1)
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t0 = time.Now()
		proof, err := prover.Prove(ccs, pk, assignment)
		if err != nil {
			b.Fatal(err)
		}
		prove := time.Since(t0)
		if err := prover.VerifyProof(checked, proof, []fr.Element{w.Public().Statement()}); err != nil {
			b.Fatal(err)
		}
		b.Logf("prove %v, proof %d bytes", prove.Round(time.Millisecond), len(proof))
		b.ReportMetric(prove.Seconds(), "prove_s")
	}
	b.StopTimer()
	b.ReportMetric(float64(ccs.GetNbConstraints()), "constraints")
}
