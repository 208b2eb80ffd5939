package types

import errorsmod "cosmossdk.io/errors"

// x/election errors. Codes start at 2 and never change once released.
var (
	// ErrInvalidSigner is returned when a message is signed by someone other than the expected authority.
	ErrInvalidSigner = errorsmod.Register(ModuleName, 2, "expected gov account as only signer for proposal message")
	// ErrInvalidParams is returned when params fail validation.
	ErrInvalidParams = errorsmod.Register(ModuleName, 3, "invalid params")
	// ErrNotFinalized is returned for a report about a child with no finalized commitment.
	ErrNotFinalized = errorsmod.Register(ModuleName, 4, "child has no finalized commitment")
	// ErrNotDescendant is returned when a commitment chain does not prove a strict descendant of the child.
	ErrNotDescendant = errorsmod.Register(ModuleName, 5, "not a proven descendant of the child")
	// ErrWrongKey is returned when a public key is malformed or is not the prover's operator key.
	ErrWrongKey = errorsmod.Register(ModuleName, 6, "public key is not the descendant's operator key")
	// ErrInvalidSignature is returned when the operator-key signature does not verify.
	ErrInvalidSignature = errorsmod.Register(ModuleName, 7, "invalid operator-key signature")
	// ErrRoundOpen is returned for a report about a child that already has an open round.
	ErrRoundOpen = errorsmod.Register(ModuleName, 8, "child already has an open round")
	// ErrUnknownRound is returned for a round id that does not exist.
	ErrUnknownRound = errorsmod.Register(ModuleName, 9, "unknown round")
	// ErrRoundClosed is returned for a vote in a round that already elected or expired.
	ErrRoundClosed = errorsmod.Register(ModuleName, 10, "round is closed")
	// ErrRoundExpired is returned for a vote after the round's deadline.
	ErrRoundExpired = errorsmod.Register(ModuleName, 11, "round deadline passed")
	// ErrAlreadyVoted is returned for a second vote of the same voter in a round.
	ErrAlreadyVoted = errorsmod.Register(ModuleName, 12, "voter already voted in this round")
	// ErrInvalidCandidate is returned for a candidate with a malformed address or key hash.
	ErrInvalidCandidate = errorsmod.Register(ModuleName, 13, "invalid candidate")
	// ErrInvalidHistogram is returned for a vote histogram that is malformed or not the voter's.
	ErrInvalidHistogram = errorsmod.Register(ModuleName, 14, "invalid voter histogram")
	// ErrInvalidField is returned for a field element that is not 32 canonical bytes (< the BN254 modulus).
	ErrInvalidField = errorsmod.Register(ModuleName, 15, "invalid field element")
	// ErrChildFrozen is returned for a report or vote about a frozen child (its users exit instead).
	ErrChildFrozen = errorsmod.Register(ModuleName, 16, "child is frozen")
	// ErrChildChanged is returned when the round's child was re-registered or changed epoch since it opened.
	ErrChildChanged = errorsmod.Register(ModuleName, 17, "child changed since the round opened")
	// ErrInvalidGenesis is returned for an inconsistent genesis state.
	ErrInvalidGenesis = errorsmod.Register(ModuleName, 18, "invalid genesis")
	// ErrInvalidAddress is returned for a malformed submitter address.
	ErrInvalidAddress = errorsmod.Register(ModuleName, 19, "invalid address")
	// ErrNotRootChild is returned for a root re-election message on a chain that is not a child of the root.
	ErrNotRootChild = errorsmod.Register(ModuleName, 20, "not a child of the root")
	// ErrRootNotSilent is returned for a root re-election report before the root liveness timeout
	// passed (and without misbehaviour evidence freezing the parent client).
	ErrRootNotSilent = errorsmod.Register(ModuleName, 21, "the root is not silent")
	// ErrRootElectionOpen is returned for a root re-election report while one is open.
	ErrRootElectionOpen = errorsmod.Register(ModuleName, 22, "a root election is already open")
	// ErrNoRootElection is returned for a root vote without an open root election, or an unknown
	// root election id in a query.
	ErrNoRootElection = errorsmod.Register(ModuleName, 23, "no such root election")
	// ErrRootElectionMismatch is returned for a root vote for another epoch or base than the open election's.
	ErrRootElectionMismatch = errorsmod.Register(ModuleName, 24, "root vote is for another epoch or base")
	// ErrInvalidRootBase is returned for a root election base this chain does not hold, or whose
	// preimage or histogram is not the held commitment's.
	ErrInvalidRootBase = errorsmod.Register(ModuleName, 25, "invalid root election base")
	// ErrRootEpochElected is returned for a root re-election of a root epoch already replaced.
	ErrRootEpochElected = errorsmod.Register(ModuleName, 26, "root epoch already re-elected")
	// ErrNoRootResult is returned when no root election result exists for an epoch.
	ErrNoRootResult = errorsmod.Register(ModuleName, 27, "no root election result")
	// ErrRootAdopted is returned for a second adoption of one root election result.
	ErrRootAdopted = errorsmod.Register(ModuleName, 28, "root election result already adopted")
	// ErrRootElectionExpired is returned for a root vote at or after the election's deadline.
	ErrRootElectionExpired = errorsmod.Register(ModuleName, 29, "root election deadline passed")
	// ErrRootElectionOff is returned for a root re-election report while root_election_period is 0.
	ErrRootElectionOff = errorsmod.Register(ModuleName, 30, "root re-elections are turned off")
)
