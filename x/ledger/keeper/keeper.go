package keeper

import (
	"cosmossdk.io/collections"
	"cosmossdk.io/core/address"
	storetypes "cosmossdk.io/core/store"

	"github.com/cosmos/cosmos-sdk/codec"

	"github.com/slush-tree/slush/x/ledger/types"
)

// Keeper holds x/ledger state: the chain's own-state virtual-token ledger (seed Fig. 16, DESIGN
// §4), the operation log the prover replays and the record of its genesis funding. Every
// transfer, burn and mint of the chain goes through it.
type Keeper struct {
	cdc          codec.BinaryCodec
	storeService storetypes.KVStoreService
	addressCodec address.Codec
	tree         types.TreeKeeper

	Schema collections.Schema
	// Params are the ledger's shape (genesis only).
	Params collections.Item[types.Params]
	// State holds the ledger (accounts SMT, outbox, inbox, receipts, counters: ledger.State).
	State collections.Map[[]byte, []byte]
	// Log are the executed operations by sequence, and LogLength the next sequence.
	Log       collections.Map[uint64, types.LoggedOp]
	LogLength collections.Sequence
	// GenesisDeposits record how the ledger was funded at genesis, in order.
	GenesisDeposits collections.Map[uint64, types.GenesisDeposit]
}

// NewKeeper builds the keeper over its store; tree names the chain the ledger belongs to.
func NewKeeper(
	cdc codec.BinaryCodec, storeService storetypes.KVStoreService, addressCodec address.Codec, tree types.TreeKeeper,
) Keeper {
	sb := collections.NewSchemaBuilder(storeService)
	k := Keeper{
		cdc:          cdc,
		storeService: storeService,
		addressCodec: addressCodec,
		tree:         tree,
		Params:       collections.NewItem(sb, types.ParamsKey, "params", codec.CollValue[types.Params](cdc)),
		State:        collections.NewMap(sb, types.StateKey, "state", collections.BytesKey, collections.BytesValue),
		Log:          collections.NewMap(sb, types.LogKey, "log", collections.Uint64Key, codec.CollValue[types.LoggedOp](cdc)),
		LogLength:    collections.NewSequence(sb, types.LogLengthKey, "log_length"),
		GenesisDeposits: collections.NewMap(sb, types.GenesisDepositsKey, "genesis_deposits", collections.Uint64Key,
			codec.CollValue[types.GenesisDeposit](cdc)),
	}
	schema, err := sb.Build()
	if err != nil {
		panic(err)
	}
	k.Schema = schema
	return k
}
