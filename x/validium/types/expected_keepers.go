package types

import (
	"context"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/slush-tree/slush/circuits/inclusion"
	"github.com/slush-tree/slush/circuits/ledger"
	slushtypes "github.com/slush-tree/slush/types"
	acceptancetypes "github.com/slush-tree/slush/x/acceptance/types"
	ledgertypes "github.com/slush-tree/slush/x/ledger/types"
	treetypes "github.com/slush-tree/slush/x/tree/types"
)

// BankKeeper escrows, returns and slashes child bonds (the module account needs the Burner
// permission).
type BankKeeper interface {
	SendCoinsFromAccountToModule(ctx context.Context, senderAddr sdk.AccAddress, recipientModule string, amt sdk.Coins) error
	SendCoinsFromModuleToAccount(ctx context.Context, senderModule string, recipientAddr sdk.AccAddress, amt sdk.Coins) error
	BurnCoins(ctx context.Context, moduleName string, amt sdk.Coins) error
}

// TreeKeeper is what x/validium needs from x/tree: this chain's place, its root clock and the
// root commitments it knows (anchors, DESIGN §5), its parent client's app hash (forced
// operations received, DESIGN §8), and where its own commitment goes (DESIGN §3).
type TreeKeeper interface {
	// GetIdentity returns this chain's tree identity.
	GetIdentity(ctx context.Context) (treetypes.TreeIdentity, error)
	// OwnPath is this chain's tree path (empty at the root).
	OwnPath(ctx context.Context) (slushtypes.Path, error)
	// OwnVid is this chain's packed path.
	OwnVid(ctx context.Context) (fr.Element, error)
	// ChildVid is the vid of this chain's child index.
	ChildVid(ctx context.Context, index uint32) (fr.Element, error)
	// OwnOperator is the operator key hash and epoch this chain's commitments bind.
	OwnOperator(ctx context.Context) (fr.Element, uint64, error)
	// MarkedDeparture is this chain's departure once its commitments must carry its mark (issue
	// 20), else nil.
	MarkedDeparture(ctx context.Context) (*treetypes.Departure, error)
	// RootHeight is the tree's clock as this chain knows it.
	RootHeight(ctx context.Context) (uint64, error)
	// RootCommitmentAt returns the root commitment at a root height, if this chain knows it.
	RootCommitmentAt(ctx context.Context, rootHeight uint64) ([]byte, bool, error)
	// Anchor is the (root height, root commitment) this block's own commitment binds.
	Anchor(ctx context.Context) (uint64, fr.Element, error)
	// RecordOwnCommitment stores this block's own commitment.
	RecordOwnCommitment(ctx context.Context, c treetypes.OwnCommitment) error
	// TrustedParentAppHash is the parent app hash the light client trusts.
	TrustedParentAppHash(ctx context.Context) ([]byte, error)
	// ValidiumConsensusState is the root's validium consensus, if the validium-consensus upgrade
	// put it under one (DESIGN §10).
	ValidiumConsensusState(ctx context.Context) (treetypes.ValidiumConsensus, bool, error)
}

// LedgerKeeper gives the ledger roots this chain's own commitment binds (DESIGN §3).
type LedgerKeeper interface {
	// CurrentRoots reads the ledger's roots and log length.
	CurrentRoots(ctx context.Context) (ledgertypes.Roots, error)
	// GetParams reads the ledger shape, uniform across the tree: exits open accounts at its depth.
	GetParams(ctx context.Context) (ledgertypes.Params, error)
}

// BridgeKeeper is what x/validium needs from x/bridge: the burn of a forced deposit, the mint of
// routed, forced and exited messages behind the shared nullifier, and the inclusion verifier the
// fallback route checks messages with (DESIGN §7.5, §8).
type BridgeKeeper interface {
	// BurnForChild executes a signed bridge-out addressed to childVid and returns its message.
	BurnForChild(ctx context.Context, op []byte, childVid fr.Element) (inclusion.Message, error)
	// Deliver mints a message proven here (forced or exit source) and returns its receipt index.
	Deliver(ctx context.Context, m inclusion.Message, src ledger.Source) (uint64, error)
	// DeliverRouted mints a routed message unless it was minted before, which it reports.
	DeliverRouted(ctx context.Context, m inclusion.Message) (bool, error)
	// ExecuteForcedWithdrawal executes a forced withdrawal's signed bridge-out on this chain's
	// ledger (issue 20) and returns its message and outbox position.
	ExecuteForcedWithdrawal(ctx context.Context, op []byte) (inclusion.Message, uint64, error)
	// VerifyInclusion charges gas and checks an inclusion proof against a known root commitment.
	VerifyInclusion(ctx context.Context, rootHeight uint64, kind inclusion.Kind, leaf, dst fr.Element, proof []byte) error
}

// AcceptanceKeeper is what x/validium needs from x/acceptance (DESIGN §6): it reports its
// children's updates and removals, reads their finality, and assembles its own report.
type AcceptanceKeeper interface {
	// OnChildRegistered creates the child's empty acceptance record.
	OnChildRegistered(ctx context.Context, childIndex uint32) error
	// OnChildUpdate records an accepted update with the child's reported histogram and subtree size.
	OnChildUpdate(ctx context.Context, childIndex uint32, height uint64, commitment []byte,
		reported acceptancetypes.Histogram, subtree uint64) error
	// OnChildRemoved drops a deregistered child's record and finalized leaf.
	OnChildRemoved(ctx context.Context, childIndex uint32) error
	// OnChildDeparted stops counting a departed child's subtree, keeping its finalized leaf.
	OnChildDeparted(ctx context.Context, childIndex uint32) error
	// FinalizedCommitment returns the child's finalized commitment, if any.
	FinalizedCommitment(ctx context.Context, childIndex uint32) ([]byte, bool, error)
	// ChildSubtree is b_v: the child's subtree size as the child's record holds it.
	ChildSubtree(ctx context.Context, childIndex uint32) (uint64, error)
	// RollbackToFinalized drops the child's hashes pushed after its finalized one (DESIGN §9).
	RollbackToFinalized(ctx context.Context, childIndex uint32) error
	// MaxReportBuckets is the most buckets a child's reported histogram may have.
	MaxReportBuckets(ctx context.Context) (int, error)
	// FinalizedChildrenRoot is the SMT root of this chain's children's finalized commitments.
	FinalizedChildrenRoot(ctx context.Context) (fr.Element, error)
	// SubtreeReport is the report an own update at root height `height` would make.
	SubtreeReport(ctx context.Context, height uint64) (acceptancetypes.SubtreeReport, error)
	// RecordOwnUpdate stores the report of an own update (and at the root, applies it to finality).
	RecordOwnUpdate(ctx context.Context, height uint64, commitment []byte) (acceptancetypes.SubtreeReport, error)
}
