package types

import (
	"context"
	"time"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"

	sdk "github.com/cosmos/cosmos-sdk/types"

	slushtypes "github.com/slush-tree/slush/types"
	treetypes "github.com/slush-tree/slush/x/tree/types"
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

// TreeKeeper is what the root re-election (DESIGN §10) needs from x/tree, which sits below
// x/election: this chain's path, the root commitments it verified, its parent client (the root's
// newest trusted header, the freeze misbehaviour evidence leaves) and the re-pointing of that
// client at a restarted root. x/tree never calls x/election: the election observes the freeze.
type TreeKeeper interface {
	// OwnPath is this chain's tree path (a child of the root has one index).
	OwnPath(ctx context.Context) (slushtypes.Path, error)
	// RootCommitmentAt is the root commitment this chain verified at a root height, if any.
	RootCommitmentAt(ctx context.Context, rootHeight uint64) ([]byte, bool, error)
	// TrustedParentHeader is the height and time of the newest parent header the parent client
	// trusts (x/tree ErrNoParentClient without one); it answers while the client is frozen.
	TrustedParentHeader(ctx context.Context) (int64, time.Time, error)
	// ParentClientFreeze is the freeze misbehaviour evidence left on the parent client, if any.
	ParentClientFreeze(ctx context.Context) (treetypes.ParentClientFreeze, bool, error)
	// AdoptElectedParent re-points the parent client at a restarted parent chain whose header is
	// signed by consensusKey alone and whose own commitment record at baseHeight, proven under the
	// header's app hash, is baseCommitment; it lifts a freeze. It returns the trusted height and
	// whether a freeze was lifted.
	AdoptElectedParent(ctx context.Context, header, validatorSet []byte, record treetypes.ParentRecord,
		consensusKey []byte, baseHeight uint64, baseCommitment []byte) (int64, bool, error)
}
