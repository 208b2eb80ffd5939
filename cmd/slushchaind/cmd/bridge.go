package cmd

import (
	"encoding/json"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/slush-tree/slush/relayer/config"
	"github.com/slush-tree/slush/relayer/inspect"
	"github.com/slush-tree/slush/relayer/tree"
	bridgecli "github.com/slush-tree/slush/x/bridge/client/cli"
)

// bridgeCommand is `slushchaind bridge`: tools that follow bridge messages across a tree.
func bridgeCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "bridge",
		Short: "Follow bridge messages across a Slush tree (track)",
		// a client of running chains: no node home, config or app is touched
		PersistentPreRunE: func(*cobra.Command, []string) error { return nil },
		RunE:              func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	cmd.AddCommand(bridgeTrackCmd())
	return cmd
}

// bridgeTrackCmd is `slushchaind bridge track <hash>`.
func bridgeTrackCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "track [message-hash]",
		Short: "Follow a bridge message across the tree: sender, each hop, destination, and what it waits for",
		Long: `Reads every chain of --config (the relayer's tree.toml) and prints where a bridge message is:
the chain that sent it (status, block), each chain on its way up to the root with how far it
holds the sender's state (accepted, finalized), each chain down to the destination with the root
commitments it knows, whether the destination minted it, any fallback-route records, and what
the message waits for now (finality, a root commitment to sync, the claim, the confirmation, the
route). The hash is what 'tx bridge bridge-out' prints (hex; base64 works too). Read-only: no key
is used.`,
		Example: "slushchaind bridge track 27fa0c…e1 --config .localnet/tree.toml",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			msgHash, err := bridgecli.DecodeBytesArg(args[0])
			if err != nil {
				return fmt.Errorf("message hash: %w", err)
			}
			t, _, stall, err := openTree(cmd, false)
			if err != nil {
				return err
			}
			trace, err := inspect.Track(cmd.Context(), t, msgHash, stall)
			if err != nil {
				return err
			}
			if out, _ := cmd.Flags().GetString("output"); out == "json" {
				return json.NewEncoder(cmd.OutOrStdout()).Encode(trace)
			}
			return trace.WriteText(cmd.OutOrStdout())
		},
	}
	addInspectFlags(cmd)
	return cmd
}

const flagStall = "stall-root-blocks"

// addInspectFlags are the flags of every command that reads a tree through its tree.toml.
func addInspectFlags(cmd *cobra.Command) {
	cmd.Flags().String("config", "tree.toml", "the tree's relayer config (tree.toml)")
	cmd.Flags().StringP("output", "o", "text", "text or json")
	cmd.Flags().Uint64(flagStall, 0, "an edge whose child had no update accepted for this many root blocks reads as stalled (0: tree.toml's stall_root_blocks, default 30)")
}

// openTree opens the tree of --config, read-only unless withKeys, and the stall threshold
// (--stall-root-blocks, else tree.toml's).
func openTree(cmd *cobra.Command, withKeys bool) (*tree.Tree, config.Config, uint64, error) {
	path, _ := cmd.Flags().GetString("config")
	cfg, err := config.Load(path)
	if err != nil {
		return nil, config.Config{}, 0, err
	}
	stall, _ := cmd.Flags().GetUint64(flagStall)
	if stall == 0 {
		stall = cfg.StallRootBlocks
	}
	t, err := inspect.Open(cfg, withKeys)
	return t, cfg, stall, err
}
