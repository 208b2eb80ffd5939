package keeper

import (
	"context"

	sdk "github.com/cosmos/cosmos-sdk/types"
)

// EndBlocker freezes children whose forced operations or forced withdrawals expired (bounded
// work per block, DESIGN §8, issue 20), then assembles and records this chain's commitment for the block (own_commitment.go): the
// app runs it after every other module's EndBlock, so the commitment sees the block's final
// state. Each step runs in a cache context; a failure is logged and leaves no write (the next
// block retries): EndBlock never halts the chain.
func (k Keeper) EndBlocker(ctx context.Context) error {
	sdkCtx := sdk.UnwrapSDKContext(ctx)
	k.tryStep(sdkCtx, "expired forced operations not processed", k.ExpireForcedOps)
	k.tryStep(sdkCtx, "expired forced withdrawals not processed", k.ExpireForcedWithdrawals)
	k.tryStep(sdkCtx, "own commitment not recorded", k.recordOwnCommitment)
	return nil
}

// tryStep runs step in a cache context and writes it only if it succeeds.
func (k Keeper) tryStep(ctx sdk.Context, failure string, step func(context.Context) error) {
	cacheCtx, write := ctx.CacheContext()
	if err := step(cacheCtx); err != nil {
		k.logger.Error(failure, "height", ctx.BlockHeight(), "err", err)
		return
	}
	write()
}
