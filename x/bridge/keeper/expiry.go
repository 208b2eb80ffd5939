package keeper

import (
	"context"
	"encoding/hex"
	"errors"

	"cosmossdk.io/collections"

	sdk "github.com/cosmos/cosmos-sdk/types"

	slushtypes "github.com/slush-tree/slush/types"
	"github.com/slush-tree/slush/x/bridge/types"
)

// EndBlocker moves expired own messages onto the fallback route; a failure is logged and
// leaves no write (the next block retries): EndBlock never halts the chain for it.
func (k Keeper) EndBlocker(ctx context.Context) error {
	sdkCtx := sdk.UnwrapSDKContext(ctx)
	cacheCtx, write := sdkCtx.CacheContext()
	if err := k.expireOutgoing(cacheCtx); err != nil {
		k.logger.Error("expired messages not routed", "height", sdkCtx.BlockHeight(), "err", err)
		return nil
	}
	write()
	return nil
}

// expireOutgoing moves this chain's SENT messages whose deadline has passed to ROUTED_UP and
// unfreezes their senders (DESIGN §7.5: the message now travels by the fallback route, which
// x/validium carries up with an inclusion proof). Bounded: at most MaxExpiredPerBlock per block.
func (k Keeper) expireOutgoing(ctx context.Context) error {
	now, err := k.tree.RootHeight(ctx)
	if err != nil {
		return err
	}
	rng := new(collections.Range[collections.Pair[uint64, []byte]]).
		EndExclusive(collections.Join(now, []byte{}))
	var expired []collections.Pair[uint64, []byte]
	err = k.OutgoingDeadlines.Walk(ctx, rng, func(key collections.Pair[uint64, []byte]) (bool, error) {
		expired = append(expired, key)
		return len(expired) >= types.MaxExpiredPerBlock, nil
	})
	if err != nil {
		return err
	}
	for _, key := range expired {
		if err := k.routeUpOwn(ctx, key.K2()); err != nil {
			return err
		}
		if err := k.OutgoingDeadlines.Remove(ctx, key); err != nil {
			return err
		}
	}
	return nil
}

// routeUpOwn marks one of this chain's own messages ROUTED_UP and unfreezes its sender.
func (k Keeper) routeUpOwn(ctx context.Context, msgHash []byte) error {
	out, err := k.Outgoing.Get(ctx, msgHash)
	if errors.Is(err, collections.ErrNotFound) {
		return nil // a stale index entry: nothing to route
	}
	if err != nil {
		return err
	}
	if out.Status != slushtypes.MessageStatus_MESSAGE_STATUS_SENT {
		return nil
	}
	out.Status = slushtypes.MessageStatus_MESSAGE_STATUS_ROUTED_UP
	if err := k.Outgoing.Set(ctx, msgHash, out); err != nil {
		return err
	}
	if err := k.FrozenSender.Remove(ctx, out.AccountIndex); err != nil {
		return err
	}
	slushtypes.Log(ctx, types.ModuleName, "message expired unconfirmed: routed up", "msg", hex.EncodeToString(msgHash), "account", out.AccountIndex)
	return sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventMessageExpired{
		MessageHash: msgHash, AccountIndex: out.AccountIndex, MessageHashHex: hex.EncodeToString(msgHash),
	})
}
