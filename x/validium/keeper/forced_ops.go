package keeper

import (
	"context"
	"errors"

	"cosmossdk.io/collections"
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
	payload := hash.EncodeElement(msg.Hash())
	params, err := k.Params.Get(ctx)
	if err != nil {
		return types.ForcedOperation{}, err
	}
	rootHeight, err := k.RootHeight(ctx)
	if err != nil {
		return types.ForcedOperation{}, err
	}
	op := types.ForcedOperation{
		ChildIndex:  index,
		Sequence:    seq,
		PayloadHash: payload,
		Deadline:    rootHeight + params.ForcedOpDeadline,
		Depositor:   depositor,
		Message:     ledger.EncodeMessage(msg),
	}
	return op, k.queueForcedOp(ctx, op)
}

// burnDeposit has x/bridge execute the depositor's bridge-out to the child.
func (k Keeper) burnDeposit(ctx context.Context, index uint32, op []byte) (inclusion.Message, error) {
	if k.deposits == nil {
		return inclusion.Message{}, errorsmod.Wrap(types.ErrInvalidPayload, "this chain has no ledger to burn forced deposits on")
	}
	vid, err := k.childVid(ctx, index)
	if err != nil {
		return inclusion.Message{}, err
	}
	return k.deposits.BurnForChild(ctx, op, vid)
}

// nextForcedSeq is the sequence the next forced operation of a child gets (from 1).
func (k Keeper) nextForcedSeq(ctx context.Context, index uint32) (uint64, error) {
	seq, err := k.NextForcedSeq.Get(ctx, index)
	if errors.Is(err, collections.ErrNotFound) {
		return 1, nil
	}
	return seq, err
}

// checkQueueRoom refuses a new operation when MaxPendingForcedOps are already queued.
func (k Keeper) checkQueueRoom(ctx context.Context, index uint32) error {
	head, next, err := k.queueBounds(ctx, index)
	if err != nil {
		return err
	}
	if next-head >= types.MaxPendingForcedOps {
		return errorsmod.Wrapf(types.ErrForcedQueueFull, "child %d has %d pending", index, next-head)
	}
	return nil
}

// queueBounds returns [head, next): the sequences of a child's unconsumed forced operations.
func (k Keeper) queueBounds(ctx context.Context, index uint32) (head, next uint64, err error) {
	if next, err = k.nextForcedSeq(ctx, index); err != nil {
		return 0, 0, err
	}
	head, err = k.ForcedHead.Get(ctx, index)
	if errors.Is(err, collections.ErrNotFound) {
		return 1, next, nil
	}
	return head, next, err
}

// hasPendingForcedOps reports whether a child has any unconsumed forced operation.
func (k Keeper) hasPendingForcedOps(ctx context.Context, index uint32) (bool, error) {
	head, next, err := k.queueBounds(ctx, index)
	return head < next, err
}

// setForcedOp stores a forced operation with its deadline and payload index entries.
func (k Keeper) setForcedOp(ctx context.Context, op types.ForcedOperation) error {
	if err := k.ForcedOps.Set(ctx, collections.Join(op.ChildIndex, op.Sequence), op); err != nil {
		return err
	}
	if err := k.ForcedPayloads.Set(ctx, collections.Join3(op.ChildIndex, op.PayloadHash, op.Sequence)); err != nil {
		return err
	}
	return k.ForcedDeadlines.Set(ctx, collections.Join3(op.Deadline, op.ChildIndex, op.Sequence))
}

// removeForcedOp drops a consumed (or exited) operation and its deadline and payload index entries.
func (k Keeper) removeForcedOp(ctx context.Context, op types.ForcedOperation) error {
	if err := k.ForcedDeadlines.Remove(ctx, collections.Join3(op.Deadline, op.ChildIndex, op.Sequence)); err != nil {
		return err
	}
	if err := k.ForcedPayloads.Remove(ctx, collections.Join3(op.ChildIndex, op.PayloadHash, op.Sequence)); err != nil {
		return err
	}
	return k.ForcedOps.Remove(ctx, collections.Join(op.ChildIndex, op.Sequence))
}

// queuedWithPayload counts a child's queued operations carrying payload, up to limit.
func (k Keeper) queuedWithPayload(ctx context.Context, index uint32, payload []byte, limit int) (int, error) {
	n := 0
	err := k.ForcedPayloads.Walk(ctx, collections.NewSuperPrefixedTripleRange[uint32, []byte, uint64](index, payload),
		func(collections.Triple[uint32, []byte, uint64]) (bool, error) {
			n++
			return n >= limit, nil
		})
	return n, err
}

// ExpireForcedOps freezes every child with a forced operation whose deadline has passed
// (DESIGN §8). Work is bounded: it visits at most params.max_forced_ops_per_block deadline
// entries, oldest deadline first; an entry is dropped from the deadline index once its child
// is frozen (the operation itself stays queued for exits), so later blocks continue.
func (k Keeper) ExpireForcedOps(ctx context.Context) error {
	params, err := k.Params.Get(ctx)
	if err != nil {
		return err
	}
	rootHeight, err := k.RootHeight(ctx)
	if err != nil {
		return err
	}
	// deadlines strictly below the current root height have passed
	rng := new(collections.Range[collections.Triple[uint64, uint32, uint64]]).
		EndExclusive(collections.Join3(rootHeight, uint32(0), uint64(0)))
	var expired []collections.Triple[uint64, uint32, uint64]
	err = k.ForcedDeadlines.Walk(ctx, rng, func(key collections.Triple[uint64, uint32, uint64]) (bool, error) {
		expired = append(expired, key)
		return len(expired) >= int(params.MaxForcedOpsPerBlock), nil
	})
	if err != nil {
		return err
	}
	for _, key := range expired {
		err := k.freezeChild(ctx, key.K2(), "forced operation not consumed by its deadline")
		if err != nil && !errors.Is(err, types.ErrUnknownChild) { // a stale entry is just dropped
			return err
		}
		if err := k.ForcedDeadlines.Remove(ctx, key); err != nil {
			return err
		}
	}
	return nil
}
