package keeper

import (
	"context"
	"errors"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"

	slushtypes "github.com/slush-tree/slush/types"
	"github.com/slush-tree/slush/x/election/types"
)

// RootElection returns one root election replica with its candidates' tallies (NotFound if none).
func (q queryServer) RootElection(ctx context.Context, req *types.QueryRootElectionRequest) (*types.QueryRootElectionResponse, error) {
	election, err := q.k.RootElections.Get(ctx, req.GetElectionId())
	if errors.Is(err, collections.ErrNotFound) {
		return nil, slushtypes.NotFound(errorsmod.Wrapf(types.ErrNoRootElection, "no root election %d on this chain", req.GetElectionId()))
	}
	if err != nil {
		return nil, err
	}
	res := &types.QueryRootElectionResponse{Election: election}
	err = q.k.RootTallies.Walk(ctx, collections.NewPrefixedPairRange[uint64, []byte](election.Id),
		func(_ collections.Pair[uint64, []byte], t types.RootTally) (bool, error) {
			res.Tallies = append(res.Tallies, t)
			return false, nil
		})
	return res, err
}

// OpenRootElection returns the open root election replica (NotFound when none is open).
func (q queryServer) OpenRootElection(ctx context.Context, _ *types.QueryOpenRootElectionRequest) (*types.QueryOpenRootElectionResponse, error) {
	id, err := q.k.OpenRootElection.Get(ctx)
	if errors.Is(err, collections.ErrNotFound) {
		return nil, slushtypes.NotFoundf("no root election is open on this chain")
	}
	if err != nil {
		return nil, err
	}
	election, err := q.k.RootElections.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	return &types.QueryOpenRootElectionResponse{Election: election}, nil
}

// RootElectionResult returns the result of the root re-election of a root epoch (NotFound if none).
func (q queryServer) RootElectionResult(ctx context.Context, req *types.QueryRootElectionResultRequest) (*types.QueryRootElectionResultResponse, error) {
	result, err := q.k.RootResults.Get(ctx, req.GetEpoch())
	if errors.Is(err, collections.ErrNotFound) {
		return nil, slushtypes.NotFound(errorsmod.Wrapf(types.ErrNoRootResult, "root epoch %d was not re-elected on this chain", req.GetEpoch()))
	}
	if err != nil {
		return nil, err
	}
	return &types.QueryRootElectionResultResponse{Result: result}, nil
}
