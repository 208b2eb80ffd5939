package keeper

import (
	"context"
	"errors"

	"cosmossdk.io/collections"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/slush-tree/slush/x/validium/types"
)

// ExpireForcedWithdrawals freezes every child with a forced withdrawal whose deadline has passed
// unproven (issue 20; the freeze of DESIGN §8, as ExpireForcedOps does for forced operations): its
// users then exit from its finalized state (MsgExit). Work is bounded: at most
// params.max_forced_ops_per_block deadline entries, oldest deadline first; each is marked EXPIRED
// and leaves the deadline index, so later blocks continue.
func (k Keeper) ExpireForcedWithdrawals(ctx context.Context) error {
	expired, err := k.passedDeadlines(ctx, k.WithdrawalDeadlines)
	if err != nil {
		return err
	}
	for _, key := range expired {
		if err := k.expireWithdrawal(ctx, key); err != nil {
			return err
		}
	}
	return nil
}

// expireWithdrawal freezes the child of one passed deadline entry and marks its withdrawal
// EXPIRED; a stale entry (removed child or record) is just dropped: EndBlock never halts.
func (k Keeper) expireWithdrawal(ctx context.Context, key collections.Triple[uint64, uint32, uint64]) error {
	w, err := k.ForcedWithdrawals.Get(ctx, collections.Join(key.K2(), key.K3()))
	if errors.Is(err, collections.ErrNotFound) {
		return k.WithdrawalDeadlines.Remove(ctx, key)
	}
	if err != nil {
		return err
	}
	err = k.freezeChild(ctx, key.K2(), "forced withdrawal not proven by its deadline")
	if errors.Is(err, types.ErrUnknownChild) {
		return k.WithdrawalDeadlines.Remove(ctx, key)
	}
	if err != nil {
		return err
	}
	w.Status = types.ForcedWithdrawalStatus_FORCED_WITHDRAWAL_STATUS_EXPIRED
	if err := k.leavePending(ctx, w, key.K1()); err != nil {
		return err
	}
	return sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventForcedWithdrawalExpired{
		ChildIndex: w.ChildIndex, Sequence: w.Sequence,
	})
}

// reopenWithdrawalsAfter runs when an emergency re-election rolls child index back to the state
// anchored at rootHeight (rollBackAfter, DESIGN §9): every forced withdrawal proven by a commitment
// anchored above it was proven by a state that no longer exists, so it is pending again with a
// fresh deadline, and the outbox position it spent is free again. Bounded by the child's proven
// withdrawals (each paid a fee).
func (k Keeper) reopenWithdrawalsAfter(ctx context.Context, index uint32, rootHeight uint64) error {
	rng := new(collections.Range[collections.Triple[uint32, uint64, uint64]]).
		StartExclusive(collections.Join3(index, rootHeight, ^uint64(0))).
		EndInclusive(collections.Join3(index, ^uint64(0), ^uint64(0)))
	var proven []collections.Triple[uint32, uint64, uint64]
	err := k.WithdrawalProven.Walk(ctx, rng, func(key collections.Triple[uint32, uint64, uint64]) (bool, error) {
		proven = append(proven, key)
		return false, nil
	})
	if err != nil {
		return err
	}
	if len(proven) == 0 {
		return nil
	}
	deadline, err := k.forcedDeadline(ctx)
	if err != nil {
		return err
	}
	for _, key := range proven {
		if err := k.WithdrawalProven.Remove(ctx, key); err != nil {
			return err
		}
		w, err := k.GetForcedWithdrawal(ctx, index, key.K3())
		if err != nil {
			return err
		}
		if w.Status == types.ForcedWithdrawalStatus_FORCED_WITHDRAWAL_STATUS_EXECUTED {
			if err := k.WithdrawalPositions.Remove(ctx, collections.Join(index, w.OutboxPosition)); err != nil {
				return err
			}
		}
		w.Status, w.Deadline, w.ProvenAnchorHeight = types.ForcedWithdrawalStatus_FORCED_WITHDRAWAL_STATUS_PENDING, deadline, 0
		w.MessageHash, w.OutboxPosition, w.NoOpReason = nil, 0, ""
		if err := k.setPendingWithdrawal(ctx, w); err != nil {
			return err
		}
		err = sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventForcedWithdrawalReopened{
			ChildIndex: index, Sequence: w.Sequence, Deadline: deadline,
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// clearWithdrawals drops every forced-withdrawal record and index of a deregistered child (which
// has none pending): a reused index starts fresh.
func (k Keeper) clearWithdrawals(ctx context.Context, index uint32) error {
	if err := k.ForcedWithdrawals.Clear(ctx, collections.NewPrefixedPairRange[uint32, uint64](index)); err != nil {
		return err
	}
	if err := k.WithdrawalOps.Clear(ctx, collections.NewPrefixedPairRange[uint32, []byte](index)); err != nil {
		return err
	}
	if err := k.WithdrawalProven.Clear(ctx, collections.NewPrefixedTripleRange[uint32, uint64, uint64](index)); err != nil {
		return err
	}
	if err := k.WithdrawalPositions.Clear(ctx, collections.NewPrefixedPairRange[uint32, uint64](index)); err != nil {
		return err
	}
	if err := k.WithdrawalPending.Remove(ctx, index); err != nil {
		return err
	}
	return k.NextWithdrawalSeq.Remove(ctx, index)
}
