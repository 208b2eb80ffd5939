package keeper

import (
	"context"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"

	acceptancetypes "github.com/slush-tree/slush/x/acceptance/types"
	"github.com/slush-tree/slush/x/validium/types"
)

// checkProvenReport bounds, in RECURSIVE mode, what a child reports about its subtree by what
// its steps proved (DESIGN §6 measured on proven states, issue 16). Each grandchild the child's
// children root holds has a proven report — {(its anchor, 1)} for a leaf (the leaf step fixes
// it), the node step's for a grandchild with children (the circuit proves it from that
// grandchild's children's proven reports, all the way down) —, so for every root height t the
// child may claim at most its own update (if at or after t) plus, per grandchild, what that
// grandchild's proven report counts at or after t: a(t) can be under-counted (merged buckets),
// never inflated. And its subtree size is exactly its report's total, which may neither hide a
// node a proven report counts nor count one none does: with every registered grandchild in the
// children root (its genesis leaf, issue 16), b is proven. An inflated report would finalize
// states early and carry election weight nobody has (x/election weighs a voter by its report's
// total); an inflated b would make the child's own re-election unreachable.
func (k Keeper) checkProvenReport(ctx context.Context, index uint32, ownAnchor uint64, h acceptancetypes.Histogram, subtree uint64, proven []provenLeaf) error {
	reports, err := k.provenReports(ctx, index, proven)
	if err != nil {
		return err
	}
	var descendants uint64
	for _, r := range reports {
		descendants = saturatingAdd(descendants, r.Total())
	}
	if want := saturatingAdd(descendants, 1); subtree < want {
		return errorsmod.Wrapf(types.ErrUnprovenReport, "child %d reports subtree size %d, its proven descendants and itself are %d", index, subtree, want)
	}
	// b is the report's total (registered nodes that have not updated count at height 0), which
	// the bound below keeps within 1 + the proven totals: with the line above, b is proven exactly.
	if total := h.Total(); subtree != total {
		return errorsmod.Wrapf(types.ErrUnprovenReport, "child %d reports subtree size %d, its report counts %d nodes", index, subtree, total)
	}
	for _, b := range h {
		claimed := acceptedFrom(h, b.Height)
		var bound uint64
		if ownAnchor >= b.Height {
			bound = 1
		}
		for _, r := range reports {
			bound = saturatingAdd(bound, acceptedFrom(r, b.Height))
		}
		if claimed > bound {
			return errorsmod.Wrapf(types.ErrUnprovenReport, "child %d reports %d nodes updated at or after root height %d, %d are proven",
				index, claimed, b.Height, bound)
		}
	}
	return nil
}

// acceptedFrom is Σ counts of h's buckets at heights ≥ t (h need not be sorted yet: x/acceptance
// checks the order after this), saturating.
func acceptedFrom(h acceptancetypes.Histogram, t uint64) uint64 {
	var n uint64
	for _, b := range h {
		if b.Height >= t {
			n = saturatingAdd(n, b.Count)
		}
	}
	return n
}

// provenReports is, in grandchild index order, the proven report of each grandchild of child
// index after this update's steps: the stored report of the commitment the accepted children
// root holds (GrandchildReports), replaced by this update's last step of that grandchild. A
// grandchild proven before reports were stored (ProvenLeaves only: leaf steps) counts as a leaf
// at its latest proven anchor.
func (k Keeper) provenReports(ctx context.Context, index uint32, proven []provenLeaf) ([]acceptancetypes.Histogram, error) {
	var reports [256]acceptancetypes.Histogram
	err := k.ProvenLeaves.Walk(ctx, collections.NewPrefixedTripleRange[uint32, uint32, []byte](index),
		func(key collections.Triple[uint32, uint32, []byte], anchor uint64) (bool, error) {
			i := uint8(key.K2())
			if len(reports[i]) == 0 || reports[i][0].Height < anchor {
				reports[i] = acceptancetypes.Histogram{{Height: anchor, Count: 1}}
			}
			return false, nil
		})
	if err != nil {
		return nil, err
	}
	err = k.GrandchildReports.Walk(ctx, collections.NewPrefixedPairRange[uint32, uint32](index),
		func(key collections.Pair[uint32, uint32], r types.GrandchildReport) (bool, error) {
			reports[uint8(key.K2())] = acceptancetypes.HistogramFromProto(r.Report)
			return false, nil
		})
	if err != nil {
		return nil, err
	}
	for _, p := range proven {
		reports[uint8(p.index)] = p.report // nil after a removal (kind 7)
	}
	var out []acceptancetypes.Histogram
	for _, r := range reports {
		if len(r) > 0 {
			out = append(out, r)
		}
	}
	return out, nil
}
