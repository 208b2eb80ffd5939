package types

import "context"

// TreeKeeper tells x/acceptance where this chain sits in the tree (x/validium implements it).
type TreeKeeper interface {
	// IsRoot reports whether this chain is the root of the tree.
	IsRoot(ctx context.Context) (bool, error)
}
