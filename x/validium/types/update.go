package types

import (
	"github.com/slush-tree/slush/circuits/commitment"
	"github.com/slush-tree/slush/circuits/ledger"
)

// UpdatePublicInputs is the number of public inputs of a child's update proof: the ledger
// batch circuit's (DESIGN §5). Registration rejects verifying keys with another count.
const UpdatePublicInputs = ledger.ProofPublicInputs

// MaxInboxEntriesPerUpdate bounds the inbox entries one update may consume (a batch consumes
// at most one per slot; the largest batch the project proves is far below this).
const MaxInboxEntriesPerUpdate = 1024

// MaxBatchesPerUpdateCap bounds max_batches_per_update, and so the ledger batch proofs any update
// may carry: an update with more is refused before any state is read (DESIGN §5 "Bursts").
const MaxBatchesPerUpdateCap = 64

// MaxRoutedPerUpdate bounds the routed messages one update carries: each costs an inclusion
// proof verification.
const MaxRoutedPerUpdate = 16

// MaxReportedBuckets bounds a reported histogram where no acceptance keeper says more precisely
// (DESIGN §6: at most max_depth + 2 buckets, and max_depth ≤ 16).
const MaxReportedBuckets = commitment.MaxPathDepth + 2

// HistogramGasPerBucket is charged per reported histogram bucket before the histogram is hashed
// (x/election's price per bucket).
const HistogramGasPerBucket = 2_500
