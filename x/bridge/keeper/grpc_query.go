package keeper

import (
	"context"
	"errors"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"

	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/x/bridge/types"
)

type queryServer struct {
	k *Keeper
}

var _ types.QueryServer = queryServer{}

// NewQueryServerImpl returns the x/bridge Query service.
func NewQueryServerImpl(k *Keeper) types.QueryServer { return queryServer{k: k} }

// Params returns the module parameters.
func (q queryServer) Params(ctx context.Context, _ *types.QueryParamsRequest) (*types.QueryParamsResponse, error) {
	params, err := q.k.Params.Get(ctx)
	if err != nil {
		return nil, err
	}
	return &types.QueryParamsResponse{Params: params}, nil
}

// Account returns a ledger account by index.
func (q queryServer) Account(ctx context.Context, req *types.QueryAccountRequest) (*types.QueryAccountResponse, error) {
	state, err := q.k.OpenLedger(ctx)
	if err != nil {
		return nil, err
	}
	acc, ok, err := state.Account(req.GetIndex())
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, errorsmod.Wrapf(types.ErrUnknownAccount, "index %d", req.GetIndex())
	}
	return &types.QueryAccountResponse{
		Owner: hash.EncodeElement(acc.Owner), AssetId: hash.EncodeElement(acc.Asset), Balance: acc.Balance, Nonce: acc.Nonce,
	}, nil
}

// Ledger returns the ledger's roots and counters.
func (q queryServer) Ledger(ctx context.Context, _ *types.QueryLedgerRequest) (*types.QueryLedgerResponse, error) {
	lp, err := q.k.LedgerParams.Get(ctx)
	if err != nil {
		return nil, err
	}
	state, err := q.k.OpenLedger(ctx)
	if err != nil {
		return nil, err
	}
	root, err := state.Root()
	if err != nil {
		return nil, err
	}
	outbox, err := state.OutboxRoot()
	if err != nil {
		return nil, err
	}
	receipts, err := state.ReceiptRoot()
	if err != nil {
		return nil, err
	}
	logLength, err := q.k.LogLength.Peek(ctx)
	if err != nil {
		return nil, err
	}
	res := &types.QueryLedgerResponse{
		LedgerParams: lp, LedgerRoot: hash.EncodeElement(root), OutboxRoot: hash.EncodeElement(outbox),
		NumAccounts: state.NumAccounts(), InboxLength: state.InboxLen(), InboxConsumed: state.InboxConsumed(),
		LogLength: logLength, ReceiptRoot: hash.EncodeElement(receipts),
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

// Nullifier tells whether a message hash was claimed here.
func (q queryServer) Nullifier(ctx context.Context, req *types.QueryNullifierRequest) (*types.QueryNullifierResponse, error) {
	claimed, err := q.k.Nullifiers.Has(ctx, req.GetMessageHash())
	return &types.QueryNullifierResponse{Claimed: claimed}, err
}

// Message returns an outgoing message's record and status.
func (q queryServer) Message(ctx context.Context, req *types.QueryMessageRequest) (*types.QueryMessageResponse, error) {
	out, err := q.k.Outgoing.Get(ctx, req.GetMessageHash())
	if errors.Is(err, collections.ErrNotFound) {
		return nil, errorsmod.Wrapf(types.ErrUnknownMessage, "%X", req.GetMessageHash())
	}
	return &types.QueryMessageResponse{Message: out}, err
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
			return nil, types.ErrNoCommitment
		}
		c, err := iter.Value()
		return &types.QueryCommitmentResponse{Commitment: c}, err
	}
	c, err := q.k.Commitments.Get(ctx, req.GetHeight())
	if errors.Is(err, collections.ErrNotFound) {
		return nil, errorsmod.Wrapf(types.ErrNoCommitment, "height %d", req.GetHeight())
	}
	return &types.QueryCommitmentResponse{Commitment: c}, err
}

// MessageStatus returns where a message is in its life cycle as this chain sees it.
func (q queryServer) MessageStatus(ctx context.Context, req *types.QueryMessageStatusRequest) (*types.QueryMessageStatusResponse, error) {
	res := &types.QueryMessageStatusResponse{}
	out, err := q.k.Outgoing.Get(ctx, req.GetMessageHash())
	switch {
	case err == nil:
		res.Outgoing, res.Status = &out, out.Status
	case !errors.Is(err, collections.ErrNotFound):
		return nil, err
	}
	route, err := q.k.Routes.Get(ctx, req.GetMessageHash())
	switch {
	case err == nil:
		res.Route = &route
		if res.Outgoing == nil {
			res.Status = route.Status
		}
	case !errors.Is(err, collections.ErrNotFound):
		return nil, err
	}
	if res.Status == types.MessageStatus_MESSAGE_STATUS_UNSPECIFIED {
		claimed, err := q.k.Nullifiers.Has(ctx, req.GetMessageHash())
		if err != nil {
			return nil, err
		}
		if claimed {
			res.Status = types.MessageStatus_MESSAGE_STATUS_CLAIMED
		}
	}
	return res, nil
}

// maxPendingScan bounds how many records one PendingMessages query reads per list.
const maxPendingScan = 10_000

// PendingMessages lists this chain's own messages not yet confirmed (SENT, ROUTED_UP) and the
// routed messages it passes up or has queued down: what a relayer has to carry on.
func (q queryServer) PendingMessages(ctx context.Context, req *types.QueryPendingMessagesRequest) (*types.QueryPendingMessagesResponse, error) {
	limit := int(req.GetLimit())
	if limit == 0 {
		limit = 100
	}
	limit = min(limit, 1000)
	res := &types.QueryPendingMessagesResponse{}
	scanned := 0
	err := q.k.Outgoing.Walk(ctx, nil, func(_ []byte, out types.OutgoingMessage) (bool, error) {
		scanned++
		if out.Status == types.MessageStatus_MESSAGE_STATUS_SENT || out.Status == types.MessageStatus_MESSAGE_STATUS_ROUTED_UP {
			res.Outgoing = append(res.Outgoing, out)
		}
		return len(res.Outgoing) >= limit || scanned >= maxPendingScan, nil
	})
	if err != nil {
		return nil, err
	}
	scanned = 0
	err = q.k.Routes.Walk(ctx, nil, func(_ []byte, r types.RouteRecord) (bool, error) {
		scanned++
		if r.Status != types.MessageStatus_MESSAGE_STATUS_DELIVERED && !r.AlreadyDelivered {
			res.Routes = append(res.Routes, r)
		}
		return len(res.Routes) >= limit || scanned >= maxPendingScan, nil
	})
	return res, err
}

// ParentClient returns the parent light-client state this chain trusts.
func (q queryServer) ParentClient(ctx context.Context, _ *types.QueryParentClientRequest) (*types.QueryParentClientResponse, error) {
	trusted, _, err := q.k.parentClient(ctx)
	if err != nil {
		return nil, err
	}
	params, err := q.k.ParentSync.Get(ctx)
	if err != nil {
		return nil, err
	}
	return &types.QueryParentClientResponse{
		ChainId: trusted.ChainID, Height: trusted.Height, TimeUnix: trusted.Time.Unix(), AppHash: trusted.AppHash,
		Validators: uint32(trusted.Validators.Size()), Params: params,
	}, nil
}

// CommitmentByHash returns the commitment record with a given hash, while it is in history.
func (q queryServer) CommitmentByHash(ctx context.Context, req *types.QueryCommitmentByHashRequest) (*types.QueryCommitmentByHashResponse, error) {
	h, err := q.k.CommitmentHeights.Get(ctx, req.GetCommitment())
	if errors.Is(err, collections.ErrNotFound) {
		return nil, errorsmod.Wrapf(types.ErrNoCommitment, "%X", req.GetCommitment())
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
	ip, err := q.k.Inclusion.Get(ctx)
	if err != nil && !errors.Is(err, collections.ErrNotFound) {
		return nil, err
	}
	res.InclusionParams = ip
	if res.RootHeight == 0 {
		if res.RootHeight, err = q.k.validium.RootHeight(ctx); err != nil {
			return nil, err
		}
	}
	res.Commitment, res.Known, err = q.k.RootCommitmentAt(ctx, res.RootHeight)
	return res, err
}
