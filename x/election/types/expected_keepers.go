package types

import (
	"context"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"

	sdk "github.com/cosmos/cosmos-sdk/types"

	validiumtypes "github.com/slush-tree/slush/x/validium/types"
)

// ValidiumKeeper is what x/election needs from x/validium: the child registry, the root clock
// and the operator switch (DESIGN §9).
type ValidiumKeeper interface {
	// GetChild returns a registered child or validium's ErrUnknownChild.
	GetChild(ctx context.Context, index uint32) (validiumtypes.Child, error)
	// ChildVid is the vid of this chain's child index (this chain's path plus the index).
	ChildVid(ctx context.Context, index uint32) (fr.Element, error)
	// RootHeight is the tree's clock (DESIGN §3).
	RootHeight(ctx context.Context) (uint64, error)
	// InstallOperator rolls the child back to its finalized commitment, installs the elected
	// operator and key hash, bumps its epoch and slashes slashBps of the old operator's bond. It
	// returns the child as it was before, the slashed amount and the payload hashes of the inbox
	// entries the rollback un-consumed (sorted).
	InstallOperator(ctx context.Context, index uint32, operator string, operatorKeyHash []byte, slashBps uint32) (validiumtypes.Child, sdk.Coin, [][]byte, error)
}

// BridgeKeeper is what x/election needs from x/bridge: after a switch, the messages x/bridge
// recorded as already delivered to the child because of an entry the rollback un-consumed are
// routed to it again (DESIGN §7.5, §9).
type BridgeKeeper interface {
	// RerouteAfterRollback queues again for child childIndex the routed messages among
	// payloadHashes that were recorded as already delivered to it.
	RerouteAfterRollback(ctx context.Context, childIndex uint32, payloadHashes [][]byte) error
}

// AcceptanceKeeper is what x/election needs from x/acceptance (DESIGN §6, §9).
type AcceptanceKeeper interface {
	// FinalizedCommitment returns the child's finalized commitment, if any.
	FinalizedCommitment(ctx context.Context, childIndex uint32) ([]byte, bool, error)
	// ChildSubtree is b_v: the child's subtree size as the child's record holds it.
	ChildSubtree(ctx context.Context, childIndex uint32) (uint64, error)
	// RollbackToFinalized drops the child's hashes pushed after its finalized one.
	RollbackToFinalized(ctx context.Context, childIndex uint32) error
}
