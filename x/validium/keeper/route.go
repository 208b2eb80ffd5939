package keeper

import (
	"context"
	"encoding/hex"
	"errors"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/inclusion"
	"github.com/slush-tree/slush/circuits/ledger"
	slushtypes "github.com/slush-tree/slush/types"
	"github.com/slush-tree/slush/x/validium/types"
)

// routeMessage moves an expired message one step along the fallback route (DESIGN §7.5). The
// message must carry an inclusion proof against a root commitment this chain knows, so no chain
// ever routes a message that was not burnt on its sender. Here it is then delivered (this chain
// is the destination), queued as a forced operation for the child on the destination's branch
// (this chain is an ancestor of the destination) or recorded to be carried up in this chain's
// next update (anywhere else). Each chain routes a message once (routeAgain: the one exception).
func (k Keeper) routeMessage(ctx context.Context, routed slushtypes.RoutedMessage) (types.RouteRecord, error) {
	m, err := decodeRouted(routed)
	if err != nil {
		return types.RouteRecord{}, err
	}
	return k.route(ctx, m, routed)
}

// decodeRouted reads a routed message's preimage canonically.
func decodeRouted(routed slushtypes.RoutedMessage) (inclusion.Message, error) {
	m, err := ledger.DecodeMessage(routed.Message)
	if err != nil {
		return inclusion.Message{}, errorsmod.Wrapf(types.ErrInvalidRoute, "message: %v", err)
	}
	return m, nil
}

// route is routeMessage on the decoded message m.
func (k Keeper) route(ctx context.Context, m inclusion.Message, routed slushtypes.RoutedMessage) (types.RouteRecord, error) {
	h := m.Hash()
	key := hash.EncodeElement(h)
	existing, err := k.Routes.Get(ctx, key)
	if err == nil {
		return k.routeAgain(ctx, existing)
	}
	if !errors.Is(err, collections.ErrNotFound) {
		return types.RouteRecord{}, err
	}
	if err := k.checkExpired(ctx, m.Deadline); err != nil {
		return types.RouteRecord{}, err
	}
	dst, err := slushtypes.PathOfVid(m.DstVid)
	if err != nil {
		return types.RouteRecord{}, errorsmod.Wrapf(types.ErrInvalidRoute, "destination: %v", err)
	}
	if err := k.bridge.VerifyInclusion(ctx, routed.RootHeight, inclusion.KindMessage, h, m.DstVid, routed.Proof); err != nil {
		return types.RouteRecord{}, err
	}
	own, err := k.tree.OwnPath(ctx)
	if err != nil {
		return types.RouteRecord{}, err
	}
	record := types.RouteRecord{
		Message: slushtypes.NewBridgeMessage(m), MessageHash: key, RootHeight: routed.RootHeight, Proof: routed.Proof,
		Height: sdk.UnwrapSDKContext(ctx).BlockHeight(),
	}
	switch {
	case own.Equal(dst):
		err = k.deliverRouted(ctx, m, &record)
	case own.IsAncestorOf(dst):
		err = k.routeDown(ctx, m, uint32(own.NextHop(dst)), len(dst) > len(own)+1, &record)
	default:
		record.Status = slushtypes.MessageStatus_MESSAGE_STATUS_ROUTED_UP
	}
	if err != nil {
		return types.RouteRecord{}, err
	}
	if err := k.Routes.Set(ctx, key, record); err != nil {
		return types.RouteRecord{}, err
	}
	slushtypes.Log(ctx, types.ModuleName, "routed", "msg", hex.EncodeToString(key), "status", record.Status.String(), "dst", dst.String(),
		"child", record.ChildIndex, "already_delivered", record.AlreadyDelivered)
	return record, sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventRouted{
		MessageHash: key, Status: record.Status, ChildIndex: record.ChildIndex, AlreadyDelivered: record.AlreadyDelivered,
		MessageHashHex: hex.EncodeToString(key), Destination: dst.String(),
	})
}

// routeAgain answers a message this chain routed already: ErrAlreadyRouted, except for one
// recorded as already delivered to a child that no longer holds it as consumed (a re-election
// rolled the consuming update back, DESIGN §9) and that RerouteAfterRollback could not queue
// then (the child's queue was full): resubmitting the route queues it now (DESIGN §7.5).
func (k Keeper) routeAgain(ctx context.Context, record types.RouteRecord) (types.RouteRecord, error) {
	if record.Status == slushtypes.MessageStatus_MESSAGE_STATUS_ROUTED_DOWN && record.AlreadyDelivered {
		queued, err := k.redeliverDown(ctx, &record, false)
		if err != nil {
			return types.RouteRecord{}, err
		}
		if queued {
			return record, nil
		}
	}
	return types.RouteRecord{}, errorsmod.Wrapf(types.ErrAlreadyRouted, "%X", record.MessageHash)
}

// routeFromChild takes a routed message a child's update carries up (recordRouting, while
// accepting the update). The message must come from the child's own subtree: a child passes up
// only what its branch sent.
func (k Keeper) routeFromChild(ctx context.Context, index uint32, routed slushtypes.RoutedMessage) (bool, error) {
	m, err := decodeRouted(routed)
	if err != nil {
		return false, err
	}
	src, err := slushtypes.PathOfVid(m.SrcVid)
	if err != nil {
		return false, errorsmod.Wrapf(types.ErrInvalidRoute, "source: %v", err)
	}
	own, err := k.tree.OwnPath(ctx)
	if err != nil {
		return false, err
	}
	if childPath := own.Child(uint8(index)); !childPath.Equal(src) && !childPath.IsAncestorOf(src) {
		return false, errorsmod.Wrapf(types.ErrInvalidRoute, "child %d carries a message from outside its subtree", index)
	}
	if _, err := k.route(ctx, m, routed); err != nil {
		if errors.Is(err, types.ErrAlreadyRouted) { // carried again (e.g. also submitted directly): nothing new
			return false, nil
		}
		return false, err
	}
	return true, nil
}

// checkExpired allows routing only once the root clock is past the deadline: before it, the
// message can only be claimed (checkDeadline), so the two paths never overlap in time here.
func (k Keeper) checkExpired(ctx context.Context, deadline uint64) error {
	now, err := k.tree.RootHeight(ctx)
	if err != nil {
		return err
	}
	if now <= deadline {
		return errorsmod.Wrapf(types.ErrNotExpired, "deadline %d, root height %d", deadline, now)
	}
	return nil
}

// deliverRouted mints a routed message at its destination (x/bridge), unless a claim minted it
// already: the nullifier is shared by both paths, so a message is minted here exactly once
// (DESIGN §7.5).
func (k Keeper) deliverRouted(ctx context.Context, m inclusion.Message, record *types.RouteRecord) error {
	record.Status = slushtypes.MessageStatus_MESSAGE_STATUS_DELIVERED
	delivered, err := k.bridge.DeliverRouted(ctx, m)
	record.AlreadyDelivered = delivered
	return err
}

// routeDown queues the message as a forced operation for the child on the destination's branch.
// When that child is the destination and has already consumed the message (it claimed it before
// the route got here), nothing is queued: the child could never mint it a second time (unless a
// re-election drops that consumption: rerouteAfterRollback then queues it, DESIGN §9).
func (k Keeper) routeDown(ctx context.Context, m inclusion.Message, child uint32, forward bool, record *types.RouteRecord) error {
	record.Status = slushtypes.MessageStatus_MESSAGE_STATUS_ROUTED_DOWN
	record.ChildIndex = child
	if !forward {
		consumed, err := k.childConsumed(ctx, child, record.MessageHash)
		if err != nil {
			return err
		}
		if consumed {
			record.AlreadyDelivered = true
			return nil
		}
	}
	return k.enqueueRouted(ctx, child, m, forward, true)
}
