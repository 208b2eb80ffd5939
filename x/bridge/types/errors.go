package types

import errorsmod "cosmossdk.io/errors"

// x/bridge errors. Codes start at 2 and never change once released. Codes 4-6, 8, 9 and 21-30
// belonged to state that moved to x/ledger, x/tree and x/validium (issue 14): never reuse them.
var (
	// ErrInvalidSigner is returned when a message is signed by someone other than the expected authority.
	ErrInvalidSigner = errorsmod.Register(ModuleName, 2, "expected gov account as only signer for proposal message")
	// ErrInvalidParams is returned when params fail validation.
	ErrInvalidParams = errorsmod.Register(ModuleName, 3, "invalid params")
	// ErrInvalidGenesis is returned for an inconsistent genesis state.
	ErrInvalidGenesis = errorsmod.Register(ModuleName, 7, "invalid genesis")
	// ErrInvalidAddress is returned for a malformed account address.
	ErrInvalidAddress = errorsmod.Register(ModuleName, 10, "invalid address")
	// ErrNoInclusionKey is returned for a claim on a chain configured without an inclusion verifying key.
	ErrNoInclusionKey = errorsmod.Register(ModuleName, 11, "no inclusion verifying key: claims are disabled")
	// ErrWrongDestination is returned for a claim of a message addressed to another validium.
	ErrWrongDestination = errorsmod.Register(ModuleName, 12, "message is addressed to another validium")
	// ErrUnknownRoot is returned when the claim's root height is not one this chain knows.
	ErrUnknownRoot = errorsmod.Register(ModuleName, 13, "unknown root commitment")
	// ErrAlreadyClaimed is returned when a message's nullifier is already used.
	ErrAlreadyClaimed = errorsmod.Register(ModuleName, 14, "message already claimed")
	// ErrInvalidProof is returned when an inclusion proof does not verify.
	ErrInvalidProof = errorsmod.Register(ModuleName, 15, "invalid inclusion proof")
	// ErrInvalidField is returned for a field element that is not 32 canonical bytes.
	ErrInvalidField = errorsmod.Register(ModuleName, 16, "invalid field element")
	// ErrClaimExpired is returned for a claim after the message's deadline (it is routed instead, DESIGN §7.5).
	ErrClaimExpired = errorsmod.Register(ModuleName, 17, "message deadline passed: it is delivered by routing")
	// ErrAccountFrozen is returned for a bridge-out from an account whose previous message is unconfirmed.
	ErrAccountFrozen = errorsmod.Register(ModuleName, 18, "account frozen for bridge-outs until its message is confirmed")
	// ErrUnknownMessage is returned for a confirmation of a message not sent from here.
	ErrUnknownMessage = errorsmod.Register(ModuleName, 19, "unknown outgoing message")
	// ErrAlreadyConfirmed is returned for a second confirmation of a message.
	ErrAlreadyConfirmed = errorsmod.Register(ModuleName, 20, "message already confirmed")
)
