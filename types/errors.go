package types

import errorsmod "cosmossdk.io/errors"

// Codespace is the error codespace of the shared types.
const Codespace = "slush"

// Shared errors. Codes start at 2 and never change once released.
var (
	// ErrInvalidField is returned for a field element that is not 32 canonical bytes (< the BN254 modulus).
	ErrInvalidField = errorsmod.Register(Codespace, 2, "invalid field element")
	// ErrInvalidPath is returned for a tree path with an index outside 1..255 or deeper than MaxDepth.
	ErrInvalidPath = errorsmod.Register(Codespace, 3, "invalid tree path")
)
