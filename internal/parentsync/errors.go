package parentsync

import "errors"

// Sentinel errors: every refusal of VerifyHeader, VerifyMembership and the decoders wraps exactly
// one of these, so the keeper can map each to its own registered error code with errors.Is.
var (
	// ErrInvalidParams means the light-client parameters are out of range.
	ErrInvalidParams = errors.New("parentsync: invalid params")
	// ErrInvalidTrustedState means the stored trusted state is malformed (never written by VerifyHeader).
	ErrInvalidTrustedState = errors.New("parentsync: invalid trusted state")
	// ErrMalformedHeader means the signed header is nil, incomplete or fails basic validation.
	ErrMalformedHeader = errors.New("parentsync: malformed signed header")
	// ErrWrongChainID means the header belongs to another chain than the tracked parent.
	ErrWrongChainID = errors.New("parentsync: header from another chain")
	// ErrNonAdvancingHeight means the header is at or below the trusted height.
	ErrNonAdvancingHeight = errors.New("parentsync: header height does not advance")
	// ErrNonIncreasingTime means the header time is not after the trusted header's time.
	ErrNonIncreasingTime = errors.New("parentsync: header time does not advance")
	// ErrTrustExpired means the trusted state is older than the trusting period at the child's block time.
	ErrTrustExpired = errors.New("parentsync: trusted state expired")
	// ErrHeaderFromFuture means the header time is beyond the child's block time plus the max clock drift.
	ErrHeaderFromFuture = errors.New("parentsync: header from the future")
	// ErrInvalidValidatorSet means a validator set is nil, empty, too large or malformed.
	ErrInvalidValidatorSet = errors.New("parentsync: invalid validator set")
	// ErrValidatorsHashMismatch means the supplied validator set is not the one the header names.
	ErrValidatorsHashMismatch = errors.New("parentsync: validator set does not match header")
	// ErrNextValidatorsMismatch means an adjacent header's validators are not the trusted next validators.
	ErrNextValidatorsMismatch = errors.New("parentsync: header validators are not the trusted next validators")
	// ErrHeaderNotSigned means the commit signs another block than this header (e.g. a tampered header).
	ErrHeaderNotSigned = errors.New("parentsync: commit does not sign this header")
	// ErrInvalidCommit means the commit lacks +2/3 valid signatures of the header's validator set.
	ErrInvalidCommit = errors.New("parentsync: invalid commit")
	// ErrInsufficientTrust means less than the trust level of the trusted validators signed a skipping header.
	ErrInsufficientTrust = errors.New("parentsync: not enough trusted voting power signed")
	// ErrMalformedProof means the proof ops are missing, of the wrong shape or do not decode.
	ErrMalformedProof = errors.New("parentsync: malformed proof")
	// ErrProofTooLarge means the proof exceeds the byte or op-count bound and was not decoded.
	ErrProofTooLarge = errors.New("parentsync: proof too large")
	// ErrInvalidPath means the store key, key or value being proven is empty or oversized.
	ErrInvalidPath = errors.New("parentsync: invalid store key, key or value")
	// ErrKeyMismatch means the proof is for another store key or key than the one asked.
	ErrKeyMismatch = errors.New("parentsync: proof is for another key")
	// ErrProofMismatch means the store proof does not prove the (key, value) or absence asked.
	ErrProofMismatch = errors.New("parentsync: proof does not verify")
	// ErrAppHashMismatch means the proof's computed root is not the header's app hash.
	ErrAppHashMismatch = errors.New("parentsync: proof root is not the app hash")
	// ErrNotMisbehaviour means two headers are not a fork: of different chains or heights, or the same block.
	ErrNotMisbehaviour = errors.New("parentsync: headers do not conflict")
)
