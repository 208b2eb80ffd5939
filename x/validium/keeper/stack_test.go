package keeper_test

import (
	"testing"

	cmtproto "github.com/cometbft/cometbft/proto/tendermint/types"
	"github.com/stretchr/testify/require"

	corestore "cosmossdk.io/core/store"
	"cosmossdk.io/log"
	storetypes "cosmossdk.io/store/types"

	"github.com/cosmos/cosmos-sdk/codec"
	addresscodec "github.com/cosmos/cosmos-sdk/codec/address"
	codectypes "github.com/cosmos/cosmos-sdk/codec/types"
	"github.com/cosmos/cosmos-sdk/runtime"
	sdktestutil "github.com/cosmos/cosmos-sdk/testutil"
	sdk "github.com/cosmos/cosmos-sdk/types"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"
	govtypes "github.com/cosmos/cosmos-sdk/x/gov/types"

	"github.com/slush-tree/slush/app"
	"github.com/slush-tree/slush/testutil/keepertest"
	acceptancekeeper "github.com/slush-tree/slush/x/acceptance/keeper"
	acceptancetypes "github.com/slush-tree/slush/x/acceptance/types"
	bridgekeeper "github.com/slush-tree/slush/x/bridge/keeper"
	bridgetypes "github.com/slush-tree/slush/x/bridge/types"
	electiontypes "github.com/slush-tree/slush/x/election/types"
	ledgerkeeper "github.com/slush-tree/slush/x/ledger/keeper"
	ledgertypes "github.com/slush-tree/slush/x/ledger/types"
	treekeeper "github.com/slush-tree/slush/x/tree/keeper"
	treetypes "github.com/slush-tree/slush/x/tree/types"
	"github.com/slush-tree/slush/x/validium/keeper"
	"github.com/slush-tree/slush/x/validium/types"
)

// testLedger is a small ledger shape (the outbox at the inclusion circuit's depth, as x/ledger
// requires) so the real x/ledger stays fast.
var testLedger = ledgertypes.Params{AccountDepth: 6, OutboxDepth: 20, BatchSize: 4}

// stackGenesis is what a stack's modules start from; the zero value is a root chain with no
// parent client, claims disabled and an empty testLedger.
type stackGenesis struct {
	identity     *treetypes.TreeIdentity // nil: the root
	parentClient []byte
	inclusion    bridgetypes.InclusionParams
	ledger       *ledgertypes.GenesisState // nil: an empty testLedger
	bridge       *bridgetypes.GenesisState // nil: default params with inclusion
}

// stack is one chain's Slush modules over one multistore, wired bottom-up as app.go does: real
// x/tree, x/ledger, x/bridge and x/acceptance keepers after their InitGenesis, and x/validium's
// store, over which keeper builds an x/validium keeper from any mix of these and the fakes.
type stack struct {
	t testing.TB
	// env is x/validium's: its StoreService is x/validium's store, Ctx the shared context.
	env        keepertest.Env
	tree       treekeeper.Keeper
	ledger     ledgerkeeper.Keeper
	bridge     bridgekeeper.Keeper
	acceptance acceptancekeeper.Keeper
	// electionStore is x/election's store, for tests that put x/election over this x/validium.
	electionStore corestore.KVStoreService
	// tkey and transient are x/validium's transient store (what lives one block).
	tkey      *storetypes.TransientStoreKey
	transient corestore.TransientStoreService
}

// nextBlock starts block h: x/validium's transient store commits, which empties it, as a node's
// commit does.
func (st *stack) nextBlock(ctx sdk.Context, h int64) sdk.Context {
	ctx.MultiStore().GetKVStore(st.tkey).(storetypes.Committer).Commit()
	return ctx.WithBlockHeight(h)
}

// newStack opens the stores of x/tree, x/ledger, x/bridge, x/acceptance and x/validium in one
// multistore under a context at height 1 and keepertest.BlockTime, and runs the genesis of every
// module below x/validium.
func newStack(t testing.TB, g stackGenesis) *stack {
	t.Helper()
	keys := storetypes.NewKVStoreKeys(treetypes.StoreKey, ledgertypes.StoreKey, bridgetypes.StoreKey,
		acceptancetypes.StoreKey, types.StoreKey, electiontypes.StoreKey)
	tkeys := storetypes.NewTransientStoreKeys(types.TransientStoreKey)
	ctx := sdktestutil.DefaultContextWithKeys(keys, tkeys, nil).
		WithBlockHeader(cmtproto.Header{Height: 1, Time: keepertest.BlockTime})
	registry := codectypes.NewInterfaceRegistry()
	for _, register := range []func(codectypes.InterfaceRegistry){
		treetypes.RegisterInterfaces, ledgertypes.RegisterInterfaces, bridgetypes.RegisterInterfaces,
		acceptancetypes.RegisterInterfaces, types.RegisterInterfaces, electiontypes.RegisterInterfaces,
	} {
		register(registry)
	}
	cdc := codec.NewProtoCodec(registry)
	ac := addresscodec.NewBech32Codec(app.Bech32PrefixAccAddr)
	authority, err := ac.BytesToString(authtypes.NewModuleAddress(govtypes.ModuleName))
	require.NoError(t, err)
	store := func(name string) corestore.KVStoreService { return runtime.NewKVStoreService(keys[name]) }

	st := &stack{t: t, env: keepertest.Env{Ctx: ctx, StoreService: store(types.StoreKey), Codec: cdc, AddressCodec: ac, Authority: authority},
		tkey: tkeys[types.TransientStoreKey], transient: runtime.NewTransientStoreService(tkeys[types.TransientStoreKey])}
	st.tree = treekeeper.NewKeeper(cdc, store(treetypes.StoreKey), ac, authority, log.NewNopLogger())
	st.ledger = ledgerkeeper.NewKeeper(cdc, store(ledgertypes.StoreKey), ac, st.tree)
	st.bridge = bridgekeeper.NewKeeper(cdc, store(bridgetypes.StoreKey), ac, authority, st.tree, st.ledger, log.NewNopLogger())
	st.acceptance = acceptancekeeper.NewKeeper(cdc, store(acceptancetypes.StoreKey), ac, authority, st.tree)
	st.electionStore = store(electiontypes.StoreKey)

	st.setIdentity(ctx, g.identity, g.parentClient)
	ledgerGenesis := g.ledger
	if ledgerGenesis == nil {
		ledgerGenesis = &ledgertypes.GenesisState{Params: testLedger}
	}
	require.NoError(t, st.ledger.InitGenesis(ctx, ledgerGenesis))
	bridgeGenesis := g.bridge
	if bridgeGenesis == nil {
		bridgeGenesis = bridgetypes.DefaultGenesisState()
		bridgeGenesis.InclusionParams = g.inclusion
	}
	require.NoError(t, st.bridge.InitGenesis(ctx, bridgeGenesis))
	require.NoError(t, st.acceptance.InitGenesis(ctx, acceptancetypes.DefaultGenesisState()))
	return st
}

// setIdentity (re)runs x/tree's genesis with identity (nil: the root) and the parent client.
func (st *stack) setIdentity(ctx sdk.Context, identity *treetypes.TreeIdentity, parentClient []byte) {
	st.t.Helper()
	gs := treetypes.DefaultGenesisState()
	if identity != nil {
		gs.Identity = *identity
	}
	gs.ParentClient = parentClient
	require.NoError(st.t, st.tree.InitGenesis(ctx, gs))
}

// keeper builds an x/validium keeper over the stack's store and the given modules below it
// (without running its genesis).
func (st *stack) keeper(bank types.BankKeeper, ledger types.LedgerKeeper, bridge types.BridgeKeeper,
	acceptance types.AcceptanceKeeper, logger log.Logger,
) keeper.Keeper {
	e := st.env
	return keeper.NewKeeper(e.Codec, e.StoreService, st.transient, e.AddressCodec, e.Authority, bank, st.tree, ledger, bridge, acceptance, logger)
}

// realKeeper is the x/validium keeper over the stack's real modules and bank, after its genesis.
func (st *stack) realKeeper(bank types.BankKeeper) keeper.Keeper {
	st.t.Helper()
	k := st.keeper(bank, st.ledger, st.bridge, st.acceptance, log.NewNopLogger())
	require.NoError(st.t, k.InitGenesis(st.env.Ctx, types.DefaultGenesisState()))
	return k
}

// childIdentity is the tree identity of the (non-root) chain at path: its parent is the chain one
// level up, by its conventional chain-id; three children a node.
func childIdentity(path ...uint32) *treetypes.TreeIdentity {
	parent := treetypes.TreeIdentity{Path: path[:len(path)-1]}.ConventionalChainID()
	return &treetypes.TreeIdentity{Path: path, ParentChainId: parent, MaxChildren: 3, MaxDepth: 16}
}
