// Package inclusion is the bridge inclusion circuit of DESIGN §7 step 2: an
// item (message or receipt) in a validium's outbox or receipt accumulator,
// that validium's commitment, its parent's children SMT, ... up to the root
// commitment, for any depth up to MaxDepth (shorter paths are padded with an
// in-circuit selector).
//
// Public inputs, in this order: RootCommitment, RootHeight, LeafHash, DstVid,
// Kind. RootHeight is bound to the AnchorHeight field of the root commitment
// record (for the root validium that field is its own height).
package inclusion

import (
	"math/big"

	"github.com/consensys/gnark/frontend"

	"github.com/slush-tree/slush/circuits/commitment"
	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/smt"
)

// DefaultMaxDepth is the default maximal depth of the source validium.
const DefaultMaxDepth = 8

// AccumulatorDepth is the depth of outbox and receipt accumulators.
const AccumulatorDepth = smt.DefaultAccumulatorDepth

// NbPublicInputs is the number of public inputs of the circuit.
const NbPublicInputs = 5

// Circuit is the inclusion circuit. Create it with New.
type Circuit struct {
	// RootCommitment is the hash of the root validium's commitment.
	RootCommitment frontend.Variable `gnark:",public"`
	// RootHeight equals the root commitment's AnchorHeight (< 2^64).
	RootHeight frontend.Variable `gnark:",public"`
	// LeafHash is the message or receipt hash.
	LeafHash frontend.Variable `gnark:",public"`
	// DstVid is the item's destination vid.
	DstVid frontend.Variable `gnark:",public"`
	// Kind is 0 (message, outbox) or 1 (receipt, receipt tree).
	Kind frontend.Variable `gnark:",public"`

	// SrcVid and Body complete the leaf preimage (see Leaf).
	SrcVid frontend.Variable
	Body   [BodySize]frontend.Variable
	// AccIndex, AccSize and AccSiblings prove the item in the accumulator.
	AccIndex, AccSize frontend.Variable
	AccSiblings       []frontend.Variable
	// Records[0] is the root commitment record, Records[j] the record at hop j.
	Records []commitment.Var
	// Active[j-1] is 1 iff hop j is used (monotone: 1...1 0...0).
	Active []frontend.Variable
	// ChildIndex[j-1] is the child index of hop j (1..255, 0 when inactive).
	ChildIndex []frontend.Variable
	// ChildSiblings[j-1] is the children-SMT path of hop j in its parent.
	ChildSiblings [][]frontend.Variable
}

// New returns a circuit (for compilation or assignment) for paths of up to maxDepth hops.
func New(maxDepth int) *Circuit {
	if maxDepth < 0 || maxDepth > commitment.MaxPathDepth {
		panic("inclusion: maxDepth out of range")
	}
	c := &Circuit{
		AccSiblings:   make([]frontend.Variable, AccumulatorDepth),
		Records:       make([]commitment.Var, maxDepth+1),
		Active:        make([]frontend.Variable, maxDepth),
		ChildIndex:    make([]frontend.Variable, maxDepth),
		ChildSiblings: make([][]frontend.Variable, maxDepth),
	}
	for j := range c.ChildSiblings {
		c.ChildSiblings[j] = make([]frontend.Variable, commitment.ChildrenDepth)
	}
	return c
}

// MaxDepth returns the number of hops the circuit supports.
func (c *Circuit) MaxDepth() int { return len(c.Active) }

// Define declares the constraints.
func (c *Circuit) Define(api frontend.API) error {
	maxDepth := len(c.Active)

	// Public inputs. Kind is boolean-constrained by api.Select below.
	api.ToBinary(c.RootHeight, 64)

	// Leaf preimage: SrcVid/DstVid/Body hash to LeafHash under the domain of Kind.
	msg := hash.HashGadget(api, hash.DomainMessage, c.SrcVid, c.DstVid, c.Body[0], c.Body[1], c.Body[2], c.Body[3], c.Body[4])
	rcpt := hash.HashGadget(api, hash.DomainReceipt, c.SrcVid, c.DstVid, c.Body[0], c.Body[1])
	api.AssertIsEqual(api.Select(c.Kind, rcpt, msg), c.LeafHash)

	// Root record.
	root := c.Records[0]
	api.AssertIsEqual(root.HashGadget(api), c.RootCommitment)
	api.AssertIsEqual(root.AnchorHeight, c.RootHeight)
	api.AssertIsEqual(root.Vid, 0)

	// Hops: Records[j] is child ChildIndex[j-1] of Records[j-1].
	var prev frontend.Variable = 1
	var vid frontend.Variable = 0 // sum_k idx_k * 256^k, without the depth byte
	for j := 1; j <= maxDepth; j++ {
		// s is boolean without a separate constraint: (1-s)*idx == 0 and
		// s*IsZero(idx) == 0 force s = 1 if idx != 0 and s = 0 if idx == 0.
		s := c.Active[j-1]
		idx := c.ChildIndex[j-1]
		api.AssertIsEqual(api.Mul(s, api.IsZero(idx)), 0)  // active: idx != 0
		api.AssertIsEqual(api.Mul(api.Sub(1, s), idx), 0)  // inactive: idx == 0
		api.AssertIsEqual(api.Mul(s, api.Sub(1, prev)), 0) // s_j <= s_{j-1}

		rec := c.Records[j]
		value := commitment.ChildLeafGadget(api, idx, rec.HashGadget(api))
		r := smt.MembershipGadget(api, value, idx, c.ChildSiblings[j-1]) // idx < 256
		api.AssertIsEqual(api.Mul(s, api.Sub(r, c.Records[j-1].ChildrenRoot)), 0)

		vid = api.Add(vid, api.Mul(idx, new(big.Int).Lsh(big.NewInt(1), uint(8*j))))
		api.AssertIsEqual(api.Mul(s, api.Sub(rec.Vid, api.Add(vid, j))), 0)
		prev = s
	}

	// One-hot e_j = s_j - s_{j+1} (s_0 = 1, s_{maxDepth+1} = 0) selects the
	// source validium: its vid and its outbox or receipt root.
	var srcVid, accRoot frontend.Variable = 0, 0
	for j := 0; j <= maxDepth; j++ {
		var sj, sn frontend.Variable = 1, 0
		if j > 0 {
			sj = c.Active[j-1]
		}
		if j < maxDepth {
			sn = c.Active[j]
		}
		e := api.Sub(sj, sn)
		rec := c.Records[j]
		srcVid = api.Add(srcVid, api.Mul(e, rec.Vid))
		accRoot = api.Add(accRoot, api.Mul(e, api.Select(c.Kind, rec.ReceiptRoot, rec.OutboxRoot)))
	}
	api.AssertIsEqual(c.SrcVid, srcVid)

	// The item is in the source validium's accumulator.
	got := smt.AccumulatorMembershipGadget(api, c.LeafHash, c.AccIndex, c.AccSize, c.AccSiblings)
	api.AssertIsEqual(got, accRoot)
	return nil
}
