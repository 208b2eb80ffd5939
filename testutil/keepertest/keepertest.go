// Package keepertest sets up module stores, a context and a codec for keeper unit tests.
package keepertest

import (
	"testing"
	"time"

	cmtproto "github.com/cometbft/cometbft/proto/tendermint/types"
	dbm "github.com/cosmos/cosmos-db"

	"cosmossdk.io/core/address"
	corestore "cosmossdk.io/core/store"
	"cosmossdk.io/log"
	"cosmossdk.io/store"
	"cosmossdk.io/store/metrics"
	storetypes "cosmossdk.io/store/types"

	"github.com/cosmos/cosmos-sdk/codec"
	addresscodec "github.com/cosmos/cosmos-sdk/codec/address"
	codectypes "github.com/cosmos/cosmos-sdk/codec/types"
	"github.com/cosmos/cosmos-sdk/runtime"
	sdk "github.com/cosmos/cosmos-sdk/types"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"
	govtypes "github.com/cosmos/cosmos-sdk/x/gov/types"

	"github.com/slush-tree/slush/app"
)

// BlockTime is the fixed block time of keeper test contexts.
var BlockTime = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// Env is what a keeper under test needs.
type Env struct {
	Ctx          sdk.Context
	StoreService corestore.KVStoreService
	Codec        codec.Codec
	AddressCodec address.Codec
	// Authority is the gov module address, as the app wires it.
	Authority string
}

// New opens a fresh store for storeKey; register adds the module's interfaces to the registry.
func New(t testing.TB, storeKey string, register func(codectypes.InterfaceRegistry)) Env {
	t.Helper()
	return NewMulti(t, register, storeKey)[0]
}

// NewMulti opens a fresh store for each of storeKeys in one multistore, under one context at
// height 1 and BlockTime, so the keepers of several modules see each other's writes (and share
// cache branches, gas meter and events) as in the app. register adds the interfaces of every
// module involved. It returns one Env per store key, in order; they differ only in StoreService.
func NewMulti(t testing.TB, register func(codectypes.InterfaceRegistry), storeKeys ...string) []Env {
	t.Helper()
	if len(storeKeys) == 0 {
		t.Fatal("keepertest: no store key")
	}
	db := dbm.NewMemDB()
	cms := store.NewCommitMultiStore(db, log.NewNopLogger(), metrics.NewNoOpMetrics())
	keys := make([]*storetypes.KVStoreKey, len(storeKeys))
	for i, name := range storeKeys {
		keys[i] = storetypes.NewKVStoreKey(name)
		cms.MountStoreWithDB(keys[i], storetypes.StoreTypeIAVL, db)
		cms.MountStoreWithDB(storetypes.NewTransientStoreKey("transient_"+name), storetypes.StoreTypeTransient, db)
	}
	if err := cms.LoadLatestVersion(); err != nil {
		t.Fatal(err)
	}
	ctx := sdk.NewContext(cms, cmtproto.Header{Height: 1, Time: BlockTime}, false, log.NewNopLogger())
	registry := codectypes.NewInterfaceRegistry()
	register(registry)
	cdc := codec.NewProtoCodec(registry)
	ac := addresscodec.NewBech32Codec(app.Bech32PrefixAccAddr)
	authority, err := ac.BytesToString(authtypes.NewModuleAddress(govtypes.ModuleName))
	if err != nil {
		t.Fatal(err)
	}
	envs := make([]Env, len(keys))
	for i, key := range keys {
		envs[i] = Env{
			Ctx: ctx, StoreService: runtime.NewKVStoreService(key), Codec: cdc, AddressCodec: ac, Authority: authority,
		}
	}
	return envs
}

// Registers combines the interface registrations of several modules into one, for NewMulti.
func Registers(register ...func(codectypes.InterfaceRegistry)) func(codectypes.InterfaceRegistry) {
	return func(registry codectypes.InterfaceRegistry) {
		for _, r := range register {
			r(registry)
		}
	}
}

// OtherAddress is a valid address that is not the authority.
func (e Env) OtherAddress(t testing.TB) string {
	t.Helper()
	addr, err := e.AddressCodec.BytesToString([]byte("not-the-gov-module!!"))
	if err != nil {
		t.Fatal(err)
	}
	return addr
}
