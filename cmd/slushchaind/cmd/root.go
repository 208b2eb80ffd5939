// Package cmd builds the slushchaind command tree.
package cmd

import (
	"errors"
	"io"
	"os"

	cmtcfg "github.com/cometbft/cometbft/config"
	dbm "github.com/cosmos/cosmos-db"
	"github.com/spf13/cobra"

	"cosmossdk.io/log"

	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/client/config"
	"github.com/cosmos/cosmos-sdk/client/flags"
	"github.com/cosmos/cosmos-sdk/server"
	serverconfig "github.com/cosmos/cosmos-sdk/server/config"
	servertypes "github.com/cosmos/cosmos-sdk/server/types"
	simtestutil "github.com/cosmos/cosmos-sdk/testutil/sims"
	sdk "github.com/cosmos/cosmos-sdk/types"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"

	"github.com/slush-tree/slush/app"
)

// NewRootCmd builds the slushchaind root command with every node, client and Slush subcommand.
func NewRootCmd() *cobra.Command {
	app.SetAddressPrefixes()
	sdk.GetConfig().Seal()
	tempApp := app.New(log.NewNopLogger(), dbm.NewMemDB(), nil, true, simtestutil.NewAppOptionsWithFlagHome(tempDir()))
	enc := app.EncodingConfig{
		InterfaceRegistry: tempApp.InterfaceRegistry(),
		Codec:             tempApp.AppCodec(),
		TxConfig:          tempApp.TxConfig(),
		Amino:             tempApp.LegacyAmino(),
	}

	initClientCtx := client.Context{}.
		WithCodec(enc.Codec).
		WithInterfaceRegistry(enc.InterfaceRegistry).
		WithTxConfig(enc.TxConfig).
		WithLegacyAmino(enc.Amino).
		WithInput(os.Stdin).
		WithAccountRetriever(authtypes.AccountRetriever{}).
		WithHomeDir(app.DefaultNodeHome).
		WithViper("")

	rootCmd := &cobra.Command{
		Use:           "slushchaind",
		Short:         "Slush: a node of the fractal validium tree",
		SilenceErrors: true,
		SilenceUsage:  true,
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			cmd.SetOut(cmd.OutOrStdout())
			cmd.SetErr(cmd.ErrOrStderr())
			clientCtx := initClientCtx.WithCmdContext(cmd.Context())
			clientCtx, err := client.ReadPersistentCommandFlags(clientCtx, cmd.Flags())
			if err != nil {
				return err
			}
			clientCtx, err = config.ReadFromClientConfig(clientCtx)
			if err != nil {
				return err
			}
			if err := client.SetCmdClientContextHandler(clientCtx, cmd); err != nil {
				return err
			}
			if err := server.InterceptConfigsPreRunHandler(cmd, serverconfig.DefaultConfigTemplate, appConfig(), cometConfig()); err != nil {
				return err
			}
			return useMillisecondLogs(cmd)
		},
	}

	addCommands(rootCmd, enc, tempApp)

	autoCliOpts := tempApp.AutoCliOpts()
	autoCliOpts.ClientCtx = initClientCtx
	if err := autoCliOpts.EnhanceRootCommand(rootCmd); err != nil {
		panic(err)
	}
	if err := hexQueryOutput(rootCmd, autoCliOpts.ModuleOptions); err != nil {
		panic(err)
	}
	hideEmptyTxGroups(rootCmd, autoCliOpts.ModuleOptions)
	return rootCmd
}

// appConfig is the app.toml defaults: a minimum gas price so the node accepts no free txs.
func appConfig() *serverconfig.Config {
	cfg := serverconfig.DefaultConfig()
	cfg.MinGasPrices = "0stake"
	return cfg
}

// cometConfig is the config.toml defaults used by `init`.
func cometConfig() *cmtcfg.Config {
	return cmtcfg.DefaultConfig()
}

// newApp is the server's AppCreator: it opens the application over the node's database.
func newApp(logger log.Logger, db dbm.DB, traceStore io.Writer, appOpts servertypes.AppOptions) servertypes.Application {
	return app.New(logger, db, traceStore, true, appOpts, server.DefaultBaseappOptions(appOpts)...)
}

// exportApp is the server's AppExporter behind `slushchaind export`.
func exportApp(
	logger log.Logger, db dbm.DB, traceStore io.Writer, height int64, forZeroHeight bool,
	jailAllowedAddrs []string, appOpts servertypes.AppOptions, modulesToExport []string,
) (servertypes.ExportedApp, error) {
	homePath, ok := appOpts.Get(flags.FlagHome).(string)
	if !ok || homePath == "" {
		return servertypes.ExportedApp{}, errors.New("application home is not set")
	}
	loadLatest := height == -1
	slushApp := app.New(logger, db, traceStore, loadLatest, appOpts)
	if !loadLatest {
		if err := slushApp.LoadHeight(height); err != nil {
			return servertypes.ExportedApp{}, err
		}
	}
	return slushApp.ExportAppStateAndValidators(forZeroHeight, jailAllowedAddrs, modulesToExport)
}

// tempDir is a throw-away home for the app instance used only to build the CLI.
func tempDir() string {
	dir, err := os.MkdirTemp("", "slushchaind")
	if err != nil {
		dir = app.DefaultNodeHome
	}
	defer os.RemoveAll(dir)
	return dir
}
