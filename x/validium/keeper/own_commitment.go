package keeper

import (
	"context"
	"errors"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/slush-tree/slush/circuits/commitment"
	"github.com/slush-tree/slush/circuits/hash"
	slushtypes "github.com/slush-tree/slush/types"
	acceptancetypes "github.com/slush-tree/slush/x/acceptance/types"
	treetypes "github.com/slush-tree/slush/x/tree/types"
)

// recordOwnCommitment stores this block's commitment with x/tree and tells x/acceptance about the
// own update (DESIGN §6): at the root every block is one, at its own height (its hashes then
// finalize as descendants accept them); elsewhere an own update happens when the anchor
// advances. A refused own update — e.g. a full record while the subtree is not accepting — only
// stalls finality; it is logged and the commitment is kept.
func (k Keeper) recordOwnCommitment(ctx context.Context) error {
	c, err := k.OwnCommitmentNow(ctx)
	if err != nil {
		return err
	}
	if err := k.tree.RecordOwnCommitment(ctx, c); err != nil {
		return err
	}
	k.recordOwnUpdate(sdk.UnwrapSDKContext(ctx), c)
	return nil
}

// recordOwnUpdate records the own update with x/acceptance in a cache context of its own.
func (k Keeper) recordOwnUpdate(ctx sdk.Context, c treetypes.OwnCommitment) {
	cacheCtx, write := ctx.CacheContext()
	if _, err := k.acceptance.RecordOwnUpdate(cacheCtx, c.Fields.AnchorHeight, c.Commitment); err != nil {
		if !errors.Is(err, acceptancetypes.ErrStaleUpdate) { // same anchor as the last report: nothing new
			k.logger.Debug("own update not recorded", "height", c.Height, "err", err)
		}
		return
	}
	write()
}

// OwnCommitmentNow computes this chain's commitment (DESIGN §3) from the current state of the
// modules below: x/ledger's roots, this chain's children root, x/acceptance's finalized children
// and subtree report, x/tree's operator and anchor.
func (k Keeper) OwnCommitmentNow(ctx context.Context) (treetypes.OwnCommitment, error) {
	roots, err := k.ledger.CurrentRoots(ctx)
	if err != nil {
		return treetypes.OwnCommitment{}, err
	}
	c := commitment.Commitment{Vid: roots.Vid, LedgerRoot: roots.Ledger, OutboxRoot: roots.Outbox, ReceiptRoot: roots.Receipts}
	if c.ChildrenRoot, err = k.ChildrenRoot(ctx); err != nil {
		return treetypes.OwnCommitment{}, err
	}
	if c.FinalizedChildrenRoot, err = k.acceptance.FinalizedChildrenRoot(ctx); err != nil {
		return treetypes.OwnCommitment{}, err
	}
	if c.OperatorKeyHash, c.Epoch, err = k.tree.OwnOperator(ctx); err != nil {
		return treetypes.OwnCommitment{}, err
	}
	if c.OperatorKeyHash, err = k.ownOperatorField(ctx, c.OperatorKeyHash, roots.InboxHead); err != nil {
		return treetypes.OwnCommitment{}, err
	}
	if c.AnchorHeight, c.AnchorCommitment, err = k.tree.Anchor(ctx); err != nil {
		return treetypes.OwnCommitment{}, err
	}
	report, err := k.acceptance.SubtreeReport(ctx, c.AnchorHeight)
	if err != nil {
		return treetypes.OwnCommitment{}, err
	}
	c.AcceptanceDigest = acceptancetypes.HistogramFromProto(report.Histogram).Digest()
	return treetypes.OwnCommitment{
		Height: sdk.UnwrapSDKContext(ctx).BlockHeight(), Commitment: hash.EncodeElement(c.Hash()),
		Fields: slushtypes.NewCommitmentFields(c), LogLength: roots.LogLength,
	}, nil
}
