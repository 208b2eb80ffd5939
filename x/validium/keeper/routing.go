package keeper

import (
	"context"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/inclusion"
	"github.com/slush-tree/slush/circuits/ledger"
	"github.com/slush-tree/slush/x/validium/types"
)

// EnqueueRouted queues a message on the fallback route for the child on its destination's
// branch (DESIGN §7.5). Nothing is burnt here: the message was burnt on its sender, which the
// router checked with an inclusion proof. forward marks a destination below the child, which
// then consumes the operation by forwarding it, not by minting it.
func (k Keeper) EnqueueRouted(ctx context.Context, index uint32, m inclusion.Message, forward bool) error {
	return k.enqueueRouted(ctx, index, m, forward, true)
}

// RequeueRouted is EnqueueRouted without the queue bound, for messages an emergency re-election
// un-consumed (DESIGN §9): like the forced operations requeueForcedOps puts back, they are
// bounded by what the dropped updates consumed, and refusing them would lose the funds.
func (k Keeper) RequeueRouted(ctx context.Context, index uint32, m inclusion.Message, forward bool) error {
	return k.enqueueRouted(ctx, index, m, forward, false)
}

// enqueueRouted queues a routed message for an active child, within the queue bound if bounded.
func (k Keeper) enqueueRouted(ctx context.Context, index uint32, m inclusion.Message, forward, bounded bool) error {
	child, err := k.GetChild(ctx, index)
	if err != nil {
		return err
	}
	if child.Status != types.ChildStatus_CHILD_STATUS_ACTIVE {
		return errorsmod.Wrapf(types.ErrChildFrozen, "child %d", index)
	}
	if bounded {
		if err := k.checkQueueRoom(ctx, index); err != nil {
			return err
		}
	}
	seq, err := k.nextForcedSeq(ctx, index)
	if err != nil {
		return err
	}
	params, err := k.Params.Get(ctx)
	if err != nil {
		return err
	}
	rootHeight, err := k.RootHeight(ctx)
	if err != nil {
		return err
	}
	op := types.ForcedOperation{
		ChildIndex: index, Sequence: seq, PayloadHash: hash.EncodeElement(m.Hash()),
		Deadline: rootHeight + params.ForcedOpDeadline, Message: ledger.EncodeMessage(m), Forward: forward,
	}
	return k.queueForcedOp(ctx, op)
}

// queueForcedOp stores a forced operation, its deadline index entry and the next sequence.
func (k Keeper) queueForcedOp(ctx context.Context, op types.ForcedOperation) error {
	if err := k.setForcedOp(ctx, op); err != nil {
		return err
	}
	if err := k.NextForcedSeq.Set(ctx, op.ChildIndex, op.Sequence+1); err != nil {
		return err
	}
	return sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventForcedOperation{
		ChildIndex: op.ChildIndex, Sequence: op.Sequence, Deadline: op.Deadline, PayloadHash: op.PayloadHash,
	})
}

// ChildConsumed reports whether a child has consumed an inbox entry (minted that message).
func (k Keeper) ChildConsumed(ctx context.Context, index uint32, payloadHash []byte) (bool, error) {
	return k.ConsumedEntries.Has(ctx, collections.Join(index, payloadHash))
}

// OwnPath is this chain's tree path (empty at the root).
func (k Keeper) OwnPath(ctx context.Context) ([]uint32, error) {
	id, err := k.Identity.Get(ctx)
	if err != nil {
		return nil, err
	}
	return id.Path, nil
}

// checkRouting bounds and decodes what an update carries for the fallback route.
func (k Keeper) checkRouting(msg *types.MsgSubmitUpdate) (map[string]bool, error) {
	if len(msg.Routed) > 0 && k.router == nil {
		return nil, errorsmod.Wrap(types.ErrInvalidRoute, "this chain has no router")
	}
	if len(msg.Routed) > types.MaxRoutedPerUpdate {
		return nil, errorsmod.Wrapf(types.ErrInvalidRoute, "%d routed messages > %d", len(msg.Routed), types.MaxRoutedPerUpdate)
	}
	if len(msg.Forwarded) > types.MaxInboxEntriesPerUpdate {
		return nil, errorsmod.Wrapf(types.ErrInvalidRoute, "%d forwarded > %d", len(msg.Forwarded), types.MaxInboxEntriesPerUpdate)
	}
	forwarded := make(map[string]bool, len(msg.Forwarded))
	for i, f := range msg.Forwarded {
		if _, err := hash.DecodeElement(f); err != nil {
			return nil, errorsmod.Wrapf(types.ErrInvalidField, "forwarded %d: %v", i, err)
		}
		forwarded[string(f)] = true
	}
	return forwarded, nil
}

// recordRouting stores the entries the child consumed (so a message it claimed is never routed
// to it again) and hands the routed messages it carries to the router (DESIGN §7.5). It runs
// last, after recordUpdate: a refused routed message fails the transaction, which discards the
// update's writes.
func (k Keeper) recordRouting(ctx context.Context, index uint32, entries []fr.Element, routed []types.RoutedMessage) (uint64, error) {
	if err := k.consumeEntries(ctx, index, entries); err != nil {
		return 0, err
	}
	var fresh uint64
	for i, r := range routed {
		isNew, err := k.router.RouteFromChild(ctx, index, r)
		if err != nil {
			return 0, errorsmod.Wrapf(err, "routed message %d", i)
		}
		if isNew {
			fresh++
		}
	}
	return fresh, nil
}

// consumeEntries marks the entries of the child's just-recorded update consumed and files those
// it consumed first under that update's snapshot, so a re-election that drops the snapshot
// un-consumes exactly them (DESIGN §7.5, §9). An entry consumed already stays filed under the
// earlier update: dropping a later one must not un-consume it.
func (k Keeper) consumeEntries(ctx context.Context, index uint32, entries []fr.Element) error {
	if len(entries) == 0 {
		return nil
	}
	child, err := k.GetChild(ctx, index)
	if err != nil {
		return err
	}
	for _, e := range entries {
		h := hash.EncodeElement(e)
		key := collections.Join(index, h)
		seen, err := k.ConsumedEntries.Has(ctx, key)
		if err != nil {
			return err
		}
		if seen {
			continue
		}
		if err := k.ConsumedEntries.Set(ctx, key); err != nil {
			return err
		}
		if err := k.SnapshotEntries.Set(ctx, collections.Join3(index, child.LatestCommitment, h)); err != nil {
			return err
		}
	}
	return nil
}
