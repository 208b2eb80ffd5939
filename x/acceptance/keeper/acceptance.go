package keeper

import (
	"context"
	"errors"
	"fmt"

	"cosmossdk.io/collections"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/slush-tree/slush/x/acceptance/types"
)

// RootSelfIndex is the child index used in events about the root's own hashes.
const RootSelfIndex = 0

// OnChildRegistered creates the empty record of a newly registered child with subtree size 1,
// so that b counts it before its first update (b_v = |S(v)|, DESIGN §6). x/validium calls it.
func (k Keeper) OnChildRegistered(ctx context.Context, childIndex uint32) error {
	if childIndex == 0 || childIndex > types.MaxChildIndex {
		return fmt.Errorf("%w: %d", types.ErrInvalidChildIndex, childIndex)
	}
	has, err := k.Children.Has(ctx, childIndex)
	if err != nil {
		return err
	}
	if has {
		return fmt.Errorf("%w: child %d already has a record", types.ErrInvalidRecord, childIndex)
	}
	return k.Children.Set(ctx, childIndex, types.AcceptanceRecord{Subtree: 1})
}

// OnChildUpdate records an accepted update of child childIndex at root height `height`:
// its new commitment, the subtree histogram it reported (bound into that commitment) and its
// subtree size. x/validium calls it after verifying the child's proof. It recomputes the
// child's pairs, finalizes the newest hash with 2a > b, prunes older hashes and compacts the
// histogram (DESIGN §6). On error nothing is stored.
func (k Keeper) OnChildUpdate(
	ctx context.Context, childIndex uint32, height uint64, commitment []byte,
	reported types.Histogram, subtree uint64,
) error {
	if childIndex == 0 || childIndex > types.MaxChildIndex {
		return fmt.Errorf("%w: %d", types.ErrInvalidChildIndex, childIndex)
	}
	record, err := k.Children.Get(ctx, childIndex)
	if err != nil && !errors.Is(err, collections.ErrNotFound) {
		return err
	}
	updated, err := k.applyUpdate(ctx, childIndex, record, height, commitment, reported, subtree)
	if err != nil {
		return err
	}
	return k.Children.Set(ctx, childIndex, updated)
}

// RecordOwnUpdate builds this chain's subtree report for its own update at root height
// `height` — {(height, 1)} ⊎ every child's stored histogram, b = 1 + Σ b_c — and stores it.
// At the root it also applies the report to the root's own record, which is the tree's
// finality (DESIGN §6: "the root's finalized hash is the tree's finality").
func (k Keeper) RecordOwnUpdate(ctx context.Context, height uint64, commitment []byte) (types.SubtreeReport, error) {
	if last, err := k.LastReport.Get(ctx); err == nil && height <= last.Height {
		return types.SubtreeReport{}, fmt.Errorf("%w: %d <= %d", types.ErrStaleUpdate, height, last.Height)
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
		updated, err := k.applyUpdate(ctx, RootSelfIndex, record, height, commitment,
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
// `height`: the children's stored histograms (ascending child index) merged with (height, 1).
// It reads only; RecordOwnUpdate stores it.
func (k Keeper) SubtreeReport(ctx context.Context, height uint64) (types.SubtreeReport, error) {
	var histograms []types.Histogram
	var sizes []uint64
	err := k.Children.Walk(ctx, nil, func(index uint32, r types.AcceptanceRecord) (bool, error) {
		h := types.HistogramFromProto(r.Reported)
		if n := len(h); n > 0 && h[n-1].Height > height {
			return true, fmt.Errorf("%w: child %d reported height %d after own update %d",
				types.ErrStaleUpdate, index, h[n-1].Height, height)
		}
		histograms = append(histograms, h)
		sizes = append(sizes, r.Subtree)
		return false, nil
	})
	if err != nil {
		return types.SubtreeReport{}, err
	}
	subtree, err := types.SubtreeSize(sizes)
	if err != nil {
		return types.SubtreeReport{}, err
	}
	hist := types.SubtreeHistogram(height, histograms)
	return types.SubtreeReport{Height: height, Histogram: types.HistogramToProto(hist), Subtree: subtree}, nil
}

// applyUpdate runs the acceptance rules on one record, enforces the params bounds and emits events.
func (k Keeper) applyUpdate(
	ctx context.Context, index uint32, record types.AcceptanceRecord, height uint64, commitment []byte,
	reported types.Histogram, subtree uint64,
) (types.AcceptanceRecord, error) {
	params, err := k.Params.Get(ctx)
	if err != nil {
		return types.AcceptanceRecord{}, err
	}
	c, err := types.CommitmentFromBytes(commitment)
	if err != nil {
		return types.AcceptanceRecord{}, err
	}
	if len(reported) > int(params.MaxHistogramBuckets) {
		return types.AcceptanceRecord{}, fmt.Errorf("%w: %d > %d",
			types.ErrHistogramTooManyBuckets, len(reported), params.MaxHistogramBuckets)
	}
	tracker, err := record.ToTracker()
	if err != nil {
		return types.AcceptanceRecord{}, err
	}
	res, err := tracker.ApplyUpdate(height, c, reported, subtree)
	if err != nil {
		return types.AcceptanceRecord{}, err
	}
	// storage stays bounded: a subtree that stops accepting cannot make its parent store more
	if len(tracker.Hashes) > int(params.MaxPendingHashes) {
		return types.AcceptanceRecord{}, fmt.Errorf("%w: %d > %d",
			types.ErrTooManyPendingHashes, len(tracker.Hashes), params.MaxPendingHashes)
	}
	return types.RecordFromTracker(tracker), k.emitUpdateEvents(ctx, index, tracker, res)
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
