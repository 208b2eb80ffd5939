package inclusion

import (
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/backend"
	"github.com/consensys/gnark/test"
)

// TestCheckCircuit runs gnark's circuit check (test engine and R1CS solver; add
// -tags prover_checks for a Groth16 prove/verify per assignment) on one valid assignment and
// invalid ones that each break one rule: another destination, another root height, a wrong
// sibling on the children path.
func TestCheckCircuit(t *testing.T) {
	const depth = 2
	w := mustWitness(t, []uint8{1, 2}, []uint8{2}, KindMessage)
	valid, err := w.Assign(depth)
	if err != nil {
		t.Fatal(err)
	}

	wrongDst := w.AssignUnchecked(depth)
	wrongDst.DstVid = 12345
	wrongHeight := w.AssignUnchecked(depth)
	wrongHeight.RootHeight = w.Statement().RootHeight + 1
	wrongSibling := w.AssignUnchecked(depth)
	wrongSibling.ChildSiblings[0][0] = 1

	test.NewAssert(t).CheckCircuit(New(depth),
		test.WithValidAssignment(valid),
		test.WithInvalidAssignment(wrongDst),
		test.WithInvalidAssignment(wrongHeight),
		test.WithInvalidAssignment(wrongSibling),
		test.WithCurves(ecc.BN254),
		test.WithBackends(backend.GROTH16),
	)
}
