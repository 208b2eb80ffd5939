package types

import (
	"time"

	cmtmath "github.com/cometbft/cometbft/libs/math"

	errorsmod "cosmossdk.io/errors"

	"github.com/slush-tree/slush/internal/parentsync"
)

// DefaultParentSyncParams mirror parentsync.DefaultParams: 14 days of trust (under the SDK's
// 21-day unbonding), 10 s drift, trust level 1/3.
func DefaultParentSyncParams() ParentSyncParams {
	d := parentsync.DefaultParams()
	return ParentSyncParams{
		TrustingPeriodSeconds: uint64(d.TrustingPeriod / time.Second), MaxClockDriftSeconds: uint64(d.MaxClockDrift / time.Second),
		TrustNumerator: d.TrustLevel.Numerator, TrustDenominator: d.TrustLevel.Denominator,
	}
}

// maxPeriodSeconds keeps durations far from time.Duration overflow (about 100 years).
const maxPeriodSeconds = 100 * 365 * 24 * 3600

// LightClientParams converts and checks the params for the light client.
func (p ParentSyncParams) LightClientParams() (parentsync.Params, error) {
	if p.TrustingPeriodSeconds > maxPeriodSeconds || p.MaxClockDriftSeconds > maxPeriodSeconds {
		return parentsync.Params{}, errorsmod.Wrap(ErrInvalidGenesis, "parent sync period out of range")
	}
	lp := parentsync.Params{
		TrustingPeriod: time.Duration(p.TrustingPeriodSeconds) * time.Second,
		MaxClockDrift:  time.Duration(p.MaxClockDriftSeconds) * time.Second,
		TrustLevel:     cmtmath.Fraction{Numerator: p.TrustNumerator, Denominator: p.TrustDenominator},
	}
	if err := lp.Validate(); err != nil {
		return parentsync.Params{}, errorsmod.Wrap(ErrInvalidGenesis, err.Error())
	}
	return lp, nil
}
