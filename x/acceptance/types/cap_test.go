package types

import (
	"math/rand"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestCapBuckets(t *testing.T) {
	h := Histogram{{2, 1}, {3, 2}, {5, 1}, {8, 4}, {9, 1}}
	cases := []struct {
		name string
		max  int
		want Histogram
	}{
		{"under the cap: unchanged", 6, h},
		{"at the cap: unchanged", 5, h},
		{"one over: second-newest into third-newest", 4, Histogram{{2, 1}, {3, 2}, {5, 5}, {9, 1}}},
		{"two over", 3, Histogram{{2, 1}, {3, 7}, {9, 1}}},
		{"minimum cap: all but the newest in the oldest", 2, Histogram{{2, 8}, {9, 1}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := h.CapBuckets(tc.max)
			require.NoError(t, err)
			require.Equal(t, tc.want, got)
		})
	}
	require.Equal(t, Histogram{{2, 1}, {3, 2}, {5, 1}, {8, 4}, {9, 1}}, h, "input untouched")
	empty, err := Histogram(nil).CapBuckets(2)
	require.NoError(t, err)
	require.Empty(t, empty)
	for _, max := range []int{1, 0, -1} {
		_, err := h.CapBuckets(max)
		require.ErrorIs(t, err, ErrInvalidParams, "max %d", max)
	}
}

// capByLoop is CapBuckets written literally: while too long, merge the second-newest bucket
// into the third-newest, keeping the lower height.
func capByLoop(h Histogram, max int) Histogram {
	h = slices.Clone(h)
	for len(h) > max {
		n := len(h)
		h[n-3].Count += h[n-2].Count
		h = append(h[:n-2], h[n-1])
	}
	return h
}

// TestCapBucketsProperties checks, for random histograms h with n buckets and every cap
// max ≥ 2, that c = h.CapBuckets(max):
//   - equals the literal merge loop, is canonical, has min(n, max) buckets, h's total and h's
//     newest bucket;
//   - for every t: c.AcceptedAfter(t) ≤ h.AcceptedAfter(t) (capping only under-counts), with
//     equality when n ≤ max, for every t < h[max−2].Height (below the merge target: the oldest
//     pending hashes stay exact) and for every t ≥ h[n−2].Height (only the newest bucket is
//     after t in both); in between, c counts only the newest bucket, strictly less than h.
//
// a(t) is constant between consecutive bucket heights, so probing t = 0 and every height and
// height−1 (heights ≥ 1) covers every t.
func TestCapBucketsProperties(t *testing.T) {
	rng := rand.New(rand.NewSource(3))
	var capped int
	for range 2000 {
		h := randomHistogram(rng, 12, 60)
		n := len(h)
		for max := MinReportBuckets; max <= n+1; max++ {
			c, err := h.CapBuckets(max)
			require.NoError(t, err)
			require.Equal(t, capByLoop(h, max), c)
			require.NoError(t, c.Validate(h.Total()))
			require.Len(t, c, min(n, max))
			require.Equal(t, h.Total(), c.Total())
			if n == 0 {
				continue
			}
			require.Equal(t, h[n-1], c[len(c)-1], "the own update bucket is untouched")
			if n > max {
				capped++
			}
			for _, q := range probes(h) {
				exact := n <= max || q < h[max-2].Height || q >= h[n-2].Height
				if exact {
					require.Equal(t, h.AcceptedAfter(q), c.AcceptedAfter(q), "h=%v max=%d t=%d", h, max, q)
				} else {
					require.Equal(t, h[n-1].Count, c.AcceptedAfter(q), "h=%v max=%d t=%d", h, max, q)
					require.Less(t, c.AcceptedAfter(q), h.AcceptedAfter(q), "h=%v max=%d t=%d", h, max, q)
				}
			}
		}
	}
	require.Greater(t, capped, 1000, "the runs must exercise capping")
}

// probes returns 0 and every bucket height and height−1 of h.
func probes(h Histogram) []uint64 {
	out := []uint64{0}
	for _, b := range h {
		out = append(out, b.Height-1, b.Height)
	}
	return out
}
