package keeper

import (
	"context"

	errorsmod "cosmossdk.io/errors"

	"github.com/slush-tree/slush/circuits/ledger"
	"github.com/slush-tree/slush/x/ledger/types"
)

type msgServer struct {
	*Keeper
}

var _ types.MsgServer = msgServer{}

// NewMsgServerImpl returns the x/ledger Msg service.
func NewMsgServerImpl(k *Keeper) types.MsgServer { return msgServer{Keeper: k} }

// Transfer executes a signed ledger transfer (DESIGN §4).
func (m msgServer) Transfer(ctx context.Context, msg *types.MsgTransfer) (*types.MsgTransferResponse, error) {
	if _, err := m.addressCodec.StringToBytes(msg.Sender); err != nil {
		return nil, errorsmod.Wrapf(types.ErrInvalidAddress, "sender: %v", err)
	}
	_, seq, err := m.Execute(ctx, msg.Op, ledger.OpTransfer)
	if err != nil {
		return nil, err
	}
	return &types.MsgTransferResponse{Sequence: seq}, nil
}
