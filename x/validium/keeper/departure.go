package keeper

import (
	"context"
	"errors"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"

	sdk "github.com/cosmos/cosmos-sdk/types"

	slushtypes "github.com/slush-tree/slush/types"
	"github.com/slush-tree/slush/x/validium/types"
)

// checkDeparture applies the departure rules to an update (docs/PROTOCOL.md "Re-parenting"
// 1.-2.): a departed child takes no update, a departing one only departing updates to the same
// place, and a first departure must be one this chain can grant. starts reports whether the
// update starts the departure.
func (k Keeper) checkDeparture(ctx context.Context, params types.Params, child types.Child, msg *types.MsgSubmitUpdate) (starts bool, err error) {
	if child.Departure == nil {
		if msg.Departure == nil {
			return false, nil
		}
		return true, k.checkFirstDeparture(ctx, params, child, *msg.Departure)
	}
	departed, err := k.hasDeparted(ctx, child)
	switch {
	case err != nil:
		return false, err
	case departed:
		return false, errorsmod.Wrapf(types.ErrChildDeparted, "child %d left for %v", child.Index, child.Departure.NewParent)
	case msg.Departure == nil:
		return false, errorsmod.Wrapf(types.ErrChildDeparting, "child %d may only submit departing updates", child.Index)
	case !msg.Departure.Equal(*child.Departure):
		return false, errorsmod.Wrapf(types.ErrInvalidDeparture, "child %d departs for %v by %s", child.Index, child.Departure.NewParent, child.Departure.NewOperator)
	}
	return false, nil
}

// expectedOperatorKey is what a child's new commitment must carry in its operator_key_hash
// field: the child's key hash, or for a departing update the departure mark naming the new
// parent and operator at the child's inbox head here (docs/PROTOCOL.md "Re-parenting" 1.).
func (k Keeper) expectedOperatorKey(child types.Child, msg *types.MsgSubmitUpdate) (fr.Element, error) {
	key, err := slushtypes.DecodeOperatorKeyHash(child.OperatorKeyHash)
	if err != nil || msg.Departure == nil {
		return key, err
	}
	head, err := decodeHead(child.InboxHead)
	if err != nil {
		return fr.Element{}, err
	}
	return k.departureMark(key, *msg.Departure, head)
}

// departureMark is types.DepartureMark for a departure as messages name it, at the child's
// inbox head here (a departing update consumes no entry, so it stays put).
func (k Keeper) departureMark(key fr.Element, d types.Departure, inboxHead fr.Element) (fr.Element, error) {
	dest, err := d.NewParentPath()
	if err != nil {
		return fr.Element{}, err
	}
	vid, err := dest.Vid()
	if err != nil {
		return fr.Element{}, errorsmod.Wrap(types.ErrInvalidDeparture, err.Error())
	}
	operator, err := k.addressCodec.StringToBytes(d.NewOperator)
	if err != nil {
		return fr.Element{}, errorsmod.Wrapf(types.ErrInvalidDeparture, "new_operator: %v", err)
	}
	return types.DepartureMark(key, vid, operator, inboxHead)
}

// checkFirstDeparture grants a child's departure (docs/PROTOCOL.md "Re-parenting" 1.): nothing
// is pending for it here (a forced operation or withdrawal would be neither processed nor
// exitable once it is gone), the destination is neither this chain nor inside the child's own
// subtree and leaves room for the child within max_depth, and this chain does not require step
// proofs (no step kind proves a departure mark yet).
func (k Keeper) checkFirstDeparture(ctx context.Context, params types.Params, child types.Child, d types.Departure) error {
	if params.Recursive() {
		return errorsmod.Wrap(types.ErrInvalidDeparture, "no step kind proves a departure: not under RECURSIVE subtree proofs")
	}
	pending, err := k.hasPendingForcedOps(ctx, child.Index)
	if err != nil {
		return err
	}
	withdrawals, err := k.pendingWithdrawals(ctx, child.Index)
	if err != nil {
		return err
	}
	if pending || withdrawals > 0 {
		return errorsmod.Wrapf(types.ErrPendingForcedOps, "child %d must process its forced operations and withdrawals before departing", child.Index)
	}
	dest, err := d.NewParentPath()
	if err != nil {
		return err
	}
	id, err := k.tree.GetIdentity(ctx)
	if err != nil {
		return err
	}
	own, err := slushtypes.PathFromIndices(id.Path)
	if err != nil {
		return err
	}
	childPath := own.Child(uint8(child.Index))
	switch {
	case dest.Equal(own):
		return errorsmod.Wrapf(types.ErrInvalidDeparture, "child %d is already under %s", child.Index, own)
	case childPath.Equal(dest) || childPath.IsAncestorOf(dest):
		return errorsmod.Wrapf(types.ErrInvalidDeparture, "%s cannot move under its own subtree %s", childPath, dest)
	case uint32(len(dest))+1 > id.MaxDepth:
		return errorsmod.Wrapf(types.ErrInvalidDeparture, "under %s the child would be deeper than max_depth %d", dest, id.MaxDepth)
	}
	return nil
}

// startDeparture marks the child departing before its first departing update is recorded, so
// the update's snapshot carries the departure (hasDeparted reads it from the finalized one).
func startDeparture(child *types.Child, d types.Departure, anchor uint64) {
	child.Departure = &types.Departure{NewParent: append([]uint32(nil), d.NewParent...), NewOperator: d.NewOperator}
	child.DepartureAnchorHeight = anchor
}

// emitDeparting logs and emits the start of a departure.
func emitDeparting(ctx context.Context, child types.Child) error {
	slushtypes.Log(ctx, types.ModuleName, "child departing", "child", child.Index,
		"new_parent", child.Departure.NewParent, "new_operator", child.Departure.NewOperator, "anchor", child.DepartureAnchorHeight)
	return sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventChildDeparting{
		ChildIndex: child.Index, NewParent: child.Departure.NewParent, NewOperator: child.Departure.NewOperator,
		AnchorHeight: child.DepartureAnchorHeight,
	})
}

// hasDeparted reports whether a departing child has left (docs/PROTOCOL.md "Re-parenting" 2.):
// its finalized commitment here is a departing one — the snapshot kept for it carries the
// departure. A missing snapshot of a departing child's finalized commitment counts as departed:
// refusing is the side that can never pay twice.
func (k Keeper) hasDeparted(ctx context.Context, child types.Child) (bool, error) {
	if child.Departure == nil {
		return false, nil
	}
	finalized, ok, err := k.finalizedCommitment(ctx, child.Index)
	if err != nil || !ok {
		return false, err
	}
	snap, err := k.Snapshots.Get(ctx, collections.Join(child.Index, finalized))
	if errors.Is(err, collections.ErrNotFound) {
		return true, nil
	}
	if err != nil {
		return false, err
	}
	return snap.Departure != nil, nil
}

// detachIfDeparted tells x/acceptance to stop counting a child whose departure this update made
// final here (docs/PROTOCOL.md "Re-parenting" 2.): its subtree is its new parent's now, and left
// in this chain's report it would hold this chain's finality back for good.
func (k Keeper) detachIfDeparted(ctx context.Context, child types.Child) error {
	departed, err := k.hasDeparted(ctx, child)
	if err != nil || !departed {
		return err
	}
	slushtypes.Log(ctx, types.ModuleName, "child departed", "child", child.Index, "new_parent", child.Departure.NewParent)
	return k.acceptance.OnChildDeparted(ctx, child.Index)
}

// refuseDeparting is the check of everything but a departing update that would reach a child:
// forced operations and withdrawals, routes down, exits (docs/PROTOCOL.md "Re-parenting").
func refuseDeparting(child types.Child) error {
	if child.Departure != nil {
		return errorsmod.Wrapf(types.ErrChildDeparting, "child %d leaves for %v", child.Index, child.Departure.NewParent)
	}
	return nil
}

// releaseDepartedBond is deregistration of a departed child (docs/PROTOCOL.md "Re-parenting"
// 2.): its bond goes back to its operator, but the record, its leaf and its index stay — messages
// it sent before it left are claimed through that leaf, and a new chain at the index would have
// its old vid. Before the departure is final the child could still be re-elected here.
func (k Keeper) releaseDepartedBond(ctx context.Context, child types.Child) error {
	departed, err := k.hasDeparted(ctx, child)
	if err != nil {
		return err
	}
	if !departed {
		return errorsmod.Wrapf(types.ErrChildDeparting, "child %d: its departure is not final yet", child.Index)
	}
	if !child.Bond.IsPositive() {
		return errorsmod.Wrapf(types.ErrChildDeparted, "child %d: its bond was returned already", child.Index)
	}
	operator, err := k.addressCodec.StringToBytes(child.Operator)
	if err != nil {
		return err
	}
	if err := k.bank.SendCoinsFromModuleToAccount(ctx, types.ModuleName, operator, sdk.NewCoins(child.Bond)); err != nil {
		return err
	}
	child.Bond = sdk.NewInt64Coin(child.Bond.Denom, 0)
	return k.Children.Set(ctx, child.Index, child)
}

// ownOperatorField is the operator_key_hash field of this chain's own commitment: its key hash,
// or once its departure is marked (x/tree, issue 20) the departure mark its parent checks on
// every departing update — at the ledger's inbox head, which the parent holds once it holds the
// whole ledger (the departure is marked only then; the ledger is frozen since it was prepared).
func (k Keeper) ownOperatorField(ctx context.Context, key, inboxHead fr.Element) (fr.Element, error) {
	d, err := k.tree.MarkedDeparture(ctx)
	if err != nil || d == nil {
		return key, err
	}
	mark, err := k.departureMark(key, types.Departure{NewParent: d.NewParent, NewOperator: d.NewOperator}, inboxHead)
	if err != nil { // never halt a block over it: the parent then refuses the unmarked commitment
		k.logger.Error("departure mark not computable; committing the key hash", "err", err)
		return key, nil
	}
	return mark, nil
}
