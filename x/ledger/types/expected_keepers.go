package types

import (
	"context"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
)

// TreeKeeper names this chain in the tree (x/tree): the ledger's messages carry its vid.
type TreeKeeper interface {
	// OwnVid is this chain's packed path (DESIGN §3).
	OwnVid(ctx context.Context) (fr.Element, error)
	// Departing reports whether this chain is leaving its parent (issue 20): the ledger is frozen.
	Departing(ctx context.Context) (bool, error)
}
