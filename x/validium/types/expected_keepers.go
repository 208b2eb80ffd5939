package types

import (
	"context"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"

	"github.com/slush-tree/slush/circuits/inclusion"

	acceptancetypes "github.com/slush-tree/slush/x/acceptance/types"

	sdk "github.com/cosmos/cosmos-sdk/types"
)

// BankKeeper escrows and returns child bonds.
type BankKeeper interface {
	SendCoinsFromAccountToModule(ctx context.Context, senderAddr sdk.AccAddress, recipientModule string, amt sdk.Coins) error
	SendCoinsFromModuleToAccount(ctx context.Context, senderModule string, recipientAddr sdk.AccAddress, amt sdk.Coins) error
}

// AcceptanceHooks is how x/validium tells x/acceptance about its children (DESIGN §6).
type AcceptanceHooks interface {
	// OnChildRegistered creates the child's empty acceptance record.
	OnChildRegistered(ctx context.Context, childIndex uint32) error
	// OnChildUpdate records an accepted update with the child's reported histogram and subtree size.
	OnChildUpdate(ctx context.Context, childIndex uint32, height uint64, commitment []byte,
		reported acceptancetypes.Histogram, subtree uint64) error
	// FinalizedCommitment returns the child's finalized commitment, if any.
	FinalizedCommitment(ctx context.Context, childIndex uint32) ([]byte, bool, error)
	// MaxReportBuckets is the most buckets a child's reported histogram may have.
	MaxReportBuckets(ctx context.Context) (int, error)
	// OnChildRemoved drops a deregistered child's record and finalized leaf.
	OnChildRemoved(ctx context.Context, childIndex uint32) error
}

// ExitMinter credits an exited balance on this chain's own ledger (x/bridge).
type ExitMinter interface {
	// MintExit mints the exit message m (types.ExitMessage) as an exit-source bridge-in.
	MintExit(ctx context.Context, m inclusion.Message) error
}

// AnchorOracle knows the root commitments this chain has verified (its own at the root, the
// synced ones elsewhere: x/bridge's root history, DESIGN §5 downward flow).
type AnchorOracle interface {
	// RootCommitmentAt returns the root commitment at a root height, if this chain knows it.
	RootCommitmentAt(ctx context.Context, rootHeight uint64) ([]byte, bool, error)
}

// ForcedDepositor burns a forced deposit on this chain's ledger (x/bridge, DESIGN §8).
type ForcedDepositor interface {
	// BurnForChild executes a signed bridge-out addressed to childVid and returns its message.
	BurnForChild(ctx context.Context, op []byte, childVid fr.Element) (inclusion.Message, error)
}

// Router takes the routed messages a child's update carries up (x/bridge, DESIGN §7.5).
type Router interface {
	// RouteFromChild verifies a routed message from the child's subtree and moves it on; it
	// reports whether the message was new here.
	RouteFromChild(ctx context.Context, index uint32, routed RoutedMessage) (bool, error)
}
