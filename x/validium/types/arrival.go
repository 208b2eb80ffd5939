package types

import (
	"errors"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"

	errorsmod "cosmossdk.io/errors"

	"github.com/slush-tree/slush/circuits/commitment"
	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/smt"
	slushtypes "github.com/slush-tree/slush/types"
)

// Validate checks an arrival proof without state: 1..MaxPathDepth hops, every commitment
// preimage canonical (ErrInvalidField) and every hop with exactly ChildrenDepth siblings.
func (p ArrivalProof) Validate() error {
	if len(p.Hops) == 0 || len(p.Hops) > commitment.MaxPathDepth {
		return errorsmod.Wrapf(ErrInvalidArrival, "%d hops, want 1..%d", len(p.Hops), commitment.MaxPathDepth)
	}
	if _, err := p.Root.Decode(); err != nil {
		return errorsmod.Wrapf(ErrInvalidField, "root: %v", err)
	}
	if len(p.InboxHead) > 0 {
		if _, err := hash.DecodeElement(p.InboxHead); err != nil {
			return errorsmod.Wrapf(ErrInvalidField, "inbox_head: %v", err)
		}
	}
	for i, hop := range p.Hops {
		if _, err := hop.Commitment.Decode(); err != nil {
			return errorsmod.Wrapf(ErrInvalidField, "hop %d: %v", i, err)
		}
		if len(hop.Siblings) != commitment.ChildrenDepth {
			return errorsmod.Wrapf(ErrInvalidArrival, "hop %d has %d siblings, want %d", i, len(hop.Siblings), commitment.ChildrenDepth)
		}
	}
	if p.Frozen == nil {
		return nil
	}
	if len(p.Hops) < 2 {
		return errorsmod.Wrap(ErrInvalidArrival, "a departure from a frozen parent opens the parent and the chain: at least 2 hops")
	}
	return p.Frozen.validate()
}

// validate checks a frozen exit's elements: canonical, 8 siblings each.
func (f FrozenExit) validate() error {
	if _, err := hash.DecodeElement(f.Latest); err != nil {
		return errorsmod.Wrapf(ErrInvalidField, "frozen latest: %v", err)
	}
	if _, err := hash.DecodeElement(f.DeparturesRoot); err != nil {
		return errorsmod.Wrapf(ErrInvalidField, "frozen departures_root: %v", err)
	}
	for i, sibs := range [][][]byte{f.LatestSiblings, f.DepartureSiblings} {
		if len(sibs) != commitment.ChildrenDepth {
			return errorsmod.Wrapf(ErrInvalidArrival, "frozen exit opening %d has %d siblings, want %d", i, len(sibs), commitment.ChildrenDepth)
		}
		if _, err := decodeSiblings(sibs, commitment.ChildrenDepth); err != nil {
			return errorsmod.Wrapf(ErrInvalidField, "frozen exit opening %d: %v", i, err)
		}
	}
	return nil
}

// Arrived is what a verified ArrivalProof establishes: the departed chain's departing
// commitment, final along its whole path in the root's history, and its path before the move.
type Arrived struct {
	// Commitment is the departed chain's departing commitment; its roots start its new record.
	Commitment commitment.Commitment
	// OldPath is the departed chain's path before the move.
	OldPath slushtypes.Path
}

// VerifyArrival checks an arrival proof (docs/PROTOCOL.md "Re-parenting" 3.): the root
// preimage hashes to rootCommitment (a root commitment this chain knows at the proof's height)
// and is the root's; every hop opens the previous level's finalized children root at the index
// its vid adds; and the last hop is a departing commitment marked for this chain (ownPath), the
// registering account (operator), the key hash the child keeps (keyHash) and the proof's inbox
// head. Anything else is ErrInvalidArrival (or ErrInvalidField for a broken element).
func VerifyArrival(p ArrivalProof, rootCommitment fr.Element, ownPath slushtypes.Path, keyHash fr.Element, operator []byte) (Arrived, error) {
	root, err := p.Root.Decode()
	if err != nil {
		return Arrived{}, errorsmod.Wrapf(ErrInvalidField, "root: %v", err)
	}
	if h := root.Hash(); !h.Equal(&rootCommitment) {
		return Arrived{}, errorsmod.Wrapf(ErrInvalidArrival, "root preimage is not the root commitment at height %d", p.RootHeight)
	}
	if !root.Vid.IsZero() { // the root's vid packs the empty path: 0
		return Arrived{}, errorsmod.Wrap(ErrInvalidArrival, "root preimage names another validium")
	}
	levels := []commitment.Commitment{root} // the root, then each hop's commitment
	parent, path := root, []uint8{}
	for i, hop := range p.Hops {
		c, err := hop.Commitment.Decode()
		if err != nil {
			return Arrived{}, errorsmod.Wrapf(ErrInvalidField, "hop %d: %v", i, err)
		}
		// DESIGN §7.2: the path bridge claims walk, through finalized children roots only.
		next, err := slushtypes.OpenChild(parent.FinalizedChildrenRoot, path, c, hop.Siblings)
		if errors.Is(err, slushtypes.ErrInvalidField) {
			return Arrived{}, errorsmod.Wrapf(ErrInvalidField, "hop %d: %v", i, err)
		}
		if err != nil {
			return Arrived{}, errorsmod.Wrapf(ErrInvalidArrival, "hop %d: %v", i, err)
		}
		parent, path = c, next
		levels = append(levels, c)
	}
	old := slushtypes.Path(path)
	if old.Equal(ownPath) || old.IsAncestorOf(ownPath) {
		return Arrived{}, errorsmod.Wrapf(ErrInvalidArrival, "%s cannot move under its own subtree %s", old, ownPath)
	}
	ownVid, err := ownPath.Vid()
	if err != nil {
		return Arrived{}, err
	}
	head, err := slushtypes.DecodeOperatorKeyHash(p.InboxHead) // empty is the zero head, as for a key hash
	if err != nil {
		return Arrived{}, errorsmod.Wrapf(ErrInvalidField, "inbox_head: %v", err)
	}
	mark, err := DepartureMark(keyHash, ownVid, operator, head)
	if err != nil {
		return Arrived{}, err
	}
	if p.Frozen != nil {
		if !parent.OperatorKeyHash.Equal(&keyHash) {
			return Arrived{}, errorsmod.Wrapf(ErrInvalidArrival, "%s's commitment binds another operator key than this registration", old)
		}
		n := len(levels)
		if err := p.Frozen.verify(levels[n-3].ChildrenRoot, old, mark); err != nil {
			return Arrived{}, err
		}
	} else if !mark.Equal(&parent.OperatorKeyHash) {
		return Arrived{}, errorsmod.Wrapf(ErrInvalidArrival, "%s's commitment is not a departure to %s registered by this operator with this key", old, ownPath)
	}
	return Arrived{Commitment: parent, OldPath: old}, nil
}

// verify checks a departure from a frozen parent (docs/PROTOCOL.md "Leaving a frozen parent"):
// the grandparent's children root gpChildren holds, at the frozen parent's index, the frozen mark
// over f's latest commitment and departures root, and that departures SMT holds mark at the
// departed chain's index (its path is departed).
func (f FrozenExit) verify(gpChildren fr.Element, departed slushtypes.Path, mark fr.Element) error {
	latest, err := hash.DecodeElement(f.Latest)
	if err != nil {
		return errorsmod.Wrapf(ErrInvalidField, "latest: %v", err)
	}
	departures, err := hash.DecodeElement(f.DeparturesRoot)
	if err != nil {
		return errorsmod.Wrapf(ErrInvalidField, "departures_root: %v", err)
	}
	parentIndex, index := departed[len(departed)-2], departed[len(departed)-1]
	if err := openLeaf(gpChildren, parentIndex, FrozenMark(latest, departures), f.LatestSiblings); err != nil {
		return errorsmod.Wrapf(ErrInvalidArrival, "the grandparent's children root does not hold %s as frozen with these departures", departed[:len(departed)-1])
	}
	if err := openLeaf(departures, index, mark, f.DepartureSiblings); err != nil {
		return errorsmod.Wrapf(ErrInvalidArrival, "the frozen parent's departures do not send %s here with this operator and key", departed)
	}
	return nil
}

// openLeaf checks that root holds ChildLeaf(index, value) with the given siblings.
func openLeaf(root fr.Element, index uint8, value fr.Element, siblings [][]byte) error {
	sibs, err := decodeSiblings(siblings, commitment.ChildrenDepth)
	if err != nil {
		return err
	}
	return smt.VerifyProof(root, commitment.ChildrenDepth, smt.Proof{Index: uint64(index), Value: commitment.ChildLeaf(index, value), Siblings: sibs})
}
