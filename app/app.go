// Package app wires the Slush chain: the standard Cosmos SDK modules plus the four Slush
// modules (x/validium, x/acceptance, x/bridge, x/election), explicitly, without depinject.
package app

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"

	abci "github.com/cometbft/cometbft/abci/types"
	dbm "github.com/cosmos/cosmos-db"
	"github.com/spf13/cast"

	autocliv1 "cosmossdk.io/api/cosmos/autocli/v1"
	reflectionv1 "cosmossdk.io/api/cosmos/reflection/v1"
	"cosmossdk.io/client/v2/autocli"
	coreaddress "cosmossdk.io/core/address"
	"cosmossdk.io/core/appmodule"
	corestore "cosmossdk.io/core/store"
	"cosmossdk.io/log"
	storetypes "cosmossdk.io/store/types"
	"cosmossdk.io/x/upgrade"
	upgradekeeper "cosmossdk.io/x/upgrade/keeper"
	upgradetypes "cosmossdk.io/x/upgrade/types"

	"github.com/cosmos/cosmos-sdk/baseapp"
	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/client/grpc/cmtservice"
	nodeservice "github.com/cosmos/cosmos-sdk/client/grpc/node"
	"github.com/cosmos/cosmos-sdk/codec"
	"github.com/cosmos/cosmos-sdk/codec/address"
	"github.com/cosmos/cosmos-sdk/codec/types"
	"github.com/cosmos/cosmos-sdk/runtime"
	runtimeservices "github.com/cosmos/cosmos-sdk/runtime/services"
	"github.com/cosmos/cosmos-sdk/server"
	"github.com/cosmos/cosmos-sdk/server/api"
	"github.com/cosmos/cosmos-sdk/server/config"
	servertypes "github.com/cosmos/cosmos-sdk/server/types"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/types/module"
	"github.com/cosmos/cosmos-sdk/version"
	"github.com/cosmos/cosmos-sdk/x/auth"
	"github.com/cosmos/cosmos-sdk/x/auth/ante"
	authcodec "github.com/cosmos/cosmos-sdk/x/auth/codec"
	authkeeper "github.com/cosmos/cosmos-sdk/x/auth/keeper"
	authtx "github.com/cosmos/cosmos-sdk/x/auth/tx"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"
	"github.com/cosmos/cosmos-sdk/x/bank"
	bankkeeper "github.com/cosmos/cosmos-sdk/x/bank/keeper"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"
	"github.com/cosmos/cosmos-sdk/x/consensus"
	consensuskeeper "github.com/cosmos/cosmos-sdk/x/consensus/keeper"
	consensustypes "github.com/cosmos/cosmos-sdk/x/consensus/types"
	distr "github.com/cosmos/cosmos-sdk/x/distribution"
	distrkeeper "github.com/cosmos/cosmos-sdk/x/distribution/keeper"
	distrtypes "github.com/cosmos/cosmos-sdk/x/distribution/types"
	"github.com/cosmos/cosmos-sdk/x/genutil"
	genutiltypes "github.com/cosmos/cosmos-sdk/x/genutil/types"
	"github.com/cosmos/cosmos-sdk/x/gov"
	govclient "github.com/cosmos/cosmos-sdk/x/gov/client"
	govkeeper "github.com/cosmos/cosmos-sdk/x/gov/keeper"
	govtypes "github.com/cosmos/cosmos-sdk/x/gov/types"
	"github.com/cosmos/cosmos-sdk/x/mint"
	mintkeeper "github.com/cosmos/cosmos-sdk/x/mint/keeper"
	minttypes "github.com/cosmos/cosmos-sdk/x/mint/types"
	"github.com/cosmos/cosmos-sdk/x/slashing"
	slashingkeeper "github.com/cosmos/cosmos-sdk/x/slashing/keeper"
	slashingtypes "github.com/cosmos/cosmos-sdk/x/slashing/types"
	"github.com/cosmos/cosmos-sdk/x/staking"
	stakingkeeper "github.com/cosmos/cosmos-sdk/x/staking/keeper"
	stakingtypes "github.com/cosmos/cosmos-sdk/x/staking/types"

	"github.com/slush-tree/slush/app/encoding"
	"github.com/slush-tree/slush/app/upgrades"
	"github.com/slush-tree/slush/app/upgrades/validium_consensus"
	"github.com/slush-tree/slush/app/valset"
	"github.com/slush-tree/slush/x/acceptance"
	acceptancekeeper "github.com/slush-tree/slush/x/acceptance/keeper"
	acceptancetypes "github.com/slush-tree/slush/x/acceptance/types"
	"github.com/slush-tree/slush/x/bridge"
	bridgekeeper "github.com/slush-tree/slush/x/bridge/keeper"
	bridgetypes "github.com/slush-tree/slush/x/bridge/types"
	"github.com/slush-tree/slush/x/election"
	electionkeeper "github.com/slush-tree/slush/x/election/keeper"
	electiontypes "github.com/slush-tree/slush/x/election/types"
	"github.com/slush-tree/slush/x/ledger"
	ledgerkeeper "github.com/slush-tree/slush/x/ledger/keeper"
	ledgertypes "github.com/slush-tree/slush/x/ledger/types"
	"github.com/slush-tree/slush/x/tree"
	treekeeper "github.com/slush-tree/slush/x/tree/keeper"
	treetypes "github.com/slush-tree/slush/x/tree/types"
	"github.com/slush-tree/slush/x/validium"
	validiumkeeper "github.com/slush-tree/slush/x/validium/keeper"
	validiumtypes "github.com/slush-tree/slush/x/validium/types"
)

// Name is the application name reported over ABCI.
const Name = "slush"

// Bech32 prefixes of Slush accounts, validators and consensus keys.
const (
	Bech32PrefixAccAddr  = encoding.Bech32PrefixAccAddr
	Bech32PrefixValAddr  = encoding.Bech32PrefixValAddr
	Bech32PrefixConsAddr = encoding.Bech32PrefixConsAddr
)

// DefaultNodeHome is the default home directory of slushchaind.
var DefaultNodeHome = defaultNodeHome()

func defaultNodeHome() string {
	home, err := os.UserHomeDir()
	if err != nil {
		return ".slushchaind"
	}
	return filepath.Join(home, ".slushchaind")
}

// moduleAccountPermissions lists the module accounts and what each may do with coins.
var moduleAccountPermissions = map[string][]string{
	authtypes.FeeCollectorName:     nil,
	distrtypes.ModuleName:          nil,
	minttypes.ModuleName:           {authtypes.Minter},
	stakingtypes.BondedPoolName:    {authtypes.Burner, authtypes.Staking},
	stakingtypes.NotBondedPoolName: {authtypes.Burner, authtypes.Staking},
	govtypes.ModuleName:            {authtypes.Burner},
	validiumtypes.ModuleName:       {authtypes.Burner}, // child bonds are escrowed here and slashed by burning
}

var _ servertypes.Application = (*App)(nil)

// App is the Slush application: a BaseApp plus the keepers of every module.
type App struct {
	*baseapp.BaseApp

	legacyAmino       *codec.LegacyAmino
	appCodec          codec.Codec
	txConfig          client.TxConfig
	interfaceRegistry types.InterfaceRegistry
	keys              map[string]*storetypes.KVStoreKey
	tkeys             map[string]*storetypes.TransientStoreKey
	// loggedMode is the subtree proof mode this process last logged (UNSPECIFIED: none yet).
	loggedMode validiumtypes.SubtreeProofs

	AccountKeeper   authkeeper.AccountKeeper
	BankKeeper      bankkeeper.BaseKeeper
	StakingKeeper   *stakingkeeper.Keeper
	SlashingKeeper  slashingkeeper.Keeper
	MintKeeper      mintkeeper.Keeper
	DistrKeeper     distrkeeper.Keeper
	GovKeeper       *govkeeper.Keeper
	UpgradeKeeper   *upgradekeeper.Keeper
	ConsensusKeeper consensuskeeper.Keeper
	// The Slush keepers, bottom-up: each is built from the ones above it in this list, once
	// (docs/ARCHITECTURE.md "Who calls whom").
	TreeKeeper       treekeeper.Keeper
	LedgerKeeper     ledgerkeeper.Keeper
	AcceptanceKeeper acceptancekeeper.Keeper
	BridgeKeeper     bridgekeeper.Keeper
	ValidiumKeeper   validiumkeeper.Keeper
	ElectionKeeper   electionkeeper.Keeper

	ModuleManager      *module.Manager
	BasicModuleManager module.BasicManager
	configurator       module.Configurator
}

// New builds the application over db; loadLatest loads the last committed state.
func New(
	logger log.Logger, db dbm.DB, traceStore io.Writer, loadLatest bool,
	appOpts servertypes.AppOptions, baseAppOptions ...func(*baseapp.BaseApp),
) *App {
	enc := MakeEncodingConfig()

	bApp := baseapp.NewBaseApp(Name, logger, db, enc.TxConfig.TxDecoder(), baseAppOptions...)
	bApp.SetCommitMultiStoreTracer(traceStore)
	bApp.SetVersion(version.Version)
	bApp.SetInterfaceRegistry(enc.InterfaceRegistry)
	bApp.SetTxEncoder(enc.TxConfig.TxEncoder())

	keys := storetypes.NewKVStoreKeys(
		authtypes.StoreKey, banktypes.StoreKey, stakingtypes.StoreKey, minttypes.StoreKey,
		distrtypes.StoreKey, slashingtypes.StoreKey, govtypes.StoreKey, upgradetypes.StoreKey,
		consensustypes.StoreKey, treetypes.StoreKey, ledgertypes.StoreKey, acceptancetypes.StoreKey,
		bridgetypes.StoreKey, validiumtypes.StoreKey, electiontypes.StoreKey,
	)

	tkeys := storetypes.NewTransientStoreKeys(validiumtypes.TransientStoreKey)

	app := &App{
		BaseApp:           bApp,
		legacyAmino:       enc.Amino,
		appCodec:          enc.Codec,
		txConfig:          enc.TxConfig,
		interfaceRegistry: enc.InterfaceRegistry,
		keys:              keys,
		tkeys:             tkeys,
	}
	app.initKeepers(appOpts, logger)
	app.initModuleManager(enc)
	app.setUpgradeHandlers()

	app.MountKVStores(keys)
	app.MountTransientStores(tkeys)
	app.SetInitChainer(app.InitChainer)
	app.SetPreBlocker(app.PreBlocker)
	app.SetBeginBlocker(app.BeginBlocker)
	app.SetEndBlocker(app.EndBlocker)
	app.setAnteHandler()

	if loadLatest {
		if err := app.LoadLatestVersion(); err != nil {
			panic(fmt.Errorf("failed to load latest version: %w", err))
		}
	}
	return app
}

func (app *App) initKeepers(appOpts servertypes.AppOptions, logger log.Logger) {
	cdc, keys := app.appCodec, app.keys
	authority := authtypes.NewModuleAddress(govtypes.ModuleName).String()
	addrCodec := address.NewBech32Codec(Bech32PrefixAccAddr)
	store := func(key string) corestore.KVStoreService { return runtime.NewKVStoreService(keys[key]) }

	app.ConsensusKeeper = consensuskeeper.NewKeeper(cdc, store(consensustypes.StoreKey), authority, runtime.EventService{})
	app.SetParamStore(app.ConsensusKeeper.ParamsStore)

	app.AccountKeeper = authkeeper.NewAccountKeeper(cdc, store(authtypes.StoreKey), authtypes.ProtoBaseAccount,
		moduleAccountPermissions, addrCodec, Bech32PrefixAccAddr, authority)
	app.BankKeeper = bankkeeper.NewBaseKeeper(cdc, store(banktypes.StoreKey), app.AccountKeeper,
		BlockedAddresses(), authority, logger)
	app.StakingKeeper = stakingkeeper.NewKeeper(cdc, store(stakingtypes.StoreKey), app.AccountKeeper, app.BankKeeper,
		authority, address.NewBech32Codec(Bech32PrefixValAddr), address.NewBech32Codec(Bech32PrefixConsAddr))
	app.MintKeeper = mintkeeper.NewKeeper(cdc, store(minttypes.StoreKey), app.StakingKeeper, app.AccountKeeper,
		app.BankKeeper, authtypes.FeeCollectorName, authority)
	app.DistrKeeper = distrkeeper.NewKeeper(cdc, store(distrtypes.StoreKey), app.AccountKeeper, app.BankKeeper,
		app.StakingKeeper, authtypes.FeeCollectorName, authority)
	app.SlashingKeeper = slashingkeeper.NewKeeper(cdc, app.legacyAmino, store(slashingtypes.StoreKey),
		app.StakingKeeper, authority)
	app.StakingKeeper.SetHooks(stakingtypes.NewMultiStakingHooks(app.DistrKeeper.Hooks(), app.SlashingKeeper.Hooks()))

	skipUpgradeHeights := map[int64]bool{}
	for _, h := range cast.ToIntSlice(appOpts.Get(server.FlagUnsafeSkipUpgrades)) {
		skipUpgradeHeights[int64(h)] = true
	}
	homePath := cast.ToString(appOpts.Get("home"))
	app.UpgradeKeeper = upgradekeeper.NewKeeper(skipUpgradeHeights, store(upgradetypes.StoreKey), cdc, homePath,
		app.BaseApp, authority)

	app.GovKeeper = govkeeper.NewKeeper(cdc, store(govtypes.StoreKey), app.AccountKeeper, app.BankKeeper,
		app.StakingKeeper, app.DistrKeeper, app.MsgServiceRouter(), govtypes.DefaultConfig(), authority)

	app.initSlushKeepers(cdc, store, addrCodec, authority, logger)
}

// initSlushKeepers builds the Slush keepers bottom-up, each from the finished keepers below it
// (calls only go down: docs/ARCHITECTURE.md); no keeper is changed after it is built.
func (app *App) initSlushKeepers(
	cdc codec.Codec, store func(string) corestore.KVStoreService, addrCodec coreaddress.Codec, authority string, logger log.Logger,
) {
	app.TreeKeeper = treekeeper.NewKeeper(cdc, store(treetypes.StoreKey), addrCodec, authority, logger)
	app.LedgerKeeper = ledgerkeeper.NewKeeper(cdc, store(ledgertypes.StoreKey), addrCodec, app.TreeKeeper)
	app.AcceptanceKeeper = acceptancekeeper.NewKeeper(cdc, store(acceptancetypes.StoreKey), addrCodec, authority,
		app.TreeKeeper)
	app.BridgeKeeper = bridgekeeper.NewKeeper(cdc, store(bridgetypes.StoreKey), addrCodec, authority,
		app.TreeKeeper, app.LedgerKeeper, logger)
	app.ValidiumKeeper = validiumkeeper.NewKeeper(cdc, store(validiumtypes.StoreKey),
		runtime.NewTransientStoreService(app.tkeys[validiumtypes.TransientStoreKey]), addrCodec, authority,
		app.BankKeeper, app.TreeKeeper, app.LedgerKeeper, app.BridgeKeeper, app.AcceptanceKeeper, logger)
	app.ElectionKeeper = electionkeeper.NewKeeper(cdc, store(electiontypes.StoreKey), addrCodec, authority,
		app.ValidiumKeeper, app.TreeKeeper)
}

func (app *App) initModuleManager(enc EncodingConfig) {
	cdc := app.appCodec
	app.ModuleManager = module.NewManager(
		genutil.NewAppModule(app.AccountKeeper, app.StakingKeeper, app, enc.TxConfig),
		auth.NewAppModule(cdc, app.AccountKeeper, nil, nil),
		bank.NewAppModule(cdc, app.BankKeeper, app.AccountKeeper, nil),
		// the one module that returns validator updates: x/staking's until the root is under
		// validium consensus, then the operator alone (DESIGN §10, app/valset)
		valset.NewStakingModule(staking.NewAppModule(cdc, app.StakingKeeper, app.AccountKeeper, app.BankKeeper, nil),
			app.StakingKeeper, app.TreeKeeper, app.UpgradeKeeper, validium_consensus.UpgradeName),
		mint.NewAppModule(cdc, app.MintKeeper, app.AccountKeeper, nil, nil),
		distr.NewAppModule(cdc, app.DistrKeeper, app.AccountKeeper, app.BankKeeper, app.StakingKeeper, nil),
		slashing.NewAppModule(cdc, app.SlashingKeeper, app.AccountKeeper, app.BankKeeper, app.StakingKeeper, nil, app.interfaceRegistry),
		gov.NewAppModule(cdc, app.GovKeeper, app.AccountKeeper, app.BankKeeper, nil),
		upgrade.NewAppModule(app.UpgradeKeeper, app.AccountKeeper.AddressCodec()),
		consensus.NewAppModule(cdc, app.ConsensusKeeper),
		tree.NewAppModule(cdc, &app.TreeKeeper),
		ledger.NewAppModule(cdc, &app.LedgerKeeper),
		acceptance.NewAppModule(cdc, &app.AcceptanceKeeper),
		bridge.NewAppModule(cdc, &app.BridgeKeeper),
		validium.NewAppModule(cdc, &app.ValidiumKeeper),
		election.NewAppModule(cdc, &app.ElectionKeeper),
	)
	app.BasicModuleManager = module.NewBasicManagerFromManager(app.ModuleManager, map[string]module.AppModuleBasic{
		genutiltypes.ModuleName: genutil.NewAppModuleBasic(genutiltypes.DefaultMessageValidator),
		govtypes.ModuleName:     gov.NewAppModuleBasic([]govclient.ProposalHandler{}),
	})
	app.BasicModuleManager.RegisterLegacyAminoCodec(app.legacyAmino)
	app.BasicModuleManager.RegisterInterfaces(app.interfaceRegistry)

	app.ModuleManager.SetOrderPreBlockers(upgradetypes.ModuleName, authtypes.ModuleName)
	app.ModuleManager.SetOrderBeginBlockers(minttypes.ModuleName, distrtypes.ModuleName, slashingtypes.ModuleName,
		stakingtypes.ModuleName)
	// x/validium last: its EndBlock assembles this chain's commitment from the block's final state
	app.ModuleManager.SetOrderEndBlockers(govtypes.ModuleName, stakingtypes.ModuleName, bridgetypes.ModuleName,
		electiontypes.ModuleName, validiumtypes.ModuleName)
	genesisOrder := []string{
		authtypes.ModuleName, banktypes.ModuleName, distrtypes.ModuleName, stakingtypes.ModuleName,
		slashingtypes.ModuleName, govtypes.ModuleName, minttypes.ModuleName, genutiltypes.ModuleName,
		upgradetypes.ModuleName, consensustypes.ModuleName, treetypes.ModuleName, ledgertypes.ModuleName,
		acceptancetypes.ModuleName, bridgetypes.ModuleName, validiumtypes.ModuleName, electiontypes.ModuleName,
	}
	// x/tree first: the staking wrapper's InitGenesis reads whether the root is under validium consensus
	app.ModuleManager.SetOrderInitGenesis(append([]string{treetypes.ModuleName}, without(genesisOrder, treetypes.ModuleName)...)...)
	app.ModuleManager.SetOrderExportGenesis(genesisOrder...)

	app.configurator = module.NewConfigurator(app.appCodec, app.MsgServiceRouter(), app.GRPCQueryRouter())
	if err := app.ModuleManager.RegisterServices(app.configurator); err != nil {
		panic(err)
	}
	autocliv1.RegisterQueryServer(app.GRPCQueryRouter(), runtimeservices.NewAutoCLIQueryService(app.ModuleManager.Modules))
	reflectionSvc, err := runtimeservices.NewReflectionService()
	if err != nil {
		panic(err)
	}
	reflectionv1.RegisterReflectionServiceServer(app.GRPCQueryRouter(), reflectionSvc)
}

// without returns names without name.
func without(names []string, name string) []string {
	out := make([]string, 0, len(names))
	for _, n := range names {
		if n != name {
			out = append(out, n)
		}
	}
	return out
}

// setUpgradeHandlers registers every upgrade's handler; none adds a store, so no store loader is set.
func (app *App) setUpgradeHandlers() {
	keepers := upgrades.Keepers{TreeKeeper: app.TreeKeeper}
	for _, u := range Upgrades {
		app.UpgradeKeeper.SetUpgradeHandler(u.UpgradeName, u.CreateUpgradeHandler(app.ModuleManager, app.configurator, keepers))
	}
}

func (app *App) setAnteHandler() {
	anteHandler, err := newAnteHandler(ante.HandlerOptions{
		AccountKeeper:   app.AccountKeeper,
		BankKeeper:      app.BankKeeper,
		SignModeHandler: app.txConfig.SignModeHandler(),
		SigGasConsumer:  ante.DefaultSigVerificationGasConsumer,
	}, app.LedgerKeeper, app.TreeKeeper)
	if err != nil {
		panic(fmt.Errorf("failed to create ante handler: %w", err))
	}
	app.SetAnteHandler(anteHandler)
}

// PreBlocker runs the upgrade module before any other block logic.
func (app *App) PreBlocker(ctx sdk.Context, _ *abci.RequestFinalizeBlock) (*sdk.ResponsePreBlock, error) {
	return app.ModuleManager.PreBlock(ctx)
}

// BeginBlocker runs every module's BeginBlock; a process's first block, and any block after the
// mode changed, also logs the subtree proof mode (validiumtypes.SubtreeProofsLabelOf). Under
// validium consensus the commit's votes are hidden from the modules (valset.BeginBlockContext).
func (app *App) BeginBlocker(ctx sdk.Context) (sdk.BeginBlock, error) {
	if params, err := app.ValidiumKeeper.Params.Get(ctx); err == nil {
		app.logSubtreeMode(ctx, params.SubtreeProofs)
	}
	ctx, err := valset.BeginBlockContext(ctx, app.TreeKeeper)
	if err != nil {
		return sdk.BeginBlock{}, err
	}
	return app.ModuleManager.BeginBlock(ctx)
}

// logSubtreeMode logs the label of mode when it differs from the one this process logged last (a
// log line, not state): both modes prove less than DESIGN §5 requires today and say so.
func (app *App) logSubtreeMode(ctx sdk.Context, mode validiumtypes.SubtreeProofs) {
	if mode != app.loggedMode {
		app.loggedMode = mode
		ctx.Logger().Info(validiumtypes.SubtreeProofsLabelOf(mode), "module", "x/"+validiumtypes.ModuleName)
	}
}

// EndBlocker runs every module's EndBlock.
func (app *App) EndBlocker(ctx sdk.Context) (sdk.EndBlock, error) {
	return app.ModuleManager.EndBlock(ctx)
}

// InitChainer imports the genesis state of every module.
func (app *App) InitChainer(ctx sdk.Context, req *abci.RequestInitChain) (*abci.ResponseInitChain, error) {
	var genesisState map[string]json.RawMessage
	if err := json.Unmarshal(req.AppStateBytes, &genesisState); err != nil {
		return nil, fmt.Errorf("failed to decode genesis app state: %w", err)
	}
	if err := app.UpgradeKeeper.SetModuleVersionMap(ctx, app.ModuleManager.GetVersionMap()); err != nil {
		return nil, err
	}
	return app.ModuleManager.InitGenesis(ctx, app.appCodec, genesisState)
}

// LoadHeight loads the state committed at height.
func (app *App) LoadHeight(height int64) error { return app.LoadVersion(height) }

// LegacyAmino returns the amino codec (legacy JSON signing only).
func (app *App) LegacyAmino() *codec.LegacyAmino { return app.legacyAmino }

// AppCodec returns the protobuf codec.
func (app *App) AppCodec() codec.Codec { return app.appCodec }

// InterfaceRegistry returns the interface registry.
func (app *App) InterfaceRegistry() types.InterfaceRegistry { return app.interfaceRegistry }

// TxConfig returns the transaction encoding config.
func (app *App) TxConfig() client.TxConfig { return app.txConfig }

// GetKey returns the store key of a module (tests use it to open module stores).
func (app *App) GetKey(storeKey string) *storetypes.KVStoreKey { return app.keys[storeKey] }

// DefaultGenesis returns the default genesis of every module.
func (app *App) DefaultGenesis() map[string]json.RawMessage {
	return app.BasicModuleManager.DefaultGenesis(app.appCodec)
}

// AutoCliOpts returns the options autocli uses to build the tx and query commands.
func (app *App) AutoCliOpts() autocli.AppOptions {
	modules := make(map[string]appmodule.AppModule)
	for _, m := range app.ModuleManager.Modules {
		if moduleWithName, ok := m.(module.HasName); ok {
			if appModule, ok := moduleWithName.(appmodule.AppModule); ok {
				modules[moduleWithName.Name()] = appModule
			}
		}
	}
	return autocli.AppOptions{
		Modules:               modules,
		ModuleOptions:         runtimeservices.ExtractAutoCLIOptions(app.ModuleManager.Modules),
		AddressCodec:          authcodec.NewBech32Codec(Bech32PrefixAccAddr),
		ValidatorAddressCodec: authcodec.NewBech32Codec(Bech32PrefixValAddr),
		ConsensusAddressCodec: authcodec.NewBech32Codec(Bech32PrefixConsAddr),
	}
}

// RegisterAPIRoutes registers the REST (gRPC-gateway) routes of every module.
func (app *App) RegisterAPIRoutes(apiSvr *api.Server, _ config.APIConfig) {
	clientCtx := apiSvr.ClientCtx
	authtx.RegisterGRPCGatewayRoutes(clientCtx, apiSvr.GRPCGatewayRouter)
	cmtservice.RegisterGRPCGatewayRoutes(clientCtx, apiSvr.GRPCGatewayRouter)
	nodeservice.RegisterGRPCGatewayRoutes(clientCtx, apiSvr.GRPCGatewayRouter)
	app.BasicModuleManager.RegisterGRPCGatewayRoutes(clientCtx, apiSvr.GRPCGatewayRouter)
}

// RegisterTxService registers the tx gRPC service (simulate, broadcast, query txs).
func (app *App) RegisterTxService(clientCtx client.Context) {
	authtx.RegisterTxService(app.GRPCQueryRouter(), clientCtx, app.Simulate, app.interfaceRegistry)
}

// RegisterTendermintService registers the CometBFT gRPC query service.
func (app *App) RegisterTendermintService(clientCtx client.Context) {
	cmtservice.RegisterTendermintService(clientCtx, app.GRPCQueryRouter(), app.interfaceRegistry, app.Query)
}

// RegisterNodeService registers the node gRPC service.
func (app *App) RegisterNodeService(clientCtx client.Context, cfg config.Config) {
	nodeservice.RegisterNodeService(clientCtx, app.GRPCQueryRouter(), cfg)
}

// BlockedAddresses lists the module accounts that may not receive plain bank sends.
func BlockedAddresses() map[string]bool {
	blocked := make(map[string]bool, len(moduleAccountPermissions))
	for name := range moduleAccountPermissions {
		blocked[authtypes.NewModuleAddress(name).String()] = true
	}
	// governance may receive funds (deposits are sent there by the module itself)
	delete(blocked, authtypes.NewModuleAddress(govtypes.ModuleName).String())
	return blocked
}

// EncodingConfig groups the codecs an application and its clients share.
type EncodingConfig = encoding.Config

// MakeEncodingConfig builds the codecs with Slush's bech32 prefixes and the standard sign modes.
func MakeEncodingConfig() EncodingConfig { return encoding.Make() }
