package inspect

import (
	"fmt"
	"io"
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
