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
	// ErrUnknownChild is returned for a child index that is not registered.
	ErrUnknownChild = errorsmod.Register(ModuleName, 5, "unknown child")
	// ErrNoFreeChildIndex is returned when every child slot is taken.
	ErrNoFreeChildIndex = errorsmod.Register(ModuleName, 6, "no free child index")
	// ErrMaxDepth is returned when a child would be deeper than the tree allows.
	ErrMaxDepth = errorsmod.Register(ModuleName, 7, "tree max depth reached")
	// ErrInvalidVerifyingKey is returned for a malformed or degenerate verifying key.
	ErrInvalidVerifyingKey = errorsmod.Register(ModuleName, 8, "invalid verifying key")
	// ErrBondTooLow is returned when a registration bond is below params.min_child_bond.
	ErrBondTooLow = errorsmod.Register(ModuleName, 9, "bond below the minimum")
	// ErrWrongOperator is returned when a message is not signed by the child's operator.
	ErrWrongOperator = errorsmod.Register(ModuleName, 10, "not the child's operator")
	// ErrChildFrozen is returned for an operation on a frozen child.
	ErrChildFrozen = errorsmod.Register(ModuleName, 11, "child is frozen")
	// ErrPendingForcedOps is returned when a child with pending forced operations is deregistered.
	ErrPendingForcedOps = errorsmod.Register(ModuleName, 12, "child has pending forced operations")
	// ErrInvalidPayload is returned for a forced-operation payload that is not a canonical field element.
	ErrInvalidPayload = errorsmod.Register(ModuleName, 13, "invalid forced-operation payload")
	// ErrForcedQueueFull is returned when a child's forced-operation queue is full.
	ErrForcedQueueFull = errorsmod.Register(ModuleName, 14, "forced-operation queue full")
	// ErrInvalidGenesis is returned for an inconsistent genesis state.
	ErrInvalidGenesis = errorsmod.Register(ModuleName, 15, "invalid genesis")
	// ErrInvalidAddress is returned for a malformed account address.
	ErrInvalidAddress = errorsmod.Register(ModuleName, 16, "invalid address")
	// ErrStalePrev is returned when an update's prev commitment is not the child's latest (a replay or a fork).
	ErrStalePrev = errorsmod.Register(ModuleName, 17, "prev commitment is not the child's latest accepted commitment")
	// ErrInvalidField is returned for a field element that is not 32 canonical bytes (< the BN254 modulus).
	ErrInvalidField = errorsmod.Register(ModuleName, 18, "invalid field element")
	// ErrWrongVid is returned when a commitment names another validium.
	ErrWrongVid = errorsmod.Register(ModuleName, 19, "commitment vid is not the child's")
	// ErrUnknownAnchor is returned when an update's anchor is not a root height and commitment this chain knows.
	ErrUnknownAnchor = errorsmod.Register(ModuleName, 20, "unknown anchor")
	// ErrStaleAnchor is returned when an update's anchor height does not advance.
	ErrStaleAnchor = errorsmod.Register(ModuleName, 21, "anchor height does not advance")
	// ErrForcedOpExpired is returned when an update leaves a forced operation past its deadline unconsumed.
	ErrForcedOpExpired = errorsmod.Register(ModuleName, 22, "forced operation past its deadline not consumed")
	// ErrAcceptanceDigest is returned when the reported histogram does not match the committed digest.
	ErrAcceptanceDigest = errorsmod.Register(ModuleName, 23, "acceptance histogram does not match the commitment")
	// ErrInvalidProof is returned when the update proof does not verify.
	ErrInvalidProof = errorsmod.Register(ModuleName, 24, "invalid update proof")
	// ErrTooManyInboxEntries is returned when an update consumes more inbox entries than allowed.
	ErrTooManyInboxEntries = errorsmod.Register(ModuleName, 25, "too many inbox entries")
	// ErrChildNotFrozen is returned for an exit from a child that is still active.
	ErrChildNotFrozen = errorsmod.Register(ModuleName, 26, "child is not frozen")
	// ErrNotFinalized is returned when a child has no finalized commitment to exit from.
	ErrNotFinalized = errorsmod.Register(ModuleName, 27, "child has no finalized commitment")
	// ErrInvalidExitProof is returned when an exit does not prove the account in the finalized ledger root.
	ErrInvalidExitProof = errorsmod.Register(ModuleName, 28, "invalid exit proof")
	// ErrAlreadyExited is returned for a second exit of the same account.
	ErrAlreadyExited = errorsmod.Register(ModuleName, 29, "account already exited")
	// ErrNothingToExit is returned for an account with a zero balance.
	ErrNothingToExit = errorsmod.Register(ModuleName, 30, "nothing to exit")
	// ErrChildNotEmpty is returned when deregistering a child whose ledger moved or is not final.
	ErrChildNotEmpty = errorsmod.Register(ModuleName, 31, "child is not finalized and empty")
	// ErrWrongEpoch is returned for an update signed for another operator epoch (DESIGN §9).
	ErrWrongEpoch = errorsmod.Register(ModuleName, 32, "commitment epoch is not the child's epoch")
	// ErrWrongOperatorKey is returned for a commitment that carries another operator key than the child's.
	ErrWrongOperatorKey = errorsmod.Register(ModuleName, 33, "commitment operator key is not the child's")
	// ErrInvalidRoute is returned for a routed message or forwarded hash the update may not carry.
	ErrInvalidRoute = errorsmod.Register(ModuleName, 34, "invalid routed message")
	// ErrNoSnapshot is returned when the state of a child's finalized commitment is no longer kept (DESIGN §9).
	ErrNoSnapshot = errorsmod.Register(ModuleName, 35, "no snapshot of the child's finalized commitment")
	// ErrCannotSlash is returned when a bond cannot be slashed (bad share, or no bank that can burn).
	ErrCannotSlash = errorsmod.Register(ModuleName, 36, "cannot slash the operator bond")
	// ErrUnknownExit is returned when no exit of that account of that child was paid.
	ErrUnknownExit = errorsmod.Register(ModuleName, 37, "no such exit")
	// ErrUnprovenEntry is returned for an inbox entry its source does not justify: a forced entry
	// with no queued operation, an exit entry without a valid exit proof (DESIGN §5, §8).
	ErrUnprovenEntry = errorsmod.Register(ModuleName, 38, "inbox entry not justified by its source")
	// ErrDuplicateEntry is returned for an inbox entry the child has consumed before (one mint per message).
	ErrDuplicateEntry = errorsmod.Register(ModuleName, 39, "inbox entry consumed twice")
	// ErrTooManyBuckets is returned for a reported histogram with more buckets than allowed,
	// before it is hashed.
	ErrTooManyBuckets = errorsmod.Register(ModuleName, 40, "histogram has too many buckets")
	// ErrNotExpired is returned for routing a message whose deadline has not passed (it is claimed instead).
	ErrNotExpired = errorsmod.Register(ModuleName, 41, "message deadline has not passed: it is claimed, not routed")
	// ErrAlreadyRouted is returned when this chain has already routed the message.
	ErrAlreadyRouted = errorsmod.Register(ModuleName, 42, "message already routed here")
	// ErrInvalidForcedOp is returned for a forced operation that is not this chain's to mint:
	// not proven in the parent's queue, for another child, a forward, or another message.
	ErrInvalidForcedOp = errorsmod.Register(ModuleName, 43, "invalid forced operation")
	// ErrUnknownRoute is returned when this chain holds no route record of a message.
	ErrUnknownRoute = errorsmod.Register(ModuleName, 44, "no route record of that message")
	// ErrTooManyBatches is returned for an update carrying more ledger batch proofs than
	// params.max_batches_per_update (DESIGN §5 "Bursts").
	ErrTooManyBatches = errorsmod.Register(ModuleName, 45, "too many ledger batches")
	// ErrBatchChainBroken is returned when an update's ledger batches do not chain root to root:
	// the first does not start at the child's accepted roots, or one does not start where the
	// previous one ended.
	ErrBatchChainBroken = errorsmod.Register(ModuleName, 46, "ledger batches do not chain")
	// ErrBatchEntryCount is returned when the batches' inbox entry counts do not sum to the
	// update's inbox entries.
	ErrBatchEntryCount = errorsmod.Register(ModuleName, 47, "batch inbox entry counts do not sum to the update's entries")
	// ErrBatchEndMismatch is returned when the last ledger batch does not end at the new
	// commitment's roots.
	ErrBatchEndMismatch = errorsmod.Register(ModuleName, 48, "last ledger batch does not end at the new commitment's roots")
	// ErrEmptyBatch is returned for a ledger batch that moves no root and consumes no entry next
	// to another batch: an update that changes nothing carries no proof or one anchor batch.
	ErrEmptyBatch = errorsmod.Register(ModuleName, 49, "ledger batch changes nothing")
	// ErrUnprovenRoots is returned for an update without ledger batches whose commitment's ledger,
	// outbox or receipt root is not the one this chain holds for the child.
	ErrUnprovenRoots = errorsmod.Register(ModuleName, 50, "ledger roots changed without a batch proof")

	// ErrNoTransferKey is returned for a batch proven with the transfer circuit of a child that
	// registered no transfer verifying key.
	ErrNoTransferKey = errorsmod.Register(ModuleName, 51, "child has no transfer verifying key")
	// ErrUnexpectedVerifyingKey is returned for a registration whose verifying key is not the
	// tree's (params ledger_key_hash / transfer_key_hash).
	ErrUnexpectedVerifyingKey = errorsmod.Register(ModuleName, 52, "verifying key is not the tree's")

	// ErrUnprovenChildren is returned, in RECURSIVE mode, for an update whose children root is
	// not reached from the accepted one by its step proofs (issue 16).
	ErrUnprovenChildren = errorsmod.Register(ModuleName, 53, "children root not reached by step proofs")
	// ErrInvalidStep is returned for a malformed step proof: unknown kind, index, field or length.
	ErrInvalidStep = errorsmod.Register(ModuleName, 54, "invalid subtree step")
	// ErrTooManySteps is returned for an update carrying more step proofs than
	// params.max_steps_per_update.
	ErrTooManySteps = errorsmod.Register(ModuleName, 55, "too many subtree steps")
	// ErrStepsNotAccepted is returned for steps or finalized moves sent to a chain in ATTESTED
	// mode, which believes its children about their children and checks no step.
	ErrStepsNotAccepted = errorsmod.Register(ModuleName, 56, "subtree steps are not accepted in attested mode")
	// ErrUnprovenFinalized is returned, in RECURSIVE mode, for an update whose finalized children
	// root is not reached by its finalized moves, or that finalizes a commitment no step proved.
	ErrUnprovenFinalized = errorsmod.Register(ModuleName, 57, "finalized children root not reached by proven commitments")
	// ErrTooManyProvenLeaves is returned when a grandchild has more proven commitments waiting
	// for finality than MaxProvenLeavesPerGrandchild.
	ErrTooManyProvenLeaves = errorsmod.Register(ModuleName, 58, "too many proven commitments waiting for finality")
	// ErrNonEmptyGenesis is returned, in RECURSIVE mode, for a registration whose genesis ledger,
	// outbox or receipt root is not the empty one (THREAT-MODEL "registered supply").
	ErrNonEmptyGenesis = errorsmod.Register(ModuleName, 59, "genesis roots must be empty")
	// ErrUnprovenReport is returned, in RECURSIVE mode, for a child's acceptance report or subtree
	// size that claims more than its proven grandchildren account for, or hides one of them.
	ErrUnprovenReport = errorsmod.Register(ModuleName, 60, "acceptance report not accounted for by proven descendants")

	// ErrInvalidWithdrawal is returned for a forced withdrawal whose op is not a well-formed
	// bridge-out (zero amount, exhausted nonce, a destination that is no validium or the child
	// itself) or whose signature does not verify for the child's vid (issue 20).
	ErrInvalidWithdrawal = errorsmod.Register(ModuleName, 61, "invalid forced withdrawal")
	// ErrWrongAccount is returned for a forced withdrawal whose opening does not show account
	// op.from owned by the op's key, in the op's asset, under an accepted commitment of the child.
	ErrWrongAccount = errorsmod.Register(ModuleName, 62, "forced withdrawal names an account its key does not own")
	// ErrWithdrawalReplayed is returned for a signed op already forced on the child.
	ErrWithdrawalReplayed = errorsmod.Register(ModuleName, 63, "forced withdrawal already queued")
	// ErrUnknownWithdrawal is returned for a forced withdrawal that was never queued.
	ErrUnknownWithdrawal = errorsmod.Register(ModuleName, 64, "unknown forced withdrawal")
	// ErrWithdrawalNotPending is returned for a proof of a forced withdrawal already proven or expired.
	ErrWithdrawalNotPending = errorsmod.Register(ModuleName, 65, "forced withdrawal is not pending")
	// ErrInvalidWithdrawalProof is returned for a proof of a forced withdrawal that does not verify:
	// a commitment that is not an accepted one of the child anchored after the queueing, a broken
	// opening or outbox path, a message at a position the queueing already held or already spent.
	ErrInvalidWithdrawalProof = errorsmod.Register(ModuleName, 66, "invalid forced withdrawal proof")
	// ErrWithdrawalExecutable is returned for a no-op proof whose opened account could pay the
	// withdrawal: an honest child executes it.
	ErrWithdrawalExecutable = errorsmod.Register(ModuleName, 67, "the child's ledger can execute the forced withdrawal")

	// ErrRootBondNotRoot is returned for a root bond posted on a chain that is not the root
	// (DESIGN §10: only the root operator is nobody's child, so only it is bonded here).
	ErrRootBondNotRoot = errorsmod.Register(ModuleName, 68, "root bond on a chain that is not the root")
	// ErrRootNotValidiumConsensus is returned for a root bond posted before the root is under
	// validium consensus (the validium-consensus upgrade): before it, x/staking picks the
	// validators and no root re-election replaces them.
	ErrRootNotValidiumConsensus = errorsmod.Register(ModuleName, 69, "root is not under validium consensus")
	// ErrRootBondMismatch is returned for a root bond naming another epoch or operator key hash
	// than the root's current ones (x/tree identity).
	ErrRootBondMismatch = errorsmod.Register(ModuleName, 70, "root bond is not for the root's current epoch and operator")
	// ErrRootBondOwner is returned for a top-up of the root bond by another account than its owner.
	ErrRootBondOwner = errorsmod.Register(ModuleName, 71, "root bond is owned by another account")

	// ErrInvalidDeparture is returned for a departing update that is not one (issue 20): a
	// destination that is no valid new parent, a commitment without the departure mark, or a
	// departing update that moves the ledger, consumes entries or carries messages.
	ErrInvalidDeparture = errorsmod.Register(ModuleName, 72, "invalid departure")
	// ErrChildDeparting is returned for anything but a departing update of a child that is
	// departing: forced operations and withdrawals, routes down, exits, other updates.
	ErrChildDeparting = errorsmod.Register(ModuleName, 73, "child is departing")
	// ErrChildDeparted is returned for anything that would change a child that has departed: its
	// finalized commitment here is a departing one, its state lives under its new parent.
	ErrChildDeparted = errorsmod.Register(ModuleName, 74, "child has departed")
	// ErrInvalidArrival is returned for an arrival proof that does not show a final departure of
	// the chain to this chain and this operator, or whose genesis roots are not the departed
	// chain's.
	ErrInvalidArrival = errorsmod.Register(ModuleName, 75, "invalid arrival")
	// ErrAlreadyArrived is returned for a second arrival of a departed chain (issue 20: its state
	// arrives once).
	ErrAlreadyArrived = errorsmod.Register(ModuleName, 76, "chain already arrived")
	// ErrStepKindDisabled is returned for a step of a kind this chain has no verifying key for
	// (the node kinds 3 and 4 need node_ledger_step_key and node_child_step_key).
	ErrStepKindDisabled = errorsmod.Register(ModuleName, 77, "step kind not enabled")
	// ErrUpdateWithoutBatch is returned for a child update without a batch proof at a chain whose
	// parent proves its children's moves by steps: a step proves a move only over a batch (issue 16).
	ErrUpdateWithoutBatch = errorsmod.Register(ModuleName, 78, "update carries no batch proof")
	// ErrStepBudgetExceeded is returned for a child update that would make this block's child
	// updates cost more steps than the parent can take in one update (ChildStepBudget).
	ErrStepBudgetExceeded = errorsmod.Register(ModuleName, 79, "block step budget exceeded")
	// ErrRemovalUnprovable is returned for deregistering a child whose leaf is in this chain's
	// children root under RECURSIVE subtree proofs: no step kind proves a removal to the chains
	// above yet, so removing it would stop this chain's updates (issue 16).
	ErrRemovalUnprovable = errorsmod.Register(ModuleName, 80, "child removal cannot be proven above")
	// ErrTooManyForcedEntries is returned for a child batch that consumed more forced entries
	// than one forced leaf step above opens (subtree.MaxForcedPerBatch), where a step budget
	// applies: its proof would stop this chain's updates (issue 16).
	ErrTooManyForcedEntries = errorsmod.Register(ModuleName, 81, "too many forced entries in one batch")
	// ErrTooManyExitEntries is returned for a child batch that credited more exits than one exit
	// step above opens (subtree.MaxExitsPerBatch), or exits beside forced entries, where a step
	// budget applies: its proof would stop this chain's updates (issue 16).
	ErrTooManyExitEntries = errorsmod.Register(ModuleName, 82, "too many exit entries in one batch")
	// ErrBeyondProvenDepth is returned, under RECURSIVE subtree proofs, for registering a chain
	// deeper than MaxProvenDepth, here or as a step of a child's update: no step kind proves its
	// moves to every chain above yet, so accepting it would stop their updates (issue 16).
	ErrBeyondProvenDepth = errorsmod.Register(ModuleName, 83, "chain deeper than subtree proofs reach")
)
