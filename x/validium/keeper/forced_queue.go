package keeper

import (
	"cmp"
	"context"
	"encoding/hex"
	"errors"
	"slices"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"

	sdk "github.com/cosmos/cosmos-sdk/types"

	slushtypes "github.com/slush-tree/slush/types"
	"github.com/slush-tree/slush/x/validium/types"
)

// forcedDeadline is the root height by which a child must consume an operation queued now: the
// current root height + params.forced_op_deadline (DESIGN §8). Every queued operation, forced
// deposit, routed message or requeued one, gets its deadline here.
func (k Keeper) forcedDeadline(ctx context.Context) (uint64, error) {
	params, err := k.Params.Get(ctx)
	if err != nil {
		return 0, err
	}
	rootHeight, err := k.tree.RootHeight(ctx)
	if err != nil {
		return 0, err
	}
	return rootHeight + params.ForcedOpDeadline, nil
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

// requeueForcedOps puts consumed forced operations back into the child's queue with a fresh
// deadline and moves the queue head back to the oldest of them.
func (k Keeper) requeueForcedOps(ctx context.Context, index uint32, ops []types.ForcedOperation) error {
	if len(ops) == 0 {
		return nil
	}
	slices.SortFunc(ops, func(a, b types.ForcedOperation) int { return cmp.Compare(a.Sequence, b.Sequence) })
	deadline, err := k.forcedDeadline(ctx)
	if err != nil {
		return err
	}
	for _, op := range ops {
		op.Deadline = deadline
		if err := k.setForcedOp(ctx, op); err != nil {
			return err
		}
	}
	head, _, err := k.queueBounds(ctx, index)
	if err != nil {
		return err
	}
	if oldest := ops[0].Sequence; oldest < head {
		return k.ForcedHead.Set(ctx, index, oldest)
	}
	return nil
}

// queueForcedOp stores a forced operation, its deadline index entry and the next sequence.
func (k Keeper) queueForcedOp(ctx context.Context, op types.ForcedOperation) error {
	if err := k.setForcedOp(ctx, op); err != nil {
		return err
	}
	if err := k.NextForcedSeq.Set(ctx, op.ChildIndex, op.Sequence+1); err != nil {
		return err
	}
	slushtypes.Log(ctx, types.ModuleName, "forced operation queued", "child", op.ChildIndex, "sequence", op.Sequence,
		"deadline", op.Deadline, "msg", hex.EncodeToString(op.PayloadHash), "forward", op.Forward)
	return sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventForcedOperation{
		ChildIndex: op.ChildIndex, Sequence: op.Sequence, Deadline: op.Deadline, PayloadHash: op.PayloadHash,
		PayloadHashHex: hex.EncodeToString(op.PayloadHash),
	})
}
