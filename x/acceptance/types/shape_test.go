package types

import (
	"math"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestMaxChildSubtree(t *testing.T) {
	cases := []struct {
		name  string
		shape TreeShape
		want  uint64
	}{
		{"root of the default tree", TreeShape{Depth: 0, MaxChildren: 3, MaxDepth: 16}, 21523360}, // (3^16−1)/2
		{"depth 1 of the default tree", TreeShape{Depth: 1, MaxChildren: 3, MaxDepth: 16}, 7174453},
		{"child at max depth is a leaf", TreeShape{Depth: 15, MaxChildren: 3, MaxDepth: 16}, 1},
		{"no child below max depth", TreeShape{Depth: 16, MaxChildren: 3, MaxDepth: 16}, 0},
		{"a path", TreeShape{Depth: 0, MaxChildren: 1, MaxDepth: 16}, 16},
		{"binary", TreeShape{Depth: 0, MaxChildren: 2, MaxDepth: 16}, 65535},
		{"wide and shallow", TreeShape{Depth: 13, MaxChildren: 255, MaxDepth: 16}, 65281},
		{"largest exact sum", TreeShape{Depth: 9, MaxChildren: 255, MaxDepth: 16}, 276024445697281},
		{"width 9 stays exact", TreeShape{Depth: 0, MaxChildren: 9, MaxDepth: 16}, 231627523606480},
		{"width 10 saturates", TreeShape{Depth: 0, MaxChildren: 10, MaxDepth: 16}, MaxSubtreeSize},
		{"widest tree saturates", TreeShape{Depth: 0, MaxChildren: 255, MaxDepth: 16}, MaxSubtreeSize},
		{"width beyond uint64 products", TreeShape{Depth: 0, MaxChildren: math.MaxUint32, MaxDepth: 16}, MaxSubtreeSize},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.want, tc.shape.MaxChildSubtree())
		})
	}
}

// TestMaxChildSubtreeNests: a full chain with max_children children of the largest size is
// exactly the largest subtree its own parent accepts, unless the bound saturated — so an
// honest chain's own b never exceeds what its parent allows in any unsaturated shape.
func TestMaxChildSubtreeNests(t *testing.T) {
	for m := uint32(1); m <= MaxChildIndex; m++ {
		for d := uint32(1); d < 16; d++ {
			own := TreeShape{Depth: d, MaxChildren: m, MaxDepth: 16}
			parent := TreeShape{Depth: d - 1, MaxChildren: m, MaxDepth: 16}
			kids := own.MaxChildSubtree()
			if kids == MaxSubtreeSize {
				require.Equal(t, MaxSubtreeSize, parent.MaxChildSubtree(), "m=%d d=%d", m, d)
				continue
			}
			full, err := SubtreeSize(repeat(kids, int(m)))
			require.NoError(t, err)
			require.Equal(t, min(full, MaxSubtreeSize), parent.MaxChildSubtree(), "m=%d d=%d", m, d)
		}
	}
}

func repeat(v uint64, n int) []uint64 {
	out := make([]uint64, n)
	for i := range out {
		out[i] = v
	}
	return out
}

func TestMaxReportBuckets(t *testing.T) {
	cases := []struct {
		maxDepth, param uint32
		want            int
	}{
		{16, DefaultMaxHistogramBuckets, 18},
		{3, DefaultMaxHistogramBuckets, 5},
		{16, 10, 10},
		{16, MinReportBuckets, MinReportBuckets},
	}
	for _, tc := range cases {
		require.Equal(t, tc.want, TreeShape{MaxChildren: 3, MaxDepth: tc.maxDepth}.MaxReportBuckets(tc.param), "%+v", tc)
	}
}

// TestWorstCaseChildrenCannotOverflow: MaxChildIndex children at MaxSubtreeSize, each with a
// histogram of total MaxSubtreeSize, still give a subtree size and a merged histogram without
// saturation or overflow (the parent's own report stays computable).
func TestWorstCaseChildrenCannotOverflow(t *testing.T) {
	sizes := repeat(MaxSubtreeSize, MaxChildIndex)
	b, err := SubtreeSize(sizes)
	require.NoError(t, err)
	require.Equal(t, 1+MaxChildIndex*MaxSubtreeSize, b)
	kids := make([]Histogram, MaxChildIndex)
	for i := range kids {
		kids[i] = Histogram{{Height: 1, Count: MaxSubtreeSize - 1}, {Height: 2, Count: 1}}
	}
	h := SubtreeHistogram(3, kids)
	require.NoError(t, h.Validate(b))
	require.Equal(t, b, h.Total())
}
