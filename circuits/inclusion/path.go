package inclusion

import (
	"math/big"

	"github.com/consensys/gnark/frontend"

	"github.com/slush-tree/slush/circuits/commitment"
	"github.com/slush-tree/slush/circuits/smt"
)

// Path is the in-circuit chain from a root commitment record down to the validium whose
// accumulator holds an item, through the parents' finalized-children SMTs (DESIGN §7.2: an
// item counts once the state that issued it is final along its whole path to the root). The
// inclusion circuit verifies one; the ledger circuit verifies one per claim section. Create it
// with NewPath.
type Path struct {
	// Records[0] is the root commitment record, Records[j] the record at hop j.
	Records []commitment.Var
	// Active[j-1] is 1 iff hop j is used (monotone: 1...1 0...0).
	Active []frontend.Variable
	// ChildIndex[j-1] is the child index of hop j (1..255, 0 when inactive).
	ChildIndex []frontend.Variable
	// ChildSiblings[j-1] is the finalized-children-SMT path of hop j in its parent.
	ChildSiblings [][]frontend.Variable
	// AccIndex and AccSize locate the item in the source's accumulator.
	AccIndex, AccSize frontend.Variable
	// AccSiblings is the item's accumulator path.
	AccSiblings []frontend.Variable
}

// NewPath allocates a path of up to maxDepth hops.
func NewPath(maxDepth int) Path {
	if maxDepth < 0 || maxDepth > commitment.MaxPathDepth {
		panic("inclusion: maxDepth out of range")
	}
	p := Path{
		AccSiblings:   make([]frontend.Variable, AccumulatorDepth),
		Records:       make([]commitment.Var, maxDepth+1),
		Active:        make([]frontend.Variable, maxDepth),
		ChildIndex:    make([]frontend.Variable, maxDepth),
		ChildSiblings: make([][]frontend.Variable, maxDepth),
	}
	for j := range p.ChildSiblings {
		p.ChildSiblings[j] = make([]frontend.Variable, commitment.ChildrenDepth)
	}
	return p
}

// MaxDepth returns the number of hops the path supports.
func (p *Path) MaxDepth() int { return len(p.Active) }

// Verify constrains the path and returns the hash of its root record and the vid of its source
// (the deepest active record). When enabled is 1 it asserts that the root record's vid is 0 and
// that item sits in the source's outbox (kind 0) or receipt tree (kind 1); kind must be
// boolean-constrained by the caller (or a constant). With enabled = 0 an all-zero path with
// AccSize = 1 satisfies every constraint, so unused sections can be padded.
func (p *Path) Verify(api frontend.API, item, kind, enabled frontend.Variable) (root, srcVid frontend.Variable) {
	maxDepth := len(p.Active)
	rootRec := p.Records[0]
	api.AssertIsEqual(api.Mul(enabled, rootRec.Vid), 0)

	// Hops: Records[j] is child ChildIndex[j-1] of Records[j-1], in its finalized children.
	var prev frontend.Variable = 1
	var vid frontend.Variable = 0 // sum_k idx_k * 256^k, without the depth byte
	for j := 1; j <= maxDepth; j++ {
		// s is boolean without a separate constraint: (1-s)*idx == 0 and
		// s*IsZero(idx) == 0 force s = 1 if idx != 0 and s = 0 if idx == 0.
		s := p.Active[j-1]
		idx := p.ChildIndex[j-1]
		api.AssertIsEqual(api.Mul(s, api.IsZero(idx)), 0)  // active: idx != 0
		api.AssertIsEqual(api.Mul(api.Sub(1, s), idx), 0)  // inactive: idx == 0
		api.AssertIsEqual(api.Mul(s, api.Sub(1, prev)), 0) // s_j <= s_{j-1}

		rec := p.Records[j]
		value := commitment.ChildLeafGadget(api, idx, rec.HashGadget(api))
		r := smt.MembershipGadget(api, value, idx, p.ChildSiblings[j-1]) // idx < 256
		api.AssertIsEqual(api.Mul(s, api.Sub(r, p.Records[j-1].FinalizedChildrenRoot)), 0)

		vid = api.Add(vid, api.Mul(idx, new(big.Int).Lsh(big.NewInt(1), uint(8*j))))
		api.AssertIsEqual(api.Mul(s, api.Sub(rec.Vid, api.Add(vid, j))), 0)
		prev = s
	}

	// One-hot e_j = s_j - s_{j+1} (s_0 = 1, s_{maxDepth+1} = 0) selects the
	// source validium: its vid and its outbox or receipt root.
	var accRoot frontend.Variable = 0
	srcVid = 0
	for j := 0; j <= maxDepth; j++ {
		var sj, sn frontend.Variable = 1, 0
		if j > 0 {
			sj = p.Active[j-1]
		}
		if j < maxDepth {
			sn = p.Active[j]
		}
		e := api.Sub(sj, sn)
		rec := p.Records[j]
		srcVid = api.Add(srcVid, api.Mul(e, rec.Vid))
		accRoot = api.Add(accRoot, api.Mul(e, api.Select(kind, rec.ReceiptRoot, rec.OutboxRoot)))
	}

	// The item is in the source validium's accumulator.
	got := smt.AccumulatorMembershipGadget(api, item, p.AccIndex, p.AccSize, p.AccSiblings)
	api.AssertIsEqual(api.Mul(enabled, api.Sub(got, accRoot)), 0)
	return rootRec.HashGadget(api), srcVid
}
