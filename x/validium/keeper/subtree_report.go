package keeper

import (
	"context"
	"slices"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"

	acceptancetypes "github.com/slush-tree/slush/x/acceptance/types"
	"github.com/slush-tree/slush/x/validium/types"
)

// checkProvenReport bounds, in RECURSIVE mode, what a child reports about its subtree by what
// its steps proved (DESIGN §6 measured on proven states, issue 16). Each grandchild with a proven
// commitment is a leaf whose report is {(its anchor, 1)} (the leaf step proves it), so for every
// root height t the child may claim at most its own update (if after t) plus one per grandchild
// whose latest proven commitment is anchored after t: a(t) can be under-counted (merged buckets,
// grandchildren whose newer states this chain has not seen proven), never inflated. And its
// subtree size may not hide a grandchild this chain holds a proof of. An inflated report would
// finalize states early and carry election weight nobody has (x/election weighs a voter by its
// report's total).
func (k Keeper) checkProvenReport(ctx context.Context, index uint32, ownAnchor uint64, h acceptancetypes.Histogram, subtree uint64, proven []provenLeaf) error {
	anchors, err := k.latestProvenAnchors(ctx, index, proven)
	if err != nil {
		return err
	}
	if want := uint64(1 + len(anchors)); subtree < want {
		return errorsmod.Wrapf(types.ErrUnprovenReport, "child %d reports subtree size %d, it has %d proven descendants and itself", index, subtree, len(anchors))
	}
	for _, b := range h {
		claimed := acceptedFrom(h, b.Height)
		var bound uint64
		if ownAnchor >= b.Height {
			bound = 1
		}
		first, _ := slices.BinarySearch(anchors, b.Height) // anchors is sorted: those ≥ b.Height
		bound += uint64(len(anchors) - first)
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

// latestProvenAnchors is, sorted, the anchor of the latest proven commitment of each grandchild
// of child index, after this update's steps (the latest is never pruned: pruning drops only
// commitments anchored below a finalized one).
func (k Keeper) latestProvenAnchors(ctx context.Context, index uint32, proven []provenLeaf) ([]uint64, error) {
	var latest [256]uint64
	var has [256]bool
	rng := collections.NewPrefixedTripleRange[uint32, uint32, []byte](index)
	err := k.ProvenLeaves.Walk(ctx, rng, func(key collections.Triple[uint32, uint32, []byte], anchor uint64) (bool, error) {
		i := uint8(key.K2())
		latest[i], has[i] = max(latest[i], anchor), true
		return false, nil
	})
	if err != nil {
		return nil, err
	}
	for _, p := range proven {
		i := uint8(p.index)
		latest[i], has[i] = max(latest[i], p.anchor), true
	}
	var anchors []uint64
	for i := range latest {
		if has[i] {
			anchors = append(anchors, latest[i])
		}
	}
	slices.Sort(anchors)
	return anchors, nil
}
