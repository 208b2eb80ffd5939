// Package apptesting builds in-process Slush apps for tests: fixed validators, funded
// accounts with fixed keys, and blocks driven through FinalizeBlock/Commit at fixed times.
package apptesting

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand"
	"testing"
	"time"

	treetypes "github.com/slush-tree/slush/x/tree/types"

	abci "github.com/cometbft/cometbft/abci/types"
	cmted25519 "github.com/cometbft/cometbft/crypto/ed25519"
	cryptoenc "github.com/cometbft/cometbft/crypto/encoding"
	cmtproto "github.com/cometbft/cometbft/proto/tendermint/types"
	cmttypes "github.com/cometbft/cometbft/types"
	dbm "github.com/cosmos/cosmos-db"
	"github.com/stretchr/testify/require"

	"cosmossdk.io/log"
	sdkmath "cosmossdk.io/math"

	"github.com/cosmos/cosmos-sdk/baseapp"
	"github.com/cosmos/cosmos-sdk/codec"
	"github.com/cosmos/cosmos-sdk/crypto/keys/secp256k1"
	servertypes "github.com/cosmos/cosmos-sdk/server/types"
	simtestutil "github.com/cosmos/cosmos-sdk/testutil/sims"
	sdk "github.com/cosmos/cosmos-sdk/types"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"
	stakingtypes "github.com/cosmos/cosmos-sdk/x/staking/types"

	"github.com/slush-tree/slush/app"
)

// GenesisTime is the fixed genesis time of every test chain; block i is at GenesisTime + i s.
var GenesisTime = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// AccountBalance is what every test account holds at genesis.
var AccountBalance = sdk.NewCoins(sdk.NewCoin("stake", sdkmath.NewInt(1_000_000_000_000)))

// Chain is one in-process Slush app with its fixed keys.
type Chain struct {
	T        testing.TB
	App      *app.App
	ChainID  string
	Accounts []*secp256k1.PrivKey
	Genesis  map[string]json.RawMessage
}

// GenesisEdit changes a chain's genesis app state before InitChain.
type GenesisEdit func(cdc codec.Codec, appState map[string]json.RawMessage)

// NewChain builds and initializes an app for identity with nAccounts funded accounts.
func NewChain(t testing.TB, identity treetypes.TreeIdentity, nAccounts int) *Chain {
	t.Helper()
	return NewChainWithGenesis(t, identity, nAccounts, nil)
}

// NewChainWithGenesis is NewChain with a genesis edit (e.g. the ledger's shape and deposits).
func NewChainWithGenesis(t testing.TB, identity treetypes.TreeIdentity, nAccounts int, edit GenesisEdit) *Chain {
	t.Helper()
	return NewChainWithValidators(t, identity, nAccounts, 1, edit)
}

// NewChainWithValidators is NewChainWithGenesis with nValidators genesis validators (keys
// ValidatorKey(chainID, i)), each of power 1 and delegated by account 0.
func NewChainWithValidators(t testing.TB, identity treetypes.TreeIdentity, nAccounts, nValidators int, edit GenesisEdit) *Chain {
	t.Helper()
	require.Positive(t, nAccounts, "the genesis validators are delegated by account 0")
	require.Positive(t, nValidators)
	chainID := identity.ConventionalChainID()
	slushApp := newApp(t, chainID)
	c := &Chain{T: t, App: slushApp, ChainID: chainID}
	c.Accounts = make([]*secp256k1.PrivKey, nAccounts)
	for i := range c.Accounts {
		c.Accounts[i] = secp256k1.GenPrivKeyFromSecret([]byte{byte(i), 's', 'l', 'u', 's', 'h'})
	}
	c.Genesis = c.genesisState(identity, nValidators)
	if edit != nil {
		edit(c.App.AppCodec(), c.Genesis)
	}
	c.InitChain(c.Genesis)
	return c
}

// NewChainFromState builds an app and runs InitChain with an exported app state.
func NewChainFromState(t testing.TB, chainID string, appState map[string]json.RawMessage) *Chain {
	t.Helper()
	slushApp := newApp(t, chainID)
	c := &Chain{T: t, App: slushApp, ChainID: chainID, Genesis: appState}
	c.InitChain(appState)
	return c
}

// ExportGenesisState exports every module's genesis from the uncommitted block state, e.g.
// right after InitChain, before any block logic has run.
func (c *Chain) ExportGenesisState() json.RawMessage {
	c.T.Helper()
	ctx := c.App.NewContextLegacy(false, cmtproto.Header{ChainID: c.ChainID})
	gs, err := c.App.ModuleManager.ExportGenesisForModules(ctx, c.App.AppCodec(), nil)
	require.NoError(c.T, err)
	bz, err := json.Marshal(gs)
	require.NoError(c.T, err)
	return bz
}

// newApp builds an app over an in-memory database for chainID.
func newApp(t testing.TB, chainID string) *app.App {
	return app.New(log.NewNopLogger(), dbm.NewMemDB(), nil, true,
		simtestutil.NewAppOptionsWithFlagHome(t.TempDir()), baseapp.SetChainID(chainID))
}

// ValidatorKey is the fixed consensus key of a test chain's genesis validator i.
func ValidatorKey(chainID string, i int) cmted25519.PrivKey {
	if i == 0 {
		return cmted25519.GenPrivKeyFromSecret([]byte("slush-validator-" + chainID))
	}
	return cmted25519.GenPrivKeyFromSecret([]byte(fmt.Sprintf("slush-validator-%s-%d", chainID, i)))
}

// genesisState is the default genesis with nValidators fixed validators, the funded accounts and identity.
func (c *Chain) genesisState(identity treetypes.TreeIdentity, nValidators int) map[string]json.RawMessage {
	vals := make([]*cmttypes.Validator, nValidators)
	for i := range vals {
		vals[i] = cmttypes.NewValidator(ValidatorKey(c.ChainID, i).PubKey(), 1)
	}
	valSet := cmttypes.NewValidatorSet(vals)

	accs := make([]authtypes.GenesisAccount, len(c.Accounts))
	balances := make([]banktypes.Balance, len(c.Accounts))
	for i, k := range c.Accounts {
		addr := sdk.AccAddress(k.PubKey().Address())
		accs[i] = authtypes.NewBaseAccount(addr, k.PubKey(), uint64(i), 0)
		balances[i] = banktypes.Balance{Address: addr.String(), Coins: AccountBalance}
	}
	cdc := c.App.AppCodec()
	gs, err := simtestutil.GenesisStateWithValSet(cdc, c.App.DefaultGenesis(), valSet, accs, balances...)
	require.NoError(c.T, err)
	c.fundBondedPool(cdc, gs, nValidators)

	tgs := treetypes.DefaultGenesisState()
	tgs.Identity = identity
	gs[treetypes.ModuleName] = cdc.MustMarshalJSON(tgs)
	return gs
}

// fundBondedPool gives the bonded pool every validator's bond: GenesisStateWithValSet counts each
// in the supply but funds the pool with one only.
func (c *Chain) fundBondedPool(cdc codec.Codec, gs map[string]json.RawMessage, nValidators int) {
	var bank banktypes.GenesisState
	cdc.MustUnmarshalJSON(gs[banktypes.ModuleName], &bank)
	pool := authtypes.NewModuleAddress(stakingtypes.BondedPoolName).String()
	for i, b := range bank.Balances {
		if b.Address == pool {
			bank.Balances[i].Coins = sdk.NewCoins(sdk.NewCoin(sdk.DefaultBondDenom, sdk.DefaultPowerReduction.MulRaw(int64(nValidators))))
		}
	}
	gs[banktypes.ModuleName] = cdc.MustMarshalJSON(&bank)
}

// InitChain runs InitChain with appState and commits the genesis block.
func (c *Chain) InitChain(appState map[string]json.RawMessage) {
	c.T.Helper()
	_, err := c.InitChainWithValidators(appState, []abci.ValidatorUpdate{})
	require.NoError(c.T, err)
}

// InitChainWithValidators runs InitChain with appState and the genesis file's validators, as
// CometBFT sends them (the app must return the same set), and returns the app's answer.
func (c *Chain) InitChainWithValidators(appState map[string]json.RawMessage, validators []abci.ValidatorUpdate) (*abci.ResponseInitChain, error) {
	c.T.Helper()
	stateBytes, err := json.Marshal(appState)
	require.NoError(c.T, err)
	return c.App.InitChain(&abci.RequestInitChain{
		ChainId:         c.ChainID,
		Time:            GenesisTime,
		Validators:      validators,
		ConsensusParams: simtestutil.DefaultConsensusParams,
		AppStateBytes:   stateBytes,
		InitialHeight:   1,
	})
}

// NewChainFromExport builds an app and runs InitChain with an export's app state and validators,
// as a node started from the exported genesis file does; it returns the app's InitChain answer.
func NewChainFromExport(t testing.TB, chainID string, exported servertypes.ExportedApp) (*Chain, *abci.ResponseInitChain) {
	t.Helper()
	var appState map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(exported.AppState, &appState))
	validators := make([]abci.ValidatorUpdate, len(exported.Validators))
	for i, v := range exported.Validators {
		pk, err := cryptoenc.PubKeyToProto(v.PubKey)
		require.NoError(t, err)
		validators[i] = abci.ValidatorUpdate{PubKey: pk, Power: v.Power}
	}
	c := &Chain{T: t, App: newApp(t, chainID), ChainID: chainID, Genesis: appState}
	res, err := c.InitChainWithValidators(appState, validators)
	require.NoError(t, err)
	return c, res
}

// NextBlock finalizes and commits one block with txs and returns the results and app hash.
func (c *Chain) NextBlock(txs ...[]byte) (*abci.ResponseFinalizeBlock, []byte) {
	c.T.Helper()
	height := c.App.LastBlockHeight() + 1
	res, err := c.App.FinalizeBlock(&abci.RequestFinalizeBlock{
		Height: height,
		Time:   GenesisTime.Add(time.Duration(height) * time.Second),
		Txs:    txs,
	})
	require.NoError(c.T, err)
	_, err = c.App.Commit()
	require.NoError(c.T, err)
	return res, res.AppHash
}

// SignTx signs msgs with account i's key (account number i, the given sequence) and encodes the tx.
func (c *Chain) SignTx(i int, sequence uint64, msgs ...sdk.Msg) []byte {
	c.T.Helper()
	txCfg := c.App.TxConfig()
	tx, err := simtestutil.GenSignedMockTx(newFixedRand(uint64(i)<<32|sequence), txCfg, msgs,
		sdk.NewCoins(), 1_000_000, c.ChainID, []uint64{uint64(i)}, []uint64{sequence}, c.Accounts[i])
	require.NoError(c.T, err)
	bz, err := txCfg.TxEncoder()(tx)
	require.NoError(c.T, err)
	return bz
}

// Address returns account i's address.
func (c *Chain) Address(i int) sdk.AccAddress {
	return sdk.AccAddress(c.Accounts[i].PubKey().Address())
}

// Context returns an uncached context on the committed state, at the last block's height and time.
func (c *Chain) Context() sdk.Context {
	height := c.App.LastBlockHeight()
	return c.App.NewUncachedContext(false, cmtproto.Header{
		ChainID: c.ChainID, Height: height, Time: GenesisTime.Add(time.Duration(height) * time.Second),
	})
}

// QueryABCI answers one ABCI query (a gRPC method or a store path) at req.Height, as a node's
// abci_query does: what relayer- and CLI-side readers of a chain use in tests.
func (c *Chain) QueryABCI(req abci.RequestQuery) (abci.ResponseQuery, error) {
	res, err := c.App.Query(context.Background(), &req)
	if err != nil {
		return abci.ResponseQuery{}, err
	}
	return *res, nil
}

// newFixedRand is the seeded source GenSignedMockTx draws its memo from, so txs are reproducible.
func newFixedRand(seed uint64) *rand.Rand { return rand.New(rand.NewSource(int64(seed))) }
