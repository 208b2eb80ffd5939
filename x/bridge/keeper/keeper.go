package keeper

import (
	"fmt"

	"cosmossdk.io/collections"
	"cosmossdk.io/core/address"
	storetypes "cosmossdk.io/core/store"
	"cosmossdk.io/log"

	"github.com/cosmos/cosmos-sdk/codec"

	"github.com/slush-tree/slush/internal/vkcache"
	"github.com/slush-tree/slush/x/bridge/types"
)

// Keeper holds x/bridge state: the chain's own-state ledger (DESIGN §4), the operation log the
// prover replays, and the chain's commitment per block (DESIGN §3).
type Keeper struct {
	cdc          codec.BinaryCodec
	storeService storetypes.KVStoreService
	addressCodec address.Codec
	validium     types.ValidiumKeeper
	acceptance   types.AcceptanceKeeper
	logger       log.Logger
	// authority may change params (the gov module account).
	authority string

	Schema       collections.Schema
	Params       collections.Item[types.Params]
	LedgerParams collections.Item[types.LedgerParams]
	LedgerStore  collections.Map[[]byte, []byte]
	Log          collections.Map[uint64, types.LoggedOp]
	LogLength    collections.Sequence
	Commitments  collections.Map[int64, types.OwnCommitment]
	RootHistory  collections.Map[uint64, []byte]
	Nullifiers   collections.KeySet[[]byte]
	Inclusion    collections.Item[types.InclusionParams]
	Outgoing     collections.Map[[]byte, types.OutgoingMessage]
	FrozenSender collections.KeySet[uint64]
	// OutgoingDeadlines indexes SENT messages by (deadline, hash) for bounded expiry.
	OutgoingDeadlines collections.KeySet[collections.Pair[uint64, []byte]]
	// Routes are this chain's fallback-route records by message hash.
	Routes collections.Map[[]byte, types.RouteRecord]
	// ParentClient is the trusted parent light-client state (DESIGN §5 downward flow).
	ParentClient collections.Item[[]byte]
	// ParentSync are the light-client parameters.
	ParentSync collections.Item[types.ParentSyncParams]
	// CommitmentHeights index Commitments by hash (first height), for witness builders.
	CommitmentHeights collections.Map[[]byte, int64]
	// GenesisDeposits record how the ledger was funded at genesis, in order.
	GenesisDeposits collections.Map[uint64, types.GenesisDeposit]
	vks             *vkcache.Cache
}

// NewKeeper builds the keeper; it panics on a malformed authority, which is a wiring bug.
func NewKeeper(
	cdc codec.BinaryCodec, storeService storetypes.KVStoreService, addressCodec address.Codec, authority string,
	validium types.ValidiumKeeper, acceptance types.AcceptanceKeeper, logger log.Logger,
) Keeper {
	if _, err := addressCodec.StringToBytes(authority); err != nil {
		panic(fmt.Errorf("invalid x/%s authority address %q: %w", types.ModuleName, authority, err))
	}
	sb := collections.NewSchemaBuilder(storeService)
	k := Keeper{
		cdc:          cdc,
		storeService: storeService,
		addressCodec: addressCodec,
		validium:     validium,
		acceptance:   acceptance,
		logger:       logger.With("module", "x/"+types.ModuleName),
		authority:    authority,
		Params:       collections.NewItem(sb, types.ParamsKey, "params", codec.CollValue[types.Params](cdc)),
		LedgerParams: collections.NewItem(sb, types.LedgerParamsKey, "ledger_params", codec.CollValue[types.LedgerParams](cdc)),
		LedgerStore:  collections.NewMap(sb, types.LedgerStoreKey, "ledger_store", collections.BytesKey, collections.BytesValue),
		Log:          collections.NewMap(sb, types.LogKey, "log", collections.Uint64Key, codec.CollValue[types.LoggedOp](cdc)),
		LogLength:    collections.NewSequence(sb, types.LogLengthKey, "log_length"),
		Commitments: collections.NewMap(sb, types.CommitmentsKey, "commitments", collections.Int64Key,
			codec.CollValue[types.OwnCommitment](cdc)),
		RootHistory: collections.NewMap(sb, types.RootHistoryKey, "root_history", collections.Uint64Key,
			collections.BytesValue),
		Nullifiers: collections.NewKeySet(sb, types.NullifiersKey, "nullifiers", collections.BytesKey),
		Inclusion: collections.NewItem(sb, types.InclusionParamsKey, "inclusion_params",
			codec.CollValue[types.InclusionParams](cdc)),
		Outgoing: collections.NewMap(sb, types.OutgoingKey, "outgoing", collections.BytesKey,
			codec.CollValue[types.OutgoingMessage](cdc)),
		FrozenSender: collections.NewKeySet(sb, types.FrozenSendersKey, "frozen_senders", collections.Uint64Key),
		OutgoingDeadlines: collections.NewKeySet(sb, types.OutgoingDeadlinesKey, "outgoing_deadlines",
			collections.PairKeyCodec(collections.Uint64Key, collections.BytesKey)),
		Routes: collections.NewMap(sb, types.RoutesKey, "routes", collections.BytesKey,
			codec.CollValue[types.RouteRecord](cdc)),
		ParentClient: collections.NewItem(sb, types.ParentClientKey, "parent_client", collections.BytesValue),
		CommitmentHeights: collections.NewMap(sb, types.CommitmentHeightsKey, "commitment_heights", collections.BytesKey,
			collections.Int64Value),
		ParentSync: collections.NewItem(sb, types.ParentSyncKey, "parent_sync",
			codec.CollValue[types.ParentSyncParams](cdc)),
		GenesisDeposits: collections.NewMap(sb, types.GenesisDepositsKey, "genesis_deposits", collections.Uint64Key,
			codec.CollValue[types.GenesisDeposit](cdc)),
		vks: vkcache.New(),
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
