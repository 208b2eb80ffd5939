package types

import (
	"context"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"

	acceptancetypes "github.com/slush-tree/slush/x/acceptance/types"
)

// ValidiumKeeper is what x/bridge needs to know about this chain's place in the tree.
type ValidiumKeeper interface {
	// IsRoot reports whether this chain is the root.
	IsRoot(ctx context.Context) (bool, error)
	// OwnVid is this chain's packed path.
	OwnVid(ctx context.Context) (fr.Element, error)
	// ChildrenRoot is the root of this chain's children SMT.
	ChildrenRoot(ctx context.Context) (fr.Element, error)
	// RootHeight is the tree's clock as this chain knows it.
	RootHeight(ctx context.Context) (uint64, error)
	// AdvanceAnchor moves the clock to a newer verified root height.
	AdvanceAnchor(ctx context.Context, height uint64) error
}

// AcceptanceKeeper gives the subtree histogram bound into the commitment.
type AcceptanceKeeper interface {
	// SubtreeReport is the report an own update at root height `height` would make.
	SubtreeReport(ctx context.Context, height uint64) (acceptancetypes.SubtreeReport, error)
	// RecordOwnUpdate stores the report of an own update (and at the root, applies it to finality).
	RecordOwnUpdate(ctx context.Context, height uint64, commitment []byte) (acceptancetypes.SubtreeReport, error)
}
