package cmd

import (
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/slush-tree/slush/relayer"
	"github.com/slush-tree/slush/relayer/config"
)

// relayerCommand is `slushchaind relayer`: the tree's relayer and prover (DESIGN §11).
func relayerCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "relayer",
		Short: "Run the relayer/prover of a Slush tree",
		// the relayer is a client of running chains: no node home, config or app is touched
		PersistentPreRunE: func(*cobra.Command, []string) error { return nil },
		RunE:              func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	cmd.AddCommand(relayerStartCmd())
	return cmd
}

func relayerStartCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "start",
		Short: "Relay a tree: prove and submit child updates, sync parents, claim, confirm and route messages",
		Long: `Serves every chain of --config (tree.toml) until SIGINT/SIGTERM: for each edge it proves the
child's ledger batches and submits MsgSubmitUpdate to the parent, syncs root commitments down
with MsgSyncParent, claims and confirms bridge messages with inclusion proofs and carries
routed messages. Every decision is re-derived from chain state on each round, so the process
can be killed and restarted at any point. Logs go to stderr, one line per proof and per
transaction; Prometheus metrics are served on metrics_listen.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			path, _ := cmd.Flags().GetString("config")
			level, _ := cmd.Flags().GetString("log-level")
			cfg, err := config.Load(path)
			if err != nil {
				return err
			}
			var lvl slog.Level
			if err := lvl.UnmarshalText([]byte(level)); err != nil {
				return fmt.Errorf("--log-level: %w", err)
			}
			log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: lvl}))
			r, err := relayer.New(cfg, log)
			if err != nil {
				return err
			}
			ctx, stop := signal.NotifyContext(cmd.Context(), syscall.SIGINT, syscall.SIGTERM)
			defer stop()
			return r.Run(ctx)
		},
	}
	cmd.Flags().String("config", "tree.toml", "the tree's relayer config")
	cmd.Flags().String("log-level", "info", "debug, info, warn or error")
	return cmd
}
