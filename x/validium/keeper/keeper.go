package keeper

import (
	"fmt"

	"cosmossdk.io/collections"
	"cosmossdk.io/core/address"
	storetypes "cosmossdk.io/core/store"
	"cosmossdk.io/log"

	"github.com/cosmos/cosmos-sdk/codec"

	"github.com/slush-tree/slush/internal/vkcache"
	"github.com/slush-tree/slush/x/validium/types"
)

// Keeper holds x/validium state: the registered children, their accepted update history and
// snapshots, their forced-operation queues and the fallback-route records (DESIGN §5, §7.5, §8,
// §9). It is the top of the commitment flow: it assembles this chain's own commitment from the
// modules below it at the end of every block.
type Keeper struct {
	cdc          codec.BinaryCodec
	storeService storetypes.KVStoreService
	addressCodec address.Codec
	bank         types.BankKeeper
	tree         types.TreeKeeper
	ledger       types.LedgerKeeper
	bridge       types.BridgeKeeper
	acceptance   types.AcceptanceKeeper
	logger       log.Logger
	vks          *vkcache.Cache
	// authority may change params (the gov module account).
	authority string

	Schema          collections.Schema
	Params          collections.Item[types.Params]
	Children        collections.Map[uint32, types.Child]
	History         collections.Map[collections.Pair[uint32, uint64], []byte]
	ForcedOps       collections.Map[collections.Pair[uint32, uint64], types.ForcedOperation]
	ForcedDeadlines collections.KeySet[collections.Triple[uint64, uint32, uint64]]
	NextForcedSeq   collections.Map[uint32, uint64]
	ForcedHead      collections.Map[uint32, uint64]
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
	// Routes are this chain's fallback-route records by message hash (DESIGN §7.5).
	Routes collections.Map[[]byte, types.RouteRecord]
	// ProvenLeaves are the grandchild commitments step proofs proved, by (child, grandchild,
	// commitment), with their anchor: what a child's finalized children root may hold (issue 16).
	ProvenLeaves collections.Map[collections.Triple[uint32, uint32, []byte], uint64]
	// ForcedWithdrawals are the withdrawals forced on each child by (child, sequence) (issue 20).
	ForcedWithdrawals collections.Map[collections.Pair[uint32, uint64], types.ForcedWithdrawal]
	// WithdrawalDeadlines indexes pending forced withdrawals by (deadline, child, sequence).
	WithdrawalDeadlines collections.KeySet[collections.Triple[uint64, uint32, uint64]]
	// NextWithdrawalSeq is each child's next forced-withdrawal sequence.
	NextWithdrawalSeq collections.Map[uint32, uint64]
	// WithdrawalOps holds (child, op signing hash) of every op forced on a child (replays).
	WithdrawalOps collections.KeySet[collections.Pair[uint32, []byte]]
	// WithdrawalProven indexes proven forced withdrawals by (child, proving anchor, sequence).
	WithdrawalProven collections.KeySet[collections.Triple[uint32, uint64, uint64]]
	// WithdrawalPending counts each child's pending forced withdrawals.
	WithdrawalPending collections.Map[uint32, uint64]
	// WithdrawalPositions maps (child, outbox position) to the withdrawal it proved executed.
	WithdrawalPositions collections.Map[collections.Pair[uint32, uint64], uint64]
	// RootBond is the root operator's bond for the root's current epoch (DESIGN §10), on the root
	// under validium consensus only.
	RootBond collections.Item[types.RootBond]
	// Arrivals maps a departed chain's old vid → the child index it arrived at here: each
	// departed chain's state arrives once (issue 20).
	Arrivals collections.Map[[]byte, uint32]
	// GrandchildReports are the proven reports of the grandchild commitments the children's
	// accepted children roots hold, by (child, grandchild): what bounds a child's report (issue 16).
	GrandchildReports collections.Map[collections.Pair[uint32, uint32], types.GrandchildReport]
	// BlockSteps is the step cost of the child updates accepted in this block (transient store):
	// what ChildStepBudget bounds.
	BlockSteps collections.Item[uint64]
	// FrozenDepartures are the children of frozen children that left for another parent, by
	// (frozen child, grandchild index): once each (issue 20).
	FrozenDepartures collections.Map[collections.Pair[uint32, uint32], types.FrozenDeparture]
}

// NewKeeper builds the keeper over the modules below it; it panics on a malformed authority,
// which is a wiring bug.
func NewKeeper(
	cdc codec.BinaryCodec, storeService storetypes.KVStoreService, transientService storetypes.TransientStoreService,
	addressCodec address.Codec, authority string,
	bank types.BankKeeper, tree types.TreeKeeper, ledger types.LedgerKeeper, bridge types.BridgeKeeper,
	acceptance types.AcceptanceKeeper, logger log.Logger,
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
		tree:         tree,
		ledger:       ledger,
		bridge:       bridge,
		acceptance:   acceptance,
		logger:       logger.With("module", "x/"+types.ModuleName),
		vks:          vkcache.New(),
		authority:    authority,
		Params:       collections.NewItem(sb, types.ParamsKey, "params", codec.CollValue[types.Params](cdc)),
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
		Routes: collections.NewMap(sb, types.RoutesKey, "routes", collections.BytesKey,
			codec.CollValue[types.RouteRecord](cdc)),
		ProvenLeaves: collections.NewMap(sb, types.ProvenLeavesKey, "proven_leaves",
			collections.TripleKeyCodec(collections.Uint32Key, collections.Uint32Key, collections.BytesKey), collections.Uint64Value),
		ForcedWithdrawals: collections.NewMap(sb, types.ForcedWithdrawalsKey, "forced_withdrawals",
			collections.PairKeyCodec(collections.Uint32Key, collections.Uint64Key), codec.CollValue[types.ForcedWithdrawal](cdc)),
		WithdrawalDeadlines: collections.NewKeySet(sb, types.WithdrawalDeadlinesKey, "withdrawal_deadlines",
			collections.TripleKeyCodec(collections.Uint64Key, collections.Uint32Key, collections.Uint64Key)),
		NextWithdrawalSeq: collections.NewMap(sb, types.NextWithdrawalSeqKey, "next_withdrawal_seq", collections.Uint32Key,
			collections.Uint64Value),
		WithdrawalOps: collections.NewKeySet(sb, types.WithdrawalOpsKey, "withdrawal_ops",
			collections.PairKeyCodec(collections.Uint32Key, collections.BytesKey)),
		WithdrawalProven: collections.NewKeySet(sb, types.WithdrawalProvenKey, "withdrawal_proven",
			collections.TripleKeyCodec(collections.Uint32Key, collections.Uint64Key, collections.Uint64Key)),
		WithdrawalPending: collections.NewMap(sb, types.WithdrawalPendingKey, "withdrawal_pending", collections.Uint32Key,
			collections.Uint64Value),
		WithdrawalPositions: collections.NewMap(sb, types.WithdrawalPositionsKey, "withdrawal_positions",
			collections.PairKeyCodec(collections.Uint32Key, collections.Uint64Key), collections.Uint64Value),
		RootBond: collections.NewItem(sb, types.RootBondKey, "root_bond", codec.CollValue[types.RootBond](cdc)),
		Arrivals: collections.NewMap(sb, types.ArrivalsKey, "arrivals", collections.BytesKey, collections.Uint32Value),
		GrandchildReports: collections.NewMap(sb, types.GrandchildReportsKey, "grandchild_reports",
			collections.PairKeyCodec(collections.Uint32Key, collections.Uint32Key), codec.CollValue[types.GrandchildReport](cdc)),
		FrozenDepartures: collections.NewMap(sb, types.FrozenDeparturesKey, "frozen_departures",
			collections.PairKeyCodec(collections.Uint32Key, collections.Uint32Key), codec.CollValue[types.FrozenDeparture](cdc)),
	}
	tsb := collections.NewSchemaBuilderFromAccessor(transientService.OpenTransientStore)
	k.BlockSteps = collections.NewItem(tsb, types.BlockStepsKey, "block_steps", collections.Uint64Value)
	if _, err := tsb.Build(); err != nil {
		panic(err)
	}
	schema, err := sb.Build()
	if err != nil {
		panic(err)
	}
	k.Schema = schema
	return k
}

// GetAuthority returns the address allowed to change params.
func (k Keeper) GetAuthority() string { return k.authority }
