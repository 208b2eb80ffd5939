package types

import errorsmod "cosmossdk.io/errors"

// Default parameter values (heights are root heights, DESIGN §3).
const (
	DefaultRoundDuration uint64 = 100
	DefaultSlashBps      uint32 = 5_000
	// MaxBps is 100% in basis points.
	MaxBps uint32 = 10_000
	// DefaultRootLivenessTimeoutSeconds is one hour: a root that produced no header a child of
	// the root has synced for an hour of the child's block time may be replaced (DESIGN §10). It is
	// far above a relayer's sync period (seconds) and far below the 14-day trusting period.
	DefaultRootLivenessTimeoutSeconds uint64 = 3_600
	// DefaultRootElectionPeriodSeconds is one hour of votes per root election replica.
	DefaultRootElectionPeriodSeconds uint64 = 3_600
	// MaxRootDurationSeconds bounds both root durations (a year), so block time + duration never overflows.
	MaxRootDurationSeconds uint64 = 366 * 24 * 3_600
)

// DefaultParams returns the default x/election parameters.
func DefaultParams() Params {
	return Params{
		RoundDuration: DefaultRoundDuration, SlashBps: DefaultSlashBps,
		RootLivenessTimeoutSeconds: DefaultRootLivenessTimeoutSeconds, RootElectionPeriodSeconds: DefaultRootElectionPeriodSeconds,
	}
}

// Validate checks that every parameter is usable.
func (p Params) Validate() error {
	if p.RoundDuration == 0 {
		return errorsmod.Wrap(ErrInvalidParams, "round_duration must be positive")
	}
	if p.SlashBps > MaxBps {
		return errorsmod.Wrapf(ErrInvalidParams, "slash_bps must be at most %d, got %d", MaxBps, p.SlashBps)
	}
	if p.RootLivenessTimeoutSeconds > MaxRootDurationSeconds || p.RootElectionPeriodSeconds > MaxRootDurationSeconds {
		return errorsmod.Wrapf(ErrInvalidParams, "root_liveness_timeout_seconds %d and root_election_period_seconds %d must be at most %d",
			p.RootLivenessTimeoutSeconds, p.RootElectionPeriodSeconds, MaxRootDurationSeconds)
	}
	return nil
}
