package cmd

import (
	"github.com/spf13/cobra"

	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/client/debug"
	"github.com/cosmos/cosmos-sdk/client/flags"
	"github.com/cosmos/cosmos-sdk/client/keys"
	"github.com/cosmos/cosmos-sdk/client/pruning"
	"github.com/cosmos/cosmos-sdk/client/rpc"
	"github.com/cosmos/cosmos-sdk/client/snapshot"
	"github.com/cosmos/cosmos-sdk/server"
	"github.com/cosmos/cosmos-sdk/types/module"
	authcmd "github.com/cosmos/cosmos-sdk/x/auth/client/cli"
	genutilcli "github.com/cosmos/cosmos-sdk/x/genutil/client/cli"

	"github.com/slush-tree/slush/app"
	"github.com/slush-tree/slush/sim/treesim"
	validiumcli "github.com/slush-tree/slush/x/validium/client/cli"
)

// addCommands attaches the node, genesis, key, query and tx commands.
func addCommands(rootCmd *cobra.Command, enc app.EncodingConfig, tempApp *app.App) {
	basics := tempApp.BasicModuleManager
	rootCmd.AddCommand(
		genutilcli.InitCmd(basics, app.DefaultNodeHome),
		debug.Cmd(),
		pruning.Cmd(newApp, app.DefaultNodeHome),
		snapshot.Cmd(newApp),
	)
	server.AddCommandsWithStartCmdOptions(rootCmd, app.DefaultNodeHome, newApp, exportApp, server.StartCmdOptions{})
	rootCmd.AddCommand(
		server.StatusCommand(),
		genesisCommand(enc, basics),
		queryCommand(),
		txCommand(),
		keys.Commands(),
		circuitsCommand(),
		ledgerCommand(),
		relayerCommand(),
		electionCommand(),
		operatorKeyCommand(),
		parentClientCommand(),
		treesim.NewSimulateCmd(),
	)
}

// genesisCommand is the SDK's genesis command plus the Slush tree-identity and bridge-circuit
// editors and the registration-info reader.
func genesisCommand(enc app.EncodingConfig, basics module.BasicManager) *cobra.Command {
	cmd := genutilcli.Commands(enc.TxConfig, basics, app.DefaultNodeHome)
	cmd.AddCommand(validiumcli.SetTreeIdentityCmd(app.DefaultNodeHome))
	cmd.AddCommand(slushGenesisCommands(app.DefaultNodeHome)...)
	cmd.AddCommand(adoptExportCmd(basics, app.DefaultNodeHome))
	return cmd
}

// queryCommand is the parent of every query; autocli adds the module queries.
func queryCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:                        "query",
		Aliases:                    []string{"q"},
		Short:                      "Querying subcommands",
		DisableFlagParsing:         false,
		SuggestionsMinimumDistance: 2,
		RunE:                       client.ValidateCmd,
	}
	cmd.AddCommand(
		rpc.QueryEventForTxCmd(),
		server.QueryBlockCmd(),
		server.QueryBlocksCmd(),
		server.QueryBlockResultsCmd(),
		authcmd.QueryTxsByEventsCmd(),
		authcmd.QueryTxCmd(),
	)
	return cmd
}

// txCommand is the parent of every transaction command; autocli adds the module txs.
func txCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:                        "tx",
		Short:                      "Transactions subcommands",
		DisableFlagParsing:         false,
		SuggestionsMinimumDistance: 2,
		RunE:                       client.ValidateCmd,
	}
	cmd.AddCommand(
		authcmd.GetSignCommand(),
		authcmd.GetSignBatchCommand(),
		authcmd.GetMultiSignCommand(),
		authcmd.GetValidateSignaturesCommand(),
		flags.LineBreak,
		authcmd.GetBroadcastCommand(),
		authcmd.GetEncodeCommand(),
		authcmd.GetDecodeCommand(),
		authcmd.GetSimulateCmd(),
	)
	return cmd
}
