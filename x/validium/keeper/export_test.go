package keeper

import (
	"context"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"

	"github.com/slush-tree/slush/circuits/inclusion"
	slushtypes "github.com/slush-tree/slush/types"
	"github.com/slush-tree/slush/x/validium/types"
)

// Internal steps the external tests drive directly.

// EnqueueRouted queues a routed message for a child within the queue bound, as routeDown does.
func (k Keeper) EnqueueRouted(ctx context.Context, index uint32, m inclusion.Message, forward bool) error {
	return k.enqueueRouted(ctx, index, m, forward, true)
}

// RequeueRouted queues a routed message for a child past the queue bound, as a re-election's
// re-route does.
func (k Keeper) RequeueRouted(ctx context.Context, index uint32, m inclusion.Message, forward bool) error {
	return k.enqueueRouted(ctx, index, m, forward, false)
}

// ChildConsumed exposes childConsumed.
func (k Keeper) ChildConsumed(ctx context.Context, index uint32, payloadHash []byte) (bool, error) {
	return k.childConsumed(ctx, index, payloadHash)
}

// RouteFromChild exposes routeFromChild (what an accepted update does with each routed message).
func (k Keeper) RouteFromChild(ctx context.Context, index uint32, routed slushtypes.RoutedMessage) (bool, error) {
	return k.routeFromChild(ctx, index, routed)
}

// RerouteAfterRollback exposes rerouteAfterRollback (InstallOperator's last step before x/acceptance).
func (k Keeper) RerouteAfterRollback(ctx context.Context, index uint32, payloadHashes [][]byte) error {
	return k.rerouteAfterRollback(ctx, index, payloadHashes)
}

// NativeStep exposes nativeStep: child index's native step s over the children root root, under
// this chain's params and the tree's genesis roots; it returns the root after it.
func (k Keeper) NativeStep(ctx context.Context, index uint32, root fr.Element, s types.SubtreeStep) (fr.Element, error) {
	params, err := k.Params.Get(ctx)
	if err != nil {
		return fr.Element{}, err
	}
	child, err := k.GetChild(ctx, index)
	if err != nil {
		return fr.Element{}, err
	}
	roots, err := k.genesisRoots(ctx)
	if err != nil {
		return fr.Element{}, err
	}
	after, _, err := k.nativeStep(ctx, params, child, root, roots, s)
	return after, err
}
