package inspect

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// WriteText writes a trace for people: the message, one line per hop, and what it waits for.
func (tr *Trace) WriteText(w io.Writer) error {
	fmt.Fprintf(w, "message   %s\n", tr.Hash)
	fmt.Fprintf(w, "transfer  %d of asset %s, %s -> %s (recipient %s…), deadline root height %d\n",
		tr.Amount, tr.Asset, tr.Source, tr.Destination, short(tr.Recipient), tr.Deadline)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, h := range tr.Hops {
		fmt.Fprintf(tw, "  %s\t%s\t%s\n", h.Chain, h.Role, h.Note)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(w, "stage     %s\n", tr.Stage)
	if tr.Waiting != "" {
		fmt.Fprintf(w, "waiting   %s\n", tr.Waiting)
	}
	return nil
}

// short is the first 12 hex digits of a hash, for lines meant for people.
func short(h string) string {
	if len(h) > 12 {
		return h[:12]
	}
	return h
}

// WriteText writes what a tree has pending, for people: one table per kind, full hashes (hex) so
// they can be pasted into `bridge track`.
func (p *Pending) WriteText(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "EDGE\tSTATUS\tACCEPTED HEIGHT\tFINALIZED HEIGHT\tLOG\tPROVEN\tUNPROVEN\tANCHOR LAG\tFORCED\t")
	for _, e := range p.Edges {
		lag := fmt.Sprintf("%d", e.AnchorLag)
		if e.Stalled {
			lag += " STALLED"
		}
		fmt.Fprintf(tw, "%s -> %s\t%s\t%d\t%d\t%d\t%d\t%d\t%s\t%d\t\n", e.Child, e.Parent, e.Status, e.AcceptedHeight, e.FinalizedHeight,
			e.ChildLog, e.AcceptedLog, e.Unproven, lag, len(e.Forced))
	}
	fmt.Fprintln(tw)
	fmt.Fprintf(tw, "MESSAGES (%d)\tSOURCE\tDEST\tAMOUNT\tSENT\tSTATUS\tDEADLINE\tLEFT\tWAITING FOR\n", len(p.Messages))
	for _, m := range p.Messages {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%d\t%s\t%d\t%d\t%s\n", m.Hash, m.Source, m.Destination, m.Amount, m.SentHeight, m.Status,
			m.Deadline, m.Left, m.Waiting)
	}
	fmt.Fprintln(tw)
	fmt.Fprintln(tw, "FORCED OPERATIONS\tEDGE\tSEQUENCE\tKIND\tDEADLINE\tLEFT\t")
	for _, e := range p.Edges {
		for _, f := range e.Forced {
			kind := "mint"
			if f.Forward {
				kind = "forward"
			}
			fmt.Fprintf(tw, "%s\t%s -> %s\t%d\t%s\t%d\t%d\t\n", f.Hash, e.Parent, e.Child, f.Sequence, kind, f.Deadline, f.Left)
		}
	}
	fmt.Fprintln(tw)
	fmt.Fprintf(tw, "ROUTES IN FLIGHT (%d)\tCHAIN\tSTATUS\tDEST\tCHILD\tHEIGHT\t\n", len(p.Routes))
	for _, r := range p.Routes {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%d\t\n", r.Hash, r.Chain, r.Status, r.Destination, r.ChildIndex, r.Height)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, e := range p.Errors {
		fmt.Fprintf(w, "unreadable: %s\n", e)
	}
	return nil
}

// WriteText writes the tree for people, one line per chain depth-first (indented by depth): its
// height and root clock, latest commitment, finality and lag, its status on its parent with the
// edge's unproven operations and anchor lag, then how much is in flight.
func (v *TreeView) WriteText(w io.Writer) error {
	edges := map[string]Edge{}
	for _, e := range v.Edges {
		edges[e.Child] = e
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "PATH\tCHAIN-ID\tHEIGHT\tROOT CLOCK\tCOMMITMENT\tFINALIZED\tLAG\tSTATUS\tUNPROVEN\tANCHOR LAG\t")
	for _, c := range depthFirst(v.Chains) {
		indent := strings.Repeat("  ", depth(c.Path))
		if !c.Reachable {
			fmt.Fprintf(tw, "%s%s\t%s\tdown\t\t\t\t\t%s\t\t\t\n", indent, c.Path, c.ChainID, c.Status)
			continue
		}
		fin := "-"
		if c.Finalized > 0 {
			fin = fmt.Sprintf("h%d", c.Finalized)
		}
		unproven, lag := "", ""
		if e, ok := edges[c.Path]; ok {
			unproven, lag = fmt.Sprintf("%d", e.Unproven), fmt.Sprintf("%d", e.AnchorLag)
			if e.Stalled {
				lag += " STALLED"
			}
		}
		fmt.Fprintf(tw, "%s%s\t%s\t%d\t%d\t%s\t%s\t%d\t%s\t%s\t%s\t\n", indent, c.Path, c.ChainID, c.Height, c.RootClock,
			short(c.Commitment), fin, c.Lag, c.Status, unproven, lag)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(w, "in flight: %d messages, %d routes (slushchaind relayer pending for details)\n", len(v.Messages), len(v.Routes))
	for _, e := range v.Errors {
		fmt.Fprintf(w, "unreadable: %s\n", e)
	}
	return nil
}

// depthFirst orders chains depth-first, children by index, as the localnet's status prints them.
func depthFirst(chains []ChainView) []ChainView {
	kids := map[string][]ChainView{}
	for _, c := range chains {
		kids[c.Parent] = append(kids[c.Parent], c)
	}
	var out []ChainView
	var walk func(parent string)
	walk = func(parent string) {
		for _, c := range kids[parent] {
			out = append(out, c)
			walk(c.Path)
		}
	}
	walk("")
	return out
}

// depth is a path's depth ("root" 0, "1-2" 2).
func depth(path string) int {
	if path == "root" {
		return 0
	}
	return strings.Count(path, "-") + 1
}
