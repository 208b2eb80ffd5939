package keeper

import (
	"context"

	errorsmod "cosmossdk.io/errors"

	"github.com/slush-tree/slush/internal/paramsupdate"
	"github.com/slush-tree/slush/x/tree/types"
)

type msgServer struct {
	*Keeper
}

var _ types.MsgServer = msgServer{}

// NewMsgServerImpl returns the x/tree Msg service.
func NewMsgServerImpl(k *Keeper) types.MsgServer { return msgServer{Keeper: k} }

// UpdateParams replaces the params; only the governance authority may call it.
func (m msgServer) UpdateParams(ctx context.Context, msg *types.MsgUpdateParams) (*types.MsgUpdateParamsResponse, error) {
	if err := paramsupdate.Apply(ctx, m.Params, m.authority, msg.Authority, msg.Params, types.ErrInvalidSigner); err != nil {
		return nil, err
	}
	return &types.MsgUpdateParamsResponse{}, nil
}

// SyncParent verifies the parent's header and records proven root commitments (DESIGN §5).
func (m msgServer) SyncParent(ctx context.Context, msg *types.MsgSyncParent) (*types.MsgSyncParentResponse, error) {
	if _, err := m.addressCodec.StringToBytes(msg.Sender); err != nil {
		return nil, errorsmod.Wrapf(types.ErrInvalidAddress, "sender: %v", err)
	}
	return m.syncParent(ctx, msg)
}
