package types

import errorsmod "cosmossdk.io/errors"

// Default parameter values (heights are root heights, DESIGN §3).
const (
	DefaultMessageDeadline uint64 = 200
	DefaultClaimGasFlat    uint64 = 250_000
)

// DefaultParams returns the default x/bridge parameters.
func DefaultParams() Params {
	return Params{
		MessageDeadline: DefaultMessageDeadline,
		ClaimGasFlat:    DefaultClaimGasFlat,
	}
}

// Validate checks that every parameter is usable.
func (p Params) Validate() error {
	if p.MessageDeadline == 0 {
		return errorsmod.Wrap(ErrInvalidParams, "message_deadline must be positive")
	}
	if p.ClaimGasFlat == 0 {
		return errorsmod.Wrap(ErrInvalidParams, "claim_gas_flat must be positive: proof verification is never free")
	}
	return nil
}
