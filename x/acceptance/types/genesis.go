package types

import (
	"fmt"

	errorsmod "cosmossdk.io/errors"
)

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
			return errorsmod.Wrapf(ErrInvalidChildIndex, "%d", c.ChildIndex)
		}
		if c.ChildIndex <= prev {
			return errorsmod.Wrapf(ErrInvalidGenesis, "children not strictly ascending at index %d", c.ChildIndex)
		}
		prev = c.ChildIndex
		if err := validateChildRecord(c.Record, gs.Params); err != nil {
			return fmt.Errorf("child %d: %w", c.ChildIndex, err)
		}
	}
	if gs.RootRecord != nil {
		if err := gs.RootRecord.Validate(gs.Params); err != nil {
			return fmt.Errorf("root record: %w", err)
		}
	}
	if gs.LastReport != nil {
		if err := gs.LastReport.Validate(gs.Params.MaxHistogramBuckets); err != nil {
			return err
		}
	}
	return nil
}

// validateChildRecord checks a child's record like any record, and its subtree against
// MaxSubtreeSize: the children's sizes are summed into this chain's own b (DESIGN §6).
func validateChildRecord(r AcceptanceRecord, p Params) error {
	if r.Subtree > MaxSubtreeSize {
		return errorsmod.Wrapf(ErrSubtreeTooLarge, "%d > %d", r.Subtree, MaxSubtreeSize)
	}
	return r.Validate(p)
}

// Validate checks a subtree report: a valid histogram within b whose newest bucket is its
// height, with at most maxBuckets buckets.
func (r SubtreeReport) Validate(maxBuckets uint32) error {
	if len(r.Histogram) > int(maxBuckets) {
		return errorsmod.Wrapf(ErrHistogramTooManyBuckets, "last report has %d > %d", len(r.Histogram), maxBuckets)
	}
	h := HistogramFromProto(r.Histogram)
	if err := h.Validate(r.Subtree); err != nil {
		return fmt.Errorf("last report: %w", err)
	}
	if len(h) == 0 || h[len(h)-1].Height != r.Height {
		return errorsmod.Wrapf(ErrHistogramOwnUpdate, "last report at %d", r.Height)
	}
	return nil
}
