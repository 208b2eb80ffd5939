package types

import (
	"fmt"
)

// RollbackToFinalized is what a child's acceptance record becomes when its parent rolls it back to
// its finalized hash (DESIGN §9): the hashes pushed after the finalized one are dropped, so a
// withheld state can never become final later and exits keep the finalized state. The reported
// histogram keeps its buckets below the finalized height (the compacted, still-exact part) and
// counts the child itself at the finalized height (it did update then); the buckets above it came
// with the dropped updates and are dropped too, which can only under-count acceptance for the
// ancestors (delay finality, never fake it). A record without pending hashes is returned as is.
func (t ChildAcceptance) RollbackToFinalized() (ChildAcceptance, error) {
	f, ok := t.FinalizedHash()
	if !ok {
		return ChildAcceptance{}, ErrNotFinalized
	}
	if len(t.Hashes) == 1 {
		return t, nil
	}
	reported := make(Histogram, 0, len(t.Reported)+1)
	var atFinalized uint64
	for _, b := range t.Reported {
		switch {
		case b.Height < f.Height:
			reported = append(reported, b)
		case b.Height == f.Height:
			atFinalized = b.Count
		}
	}
	reported = append(reported, Bucket{Height: f.Height, Count: atFinalized + 1})
	out := ChildAcceptance{
		Subtree:      t.Subtree,
		Reported:     reported,
		Hashes:       []StateHash{f},
		HasFinalized: true,
	}
	if err := out.Validate(); err != nil {
		return ChildAcceptance{}, fmt.Errorf("rolled-back acceptance record: %w", err)
	}
	return out, nil
}
