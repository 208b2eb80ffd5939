package keeper

import (
	"context"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"

	"github.com/slush-tree/slush/circuits/ledger"
	"github.com/slush-tree/slush/x/validium/types"
)

// matchForcedOps checks the update against the child's forced queue (DESIGN §8, §7.5): a
// queued operation is consumed by an equal inbox entry (a mint: deposits and routed messages for
// the child itself, in any order, each entry consuming one operation) or, for a routed message
// bound further down, by its hash in forwarded. Every forced-source entry must consume one (the
// ledger proof does not prove those mints: the queue does); a claim-source entry may (a claim
// that beat the route). It walks the queue in sequence order only until every entry and
// forwarded hash is spent, refusing the update at an unconsumed operation past its deadline (the
// oldest come first; EndBlock's deadline index freezes on any other), and returns the consumed
// operations in queue order.
func (k Keeper) matchForcedOps(ctx context.Context, index uint32, entries []inboxEntry, forwarded map[string]bool) ([]types.ForcedOperation, error) {
	minted := make(map[string]int, len(entries)) // looked up only, never iterated
	for _, e := range entries {
		minted[string(e.key)]++
	}
	rootHeight, err := k.tree.RootHeight(ctx)
	if err != nil {
		return nil, err
	}
	left, err := k.matchable(ctx, index, entries)
	if err != nil {
		return nil, err
	}
	left += len(forwarded)
	var consumed []types.ForcedOperation
	err = k.ForcedOps.Walk(ctx, collections.NewPrefixedPairRange[uint32, uint64](index),
		func(_ collections.Pair[uint32, uint64], op types.ForcedOperation) (bool, error) {
			key := string(op.PayloadHash)
			switch {
			case op.Forward && forwarded[key]:
				delete(forwarded, key)
			case !op.Forward && minted[key] > 0:
				minted[key]--
			case op.Deadline < rootHeight: // DESIGN §8: the child must consume it by its deadline
				return true, errorsmod.Wrapf(types.ErrForcedOpExpired, "operation %d, deadline %d, root height %d",
					op.Sequence, op.Deadline, rootHeight)
			default:
				return left == 0, nil
			}
			consumed = append(consumed, op)
			left--
			return false, nil
		})
	if err != nil {
		return nil, err
	}
	for i, e := range entries { // a forced entry the queue did not match (e.g. only a forward is queued) is unproven
		if e.source == ledger.SourceForced && minted[string(e.key)] > 0 {
			return nil, errorsmod.Wrapf(types.ErrUnprovenEntry, "forced inbox entry %d (%X) matches no queued mint", i, e.key)
		}
	}
	return consumed, nil
}

// matchable counts the entries that can consume a queued operation, from the payload index:
// the walk of matchForcedOps stops once that many are spent instead of reading the whole queue.
// A forced-source entry with nothing queued is refused here (ErrUnprovenEntry). Entries are
// unique (checkFresh).
func (k Keeper) matchable(ctx context.Context, index uint32, entries []inboxEntry) (int, error) {
	n := 0
	for i, e := range entries {
		queued, err := k.queuedWithPayload(ctx, index, e.key, 1)
		if err != nil {
			return 0, err
		}
		if queued == 0 && e.source == ledger.SourceForced {
			return 0, errorsmod.Wrapf(types.ErrUnprovenEntry, "forced inbox entry %d (%X) is not in the child's forced queue", i, e.key)
		}
		n += queued
	}
	return n, nil
}

// advanceForcedHead moves a child's queue head to its oldest unconsumed operation.
func (k Keeper) advanceForcedHead(ctx context.Context, index uint32) error {
	_, next, err := k.queueBounds(ctx, index)
	if err != nil {
		return err
	}
	head := next
	err = k.ForcedOps.Walk(ctx, collections.NewPrefixedPairRange[uint32, uint64](index),
		func(key collections.Pair[uint32, uint64], _ types.ForcedOperation) (bool, error) {
			head = key.K2()
			return true, nil
		})
	if err != nil {
		return err
	}
	return k.ForcedHead.Set(ctx, index, head)
}
