package types

import errorsmod "cosmossdk.io/errors"

// Default parameter values.
const (
	// DefaultRootHistorySize keeps about an hour and a half of root heights at 5 s blocks.
	DefaultRootHistorySize  uint32 = 1024
	maxRootHistorySizeLimit uint32 = 100_000
)

// DefaultParams returns the default x/tree parameters.
func DefaultParams() Params {
	return Params{RootHistorySize: DefaultRootHistorySize}
}

// Validate checks that every parameter is usable.
func (p Params) Validate() error {
	if p.RootHistorySize == 0 || p.RootHistorySize > maxRootHistorySizeLimit {
		return errorsmod.Wrapf(ErrInvalidParams, "root_history_size must be in 1..%d", maxRootHistorySizeLimit)
	}
	return nil
}
