package keeper

import (
	"context"
	"errors"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"

	"github.com/slush-tree/slush/circuits/hash"
	slushtypes "github.com/slush-tree/slush/types"
	"github.com/slush-tree/slush/x/acceptance/types"
)

type queryServer struct {
	k *Keeper
}

var _ types.QueryServer = queryServer{}

// NewQueryServerImpl returns the x/acceptance Query service.
func NewQueryServerImpl(k *Keeper) types.QueryServer { return queryServer{k: k} }

// Params returns the module parameters.
func (q queryServer) Params(ctx context.Context, _ *types.QueryParamsRequest) (*types.QueryParamsResponse, error) {
	params, err := q.k.Params.Get(ctx)
	if err != nil {
		return nil, err
	}
	return &types.QueryParamsResponse{Params: params}, nil
}

// Pairs returns every stored hash of a child with its acceptance pair (NotFound for an index
// without a record: no child registered there).
func (q queryServer) Pairs(ctx context.Context, req *types.QueryPairsRequest) (*types.QueryPairsResponse, error) {
	tracker, err := q.childRecord(ctx, req.GetChildIndex())
	if err != nil {
		return nil, err
	}
	return &types.QueryPairsResponse{Pairs: hashPairs(tracker)}, nil
}

// Finalized returns a child's finalized hash: NotFound for an index without a record or a child
// with no finalized hash yet.
func (q queryServer) Finalized(ctx context.Context, req *types.QueryFinalizedRequest) (*types.QueryFinalizedResponse, error) {
	tracker, err := q.childRecord(ctx, req.GetChildIndex())
	if err != nil {
		return nil, err
	}
	h, ok := tracker.FinalizedHash()
	if !ok {
		return nil, slushtypes.NotFound(errorsmod.Wrapf(types.ErrNotFinalized,
			"child %d has no finalized commitment yet (not a majority of its subtree accepted any)", req.GetChildIndex()))
	}
	return &types.QueryFinalizedResponse{Found: true, Hash: types.StoredHashFrom(h)}, nil
}

// childRecord loads a child's record for a query: InvalidArgument for an index outside 1..255,
// NotFound for one without a record.
func (q queryServer) childRecord(ctx context.Context, index uint32) (types.ChildAcceptance, error) {
	if err := checkChildIndex(index); err != nil {
		return types.ChildAcceptance{}, status.Error(codes.InvalidArgument, err.Error())
	}
	record, err := q.k.Children.Get(ctx, index)
	if errors.Is(err, collections.ErrNotFound) {
		return types.ChildAcceptance{}, slushtypes.NotFoundf("no acceptance record of child %d: no child is registered at that index", index)
	}
	if err != nil {
		return types.ChildAcceptance{}, err
	}
	return record.ToTracker()
}

// Subtree returns this chain's last subtree report.
func (q queryServer) Subtree(ctx context.Context, req *types.QuerySubtreeRequest) (*types.QuerySubtreeResponse, error) {
	if h := req.GetAnchorHeight(); h > 0 {
		report, err := q.k.SubtreeReport(ctx, h)
		if err != nil {
			return nil, err
		}
		return &types.QuerySubtreeResponse{Found: true, Report: report}, nil
	}
	report, err := q.k.LastReport.Get(ctx)
	if errors.Is(err, collections.ErrNotFound) {
		return nil, slushtypes.NotFoundf("no subtree report: this chain has made no commitment yet")
	}
	if err != nil {
		return nil, err
	}
	return &types.QuerySubtreeResponse{Found: true, Report: report}, nil
}

// Finality returns, at the root, the finalized root height and commitment.
func (q queryServer) Finality(ctx context.Context, _ *types.QueryFinalityRequest) (*types.QueryFinalityResponse, error) {
	isRoot, err := q.k.tree.IsRoot(ctx)
	if err != nil {
		return nil, err
	}
	if !isRoot {
		return nil, slushtypes.FailedPrecondition(errorsmod.Wrap(types.ErrNotRoot,
			"finality is the root's record: ask the root chain (elsewhere: `query acceptance finalized <index>` on the parent)"))
	}
	record, err := q.k.RootRecord.Get(ctx)
	if errors.Is(err, collections.ErrNotFound) {
		return nil, slushtypes.NotFoundf("no root commitment is final yet: the root has made no commitment")
	}
	if err != nil {
		return nil, err
	}
	tracker, err := record.ToTracker()
	if err != nil {
		return nil, err
	}
	if _, ok := tracker.FinalizedHash(); !ok {
		return nil, slushtypes.NotFoundf("no root commitment is final yet: no majority of the tree's %d validiums accepted one", tracker.Subtree)
	}
	pair := tracker.Pairs()[0]
	return &types.QueryFinalityResponse{
		Found:      true,
		Height:     pair.Hash.Height,
		Commitment: append([]byte(nil), pair.Hash.Commitment[:]...),
		Accepted:   pair.Accepted,
		Subtree:    pair.Subtree,
	}, nil
}

// FinalizedChildProof returns a child's finalized commitment, its finalized-children SMT
// siblings (leaf level first) and that SMT's root: InvalidArgument for an index outside 1..255,
// NotFound for a child without a record or without a finalized commitment.
func (q queryServer) FinalizedChildProof(ctx context.Context, req *types.QueryFinalizedChildProofRequest) (*types.QueryFinalizedChildProofResponse, error) {
	index := req.GetChildIndex()
	if err := checkChildIndex(index); err != nil {
		return nil, status.Error(codes.InvalidArgument, err.Error())
	}
	c, proof, err := q.k.FinalizedChildProof(ctx, index)
	if errors.Is(err, types.ErrNotFinalized) {
		return nil, slushtypes.NotFound(err)
	}
	if err != nil {
		return nil, err
	}
	root, err := q.k.FinalizedChildrenRoot(ctx)
	if err != nil {
		return nil, err
	}
	res := &types.QueryFinalizedChildProofResponse{Commitment: c, FinalizedChildrenRoot: hash.EncodeElement(root),
		Siblings: hash.EncodeElements(proof.Siblings)}
	return res, nil
}

// childTracker loads a child's record as a tracker; an unknown child has an empty record.
func (k Keeper) childTracker(ctx context.Context, index uint32) (types.ChildAcceptance, error) {
	if err := checkChildIndex(index); err != nil {
		return types.ChildAcceptance{}, err
	}
	record, err := k.Children.Get(ctx, index)
	if errors.Is(err, collections.ErrNotFound) {
		return types.ChildAcceptance{}, nil
	}
	if err != nil {
		return types.ChildAcceptance{}, err
	}
	return record.ToTracker()
}

// hashPairs converts a tracker's pairs for the query response.
func hashPairs(t types.ChildAcceptance) []types.HashPair {
	pairs := t.Pairs()
	out := make([]types.HashPair, len(pairs))
	for i, p := range pairs {
		out[i] = types.HashPair{
			Hash:      types.StoredHashFrom(p.Hash),
			Accepted:  p.Accepted,
			Subtree:   p.Subtree,
			Finalized: i == 0 && t.HasFinalized,
		}
	}
	return out
}
