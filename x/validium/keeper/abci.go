package keeper

import "context"

// EndBlocker freezes children whose forced operations expired (bounded work per block).
func (k Keeper) EndBlocker(ctx context.Context) error {
	return k.ExpireForcedOps(ctx)
}
