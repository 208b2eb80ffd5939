package types

import (
	"math"
	"testing"

	"github.com/stretchr/testify/require"
)

func commit(b byte) [32]byte { return [32]byte{b} }

func TestApplyUpdateRejects(t *testing.T) {
	base := func() ChildAcceptance {
		var c ChildAcceptance
		_, err := c.ApplyUpdate(5, commit(5), Histogram{{3, 1}, {5, 1}}, 3)
		require.NoError(t, err)
		return c
	}
	cases := []struct {
		name     string
		height   uint64
		reported Histogram
		subtree  uint64
		err      error
	}{
		{"zero subtree", 6, Histogram{{6, 1}}, 0, ErrZeroSubtree},
		{"same height", 5, Histogram{{5, 1}}, 3, ErrStaleUpdate},
		{"older height", 4, Histogram{{4, 1}}, 3, ErrStaleUpdate},
		{"total above subtree", 6, Histogram{{5, 3}, {6, 1}}, 3, ErrHistogramTooLarge},
		{"unsorted", 6, Histogram{{6, 1}, {5, 1}}, 3, ErrHistogramUnsorted},
		{"duplicate", 6, Histogram{{6, 1}, {6, 1}}, 3, ErrHistogramDuplicateHeight},
		{"zero count", 6, Histogram{{5, 0}, {6, 1}}, 3, ErrHistogramZeroCount},
		{"overflow", 6, Histogram{{5, math.MaxUint64}, {6, 1}}, math.MaxUint64, ErrHistogramOverflow},
		{"empty report", 6, nil, 3, ErrHistogramOwnUpdate},
		{"no own bucket", 6, Histogram{{5, 1}}, 3, ErrHistogramOwnUpdate},
		{"bucket in the future", 6, Histogram{{6, 1}, {7, 1}}, 3, ErrHistogramOwnUpdate},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := base()
			before := base()
			_, err := c.ApplyUpdate(tc.height, commit(9), tc.reported, tc.subtree)
			require.ErrorIs(t, err, tc.err)
			require.Equal(t, before, c, "record unchanged on error")
		})
	}
}

// TestApplyUpdateScenario walks a 3-node subtree (child + 2 grandchildren) through updates.
func TestApplyUpdateScenario(t *testing.T) {
	var c ChildAcceptance
	step := func(h uint64, rep Histogram) UpdateResult {
		t.Helper()
		res, err := c.ApplyUpdate(h, commit(byte(h)), rep, 3)
		require.NoError(t, err)
		require.NoError(t, c.Validate())
		return res
	}
	res := step(1, Histogram{{1, 1}})
	require.False(t, res.HasFinalized)
	require.Equal(t, []Pair{{StateHash{1, commit(1)}, 0, 3}}, c.Pairs(), "fresh hash is (0, b)")

	// Only the child itself moved on: (1, 3) is no majority.
	step(2, Histogram{{2, 1}})
	require.Equal(t, []uint64{1, 0}, accepted(c.Pairs()))
	_, ok := c.FinalizedHash()
	require.False(t, ok)

	// One grandchild at 2 and the child at 3: hash@1 has (2, 3) -> finalized; hash@2 has (1, 3).
	res = step(3, Histogram{{2, 1}, {3, 1}})
	require.True(t, res.NewlyFinalized)
	require.Equal(t, StateHash{1, commit(1)}, res.Finalized)
	require.Zero(t, res.Pruned)
	require.Equal(t, []uint64{2, 1, 0}, accepted(c.Pairs()))

	// Grandchildren at 2 and 4, child at 5: hash@3 gets (2, 3) and is the newest majority,
	// so hashes @1 and @2 are pruned; only one bucket is at or below 3, nothing merges.
	res = step(5, Histogram{{2, 1}, {4, 1}, {5, 1}})
	require.True(t, res.NewlyFinalized)
	require.Equal(t, uint64(3), res.Finalized.Height)
	require.Equal(t, 2, res.Pruned)
	require.Equal(t, []uint64{3, 5}, heights(c.Hashes))

	// A report can show a node at an older height than before (a lower record was compacted).
	// Two buckets at/below the finalized height 3 merge at the lowest; no stored hash has a
	// majority any more, so finality stays at 3.
	res = step(6, Histogram{{1, 1}, {3, 1}, {6, 1}})
	require.False(t, res.NewlyFinalized, "hash@5 has (1, 3)")
	require.Equal(t, 1, res.MergedBuckets)
	require.Equal(t, Histogram{{1, 2}, {6, 1}}, c.Reported)
	require.Equal(t, []uint64{1, 1, 0}, accepted(c.Pairs()), "pairs of stored hashes unchanged by compaction")
	f, ok := c.FinalizedHash()
	require.True(t, ok)
	require.Equal(t, uint64(3), f.Height, "finality is sticky")
}

func TestPairMajority(t *testing.T) {
	for _, tc := range []struct {
		a, b uint64
		want bool
	}{
		{0, 1, false}, {1, 1, true}, {1, 2, false}, {2, 3, true}, {2, 4, false}, {3, 4, true},
		{math.MaxUint64 / 2, math.MaxUint64, false}, {math.MaxUint64/2 + 1, math.MaxUint64, true},
		{5, 4, false},
	} {
		require.Equal(t, tc.want, Pair{Accepted: tc.a, Subtree: tc.b}.Majority(), "(%d, %d)", tc.a, tc.b)
	}
}

func TestSubtreeHistogram(t *testing.T) {
	got := SubtreeHistogram(7, []Histogram{{{3, 1}, {7, 1}}, nil, {{3, 2}, {5, 1}}})
	require.Equal(t, Histogram{{3, 3}, {5, 1}, {7, 2}}, got)
	require.Equal(t, Histogram{{4, 1}}, SubtreeHistogram(4, nil))

	buf := make(Histogram, 0, 8)
	again := AppendSubtreeHistogram(buf, 7, []Histogram{{{3, 1}, {7, 1}}})
	require.Equal(t, Histogram{{3, 1}, {7, 2}}, again)
}

func TestSubtreeSize(t *testing.T) {
	b, err := SubtreeSize([]uint64{3, 1, 9})
	require.NoError(t, err)
	require.Equal(t, uint64(14), b)
	b, err = SubtreeSize(nil)
	require.NoError(t, err)
	require.Equal(t, uint64(1), b)
	_, err = SubtreeSize([]uint64{math.MaxUint64})
	require.ErrorIs(t, err, ErrSubtreeOverflow)
}

func TestChildAcceptanceValidate(t *testing.T) {
	ok := ChildAcceptance{Subtree: 2, Reported: Histogram{{1, 1}, {4, 1}}, Hashes: []StateHash{{Height: 2}, {Height: 4}}, HasFinalized: true}
	require.NoError(t, ok.Validate())
	require.NoError(t, (&ChildAcceptance{}).Validate())
	for name, c := range map[string]ChildAcceptance{
		"finalized without hashes": {HasFinalized: true},
		"unsorted hashes":          {Subtree: 2, Reported: Histogram{{2, 1}}, Hashes: []StateHash{{Height: 4}, {Height: 2}}},
		"histogram too large":      {Subtree: 1, Reported: Histogram{{1, 1}, {4, 1}}, Hashes: []StateHash{{Height: 4}}},
		"stale histogram":          {Subtree: 2, Reported: Histogram{{1, 1}}, Hashes: []StateHash{{Height: 4}}},
		"zero subtree":             {Hashes: []StateHash{{Height: 4}}},
	} {
		require.Error(t, c.Validate(), name)
	}
}

func accepted(ps []Pair) []uint64 {
	out := make([]uint64, len(ps))
	for i, p := range ps {
		out[i] = p.Accepted
	}
	return out
}

func heights(hs []StateHash) []uint64 {
	out := make([]uint64, len(hs))
	for i, h := range hs {
		out[i] = h.Height
	}
	return out
}
