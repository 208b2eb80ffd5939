package types

import (
	"cmp"
	"encoding/binary"
	"math"
	"math/bits"
	"slices"
	"sort"

	errorsmod "cosmossdk.io/errors"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"

	"github.com/slush-tree/slush/circuits/hash"
)

// Bucket says that Count nodes of a subtree last pushed an update at root height Height.
type Bucket struct {
	Height uint64
	Count  uint64
}

// Histogram is the acceptance histogram H_v of DESIGN §6: buckets sorted strictly ascending
// by Height, with no zero counts. A nil Histogram is the valid empty histogram.
type Histogram []Bucket

// Encoding sizes of Marshal: a big-endian uint32 bucket count, then per bucket the
// big-endian uint64 height and count.
const (
	histogramHeaderSize = 4
	histogramBucketSize = 16
)

// Validate checks the canonical form: strictly ascending heights, no zero counts, and a
// total that neither overflows uint64 nor exceeds maxTotal (the registered subtree size).
func (h Histogram) Validate(maxTotal uint64) error {
	var total uint64
	for i, b := range h {
		if i > 0 {
			if err := checkOrder(h[i-1].Height, b.Height, i); err != nil {
				return err
			}
		}
		if b.Count == 0 {
			return errorsmod.Wrapf(ErrHistogramZeroCount, "bucket %d (height %d)", i, b.Height)
		}
		var carry uint64
		total, carry = bits.Add64(total, b.Count, 0)
		if carry != 0 {
			return errorsmod.Wrapf(ErrHistogramOverflow, "at bucket %d", i)
		}
	}
	if total > maxTotal {
		return errorsmod.Wrapf(ErrHistogramTooLarge, "total %d > %d", total, maxTotal)
	}
	return nil
}

// checkOrder reports whether height cur may follow height prev at bucket index i.
func checkOrder(prev, cur uint64, i int) error {
	switch {
	case cur == prev:
		return errorsmod.Wrapf(ErrHistogramDuplicateHeight, "bucket %d (height %d)", i, cur)
	case cur < prev:
		return errorsmod.Wrapf(ErrHistogramUnsorted, "bucket %d (height %d after %d)", i, cur, prev)
	}
	return nil
}

// Total returns Σ counts. It saturates at math.MaxUint64 (only reachable by a histogram that
// fails Validate).
func (h Histogram) Total() uint64 {
	var total uint64
	for _, b := range h {
		total = satAdd(total, b.Count)
	}
	return total
}

// AcceptedAfter returns a(t) = Σ counts of buckets with Height > t (strictly): the number of
// subtree nodes whose last update is later than t. Saturates like Total.
func (h Histogram) AcceptedAfter(t uint64) uint64 {
	i := sort.Search(len(h), func(i int) bool { return h[i].Height > t })
	return h[i:].Total()
}

// Merge returns the multiset union h ⊎ others... as a new canonical histogram. Inputs must
// be valid; counts at equal heights are added (saturating, so an overflowing input total
// shows up as a Validate failure rather than a wrap-around).
func (h Histogram) Merge(others ...Histogram) Histogram {
	parts := make([]Histogram, 0, len(others)+1)
	parts = append(append(parts, h), others...)
	return MergeInto(nil, parts...)
}

// MergeInto appends the multiset union of parts to dst[:0] and returns it, reusing dst's
// capacity (no allocation once dst is large enough). dst must not alias any part.
func MergeInto(dst Histogram, parts ...Histogram) Histogram {
	dst = dst[:0]
	for _, p := range parts {
		dst = append(dst, p...)
	}
	return normalize(dst)
}

// normalize sorts h by height in place and merges equal heights, giving canonical form.
func normalize(h Histogram) Histogram {
	slices.SortFunc(h, func(a, b Bucket) int { return cmp.Compare(a.Height, b.Height) })
	return coalesce(h)
}

// coalesce merges adjacent equal-height buckets of a height-sorted slice in place and drops
// zero counts.
func coalesce(h Histogram) Histogram {
	out := h[:0]
	for _, b := range h {
		switch {
		case b.Count == 0:
		case len(out) > 0 && out[len(out)-1].Height == b.Height:
			out[len(out)-1].Count = satAdd(out[len(out)-1].Count, b.Count)
		default:
			out = append(out, b)
		}
	}
	return out
}

// CompactBelow returns a copy of h in which all buckets with Height ≤ t are merged into one
// bucket placed at the LOWEST merged height (DESIGN §6: "entries of H with t at or below the
// finalized time are merged into one bucket").
//
// Invariant: AcceptedAfter(t') is unchanged for every t' ≥ t (every merged node stays at a
// height ≤ t), and for t' < t it can only decrease. Placing the bucket at the greatest merged
// height would also keep t' ≥ t exact, but it would move nodes to a LATER time and so
// over-count a(t') for t' < t. Ancestors do query below a child's finalized time (with
// propagation delay a parent's finality always lags its children's), so an over-count could
// finalize an ancestor's hash that no majority accepted; the lowest height only ever
// under-counts, which can delay finality but never fakes it.
func (h Histogram) CompactBelow(t uint64) Histogram {
	out, _ := compactInPlace(slices.Clone(h), t)
	return out
}

// compactInPlace is CompactBelow on h's own storage; it also returns how many buckets it
// removed.
func compactInPlace(h Histogram, t uint64) (Histogram, int) {
	if len(h) > 0 && h[0].Height == GenesisHeight { // registered nodes stay apart: no a(t) counts them
		rest, removed := compactInPlace(h[1:], t)
		return h[:1+len(rest)], removed
	}
	n := sort.Search(len(h), func(i int) bool { return h[i].Height > t })
	if n < 2 {
		return h, 0
	}
	h[0].Count = h[:n].Total()
	m := copy(h[1:], h[n:])
	return h[:1+m], n - 1
}

// GenesisHeight is the report height of a registered node that has not updated yet: below every
// root block, so it counts in a report's total (the subtree size) and in no a(t) of a stored
// hash (issue 16, docs/PROTOCOL.md "Registered descendants count").
const GenesisHeight = 0

// GenesisHistogram is the report a registered child counts as until its first update.
func GenesisHistogram() Histogram { return Histogram{{Height: GenesisHeight, Count: 1}} }

// MinReportBuckets is the smallest bucket cap CapBuckets can honour: the reporter's own
// newest bucket plus one bucket for everything older.
const MinReportBuckets = 2

// CapBuckets returns a copy of h with at most max buckets (DESIGN §6, bounded reports): while
// there are more, the second-newest bucket is merged into the third-newest (counts added, the
// LOWER height kept). The newest bucket — the reporter's own update (T, ·), which the parent
// requires at exactly T — is never touched, and the total is unchanged.
//
// Merging a bucket into a lower height can only under-count a(t): finality may be delayed,
// never faked (the argument of CompactBelow). Merging among the NEWEST buckets keeps a(t)
// exact for every t below the merge target, i.e. for the oldest pending hashes, which are the
// ones about to finalize, so finality keeps advancing even in wide asynchronous subtrees.
// Merging the oldest buckets instead would stamp the active nodes with the oldest height —
// that of a descendant that stopped updating, say — leaving a pending hash at most the max−1
// newest buckets to count, which stalls finality once b > 2·max (TestCapKeepsFinalityAdvancing).
// max < MinReportBuckets is refused with ErrInvalidParams.
func (h Histogram) CapBuckets(max int) (Histogram, error) {
	if max < MinReportBuckets {
		return nil, errorsmod.Wrapf(ErrInvalidParams, "bucket cap %d < %d", max, MinReportBuckets)
	}
	n := len(h)
	if n <= max {
		return slices.Clone(h), nil
	}
	out := append(slices.Clone(h[:max-1]), h[n-1])
	out[max-2].Count = h[max-2 : n-1].Total()
	return out, nil
}

// Digest returns the canonical field commitment to h (its acceptanceDigest): the hash of
// (len(h), height_0, count_0, height_1, count_1, ...) under circuits/hash domain Acceptance.
func (h Histogram) Digest() fr.Element {
	buckets := make([][2]uint64, len(h))
	for i, b := range h {
		buckets[i] = [2]uint64{b.Height, b.Count}
	}
	return hash.AcceptanceDigest(buckets...)
}

// Marshal returns the canonical binary encoding: big-endian uint32 bucket count, then each
// bucket as big-endian uint64 height and count. More than 2^32-1 buckets cannot be encoded.
func (h Histogram) Marshal() ([]byte, error) {
	if uint64(len(h)) > math.MaxUint32 {
		return nil, errorsmod.Wrapf(ErrHistogramTooManyBuckets, "%d buckets cannot be encoded", len(h))
	}
	bz := make([]byte, histogramHeaderSize, histogramHeaderSize+histogramBucketSize*len(h))
	binary.BigEndian.PutUint32(bz, uint32(len(h)))
	for _, b := range h {
		bz = binary.BigEndian.AppendUint64(bz, b.Height)
		bz = binary.BigEndian.AppendUint64(bz, b.Count)
	}
	return bz, nil
}

// UnmarshalHistogram decodes Marshal's encoding, rejecting more than maxBuckets buckets, any
// length mismatch (trailing bytes included) and any non-canonical histogram (Validate with
// no total bound; the caller checks the total against the subtree size).
func UnmarshalHistogram(bz []byte, maxBuckets uint32) (Histogram, error) {
	if len(bz) < histogramHeaderSize {
		return nil, errorsmod.Wrapf(ErrHistogramEncoding, "%d bytes, need a %d-byte header", len(bz), histogramHeaderSize)
	}
	n := binary.BigEndian.Uint32(bz)
	if n > maxBuckets {
		return nil, errorsmod.Wrapf(ErrHistogramTooManyBuckets, "%d > %d", n, maxBuckets)
	}
	if want := histogramHeaderSize + histogramBucketSize*uint64(n); uint64(len(bz)) != want {
		return nil, errorsmod.Wrapf(ErrHistogramEncoding, "%d bytes for %d buckets, want %d", len(bz), n, want)
	}
	h := make(Histogram, n)
	for i := range h {
		off := histogramHeaderSize + histogramBucketSize*i
		h[i] = Bucket{Height: binary.BigEndian.Uint64(bz[off:]), Count: binary.BigEndian.Uint64(bz[off+8:])}
	}
	if err := h.Validate(math.MaxUint64); err != nil {
		return nil, err
	}
	return h, nil
}

// satAdd returns a+b, saturating at math.MaxUint64.
func satAdd(a, b uint64) uint64 {
	s, carry := bits.Add64(a, b, 0)
	if carry != 0 {
		return math.MaxUint64
	}
	return s
}
