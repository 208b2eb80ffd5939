package keeper

import (
	"context"
	"errors"
	"fmt"

	"cosmossdk.io/collections"

	acceptancekeeper "github.com/slush-tree/slush/x/acceptance/keeper"
	acceptancetypes "github.com/slush-tree/slush/x/acceptance/types"
	"github.com/slush-tree/slush/x/election/types"
)

// AcceptanceAdapter gives x/election what it needs from x/acceptance (types.AcceptanceKeeper):
// the finalized commitment, b_v, and the rollback of a child's record to its finalized hash
// (types.RollbackAcceptance). x/acceptance has no rollback call yet, so the adapter applies the
// pure rule to the keeper's child record itself; it belongs in x/acceptance as a keeper method.
type AcceptanceAdapter struct {
	k *acceptancekeeper.Keeper
}

var _ types.AcceptanceKeeper = AcceptanceAdapter{}

// NewAcceptanceAdapter wraps the x/acceptance keeper.
func NewAcceptanceAdapter(k *acceptancekeeper.Keeper) AcceptanceAdapter {
	return AcceptanceAdapter{k: k}
}

// FinalizedCommitment returns the child's finalized commitment, if any.
func (a AcceptanceAdapter) FinalizedCommitment(ctx context.Context, childIndex uint32) ([]byte, bool, error) {
	return a.k.FinalizedCommitment(ctx, childIndex)
}

// ChildSubtree is b_v as the child's acceptance record holds it (0 without a record).
func (a AcceptanceAdapter) ChildSubtree(ctx context.Context, childIndex uint32) (uint64, error) {
	record, err := a.k.Children.Get(ctx, childIndex)
	if errors.Is(err, collections.ErrNotFound) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	return record.Subtree, nil
}

// RollbackToFinalized drops the child's hashes pushed after its finalized one (DESIGN §9).
func (a AcceptanceAdapter) RollbackToFinalized(ctx context.Context, childIndex uint32) error {
	record, err := a.k.Children.Get(ctx, childIndex)
	if err != nil {
		return fmt.Errorf("acceptance record of child %d: %w", childIndex, err)
	}
	tracker, err := record.ToTracker()
	if err != nil {
		return err
	}
	rolled, err := types.RollbackAcceptance(tracker)
	if err != nil {
		return err
	}
	return a.k.Children.Set(ctx, childIndex, acceptancetypes.RecordFromTracker(rolled))
}
