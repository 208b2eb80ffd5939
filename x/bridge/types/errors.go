package types

import errorsmod "cosmossdk.io/errors"

// x/bridge errors. Codes start at 2 and never change once released.
var (
	// ErrInvalidSigner is returned when a message is signed by someone other than the expected authority.
	ErrInvalidSigner = errorsmod.Register(ModuleName, 2, "expected gov account as only signer for proposal message")
	// ErrInvalidParams is returned when params fail validation.
	ErrInvalidParams = errorsmod.Register(ModuleName, 3, "invalid params")
	// ErrInvalidOp is returned for a ledger operation that does not decode.
	ErrInvalidOp = errorsmod.Register(ModuleName, 4, "invalid ledger operation")
	// ErrWrongOpKind is returned when a message carries another kind of operation than its type says.
	ErrWrongOpKind = errorsmod.Register(ModuleName, 5, "wrong ledger operation kind")
	// ErrLedgerRejected is returned when the ledger rules refuse an operation (signature, nonce, balance, ...).
	ErrLedgerRejected = errorsmod.Register(ModuleName, 6, "ledger operation rejected")
	// ErrInvalidGenesis is returned for an inconsistent genesis state.
	ErrInvalidGenesis = errorsmod.Register(ModuleName, 7, "invalid genesis")
	// ErrUnknownAccount is returned for a ledger account index that does not exist.
	ErrUnknownAccount = errorsmod.Register(ModuleName, 8, "unknown ledger account")
	// ErrNoCommitment is returned when no own commitment is stored for a height.
	ErrNoCommitment = errorsmod.Register(ModuleName, 9, "no commitment at that height")
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
	// ErrNotExpired is returned for routing a message whose deadline has not passed (it is claimed instead).
	ErrNotExpired = errorsmod.Register(ModuleName, 21, "message deadline has not passed: it is claimed, not routed")
	// ErrAlreadyRouted is returned when this chain has already routed the message.
	ErrAlreadyRouted = errorsmod.Register(ModuleName, 22, "message already routed here")
	// ErrInvalidRoute is returned for a routed message this chain may not take (wrong branch, bad encoding).
	ErrInvalidRoute = errorsmod.Register(ModuleName, 23, "invalid route")
	// ErrNoParentClient is returned for a parent sync on a chain that tracks no parent (the root,
	// or a genesis without a parent client).
	ErrNoParentClient = errorsmod.Register(ModuleName, 24, "this chain tracks no parent")
	// ErrInvalidHeader is returned when the parent header does not verify against the tracked validators.
	ErrInvalidHeader = errorsmod.Register(ModuleName, 25, "parent header does not verify")
	// ErrInvalidRecordProof is returned when a parent record is malformed or not proven under the app hash.
	ErrInvalidRecordProof = errorsmod.Register(ModuleName, 26, "parent record not proven")
	// ErrInvalidParentClient is returned for a recovered parent client that is empty, oversized,
	// not a canonical parentsync.TrustedState, or has an invalid validator set.
	ErrInvalidParentClient = errorsmod.Register(ModuleName, 27, "invalid parent client state")
	// ErrWrongParentChain is returned for a recovered parent client of another chain than this
	// chain's tree identity names as its parent.
	ErrWrongParentChain = errorsmod.Register(ModuleName, 28, "parent client is for another chain than this chain's parent")
	// ErrParentClientNotCurrent is returned for a recovered parent client whose header is outside
	// the trusting period, or beyond the max clock drift ahead of this chain's block time.
	ErrParentClientNotCurrent = errorsmod.Register(ModuleName, 29, "parent client header is not within the trusting period")
	// ErrInvalidForcedOp is returned for a forced operation that is not this chain's to mint:
	// not proven in the parent's queue, for another child, a forward, or another message.
	ErrInvalidForcedOp = errorsmod.Register(ModuleName, 30, "invalid forced operation")
)
