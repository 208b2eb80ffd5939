package keeper

import (
	"context"

	errorsmod "cosmossdk.io/errors"

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

// BridgeOut burns, appends the bridge message to the outbox (DESIGN §7.1), records it and
// freezes the sending account for further bridge-outs until the message is confirmed.
func (m msgServer) BridgeOut(ctx context.Context, msg *types.MsgBridgeOut) (*types.MsgBridgeOutResponse, error) {
	if _, err := m.addressCodec.StringToBytes(msg.Sender); err != nil {
		return nil, errorsmod.Wrapf(types.ErrInvalidAddress, "sender: %v", err)
	}
	out, burnt, err := m.bridgeOut(ctx, msg.Op)
	if err != nil {
		return nil, err
	}
	return &types.MsgBridgeOutResponse{Sequence: burnt.Sequence, MessageHash: out.MessageHash, OutboxIndex: burnt.OutboxIndex}, nil
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
