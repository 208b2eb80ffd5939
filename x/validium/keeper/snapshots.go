package keeper

import (
	"bytes"
	"context"
	"errors"

	"cosmossdk.io/collections"

	"github.com/slush-tree/slush/x/validium/types"
)

// recordSnapshot keeps the child record an accepted update left (without the verifying keys) and
// the forced operations it consumed (recordRouting then files the inbox entries it consumed
// first, see consumeEntries), so a re-election can roll the child back to any commitment
// that may still become or be its finalized one; it prunes the snapshots older than both the
// child's finalized commitment and its oldest kept history entry. recordUpdate calls it.
func (k Keeper) recordSnapshot(ctx context.Context, child types.Child, consumed []types.ForcedOperation) error {
	snap := child
	snap.VerifyingKey, snap.TransferVerifyingKey = nil, nil
	if err := k.Snapshots.Set(ctx, collections.Join(child.Index, child.LatestCommitment), snap); err != nil {
		return err
	}
	for _, op := range consumed {
		if err := k.SnapshotOps.Set(ctx, collections.Join3(child.Index, child.LatestCommitment, op.Sequence), op); err != nil {
			return err
		}
	}
	floor, err := k.snapshotFloor(ctx, child.Index)
	if err != nil {
		return err
	}
	var stale []collections.Pair[uint32, []byte]
	err = k.Snapshots.Walk(ctx, collections.NewPrefixedPairRange[uint32, []byte](child.Index),
		func(key collections.Pair[uint32, []byte], s types.Child) (bool, error) {
			if s.AnchorHeight < floor {
				stale = append(stale, key)
			}
			return false, nil
		})
	if err != nil {
		return err
	}
	for _, key := range stale {
		if _, _, err := k.removeSnapshot(ctx, key); err != nil { // its consumed entries stay consumed: it is final
			return err
		}
	}
	return nil
}

// snapshotFloor is the lowest root height whose snapshot may still be needed: the finalized
// commitment's (finality never moves back), but never below the oldest history entry kept.
func (k Keeper) snapshotFloor(ctx context.Context, index uint32) (uint64, error) {
	var floor uint64
	err := k.History.Walk(ctx, collections.NewPrefixedPairRange[uint32, uint64](index),
		func(key collections.Pair[uint32, uint64], _ []byte) (bool, error) {
			floor = key.K2()
			return true, nil
		})
	if err != nil {
		return 0, err
	}
	finalized, ok, err := k.finalizedCommitment(ctx, index)
	if err != nil || !ok {
		return floor, err
	}
	snap, err := k.Snapshots.Get(ctx, collections.Join(index, finalized))
	if errors.Is(err, collections.ErrNotFound) {
		return floor, nil
	}
	if err != nil {
		return 0, err
	}
	return max(floor, snap.AnchorHeight), nil
}

// removeSnapshot deletes one snapshot, its consumed operations and its record of the entries it
// consumed first, returning those operations and entry hashes (ConsumedEntries is left to the
// caller: a rollback un-consumes the entries, pruning keeps them).
func (k Keeper) removeSnapshot(
	ctx context.Context, key collections.Pair[uint32, []byte],
) ([]types.ForcedOperation, [][]byte, error) {
	rng := collections.NewSuperPrefixedTripleRange[uint32, []byte, uint64](key.K1(), key.K2())
	var ops []types.ForcedOperation
	err := k.SnapshotOps.Walk(ctx, rng, func(_ collections.Triple[uint32, []byte, uint64], op types.ForcedOperation) (bool, error) {
		ops = append(ops, op)
		return false, nil
	})
	if err != nil {
		return nil, nil, err
	}
	if err := k.SnapshotOps.Clear(ctx, rng); err != nil {
		return nil, nil, err
	}
	entryRng := collections.NewSuperPrefixedTripleRange[uint32, []byte, []byte](key.K1(), key.K2())
	var entries [][]byte
	err = k.SnapshotEntries.Walk(ctx, entryRng, func(e collections.Triple[uint32, []byte, []byte]) (bool, error) {
		entries = append(entries, bytes.Clone(e.K3()))
		return false, nil
	})
	if err != nil {
		return nil, nil, err
	}
	if err := k.SnapshotEntries.Clear(ctx, entryRng); err != nil {
		return nil, nil, err
	}
	return ops, entries, k.Snapshots.Remove(ctx, key)
}
