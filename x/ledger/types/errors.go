package types

import errorsmod "cosmossdk.io/errors"

// x/ledger errors. Codes start at 2 and never change once released.
var (
	// ErrInvalidParams is returned when the ledger's shape fails validation.
	ErrInvalidParams = errorsmod.Register(ModuleName, 2, "invalid params")
	// ErrInvalidGenesis is returned for an inconsistent genesis state.
	ErrInvalidGenesis = errorsmod.Register(ModuleName, 3, "invalid genesis")
	// ErrInvalidAddress is returned for a malformed account address.
	ErrInvalidAddress = errorsmod.Register(ModuleName, 4, "invalid address")
	// ErrInvalidOp is returned for a ledger operation that does not decode.
	ErrInvalidOp = errorsmod.Register(ModuleName, 5, "invalid ledger operation")
	// ErrWrongOpKind is returned when a message carries another kind of operation than its type says.
	ErrWrongOpKind = errorsmod.Register(ModuleName, 6, "wrong ledger operation kind")
	// ErrLedgerRejected is returned when the ledger rules refuse an operation (signature, nonce, balance, ...).
	ErrLedgerRejected = errorsmod.Register(ModuleName, 7, "ledger operation rejected")
	// ErrUnknownAccount is returned for a ledger account index that does not exist.
	ErrUnknownAccount = errorsmod.Register(ModuleName, 8, "unknown ledger account")
)

// x/ledger errors appended after the first release (codes never renumbered).
var (
	// ErrWrongChain is returned for a signed operation whose signature does not verify for this
	// chain's vid: it was signed for another chain (named when it is one near this chain).
	ErrWrongChain = errorsmod.Register(ModuleName, 9, "ledger operation signed for another chain")
	// ErrDeparting is returned for any change of the ledger while this chain leaves its parent
	// (issue 20): the ledger that leaves is the one the parent holds.
	ErrDeparting = errorsmod.Register(ModuleName, 10, "ledger is frozen: the chain is departing")
)
