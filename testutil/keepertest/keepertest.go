// Package keepertest sets up a single module store, context and codec for keeper unit tests.
package keepertest

import (
	"testing"
	"time"

	cmtproto "github.com/cometbft/cometbft/proto/tendermint/types"

	"cosmossdk.io/core/address"
	corestore "cosmossdk.io/core/store"
	storetypes "cosmossdk.io/store/types"

	"github.com/cosmos/cosmos-sdk/codec"
	addresscodec "github.com/cosmos/cosmos-sdk/codec/address"
	codectypes "github.com/cosmos/cosmos-sdk/codec/types"
	"github.com/cosmos/cosmos-sdk/runtime"
	"github.com/cosmos/cosmos-sdk/testutil"
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
	key := storetypes.NewKVStoreKey(storeKey)
	tctx := testutil.DefaultContextWithDB(t, key, storetypes.NewTransientStoreKey("transient_"+storeKey))
	ctx := tctx.Ctx.WithBlockHeader(cmtproto.Header{Height: 1, Time: BlockTime})
	registry := codectypes.NewInterfaceRegistry()
	register(registry)
	ac := addresscodec.NewBech32Codec(app.Bech32PrefixAccAddr)
	authority, err := ac.BytesToString(authtypes.NewModuleAddress(govtypes.ModuleName))
	if err != nil {
		t.Fatal(err)
	}
	return Env{
		Ctx:          ctx,
		StoreService: runtime.NewKVStoreService(key),
		Codec:        codec.NewProtoCodec(registry),
		AddressCodec: ac,
		Authority:    authority,
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
