package types

import (
	"math"
	"math/bits"

	treetypes "github.com/slush-tree/slush/x/tree/types"
)

// MaxSubtreeSize caps every subtree size a child may report, whatever the tree shape: with at
// most MaxChildIndex children of at most MaxSubtreeSize each, b = 1 + Σ b_c < 2^56 can never
// overflow uint64, so no child can break its parent's own report (DESIGN §6, b_v = |S(v)|).
const MaxSubtreeSize uint64 = 1 << 48

// TreeShape is the part of this chain's tree identity that bounds what its children report
// (DESIGN §3): x/validium's TreeIdentity seen from x/acceptance.
type TreeShape struct {
	// Depth is this chain's depth (the root's is 0).
	Depth uint32
	// MaxChildren is the most children any chain of the tree may have.
	MaxChildren uint32
	// MaxDepth is the greatest depth any chain of the tree may have.
	MaxDepth uint32
}

// MaxChildSubtree is the largest subtree a child of this chain (at depth d_c = Depth+1) can
// have in a tree whose nodes have at most MaxChildren children down to depth MaxDepth:
// Σ_{i=0}^{MaxDepth−d_c} MaxChildren^i, computed with saturating arithmetic and capped at
// MaxSubtreeSize; 0 when no child fits above MaxDepth (DESIGN §3, §6).
func (s TreeShape) MaxChildSubtree() uint64 {
	if s.Depth >= s.MaxDepth {
		return 0
	}
	sum, level := uint64(0), uint64(1)
	for range s.MaxDepth - s.Depth {
		if sum = satAdd(sum, level); sum >= MaxSubtreeSize {
			return MaxSubtreeSize
		}
		level = satMul(level, uint64(s.MaxChildren))
	}
	return sum
}

// MaxReportBuckets is the most buckets a report may have here: min(max_histogram_buckets,
// MaxDepth + 2). A report covers a subtree at most MaxDepth levels high, and when every node
// keeps updating it holds at most one bucket per level (MaxDepth + 1, see the model test
// TestStorageBoundedByDepth); the extra bucket is slack (DESIGN §6, storage O(depth)).
func (s TreeShape) MaxReportBuckets(maxHistogramBuckets uint32) int {
	return int(min(uint64(maxHistogramBuckets), uint64(s.MaxDepth)+2))
}

// satMul returns a·b, saturating at math.MaxUint64.
func satMul(a, b uint64) uint64 {
	hi, lo := bits.Mul64(a, b)
	if hi != 0 {
		return math.MaxUint64
	}
	return lo
}

// ShapeOf is the tree shape an identity gives this chain.
func ShapeOf(id treetypes.TreeIdentity) TreeShape {
	return TreeShape{Depth: id.Depth(), MaxChildren: id.MaxChildren, MaxDepth: id.MaxDepth}
}
