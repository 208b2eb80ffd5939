package keeper

import (
	"context"
	"errors"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"

	slushtypes "github.com/slush-tree/slush/types"
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

// Nullifier tells whether a message hash was minted here.
func (q queryServer) Nullifier(ctx context.Context, req *types.QueryNullifierRequest) (*types.QueryNullifierResponse, error) {
	if err := slushtypes.CheckHashArg("message hash", req.GetMessageHash()); err != nil {
		return nil, err
	}
	claimed, err := q.k.Nullifiers.Has(ctx, req.GetMessageHash())
	return &types.QueryNullifierResponse{Claimed: claimed}, err
}

// Message returns an outgoing message's record and status (NotFound for a message not sent from
// here).
func (q queryServer) Message(ctx context.Context, req *types.QueryMessageRequest) (*types.QueryMessageResponse, error) {
	if err := slushtypes.CheckHashArg("message hash", req.GetMessageHash()); err != nil {
		return nil, err
	}
	out, err := q.k.Outgoing.Get(ctx, req.GetMessageHash())
	if errors.Is(err, collections.ErrNotFound) {
		return nil, slushtypes.NotFound(errorsmod.Wrapf(types.ErrUnknownMessage, "message %x was not sent from this chain", req.GetMessageHash()))
	}
	return &types.QueryMessageResponse{Message: out}, err
}

// MessageStatus returns where a message is in its life cycle as this chain's bridge sees it:
// the outgoing record's status, or CLAIMED when it was minted here; NotFound when it was neither
// sent from nor minted on this chain.
func (q queryServer) MessageStatus(ctx context.Context, req *types.QueryMessageStatusRequest) (*types.QueryMessageStatusResponse, error) {
	if err := slushtypes.CheckHashArg("message hash", req.GetMessageHash()); err != nil {
		return nil, err
	}
	res := &types.QueryMessageStatusResponse{}
	out, err := q.k.Outgoing.Get(ctx, req.GetMessageHash())
	switch {
	case err == nil:
		res.Outgoing, res.Status = &out, out.Status
		return res, nil
	case !errors.Is(err, collections.ErrNotFound):
		return nil, err
	}
	claimed, err := q.k.Nullifiers.Has(ctx, req.GetMessageHash())
	if err != nil {
		return nil, err
	}
	if !claimed {
		return nil, slushtypes.NotFoundf("message %x was neither sent from nor minted on this chain "+
			"(`slushchaind bridge track <hash> --config tree.toml` looks on every chain)", req.GetMessageHash())
	}
	res.Status = slushtypes.MessageStatus_MESSAGE_STATUS_CLAIMED
	return res, nil
}

// maxPendingScan bounds how many records one PendingMessages query reads.
const maxPendingScan = 10_000

// PendingMessages lists this chain's own messages not yet confirmed (SENT, ROUTED_UP): what a
// relayer has to carry on.
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
		if out.Status == slushtypes.MessageStatus_MESSAGE_STATUS_SENT || out.Status == slushtypes.MessageStatus_MESSAGE_STATUS_ROUTED_UP {
			res.Outgoing = append(res.Outgoing, out)
		}
		return len(res.Outgoing) >= limit || scanned >= maxPendingScan, nil
	})
	return res, err
}

// InclusionParams returns the claim verifier's parameters (key and max depth).
func (q queryServer) InclusionParams(ctx context.Context, _ *types.QueryInclusionParamsRequest) (*types.QueryInclusionParamsResponse, error) {
	ip, err := q.k.Inclusion.Get(ctx)
	if errors.Is(err, collections.ErrNotFound) {
		return nil, slushtypes.NotFound(errorsmod.Wrap(types.ErrNoInclusionKey, "this chain's genesis set no inclusion key (`genesis set-inclusion-key`)"))
	}
	if err != nil {
		return nil, err
	}
	return &types.QueryInclusionParamsResponse{InclusionParams: ip}, nil
}
