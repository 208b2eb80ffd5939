package keeper

import (
	"context"

	errorsmod "cosmossdk.io/errors"

	"github.com/slush-tree/slush/circuits/ledger"
	"github.com/slush-tree/slush/internal/paramsupdate"
	"github.com/slush-tree/slush/x/bridge/types"
)

type msgServer struct {
	*Keeper
}

var _ types.MsgServer = msgServer{}

// NewMsgServerImpl returns the x/bridge Msg service.
func NewMsgServerImpl(k *Keeper) types.MsgServer { return msgServer{Keeper: k} }

// UpdateParams replaces the params; only the governance authority may call it.
func (m msgServer) UpdateParams(ctx context.Context, msg *types.MsgUpdateParams) (*types.MsgUpdateParamsResponse, error) {
	if err := paramsupdate.Apply(ctx, m.Params, m.authority, msg.Authority, msg.Params, types.ErrInvalidSigner); err != nil {
		return nil, err
	}
	return &types.MsgUpdateParamsResponse{}, nil
}

// LedgerTransfer executes a signed ledger transfer (DESIGN §4).
func (m msgServer) LedgerTransfer(ctx context.Context, msg *types.MsgLedgerTransfer) (*types.MsgLedgerTransferResponse, error) {
	if _, err := m.addressCodec.StringToBytes(msg.Sender); err != nil {
		return nil, errorsmod.Wrapf(types.ErrInvalidAddress, "sender: %v", err)
	}
	_, seq, err := m.execute(ctx, msg.Op, ledger.OpTransfer)
	if err != nil {
		return nil, err
	}
	return &types.MsgLedgerTransferResponse{Sequence: seq}, nil
}

// BridgeOut burns, appends the bridge message to the outbox (DESIGN §7.1), records it and
// freezes the sending account for further bridge-outs until the message is confirmed.
func (m msgServer) BridgeOut(ctx context.Context, msg *types.MsgBridgeOut) (*types.MsgBridgeOutResponse, error) {
	if _, err := m.addressCodec.StringToBytes(msg.Sender); err != nil {
		return nil, errorsmod.Wrapf(types.ErrInvalidAddress, "sender: %v", err)
	}
	if op, err := ledger.DecodeOp(msg.Op); err == nil && op.Kind == ledger.OpBridgeOut {
		frozen, err := m.FrozenSender.Has(ctx, op.From)
		if err != nil {
			return nil, err
		}
		if frozen {
			return nil, errorsmod.Wrapf(types.ErrAccountFrozen, "account %d", op.From)
		}
	}
	op, seq, err := m.execute(ctx, msg.Op, ledger.OpBridgeOut)
	if err != nil {
		return nil, err
	}
	out, index, err := m.recordOutgoing(ctx, op)
	if err != nil {
		return nil, err
	}
	return &types.MsgBridgeOutResponse{Sequence: seq, MessageHash: out.MessageHash, OutboxIndex: index}, nil
}

// Claim mints a bridge message addressed to this chain (DESIGN §7.3).
func (m msgServer) Claim(ctx context.Context, msg *types.MsgClaim) (*types.MsgClaimResponse, error) {
	if _, err := m.addressCodec.StringToBytes(msg.Sender); err != nil {
		return nil, errorsmod.Wrapf(types.ErrInvalidAddress, "sender: %v", err)
	}
	return m.claim(ctx, msg)
}

// Confirm proves the destination's receipt of a message sent here (DESIGN §7.4).
func (m msgServer) Confirm(ctx context.Context, msg *types.MsgConfirm) (*types.MsgConfirmResponse, error) {
	if _, err := m.addressCodec.StringToBytes(msg.Sender); err != nil {
		return nil, errorsmod.Wrapf(types.ErrInvalidAddress, "sender: %v", err)
	}
	if err := m.confirm(ctx, msg); err != nil {
		return nil, err
	}
	return &types.MsgConfirmResponse{}, nil
}

// RouteMessage moves an expired message along the fallback route (DESIGN §7.5).
func (m msgServer) RouteMessage(ctx context.Context, msg *types.MsgRouteMessage) (*types.MsgRouteMessageResponse, error) {
	if _, err := m.addressCodec.StringToBytes(msg.Sender); err != nil {
		return nil, errorsmod.Wrapf(types.ErrInvalidAddress, "sender: %v", err)
	}
	record, err := m.routeMessage(ctx, msg.Routed)
	if err != nil {
		return nil, err
	}
	return &types.MsgRouteMessageResponse{MessageHash: record.MessageHash, Status: record.Status}, nil
}

// ReceiveForced mints a forced operation proven in the parent's queue for this chain (DESIGN §8).
func (m msgServer) ReceiveForced(ctx context.Context, msg *types.MsgReceiveForced) (*types.MsgReceiveForcedResponse, error) {
	if _, err := m.addressCodec.StringToBytes(msg.Sender); err != nil {
		return nil, errorsmod.Wrapf(types.ErrInvalidAddress, "sender: %v", err)
	}
	return m.receiveForced(ctx, msg)
}

// SyncParent verifies the parent's header and records proven root commitments (DESIGN §5).
func (m msgServer) SyncParent(ctx context.Context, msg *types.MsgSyncParent) (*types.MsgSyncParentResponse, error) {
	if _, err := m.addressCodec.StringToBytes(msg.Sender); err != nil {
		return nil, errorsmod.Wrapf(types.ErrInvalidAddress, "sender: %v", err)
	}
	return m.syncParent(ctx, msg)
}
