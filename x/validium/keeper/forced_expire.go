package keeper

import (
	"context"
	"errors"

	"cosmossdk.io/collections"

	"github.com/slush-tree/slush/x/validium/types"
)

// ExpireForcedOps freezes every child with a forced operation whose deadline has passed
// (DESIGN §8). Work is bounded: it visits at most params.max_forced_ops_per_block deadline
// entries, oldest deadline first; an entry is dropped from the deadline index once its child
// is frozen (the operation itself stays queued for exits), so later blocks continue.
func (k Keeper) ExpireForcedOps(ctx context.Context) error {
	expired, err := k.passedDeadlines(ctx, k.ForcedDeadlines)
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

// passedDeadlines lists the entries of a deadline index (root height, child, sequence) whose
// deadline lies strictly below the current root height, oldest first and at most
// params.max_forced_ops_per_block of them: the bounded work of one block's expiry.
func (k Keeper) passedDeadlines(ctx context.Context, index collections.KeySet[collections.Triple[uint64, uint32, uint64]],
) ([]collections.Triple[uint64, uint32, uint64], error) {
	params, err := k.Params.Get(ctx)
	if err != nil {
		return nil, err
	}
	rootHeight, err := k.tree.RootHeight(ctx)
	if err != nil {
		return nil, err
	}
	rng := new(collections.Range[collections.Triple[uint64, uint32, uint64]]).
		EndExclusive(collections.Join3(rootHeight, uint32(0), uint64(0)))
	var expired []collections.Triple[uint64, uint32, uint64]
	err = index.Walk(ctx, rng, func(key collections.Triple[uint64, uint32, uint64]) (bool, error) {
		expired = append(expired, key)
		return len(expired) >= int(params.MaxForcedOpsPerBlock), nil
	})
	return expired, err
}
