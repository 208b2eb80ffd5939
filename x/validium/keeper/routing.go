package keeper

import (
	"context"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"

	"github.com/slush-tree/slush/circuits/hash"
	slushtypes "github.com/slush-tree/slush/types"
	"github.com/slush-tree/slush/x/validium/types"
)

// childConsumed reports whether a child has consumed an inbox entry (minted that message).
func (k Keeper) childConsumed(ctx context.Context, index uint32, payloadHash []byte) (bool, error) {
	return k.ConsumedEntries.Has(ctx, collections.Join(index, payloadHash))
}

// checkRouting bounds and decodes what an update carries for the fallback route.
func (k Keeper) checkRouting(msg *types.MsgSubmitUpdate) (map[string]bool, error) {
	if len(msg.Routed) > types.MaxRoutedPerUpdate {
		return nil, errorsmod.Wrapf(types.ErrInvalidRoute, "%d routed messages > %d", len(msg.Routed), types.MaxRoutedPerUpdate)
	}
	if len(msg.Forwarded) > types.MaxInboxEntriesPerUpdate {
		return nil, errorsmod.Wrapf(types.ErrInvalidRoute, "%d forwarded > %d", len(msg.Forwarded), types.MaxInboxEntriesPerUpdate)
	}
	forwarded := make(map[string]bool, len(msg.Forwarded))
	for i, f := range msg.Forwarded {
		if _, err := hash.DecodeElement(f); err != nil {
			return nil, errorsmod.Wrapf(types.ErrInvalidField, "forwarded %d: %v", i, err)
		}
		forwarded[string(f)] = true
	}
	return forwarded, nil
}

// recordRouting stores the entries the child consumed (so a message it claimed is never routed
// to it again) and hands the routed messages it carries to the router (DESIGN §7.5). It runs
// last, after recordUpdate: a refused routed message fails the transaction, which discards the
// update's writes.
func (k Keeper) recordRouting(ctx context.Context, index uint32, entries []fr.Element, routed []slushtypes.RoutedMessage) (uint64, error) {
	if err := k.consumeEntries(ctx, index, entries); err != nil {
		return 0, err
	}
	var fresh uint64
	for i, r := range routed {
		isNew, err := k.routeFromChild(ctx, index, r)
		if err != nil {
			return 0, errorsmod.Wrapf(err, "routed message %d", i)
		}
		if isNew {
			fresh++
		}
	}
	return fresh, nil
}

// consumeEntries marks the entries of the child's just-recorded update consumed and files those
// it consumed first under that update's snapshot, so a re-election that drops the snapshot
// un-consumes exactly them (DESIGN §7.5, §9). An entry consumed already stays filed under the
// earlier update: dropping a later one must not un-consume it.
func (k Keeper) consumeEntries(ctx context.Context, index uint32, entries []fr.Element) error {
	if len(entries) == 0 {
		return nil
	}
	child, err := k.GetChild(ctx, index)
	if err != nil {
		return err
	}
	for _, e := range entries {
		h := hash.EncodeElement(e)
		key := collections.Join(index, h)
		seen, err := k.ConsumedEntries.Has(ctx, key)
		if err != nil {
			return err
		}
		if seen {
			continue
		}
		if err := k.ConsumedEntries.Set(ctx, key); err != nil {
			return err
		}
		if err := k.SnapshotEntries.Set(ctx, collections.Join3(index, child.LatestCommitment, h)); err != nil {
			return err
		}
	}
	return nil
}
