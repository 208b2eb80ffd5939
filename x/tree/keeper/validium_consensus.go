package keeper

import (
	"context"
	"errors"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/slush-tree/slush/x/tree/types"
)

// ValidiumConsensusState returns the root's validium consensus, if the `validium-consensus`
// upgrade put it under one (DESIGN §10): what decides the validator set the app returns.
func (k Keeper) ValidiumConsensusState(ctx context.Context) (types.ValidiumConsensus, bool, error) {
	vc, err := k.ValidiumConsensus.Get(ctx)
	if errors.Is(err, collections.ErrNotFound) {
		return types.ValidiumConsensus{}, false, nil
	}
	if err != nil {
		return types.ValidiumConsensus{}, false, err
	}
	return vc, true, nil
}

// EnterValidiumConsensus puts the root under validium consensus from this block on, with
// operatorKey (ed25519) as its one validator (DESIGN §10 "Replacing L1 PoS"). It refuses a
// non-root chain, a chain already under it and an invalid key, and then changes nothing.
func (k Keeper) EnterValidiumConsensus(ctx context.Context, operatorKey []byte) error {
	identity, err := k.Identity.Get(ctx)
	if err != nil {
		return err
	}
	// only the root replaces its PoS: every other chain is run by its elected operator (DESIGN §10)
	if !identity.IsRoot() {
		return errorsmod.Wrapf(types.ErrValidiumConsensus, "chain %v is not the root", identity.Path)
	}
	if _, under, err := k.ValidiumConsensusState(ctx); err != nil {
		return err
	} else if under {
		return errorsmod.Wrap(types.ErrValidiumConsensus, "the root already is under validium consensus")
	}
	if err := types.ValidateConsensusPubkey(operatorKey); err != nil {
		return err
	}
	sdkCtx := sdk.UnwrapSDKContext(ctx)
	vc := types.ValidiumConsensus{OperatorConsensusPubkey: operatorKey, SinceHeight: sdkCtx.BlockHeight()}
	if err := k.ValidiumConsensus.Set(ctx, vc); err != nil {
		return err
	}
	k.logger.Info("root under validium consensus", "since_height", vc.SinceHeight)
	return sdkCtx.EventManager().EmitTypedEvent(&types.EventValidiumConsensus{
		OperatorConsensusPubkey: vc.OperatorConsensusPubkey, SinceHeight: vc.SinceHeight,
	})
}
