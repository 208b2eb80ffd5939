package keeper

import (
	"context"

	"github.com/slush-tree/slush/x/validium/types"
)

// InitGenesis stores the validated genesis state.
func (k Keeper) InitGenesis(ctx context.Context, gs *types.GenesisState) error {
	if err := gs.Validate(); err != nil {
		return err
	}
	if err := k.Params.Set(ctx, gs.Params); err != nil {
		return err
	}
	return k.Identity.Set(ctx, gs.Identity)
}

// ExportGenesis reads the whole module state back into a genesis state.
func (k Keeper) ExportGenesis(ctx context.Context) (*types.GenesisState, error) {
	params, err := k.Params.Get(ctx)
	if err != nil {
		return nil, err
	}
	id, err := k.Identity.Get(ctx)
	if err != nil {
		return nil, err
	}
	return &types.GenesisState{Params: params, Identity: id}, nil
}
