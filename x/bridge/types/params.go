package types

import errorsmod "cosmossdk.io/errors"

// Default parameter values (heights are root heights, DESIGN §3).
const (
	DefaultMessageDeadline  uint64 = 200
	DefaultRootHistorySize  uint32 = 1024
	DefaultClaimGasFlat     uint64 = 250_000
	maxRootHistorySizeLimit uint32 = 100_000
)

// DefaultParams returns the default x/bridge parameters.
func DefaultParams() Params {
	return Params{
		MessageDeadline: DefaultMessageDeadline,
		RootHistorySize: DefaultRootHistorySize,
		ClaimGasFlat:    DefaultClaimGasFlat,
	}
}

// Validate checks that every parameter is usable.
func (p Params) Validate() error {
	if p.MessageDeadline == 0 {
		return errorsmod.Wrap(ErrInvalidParams, "message_deadline must be positive")
	}
	if p.RootHistorySize == 0 || p.RootHistorySize > maxRootHistorySizeLimit {
		return errorsmod.Wrapf(ErrInvalidParams, "root_history_size must be in 1..%d", maxRootHistorySizeLimit)
	}
	if p.ClaimGasFlat == 0 {
		return errorsmod.Wrap(ErrInvalidParams, "claim_gas_flat must be positive: proof verification is never free")
	}
	return nil
}
