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
