package keeper

import (
	"context"
	"fmt"

	"cosmossdk.io/collections"
	"cosmossdk.io/core/address"
	storetypes "cosmossdk.io/core/store"

	"github.com/cosmos/cosmos-sdk/codec"

	"github.com/slush-tree/slush/internal/vkcache"
	"github.com/slush-tree/slush/x/validium/types"
)

// Keeper holds x/validium state: the tree identity, the registered children, their accepted
// update history and their forced-operation queues (DESIGN §5, §8).
type Keeper struct {
	cdc          codec.BinaryCodec
	storeService storetypes.KVStoreService
	addressCodec address.Codec
	bank         types.BankKeeper
	acceptance   types.AcceptanceHooks
	anchors      types.AnchorOracle
	exits        types.ExitMinter
	deposits     types.ForcedDepositor
	router       types.Router
	vks          *vkcache.Cache
	// authority may change params (the gov module account).
	authority string

	Schema          collections.Schema
	Params          collections.Item[types.Params]
	Identity        collections.Item[types.TreeIdentity]
	Children        collections.Map[uint32, types.Child]
	History         collections.Map[collections.Pair[uint32, uint64], []byte]
	ForcedOps       collections.Map[collections.Pair[uint32, uint64], types.ForcedOperation]
	ForcedDeadlines collections.KeySet[collections.Triple[uint64, uint32, uint64]]
	NextForcedSeq   collections.Map[uint32, uint64]
	ForcedHead      collections.Map[uint32, uint64]
	AnchorHeight    collections.Item[uint64]
	ChildrenTree    collections.Map[[]byte, []byte]
	// Exits are the paid exits by (child, account), with the opening each was paid on.
	Exits collections.Map[collections.Pair[uint32, uint64], types.AccountOpening]
	// Snapshots are the child records as each accepted update left them, keyed by (child, commitment),
	// and SnapshotOps the forced operations each consumed: what a re-election rolls back to (DESIGN §9).
	Snapshots   collections.Map[collections.Pair[uint32, []byte], types.Child]
	SnapshotOps collections.Map[collections.Triple[uint32, []byte, uint64], types.ForcedOperation]
	// SnapshotEntries are the ConsumedEntries each snapshot's update added, keyed by (child,
	// commitment, payload hash): a re-election dropping the snapshot un-consumes them (DESIGN §9).
	SnapshotEntries collections.KeySet[collections.Triple[uint32, []byte, []byte]]
	// ConsumedEntries are the inbox entries each child has consumed (DESIGN §7.5).
	ConsumedEntries collections.KeySet[collections.Pair[uint32, []byte]]
	// ForcedPayloads indexes ForcedOps by (child, payload hash, sequence), so matching an update
	// against the queue stops once every matchable entry is spent.
	ForcedPayloads collections.KeySet[collections.Triple[uint32, []byte, uint64]]
}

// NewKeeper builds the keeper; it panics on a malformed authority, which is a wiring bug.
func NewKeeper(
	cdc codec.BinaryCodec, storeService storetypes.KVStoreService, addressCodec address.Codec,
	authority string, bank types.BankKeeper,
) Keeper {
	if _, err := addressCodec.StringToBytes(authority); err != nil {
		panic(fmt.Errorf("invalid x/%s authority address %q: %w", types.ModuleName, authority, err))
	}
	sb := collections.NewSchemaBuilder(storeService)
	k := Keeper{
		cdc:          cdc,
		storeService: storeService,
		addressCodec: addressCodec,
		bank:         bank,
		vks:          vkcache.New(),
		authority:    authority,
		Params:       collections.NewItem(sb, types.ParamsKey, "params", codec.CollValue[types.Params](cdc)),
		Identity:     collections.NewItem(sb, types.IdentityKey, "identity", codec.CollValue[types.TreeIdentity](cdc)),
		Children: collections.NewMap(sb, types.ChildrenKey, "children", collections.Uint32Key,
			codec.CollValue[types.Child](cdc)),
		History: collections.NewMap(sb, types.HistoryKey, "history",
			collections.PairKeyCodec(collections.Uint32Key, collections.Uint64Key), collections.BytesValue),
		ForcedOps: collections.NewMap(sb, types.ForcedOpsKey, "forced_ops",
			collections.PairKeyCodec(collections.Uint32Key, collections.Uint64Key), codec.CollValue[types.ForcedOperation](cdc)),
		ForcedDeadlines: collections.NewKeySet(sb, types.ForcedDeadlinesKey, "forced_deadlines",
			collections.TripleKeyCodec(collections.Uint64Key, collections.Uint32Key, collections.Uint64Key)),
		NextForcedSeq: collections.NewMap(sb, types.NextForcedSeqKey, "next_forced_seq", collections.Uint32Key,
			collections.Uint64Value),
		ForcedHead: collections.NewMap(sb, types.ForcedQueueHeadKey, "forced_head", collections.Uint32Key,
			collections.Uint64Value),
		AnchorHeight: collections.NewItem(sb, types.AnchorHeightKey, "anchor_height", collections.Uint64Value),
		ChildrenTree: collections.NewMap(sb, types.ChildrenTreeKey, "children_tree", collections.BytesKey,
			collections.BytesValue),
		Exits: collections.NewMap(sb, types.ExitsKey, "exits",
			collections.PairKeyCodec(collections.Uint32Key, collections.Uint64Key), codec.CollValue[types.AccountOpening](cdc)),
		Snapshots: collections.NewMap(sb, types.SnapshotsKey, "snapshots",
			collections.PairKeyCodec(collections.Uint32Key, collections.BytesKey), codec.CollValue[types.Child](cdc)),
		SnapshotOps: collections.NewMap(sb, types.SnapshotOpsKey, "snapshot_ops",
			collections.TripleKeyCodec(collections.Uint32Key, collections.BytesKey, collections.Uint64Key),
			codec.CollValue[types.ForcedOperation](cdc)),
		SnapshotEntries: collections.NewKeySet(sb, types.SnapshotEntriesKey, "snapshot_entries",
			collections.TripleKeyCodec(collections.Uint32Key, collections.BytesKey, collections.BytesKey)),
		ConsumedEntries: collections.NewKeySet(sb, types.ConsumedEntriesKey, "consumed_entries",
			collections.PairKeyCodec(collections.Uint32Key, collections.BytesKey)),
		ForcedPayloads: collections.NewKeySet(sb, types.ForcedPayloadsKey, "forced_payloads",
			collections.TripleKeyCodec(collections.Uint32Key, collections.BytesKey, collections.Uint64Key)),
	}
	schema, err := sb.Build()
	if err != nil {
		panic(err)
	}
	k.Schema = schema
	return k
}

// SetAcceptanceHooks connects x/acceptance (built after this keeper, since it asks IsRoot).
func (k *Keeper) SetAcceptanceHooks(h types.AcceptanceHooks) { k.acceptance = h }

// SetAnchorOracle connects the source of known root commitments (x/bridge's root history).
func (k *Keeper) SetAnchorOracle(o types.AnchorOracle) { k.anchors = o }

// SetForcedDepositor connects the ledger that burns forced deposits (x/bridge).
func (k *Keeper) SetForcedDepositor(d types.ForcedDepositor) { k.deposits = d }

// SetRouter connects the fallback router that takes routed messages carried by updates (x/bridge).
func (k *Keeper) SetRouter(r types.Router) { k.router = r }

// SetExitMinter connects the ledger that pays exits (x/bridge, built after this keeper).
func (k *Keeper) SetExitMinter(m types.ExitMinter) { k.exits = m }

// GetAuthority returns the address allowed to change params.
func (k Keeper) GetAuthority() string { return k.authority }

// IsRoot reports whether this chain is the root of the tree (its path is empty).
func (k Keeper) IsRoot(ctx context.Context) (bool, error) {
	id, err := k.Identity.Get(ctx)
	if err != nil {
		return false, err
	}
	return id.IsRoot(), nil
}
