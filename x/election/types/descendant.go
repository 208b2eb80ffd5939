package types

import (
	"errors"

	errorsmod "cosmossdk.io/errors"

	"github.com/slush-tree/slush/circuits/commitment"
	"github.com/slush-tree/slush/circuits/hash"
	slushtypes "github.com/slush-tree/slush/types"
	acceptancetypes "github.com/slush-tree/slush/x/acceptance/types"
)

// Descendant is what a verified DescendantProof establishes: the prover's commitment as the
// child's committed state holds it, and the prover's tree path.
type Descendant struct {
	// Commitment is the prover's commitment (its operator key hash and histogram digest).
	Commitment commitment.Commitment
	// Path is the prover's tree path; the child's path is a strict prefix of it.
	Path []uint8
}

// VerifyDescendant checks natively (no ZKP) that p proves a strict descendant of the child with
// path childPath in the child's commitment childCommitment (DESIGN §9: "a Merkle chain from the
// voter's commitment to v's finalized commitment on p"): the child preimage hashes to
// childCommitment and names the child; each hop names a child of the previous level (its path is
// the previous path plus one index) and its ChildLeaf opens the previous level's children root at
// that index. Non-canonical field elements fail with ErrInvalidField, everything else with
// ErrNotDescendant.
func VerifyDescendant(childCommitment []byte, childPath []uint8, p DescendantProof) (Descendant, error) {
	want, err := hash.DecodeElement(childCommitment)
	if err != nil {
		return Descendant{}, errorsmod.Wrapf(ErrInvalidField, "child commitment: %v", err)
	}
	parent, err := p.Child.Decode()
	if err != nil {
		return Descendant{}, errorsmod.Wrap(ErrInvalidField, err.Error())
	}
	if h := parent.Hash(); !h.Equal(&want) {
		return Descendant{}, errorsmod.Wrap(ErrNotDescendant, "child preimage is not the child's commitment")
	}
	childVid, err := commitment.PackVid(childPath)
	if err != nil {
		return Descendant{}, errorsmod.Wrap(ErrNotDescendant, err.Error())
	}
	if !parent.Vid.Equal(&childVid) {
		return Descendant{}, errorsmod.Wrap(ErrNotDescendant, "child preimage names another validium")
	}
	if len(p.Hops) == 0 || len(childPath)+len(p.Hops) > commitment.MaxPathDepth {
		return Descendant{}, errorsmod.Wrapf(ErrNotDescendant, "%d hops below depth %d", len(p.Hops), len(childPath))
	}
	path := childPath
	for i, hop := range p.Hops {
		c, hopPath, err := verifyHop(parent, path, hop)
		if err != nil {
			return Descendant{}, errorsmod.Wrapf(err, "hop %d", i)
		}
		parent, path = c, hopPath
	}
	return Descendant{Commitment: parent, Path: path}, nil
}

// verifyHop checks one level: the hop's vid is parentPath plus one index, and its children-SMT
// leaf opens the parent's children root at that index (slushtypes.OpenChild).
func verifyHop(parent commitment.Commitment, parentPath []uint8, hop Hop) (commitment.Commitment, []uint8, error) {
	c, err := hop.Commitment.Decode()
	if err != nil {
		return commitment.Commitment{}, nil, errorsmod.Wrap(ErrInvalidField, err.Error())
	}
	path, err := slushtypes.OpenChild(parent.ChildrenRoot, parentPath, c, hop.Siblings)
	if errors.Is(err, slushtypes.ErrInvalidField) {
		return commitment.Commitment{}, nil, errorsmod.Wrap(ErrInvalidField, err.Error())
	}
	if err != nil {
		return commitment.Commitment{}, nil, errorsmod.Wrap(ErrNotDescendant, err.Error())
	}
	return c, path, nil
}

// VoterWeight checks a voter's histogram against its commitment and returns the vote's weight,
// the voter's subtree size = Σ counts (DESIGN §9: "its weight is the voter's subtree size"). The
// histogram must be canonical, at most MaxHistogramBuckets long, total in 1..maxTotal (a strict
// descendant's subtree is smaller than the child's), and its digest must be the commitment's
// acceptance digest; otherwise ErrInvalidHistogram.
func VoterWeight(buckets []acceptancetypes.HistogramBucket, c commitment.Commitment, maxTotal uint64) (uint64, error) {
	if len(buckets) == 0 || len(buckets) > MaxHistogramBuckets {
		return 0, errorsmod.Wrapf(ErrInvalidHistogram, "%d buckets", len(buckets))
	}
	h := acceptancetypes.HistogramFromProto(buckets)
	if err := h.Validate(maxTotal); err != nil {
		return 0, errorsmod.Wrap(ErrInvalidHistogram, err.Error())
	}
	if d := h.Digest(); !d.Equal(&c.AcceptanceDigest) {
		return 0, errorsmod.Wrap(ErrInvalidHistogram, "digest is not the voter commitment's acceptance digest")
	}
	return h.Total(), nil
}

// PathKey is the store key of a voter path: one byte per level, so the votes of a subtree are
// exactly the keys that start with the subtree root's path.
func PathKey(path []uint8) []byte { return append([]byte{}, path...) }

// SubtreeEnd is the smallest key greater than every key that starts with prefix (nil if there is
// none: prefix is all 0xff), the exclusive end of a subtree's key range.
func SubtreeEnd(prefix []byte) []byte {
	end := append([]byte{}, prefix...)
	for i := len(end) - 1; i >= 0; i-- {
		if end[i] < 0xff {
			end[i]++
			return end[:i+1]
		}
	}
	return nil
}
