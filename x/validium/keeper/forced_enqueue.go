package keeper

import (
	"context"

	errorsmod "cosmossdk.io/errors"

	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/inclusion"
	"github.com/slush-tree/slush/circuits/ledger"
	"github.com/slush-tree/slush/x/validium/types"
)

// enqueueForcedOp burns a forced deposit on this chain's ledger (a signed bridge-out addressed to
// the child) and queues its message for an active child with deadline root height +
// params.forced_op_deadline (DESIGN §8). Forcing costs the depositor a real burn, and the message
// preimage is public, so the child can always mint it: nobody can freeze a child for free.
func (k Keeper) enqueueForcedOp(ctx context.Context, depositor string, index uint32, deposit []byte) (types.ForcedOperation, error) {
	child, err := k.GetChild(ctx, index)
	if err != nil {
		return types.ForcedOperation{}, err
	}
	if child.Status == types.ChildStatus_CHILD_STATUS_FROZEN {
		return types.ForcedOperation{}, errorsmod.Wrapf(types.ErrChildFrozen, "child %d", index)
	}
	if err := refuseDeparting(child); err != nil { // it could never mint it here
		return types.ForcedOperation{}, err
	}
	seq, err := k.nextForcedSeq(ctx, index)
	if err != nil {
		return types.ForcedOperation{}, err
	}
	if err := k.checkQueueRoom(ctx, index); err != nil {
		return types.ForcedOperation{}, err
	}
	msg, err := k.burnDeposit(ctx, index, deposit)
	if err != nil {
		return types.ForcedOperation{}, err
	}
	deadline, err := k.forcedDeadline(ctx)
	if err != nil {
		return types.ForcedOperation{}, err
	}
	op := types.ForcedOperation{
		ChildIndex:  index,
		Sequence:    seq,
		PayloadHash: hash.EncodeElement(msg.Hash()),
		Deadline:    deadline,
		Depositor:   depositor,
		Message:     ledger.EncodeMessage(msg),
	}
	return op, k.queueForcedOp(ctx, op)
}

// burnDeposit has x/bridge execute the depositor's bridge-out to the child (its frozen-sender
// rule applies: an account with an unconfirmed message forces nothing either).
func (k Keeper) burnDeposit(ctx context.Context, index uint32, op []byte) (inclusion.Message, error) {
	vid, err := k.tree.ChildVid(ctx, index)
	if err != nil {
		return inclusion.Message{}, err
	}
	return k.bridge.BurnForChild(ctx, op, vid)
}

// enqueueRouted queues a message on the fallback route for the child on its destination's
// branch (DESIGN §7.5), within the queue bound if bounded (a message an emergency re-election
// un-consumed is queued unbounded, DESIGN §9: like the forced operations requeueForcedOps puts
// back, such messages are bounded by what the dropped updates consumed, and refusing them would
// lose the funds). Nothing is burnt here: the message was burnt on its sender, which the route
// checked with an inclusion proof. forward marks a destination below the child, which then
// consumes the operation by forwarding it, not by minting it.
func (k Keeper) enqueueRouted(ctx context.Context, index uint32, m inclusion.Message, forward, bounded bool) error {
	child, err := k.GetChild(ctx, index)
	if err != nil {
		return err
	}
	if child.Status != types.ChildStatus_CHILD_STATUS_ACTIVE {
		return errorsmod.Wrapf(types.ErrChildFrozen, "child %d", index)
	}
	if err := refuseDeparting(child); err != nil { // a message to the old vid is refused, not redirected
		return err
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
	deadline, err := k.forcedDeadline(ctx)
	if err != nil {
		return err
	}
	op := types.ForcedOperation{
		ChildIndex: index, Sequence: seq, PayloadHash: hash.EncodeElement(m.Hash()),
		Deadline: deadline, Message: ledger.EncodeMessage(m), Forward: forward,
	}
	return k.queueForcedOp(ctx, op)
}
