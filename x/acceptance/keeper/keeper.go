package keeper

import (
	"context"
	"fmt"

	"cosmossdk.io/collections"
	"cosmossdk.io/core/address"
	storetypes "cosmossdk.io/core/store"

	"github.com/cosmos/cosmos-sdk/codec"

	"github.com/slush-tree/slush/x/acceptance/types"
)

// Keeper holds x/acceptance state: one acceptance record per child, the root's own record
// (at the root), this chain's last subtree report and the SMT of its children's finalized
// commitments (DESIGN §6).
type Keeper struct {
	cdc          codec.BinaryCodec
	storeService storetypes.KVStoreService
	addressCodec address.Codec
	tree         types.TreeKeeper
	// authority may change params (the gov module account).
	authority string

	Schema     collections.Schema
	Params     collections.Item[types.Params]
	Children   collections.Map[uint32, types.AcceptanceRecord]
	RootRecord collections.Item[types.AcceptanceRecord]
	LastReport collections.Item[types.SubtreeReport]
	// FinalizedTree holds the nodes of the finalized-children SMT: child index →
	// ChildLeaf(index, finalized commitment), derived from Children (rebuilt on import).
	FinalizedTree collections.Map[[]byte, []byte]
}

// NewKeeper builds the keeper; it panics on a malformed authority, which is a wiring bug.
func NewKeeper(
	cdc codec.BinaryCodec, storeService storetypes.KVStoreService, addressCodec address.Codec,
	authority string, tree types.TreeKeeper,
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
		authority:    authority,
		Params:       collections.NewItem(sb, types.ParamsKey, "params", codec.CollValue[types.Params](cdc)),
		Children: collections.NewMap(sb, types.ChildrenKey, "children", collections.Uint32Key,
			codec.CollValue[types.AcceptanceRecord](cdc)),
		RootRecord: collections.NewItem(sb, types.RootRecordKey, "root_record", codec.CollValue[types.AcceptanceRecord](cdc)),
		LastReport: collections.NewItem(sb, types.LastReportKey, "last_report", codec.CollValue[types.SubtreeReport](cdc)),
		FinalizedTree: collections.NewMap(sb, types.FinalizedTreeKey, "finalized_tree", collections.BytesKey,
			collections.BytesValue),
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

// treeShape is this chain's tree shape as x/tree's identity gives it.
func (k Keeper) treeShape(ctx context.Context) (types.TreeShape, error) {
	id, err := k.tree.GetIdentity(ctx)
	if err != nil {
		return types.TreeShape{}, err
	}
	return types.ShapeOf(id), nil
}
