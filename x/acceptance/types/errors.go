package types

import errorsmod "cosmossdk.io/errors"

// x/acceptance errors. Codes start at 2 and never change once released. The histogram and
// record errors are returned wrapped with context by histogram.go and tracker.go; match them
// with errors.Is.
var (
	// ErrInvalidSigner is returned when a message is signed by someone other than the expected authority.
	ErrInvalidSigner = errorsmod.Register(ModuleName, 2, "expected gov account as only signer for proposal message")
	// ErrInvalidParams is returned when params fail validation.
	ErrInvalidParams = errorsmod.Register(ModuleName, 3, "invalid params")
	// ErrHistogramUnsorted is returned when bucket heights are not in ascending order.
	ErrHistogramUnsorted = errorsmod.Register(ModuleName, 4, "histogram: heights not ascending")
	// ErrHistogramDuplicateHeight is returned when two buckets share a height.
	ErrHistogramDuplicateHeight = errorsmod.Register(ModuleName, 5, "histogram: duplicate height")
	// ErrHistogramZeroCount is returned for a bucket with count zero.
	ErrHistogramZeroCount = errorsmod.Register(ModuleName, 6, "histogram: zero bucket count")
	// ErrHistogramOverflow is returned when the bucket counts overflow uint64.
	ErrHistogramOverflow = errorsmod.Register(ModuleName, 7, "histogram: total overflows uint64")
	// ErrHistogramTooLarge is returned when the total exceeds the allowed subtree size.
	ErrHistogramTooLarge = errorsmod.Register(ModuleName, 8, "histogram: total exceeds subtree size")
	// ErrHistogramTooManyBuckets is returned when an encoding holds more buckets than allowed.
	ErrHistogramTooManyBuckets = errorsmod.Register(ModuleName, 9, "histogram: too many buckets")
	// ErrHistogramEncoding is returned for a malformed binary encoding.
	ErrHistogramEncoding = errorsmod.Register(ModuleName, 10, "histogram: malformed encoding")
	// ErrHistogramOwnUpdate is returned when a reported histogram's newest bucket is not at
	// the reporting update's height (it must contain the reporter's own (T, 1), nothing later).
	ErrHistogramOwnUpdate = errorsmod.Register(ModuleName, 11, "histogram: newest bucket is not the update height")
	// ErrZeroSubtree is returned when a child reports an empty subtree.
	ErrZeroSubtree = errorsmod.Register(ModuleName, 12, "subtree size must be positive")
	// ErrSubtreeOverflow is returned when subtree sizes overflow uint64.
	ErrSubtreeOverflow = errorsmod.Register(ModuleName, 13, "subtree size overflows uint64")
	// ErrStaleUpdate is returned when an update's height is not above the last stored hash.
	ErrStaleUpdate = errorsmod.Register(ModuleName, 14, "update height not above the last stored hash")
	// ErrInvalidRecord is returned by ChildAcceptance.Validate for an inconsistent record.
	ErrInvalidRecord = errorsmod.Register(ModuleName, 15, "invalid child record")
	// ErrTooManyPendingHashes is returned when a child's unfinalized hashes would exceed max_pending_hashes.
	ErrTooManyPendingHashes = errorsmod.Register(ModuleName, 16, "too many unfinalized hashes for this child")
	// ErrInvalidChildIndex is returned for a child index outside 1..255.
	ErrInvalidChildIndex = errorsmod.Register(ModuleName, 17, "invalid child index")
	// ErrInvalidCommitment is returned for a commitment that is not 32 bytes.
	ErrInvalidCommitment = errorsmod.Register(ModuleName, 18, "invalid commitment")
	// ErrNotRoot is returned by root-only queries on a chain that is not the root.
	ErrNotRoot = errorsmod.Register(ModuleName, 19, "this chain is not the root of the tree")
	// ErrInvalidGenesis is returned for an inconsistent genesis state.
	ErrInvalidGenesis = errorsmod.Register(ModuleName, 20, "invalid genesis")
	// ErrNotFinalized is returned when a child record has no finalized hash to roll back to (DESIGN §9).
	ErrNotFinalized = errorsmod.Register(ModuleName, 21, "child has no finalized hash")
	// ErrSubtreeTooLarge is returned when a child reports a subtree larger than the tree shape
	// allows (TreeShape.MaxChildSubtree) or, in genesis, larger than MaxSubtreeSize.
	ErrSubtreeTooLarge = errorsmod.Register(ModuleName, 22, "subtree size exceeds the tree shape bound")
	// ErrReportTooManyBuckets is returned when a report has more buckets than MaxReportBuckets
	// (min(max_histogram_buckets, max_depth + 2)).
	ErrReportTooManyBuckets = errorsmod.Register(ModuleName, 23, "report has more buckets than the tree shape allows")
	// ErrChildDeparted is returned for an update of a child that left for another parent (issue 20).
	ErrChildDeparted = errorsmod.Register(ModuleName, 24, "child departed")
)
