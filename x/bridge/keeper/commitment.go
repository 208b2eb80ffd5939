package keeper

import (
	"bytes"
	"context"
	"errors"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"

	"cosmossdk.io/collections"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/slush-tree/slush/circuits/commitment"
	"github.com/slush-tree/slush/circuits/hash"
	acceptancetypes "github.com/slush-tree/slush/x/acceptance/types"
	"github.com/slush-tree/slush/x/bridge/types"
	validiumtypes "github.com/slush-tree/slush/x/validium/types"
)

// EndBlocker stores this chain's commitment for the block and prunes the oldest. A failure
// to compute the commitment is logged and leaves no write (the next block retries): EndBlock
// never halts the chain for it.
func (k Keeper) EndBlocker(ctx context.Context) error {
	sdkCtx := sdk.UnwrapSDKContext(ctx)
	k.routeExpired(sdkCtx)
	cacheCtx, write := sdkCtx.CacheContext()
	c, err := k.storeCommitment(cacheCtx)
	if err != nil {
		k.logger.Error("own commitment not computed", "height", sdkCtx.BlockHeight(), "err", err)
		return nil
	}
	write()
	k.recordOwnUpdate(sdkCtx, c)
	return k.pruneCommitments(ctx)
}

// routeExpired moves expired own messages onto the fallback route; a failure is logged and
// leaves no write (the next block retries).
func (k Keeper) routeExpired(ctx sdk.Context) {
	cacheCtx, write := ctx.CacheContext()
	if err := k.expireOutgoing(cacheCtx); err != nil {
		k.logger.Error("expired messages not routed", "height", ctx.BlockHeight(), "err", err)
		return
	}
	write()
}

// storeCommitment computes and stores the commitment at the current height.
func (k Keeper) storeCommitment(ctx context.Context) (types.OwnCommitment, error) {
	c, err := k.OwnCommitmentNow(ctx)
	if err != nil {
		return types.OwnCommitment{}, err
	}
	if err := k.Commitments.Set(ctx, c.Height, c); err != nil {
		return types.OwnCommitment{}, err
	}
	if has, err := k.CommitmentHeights.Has(ctx, c.Commitment); err != nil || has { // keep the first height
		return c, err
	}
	return c, k.CommitmentHeights.Set(ctx, c.Commitment, c.Height)
}

// recordOwnUpdate tells x/acceptance about this chain's own update (DESIGN §6): at the root
// every block is one, at its own height (its hashes then finalize as descendants accept them);
// elsewhere an own update happens when the anchor advances. A refusal — e.g. a full record while
// the subtree is not accepting — only stalls finality; it is logged and never halts the chain.
func (k Keeper) recordOwnUpdate(ctx sdk.Context, c types.OwnCommitment) {
	cacheCtx, write := ctx.CacheContext()
	if _, err := k.acceptance.RecordOwnUpdate(cacheCtx, c.Fields.AnchorHeight, c.Commitment); err != nil {
		if !errors.Is(err, acceptancetypes.ErrStaleUpdate) { // same anchor as the last report: nothing new
			k.logger.Debug("own update not recorded", "height", c.Height, "err", err)
		}
		return
	}
	write()
}

// OwnCommitmentNow computes this chain's commitment (DESIGN §3) from its current state.
func (k Keeper) OwnCommitmentNow(ctx context.Context) (types.OwnCommitment, error) {
	height := sdk.UnwrapSDKContext(ctx).BlockHeight()
	state, err := k.OpenLedger(ctx)
	if err != nil {
		return types.OwnCommitment{}, err
	}
	c := commitment.Commitment{Vid: state.Vid()}
	if c.LedgerRoot, err = state.Root(); err != nil {
		return types.OwnCommitment{}, err
	}
	if c.OutboxRoot, err = state.OutboxRoot(); err != nil {
		return types.OwnCommitment{}, err
	}
	if c.ReceiptRoot, err = state.ReceiptRoot(); err != nil {
		return types.OwnCommitment{}, err
	}
	if c.ChildrenRoot, err = k.validium.ChildrenRoot(ctx); err != nil {
		return types.OwnCommitment{}, err
	}
	if c.FinalizedChildrenRoot, err = k.acceptance.FinalizedChildrenRoot(ctx); err != nil {
		return types.OwnCommitment{}, err
	}
	if c.OperatorKeyHash, c.Epoch, err = k.validium.OwnOperator(ctx); err != nil {
		return types.OwnCommitment{}, err
	}
	if c.AnchorHeight, c.AnchorCommitment, err = k.anchor(ctx, height); err != nil {
		return types.OwnCommitment{}, err
	}
	report, err := k.acceptance.SubtreeReport(ctx, c.AnchorHeight)
	if err != nil {
		return types.OwnCommitment{}, err
	}
	c.AcceptanceDigest = acceptancetypes.HistogramFromProto(report.Histogram).Digest()
	logLength, err := k.LogLength.Peek(ctx)
	if err != nil {
		return types.OwnCommitment{}, err
	}
	return types.OwnCommitment{
		Height: height, Commitment: hash.EncodeElement(c.Hash()), Fields: validiumtypes.NewCommitmentFields(c), LogLength: logLength,
	}, nil
}

// anchor is the (root height, root commitment) the commitment binds: at the root its own
// height and previous commitment (circuits/README "Commitment"); elsewhere the newest root
// commitment in its synced history (zero, at its root clock, before the first sync).
func (k Keeper) anchor(ctx context.Context, height int64) (uint64, fr.Element, error) {
	isRoot, err := k.validium.IsRoot(ctx)
	if err != nil {
		return 0, fr.Element{}, err
	}
	if isRoot {
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
	rootHeight, err := k.validium.RootHeight(ctx)
	return rootHeight, fr.Element{}, err
}

// RootCommitmentAt implements x/validium's AnchorOracle: at the root, its own commitment at
// that height; elsewhere the synced root history.
func (k Keeper) RootCommitmentAt(ctx context.Context, rootHeight uint64) ([]byte, bool, error) {
	isRoot, err := k.validium.IsRoot(ctx)
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
