package keeper

import (
	"context"

	acceptancetypes "github.com/slush-tree/slush/x/acceptance/types"
)

// TreeShape gives x/acceptance this chain's depth and the tree's max_children and max_depth from
// the identity, which bound the subtree size and report length a child may claim (DESIGN §3, §6).
func (k Keeper) TreeShape(ctx context.Context) (acceptancetypes.TreeShape, error) {
	id, err := k.Identity.Get(ctx)
	if err != nil {
		return acceptancetypes.TreeShape{}, err
	}
	return acceptancetypes.TreeShape{Depth: id.Depth(), MaxChildren: id.MaxChildren, MaxDepth: id.MaxDepth}, nil
}
