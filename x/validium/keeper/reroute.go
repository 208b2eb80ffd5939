package keeper

import (
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"slices"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/slush-tree/slush/circuits/hash"
	slushtypes "github.com/slush-tree/slush/types"
	"github.com/slush-tree/slush/x/validium/types"
)

// rerouteAfterRollback runs right after an emergency re-election rolled child childIndex back
// (InstallOperator, DESIGN §9) with the payload hashes of the inbox entries that rollback
// un-consumed. A message this chain routed to the child while a dropped state held it as
// consumed was recorded as already delivered and queued nowhere; each chain routes a message
// once and claims are refused past the deadline, so it is queued for the child now, exactly as
// routeDown would have queued it (DESIGN §7.5). A hash that names no route record, or a record
// not already delivered to this child (a routed message the child consumed as a forced operation
// is queued again by x/validium itself), is skipped. Work is one record lookup per hash, in
// sorted order; the hashes are at most MaxInboxEntriesPerUpdate per dropped snapshot, the same
// bound as the rollback's own un-consuming. A second call finds nothing left to do.
func (k Keeper) rerouteAfterRollback(ctx context.Context, childIndex uint32, payloadHashes [][]byte) error {
	hashes := slices.Clone(payloadHashes)
	slices.SortFunc(hashes, bytes.Compare)
	hashes = slices.CompactFunc(hashes, bytes.Equal)
	for _, h := range hashes {
		record, err := k.Routes.Get(ctx, h)
		if errors.Is(err, collections.ErrNotFound) {
			continue // never routed here: the normal route or a claim still delivers it
		}
		if err != nil {
			return err
		}
		if !deliveredTo(record, childIndex) {
			continue
		}
		if _, err := k.redeliverDown(ctx, &record, true); err != nil {
			return err
		}
	}
	return nil
}

// deliveredTo reports whether a route record says this chain skipped queueing the message for
// child index because the child had already consumed it (routeDown).
func deliveredTo(record types.RouteRecord, index uint32) bool {
	return record.Status == slushtypes.MessageStatus_MESSAGE_STATUS_ROUTED_DOWN && record.AlreadyDelivered &&
		record.ChildIndex == index
}

// redeliverDown queues a record that routeDown had left already delivered, if its child no longer
// consumed the message (a re-election rolled that back), as routeDown would queue it: a mint
// operation when the child is the destination, a forward operation when the destination lies
// below it. The record then reads like any ROUTED_DOWN record (pending until the child consumes
// it). After a rollback the queue bound does not apply (validium RequeueRouted: the switch must
// not lose the message); a resubmitted route (routeAgain) stays within it. It reports whether it
// queued anything; record is updated in place.
func (k Keeper) redeliverDown(ctx context.Context, record *types.RouteRecord, afterRollback bool) (bool, error) {
	consumed, err := k.childConsumed(ctx, record.ChildIndex, record.MessageHash)
	if err != nil || consumed {
		return false, err
	}
	m, err := record.Message.Decode()
	if err != nil {
		return false, err
	}
	if !bytes.Equal(hash.EncodeElement(m.Hash()), record.MessageHash) {
		return false, errorsmod.Wrapf(types.ErrInvalidRoute, "stored message does not hash to %X", record.MessageHash)
	}
	dst, err := slushtypes.PathOfVid(m.DstVid)
	if err != nil {
		return false, errorsmod.Wrapf(types.ErrInvalidRoute, "destination: %v", err)
	}
	own, err := k.tree.OwnPath(ctx)
	if err != nil {
		return false, err
	}
	if !own.IsAncestorOf(dst) || uint32(own.NextHop(dst)) != record.ChildIndex {
		return false, errorsmod.Wrapf(types.ErrInvalidRoute, "child %d is not on the destination's branch", record.ChildIndex)
	}
	// after a rollback the queue bound does not apply: the switch must not lose the message
	if err := k.enqueueRouted(ctx, record.ChildIndex, m, len(dst) > len(own)+1, !afterRollback); err != nil {
		return false, err
	}
	record.AlreadyDelivered = false
	if err := k.Routes.Set(ctx, record.MessageHash, *record); err != nil {
		return false, err
	}
	return true, sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventRouted{
		MessageHash: record.MessageHash, Status: record.Status, ChildIndex: record.ChildIndex,
		MessageHashHex: hex.EncodeToString(record.MessageHash), Destination: dst.String(),
	})
}
