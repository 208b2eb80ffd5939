package cmd

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os/signal"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/slush-tree/slush/relayer/explorer"
)

// explorerCommand is `slushchaind explorer`: the tree explorer page.
func explorerCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "explorer",
		Short: "Serve a tree explorer page: every chain, its finality, stalled edges, messages in flight",
		Long: `Serves, until SIGINT/SIGTERM, a page (one HTML file, no JavaScript build) that draws the tree of
--config (the relayer's tree.toml) as a graph and refreshes it every 3 s: per chain its height,
root clock, latest commitment, finalized height and lag, status on its parent (active, frozen),
epoch and operator, stalled edges in red (no update accepted for --stall-root-blocks root
blocks); then every edge's proven position and backlog, the messages in flight with their
deadlines and what they wait for, and the routes in flight. /api/tree serves the same as JSON.
Read-only: no key is used.`,
		Example: "slushchaind explorer --config .localnet/tree.toml --listen 127.0.0.1:26608",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			t, _, stall, err := openTree(cmd, false)
			if err != nil {
				return err
			}
			listen, _ := cmd.Flags().GetString("listen")
			ln, err := net.Listen("tcp", listen)
			if err != nil {
				return err
			}
			srv := &http.Server{Handler: explorer.Handler(t, stall), ReadHeaderTimeout: 5 * time.Second}
			ctx, stop := signal.NotifyContext(cmd.Context(), syscall.SIGINT, syscall.SIGTERM)
			defer stop()
			go func() {
				<-ctx.Done()
				sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
				defer cancel()
				_ = srv.Shutdown(sctx)
			}()
			fmt.Fprintf(cmd.OutOrStdout(), "explorer: http://%s/ (JSON: /api/tree)\n", ln.Addr())
			if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
				return err
			}
			return nil
		},
	}
	addInspectFlags(cmd)
	cmd.Flags().String("listen", "127.0.0.1:26608", "address to serve the page on")
	return cmd
}
