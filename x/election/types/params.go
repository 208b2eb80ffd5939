package types

import errorsmod "cosmossdk.io/errors"

// Default parameter values (heights are root heights, DESIGN §3).
const (
	DefaultRoundDuration uint64 = 100
	DefaultSlashBps      uint32 = 5_000
	// MaxBps is 100% in basis points.
	MaxBps uint32 = 10_000
)

// DefaultParams returns the default x/election parameters.
func DefaultParams() Params {
	return Params{RoundDuration: DefaultRoundDuration, SlashBps: DefaultSlashBps}
}

// Validate checks that every parameter is usable.
func (p Params) Validate() error {
	if p.RoundDuration == 0 {
		return errorsmod.Wrap(ErrInvalidParams, "round_duration must be positive")
	}
	if p.SlashBps > MaxBps {
		return errorsmod.Wrapf(ErrInvalidParams, "slash_bps must be at most %d, got %d", MaxBps, p.SlashBps)
	}
	return nil
}
