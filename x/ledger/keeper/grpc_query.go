package keeper

import (
	"context"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"

	"github.com/slush-tree/slush/circuits/hash"
	slushtypes "github.com/slush-tree/slush/types"
	"github.com/slush-tree/slush/x/ledger/types"
)

type queryServer struct {
	k *Keeper
}

var _ types.QueryServer = queryServer{}

// NewQueryServerImpl returns the x/ledger Query service.
func NewQueryServerImpl(k *Keeper) types.QueryServer { return queryServer{k: k} }

// Params returns the ledger's shape.
func (q queryServer) Params(ctx context.Context, _ *types.QueryParamsRequest) (*types.QueryParamsResponse, error) {
	p, err := q.k.Params.Get(ctx)
	if err != nil {
		return nil, err
	}
	return &types.QueryParamsResponse{Params: p}, nil
}

// Account returns a ledger account by index.
func (q queryServer) Account(ctx context.Context, req *types.QueryAccountRequest) (*types.QueryAccountResponse, error) {
	state, err := q.k.Open(ctx)
	if err != nil {
		return nil, err
	}
	acc, ok, err := state.Account(req.GetIndex())
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, slushtypes.NotFound(errorsmod.Wrapf(types.ErrUnknownAccount, "no ledger account %d (the ledger has %d)",
			req.GetIndex(), state.NumAccounts()))
	}
	return &types.QueryAccountResponse{
		Owner: hash.EncodeElement(acc.Owner), AssetId: hash.EncodeElement(acc.Asset), Balance: acc.Balance, Nonce: acc.Nonce,
	}, nil
}

// State returns the ledger's roots and counters, and the deposits it was funded with.
func (q queryServer) State(ctx context.Context, _ *types.QueryStateRequest) (*types.QueryStateResponse, error) {
	p, err := q.k.Params.Get(ctx)
	if err != nil {
		return nil, err
	}
	state, err := q.k.Open(ctx)
	if err != nil {
		return nil, err
	}
	roots, err := q.k.CurrentRoots(ctx)
	if err != nil {
		return nil, err
	}
	res := &types.QueryStateResponse{
		Params: p, LedgerRoot: hash.EncodeElement(roots.Ledger), OutboxRoot: hash.EncodeElement(roots.Outbox),
		NumAccounts: state.NumAccounts(), InboxLength: state.InboxLen(), InboxConsumed: state.InboxConsumed(),
		LogLength: roots.LogLength, ReceiptRoot: hash.EncodeElement(roots.Receipts), InboxHead: hash.EncodeElement(roots.InboxHead),
	}
	err = q.k.GenesisDeposits.Walk(ctx, nil, func(_ uint64, d types.GenesisDeposit) (bool, error) {
		res.GenesisDeposits = append(res.GenesisDeposits, d)
		return false, nil
	})
	return res, err
}

// maxLogPage bounds one BatchLog response.
const maxLogPage = 1000

// BatchLog returns logged operations from a sequence on.
func (q queryServer) BatchLog(ctx context.Context, req *types.QueryBatchLogRequest) (*types.QueryBatchLogResponse, error) {
	limit := int(req.GetLimit())
	if limit == 0 {
		limit = 100
	}
	limit = min(limit, maxLogPage)
	res := &types.QueryBatchLogResponse{}
	err := q.k.Log.Walk(ctx, new(collections.Range[uint64]).StartInclusive(req.GetFrom()),
		func(_ uint64, op types.LoggedOp) (bool, error) {
			res.Ops = append(res.Ops, op)
			return len(res.Ops) >= limit, nil
		})
	return res, err
}
