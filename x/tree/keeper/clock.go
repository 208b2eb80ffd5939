package keeper

import (
	"context"
	"errors"

	"cosmossdk.io/collections"

	sdk "github.com/cosmos/cosmos-sdk/types"
)

// RootHeight is the tree's clock (DESIGN §3: "time is the root's block height"): the block
// height at the root, and elsewhere the latest root height this chain has verified (its anchor,
// advanced by the parent sync; 0 before the first sync).
func (k Keeper) RootHeight(ctx context.Context) (uint64, error) {
	isRoot, err := k.IsRoot(ctx)
	if err != nil {
		return 0, err
	}
	if isRoot {
		return uint64(sdk.UnwrapSDKContext(ctx).BlockHeight()), nil
	}
	h, err := k.AnchorHeight.Get(ctx)
	if errors.Is(err, collections.ErrNotFound) {
		return 0, nil
	}
	return h, err
}

// advanceClock records a newer verified root height; the root clock never goes back.
func (k Keeper) advanceClock(ctx context.Context, height uint64) error {
	current, err := k.RootHeight(ctx)
	if err != nil {
		return err
	}
	if height <= current {
		return nil
	}
	return k.AnchorHeight.Set(ctx, height)
}
