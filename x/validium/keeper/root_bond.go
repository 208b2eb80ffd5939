package keeper

import (
	"bytes"
	"context"
	"encoding/hex"
	"errors"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"
	sdkmath "cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"

	slushtypes "github.com/slush-tree/slush/types"
	"github.com/slush-tree/slush/x/validium/types"
)

// PostRootBond escrows the root operator's bond for the root's current epoch, or tops it up
// (DESIGN §10: "the old operator's bond is slashed" when a root re-election replaces the epoch).
// The root is nobody's child, so its operator's bond lives here, on the root itself, once the
// validium-consensus upgrade made the operator its one validator. The message names the epoch
// and operator key hash of the root's x/tree identity, so a post meant for an epoch that was
// since replaced fails. Any account may post the epoch's first bond, of at least
// params.min_child_bond, and becomes its owner; only the owner tops it up, by any positive
// amount. There is no withdrawal: the bond's epoch is always the root's current one, and the
// restarted root's genesis after a re-election slashes it (internal/adopt RootGenesis).
func (m msgServer) PostRootBond(ctx context.Context, msg *types.MsgPostRootBond) (*types.MsgPostRootBondResponse, error) {
	owner, err := m.addressCodec.StringToBytes(msg.Owner)
	if err != nil {
		return nil, errorsmod.Wrapf(types.ErrInvalidAddress, "owner: %v", err)
	}
	if err := m.checkRootBondTarget(ctx, msg.Epoch, msg.OperatorKeyHash); err != nil {
		return nil, err
	}
	params, err := m.Params.Get(ctx)
	if err != nil {
		return nil, err
	}
	if err := checkBondAmount(msg.Amount, params); err != nil {
		return nil, err
	}
	bond, err := m.RootBond.Get(ctx)
	switch {
	case errors.Is(err, collections.ErrNotFound):
		if msg.Amount.IsLT(params.MinChildBond) {
			return nil, errorsmod.Wrapf(types.ErrBondTooLow, "a first root bond of %s, the minimum is %s", msg.Amount, params.MinChildBond)
		}
		bond = types.RootBond{
			Epoch: msg.Epoch, OperatorKeyHash: bytes.Clone(msg.OperatorKeyHash), Owner: msg.Owner,
			Amount: sdk.NewCoin(msg.Amount.Denom, sdkmath.ZeroInt()),
		}
	case err != nil:
		return nil, err
	case bond.Epoch != msg.Epoch || !bytes.Equal(bond.OperatorKeyHash, msg.OperatorKeyHash):
		// unreachable while InitGenesis keeps the bond on the identity's epoch; refused, not panicked
		return nil, errorsmod.Wrapf(types.ErrRootBondMismatch, "the stored root bond is for epoch %d", bond.Epoch)
	case bond.Owner != msg.Owner:
		return nil, errorsmod.Wrapf(types.ErrRootBondOwner, "the root bond of epoch %d is %s's", bond.Epoch, bond.Owner)
	case bond.Amount.Denom != msg.Amount.Denom:
		return nil, errorsmod.Wrapf(types.ErrBondTooLow, "the root bond is in %s", bond.Amount.Denom)
	}
	if err := m.bank.SendCoinsFromAccountToModule(ctx, owner, types.ModuleName, sdk.NewCoins(msg.Amount)); err != nil {
		return nil, err
	}
	bond.Amount = bond.Amount.Add(msg.Amount)
	if err := m.RootBond.Set(ctx, bond); err != nil {
		return nil, err
	}
	err = sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventRootBondPosted{
		Owner: bond.Owner, Epoch: bond.Epoch, OperatorKeyHash: hex.EncodeToString(bond.OperatorKeyHash),
		Amount: msg.Amount.String(), Bond: bond.Amount.String(),
	})
	return &types.MsgPostRootBondResponse{Bond: bond}, err
}

// checkRootBondTarget requires this chain to be the root under validium consensus (DESIGN §10)
// and (epoch, operatorKeyHash) to be its x/tree identity's.
func (k Keeper) checkRootBondTarget(ctx context.Context, epoch uint64, operatorKeyHash []byte) error {
	id, err := k.tree.GetIdentity(ctx)
	if err != nil {
		return err
	}
	if !id.IsRoot() {
		return errorsmod.Wrapf(types.ErrRootBondNotRoot, "this chain is %v", id.Path)
	}
	if _, under, err := k.tree.ValidiumConsensusState(ctx); err != nil {
		return err
	} else if !under {
		return errorsmod.Wrap(types.ErrRootNotValidiumConsensus, "the root's validators are x/staking's until the validium-consensus upgrade")
	}
	if epoch != id.Epoch || !bytes.Equal(operatorKeyHash, id.OperatorKeyHash) {
		return errorsmod.Wrapf(types.ErrRootBondMismatch, "epoch %d, operator key hash %X; the root is at epoch %d, operator key hash %X",
			epoch, operatorKeyHash, id.Epoch, id.OperatorKeyHash)
	}
	return nil
}

// RootBond returns the root operator's bond (NotFound when none is posted).
func (q queryServer) RootBond(ctx context.Context, _ *types.QueryRootBondRequest) (*types.QueryRootBondResponse, error) {
	bond, err := q.k.RootBond.Get(ctx)
	if errors.Is(err, collections.ErrNotFound) {
		return nil, slushtypes.NotFoundf("no root bond: it is posted on the root under validium consensus with 'tx validium post-root-bond'")
	}
	if err != nil {
		return nil, err
	}
	return &types.QueryRootBondResponse{Bond: bond}, nil
}
