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

// Keeper holds x/bridge state: the chain's outgoing messages and their senders' freezes, the
// nullifiers of every message delivered here, and the inclusion verifier that proves messages
// and receipts across the tree (DESIGN §7). It calls x/ledger to burn and mint and x/tree for
// the root commitments proofs are checked against.
type Keeper struct {
	cdc          codec.BinaryCodec
	storeService storetypes.KVStoreService
	addressCodec address.Codec
	tree         types.TreeKeeper
	ledger       types.LedgerKeeper
	logger       log.Logger
	vks          *vkcache.Cache
	// authority may change params (the gov module account).
	authority string

	Schema collections.Schema
	Params collections.Item[types.Params]
	// Inclusion are the genesis-fixed inclusion verifier parameters.
	Inclusion collections.Item[types.InclusionParams]
	// Nullifiers hold the hash of every message minted here (claimed, routed, forced or exited), forever.
	Nullifiers collections.KeySet[[]byte]
	// Outgoing are this chain's bridge-outs by message hash.
	Outgoing collections.Map[[]byte, types.OutgoingMessage]
	// FrozenSender are the ledger accounts waiting for a confirmation (DESIGN §7.4).
	FrozenSender collections.KeySet[uint64]
	// OutgoingDeadlines indexes SENT messages by (deadline, hash) for bounded expiry.
	OutgoingDeadlines collections.KeySet[collections.Pair[uint64, []byte]]
}

// NewKeeper builds the keeper; it panics on a malformed authority, which is a wiring bug.
func NewKeeper(
	cdc codec.BinaryCodec, storeService storetypes.KVStoreService, addressCodec address.Codec, authority string,
	tree types.TreeKeeper, ledger types.LedgerKeeper, logger log.Logger,
) Keeper {
	if _, err := addressCodec.StringToBytes(authority); err != nil {
		panic(fmt.Errorf("invalid x/%s authority address %q: %w", types.ModuleName, authority, err))
	}
	sb := collections.NewSchemaBuilder(storeService)
	k := Keeper{
		cdc:          cdc,
		storeService: storeService,
		addressCodec: addressCodec,
		tree:         tree,
		ledger:       ledger,
		logger:       logger.With("module", "x/"+types.ModuleName),
		vks:          vkcache.New(),
		authority:    authority,
		Params:       collections.NewItem(sb, types.ParamsKey, "params", codec.CollValue[types.Params](cdc)),
		Inclusion: collections.NewItem(sb, types.InclusionParamsKey, "inclusion_params",
			codec.CollValue[types.InclusionParams](cdc)),
		Nullifiers: collections.NewKeySet(sb, types.NullifiersKey, "nullifiers", collections.BytesKey),
		Outgoing: collections.NewMap(sb, types.OutgoingKey, "outgoing", collections.BytesKey,
			codec.CollValue[types.OutgoingMessage](cdc)),
		FrozenSender: collections.NewKeySet(sb, types.FrozenSendersKey, "frozen_senders", collections.Uint64Key),
		OutgoingDeadlines: collections.NewKeySet(sb, types.OutgoingDeadlinesKey, "outgoing_deadlines",
			collections.PairKeyCodec(collections.Uint64Key, collections.BytesKey)),
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
