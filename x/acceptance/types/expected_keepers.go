package types

import (
	"context"

	treetypes "github.com/slush-tree/slush/x/tree/types"
)

// TreeKeeper tells x/acceptance where this chain sits in the tree (x/tree).
type TreeKeeper interface {
	// IsRoot reports whether this chain is the root of the tree.
	IsRoot(ctx context.Context) (bool, error)
	// GetIdentity returns this chain's tree identity: its depth and the tree's max_children and
	// max_depth bound what a child may report (DESIGN §3, §6).
	GetIdentity(ctx context.Context) (treetypes.TreeIdentity, error)
}
