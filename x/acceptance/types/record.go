package types

import (
	errorsmod "cosmossdk.io/errors"
)

// CommitmentLength is the byte length of a state commitment (one BN254 field element).
const CommitmentLength = 32

// HistogramFromProto converts stored buckets into a Histogram (no validation).
func HistogramFromProto(buckets []HistogramBucket) Histogram {
	h := make(Histogram, len(buckets))
	for i, b := range buckets {
		h[i] = Bucket{Height: b.Height, Count: b.Count}
	}
	return h
}

// HistogramToProto converts a Histogram into stored buckets.
func HistogramToProto(h Histogram) []HistogramBucket {
	out := make([]HistogramBucket, len(h))
	for i, b := range h {
		out[i] = HistogramBucket{Height: b.Height, Count: b.Count}
	}
	return out
}

// CommitmentFromBytes checks that bz is exactly one 32-byte commitment.
func CommitmentFromBytes(bz []byte) ([CommitmentLength]byte, error) {
	var c [CommitmentLength]byte
	if len(bz) != CommitmentLength {
		return c, errorsmod.Wrapf(ErrInvalidCommitment, "%d bytes, want %d", len(bz), CommitmentLength)
	}
	copy(c[:], bz)
	return c, nil
}

// ToTracker turns a stored record into the pure tracker the acceptance rules run on.
func (r AcceptanceRecord) ToTracker() (ChildAcceptance, error) {
	hashes := make([]StateHash, len(r.Hashes))
	for i, h := range r.Hashes {
		c, err := CommitmentFromBytes(h.Commitment)
		if err != nil {
			return ChildAcceptance{}, err
		}
		hashes[i] = StateHash{Height: h.Height, Commitment: c}
	}
	return ChildAcceptance{
		Subtree:      r.Subtree,
		Reported:     HistogramFromProto(r.Reported),
		Hashes:       hashes,
		HasFinalized: r.HasFinalized,
	}, nil
}

// RecordFromTracker turns a tracker back into its stored form.
func RecordFromTracker(c ChildAcceptance) AcceptanceRecord {
	hashes := make([]StoredHash, len(c.Hashes))
	for i, h := range c.Hashes {
		hashes[i] = StoredHashFrom(h)
	}
	return AcceptanceRecord{
		Subtree:      c.Subtree,
		Reported:     HistogramToProto(c.Reported),
		Hashes:       hashes,
		HasFinalized: c.HasFinalized,
	}
}

// StoredHashFrom converts a tracker hash into its stored form.
func StoredHashFrom(h StateHash) StoredHash {
	return StoredHash{Height: h.Height, Commitment: append([]byte(nil), h.Commitment[:]...)}
}

// Validate checks a stored record: 32-byte commitments, at most max_pending_hashes hashes and
// max_histogram_buckets buckets, and the tracker's own consistency rules.
func (r AcceptanceRecord) Validate(p Params) error {
	if len(r.Hashes) > int(p.MaxPendingHashes) {
		return errorsmod.Wrapf(ErrTooManyPendingHashes, "%d > %d", len(r.Hashes), p.MaxPendingHashes)
	}
	if len(r.Reported) > int(p.MaxHistogramBuckets) {
		return errorsmod.Wrapf(ErrHistogramTooManyBuckets, "%d > %d", len(r.Reported), p.MaxHistogramBuckets)
	}
	t, err := r.ToTracker()
	if err != nil {
		return err
	}
	return t.Validate()
}
