package types

import errorsmod "cosmossdk.io/errors"

// Default parameter values. A histogram needs at most one bucket per distinct update
// height below the finalized time plus one compacted bucket (DESIGN §6), so 64 buckets
// leaves room for a 16-deep tree several times over.
const (
	DefaultMaxHistogramBuckets uint32 = 64
	DefaultMaxPendingHashes    uint32 = 64
)

// DefaultParams returns the default x/acceptance parameters.
func DefaultParams() Params {
	return Params{MaxHistogramBuckets: DefaultMaxHistogramBuckets, MaxPendingHashes: DefaultMaxPendingHashes}
}

// Validate checks that every parameter is usable.
func (p Params) Validate() error {
	// a chain caps its own report to at most this many buckets, keeping its own newest one (DESIGN §6)
	if p.MaxHistogramBuckets < MinReportBuckets {
		return errorsmod.Wrapf(ErrInvalidParams, "max_histogram_buckets must be at least %d", MinReportBuckets)
	}
	if p.MaxPendingHashes == 0 {
		return errorsmod.Wrap(ErrInvalidParams, "max_pending_hashes must be positive")
	}
	return nil
}
