package keeper

import (
	"context"
	"errors"

	errorsmod "cosmossdk.io/errors"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"

	"cosmossdk.io/collections"

	"github.com/slush-tree/slush/circuits/commitment"
	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/smt"
	"github.com/slush-tree/slush/internal/smtstore"
	"github.com/slush-tree/slush/x/acceptance/types"
)

// finalizedTree opens the finalized-children SMT: leaf of child i = ChildLeaf(i, its finalized
// commitment), the children SMT of DESIGN §3 over finalized rather than latest commitments.
func (k Keeper) finalizedTree(ctx context.Context) (*commitment.ChildrenTree, error) {
	return commitment.NewChildrenTree(smtstore.New(ctx, k.FinalizedTree))
}

// setFinalizedLeaf points child index's finalized-children leaf at its finalized commitment.
func (k Keeper) setFinalizedLeaf(ctx context.Context, index uint32, finalized [types.CommitmentLength]byte) error {
	h, err := hash.DecodeElement(finalized[:])
	if err != nil {
		return errorsmod.Wrapf(types.ErrInvalidCommitment, "child %d finalized commitment: %v", index, err)
	}
	tree, err := k.finalizedTree(ctx)
	if err != nil {
		return err
	}
	return tree.SetChild(uint8(index), h)
}

// FinalizedChildrenRoot is the root of the SMT of this chain's children's finalized commitments
// (commitment.EmptyChildrenRoot() while none is finalized): what a chain's commitment binds so
// that a state can be proven final along its whole path to the root (DESIGN §3, §6).
func (k Keeper) FinalizedChildrenRoot(ctx context.Context) (fr.Element, error) {
	tree, err := k.finalizedTree(ctx)
	if err != nil {
		return fr.Element{}, err
	}
	return tree.Root()
}

// FinalizedChildProof returns child index's finalized commitment and the membership proof of
// its leaf ChildLeaf(index, commitment) under FinalizedChildrenRoot; a child without a record
// or without a finalized commitment is ErrNotFinalized (DESIGN §6).
func (k Keeper) FinalizedChildProof(ctx context.Context, index uint32) ([]byte, smt.Proof, error) {
	finalized, err := k.finalizedHash(ctx, index)
	if err != nil {
		return nil, smt.Proof{}, err
	}
	tree, err := k.finalizedTree(ctx)
	if err != nil {
		return nil, smt.Proof{}, err
	}
	proof, err := tree.Prove(uint8(index))
	if err != nil {
		return nil, smt.Proof{}, err
	}
	return append([]byte(nil), finalized.Commitment[:]...), proof, nil
}

// finalizedHash returns child index's finalized hash, or ErrNotFinalized saying why it has none.
func (k Keeper) finalizedHash(ctx context.Context, index uint32) (types.StateHash, error) {
	if err := checkChildIndex(index); err != nil {
		return types.StateHash{}, err
	}
	record, err := k.Children.Get(ctx, index)
	if errors.Is(err, collections.ErrNotFound) {
		return types.StateHash{}, errorsmod.Wrapf(types.ErrNotFinalized, "child %d has no acceptance record", index)
	}
	if err != nil {
		return types.StateHash{}, err
	}
	tracker, err := record.ToTracker()
	if err != nil {
		return types.StateHash{}, err
	}
	finalized, ok := tracker.FinalizedHash()
	if !ok {
		return types.StateHash{}, errorsmod.Wrapf(types.ErrNotFinalized, "child %d has no finalized commitment yet", index)
	}
	return finalized, nil
}

// OnChildRemoved forgets a deregistered child: its acceptance record and its finalized-children
// leaf, so that its index can be registered again from b = 1 (DESIGN §5 deregistration frees the
// index). x/validium calls it when it removes a child; removing an unknown child is a no-op.
func (k Keeper) OnChildRemoved(ctx context.Context, index uint32) error {
	if err := checkChildIndex(index); err != nil {
		return err
	}
	if err := k.Children.Remove(ctx, index); err != nil {
		return err
	}
	tree, err := k.finalizedTree(ctx)
	if err != nil {
		return err
	}
	return tree.RemoveChild(uint8(index))
}

// OnChildDeparted stops counting a child that left for another parent (issue 20,
// docs/PROTOCOL.md "Re-parenting" 2.): its subtree and report no longer enter this chain's own
// report — they are its new parent's to count, and left here they would hold this chain's
// finality back for good —, further updates are refused, and its finalized hash and leaf stay:
// messages it sent before it left are claimed through them.
func (k Keeper) OnChildDeparted(ctx context.Context, index uint32) error {
	if err := checkChildIndex(index); err != nil {
		return err
	}
	record, err := k.Children.Get(ctx, index)
	if err != nil {
		return err
	}
	record.Departed = true // its last report stays readable; SubtreeReport skips it
	return k.Children.Set(ctx, index, record)
}

// restoreFinalizedLeaf rebuilds an imported child's finalized-children leaf: the SMT is derived
// from the records, so an exported chain keeps the same finalized-children root.
func (k Keeper) restoreFinalizedLeaf(ctx context.Context, c types.ChildRecord) error {
	tracker, err := c.Record.ToTracker()
	if err != nil {
		return err
	}
	h, ok := tracker.FinalizedHash()
	if !ok {
		return nil
	}
	return k.setFinalizedLeaf(ctx, c.ChildIndex, h.Commitment)
}
