package keeper

import (
	"context"
	"errors"

	"cosmossdk.io/collections"

	"github.com/slush-tree/slush/x/tree/types"
)

// InitGenesis stores the validated genesis state: params, identity, root clock, own commitments
// (re-indexed by hash), root history, the parent light client and its freeze, and the root's validium consensus, if any.
func (k Keeper) InitGenesis(ctx context.Context, gs *types.GenesisState) error {
	if err := gs.Validate(); err != nil {
		return err
	}
	if err := k.Params.Set(ctx, gs.Params); err != nil {
		return err
	}
	if err := k.Identity.Set(ctx, gs.Identity); err != nil {
		return err
	}
	if gs.AnchorHeight > 0 {
		if err := k.AnchorHeight.Set(ctx, gs.AnchorHeight); err != nil {
			return err
		}
	}
	for _, c := range gs.Commitments {
		if err := k.Commitments.Set(ctx, c.Height, c); err != nil {
			return err
		}
		if err := k.indexCommitment(ctx, c); err != nil {
			return err
		}
	}
	for _, r := range gs.RootHistory {
		if err := k.RootHistory.Set(ctx, r.RootHeight, r.Commitment); err != nil {
			return err
		}
	}
	if err := k.ParentSync.Set(ctx, gs.ParentSync); err != nil {
		return err
	}
	if len(gs.ParentClient) > 0 {
		if err := k.ParentClient.Set(ctx, gs.ParentClient); err != nil {
			return err
		}
	}
	if gs.ParentClientFrozen != nil {
		if err := k.ParentClientFrozen.Set(ctx, *gs.ParentClientFrozen); err != nil {
			return err
		}
	}
	if gs.ValidiumConsensus != nil {
		return k.ValidiumConsensus.Set(ctx, *gs.ValidiumConsensus)
	}
	return nil
}

// ExportGenesis reads the whole module state back into a genesis state.
func (k Keeper) ExportGenesis(ctx context.Context) (*types.GenesisState, error) {
	gs := &types.GenesisState{}
	var err error
	if gs.Params, err = k.Params.Get(ctx); err != nil {
		return nil, err
	}
	if gs.Identity, err = k.Identity.Get(ctx); err != nil {
		return nil, err
	}
	if gs.AnchorHeight, err = optional(k.AnchorHeight.Get(ctx)); err != nil {
		return nil, err
	}
	err = k.Commitments.Walk(ctx, nil, func(_ int64, c types.OwnCommitment) (bool, error) {
		gs.Commitments = append(gs.Commitments, c)
		return false, nil
	})
	if err != nil {
		return nil, err
	}
	err = k.RootHistory.Walk(ctx, nil, func(h uint64, c []byte) (bool, error) {
		gs.RootHistory = append(gs.RootHistory, types.RootCommitment{RootHeight: h, Commitment: c})
		return false, nil
	})
	if err != nil {
		return nil, err
	}
	if gs.ParentSync, err = k.ParentSync.Get(ctx); err != nil {
		return nil, err
	}
	if gs.ParentClient, err = optional(k.ParentClient.Get(ctx)); err != nil {
		return nil, err
	}
	freeze, frozen, err := k.ParentClientFreeze(ctx)
	if err != nil {
		return nil, err
	}
	if frozen {
		gs.ParentClientFrozen = &freeze
	}
	vc, under, err := k.ValidiumConsensusState(ctx)
	if err != nil {
		return nil, err
	}
	if under {
		gs.ValidiumConsensus = &vc
	}
	return gs, nil
}

// optional turns a missing item into its zero value.
func optional[T any](v T, err error) (T, error) {
	if errors.Is(err, collections.ErrNotFound) {
		var zero T
		return zero, nil
	}
	return v, err
}
