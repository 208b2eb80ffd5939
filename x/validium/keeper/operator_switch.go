package keeper

import (
	"bytes"
	"context"
	"errors"
	"slices"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"
	sdkmath "cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/x/validium/types"
)

// InstallOperator is the operator switch of an emergency re-election (DESIGN §9), called by
// x/election once a majority of the child's descendants voted for a candidate: the child is
// rolled back to its finalized commitment (its roots, inbox head, anchor and children-SMT leaf;
// the history and snapshots after it are dropped, the forced operations consumed after it are
// queued again with a fresh deadline and the inbox entries consumed after it are un-consumed), the
// candidate's address and operator key hash are installed, the epoch is bumped (so updates made
// for the old epoch fail checkOperator), and slashBps of the old operator's bond is burnt; the
// rest of the bond goes back to the old operator; a message this chain recorded as already
// delivered to the child because of an entry the rollback un-consumed is routed to it again
// (DESIGN §7.5), and x/acceptance drops the child's hashes after the finalized one. It returns the
// child as it was and the slashed amount. A frozen child is refused: its users exit from the same
// finalized state instead.
func (k Keeper) InstallOperator(
	ctx context.Context, index uint32, operator string, operatorKeyHash []byte, slashBps uint32,
) (types.Child, sdk.Coin, error) {
	child, err := k.GetChild(ctx, index)
	if err != nil {
		return types.Child{}, sdk.Coin{}, err
	}
	if child.Status == types.ChildStatus_CHILD_STATUS_FROZEN {
		return types.Child{}, sdk.Coin{}, errorsmod.Wrapf(types.ErrChildFrozen, "child %d", index)
	}
	if _, err := k.addressCodec.StringToBytes(operator); err != nil {
		return types.Child{}, sdk.Coin{}, errorsmod.Wrapf(types.ErrInvalidAddress, "operator: %v", err)
	}
	if _, err := hash.DecodeElement(operatorKeyHash); err != nil {
		return types.Child{}, sdk.Coin{}, errorsmod.Wrapf(types.ErrInvalidField, "operator_key_hash: %v", err)
	}
	if slashBps > types.MaxSlashBps {
		return types.Child{}, sdk.Coin{}, errorsmod.Wrapf(types.ErrCannotSlash, "slash share %d bps", slashBps)
	}
	finalized, ok, err := k.finalizedCommitment(ctx, index)
	if err != nil {
		return types.Child{}, sdk.Coin{}, err
	}
	if !ok {
		return types.Child{}, sdk.Coin{}, errorsmod.Wrapf(types.ErrNotFinalized, "child %d", index)
	}
	finalizedHash, err := hash.DecodeElement(finalized)
	if err != nil {
		return types.Child{}, sdk.Coin{}, errorsmod.Wrapf(types.ErrInvalidField, "finalized commitment: %v", err)
	}
	snap, err := k.Snapshots.Get(ctx, collections.Join(index, finalized))
	if errors.Is(err, collections.ErrNotFound) {
		return types.Child{}, sdk.Coin{}, errorsmod.Wrapf(types.ErrNoSnapshot, "child %d", index)
	}
	if err != nil {
		return types.Child{}, sdk.Coin{}, err
	}
	if snap.Departure != nil { // the finalized state left with the child: issue 20
		return types.Child{}, sdk.Coin{}, errorsmod.Wrapf(types.ErrChildDeparted, "child %d", index)
	}
	unconsumed, err := k.rollBackAfter(ctx, index, snap.AnchorHeight)
	if err != nil {
		return types.Child{}, sdk.Coin{}, err
	}
	previous := child
	child.LatestCommitment = bytes.Clone(finalized)
	child.LedgerRoot, child.OutboxRoot, child.InboxHead = snap.LedgerRoot, snap.OutboxRoot, snap.InboxHead
	child.ReceiptRoot = snap.ReceiptRoot
	child.AnchorHeight = snap.AnchorHeight
	child.Departure, child.DepartureAnchorHeight = nil, 0 // the departing commitments are dropped
	child.Operator = operator
	child.OperatorKeyHash = bytes.Clone(operatorKeyHash)
	child.Epoch = previous.Epoch + 1
	slashed, err := k.slashBond(ctx, previous, slashBps)
	if err != nil {
		return types.Child{}, sdk.Coin{}, err
	}
	child.Bond = sdk.Coin{Denom: previous.Bond.Denom, Amount: sdkmath.ZeroInt()}
	if err := k.Children.Set(ctx, index, child); err != nil {
		return types.Child{}, sdk.Coin{}, err
	}
	if err := k.setChildLeaf(ctx, index, finalizedHash); err != nil {
		return types.Child{}, sdk.Coin{}, err
	}
	if err := k.rerouteAfterRollback(ctx, index, unconsumed); err != nil {
		return types.Child{}, sdk.Coin{}, err
	}
	return previous, slashed, k.acceptance.RollbackToFinalized(ctx, index)
}

// slashBond burns slashBps of the old operator's bond from the module account and returns the
// rest to the old operator, which no longer operates the child (DESIGN §9: "the old operator's
// bond is slashed").
func (k Keeper) slashBond(ctx context.Context, old types.Child, slashBps uint32) (sdk.Coin, error) {
	slashed, refund, err := types.SplitSlash(old.Bond, slashBps)
	if err != nil {
		return sdk.Coin{}, err
	}
	if slashed.Amount.IsPositive() {
		if err := k.bank.BurnCoins(ctx, types.ModuleName, sdk.NewCoins(slashed)); err != nil {
			return sdk.Coin{}, errorsmod.Wrap(types.ErrCannotSlash, err.Error())
		}
	}
	if refund.Amount.IsPositive() {
		addr, err := k.addressCodec.StringToBytes(old.Operator)
		if err != nil {
			return sdk.Coin{}, errorsmod.Wrapf(types.ErrInvalidAddress, "old operator: %v", err)
		}
		if err := k.bank.SendCoinsFromModuleToAccount(ctx, types.ModuleName, addr, sdk.NewCoins(refund)); err != nil {
			return sdk.Coin{}, err
		}
	}
	return slashed, nil
}

// rollBackAfter drops what the child's updates anchored above rootHeight left: their history
// entries and snapshots; the forced operations they consumed are queued again, with a deadline
// counted from now, so the elected operator must mint them (their deposits were burnt here and
// only minted in the state that is rolled back), and the inbox entries they consumed first are
// no longer consumed, so a message minted only in the dropped state is routed to the child again
// (DESIGN §7.5, §9); the forced withdrawals proven by a dropped state are pending again (issue 20).
// It returns the un-consumed entries' payload hashes, sorted: at most
// MaxInboxEntriesPerUpdate per dropped snapshot.
func (k Keeper) rollBackAfter(ctx context.Context, index uint32, rootHeight uint64) ([][]byte, error) {
	var later []collections.Pair[uint32, []byte]
	err := k.Snapshots.Walk(ctx, collections.NewPrefixedPairRange[uint32, []byte](index),
		func(key collections.Pair[uint32, []byte], snap types.Child) (bool, error) {
			if snap.AnchorHeight > rootHeight {
				later = append(later, key)
			}
			return false, nil
		})
	if err != nil {
		return nil, err
	}
	var restored []types.ForcedOperation
	var unconsumed [][]byte
	for _, key := range later {
		ops, entries, err := k.removeSnapshot(ctx, key)
		if err != nil {
			return nil, err
		}
		restored = append(restored, ops...)
		for _, h := range entries {
			if err := k.ConsumedEntries.Remove(ctx, collections.Join(index, h)); err != nil {
				return nil, err
			}
		}
		unconsumed = append(unconsumed, entries...)
	}
	if err := k.History.Clear(ctx, new(collections.Range[collections.Pair[uint32, uint64]]).
		StartExclusive(collections.Join(index, rootHeight)).
		EndInclusive(collections.Join(index, ^uint64(0)))); err != nil {
		return nil, err
	}
	slices.SortFunc(unconsumed, bytes.Compare)
	unconsumed = slices.CompactFunc(unconsumed, bytes.Equal) // an entry is filed once; kept as a guard
	// issue 20: forced withdrawals proven by a dropped state are pending again
	if err := k.reopenWithdrawalsAfter(ctx, index, rootHeight); err != nil {
		return nil, err
	}
	return unconsumed, k.requeueForcedOps(ctx, index, restored)
}
