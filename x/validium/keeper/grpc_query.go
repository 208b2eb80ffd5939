package keeper

import (
	"context"
	"errors"

	slushtypes "github.com/slush-tree/slush/types"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"

	"github.com/cosmos/cosmos-sdk/types/query"

	"github.com/slush-tree/slush/circuits/hash"
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

// Children lists the registered children by index.
func (q queryServer) Children(ctx context.Context, req *types.QueryChildrenRequest) (*types.QueryChildrenResponse, error) {
	children, page, err := query.CollectionPaginate(ctx, q.k.Children, req.GetPagination(),
		func(_ uint32, c types.Child) (types.Child, error) { return c, nil })
	if err != nil {
		return nil, err
	}
	return &types.QueryChildrenResponse{Children: children, Pagination: page}, nil
}

// Child returns one child with its history and pending forced operations (NotFound for an index
// with no registered child).
func (q queryServer) Child(ctx context.Context, req *types.QueryChildRequest) (*types.QueryChildResponse, error) {
	child, err := q.child(ctx, req.GetIndex())
	if err != nil {
		return nil, err
	}
	res := &types.QueryChildResponse{Child: child}
	if res.Departed, err = q.k.hasDeparted(ctx, child); err != nil {
		return nil, err
	}
	err = q.k.History.Walk(ctx, collections.NewPrefixedPairRange[uint32, uint64](child.Index),
		func(key collections.Pair[uint32, uint64], commitment []byte) (bool, error) {
			res.History = append(res.History, types.HistoryEntry{RootHeight: key.K2(), Commitment: commitment})
			return false, nil
		})
	if err != nil {
		return nil, err
	}
	err = q.k.ForcedOps.Walk(ctx, collections.NewPrefixedPairRange[uint32, uint64](child.Index),
		func(_ collections.Pair[uint32, uint64], op types.ForcedOperation) (bool, error) {
			res.ForcedOperations = append(res.ForcedOperations, op)
			// bound the response: the queue can hold MaxPendingForcedOps operations
			return len(res.ForcedOperations) >= maxQueuedOpsInResponse, nil
		})
	return res, err
}

// child loads a child for a query: InvalidArgument for an index outside 1..255, NotFound for one
// with no registered child.
func (q queryServer) child(ctx context.Context, index uint32) (types.Child, error) {
	if err := types.CheckChildIndex(index); err != nil {
		return types.Child{}, slushtypes.InvalidArgument("%v", err)
	}
	child, err := q.k.GetChild(ctx, index)
	if errors.Is(err, types.ErrUnknownChild) {
		return types.Child{}, slushtypes.NotFound(errorsmod.Wrapf(types.ErrUnknownChild, "no child registered at index %d", index))
	}
	return child, err
}

// maxQueuedOpsInResponse bounds the forced operations returned by one Child query.
const maxQueuedOpsInResponse = 100

// FrozenChildren lists the frozen children.
func (q queryServer) FrozenChildren(ctx context.Context, _ *types.QueryFrozenChildrenRequest) (*types.QueryFrozenChildrenResponse, error) {
	res := &types.QueryFrozenChildrenResponse{}
	err := q.k.Children.Walk(ctx, nil, func(_ uint32, c types.Child) (bool, error) {
		if c.Status == types.ChildStatus_CHILD_STATUS_FROZEN {
			res.Children = append(res.Children, c)
		}
		return false, nil
	})
	return res, err
}

// ChildProof returns a child's path in this chain's children SMT, for inclusion witnesses.
func (q queryServer) ChildProof(ctx context.Context, req *types.QueryChildProofRequest) (*types.QueryChildProofResponse, error) {
	if err := types.CheckChildIndex(req.GetIndex()); err != nil {
		return nil, slushtypes.InvalidArgument("%v", err)
	}
	proof, err := q.k.ChildProof(ctx, req.GetIndex())
	if err != nil {
		return nil, err
	}
	root, err := q.k.ChildrenRoot(ctx)
	if err != nil {
		return nil, err
	}
	res := &types.QueryChildProofResponse{Leaf: hash.EncodeElement(proof.Value), ChildrenRoot: hash.EncodeElement(root),
		Siblings: hash.EncodeElements(proof.Siblings)}
	return res, nil
}

// Exit returns the account opening an exit was paid on (NotFound if none).
func (q queryServer) Exit(ctx context.Context, req *types.QueryExitRequest) (*types.QueryExitResponse, error) {
	if err := types.CheckChildIndex(req.GetChildIndex()); err != nil {
		return nil, slushtypes.InvalidArgument("%v", err)
	}
	o, err := q.k.ExitOpening(ctx, req.ChildIndex, req.AccountIndex)
	if errors.Is(err, types.ErrUnknownExit) {
		return nil, slushtypes.NotFound(err)
	}
	if err != nil {
		return nil, err
	}
	return &types.QueryExitResponse{Opening: o}, nil
}

// ProvenLeaves returns the commitments step proofs proved for a grandchild that its parent may
// still finalize (issue 16); NotFound when there are none.
func (q queryServer) ProvenLeaves(ctx context.Context, req *types.QueryProvenLeavesRequest) (*types.QueryProvenLeavesResponse, error) {
	for _, index := range []uint32{req.GetChildIndex(), req.GetIndex()} {
		if err := types.CheckChildIndex(index); err != nil {
			return nil, slushtypes.InvalidArgument("%v", err)
		}
	}
	var leaves []types.ProvenLeaf
	rng := collections.NewSuperPrefixedTripleRange[uint32, uint32, []byte](req.ChildIndex, req.Index)
	err := q.k.ProvenLeaves.Walk(ctx, rng, func(key collections.Triple[uint32, uint32, []byte], anchor uint64) (bool, error) {
		leaves = append(leaves, types.ProvenLeaf{ChildIndex: key.K1(), Index: key.K2(), Commitment: key.K3(), AnchorHeight: anchor})
		return len(leaves) >= types.MaxProvenLeavesPerGrandchild, nil
	})
	if err != nil {
		return nil, err
	}
	if len(leaves) == 0 {
		return nil, slushtypes.NotFound(errorsmod.Wrapf(types.ErrUnknownChild,
			"no proven commitment of grandchild %d under child %d (RECURSIVE subtree proofs record them)", req.Index, req.ChildIndex))
	}
	return &types.QueryProvenLeavesResponse{Leaves: leaves}, nil
}

// GrandchildReport returns the proven report of the commitment child index's accepted children
// root holds for one grandchild (issue 16); NotFound when no step proved one.
func (q queryServer) GrandchildReport(ctx context.Context, req *types.QueryGrandchildReportRequest) (*types.QueryGrandchildReportResponse, error) {
	for _, index := range []uint32{req.GetChildIndex(), req.GetIndex()} {
		if err := types.CheckChildIndex(index); err != nil {
			return nil, slushtypes.InvalidArgument("%v", err)
		}
	}
	r, err := q.k.GrandchildReports.Get(ctx, collections.Join(req.ChildIndex, req.Index))
	if errors.Is(err, collections.ErrNotFound) {
		return nil, slushtypes.NotFound(errorsmod.Wrapf(types.ErrUnknownChild,
			"no proven report of grandchild %d under child %d (RECURSIVE subtree proofs record them)", req.Index, req.ChildIndex))
	}
	if err != nil {
		return nil, err
	}
	return &types.QueryGrandchildReportResponse{Report: r}, nil
}

// FrozenDeparture returns the departure recorded for a child of a frozen child (issue 20).
func (q queryServer) FrozenDeparture(ctx context.Context, req *types.QueryFrozenDepartureRequest) (*types.QueryFrozenDepartureResponse, error) {
	for _, index := range []uint32{req.GetChildIndex(), req.GetIndex()} {
		if err := types.CheckChildIndex(index); err != nil {
			return nil, slushtypes.InvalidArgument("%v", err)
		}
	}
	d, err := q.k.FrozenDepartures.Get(ctx, collections.Join(req.ChildIndex, req.Index))
	if errors.Is(err, collections.ErrNotFound) {
		return nil, slushtypes.NotFound(errorsmod.Wrapf(types.ErrUnknownChild,
			"no departure of grandchild %d from frozen child %d", req.Index, req.ChildIndex))
	}
	if err != nil {
		return nil, err
	}
	deps, err := q.k.frozenDepartures(ctx, req.ChildIndex)
	if err != nil {
		return nil, err
	}
	root, siblings, err := types.DepartureOpening(deps, uint8(req.Index))
	if err != nil {
		return nil, err
	}
	res := &types.QueryFrozenDepartureResponse{Departure: d, DeparturesRoot: hash.EncodeElement(root), Siblings: hash.EncodeElements(siblings)}
	return res, nil
}

// Route returns this chain's fallback-route record of a message.
func (q queryServer) Route(ctx context.Context, req *types.QueryRouteRequest) (*types.QueryRouteResponse, error) {
	if err := slushtypes.CheckHashArg("message hash", req.GetMessageHash()); err != nil {
		return nil, err
	}
	r, err := q.k.Routes.Get(ctx, req.GetMessageHash())
	if errors.Is(err, collections.ErrNotFound) {
		return nil, slushtypes.NotFound(errorsmod.Wrapf(types.ErrUnknownRoute,
			"message %x was never routed through this chain (it travels by claim unless it expires)", req.GetMessageHash()))
	}
	if err != nil {
		return nil, err
	}
	return &types.QueryRouteResponse{Route: r}, nil
}

// maxPendingScan bounds how many route records one PendingRoutes query reads.
const maxPendingScan = 10_000

// PendingRoutes lists the routed messages this chain passes up or has queued down and not seen
// delivered: what a relayer has to carry on.
func (q queryServer) PendingRoutes(ctx context.Context, req *types.QueryPendingRoutesRequest) (*types.QueryPendingRoutesResponse, error) {
	limit := int(req.GetLimit())
	if limit == 0 {
		limit = 100
	}
	limit = min(limit, 1000)
	res := &types.QueryPendingRoutesResponse{}
	scanned := 0
	err := q.k.Routes.Walk(ctx, nil, func(_ []byte, r types.RouteRecord) (bool, error) {
		scanned++
		if r.Status != slushtypes.MessageStatus_MESSAGE_STATUS_DELIVERED && !r.AlreadyDelivered {
			res.Routes = append(res.Routes, r)
		}
		return len(res.Routes) >= limit || scanned >= maxPendingScan, nil
	})
	return res, err
}

// ForcedWithdrawal returns a child's forced withdrawal (issue 20); NotFound if never queued.
func (q queryServer) ForcedWithdrawal(ctx context.Context, req *types.QueryForcedWithdrawalRequest) (*types.QueryForcedWithdrawalResponse, error) {
	if err := types.CheckChildIndex(req.GetChildIndex()); err != nil {
		return nil, slushtypes.InvalidArgument("%v", err)
	}
	w, err := q.k.GetForcedWithdrawal(ctx, req.ChildIndex, req.Sequence)
	if errors.Is(err, types.ErrUnknownWithdrawal) {
		return nil, slushtypes.NotFound(err)
	}
	if err != nil {
		return nil, err
	}
	return &types.QueryForcedWithdrawalResponse{Withdrawal: w}, nil
}

// maxWithdrawalScan bounds how many forced-withdrawal records one PendingForcedWithdrawals query
// reads (the records of proven and expired withdrawals stay: the scan skips them).
const maxWithdrawalScan = 10_000

// PendingForcedWithdrawals lists a child's pending forced withdrawals from start_sequence up,
// lowest sequence first, at most limit (0: 100; at most 1000) of them; next_sequence resumes the
// scan when it stopped at the limit or the scan bound. InvalidArgument for an index outside
// 1..255, NotFound for one with no registered child; a child with none pending is an empty list.
func (q queryServer) PendingForcedWithdrawals(ctx context.Context, req *types.QueryPendingForcedWithdrawalsRequest) (*types.QueryPendingForcedWithdrawalsResponse, error) {
	child, err := q.child(ctx, req.GetChildIndex())
	if err != nil {
		return nil, err
	}
	limit := int(req.GetLimit())
	if limit == 0 {
		limit = 100
	}
	limit = min(limit, 1000)
	res := &types.QueryPendingForcedWithdrawalsResponse{}
	rng := collections.NewPrefixedPairRange[uint32, uint64](child.Index).StartInclusive(max(req.GetStartSequence(), 1))
	scanned := 0
	err = q.k.ForcedWithdrawals.Walk(ctx, rng, func(key collections.Pair[uint32, uint64], w types.ForcedWithdrawal) (bool, error) {
		if len(res.Withdrawals) >= limit || scanned >= maxWithdrawalScan {
			res.NextSequence = key.K2()
			return true, nil
		}
		scanned++
		if w.Status == types.ForcedWithdrawalStatus_FORCED_WITHDRAWAL_STATUS_PENDING {
			res.Withdrawals = append(res.Withdrawals, w)
		}
		return false, nil
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}
