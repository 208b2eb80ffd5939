package types

import errorsmod "cosmossdk.io/errors"

// x/election errors. Codes start at 2 and never change once released.
var (
	// ErrInvalidSigner is returned when a message is signed by someone other than the expected authority.
	ErrInvalidSigner = errorsmod.Register(ModuleName, 2, "expected gov account as only signer for proposal message")
	// ErrInvalidParams is returned when params fail validation.
	ErrInvalidParams = errorsmod.Register(ModuleName, 3, "invalid params")
)
