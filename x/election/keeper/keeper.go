package keeper

import (
	"fmt"

	"cosmossdk.io/collections"
	"cosmossdk.io/core/address"
	storetypes "cosmossdk.io/core/store"

	"github.com/cosmos/cosmos-sdk/codec"

	"github.com/slush-tree/slush/x/election/types"
)

// Keeper holds x/election state: the emergency rounds, their votes and tallies (DESIGN §9).
type Keeper struct {
	cdc          codec.BinaryCodec
	storeService storetypes.KVStoreService
	addressCodec address.Codec
	validium     types.ValidiumKeeper
	// authority may change params (the gov module account).
	authority string

	Schema      collections.Schema
	Params      collections.Item[types.Params]
	NextRoundID collections.Sequence
	Rounds      collections.Map[uint64, types.Round]
	OpenRounds  collections.Map[uint32, uint64]
	Votes       collections.Map[collections.Pair[uint64, []byte], types.Vote]
	Tallies     collections.Map[collections.Pair[uint64, []byte], types.Tally]
	Deadlines   collections.KeySet[collections.Pair[uint64, uint64]]
}

// NewKeeper builds the keeper; it panics on a malformed authority, which is a wiring bug.
func NewKeeper(
	cdc codec.BinaryCodec, storeService storetypes.KVStoreService, addressCodec address.Codec, authority string,
	validium types.ValidiumKeeper,
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
		authority:    authority,
		Params:       collections.NewItem(sb, types.ParamsKey, "params", codec.CollValue[types.Params](cdc)),
		NextRoundID:  collections.NewSequence(sb, types.NextRoundIDKey, "next_round_id"),
		Rounds:       collections.NewMap(sb, types.RoundsKey, "rounds", collections.Uint64Key, codec.CollValue[types.Round](cdc)),
		OpenRounds:   collections.NewMap(sb, types.OpenRoundsKey, "open_rounds", collections.Uint32Key, collections.Uint64Value),
		Votes: collections.NewMap(sb, types.VotesKey, "votes",
			collections.PairKeyCodec(collections.Uint64Key, collections.BytesKey), codec.CollValue[types.Vote](cdc)),
		Tallies: collections.NewMap(sb, types.TalliesKey, "tallies",
			collections.PairKeyCodec(collections.Uint64Key, collections.BytesKey), codec.CollValue[types.Tally](cdc)),
		Deadlines: collections.NewKeySet(sb, types.DeadlinesKey, "deadlines",
			collections.PairKeyCodec(collections.Uint64Key, collections.Uint64Key)),
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
