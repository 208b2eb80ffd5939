package encoding

import (
	"cosmossdk.io/x/upgrade"

	ledgertypes "github.com/slush-tree/slush/x/ledger/types"
	treetypes "github.com/slush-tree/slush/x/tree/types"

	"github.com/cosmos/cosmos-sdk/types/module"
	"github.com/cosmos/cosmos-sdk/x/auth"
	"github.com/cosmos/cosmos-sdk/x/bank"
	"github.com/cosmos/cosmos-sdk/x/consensus"
	distr "github.com/cosmos/cosmos-sdk/x/distribution"
	"github.com/cosmos/cosmos-sdk/x/genutil"
	genutiltypes "github.com/cosmos/cosmos-sdk/x/genutil/types"
	"github.com/cosmos/cosmos-sdk/x/gov"
	govclient "github.com/cosmos/cosmos-sdk/x/gov/client"
	"github.com/cosmos/cosmos-sdk/x/mint"
	"github.com/cosmos/cosmos-sdk/x/slashing"
	"github.com/cosmos/cosmos-sdk/x/staking"

	acceptancetypes "github.com/slush-tree/slush/x/acceptance/types"
	bridgetypes "github.com/slush-tree/slush/x/bridge/types"
	electiontypes "github.com/slush-tree/slush/x/election/types"
	validiumtypes "github.com/slush-tree/slush/x/validium/types"
)

// sdkModules are the basics of the SDK modules the app runs (app.initModuleManager), which
// register their interfaces without keepers.
func sdkModules() module.BasicManager {
	return module.NewBasicManager(
		genutil.NewAppModuleBasic(genutiltypes.DefaultMessageValidator),
		auth.AppModuleBasic{},
		bank.AppModuleBasic{},
		staking.AppModuleBasic{},
		mint.AppModuleBasic{},
		distr.AppModuleBasic{},
		slashing.AppModuleBasic{},
		gov.NewAppModuleBasic([]govclient.ProposalHandler{}),
		upgrade.AppModuleBasic{},
		consensus.AppModuleBasic{},
	)
}

// registerModules registers the SDK modules' and the Slush modules' interfaces and amino
// names, as the app's module manager does (the Slush modules register their types packages).
func registerModules(enc Config) {
	basics := sdkModules()
	basics.RegisterLegacyAminoCodec(enc.Amino)
	basics.RegisterInterfaces(enc.InterfaceRegistry)
	treetypes.RegisterLegacyAminoCodec(enc.Amino)
	treetypes.RegisterInterfaces(enc.InterfaceRegistry)
	ledgertypes.RegisterLegacyAminoCodec(enc.Amino)
	ledgertypes.RegisterInterfaces(enc.InterfaceRegistry)
	acceptancetypes.RegisterLegacyAminoCodec(enc.Amino)
	acceptancetypes.RegisterInterfaces(enc.InterfaceRegistry)
	bridgetypes.RegisterLegacyAminoCodec(enc.Amino)
	bridgetypes.RegisterInterfaces(enc.InterfaceRegistry)
	validiumtypes.RegisterLegacyAminoCodec(enc.Amino)
	validiumtypes.RegisterInterfaces(enc.InterfaceRegistry)
	electiontypes.RegisterLegacyAminoCodec(enc.Amino)
	electiontypes.RegisterInterfaces(enc.InterfaceRegistry)
}
