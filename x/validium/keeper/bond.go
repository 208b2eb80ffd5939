package keeper

import (
	"context"

	errorsmod "cosmossdk.io/errors"
	sdkmath "cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/slush-tree/slush/x/validium/types"
)

// PostBond adds to a child's escrowed bond, paid by the child's current operator: an operator
// installed by an emergency re-election starts with none (DESIGN §9), and the bond is what a
// later re-election slashes. A frozen child's bond only waits for its users' exits, so it takes
// no more.
func (m msgServer) PostBond(ctx context.Context, msg *types.MsgPostBond) (*types.MsgPostBondResponse, error) {
	operator, err := m.addressCodec.StringToBytes(msg.Operator)
	if err != nil {
		return nil, errorsmod.Wrapf(types.ErrInvalidAddress, "operator: %v", err)
	}
	params, err := m.Params.Get(ctx)
	if err != nil {
		return nil, err
	}
	if err := checkBondAmount(msg.Amount, params); err != nil {
		return nil, err
	}
	child, err := m.GetChild(ctx, msg.ChildIndex)
	if err != nil {
		return nil, err
	}
	if child.Operator != msg.Operator {
		return nil, errorsmod.Wrapf(types.ErrWrongOperator, "child %d is operated by %s", child.Index, child.Operator)
	}
	if child.Status == types.ChildStatus_CHILD_STATUS_FROZEN {
		return nil, errorsmod.Wrapf(types.ErrChildFrozen, "child %d", child.Index)
	}
	bond := child.Bond
	if bond.Amount.IsNil() || bond.Amount.IsZero() {
		bond = sdk.Coin{Denom: msg.Amount.Denom, Amount: sdkmath.ZeroInt()}
	}
	if bond.Denom != msg.Amount.Denom {
		return nil, errorsmod.Wrapf(types.ErrBondTooLow, "child %d is bonded in %s", child.Index, bond.Denom)
	}
	if err := m.bank.SendCoinsFromAccountToModule(ctx, operator, types.ModuleName, sdk.NewCoins(msg.Amount)); err != nil {
		return nil, err
	}
	child.Bond = bond.Add(msg.Amount)
	if err := m.Children.Set(ctx, child.Index, child); err != nil {
		return nil, err
	}
	err = sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventBondPosted{
		ChildIndex: child.Index, Operator: msg.Operator, Amount: msg.Amount.String(), Bond: child.Bond.String(),
	})
	return &types.MsgPostBondResponse{Bond: child.Bond}, err
}

// checkBondAmount requires a bond payment, of a child's or the root operator's bond, to be a
// valid positive coin in the denom of params.min_child_bond.
func checkBondAmount(amount sdk.Coin, params types.Params) error {
	if err := amount.Validate(); err != nil || !amount.IsPositive() {
		return errorsmod.Wrapf(types.ErrBondTooLow, "amount %s: a positive amount is required", amount)
	}
	if amount.Denom != params.MinChildBond.Denom {
		return errorsmod.Wrapf(types.ErrBondTooLow, "amount in %s, bonds are in %s", amount.Denom, params.MinChildBond.Denom)
	}
	return nil
}
