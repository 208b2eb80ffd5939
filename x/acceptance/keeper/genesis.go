package keeper

import (
	"context"
	"errors"

	errorsmod "cosmossdk.io/errors"

	"cosmossdk.io/collections"

	"github.com/slush-tree/slush/x/acceptance/types"
)

// InitGenesis stores the validated genesis state, checks the children's subtrees against the
// tree shape and rebuilds the finalized-children SMT (derived state, not exported).
func (k Keeper) InitGenesis(ctx context.Context, gs *types.GenesisState) error {
	if err := gs.Validate(); err != nil {
		return err
	}
	if err := k.checkGenesisSubtrees(ctx, gs.Children); err != nil {
		return err
	}
	if err := k.Params.Set(ctx, gs.Params); err != nil {
		return err
	}
	for _, c := range gs.Children {
		if err := k.Children.Set(ctx, c.ChildIndex, c.Record); err != nil {
			return err
		}
		if err := k.restoreFinalizedLeaf(ctx, c); err != nil {
			return err
		}
	}
	if gs.RootRecord != nil {
		if err := k.RootRecord.Set(ctx, *gs.RootRecord); err != nil {
			return err
		}
	}
	if gs.LastReport != nil {
		return k.LastReport.Set(ctx, *gs.LastReport)
	}
	return nil
}

// checkGenesisSubtrees refuses imported children larger than a child of this chain can be
// (DESIGN §3, §6). The shape comes from x/validium's identity, whose InitGenesis runs first in
// app.go; without an identity yet (a keeper used alone) only MaxSubtreeSize applies.
func (k Keeper) checkGenesisSubtrees(ctx context.Context, children []types.ChildRecord) error {
	shape, err := k.treeShape(ctx)
	if errors.Is(err, collections.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	bound := shape.MaxChildSubtree()
	for _, c := range children {
		if c.Record.Subtree > bound {
			return errorsmod.Wrapf(types.ErrSubtreeTooLarge, "child %d: %d > %d", c.ChildIndex, c.Record.Subtree, bound)
		}
	}
	return nil
}

// ExportGenesis reads the whole module state back into a genesis state.
func (k Keeper) ExportGenesis(ctx context.Context) (*types.GenesisState, error) {
	params, err := k.Params.Get(ctx)
	if err != nil {
		return nil, err
	}
	gs := &types.GenesisState{Params: params}
	err = k.Children.Walk(ctx, nil, func(index uint32, r types.AcceptanceRecord) (bool, error) {
		gs.Children = append(gs.Children, types.ChildRecord{ChildIndex: index, Record: r})
		return false, nil
	})
	if err != nil {
		return nil, err
	}
	if gs.RootRecord, err = optional(k.RootRecord.Get(ctx)); err != nil {
		return nil, err
	}
	if gs.LastReport, err = optional(k.LastReport.Get(ctx)); err != nil {
		return nil, err
	}
	return gs, nil
}

// optional turns an Item read into a pointer that is nil when the item is unset.
func optional[T any](v T, err error) (*T, error) {
	if errors.Is(err, collections.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &v, nil
}
