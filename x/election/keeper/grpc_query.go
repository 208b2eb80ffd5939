package keeper

import (
	"context"
	"errors"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"

	"github.com/cosmos/cosmos-sdk/types/query"

	slushtypes "github.com/slush-tree/slush/types"
	"github.com/slush-tree/slush/x/election/types"
)

type queryServer struct {
	k *Keeper
}

var _ types.QueryServer = queryServer{}

// NewQueryServerImpl returns the x/election Query service.
func NewQueryServerImpl(k *Keeper) types.QueryServer { return queryServer{k: k} }

// Params returns the module parameters.
func (q queryServer) Params(ctx context.Context, _ *types.QueryParamsRequest) (*types.QueryParamsResponse, error) {
	params, err := q.k.Params.Get(ctx)
	if err != nil {
		return nil, err
	}
	return &types.QueryParamsResponse{Params: params}, nil
}

// Round returns one round with its candidates' tallies.
func (q queryServer) Round(ctx context.Context, req *types.QueryRoundRequest) (*types.QueryRoundResponse, error) {
	round, err := q.k.Rounds.Get(ctx, req.GetRoundId())
	if errors.Is(err, collections.ErrNotFound) {
		return nil, slushtypes.NotFound(errorsmod.Wrapf(types.ErrUnknownRound, "no round %d on this chain", req.GetRoundId()))
	}
	if err != nil {
		return nil, err
	}
	res := &types.QueryRoundResponse{Round: round}
	err = q.k.Tallies.Walk(ctx, collections.NewPrefixedPairRange[uint64, []byte](round.Id),
		func(_ collections.Pair[uint64, []byte], t types.Tally) (bool, error) {
			res.Tallies = append(res.Tallies, t)
			return false, nil
		})
	return res, err
}

// OpenRound returns a child's open round (NotFound when it has none).
func (q queryServer) OpenRound(ctx context.Context, req *types.QueryOpenRoundRequest) (*types.QueryOpenRoundResponse, error) {
	id, err := q.k.OpenRounds.Get(ctx, req.GetChildIndex())
	if errors.Is(err, collections.ErrNotFound) {
		return nil, slushtypes.NotFoundf("child %d has no open emergency round", req.GetChildIndex())
	}
	if err != nil {
		return nil, err
	}
	round, err := q.k.Rounds.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	return &types.QueryOpenRoundResponse{Found: true, Round: round}, nil
}

// Votes lists a round's votes in voter-path order.
func (q queryServer) Votes(ctx context.Context, req *types.QueryVotesRequest) (*types.QueryVotesResponse, error) {
	votes, page, err := query.CollectionPaginate(ctx, q.k.Votes, req.GetPagination(),
		func(_ collections.Pair[uint64, []byte], v types.Vote) (types.Vote, error) { return v, nil },
		query.WithCollectionPaginationPairPrefix[uint64, []byte](req.GetRoundId()))
	if err != nil {
		return nil, err
	}
	return &types.QueryVotesResponse{Votes: votes, Pagination: page}, nil
}
