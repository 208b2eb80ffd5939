package treesim

import (
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/spf13/cobra"
)

// NewSimulateCmd returns the `simulate` command with its `tree` subcommand:
// `simulate tree --nodes N[,N...] --width W[,W...] [--rounds R] [--propagation P]`.
func NewSimulateCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "simulate",
		Short: "Run offline simulations of the Slush protocol",
	}
	cmd.AddCommand(newTreeCmd())
	return cmd
}

// newTreeCmd returns `simulate tree`.
func newTreeCmd() *cobra.Command {
	var (
		nodes, widths []int
		rounds        int
		propagation   string
	)
	cmd := &cobra.Command{
		Use:   "tree",
		Short: "Simulate acceptance (DESIGN §6) on a BFS-filled tree and print finality and storage",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			props, err := parsePropagation(propagation)
			if err != nil {
				return err
			}
			var results []Result
			for _, n := range nodes {
				for _, w := range widths {
					for _, p := range props {
						res, err := Run(Config{Nodes: n, Width: w, Rounds: rounds, Propagation: p})
						if err != nil {
							return err
						}
						results = append(results, res)
					}
				}
			}
			return WriteTable(cmd.OutOrStdout(), results)
		},
	}
	cmd.Flags().IntSliceVar(&nodes, "nodes", []int{1000}, "number of nodes N (comma-separated list allowed)")
	cmd.Flags().IntSliceVar(&widths, "width", []int{3}, "children per node W (comma-separated list allowed)")
	cmd.Flags().IntVar(&rounds, "rounds", 0, "rounds R (0: 3·depth+10)")
	cmd.Flags().StringVar(&propagation, "propagation", "both", "delayed, same-round or both")
	return cmd
}

// parsePropagation maps the --propagation flag to the models to run.
func parsePropagation(s string) ([]Propagation, error) {
	switch s {
	case "delayed":
		return []Propagation{Delayed}, nil
	case "same-round":
		return []Propagation{SameRound}, nil
	case "both":
		return []Propagation{Delayed, SameRound}, nil
	}
	return nil, fmt.Errorf("%w: propagation %q (want delayed, same-round or both)", ErrConfig, s)
}

// WriteTable prints results as an aligned plain-text table.
func WriteTable(out io.Writer, results []Result) error {
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "N\tW\tpropagation\tdepth d\trounds\troot lag (rounds)\tlag (C)\tseed (W+1)·C·d\thashes/child max\tmean\thashes/node max\tmean\tbuckets/report mean\tmax\tupdates/s\t")
	for _, r := range results {
		lag := fmt.Sprint(r.RootFinalityLag)
		if !r.RootFinalized {
			lag = "none"
		}
		lagC := "-"
		if r.Config.Propagation == Delayed {
			lagC = fmt.Sprint(r.FinalityC)
		}
		fmt.Fprintf(tw, "%d\t%d\t%s\t%d\t%d\t%s\t%s\t%d\t%d\t%.2f\t%d\t%.2f\t%.2f\t%d\t%.3g\t\n",
			r.Config.Nodes, r.Config.Width, r.Config.Propagation, r.Depth, r.Config.Rounds, lag, lagC,
			r.SeedFinalityC, r.MaxHashesPerChild, r.MeanHashesPerChild, r.MaxHashesPerNode,
			r.MeanHashesPerNode, r.MeanReportBuckets, r.MaxReportBuckets, r.UpdatesPerSecond)
	}
	return tw.Flush()
}
