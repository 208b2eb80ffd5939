package types

import (
	"math/bits"

	errorsmod "cosmossdk.io/errors"
)

// StateHash is one state commitment a child pushed, stamped with the root height of the push.
type StateHash struct {
	Height     uint64
	Commitment [32]byte
}

// Pair is the acceptance pair (a, b) of one stored hash: Accepted = a_c(t) nodes of the
// child's subtree have updated strictly after the hash's height t, out of Subtree = b_c.
type Pair struct {
	Hash     StateHash
	Accepted uint64
	Subtree  uint64
}

// Majority reports 2a > b, the finality condition of DESIGN §6 (computed without overflow).
func (p Pair) Majority() bool {
	return p.Accepted <= p.Subtree && p.Accepted > p.Subtree-p.Accepted
}

// ChildAcceptance is the record a parent keeps for one child (DESIGN §6).
//
// Semantics, fixed here once for the keeper, the simulator and the model test:
//
//   - Time is root height. A hash pushed at height t gets the pair (a_c(t), b_c), where
//     a_c(t) = Reported.AcceptedAfter(t) counts buckets strictly above t, Reported being the
//     child's H_c as of its LAST update and b_c = Subtree as of its last update.
//   - A report at height T must have its newest bucket at exactly T (the child's own (T, 1);
//     nothing can be newer), so with the strict ">" the fresh hash's pair is (0, b_c): a
//     descendant that updated at the same root height T (e.g. in the same round, before the
//     child) does not count, since it cannot have had data of the state pushed at T.
//   - After each update the finalized hash is the newest stored hash with 2a > b_c. The fresh
//     hash never qualifies (a = 0). Finality is sticky: if no stored hash has a majority (a
//     later report can show fewer nodes after t once a descendant record was compacted), the
//     previous finalized hash stays.
//   - Hashes older than the finalized one are pruned; the finalized one stays as Hashes[0]
//     (it is the exit point) and HasFinalized is set.
//   - Reported is then compacted at the finalized height (Histogram.CompactBelow), which keeps
//     the pair of every remaining hash exact, so Pairs can recompute them from this record.
//
// A parent reports upwards SubtreeHistogram(T, the Reported of each child record): its
// stored, compacted copies. All fields are plain data so the keeper can persist them as is.
type ChildAcceptance struct {
	// Subtree is b_c, the child's subtree size (child included) as last reported.
	Subtree uint64
	// Reported is H_c as last reported, compacted below the finalized height.
	Reported Histogram
	// Hashes are the stored hashes, strictly ascending by height.
	Hashes []StateHash
	// HasFinalized tells that Hashes[0] is the finalized hash.
	HasFinalized bool
}

// UpdateResult says what one ApplyUpdate changed; the keeper turns it into events.
type UpdateResult struct {
	// Finalized is the finalized hash after the update (valid if HasFinalized).
	Finalized StateHash
	// HasFinalized tells whether any hash is finalized.
	HasFinalized bool
	// NewlyFinalized tells that this update finalized a newer hash.
	NewlyFinalized bool
	// Pruned is the number of older hashes removed.
	Pruned int
	// MergedBuckets is the number of histogram buckets removed by compaction.
	MergedBuckets int
}

// ApplyUpdate records the child's update at root height `height` with state commitment
// `commitment`, its reported subtree histogram and subtree size; see ChildAcceptance for the
// rules. On error the record is unchanged. It does not allocate once the record's slices
// have grown to their working size.
func (c *ChildAcceptance) ApplyUpdate(height uint64, commitment [32]byte, reported Histogram, subtree uint64) (UpdateResult, error) {
	if err := c.checkUpdate(height, reported, subtree); err != nil {
		return UpdateResult{}, err
	}
	c.Subtree = subtree
	c.Reported = append(c.Reported[:0], reported...)
	c.Hashes = append(c.Hashes, StateHash{Height: height, Commitment: commitment})
	res := UpdateResult{}
	if idx, ok := c.newestMajority(); ok && (idx > 0 || !c.HasFinalized) {
		res.NewlyFinalized = true
		res.Pruned = idx
		c.Hashes = c.Hashes[:copy(c.Hashes, c.Hashes[idx:])]
		c.HasFinalized = true
	}
	if c.HasFinalized {
		res.Finalized, res.HasFinalized = c.Hashes[0], true
		c.Reported, res.MergedBuckets = compactInPlace(c.Reported, c.Hashes[0].Height)
	}
	return res, nil
}

// checkUpdate validates an update against the record without changing it.
func (c *ChildAcceptance) checkUpdate(height uint64, reported Histogram, subtree uint64) error {
	if subtree == 0 {
		return ErrZeroSubtree
	}
	if n := len(c.Hashes); n > 0 && height <= c.Hashes[n-1].Height {
		return errorsmod.Wrapf(ErrStaleUpdate, "%d <= %d", height, c.Hashes[n-1].Height)
	}
	if err := reported.Validate(subtree); err != nil {
		return err
	}
	if len(reported) == 0 || reported[len(reported)-1].Height != height {
		return errorsmod.Wrapf(ErrHistogramOwnUpdate, "update at %d", height)
	}
	return nil
}

// newestMajority returns the index of the newest stored hash whose pair has a majority.
func (c *ChildAcceptance) newestMajority() (int, bool) {
	for i := len(c.Hashes) - 1; i >= 0; i-- {
		if c.pair(i).Majority() {
			return i, true
		}
	}
	return 0, false
}

// pair returns the acceptance pair of stored hash i.
func (c *ChildAcceptance) pair(i int) Pair {
	h := c.Hashes[i]
	return Pair{Hash: h, Accepted: c.Reported.AcceptedAfter(h.Height), Subtree: c.Subtree}
}

// Pairs returns the acceptance pair of every stored hash, oldest first.
func (c *ChildAcceptance) Pairs() []Pair {
	out := make([]Pair, len(c.Hashes))
	for i := range c.Hashes {
		out[i] = c.pair(i)
	}
	return out
}

// FinalizedHash returns the finalized hash, if any.
func (c *ChildAcceptance) FinalizedHash() (StateHash, bool) {
	if !c.HasFinalized || len(c.Hashes) == 0 {
		return StateHash{}, false
	}
	return c.Hashes[0], true
}

// Validate checks a stored record (e.g. from genesis): a valid Reported within Subtree,
// strictly ascending hashes, and a finalized flag only with a hash to point at.
func (c *ChildAcceptance) Validate() error {
	if len(c.Hashes) == 0 {
		if c.HasFinalized || len(c.Reported) > 0 {
			return errorsmod.Wrapf(ErrInvalidRecord, "no hashes but finalized flag or histogram")
		}
		return nil
	}
	if c.Subtree == 0 {
		return ErrZeroSubtree
	}
	for i := 1; i < len(c.Hashes); i++ {
		if c.Hashes[i].Height <= c.Hashes[i-1].Height {
			return errorsmod.Wrapf(ErrInvalidRecord, "hash %d not above hash %d", i, i-1)
		}
	}
	if n := len(c.Reported); n > 0 && c.Reported[n-1].Height != c.Hashes[len(c.Hashes)-1].Height {
		return errorsmod.Wrapf(ErrInvalidRecord, "newest bucket is not the newest hash")
	}
	return c.Reported.Validate(c.Subtree)
}

// SubtreeHistogram returns the histogram a chain reports with its own update at height T:
// {(T, 1)} ⊎ children, where children are the Reported fields of its child records.
func SubtreeHistogram(ownUpdateHeight uint64, children []Histogram) Histogram {
	return AppendSubtreeHistogram(nil, ownUpdateHeight, children)
}

// AppendSubtreeHistogram is SubtreeHistogram writing into dst[:0] (allocation-free once dst
// has the capacity); dst must not alias any child histogram.
func AppendSubtreeHistogram(dst Histogram, ownUpdateHeight uint64, children []Histogram) Histogram {
	dst = append(dst[:0], Bucket{Height: ownUpdateHeight, Count: 1})
	for _, ch := range children {
		dst = append(dst, ch...)
	}
	return normalize(dst)
}

// SubtreeSize returns b = 1 + Σ b_c for the given child subtree sizes.
func SubtreeSize(children []uint64) (uint64, error) {
	b := uint64(1)
	for _, s := range children {
		var carry uint64
		if b, carry = bits.Add64(b, s, 0); carry != 0 {
			return 0, ErrSubtreeOverflow
		}
	}
	return b, nil
}
