package keeper

import (
	"context"

	"github.com/slush-tree/slush/x/ledger/types"
)

// InitGenesis stores the validated genesis state: the ledger's shape, its exported state and
// log, and funds a fresh ledger with the genesis deposits (an exported ledger holds them already).
func (k Keeper) InitGenesis(ctx context.Context, gs *types.GenesisState) error {
	if err := gs.Validate(); err != nil {
		return err
	}
	if err := k.Params.Set(ctx, gs.Params); err != nil {
		return err
	}
	for _, e := range gs.Store {
		if err := k.State.Set(ctx, e.Key, e.Value); err != nil {
			return err
		}
	}
	next := uint64(0)
	for _, op := range gs.Log {
		if err := k.Log.Set(ctx, op.Sequence, op); err != nil {
			return err
		}
		next = op.Sequence + 1
	}
	if err := k.LogLength.Set(ctx, next); err != nil {
		return err
	}
	return k.fundGenesis(ctx, gs.Deposits, len(gs.Store) == 0)
}

// ExportGenesis reads the whole module state back into a genesis state.
func (k Keeper) ExportGenesis(ctx context.Context) (*types.GenesisState, error) {
	params, err := k.Params.Get(ctx)
	if err != nil {
		return nil, err
	}
	gs := &types.GenesisState{Params: params}
	err = k.State.Walk(ctx, nil, func(key, value []byte) (bool, error) {
		gs.Store = append(gs.Store, types.StoreEntry{Key: key, Value: value})
		return false, nil
	})
	if err != nil {
		return nil, err
	}
	err = k.Log.Walk(ctx, nil, func(_ uint64, op types.LoggedOp) (bool, error) {
		gs.Log = append(gs.Log, op)
		return false, nil
	})
	if err != nil {
		return nil, err
	}
	err = k.GenesisDeposits.Walk(ctx, nil, func(_ uint64, d types.GenesisDeposit) (bool, error) {
		gs.Deposits = append(gs.Deposits, d)
		return false, nil
	})
	return gs, err
}
