package keeper

import (
	"context"
	"errors"

	"cosmossdk.io/collections"

	"github.com/slush-tree/slush/x/bridge/types"
)

// InitGenesis stores the validated genesis state: params, the ledger's shape and exported
// state, the log and commitments, and funds a fresh ledger with the genesis deposits (an
// exported ledger holds them already).
func (k Keeper) InitGenesis(ctx context.Context, gs *types.GenesisState) error {
	if err := gs.Validate(); err != nil {
		return err
	}
	if err := k.Params.Set(ctx, gs.Params); err != nil {
		return err
	}
	if err := k.LedgerParams.Set(ctx, gs.LedgerParams); err != nil {
		return err
	}
	for _, e := range gs.LedgerStore {
		if err := k.LedgerStore.Set(ctx, e.Key, e.Value); err != nil {
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
	for _, c := range gs.Commitments {
		if err := k.Commitments.Set(ctx, c.Height, c); err != nil {
			return err
		}
		if err := k.indexCommitment(ctx, c); err != nil {
			return err
		}
	}
	if err := k.Inclusion.Set(ctx, gs.InclusionParams); err != nil {
		return err
	}
	if err := k.ParentSync.Set(ctx, gs.ParentSync); err != nil {
		return err
	}
	if len(gs.ParentClient) > 0 {
		if err := k.ParentClient.Set(ctx, gs.ParentClient); err != nil {
			return err
		}
	}
	for _, n := range gs.Nullifiers {
		if err := k.Nullifiers.Set(ctx, n); err != nil {
			return err
		}
	}
	for _, out := range gs.Outgoing {
		if err := k.Outgoing.Set(ctx, out.MessageHash, out); err != nil {
			return err
		}
		if out.Status == types.MessageStatus_MESSAGE_STATUS_SENT { // its sender waits for the receipt
			if err := k.FrozenSender.Set(ctx, out.AccountIndex); err != nil {
				return err
			}
			if err := k.OutgoingDeadlines.Set(ctx, collections.Join(out.Message.Deadline, out.MessageHash)); err != nil {
				return err
			}
		}
	}
	for _, r := range gs.Routes {
		if err := k.Routes.Set(ctx, r.MessageHash, r); err != nil {
			return err
		}
	}
	for _, r := range gs.RootHistory {
		if err := k.RootHistory.Set(ctx, r.RootHeight, r.Commitment); err != nil {
			return err
		}
	}
	return k.fundGenesis(ctx, gs.Deposits, len(gs.LedgerStore) == 0)
}

// ExportGenesis reads the whole module state back into a genesis state.
func (k Keeper) ExportGenesis(ctx context.Context) (*types.GenesisState, error) {
	params, err := k.Params.Get(ctx)
	if err != nil {
		return nil, err
	}
	lp, err := k.LedgerParams.Get(ctx)
	if err != nil {
		return nil, err
	}
	ip, err := k.Inclusion.Get(ctx)
	if err != nil {
		return nil, err
	}
	gs := &types.GenesisState{Params: params, LedgerParams: lp, InclusionParams: ip}
	err = k.LedgerStore.Walk(ctx, nil, func(key, value []byte) (bool, error) {
		gs.LedgerStore = append(gs.LedgerStore, types.StoreEntry{Key: key, Value: value})
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
	err = k.Nullifiers.Walk(ctx, nil, func(n []byte) (bool, error) {
		gs.Nullifiers = append(gs.Nullifiers, n)
		return false, nil
	})
	if err != nil {
		return nil, err
	}
	err = k.GenesisDeposits.Walk(ctx, nil, func(_ uint64, d types.GenesisDeposit) (bool, error) {
		gs.Deposits = append(gs.Deposits, d)
		return false, nil
	})
	if err != nil {
		return nil, err
	}
	err = k.Outgoing.Walk(ctx, nil, func(_ []byte, out types.OutgoingMessage) (bool, error) {
		gs.Outgoing = append(gs.Outgoing, out)
		return false, nil
	})
	if err != nil {
		return nil, err
	}
	err = k.Routes.Walk(ctx, nil, func(_ []byte, r types.RouteRecord) (bool, error) {
		gs.Routes = append(gs.Routes, r)
		return false, nil
	})
	if err != nil {
		return nil, err
	}
	if gs.ParentSync, err = k.ParentSync.Get(ctx); err != nil {
		return nil, err
	}
	gs.ParentClient, err = k.ParentClient.Get(ctx)
	if errors.Is(err, collections.ErrNotFound) {
		return gs, nil
	}
	return gs, err
}

// indexCommitment rebuilds the by-hash index of an imported commitment, keeping the first height
// that produced the hash (as storeCommitment does), so a chain restarted from an export still
// finds its commitments by hash (the relayer and the witness builders look them up).
func (k Keeper) indexCommitment(ctx context.Context, c types.OwnCommitment) error {
	first, err := k.CommitmentHeights.Get(ctx, c.Commitment)
	switch {
	case errors.Is(err, collections.ErrNotFound):
	case err != nil:
		return err
	case first <= c.Height:
		return nil
	}
	return k.CommitmentHeights.Set(ctx, c.Commitment, c.Height)
}
