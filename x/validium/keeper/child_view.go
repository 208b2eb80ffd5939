package keeper

import (
	"context"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
)

// What x/election reads about a child and the tree clock: x/election calls x/validium only, so
// the facts x/tree and x/acceptance hold are passed through here (DESIGN §9).

// ChildVid is the vid of child index under this chain (DESIGN §3).
func (k Keeper) ChildVid(ctx context.Context, index uint32) (fr.Element, error) {
	return k.tree.ChildVid(ctx, index)
}

// RootHeight is the tree's clock (DESIGN §3).
func (k Keeper) RootHeight(ctx context.Context) (uint64, error) { return k.tree.RootHeight(ctx) }

// FinalizedCommitment is the child's finalized commitment, if any (DESIGN §6).
func (k Keeper) FinalizedCommitment(ctx context.Context, index uint32) ([]byte, bool, error) {
	return k.finalizedCommitment(ctx, index)
}

// ChildSubtree is b_v: the child's subtree size as its acceptance record holds it (DESIGN §6).
func (k Keeper) ChildSubtree(ctx context.Context, index uint32) (uint64, error) {
	return k.acceptance.ChildSubtree(ctx, index)
}
