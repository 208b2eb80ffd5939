package subtree

import (
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"

	"github.com/slush-tree/slush/circuits/hash"
)

// StepPublic is what a step proves, as its native verifier sees it: the verifier checks that
// ChildVid is the vid of its child chain's child Index, that RootBefore is the children root it
// last accepted for that chain (or the previous step's RootAfter), that the anchor is a root
// commitment it knows (DESIGN §5: the anchor is a root height/commitment the checker knows), and
// records Leaf as a proven commitment of that grandchild.
type StepPublic struct {
	// Kind is the step kind (KindLeaf, KindLeafFirst, KindNodeLedger, KindNodeChild).
	Kind uint64
	// ChildVid is the moved child's vid.
	ChildVid fr.Element
	// Index is the child's index in its parent's children SMT.
	Index uint8
	// RootBefore and RootAfter are the parent's children roots before and after the step.
	RootBefore, RootAfter fr.Element
	// AnchorHeight and AnchorCommitment are the child's new anchor.
	AnchorHeight     uint64
	AnchorCommitment fr.Element
	// Leaf is the hash of the child's new commitment (the leaf holds ChildLeaf(Index, Leaf)).
	Leaf fr.Element
	// ParentOutbox is, for the forced kinds only (IsForcedKind), the root of the parent's outbox
	// the step's forced deposits were opened under (the checker requires it to be a state its
	// proven outbox grew from).
	ParentOutbox fr.Element
}

// IsForcedKind reports whether steps of kind open forced deposits in the parent's outbox
// (KindLeafForced, KindNodeLedgerForced): their statement names that outbox.
func IsForcedKind(kind uint64) bool { return kind == KindLeafForced || kind == KindNodeLedgerForced }

// Statement is the step's one public input: Hash(DomainSubtreeStep, Kind, ChildVid, Index,
// RootBefore, RootAfter, AnchorHeight, AnchorCommitment, Leaf), with ParentOutbox appended for
// the forced kinds.
func (p StepPublic) Statement() fr.Element {
	in := []fr.Element{hash.Uint64(p.Kind), p.ChildVid, hash.Uint64(uint64(p.Index)),
		p.RootBefore, p.RootAfter, hash.Uint64(p.AnchorHeight), p.AnchorCommitment, p.Leaf}
	if IsForcedKind(p.Kind) {
		in = append(in, p.ParentOutbox)
	}
	return hash.Hash(hash.DomainSubtreeStep, in...)
}

// LeafReportDigest is the acceptance digest of a chain without children that updated at root
// height anchorHeight: its report is the one bucket {(anchorHeight, 1)} (DESIGN §6), hashed as
// acceptance Histogram.Digest does.
func LeafReportDigest(anchorHeight uint64) fr.Element {
	return hash.AcceptanceDigest([2]uint64{anchorHeight, 1})
}
