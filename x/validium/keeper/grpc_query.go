package keeper

import (
	"context"

	"github.com/slush-tree/slush/x/validium/types"
)

type queryServer struct {
	k *Keeper
}

var _ types.QueryServer = queryServer{}

// NewQueryServerImpl returns the x/validium Query service.
func NewQueryServerImpl(k *Keeper) types.QueryServer { return queryServer{k: k} }

// Params returns the module parameters.
func (q queryServer) Params(ctx context.Context, _ *types.QueryParamsRequest) (*types.QueryParamsResponse, error) {
	params, err := q.k.Params.Get(ctx)
	if err != nil {
		return nil, err
	}
	return &types.QueryParamsResponse{Params: params}, nil
}

// TreeIdentity returns where this chain sits in the tree.
func (q queryServer) TreeIdentity(ctx context.Context, _ *types.QueryTreeIdentityRequest) (*types.QueryTreeIdentityResponse, error) {
	id, err := q.k.Identity.Get(ctx)
	if err != nil {
		return nil, err
	}
	return &types.QueryTreeIdentityResponse{
		Identity:            id,
		ConventionalChainId: id.ConventionalChainID(),
		Depth:               id.Depth(),
	}, nil
}
