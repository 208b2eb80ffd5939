package keeper

import (
	"context"
	"errors"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"

	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/x/bridge/types"
)

// RecordRootCommitment stores a root commitment this (non-root) chain has verified and moves
// its root clock forward. Only the parent sync may call it (DESIGN §5 downward flow: the
// commitment is checked against the parent's signed header before it gets here). The history
// keeps the last params.root_history_size entries.
func (k Keeper) RecordRootCommitment(ctx context.Context, rootHeight uint64, commitment []byte) error {
	if _, err := hash.DecodeElement(commitment); err != nil {
		return errorsmod.Wrapf(types.ErrInvalidGenesis, "root commitment: %v", err)
	}
	if err := k.RootHistory.Set(ctx, rootHeight, commitment); err != nil {
		return err
	}
	if err := k.validium.AdvanceAnchor(ctx, rootHeight); err != nil {
		return err
	}
	return k.pruneRootHistory(ctx)
}

// pruneRootHistory drops the oldest entries beyond params.root_history_size (at most a few per call).
func (k Keeper) pruneRootHistory(ctx context.Context) error {
	params, err := k.Params.Get(ctx)
	if err != nil {
		return err
	}
	var heights []uint64
	err = k.RootHistory.Walk(ctx, nil, func(h uint64, _ []byte) (bool, error) {
		heights = append(heights, h)
		return false, nil
	})
	if err != nil {
		return err
	}
	for i := 0; i+int(params.RootHistorySize) < len(heights) && i < maxPrunedPerBlock; i++ {
		if err := k.RootHistory.Remove(ctx, heights[i]); err != nil {
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
