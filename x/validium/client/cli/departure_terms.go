package cli

import (
	"bytes"
	"context"
	"fmt"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"

	"github.com/slush-tree/slush/circuits/commitment"
	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/relayer/chainclient"
	slushtypes "github.com/slush-tree/slush/types"
	treetypes "github.com/slush-tree/slush/x/tree/types"
	"github.com/slush-tree/slush/x/validium/types"
)

// departureTerms are where a departed chain goes, who registers it there and the inbox head its
// departure binds: from its old parent's record (departing updates, docs/PROTOCOL.md
// "Re-parenting" 1.) or, when that parent is frozen, from the departure its grandparent recorded
// (MsgLeaveFrozenParent, "Re-parenting" 8.).
type departureTerms struct {
	newParent    slushtypes.Path
	operatorName string
	operator     []byte
	head         fr.Element
	// inboxHead is head as the record holds it (empty: the zero head), carried by the proof.
	inboxHead []byte
	// key is the old parent's key hash of the chain (departing updates); unset when frozen.
	key fr.Element
	// frozen is the grandparent's record of a departure from the frozen parent, or nil.
	frozen *types.FrozenDeparture
}

// readDeparture reads the departure of oldPath: the grandparent's record of a departure from a
// frozen parent first (a departing update at a parent that froze since can never be final), else
// the old parent's record of the departing child.
func readDeparture(ctx context.Context, levels []ArrivalChain, oldPath slushtypes.Path, decodeAddress func(string) ([]byte, error)) (departureTerms, error) {
	n := len(oldPath)
	parentPath, index := oldPath[:n-1], uint32(oldPath[n-1])
	var t departureTerms
	var newParent []uint32
	var operator string
	var head []byte
	if n >= 2 {
		res, err := levels[n-2].FrozenDeparture(ctx, uint32(oldPath[n-2]), index, 0)
		switch {
		case err == nil:
			d := res.Departure
			t.frozen, newParent, operator, head = &d, d.NewParent, d.NewOperator, d.InboxHead
		case !chainclient.IsNotFound(err):
			return departureTerms{}, fmt.Errorf("departures from %s at %s: %w", parentPath, oldPath[:n-2], err)
		}
	}
	if t.frozen == nil {
		rec, err := levels[n-1].Child(ctx, index, 0)
		if err != nil {
			return departureTerms{}, fmt.Errorf("child %d on %s: %w", index, parentPath, err)
		}
		d := rec.Child.Departure
		if d == nil {
			return departureTerms{}, fmt.Errorf("%s has no departure recorded: no departing update at %s, no departure from a frozen %s at its parent", oldPath, parentPath, parentPath)
		}
		if t.key, err = slushtypes.DecodeOperatorKeyHash(rec.Child.OperatorKeyHash); err != nil {
			return departureTerms{}, fmt.Errorf("child %d's key hash on %s: %w", index, parentPath, err)
		}
		newParent, operator, head = d.NewParent, d.NewOperator, rec.Child.InboxHead
	}
	var err error
	if t.newParent, err = (types.Departure{NewParent: newParent, NewOperator: operator}).NewParentPath(); err != nil {
		return departureTerms{}, err
	}
	t.operatorName, t.inboxHead = operator, head
	if t.operator, err = decodeAddress(operator); err != nil {
		return departureTerms{}, fmt.Errorf("the departure's new operator %q: %w", operator, err)
	}
	if t.head, err = slushtypes.DecodeOperatorKeyHash(head); err != nil { // empty is the zero head
		return departureTerms{}, fmt.Errorf("the departure's inbox head: %w", err)
	}
	return t, nil
}

// departed checks that v, the commitment of oldPath the walk from root height h reached (stored at
// rec), is the one that departed, and returns the operator key hash the registration binds: the
// departing commitment carries the mark for the old parent's key hash; a departure from a frozen
// parent leaves with the commitment the grandparent recorded, which carries the key hash itself.
func (t departureTerms) departed(oldPath slushtypes.Path, h uint64, rec treetypes.OwnCommitment, v commitment.Commitment) (fr.Element, error) {
	if t.frozen != nil {
		if !bytes.Equal(rec.Commitment, t.frozen.Commitment) {
			return fr.Element{}, fmt.Errorf("%s's commitment final along its path at root height %d is %X (block %d), it left its frozen parent with %X: "+
				"the frozen parent's final commitment is not the one the departure opened at that root height (try a later --%s)",
				oldPath, h, rec.Commitment, rec.Height, t.frozen.Commitment, flagRootHeight)
		}
		return v.OperatorKeyHash, nil
	}
	newParentVid, err := t.newParent.Vid()
	if err != nil {
		return fr.Element{}, err
	}
	mark, err := types.DepartureMark(t.key, newParentVid, t.operator, t.head)
	if err != nil {
		return fr.Element{}, err
	}
	switch {
	case v.OperatorKeyHash.Equal(&mark):
		return t.key, nil
	case v.OperatorKeyHash.Equal(&t.key):
		return fr.Element{}, fmt.Errorf("%s's commitment final along its path at root height %d (anchor %d, block %d of %s) is one from before its departure: "+
			"its departure is not final up to the root at root height %d yet (try a later --%s)", oldPath, h, v.AnchorHeight, rec.Height, oldPath, h, flagRootHeight)
	default:
		return fr.Element{}, fmt.Errorf("%s's commitment final along its path at root height %d (anchor %d, block %d of %s) carries neither its key hash nor "+
			"the departure mark %s's record implies (for %s by %s, inbox head %X)", oldPath, h, v.AnchorHeight, rec.Height, oldPath, oldPath[:len(oldPath)-1],
			t.newParent, t.operatorName, hash.EncodeElement(t.head))
	}
}

// readFrozenExit reads, from the grandparent gp of oldPath at the block where gp made the
// commitment the walk from root height h holds (gpRec), the opening of the frozen parent's leaf
// in gp's children root (the frozen mark) and of the departure in the parent's departures SMT.
func readFrozenExit(ctx context.Context, gp ArrivalChain, gpRec treetypes.OwnCommitment, oldPath slushtypes.Path, h uint64) (*types.FrozenExit, error) {
	n := len(oldPath)
	gpPath, parentIndex, index := oldPath[:n-2], uint32(oldPath[n-2]), uint32(oldPath[n-1])
	c, err := gpRec.Fields.Decode()
	if err != nil {
		return nil, fmt.Errorf("%s's commitment at block %d: %w", gpPath, gpRec.Height, err)
	}
	leaf, err := gp.ChildProof(ctx, parentIndex, gpRec.Height)
	if err != nil {
		return nil, fmt.Errorf("%s's children proof of %s at block %d: %w", gpPath, oldPath[:n-1], gpRec.Height, err)
	}
	if want := hash.EncodeElement(c.ChildrenRoot); !bytes.Equal(leaf.ChildrenRoot, want) {
		return nil, fmt.Errorf("%s's children root at block %d is %X, its commitment there holds %X (the node's state is not that block's)", gpPath, gpRec.Height, leaf.ChildrenRoot, want)
	}
	rec, err := gp.Child(ctx, parentIndex, gpRec.Height)
	if err != nil {
		return nil, fmt.Errorf("%s's record of %s at block %d: %w", gpPath, oldPath[:n-1], gpRec.Height, err)
	}
	dep, err := gp.FrozenDeparture(ctx, parentIndex, index, gpRec.Height)
	if chainclient.IsNotFound(err) {
		return nil, fmt.Errorf("%s's commitment at root height %d (block %d) is from before it recorded %s's departure: try a later --%s", gpPath, h, gpRec.Height, oldPath, flagRootHeight)
	}
	if err != nil {
		return nil, fmt.Errorf("%s's departure from %s at block %d: %w", oldPath, gpPath, gpRec.Height, err)
	}
	latest := rec.Child.LatestCommitment
	if len(latest) == 0 {
		latest = hash.EncodeElement(fr.Element{})
	}
	return &types.FrozenExit{
		Latest: latest, LatestSiblings: leaf.Siblings, DeparturesRoot: dep.DeparturesRoot, DepartureSiblings: dep.Siblings,
	}, nil
}
