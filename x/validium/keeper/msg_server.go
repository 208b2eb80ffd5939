package keeper

import (
	"context"

	errorsmod "cosmossdk.io/errors"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/slush-tree/slush/internal/paramsupdate"
	"github.com/slush-tree/slush/x/validium/types"
)

type msgServer struct {
	*Keeper
}

var _ types.MsgServer = msgServer{}

// NewMsgServerImpl returns the x/validium Msg service.
func NewMsgServerImpl(k *Keeper) types.MsgServer { return msgServer{Keeper: k} }

// UpdateParams replaces the params; only the governance authority may call it.
func (m msgServer) UpdateParams(ctx context.Context, msg *types.MsgUpdateParams) (*types.MsgUpdateParamsResponse, error) {
	if msg.Authority == m.authority && msg.Params.Recursive() {
		if err := m.checkRecursiveSwitch(ctx); err != nil {
			return nil, err
		}
	}
	if err := paramsupdate.Apply(ctx, m.Params, m.authority, msg.Authority, msg.Params, types.ErrInvalidSigner); err != nil {
		return nil, err
	}
	return &types.MsgUpdateParamsResponse{}, nil
}

// RegisterChild registers a child validium under the next free index (DESIGN §5).
func (m msgServer) RegisterChild(ctx context.Context, msg *types.MsgRegisterChild) (*types.MsgRegisterChildResponse, error) {
	operator, err := m.addressCodec.StringToBytes(msg.Operator)
	if err != nil {
		return nil, errorsmod.Wrapf(types.ErrInvalidAddress, "operator: %v", err)
	}
	params, err := m.Params.Get(ctx)
	if err != nil {
		return nil, err
	}
	if err := msg.Bond.Validate(); err != nil {
		return nil, errorsmod.Wrapf(types.ErrBondTooLow, "bond: %v", err)
	}
	if msg.Bond.Denom != params.MinChildBond.Denom || msg.Bond.Amount.LT(params.MinChildBond.Amount) {
		return nil, errorsmod.Wrapf(types.ErrBondTooLow, "bond %s, minimum %s", msg.Bond, params.MinChildBond)
	}
	index, path, err := m.registerChild(ctx, operator, msg)
	if err != nil {
		return nil, err
	}
	err = sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventChildRegistered{
		ChildIndex: index, Operator: msg.Operator, Bond: msg.Bond.String(),
	})
	return &types.MsgRegisterChildResponse{Index: index, Path: path}, err
}

// DeregisterChild removes a child with no pending forced operations and returns its bond.
func (m msgServer) DeregisterChild(ctx context.Context, msg *types.MsgDeregisterChild) (*types.MsgDeregisterChildResponse, error) {
	if _, err := m.addressCodec.StringToBytes(msg.Operator); err != nil {
		return nil, errorsmod.Wrapf(types.ErrInvalidAddress, "operator: %v", err)
	}
	if err := m.deregisterChild(ctx, msg.Operator, msg.ChildIndex); err != nil {
		return nil, err
	}
	err := sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventChildDeregistered{ChildIndex: msg.ChildIndex})
	return &types.MsgDeregisterChildResponse{}, err
}

// ForceOperation queues a forced operation for a child (DESIGN §8).
func (m msgServer) ForceOperation(ctx context.Context, msg *types.MsgForceOperation) (*types.MsgForceOperationResponse, error) {
	if _, err := m.addressCodec.StringToBytes(msg.Depositor); err != nil {
		return nil, errorsmod.Wrapf(types.ErrInvalidAddress, "depositor: %v", err)
	}
	op, err := m.enqueueForcedOp(ctx, msg.Depositor, msg.ChildIndex, msg.Op)
	if err != nil {
		return nil, err
	}
	return &types.MsgForceOperationResponse{Sequence: op.Sequence, Deadline: op.Deadline, PayloadHash: op.PayloadHash}, nil
}

// SubmitUpdate accepts a child's proven state update (DESIGN §5).
func (m msgServer) SubmitUpdate(ctx context.Context, msg *types.MsgSubmitUpdate) (*types.MsgSubmitUpdateResponse, error) {
	if _, err := m.addressCodec.StringToBytes(msg.Operator); err != nil {
		return nil, errorsmod.Wrapf(types.ErrInvalidAddress, "operator: %v", err)
	}
	if err := msg.ValidateStateless(); err != nil { // before anything reads state
		return nil, err
	}
	return m.submitUpdate(ctx, msg)
}

// Exit pays out an account of a frozen child on this chain's ledger (DESIGN §8).
func (m msgServer) Exit(ctx context.Context, msg *types.MsgExit) (*types.MsgExitResponse, error) {
	if _, err := m.addressCodec.StringToBytes(msg.Sender); err != nil {
		return nil, errorsmod.Wrapf(types.ErrInvalidAddress, "sender: %v", err)
	}
	amount, err := m.exit(ctx, msg)
	if err != nil {
		return nil, err
	}
	return &types.MsgExitResponse{Amount: amount}, nil
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

// ForceWithdrawal queues a withdrawal a user forces on a child (issue 20).
func (m msgServer) ForceWithdrawal(ctx context.Context, msg *types.MsgForceWithdrawal) (*types.MsgForceWithdrawalResponse, error) {
	if _, err := m.addressCodec.StringToBytes(msg.Requester); err != nil {
		return nil, errorsmod.Wrapf(types.ErrInvalidAddress, "requester: %v", err)
	}
	if err := msg.ValidateBasic(); err != nil { // before anything reads state
		return nil, err
	}
	w, err := m.forceWithdrawal(ctx, msg)
	if err != nil {
		return nil, err
	}
	return &types.MsgForceWithdrawalResponse{Sequence: w.Sequence, Deadline: w.Deadline, OpHash: w.OpHash}, nil
}

// ProveForcedWithdrawal satisfies a pending forced withdrawal (issue 20).
func (m msgServer) ProveForcedWithdrawal(ctx context.Context, msg *types.MsgProveForcedWithdrawal) (*types.MsgProveForcedWithdrawalResponse, error) {
	if _, err := m.addressCodec.StringToBytes(msg.Sender); err != nil {
		return nil, errorsmod.Wrapf(types.ErrInvalidAddress, "sender: %v", err)
	}
	if err := msg.ValidateBasic(); err != nil { // before anything reads state
		return nil, err
	}
	w, err := m.proveForcedWithdrawal(ctx, msg)
	if err != nil {
		return nil, err
	}
	return &types.MsgProveForcedWithdrawalResponse{Status: w.Status, MessageHash: w.MessageHash, NoOpReason: w.NoOpReason}, nil
}

// ExecuteForcedWithdrawal executes, on the child, a forced withdrawal of the parent's queue (issue 20).
func (m msgServer) ExecuteForcedWithdrawal(ctx context.Context, msg *types.MsgExecuteForcedWithdrawal) (*types.MsgExecuteForcedWithdrawalResponse, error) {
	if _, err := m.addressCodec.StringToBytes(msg.Sender); err != nil {
		return nil, errorsmod.Wrapf(types.ErrInvalidAddress, "sender: %v", err)
	}
	if err := msg.ValidateBasic(); err != nil { // before anything reads state
		return nil, err
	}
	return m.executeForcedWithdrawal(ctx, msg)
}

// LeaveFrozenParent records the departure of a child of a frozen child (issue 20). The gas of
// the signature check and the two openings is charged before they run.
func (m msgServer) LeaveFrozenParent(ctx context.Context, msg *types.MsgLeaveFrozenParent) (*types.MsgLeaveFrozenParentResponse, error) {
	if _, err := m.addressCodec.StringToBytes(msg.Submitter); err != nil {
		return nil, errorsmod.Wrapf(types.ErrInvalidAddress, "submitter: %v", err)
	}
	if err := msg.ValidateBasic(); err != nil { // before anything reads state
		return nil, err
	}
	sdk.UnwrapSDKContext(ctx).GasMeter().ConsumeGas(types.LeaveFrozenGas, "leave frozen parent")
	d, err := m.leaveFrozenParent(ctx, msg)
	if err != nil {
		return nil, err
	}
	return &types.MsgLeaveFrozenParentResponse{Departure: d}, nil
}
