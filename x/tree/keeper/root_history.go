package keeper

import (
	"context"
	"errors"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"

	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/x/tree/types"
)

// RecordRootCommitment stores a root commitment this (non-root) chain has verified and moves
// its root clock forward. Only the parent sync may call it (tests seed a history with it) (DESIGN §5 downward flow: the
// commitment is checked against the parent's signed header before it gets here). The history
// keeps the root heights within params.root_history_size of the newest.
func (k Keeper) RecordRootCommitment(ctx context.Context, rootHeight uint64, commitment []byte) error {
	if _, err := hash.DecodeElement(commitment); err != nil {
		return errorsmod.Wrapf(types.ErrInvalidGenesis, "root commitment: %v", err)
	}
	if err := k.RootHistory.Set(ctx, rootHeight, commitment); err != nil {
		return err
	}
	if err := k.advanceClock(ctx, rootHeight); err != nil {
		return err
	}
	return k.pruneRootHistory(ctx)
}

// pruneRootHistory drops entries more than params.root_history_size below the newest root height
// (at most a few per call, reading only those).
func (k Keeper) pruneRootHistory(ctx context.Context) error {
	params, err := k.Params.Get(ctx)
	if err != nil {
		return err
	}
	newest, _, ok, err := k.latestRootCommitment(ctx)
	if err != nil || !ok || newest <= uint64(params.RootHistorySize) {
		return err
	}
	// bounded: reads only the entries it removes (oldest first), never the whole history
	rng := new(collections.Range[uint64]).EndInclusive(newest - uint64(params.RootHistorySize))
	var old []uint64
	err = k.RootHistory.Walk(ctx, rng, func(h uint64, _ []byte) (bool, error) {
		old = append(old, h)
		return len(old) >= maxPrunedPerBlock, nil
	})
	if err != nil {
		return err
	}
	for _, h := range old {
		if err := k.RootHistory.Remove(ctx, h); err != nil {
			return err
		}
	}
	return nil
}

// latestRootCommitment is the newest root commitment a non-root chain knows (zero if none).
func (k Keeper) latestRootCommitment(ctx context.Context) (uint64, fr.Element, bool, error) {
	iter, err := k.RootHistory.Iterate(ctx, new(collections.Range[uint64]).Descending())
	if err != nil {
		return 0, fr.Element{}, false, err
	}
	defer iter.Close()
	if !iter.Valid() {
		return 0, fr.Element{}, false, nil
	}
	kv, err := iter.KeyValue()
	if err != nil {
		return 0, fr.Element{}, false, err
	}
	c, err := hash.DecodeElement(kv.Value)
	return kv.Key, c, err == nil, err
}

// knownRootCommitment looks a root height up in the synced history.
func (k Keeper) knownRootCommitment(ctx context.Context, rootHeight uint64) ([]byte, bool, error) {
	c, err := k.RootHistory.Get(ctx, rootHeight)
	if errors.Is(err, collections.ErrNotFound) {
		return nil, false, nil
	}
	return c, err == nil, err
}
