package keeper

import (
	"context"
	"errors"

	errorsmod "cosmossdk.io/errors"

	"cosmossdk.io/collections"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/x/acceptance/types"
)

// RootSelfIndex is the child index used in events about the root's own hashes.
const RootSelfIndex = 0

// checkChildIndex refuses a child index outside 1..255 (8 bits per tree level, DESIGN §3).
func checkChildIndex(index uint32) error {
	if index == 0 || index > types.MaxChildIndex {
		return errorsmod.Wrapf(types.ErrInvalidChildIndex, "%d", index)
	}
	return nil
}

// OnChildRegistered creates the empty record of a newly registered child with subtree size 1,
// so that b counts it before its first update (b_v = |S(v)|, DESIGN §6). x/validium calls it.
func (k Keeper) OnChildRegistered(ctx context.Context, childIndex uint32) error {
	if err := checkChildIndex(childIndex); err != nil {
		return err
	}
	has, err := k.Children.Has(ctx, childIndex)
	if err != nil {
		return err
	}
	if has {
		return errorsmod.Wrapf(types.ErrInvalidRecord, "child %d already has a record", childIndex)
	}
	return k.Children.Set(ctx, childIndex, types.AcceptanceRecord{Subtree: 1})
}

// OnChildUpdate records an accepted update of child childIndex at root height `height`:
// its new commitment, the subtree histogram it reported (bound into that commitment) and its
// subtree size. x/validium calls it after verifying the child's proof. It bounds the report
// by the tree shape, recomputes the child's pairs, finalizes the newest hash with 2a > b,
// prunes older hashes, compacts the histogram and moves the child's finalized-children leaf
// (DESIGN §6). On error nothing is stored.
func (k Keeper) OnChildUpdate(
	ctx context.Context, childIndex uint32, height uint64, commitment []byte,
	reported types.Histogram, subtree uint64,
) error {
	if err := checkChildIndex(childIndex); err != nil {
		return err
	}
	// a commitment may become a finalized-children leaf: a canonical field element (DESIGN §3)
	if _, err := hash.DecodeElement(commitment); err != nil {
		return errorsmod.Wrapf(types.ErrInvalidCommitment, "%v", err)
	}
	if err := k.checkSubtreeBound(ctx, subtree); err != nil {
		return err
	}
	record, err := k.Children.Get(ctx, childIndex)
	if err != nil && !errors.Is(err, collections.ErrNotFound) {
		return err
	}
	if record.Departed {
		return errorsmod.Wrapf(types.ErrChildDeparted, "child %d", childIndex)
	}
	updated, res, err := k.applyUpdate(ctx, childIndex, record, height, commitment, reported, subtree)
	if err != nil {
		return err
	}
	if err := k.Children.Set(ctx, childIndex, updated); err != nil {
		return err
	}
	if !res.NewlyFinalized {
		return nil
	}
	return k.setFinalizedLeaf(ctx, childIndex, res.Finalized.Commitment)
}

// checkSubtreeBound refuses a subtree larger than any child of this chain can have (DESIGN §3,
// §6): a child's b is summed into this chain's own b, so an unbounded one could overflow it
// and stop this chain's own report, hence its commitment.
func (k Keeper) checkSubtreeBound(ctx context.Context, subtree uint64) error {
	shape, err := k.treeShape(ctx)
	if err != nil {
		return err
	}
	if bound := shape.MaxChildSubtree(); subtree > bound {
		return errorsmod.Wrapf(types.ErrSubtreeTooLarge, "%d > %d for a child at depth %d", subtree, bound, shape.Depth+1)
	}
	return nil
}

// MaxReportBuckets is the most buckets a report may have on this chain, min(max_histogram_buckets,
// max_depth + 2) (DESIGN §6): OnChildUpdate refuses more, this chain caps its own report to it,
// and x/validium uses it to refuse an oversized report before hashing it.
func (k Keeper) MaxReportBuckets(ctx context.Context) (int, error) {
	params, err := k.Params.Get(ctx)
	if err != nil {
		return 0, err
	}
	shape, err := k.treeShape(ctx)
	if err != nil {
		return 0, err
	}
	return shape.MaxReportBuckets(params.MaxHistogramBuckets), nil
}

// RecordOwnUpdate builds this chain's subtree report for its own update at root height
// `height` — {(height, 1)} ⊎ every child's stored histogram, b = 1 + Σ b_c — and stores it.
// At the root it also applies the report to the root's own record, which is the tree's
// finality (DESIGN §6: "the root's finalized hash is the tree's finality").
func (k Keeper) RecordOwnUpdate(ctx context.Context, height uint64, commitment []byte) (types.SubtreeReport, error) {
	if last, err := k.LastReport.Get(ctx); err == nil && height <= last.Height {
		return types.SubtreeReport{}, errorsmod.Wrapf(types.ErrStaleUpdate, "%d <= %d", height, last.Height)
	} else if err != nil && !errors.Is(err, collections.ErrNotFound) {
		return types.SubtreeReport{}, err
	}
	report, err := k.SubtreeReport(ctx, height)
	if err != nil {
		return types.SubtreeReport{}, err
	}
	isRoot, err := k.tree.IsRoot(ctx)
	if err != nil {
		return types.SubtreeReport{}, err
	}
	if isRoot {
		record, err := k.RootRecord.Get(ctx)
		if err != nil && !errors.Is(err, collections.ErrNotFound) {
			return types.SubtreeReport{}, err
		}
		updated, _, err := k.applyUpdate(ctx, RootSelfIndex, record, height, commitment,
			types.HistogramFromProto(report.Histogram), report.Subtree)
		if err != nil {
			return types.SubtreeReport{}, err
		}
		if err := k.RootRecord.Set(ctx, updated); err != nil {
			return types.SubtreeReport{}, err
		}
	}
	return report, k.LastReport.Set(ctx, report)
}

// SubtreeReport is the report this chain would make with an own update at root height
// `height`: the children's stored histograms (ascending child index) merged with (height, 1),
// capped to MaxReportBuckets (Histogram.CapBuckets), so an honest chain's report is never
// refused by its parent (DESIGN §6). It reads only; RecordOwnUpdate stores it.
func (k Keeper) SubtreeReport(ctx context.Context, height uint64) (types.SubtreeReport, error) {
	histograms, sizes, err := k.childReports(ctx, height)
	if err != nil {
		return types.SubtreeReport{}, err
	}
	subtree, err := types.SubtreeSize(sizes)
	if err != nil {
		return types.SubtreeReport{}, err
	}
	maxBuckets, err := k.MaxReportBuckets(ctx)
	if err != nil {
		return types.SubtreeReport{}, err
	}
	hist, err := types.SubtreeHistogram(height, histograms).CapBuckets(maxBuckets)
	if err != nil {
		return types.SubtreeReport{}, err
	}
	return types.SubtreeReport{Height: height, Histogram: types.HistogramToProto(hist), Subtree: subtree}, nil
}

// childReports returns every child's stored histogram and subtree size, ascending by child
// index — GenesisHistogram for a child that has not updated, so a report's total is its subtree
// size —; a child histogram newer than `height` is refused (an own update cannot predate it).
func (k Keeper) childReports(ctx context.Context, height uint64) ([]types.Histogram, []uint64, error) {
	var histograms []types.Histogram
	var sizes []uint64
	err := k.Children.Walk(ctx, nil, func(index uint32, r types.AcceptanceRecord) (bool, error) {
		if r.Departed { // its subtree is another parent's now (issue 20)
			return false, nil
		}
		h := types.HistogramFromProto(r.Reported)
		if len(h) == 0 { // registered, not updated yet: counted, at no root height (issue 16)
			h = types.GenesisHistogram()
		}
		if n := len(h); h[n-1].Height > height {
			return true, errorsmod.Wrapf(types.ErrStaleUpdate, "child %d reported height %d after own update %d", index, h[n-1].Height, height)
		}
		histograms = append(histograms, h)
		sizes = append(sizes, r.Subtree)
		return false, nil
	})
	return histograms, sizes, err
}

// applyUpdate runs the acceptance rules on one record, enforces the bucket and pending-hash
// bounds and emits events.
func (k Keeper) applyUpdate(
	ctx context.Context, index uint32, record types.AcceptanceRecord, height uint64, commitment []byte,
	reported types.Histogram, subtree uint64,
) (types.AcceptanceRecord, types.UpdateResult, error) {
	c, err := types.CommitmentFromBytes(commitment)
	if err != nil {
		return types.AcceptanceRecord{}, types.UpdateResult{}, err
	}
	// a report's size is bounded by the tree's depth (DESIGN §6: storage O(depth))
	maxBuckets, err := k.MaxReportBuckets(ctx)
	if err != nil {
		return types.AcceptanceRecord{}, types.UpdateResult{}, err
	}
	if len(reported) > maxBuckets {
		return types.AcceptanceRecord{}, types.UpdateResult{}, errorsmod.Wrapf(types.ErrReportTooManyBuckets, "%d > %d", len(reported), maxBuckets)
	}
	tracker, err := record.ToTracker()
	if err != nil {
		return types.AcceptanceRecord{}, types.UpdateResult{}, err
	}
	res, err := tracker.ApplyUpdate(height, c, reported, subtree)
	if err != nil {
		return types.AcceptanceRecord{}, types.UpdateResult{}, err
	}
	if err := k.checkPending(ctx, tracker); err != nil {
		return types.AcceptanceRecord{}, types.UpdateResult{}, err
	}
	return types.RecordFromTracker(tracker), res, k.emitUpdateEvents(ctx, index, tracker, res)
}

// checkPending keeps storage bounded: a subtree that stops accepting cannot make its parent
// store more than max_pending_hashes hashes for it (DESIGN §6).
func (k Keeper) checkPending(ctx context.Context, t types.ChildAcceptance) error {
	params, err := k.Params.Get(ctx)
	if err != nil {
		return err
	}
	if len(t.Hashes) > int(params.MaxPendingHashes) {
		return errorsmod.Wrapf(types.ErrTooManyPendingHashes, "%d > %d", len(t.Hashes), params.MaxPendingHashes)
	}
	return nil
}

// emitUpdateEvents emits EventHashFinalized and EventHashesPruned for one applied update.
func (k Keeper) emitUpdateEvents(ctx context.Context, index uint32, t types.ChildAcceptance, res types.UpdateResult) error {
	if !res.NewlyFinalized {
		return nil
	}
	em := sdk.UnwrapSDKContext(ctx).EventManager()
	pair := t.Pairs()[0]
	if err := em.EmitTypedEvent(&types.EventHashFinalized{
		ChildIndex: index,
		Height:     res.Finalized.Height,
		Commitment: append([]byte(nil), res.Finalized.Commitment[:]...),
		Accepted:   pair.Accepted,
		Subtree:    pair.Subtree,
	}); err != nil {
		return err
	}
	if res.Pruned == 0 {
		return nil
	}
	return em.EmitTypedEvent(&types.EventHashesPruned{
		ChildIndex: index, Count: uint32(res.Pruned), FinalizedHeight: res.Finalized.Height,
	})
}

// FinalizedCommitment returns a child's finalized commitment, if any (x/validium's exits use it).
func (k Keeper) FinalizedCommitment(ctx context.Context, childIndex uint32) ([]byte, bool, error) {
	tracker, err := k.childTracker(ctx, childIndex)
	if err != nil {
		return nil, false, err
	}
	h, ok := tracker.FinalizedHash()
	if !ok {
		return nil, false, nil
	}
	return append([]byte(nil), h.Commitment[:]...), true, nil
}
