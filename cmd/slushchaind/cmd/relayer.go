package cmd

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/slush-tree/slush/relayer"
	"github.com/slush-tree/slush/relayer/config"
	"github.com/slush-tree/slush/relayer/inspect"
	"github.com/slush-tree/slush/relayer/logfile"
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
	cmd.AddCommand(relayerStartCmd(), relayerStatusCmd(), relayerPendingCmd(), relayerHealthCheckCmd())
	return cmd
}

// relayerStatusCmd is `slushchaind relayer status`: the tree in one table, in one process.
func relayerStatusCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "status",
		Short: "Show every chain of the tree: height, commitment, finality and lag, status, stalled edges",
		Long: `Reads every chain of --config (the relayer's tree.toml) and prints one line per chain,
depth-first: its height and root clock, latest own commitment, how far it is final (at the root
the finalized root height, elsewhere its block height its parent finalized) and the lag behind
it, its status on its parent, and its edge's unproven operations and anchor lag (STALLED past
--stall-root-blocks); then how many messages and routes are in flight. What scripts/localnet.sh
status prints. Read-only: no key is used. -o json prints the explorer's JSON.`,
		Example: "slushchaind relayer status --config .localnet/tree.toml",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			t, _, stall, err := openTree(cmd, false)
			if err != nil {
				return err
			}
			v := inspect.ReadTree(cmd.Context(), t, stall)
			if out, _ := cmd.Flags().GetString("output"); out == "json" {
				return json.NewEncoder(cmd.OutOrStdout()).Encode(v)
			}
			return v.WriteText(cmd.OutOrStdout())
		},
	}
	addInspectFlags(cmd)
	return cmd
}

// relayerPendingCmd is `slushchaind relayer pending`: what the tree still has to carry.
func relayerPendingCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "pending",
		Short: "Show what every edge and chain of the tree has pending: unproven operations, messages, forced operations, routes",
		Long: `Reads every chain of --config (the relayer's tree.toml) and prints, per edge (child -> parent):
the parent's record of the child (active/frozen), the child's block heights it accepted and
finalized, the child's log length against the proven position (unproven operations), the anchor
lag (root blocks since an update was accepted; STALLED beyond --stall-root-blocks) and the forced
operations the parent holds for it; then every message sent and not yet confirmed with its
deadline, the root blocks left and what it waits for (the claim, the confirmation, the route),
every forced operation with its deadline, and the routed messages in flight. Hashes are hex, for
'slushchaind bridge track'. Read-only: no key is used. -o json prints the same as one object.`,
		Example: "slushchaind relayer pending --config .localnet/tree.toml",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			t, _, stall, err := openTree(cmd, false)
			if err != nil {
				return err
			}
			p := inspect.ReadPending(cmd.Context(), t, stall)
			if out, _ := cmd.Flags().GetString("output"); out == "json" {
				return json.NewEncoder(cmd.OutOrStdout()).Encode(p)
			}
			return p.WriteText(cmd.OutOrStdout())
		},
	}
	addInspectFlags(cmd)
	return cmd
}

// relayerHealthCheckCmd is `slushchaind relayer health-check`.
func relayerHealthCheckCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "health-check",
		Short: "Check the tree the relayer serves; exit 1 with one line per problem and its fix",
		Long: `Checks every chain and edge of --config (the relayer's tree.toml, with its keys): every chain
reachable, answering as its configured path, synced and making blocks (latest block younger than
--max-block-age); the relayer's key present on every chain and the operator of every child on its
parent; keys_dir's ledger.vk and inclusion.vk the ones the chains registered; every parent client
trusted for at least --min-client-life more; no child frozen; no edge stalled (no update accepted
for --stall-root-blocks root blocks). Prints one line per problem with its fix and exits 1, or one
line saying the tree is healthy.`,
		Example: "slushchaind relayer health-check --config .localnet/tree.toml",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			t, cfg, stall, err := openTree(cmd, true)
			if err != nil {
				return err
			}
			age, _ := cmd.Flags().GetDuration("max-block-age")
			life, _ := cmd.Flags().GetDuration("min-client-life")
			findings := inspect.Health(cmd.Context(), t, inspect.HealthOptions{
				KeysDir: cfg.KeysDir, MaxBlockAge: age, MinClientLife: life, Stall: stall, Now: time.Now(),
			})
			out := cmd.OutOrStdout()
			if o, _ := cmd.Flags().GetString("output"); o == "json" {
				if err := json.NewEncoder(out).Encode(map[string]any{"healthy": len(findings) == 0, "findings": findings}); err != nil {
					return err
				}
			} else {
				for _, f := range findings {
					fmt.Fprintf(out, "FAIL %s\n", f)
				}
				if len(findings) == 0 {
					fmt.Fprintf(out, "ok: %d chains healthy\n", len(t.Names()))
				}
			}
			if len(findings) > 0 {
				return fmt.Errorf("%d problem(s)", len(findings))
			}
			return nil
		},
	}
	addInspectFlags(cmd)
	cmd.Flags().Duration("max-block-age", time.Minute, "a chain whose latest block is older than this is reported halted")
	cmd.Flags().Duration("min-client-life", 24*time.Hour, "a parent client trusted for less than this more is reported")
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
can be killed and restarted at any point. Logs go to stderr, or to log_file (rotated at
log_max_mb, keeping log_keep older files), one line per proof and per transaction; Prometheus
metrics (per edge: proven position, log length, unproven operations, anchor lag, stalled; the
backlog; wallet balances) and /healthz are served on metrics_listen.`,
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
			var out io.Writer = os.Stderr
			if cfg.LogFile != "" {
				f, err := logfile.Open(cfg.LogFile, cfg.LogMaxMB, cfg.LogKeep)
				if err != nil {
					return err
				}
				defer f.Close()
				out = f
			}
			log := slog.New(slog.NewTextHandler(out, &slog.HandlerOptions{Level: lvl}))
			log.Info("relayer starting", "config", path, "chains", len(cfg.Chains))
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
