package hash

import (
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/frontend/cs/r1cs"
	"github.com/consensys/gnark/std/hash/mimc"
	"github.com/consensys/gnark/std/permutation/poseidon2"
)

// levelCircuit is one 2-to-1 Merkle level computed with the candidate hash Kind.
type levelCircuit struct {
	Kind string `gnark:"-"`
	L, R frontend.Variable
	Out  frontend.Variable `gnark:",public"`
}

func (c *levelCircuit) Define(api frontend.API) error {
	var out frontend.Variable
	switch c.Kind {
	case "mimc-tagged":
		h, err := mimc.NewMiMC(api)
		if err != nil {
			return err
		}
		h.Write(uint64(DomainNode), c.L, c.R)
		out = h.Sum()
	case "poseidon2-t2-compress-untagged (slush node)":
		out = NodeGadget(api, c.L, c.R)
	case "poseidon2-t2-compress-tagged":
		p, err := poseidon2.NewPoseidon2(api)
		if err != nil {
			return err
		}
		out = p.Compress(p.Compress(uint64(DomainNode), c.L), c.R)
	case "poseidon2-t3-tagged (slush leaves, records)":
		out = HashGadget(api, DomainNode, c.L, c.R)
	}
	api.AssertIsEqual(out, c.Out)
	return nil
}

func levelConstraints(t testing.TB, kind string) int {
	ccs, err := frontend.Compile(ecc.BN254.ScalarField(), r1cs.NewBuilder, &levelCircuit{Kind: kind})
	if err != nil {
		t.Fatal(err)
	}
	return ccs.GetNbConstraints()
}

// MaxNodeConstraints is the budget for one Merkle level in R1CS (the node
// compression alone; a gadget level adds one constraint for the path-bit swap).
const MaxNodeConstraints = 186

var levelKinds = []string{"mimc-tagged", "poseidon2-t2-compress-untagged (slush node)", "poseidon2-t2-compress-tagged",
	"poseidon2-t3-tagged (slush leaves, records)"}

// TestConstraintsPerLevel measures the candidate hashes per 2-to-1 Merkle
// level and enforces the budget for the chosen one.
func TestConstraintsPerLevel(t *testing.T) {
	for _, k := range levelKinds {
		// the AssertIsEqual costs one constraint; subtract it.
		t.Logf("%-44s %4d R1CS constraints per Merkle level", k, levelConstraints(t, k)-1)
	}
	if n := levelConstraints(t, "poseidon2-t2-compress-untagged (slush node)") - 1; n > MaxNodeConstraints {
		t.Fatalf("NodeGadget costs %d constraints, budget %d", n, MaxNodeConstraints)
	}
}

// BenchmarkNodeConstraints reports R1CS constraints per Merkle level.
func BenchmarkNodeConstraints(b *testing.B) {
	for _, k := range levelKinds {
		b.Run(k, func(b *testing.B) {
			n := 0
			for i := 0; i < b.N; i++ {
				n = levelConstraints(b, k) - 1
			}
			b.ReportMetric(float64(n), "constraints/level")
		})
	}
}
