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
	bridgecli "github.com/slush-tree/slush/x/bridge/client/cli"
	electioncli "github.com/slush-tree/slush/x/election/client/cli"
	ledgercli "github.com/slush-tree/slush/x/ledger/client/cli"
	treecli "github.com/slush-tree/slush/x/tree/client/cli"
	validiumcli "github.com/slush-tree/slush/x/validium/client/cli"
)

// This file only wires commands. A module's hand-written commands live in its
// x/<module>/client/cli package (its queries and txs come from autocli):
//
//   - x/tree: genesis set-tree-identity, genesis set-parent-client, parent-client proposal and
//     light-block, tx tree submit-misbehaviour;
//   - x/ledger: genesis set-ledger-params, genesis add-ledger-deposit, genesis registration-info,
//     and the ledger user tools (ledger owner|transfer|bridge-out|balance);
//   - x/validium: genesis set-ledger-keys, genesis set-subtree-proofs, ledger opening (an
//     account's opening under a child's accepted commitment, a ledger user tool of x/validium's
//     type: wired here into the ledger group, since x/ledger cannot import x/validium), and
//     validium arrival-proof (a departed chain's ArrivalProof, read from the chains on its path);
//   - x/bridge: genesis set-inclusion-key;
//   - x/election: election report|vote|witness.
//
// What stays in this package are tools, not module CLI: circuits (offline circuit keys and
// proofs), operator-key (the operator's EdDSA key), relayer (the tree's relayer process and its
// pending and health-check views), bridge track and explorer (read a whole tree through
// relayer/inspect), simulate, and genesis adopt-export, a thin file and RPC wrapper around
// internal/adopt.

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
		bridgeCommand(),
		explorerCommand(),
		electioncli.ElectionCmd(),
		validiumcli.ValidiumCmd(),
		operatorKeyCommand(),
		treecli.ParentClientCmd(),
		treesim.NewSimulateCmd(),
	)
}

// ledgerCommand is x/ledger's user tools plus x/validium's account opening.
func ledgerCommand() *cobra.Command {
	cmd := ledgercli.LedgerCmd()
	cmd.AddCommand(validiumcli.AccountOpeningCmd())
	return cmd
}

// genesisCommand is the SDK's genesis command plus the Slush modules' genesis editors and
// readers and adopt-export.
func genesisCommand(enc app.EncodingConfig, basics module.BasicManager) *cobra.Command {
	home := app.DefaultNodeHome
	cmd := genutilcli.Commands(enc.TxConfig, basics, home)
	cmd.AddCommand(
		treecli.SetTreeIdentityCmd(home),
		treecli.SetParentClientCmd(home),
		ledgercli.SetLedgerParamsCmd(home),
		ledgercli.AddLedgerDepositCmd(home),
		ledgercli.RegistrationInfoCmd(home),
		bridgecli.SetInclusionKeyCmd(home),
		validiumcli.SetLedgerKeysCmd(home),
		validiumcli.SetSubtreeProofsCmd(home),
		adoptExportCmd(basics, home),
	)
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
