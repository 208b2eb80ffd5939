package keeper

import (
	"fmt"

	"cosmossdk.io/collections"
	"cosmossdk.io/core/address"
	storetypes "cosmossdk.io/core/store"
	"cosmossdk.io/log"

	"github.com/cosmos/cosmos-sdk/codec"

	"github.com/slush-tree/slush/x/tree/types"
)

// Keeper holds x/tree state: this chain's place in the tree, its root clock, the root
// commitments it has verified, its own commitment per block and the parent light client
// (DESIGN §3, §5). It calls no other module: every Slush module sits above it.
type Keeper struct {
	cdc          codec.BinaryCodec
	storeService storetypes.KVStoreService
	addressCodec address.Codec
	logger       log.Logger
	// authority may change params and recover the parent client (the gov module account).
	authority string

	Schema   collections.Schema
	Params   collections.Item[types.Params]
	Identity collections.Item[types.TreeIdentity]
	// AnchorHeight is a non-root chain's root clock: the newest root height it has verified.
	AnchorHeight collections.Item[uint64]
	// Commitments are this chain's own commitments by block height.
	Commitments collections.Map[int64, types.OwnCommitment]
	// CommitmentHeights index Commitments by hash (first height), for witness builders.
	CommitmentHeights collections.Map[[]byte, int64]
	// RootHistory are the root commitments a non-root chain has verified, by root height.
	RootHistory collections.Map[uint64, []byte]
	// ParentClient is the trusted parent light-client state (DESIGN §5 downward flow).
	ParentClient collections.Item[[]byte]
	// ParentSync are the light-client parameters.
	ParentSync collections.Item[types.ParentSyncParams]
	// ParentClientFrozen is set while misbehaviour evidence has the parent client frozen (issue 17).
	ParentClientFrozen collections.Item[types.ParentClientFreeze]
	// ValidiumConsensus is set on the root by the `validium-consensus` upgrade (DESIGN §10).
	ValidiumConsensus collections.Item[types.ValidiumConsensus]
}

// NewKeeper builds the keeper; it panics on a malformed authority, which is a wiring bug.
func NewKeeper(
	cdc codec.BinaryCodec, storeService storetypes.KVStoreService, addressCodec address.Codec, authority string,
	logger log.Logger,
) Keeper {
	if _, err := addressCodec.StringToBytes(authority); err != nil {
		panic(fmt.Errorf("invalid x/%s authority address %q: %w", types.ModuleName, authority, err))
	}
	sb := collections.NewSchemaBuilder(storeService)
	k := Keeper{
		cdc:          cdc,
		storeService: storeService,
		addressCodec: addressCodec,
		logger:       logger.With("module", "x/"+types.ModuleName),
		authority:    authority,
		Params:       collections.NewItem(sb, types.ParamsKey, "params", codec.CollValue[types.Params](cdc)),
		Identity:     collections.NewItem(sb, types.IdentityKey, "identity", codec.CollValue[types.TreeIdentity](cdc)),
		AnchorHeight: collections.NewItem(sb, types.AnchorHeightKey, "anchor_height", collections.Uint64Value),
		Commitments: collections.NewMap(sb, types.CommitmentsKey, "commitments", collections.Int64Key,
			codec.CollValue[types.OwnCommitment](cdc)),
		CommitmentHeights: collections.NewMap(sb, types.CommitmentHeightsKey, "commitment_heights", collections.BytesKey,
			collections.Int64Value),
		RootHistory: collections.NewMap(sb, types.RootHistoryKey, "root_history", collections.Uint64Key,
			collections.BytesValue),
		ParentClient: collections.NewItem(sb, types.ParentClientKey, "parent_client", collections.BytesValue),
		ParentSync: collections.NewItem(sb, types.ParentSyncKey, "parent_sync",
			codec.CollValue[types.ParentSyncParams](cdc)),
		ParentClientFrozen: collections.NewItem(sb, types.ParentClientFrozenKey, "parent_client_frozen",
			codec.CollValue[types.ParentClientFreeze](cdc)),
		ValidiumConsensus: collections.NewItem(sb, types.ValidiumConsensusKey, "validium_consensus",
			codec.CollValue[types.ValidiumConsensus](cdc)),
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
