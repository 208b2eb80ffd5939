package subtree

import (
	"errors"
	"fmt"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark/backend/groth16"

	"github.com/slush-tree/slush/circuits/commitment"
	"github.com/slush-tree/slush/circuits/ledger"
	"github.com/slush-tree/slush/circuits/recursion"
	"github.com/slush-tree/slush/circuits/smt"
)

// ErrWitness is returned for a step witness that cannot make a valid step, before anything is
// proven.
var ErrWitness = errors.New("subtree: invalid step witness")

// LeafStepWitness is everything a prover of a LeafStep needs: the child's move, where its leaf
// sits in its parent's children SMT, and the batch proof with the inbox entries it consumed.
type LeafStepWitness struct {
	// First marks the child's first commitment: its leaf was empty, and Old is its genesis state
	// (Old's ledger, outbox and receipt roots are the empty ones, InboxOld zero).
	First bool
	// Index is the child's index in its parent's children SMT.
	Index uint8
	// Siblings is the leaf's path in the parent's children SMT (commitment.ChildrenDepth long).
	Siblings []fr.Element
	// Old and New are the child's commitments before and after the batch.
	Old, New commitment.Commitment
	// InboxOld is the child's consumed-inbox head before the batch.
	InboxOld fr.Element
	// Claims are the message hashes the batch consumed, in order: claims, except the slots
	// Deposits open.
	Claims []fr.Element
	// Deposits open the forced deposits among Claims in the parent's outbox, in slot order; a
	// witness with deposits makes a KindLeafForced step (NewLeafForcedStep).
	Deposits []DepositOpening
	// ParentOutbox is the parent's outbox root the deposits are opened under.
	ParentOutbox fr.Element
	// Exits open the exit credits among Claims under New's finalized children root, in slot
	// order: a node ledger step's only (a leaf has no children to exit from); a witness with exits
	// makes a KindNodeLedgerExit step.
	Exits []ExitOpening
	// Proof is the batch proof under the step's inner key.
	Proof groth16.Proof
}

// Public returns what the step proves: the parent's children roots before and after the move.
func (w LeafStepWitness) Public() StepPublic {
	kind, before := uint64(KindLeaf), commitment.ChildLeaf(w.Index, w.Old.Hash())
	if w.First {
		kind, before = KindLeafFirst, fr.Element{}
	}
	var parentOutbox fr.Element
	if len(w.Deposits) > 0 {
		kind, parentOutbox = KindLeafForced, w.ParentOutbox
	}
	leaf := w.New.Hash()
	return StepPublic{
		Kind: kind, ChildVid: w.Old.Vid, Index: w.Index,
		RootBefore:   smt.ComputeRoot(smt.LeafHash(before), uint64(w.Index), w.Siblings),
		RootAfter:    smt.ComputeRoot(smt.LeafHash(commitment.ChildLeaf(w.Index, leaf)), uint64(w.Index), w.Siblings),
		AnchorHeight: w.New.AnchorHeight, AnchorCommitment: w.New.AnchorCommitment, Leaf: leaf, ParentOutbox: parentOutbox,
	}
}

// BatchInputs is the vector of values the batch proof states (ledger.PublicInputs.Elements),
// whose hash (ledger.StatementOf) the step verifies it on: the child's vid, roots, inbox heads
// and anchor, read from its commitments and claims.
func (w LeafStepWitness) BatchInputs() []fr.Element {
	return ledger.PublicInputs{
		Vid: w.Old.Vid, OldLedgerRoot: w.Old.LedgerRoot, NewLedgerRoot: w.New.LedgerRoot,
		OldInbox: w.InboxOld, NewInbox: w.InboxHead(), OldOutbox: w.Old.OutboxRoot, NewOutbox: w.New.OutboxRoot,
		OldReceipts: w.Old.ReceiptRoot, NewReceipts: w.New.ReceiptRoot,
		AnchorHeight: w.New.AnchorHeight, AnchorCommitment: w.New.AnchorCommitment,
	}.Elements()
}

// InboxHead is the inbox head after the batch: its entries chained from InboxOld, each with its
// source (forced at the slots Deposits open, exit at those Exits open, else a claim), as the
// batch proof states it.
func (w LeafStepWitness) InboxHead() fr.Element {
	head := w.InboxOld
	for i, m := range w.Claims {
		head = ledger.InboxLink(head, m, w.sourceAt(i))
	}
	return head
}

// AssignLeafStep returns the assignment of NewLeafStep(key, p) for w. It refuses, with
// ErrWitness, the shapes the circuit cannot hold (index 0, a path of the wrong length, more
// claims than slots); whether the step is valid is the circuit's to decide.
func AssignLeafStep(key recursion.FixedKey, p ledger.Params, w LeafStepWitness) (*LeafStep, error) {
	batchSize := p.BatchSize
	if w.Index == 0 {
		return nil, fmt.Errorf("%w: child index 0", ErrWitness)
	}
	if len(w.Siblings) != commitment.ChildrenDepth {
		return nil, fmt.Errorf("%w: %d siblings, want %d", ErrWitness, len(w.Siblings), commitment.ChildrenDepth)
	}
	if len(w.Exits) > 0 {
		return nil, fmt.Errorf("%w: a leaf step opens no exit (a leaf has no children)", ErrWitness)
	}
	if len(w.Claims) > batchSize {
		return nil, fmt.Errorf("%w: %d claims for a batch of %d slots", ErrWitness, len(w.Claims), batchSize)
	}
	proof, err := recursion.ValueOfProof(w.Proof)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrWitness, err)
	}
	c := NewLeafStep(key, p)
	if len(w.Deposits) > 0 {
		if c, err = assignDeposits(key, p, w); err != nil {
			return nil, err
		}
	}
	c.Statement = w.Public().Statement()
	c.First = 0
	if w.First {
		c.First = 1
	}
	c.Index = w.Index
	for i := range c.Siblings {
		c.Siblings[i] = w.Siblings[i]
	}
	c.Old, c.New = commitment.Assign(w.Old), commitment.Assign(w.New)
	c.InboxOld = w.InboxOld
	for i := range c.Entries {
		c.Entries[i], c.Used[i] = 0, 0
		if i < len(w.Claims) {
			c.Entries[i], c.Used[i] = w.Claims[i], 1
		}
	}
	c.Proof = proof
	return c, nil
}
