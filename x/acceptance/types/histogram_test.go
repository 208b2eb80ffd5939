package types

import (
	"math"
	"math/rand"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestHistogramValidate(t *testing.T) {
	const max = math.MaxUint64
	cases := []struct {
		name     string
		h        Histogram
		maxTotal uint64
		err      error
	}{
		{"empty", nil, 0, nil},
		{"valid", Histogram{{1, 2}, {5, 1}, {9, 3}}, 6, nil},
		{"unsorted", Histogram{{5, 1}, {1, 1}}, 10, ErrHistogramUnsorted},
		{"duplicate height", Histogram{{1, 1}, {4, 1}, {4, 2}}, 10, ErrHistogramDuplicateHeight},
		{"zero count", Histogram{{1, 1}, {2, 0}}, 10, ErrHistogramZeroCount},
		{"overflow near MaxUint64", Histogram{{1, max - 1}, {2, 1}, {3, 1}}, max, ErrHistogramOverflow},
		{"exactly MaxUint64", Histogram{{1, max - 1}, {2, 1}}, max, nil},
		{"total above subtree", Histogram{{1, 2}, {3, 2}}, 3, ErrHistogramTooLarge},
		{"total equals subtree", Histogram{{1, 2}, {3, 2}}, 4, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.h.Validate(tc.maxTotal)
			if tc.err == nil {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, tc.err)
		})
	}
}

func TestHistogramAcceptedAfter(t *testing.T) {
	h := Histogram{{2, 1}, {5, 3}, {7, 2}}
	for _, tc := range []struct{ t, want uint64 }{
		{0, 6}, {1, 6}, {2, 5}, {4, 5}, {5, 2}, {6, 2}, {7, 0}, {100, 0},
	} {
		require.Equal(t, tc.want, h.AcceptedAfter(tc.t), "t=%d", tc.t)
	}
	require.Equal(t, uint64(6), h.Total())
	require.Zero(t, Histogram(nil).AcceptedAfter(0))
}

func TestHistogramMerge(t *testing.T) {
	a := Histogram{{1, 1}, {4, 2}}
	b := Histogram{{2, 1}, {4, 1}, {9, 1}}
	got := a.Merge(b, nil, Histogram{{1, 3}})
	require.Equal(t, Histogram{{1, 4}, {2, 1}, {4, 3}, {9, 1}}, got)
	require.Equal(t, Histogram{{1, 1}, {4, 2}}, a, "inputs untouched")
	require.Empty(t, Histogram(nil).Merge())
}

// TestHistogramMergeProperties: merging is the multiset union, so a(t) adds up for every t,
// and the result is canonical.
func TestHistogramMergeProperties(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	for range 300 {
		parts := make([]Histogram, rng.Intn(5))
		for i := range parts {
			parts[i] = randomHistogram(rng, 6, 20)
		}
		base := randomHistogram(rng, 6, 20)
		merged := base.Merge(parts...)
		require.NoError(t, merged.Validate(math.MaxUint64))
		for q := uint64(0); q <= 21; q++ {
			want := base.AcceptedAfter(q)
			for _, p := range parts {
				want += p.AcceptedAfter(q)
			}
			require.Equal(t, want, merged.AcceptedAfter(q))
		}
	}
}

func TestHistogramCompactBelow(t *testing.T) {
	h := Histogram{{2, 1}, {3, 2}, {5, 1}, {8, 4}}
	require.Equal(t, Histogram{{2, 4}, {8, 4}}, h.CompactBelow(5))
	require.Equal(t, Histogram{{2, 4}, {8, 4}}, h.CompactBelow(7))
	require.Equal(t, Histogram{{2, 1}, {3, 2}, {5, 1}, {8, 4}}, h.CompactBelow(2), "one bucket: unchanged")
	require.Equal(t, Histogram{{2, 8}}, h.CompactBelow(8))
	require.Equal(t, h, h.CompactBelow(1))
	require.Equal(t, Histogram{{2, 1}, {3, 2}, {5, 1}, {8, 4}}, h, "input untouched")
}

// TestHistogramCompactBelowKeepsGenesis: registered nodes that have not updated (the genesis
// bucket at height 0) stay apart, so compaction moves accepted nodes no lower than before.
func TestHistogramCompactBelowKeepsGenesis(t *testing.T) {
	h := Histogram{{GenesisHeight, 3}, {2, 1}, {3, 2}, {5, 1}, {8, 4}}
	require.Equal(t, Histogram{{GenesisHeight, 3}, {2, 4}, {8, 4}}, h.CompactBelow(5))
	require.Equal(t, Histogram{{GenesisHeight, 3}, {2, 8}}, h.CompactBelow(8))
	require.Equal(t, Histogram{{GenesisHeight, 3}, {2, 1}, {3, 2}, {5, 1}, {8, 4}}, h.CompactBelow(2))
	require.Equal(t, GenesisHistogram(), GenesisHistogram().CompactBelow(9))
	require.Equal(t, uint64(8), h.CompactBelow(8).AcceptedAfter(1), "every accepted node still counts at or after 1")
}

// TestHistogramCompactBelowInvariant: a(t') is unchanged for t' ≥ t and never increases for
// t' < t (merging to the lowest height can only under-count, never fake acceptance).
func TestHistogramCompactBelowInvariant(t *testing.T) {
	rng := rand.New(rand.NewSource(2))
	for range 500 {
		h := randomHistogram(rng, 10, 30)
		cut := uint64(rng.Intn(32))
		c := h.CompactBelow(cut)
		require.NoError(t, c.Validate(h.Total()))
		require.Equal(t, h.Total(), c.Total())
		below := 0
		for _, b := range c {
			if b.Height <= cut {
				below++
			}
		}
		require.LessOrEqual(t, below, 1, "at most one bucket at or below the cut")
		for q := uint64(0); q <= 32; q++ {
			if q >= cut {
				require.Equal(t, h.AcceptedAfter(q), c.AcceptedAfter(q), "cut=%d q=%d", cut, q)
			} else {
				require.LessOrEqual(t, c.AcceptedAfter(q), h.AcceptedAfter(q), "cut=%d q=%d", cut, q)
			}
		}
	}
}

func TestHistogramMarshalRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewSource(3))
	for range 200 {
		h := randomHistogram(rng, 12, 1<<40)
		got, err := UnmarshalHistogram(mustMarshal(t, h), 12)
		require.NoError(t, err)
		require.Equal(t, len(h), len(got))
		if len(h) > 0 {
			require.Equal(t, h, got)
		}
	}
	require.Equal(t, []byte{0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 7, 0, 0, 0, 0, 0, 0, 0, 2},
		mustMarshal(t, Histogram{{7, 2}}), "encoding is fixed")
}

func TestUnmarshalHistogramRejects(t *testing.T) {
	good := mustMarshal(t, Histogram{{1, 1}, {2, 1}})
	cases := []struct {
		name string
		bz   []byte
		max  uint32
		err  error
	}{
		{"nil", nil, 8, ErrHistogramEncoding},
		{"short header", []byte{0, 0, 1}, 8, ErrHistogramEncoding},
		{"truncated", good[:len(good)-1], 8, ErrHistogramEncoding},
		{"trailing byte", append(append([]byte{}, good...), 0), 8, ErrHistogramEncoding},
		{"too many buckets", good, 1, ErrHistogramTooManyBuckets},
		{"huge count claim", []byte{0xff, 0xff, 0xff, 0xff}, math.MaxUint32, ErrHistogramEncoding},
		{"unsorted", mustMarshal(t, Histogram{{2, 1}, {1, 1}}), 8, ErrHistogramUnsorted},
		{"zero count", mustMarshal(t, Histogram{{2, 0}}), 8, ErrHistogramZeroCount},
		{"overflow", mustMarshal(t, Histogram{{1, math.MaxUint64}, {2, 1}}), 8, ErrHistogramOverflow},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := UnmarshalHistogram(tc.bz, tc.max)
			require.ErrorIs(t, err, tc.err)
		})
	}
}

func TestHistogramDigest(t *testing.T) {
	a := Histogram{{1, 2}, {3, 1}}
	require.Equal(t, a.Digest(), Histogram{{1, 2}, {3, 1}}.Digest(), "deterministic")
	distinct := []Histogram{nil, {{1, 2}}, {{1, 2}, {3, 1}}, {{1, 2}, {3, 2}}, {{1, 2}, {4, 1}}}
	seen := map[string]int{}
	for i, h := range distinct {
		d := h.Digest()
		key := d.String()
		_, dup := seen[key]
		require.False(t, dup, "digest collision between %d and %d", seen[key], i)
		seen[key] = i
	}
}

// FuzzUnmarshalHistogram: decoding never panics and whatever decodes re-encodes to the same
// bytes (the encoding is canonical) and is a valid histogram.
func FuzzUnmarshalHistogram(f *testing.F) {
	f.Add([]byte{})
	f.Add(mustMarshal(f, Histogram{{1, 1}, {2, 3}}))
	f.Add([]byte{0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0})
	f.Add([]byte{0xff, 0xff, 0xff, 0xff, 1})
	f.Fuzz(func(t *testing.T, bz []byte) {
		h, err := UnmarshalHistogram(bz, 64)
		if err != nil {
			return
		}
		require.NoError(t, h.Validate(math.MaxUint64))
		require.Equal(t, bz, mustMarshal(t, h))
	})
}

// randomHistogram returns a valid histogram of up to maxBuckets buckets with heights in
// [1, maxHeight] and small counts.
func randomHistogram(rng *rand.Rand, maxBuckets int, maxHeight uint64) Histogram {
	var h Histogram
	height := uint64(0)
	for range rng.Intn(maxBuckets + 1) {
		step := 1 + rng.Uint64()%(maxHeight/uint64(maxBuckets)+1)
		if height+step > maxHeight {
			break
		}
		height += step
		h = append(h, Bucket{Height: height, Count: 1 + uint64(rng.Intn(4))})
	}
	return h
}

// mustMarshal encodes a histogram that is known to be encodable.
func mustMarshal(t testing.TB, h Histogram) []byte {
	t.Helper()
	bz, err := h.Marshal()
	require.NoError(t, err)
	return bz
}
