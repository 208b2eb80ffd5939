package keeper

import (
	"context"
	"fmt"

	"cosmossdk.io/collections"
	"cosmossdk.io/core/address"
	storetypes "cosmossdk.io/core/store"

	"github.com/cosmos/cosmos-sdk/codec"

	"github.com/slush-tree/slush/x/validium/types"
)

// Keeper holds x/validium state: the tree identity and (in later versions) the registered children.
type Keeper struct {
	cdc          codec.BinaryCodec
	storeService storetypes.KVStoreService
	addressCodec address.Codec
	// authority may change params (the gov module account).
	authority string

	Schema   collections.Schema
	Params   collections.Item[types.Params]
	Identity collections.Item[types.TreeIdentity]
}

// NewKeeper builds the keeper; it panics on a malformed authority, which is a wiring bug.
func NewKeeper(cdc codec.BinaryCodec, storeService storetypes.KVStoreService, addressCodec address.Codec, authority string) Keeper {
	if _, err := addressCodec.StringToBytes(authority); err != nil {
		panic(fmt.Errorf("invalid x/%s authority address %q: %w", types.ModuleName, authority, err))
	}
	sb := collections.NewSchemaBuilder(storeService)
	k := Keeper{
		cdc:          cdc,
		storeService: storeService,
		addressCodec: addressCodec,
		authority:    authority,
		Params:       collections.NewItem(sb, types.ParamsKey, "params", codec.CollValue[types.Params](cdc)),
		Identity:     collections.NewItem(sb, types.IdentityKey, "identity", codec.CollValue[types.TreeIdentity](cdc)),
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

// IsRoot reports whether this chain is the root of the tree (its path is empty).
func (k Keeper) IsRoot(ctx context.Context) (bool, error) {
	id, err := k.Identity.Get(ctx)
	if err != nil {
		return false, err
	}
	return id.IsRoot(), nil
}
