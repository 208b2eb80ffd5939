package types

import (
	"context"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"

	sdk "github.com/cosmos/cosmos-sdk/types"

	validiumtypes "github.com/slush-tree/slush/x/validium/types"
)

// ValidiumKeeper is what x/election needs, all from x/validium (the one module it calls): the
// child registry, the root clock, the child's finality and subtree size, and the operator switch
// (DESIGN §9).
type ValidiumKeeper interface {
	// GetChild returns a registered child or validium's ErrUnknownChild.
	GetChild(ctx context.Context, index uint32) (validiumtypes.Child, error)
	// ChildVid is the vid of this chain's child index (this chain's path plus the index).
	ChildVid(ctx context.Context, index uint32) (fr.Element, error)
	// RootHeight is the tree's clock (DESIGN §3).
	RootHeight(ctx context.Context) (uint64, error)
	// FinalizedCommitment returns the child's finalized commitment, if any.
	FinalizedCommitment(ctx context.Context, childIndex uint32) ([]byte, bool, error)
	// ChildSubtree is b_v: the child's subtree size as the child's record holds it.
	ChildSubtree(ctx context.Context, childIndex uint32) (uint64, error)
	// InstallOperator rolls the child back to its finalized commitment (its state, its acceptance
	// record and the messages routed to it), installs the elected operator and key hash, bumps its
	// epoch and slashes slashBps of the old operator's bond. It returns the child as it was before
	// and the slashed amount.
	InstallOperator(ctx context.Context, index uint32, operator string, operatorKeyHash []byte, slashBps uint32) (validiumtypes.Child, sdk.Coin, error)
}
