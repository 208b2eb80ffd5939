package keeper

import (
	"context"
	"errors"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"

	slushtypes "github.com/slush-tree/slush/types"
	"github.com/slush-tree/slush/x/tree/types"
)

type queryServer struct {
	k *Keeper
}

var _ types.QueryServer = queryServer{}

// NewQueryServerImpl returns the x/tree Query service.
func NewQueryServerImpl(k *Keeper) types.QueryServer { return queryServer{k: k} }

// Params returns the module parameters.
func (q queryServer) Params(ctx context.Context, _ *types.QueryParamsRequest) (*types.QueryParamsResponse, error) {
	p, err := q.k.Params.Get(ctx)
	if err != nil {
		return nil, err
	}
	return &types.QueryParamsResponse{Params: p}, nil
}

// TreeIdentity returns where this chain sits in the tree and its root clock.
func (q queryServer) TreeIdentity(ctx context.Context, _ *types.QueryTreeIdentityRequest) (*types.QueryTreeIdentityResponse, error) {
	id, err := q.k.Identity.Get(ctx)
	if err != nil {
		return nil, err
	}
	rootHeight, err := q.k.RootHeight(ctx)
	if err != nil {
		return nil, err
	}
	return &types.QueryTreeIdentityResponse{
		Identity: id, ConventionalChainId: id.ConventionalChainID(), Depth: id.Depth(), RootHeight: rootHeight,
	}, nil
}

// Commitment returns this chain's commitment at a height (0: the latest).
func (q queryServer) Commitment(ctx context.Context, req *types.QueryCommitmentRequest) (*types.QueryCommitmentResponse, error) {
	if req.GetHeight() == 0 {
		iter, err := q.k.Commitments.Iterate(ctx, new(collections.Range[int64]).Descending())
		if err != nil {
			return nil, err
		}
		defer iter.Close()
		if !iter.Valid() {
			return nil, slushtypes.NotFound(errorsmod.Wrap(types.ErrNoCommitment, "this chain has made no commitment yet"))
		}
		c, err := iter.Value()
		return &types.QueryCommitmentResponse{Commitment: c}, err
	}
	c, err := q.k.Commitments.Get(ctx, req.GetHeight())
	if errors.Is(err, collections.ErrNotFound) {
		return nil, slushtypes.NotFound(errorsmod.Wrapf(types.ErrNoCommitment, "no own commitment at height %d (not made yet, or pruned)", req.GetHeight()))
	}
	return &types.QueryCommitmentResponse{Commitment: c}, err
}

// CommitmentByHash returns the commitment record with a given hash, while it is in history.
func (q queryServer) CommitmentByHash(ctx context.Context, req *types.QueryCommitmentByHashRequest) (*types.QueryCommitmentByHashResponse, error) {
	if err := slushtypes.CheckHashArg("commitment hash", req.GetCommitment()); err != nil {
		return nil, err
	}
	h, err := q.k.CommitmentHeights.Get(ctx, req.GetCommitment())
	if errors.Is(err, collections.ErrNotFound) {
		return nil, slushtypes.NotFound(errorsmod.Wrapf(types.ErrNoCommitment,
			"no own commitment with hash %x in history (not this chain's, or pruned)", req.GetCommitment()))
	}
	if err != nil {
		return nil, err
	}
	c, err := q.k.Commitments.Get(ctx, h)
	if err != nil {
		return nil, err
	}
	return &types.QueryCommitmentByHashResponse{Commitment: c}, nil
}

// RootCommitment returns the root commitment this chain knows at a root height (0: newest).
func (q queryServer) RootCommitment(ctx context.Context, req *types.QueryRootCommitmentRequest) (*types.QueryRootCommitmentResponse, error) {
	res := &types.QueryRootCommitmentResponse{RootHeight: req.GetRootHeight()}
	var err error
	if res.RootHeight == 0 {
		if res.RootHeight, err = q.k.RootHeight(ctx); err != nil {
			return nil, err
		}
	}
	res.Commitment, res.Known, err = q.k.RootCommitmentAt(ctx, res.RootHeight)
	return res, err
}

// ParentClient returns the parent light-client state this chain trusts and whether misbehaviour
// evidence froze it (a chain without a parent client: NotFound).
func (q queryServer) ParentClient(ctx context.Context, _ *types.QueryParentClientRequest) (*types.QueryParentClientResponse, error) {
	trusted, _, err := q.k.parentClient(ctx)
	if errors.Is(err, types.ErrNoParentClient) {
		return nil, slushtypes.NotFound(err)
	}
	if err != nil {
		return nil, err
	}
	params, err := q.k.ParentSync.Get(ctx)
	if err != nil {
		return nil, err
	}
	res := &types.QueryParentClientResponse{
		ChainId: trusted.ChainID, Height: trusted.Height, TimeUnix: trusted.Time.Unix(), AppHash: trusted.AppHash,
		Validators: uint32(trusted.Validators.Size()), Params: params,
	}
	freeze, frozen, err := q.k.ParentClientFreeze(ctx)
	if err != nil {
		return nil, err
	}
	if frozen {
		res.Frozen, res.Freeze = true, &freeze
	}
	return res, nil
}
