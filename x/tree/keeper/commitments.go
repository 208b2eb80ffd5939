package keeper

import (
	"bytes"
	"context"
	"errors"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"

	"cosmossdk.io/collections"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/x/tree/types"
)

// RecordOwnCommitment stores this chain's commitment for the current block (assembled by
// x/validium once every module's EndBlock has run) and prunes the oldest: the history children
// anchor to (at the root) and the relayer and witness builders read.
func (k Keeper) RecordOwnCommitment(ctx context.Context, c types.OwnCommitment) error {
	if err := k.Commitments.Set(ctx, c.Height, c); err != nil {
		return err
	}
	if err := k.indexCommitment(ctx, c); err != nil {
		return err
	}
	return k.pruneCommitments(ctx)
}

// Anchor is the (root height, root commitment) this chain's commitment at the current block
// binds: at the root its own height and previous commitment (circuits/README "Commitment");
// elsewhere the newest root commitment in its synced history (zero, at its root clock, before
// the first sync).
func (k Keeper) Anchor(ctx context.Context) (uint64, fr.Element, error) {
	isRoot, err := k.IsRoot(ctx)
	if err != nil {
		return 0, fr.Element{}, err
	}
	if isRoot {
		height := sdk.UnwrapSDKContext(ctx).BlockHeight()
		prev, err := k.Commitments.Get(ctx, height-1)
		if errors.Is(err, collections.ErrNotFound) {
			return uint64(height), fr.Element{}, nil
		}
		if err != nil {
			return 0, fr.Element{}, err
		}
		c, err := hash.DecodeElement(prev.Commitment)
		return uint64(height), c, err
	}
	h, c, ok, err := k.latestRootCommitment(ctx)
	if err != nil || ok {
		return h, c, err
	}
	rootHeight, err := k.RootHeight(ctx)
	return rootHeight, fr.Element{}, err
}

// RootCommitmentAt is the root commitment this chain knows at a root height: at the root its own
// commitment at that height, elsewhere the synced root history (DESIGN §5: what it accepts as an
// anchor or as the root of a bridge proof).
func (k Keeper) RootCommitmentAt(ctx context.Context, rootHeight uint64) ([]byte, bool, error) {
	isRoot, err := k.IsRoot(ctx)
	if err != nil || rootHeight > uint64(1<<62) {
		return nil, false, err
	}
	if !isRoot {
		return k.knownRootCommitment(ctx, rootHeight)
	}
	c, err := k.Commitments.Get(ctx, int64(rootHeight))
	if errors.Is(err, collections.ErrNotFound) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	return c.Commitment, true, nil
}

// maxPrunedPerBlock bounds the commitments removed in one EndBlock.
const maxPrunedPerBlock = 16

// pruneCommitments keeps the last params.root_history_size commitments.
func (k Keeper) pruneCommitments(ctx context.Context) error {
	params, err := k.Params.Get(ctx)
	if err != nil {
		return err
	}
	cutoff := sdk.UnwrapSDKContext(ctx).BlockHeight() - int64(params.RootHistorySize)
	if cutoff <= 0 {
		return nil
	}
	var old []types.OwnCommitment
	err = k.Commitments.Walk(ctx, new(collections.Range[int64]).EndInclusive(cutoff), func(_ int64, c types.OwnCommitment) (bool, error) {
		old = append(old, c)
		return len(old) >= maxPrunedPerBlock, nil
	})
	if err != nil {
		return err
	}
	for _, c := range old {
		if err := k.Commitments.Remove(ctx, c.Height); err != nil {
			return err
		}
		if err := k.unindexCommitment(ctx, c); err != nil {
			return err
		}
	}
	return nil
}

// indexCommitment keeps the first height that produced a commitment hash (blocks that change
// nothing repeat it); genesis import rebuilds the index with it, so a chain restarted from an
// export still finds its commitments by hash (the relayer and the witness builders look them up).
func (k Keeper) indexCommitment(ctx context.Context, c types.OwnCommitment) error {
	first, err := k.CommitmentHeights.Get(ctx, c.Commitment)
	switch {
	case errors.Is(err, collections.ErrNotFound):
	case err != nil:
		return err
	case first <= c.Height:
		return nil
	}
	return k.CommitmentHeights.Set(ctx, c.Commitment, c.Height)
}

// unindexCommitment keeps the by-hash index right when the commitment of a pruned height goes:
// if the index pointed at that height and the next block made the same commitment (blocks that
// change nothing repeat it, and a hash never comes back later: the anchor only grows), it moves
// there; otherwise the hash leaves the index.
func (k Keeper) unindexCommitment(ctx context.Context, c types.OwnCommitment) error {
	first, err := k.CommitmentHeights.Get(ctx, c.Commitment)
	if errors.Is(err, collections.ErrNotFound) {
		return nil
	}
	if err != nil || first != c.Height {
		return err
	}
	next, err := k.Commitments.Get(ctx, c.Height+1)
	switch {
	case err == nil && bytes.Equal(next.Commitment, c.Commitment):
		return k.CommitmentHeights.Set(ctx, c.Commitment, next.Height)
	case err == nil || errors.Is(err, collections.ErrNotFound):
		return k.CommitmentHeights.Remove(ctx, c.Commitment)
	default:
		return err
	}
}
