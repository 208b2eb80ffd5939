package types

import errorsmod "cosmossdk.io/errors"

// x/tree errors. Codes start at 2 and never change once released.
var (
	// ErrInvalidSigner is returned when a message is signed by someone other than the expected authority.
	ErrInvalidSigner = errorsmod.Register(ModuleName, 2, "expected gov account as only signer for proposal message")
	// ErrInvalidParams is returned when params fail validation.
	ErrInvalidParams = errorsmod.Register(ModuleName, 3, "invalid params")
	// ErrInvalidGenesis is returned for an inconsistent genesis state.
	ErrInvalidGenesis = errorsmod.Register(ModuleName, 4, "invalid genesis")
	// ErrInvalidIdentity is returned when a tree identity fails validation.
	ErrInvalidIdentity = errorsmod.Register(ModuleName, 5, "invalid tree identity")
	// ErrInvalidAddress is returned for a malformed account address.
	ErrInvalidAddress = errorsmod.Register(ModuleName, 6, "invalid address")
	// ErrNoCommitment is returned when no own commitment is stored for a height or hash.
	ErrNoCommitment = errorsmod.Register(ModuleName, 7, "no such own commitment")
	// ErrNoParentClient is returned for a parent sync on a chain that tracks no parent (the root,
	// or a genesis without a parent client).
	ErrNoParentClient = errorsmod.Register(ModuleName, 8, "this chain tracks no parent")
	// ErrInvalidHeader is returned when the parent header does not verify against the tracked validators.
	ErrInvalidHeader = errorsmod.Register(ModuleName, 9, "parent header does not verify")
	// ErrInvalidRecordProof is returned when a parent record is malformed or not proven under the app hash.
	ErrInvalidRecordProof = errorsmod.Register(ModuleName, 10, "parent record not proven")
	// ErrInvalidParentClient is returned for a recovered parent client that is empty, oversized,
	// not a canonical parentsync.TrustedState, or has an invalid validator set.
	ErrInvalidParentClient = errorsmod.Register(ModuleName, 11, "invalid parent client state")
	// ErrWrongParentChain is returned for a recovered parent client of another chain than this
	// chain's tree identity names as its parent.
	ErrWrongParentChain = errorsmod.Register(ModuleName, 12, "parent client is for another chain than this chain's parent")
	// ErrParentClientNotCurrent is returned for a recovered parent client whose header is outside
	// the trusting period, or beyond the max clock drift ahead of this chain's block time.
	ErrParentClientNotCurrent = errorsmod.Register(ModuleName, 13, "parent client header is not within the trusting period")
	// ErrInvalidMisbehaviour is returned for misbehaviour evidence that is malformed, not a fork
	// (other chain, other heights, same header) or does not verify against the parent client.
	ErrInvalidMisbehaviour = errorsmod.Register(ModuleName, 14, "invalid parent misbehaviour evidence")
	// ErrParentClientFrozen is returned for anything that needs the parent client (a parent sync,
	// a forced-queue proof, more evidence) once misbehaviour evidence has frozen it.
	ErrParentClientFrozen = errorsmod.Register(ModuleName, 15, "parent client is frozen by misbehaviour evidence")
	// ErrInvalidConsensusKey is returned for an operator consensus key that is not a 32-byte
	// ed25519 public key of full order (DESIGN §10: the root's one validator must be able to sign).
	ErrInvalidConsensusKey = errorsmod.Register(ModuleName, 16, "invalid operator consensus public key")
	// ErrValidiumConsensus is returned when a chain cannot enter validium consensus: it is not the
	// root, or it already is under it (DESIGN §10).
	ErrValidiumConsensus = errorsmod.Register(ModuleName, 17, "cannot enter validium consensus")
	// ErrConflictingRootCommitment is returned for a parent sync proving a root commitment at a
	// root height this chain already holds another one for (DESIGN §10 fork choice): the chain keeps
	// the one it holds and the sync is refused, so the conflict is seen, not skipped.
	ErrConflictingRootCommitment = errorsmod.Register(ModuleName, 18, "root commitment conflicts with the one held")
	// ErrNotElectedParent is returned when a restarted parent's header is not signed by the elected
	// operator's consensus key alone (its validator set, now and next, is not exactly that key).
	ErrNotElectedParent = errorsmod.Register(ModuleName, 19, "parent header is not signed by the elected operator alone")
	// ErrNotElectionBase is returned when a restarted parent's own commitment record at the
	// election's base height is not the base commitment the election was about.
	ErrNotElectionBase = errorsmod.Register(ModuleName, 20, "restarted parent does not hold the election's base commitment")
	// ErrInvalidDeparture is returned for a departure this chain cannot make (issue 20): at the
	// root, while one is under way, to its own parent or into its own subtree, without room below
	// the new parent, or a mark before a departure is prepared.
	ErrInvalidDeparture = errorsmod.Register(ModuleName, 21, "invalid departure")
	// ErrInvalidMove is returned for a path change that does not follow a move (issue 20): the
	// departed chain to another place than it departed for or without a client of its new parent,
	// a descendant at another index or with a new parent, or a move while a departure is not yet
	// marked.
	ErrInvalidMove = errorsmod.Register(ModuleName, 22, "invalid move")
)
