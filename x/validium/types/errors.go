package types

import errorsmod "cosmossdk.io/errors"

// x/validium errors. Codes start at 2 and never change once released.
var (
	// ErrInvalidSigner is returned when a message is signed by someone other than the expected authority.
	ErrInvalidSigner = errorsmod.Register(ModuleName, 2, "expected gov account as only signer for proposal message")
	// ErrInvalidParams is returned when params fail validation.
	ErrInvalidParams = errorsmod.Register(ModuleName, 3, "invalid params")
	// ErrInvalidIdentity is returned when a tree identity fails validation.
	ErrInvalidIdentity = errorsmod.Register(ModuleName, 4, "invalid tree identity")
)
