package types

import "context"

// TreeKeeper tells x/acceptance where this chain sits in the tree (x/validium implements it).
type TreeKeeper interface {
	// IsRoot reports whether this chain is the root of the tree.
	IsRoot(ctx context.Context) (bool, error)
	// TreeShape returns this chain's depth and the tree's max_children and max_depth, which
	// bound what a child may report (DESIGN §3, §6).
	TreeShape(ctx context.Context) (TreeShape, error)
}
