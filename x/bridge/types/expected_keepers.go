package types

import (
	"context"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"

	"github.com/slush-tree/slush/circuits/inclusion"
	"github.com/slush-tree/slush/circuits/ledger"
	slushtypes "github.com/slush-tree/slush/types"
	ledgertypes "github.com/slush-tree/slush/x/ledger/types"
)

// TreeKeeper is what x/bridge needs from x/tree: where this chain is, its root clock, the root
// commitments it knows and the parent app hash its light client trusts (DESIGN §3, §5).
type TreeKeeper interface {
	// OwnPath is this chain's tree path (empty at the root).
	OwnPath(ctx context.Context) (slushtypes.Path, error)
	// OwnVid is this chain's packed path.
	OwnVid(ctx context.Context) (fr.Element, error)
	// RootHeight is the tree's clock as this chain knows it.
	RootHeight(ctx context.Context) (uint64, error)
	// RootCommitmentAt returns the root commitment at a root height, if this chain knows it.
	RootCommitmentAt(ctx context.Context, rootHeight uint64) ([]byte, bool, error)
	// TrustedParentAppHash is the parent app hash the light client trusts.
	TrustedParentAppHash(ctx context.Context) ([]byte, error)
}

// LedgerKeeper is what x/bridge needs from x/ledger: the burn of a bridge-out and the mint of a
// delivered message (DESIGN §7.1, §7.3), and the ledger's shape.
type LedgerKeeper interface {
	// BurnBridgeOut executes a signed bridge-out and returns the message it appended to the outbox.
	BurnBridgeOut(ctx context.Context, opBytes []byte) (ledgertypes.Burnt, error)
	// Mint delivers a message as a bridge-in of source src and returns its receipt hash and index.
	Mint(ctx context.Context, m inclusion.Message, src ledger.Source) (fr.Element, uint64, error)
	// GetParams is the ledger's shape.
	GetParams(ctx context.Context) (ledgertypes.Params, error)
}
