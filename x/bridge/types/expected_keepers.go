package types

import (
	"context"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"

	"github.com/slush-tree/slush/circuits/inclusion"
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
	// OwnOperator is the operator key hash and epoch this chain's commitments bind.
	OwnOperator(ctx context.Context) (fr.Element, uint64, error)
	// OwnPath is this chain's tree path (empty at the root).
	OwnPath(ctx context.Context) ([]uint32, error)
	// EnqueueRouted queues a routed message as a forced operation for a child (DESIGN §7.5).
	EnqueueRouted(ctx context.Context, index uint32, m inclusion.Message, forward bool) error
	// RequeueRouted is EnqueueRouted without the queue bound, for a message a re-election
	// un-consumed (DESIGN §9).
	RequeueRouted(ctx context.Context, index uint32, m inclusion.Message, forward bool) error
	// ChildConsumed reports whether a child already consumed an inbox entry (claimed the message).
	ChildConsumed(ctx context.Context, index uint32, payloadHash []byte) (bool, error)
	// ParentChainID is the parent's chain-id from this chain's tree identity (empty at the root):
	// a recovered parent client must be of that chain (DESIGN §9 failover).
	ParentChainID(ctx context.Context) (string, error)
}

// AcceptanceKeeper gives the subtree histogram and the finalized children bound into the commitment.
type AcceptanceKeeper interface {
	// FinalizedChildrenRoot is the SMT root of this chain's children's finalized commitments.
	FinalizedChildrenRoot(ctx context.Context) (fr.Element, error)
	// SubtreeReport is the report an own update at root height `height` would make.
	SubtreeReport(ctx context.Context, height uint64) (acceptancetypes.SubtreeReport, error)
	// RecordOwnUpdate stores the report of an own update (and at the root, applies it to finality).
	RecordOwnUpdate(ctx context.Context, height uint64, commitment []byte) (acceptancetypes.SubtreeReport, error)
}
