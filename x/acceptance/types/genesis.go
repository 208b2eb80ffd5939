package types

import "fmt"

// DefaultGenesisState returns the default genesis state: no children, no updates yet.
func DefaultGenesisState() *GenesisState {
	return &GenesisState{Params: DefaultParams()}
}

// Validate checks the whole genesis state.
func (gs GenesisState) Validate() error {
	if err := gs.Params.Validate(); err != nil {
		return err
	}
	prev := uint32(0)
	for _, c := range gs.Children {
		if c.ChildIndex == 0 || c.ChildIndex > MaxChildIndex {
			return fmt.Errorf("%w: %d", ErrInvalidChildIndex, c.ChildIndex)
		}
		if c.ChildIndex <= prev {
			return fmt.Errorf("%w: children not strictly ascending at index %d", ErrInvalidGenesis, c.ChildIndex)
		}
		prev = c.ChildIndex
		if err := c.Record.Validate(gs.Params.MaxPendingHashes); err != nil {
			return fmt.Errorf("child %d: %w", c.ChildIndex, err)
		}
	}
	if gs.RootRecord != nil {
		if err := gs.RootRecord.Validate(gs.Params.MaxPendingHashes); err != nil {
			return fmt.Errorf("root record: %w", err)
		}
	}
	if gs.LastReport != nil {
		if err := gs.LastReport.Validate(); err != nil {
			return err
		}
	}
	return nil
}

// Validate checks a subtree report: a valid histogram within b whose newest bucket is its height.
func (r SubtreeReport) Validate() error {
	h := HistogramFromProto(r.Histogram)
	if err := h.Validate(r.Subtree); err != nil {
		return fmt.Errorf("last report: %w", err)
	}
	if len(h) == 0 || h[len(h)-1].Height != r.Height {
		return fmt.Errorf("%w: last report at %d", ErrHistogramOwnUpdate, r.Height)
	}
	return nil
}
