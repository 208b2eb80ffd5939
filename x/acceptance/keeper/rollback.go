package keeper

import (
	"context"
	"errors"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"

	"github.com/slush-tree/slush/x/acceptance/types"
)

// ChildSubtree is b_v, a child's subtree size as its record holds it (0 without a record):
// x/election's majority threshold (DESIGN §9).
func (k Keeper) ChildSubtree(ctx context.Context, index uint32) (uint64, error) {
	record, err := k.Children.Get(ctx, index)
	if errors.Is(err, collections.ErrNotFound) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	return record.Subtree, nil
}

// RollbackToFinalized drops a child's hashes pushed after its finalized one when its parent
// rolls it back on a re-election (DESIGN §9), so a withheld state can never become final.
func (k Keeper) RollbackToFinalized(ctx context.Context, index uint32) error {
	record, err := k.Children.Get(ctx, index)
	if err != nil {
		return errorsmod.Wrapf(types.ErrInvalidChildIndex, "child %d: %v", index, err)
	}
	tracker, err := record.ToTracker()
	if err != nil {
		return err
	}
	rolled, err := tracker.RollbackToFinalized()
	if err != nil {
		return errorsmod.Wrapf(err, "child %d", index)
	}
	// finality is sticky (DESIGN §6): the finalized hash, hence the finalized-children leaf, stays
	before, _ := tracker.FinalizedHash()
	if after, _ := rolled.FinalizedHash(); after != before {
		return errorsmod.Wrapf(types.ErrInvalidRecord, "child %d: rollback moved the finalized hash", index)
	}
	return k.Children.Set(ctx, index, types.RecordFromTracker(rolled))
}
