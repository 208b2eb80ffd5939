package keeper

import (
	"context"
	"errors"

	"cosmossdk.io/collections"

	"github.com/slush-tree/slush/internal/parentsync"
	"github.com/slush-tree/slush/x/tree/types"
)

// parentClient loads the trusted parent state and the light-client params.
func (k Keeper) parentClient(ctx context.Context) (parentsync.TrustedState, parentsync.Params, error) {
	bz, err := k.ParentClient.Get(ctx)
	if errors.Is(err, collections.ErrNotFound) {
		return parentsync.TrustedState{}, parentsync.Params{}, types.ErrNoParentClient
	}
	if err != nil {
		return parentsync.TrustedState{}, parentsync.Params{}, err
	}
	trusted, err := parentsync.UnmarshalTrustedState(bz)
	if err != nil {
		return parentsync.TrustedState{}, parentsync.Params{}, err
	}
	sp, err := k.ParentSync.Get(ctx)
	if err != nil {
		return parentsync.TrustedState{}, parentsync.Params{}, err
	}
	params, err := sp.LightClientParams()
	return trusted, params, err
}

// TrustedParentAppHash is the parent app hash the light client trusts: what a record of this
// chain's forced queue on the parent is proven under (MsgReceiveForced, DESIGN §8). A client
// frozen by misbehaviour evidence trusts nothing: ErrParentClientFrozen (DESIGN §10, issue 17).
func (k Keeper) TrustedParentAppHash(ctx context.Context) ([]byte, error) {
	trusted, _, err := k.parentClient(ctx)
	if err != nil {
		return nil, err
	}
	if err := k.requireNotFrozen(ctx); err != nil {
		return nil, err
	}
	return trusted.AppHash, nil
}

// trustedParentHeight is the parent height the current client trusts (0: there is none).
func (k Keeper) trustedParentHeight(ctx context.Context) (int64, error) {
	bz, err := k.ParentClient.Get(ctx)
	if errors.Is(err, collections.ErrNotFound) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	state, err := parentsync.UnmarshalTrustedState(bz)
	if err != nil {
		return 0, err
	}
	return state.Height, nil
}
