package planner

import (
	"errors"
	"fmt"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"

	"github.com/slush-tree/slush/circuits/commitment"
	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/ledger"
	"github.com/slush-tree/slush/circuits/prover"
	"github.com/slush-tree/slush/circuits/subtree"
	validiumtypes "github.com/slush-tree/slush/x/validium/types"
)

// errUnprovableMove says a grandchild's accepted update cannot be covered by the step kinds that
// exist (docs/PROTOCOL.md "What RECURSIVE mode cannot do yet"): the parent would refuse the
// update it belongs to, so the relayer does not prove it.
var errUnprovableMove = errors.New("no step kind proves this grandchild update yet")

// childMove is one update of a grandchild that its parent chain c accepted, in c's order, with
// what c held for the grandchild before it.
type childMove struct {
	// height is c's block that accepted the update.
	height int64
	// prev is the grandchild's commitment before the update (nil: its first update over an
	// empty leaf, a KindLeafFirst step; its genesis commitment for a first update over the
	// genesis leaf it was registered with, then genesis is set).
	prev *commitment.Commitment
	// genesis marks a first update over a genesis leaf: its steps are KindLeaf steps from prev.
	genesis bool
	// inbox is the grandchild's consumed-inbox head before the update.
	inbox fr.Element
	// msg is the update as c executed it.
	msg *validiumtypes.MsgSubmitUpdate
	// first marks the rest of a node's first update (splitFirstNodeMove): prev is then the
	// synthetic leaf state its batches reached, which no chain recorded.
	first bool
	// deposits open the forced deposits the update consumed in c's outbox (withDeposits; nil:
	// not read, and a forced entry is refused).
	deposits *forcedDeposits
	// exits open the exit credits the update consumed, one per exit entry in order, as its exit
	// proofs carry them (withExits: their paths under the update's finalized children root; nil:
	// not read, and an exit entry is refused).
	exits []subtree.ExitOpening
}

// entryOpenings open the entries of a child update that are not claims: its forced deposits in
// its parent's outbox (forced_steps.go) and, for the batches of a grandchild that has children,
// its exit credits under its finalized children root by entry hash (exit_steps.go); nil where not
// read, and such an entry is refused.
type entryOpenings struct {
	deposits *forcedDeposits
	exits    map[fr.Element]subtree.ExitOpening
}

// leafStepWitnesses turns moves, in c's execution order, into one LeafStep witness per batch
// (docs/PROTOCOL.md "Validity all the way up": an update with k batches is k steps over
// synthetic intermediate commitments, the update's fields with the roots after each batch),
// moving children — c's children SMT as the parent holds it before the first move — exactly as
// the steps do; a batch that consumed forced deposits is a KindLeafForced step opening them
// (the move's deposits). It refuses moves no LeafStep proves: an update without a batch (its
// proof is the step's inner proof), a batch proven with the transfer circuit (the step embeds
// the claim circuit's key), an exit entry (a leaf has no children to exit from; a node's batches
// are node ledger steps), a forced entry the move does not open (or in a first step, or more than
// subtree.MaxForcedPerBatch in a batch), or a grandchild with children.
func leafStepWitnesses(children *commitment.ChildrenTree, moves []childMove, params ledger.Params) ([]subtree.LeafStepWitness, error) {
	var out []subtree.LeafStepWitness
	for _, mv := range moves {
		ws, err := moveWitnesses(children, mv, params)
		if err != nil {
			return nil, fmt.Errorf("update of grandchild %d accepted at %d: %w", mv.msg.ChildIndex, mv.height, err)
		}
		out = append(out, ws...)
	}
	return out, nil
}

// moveWitnesses is leafStepWitnesses for one move.
func moveWitnesses(children *commitment.ChildrenTree, mv childMove, params ledger.Params) ([]subtree.LeafStepWitness, error) {
	msg := mv.msg
	if msg.ChildIndex == 0 || msg.ChildIndex > 255 {
		return nil, fmt.Errorf("child index %d", msg.ChildIndex)
	}
	index := uint8(msg.ChildIndex)
	newC, err := msg.NewCommitment.Decode()
	if err != nil {
		return nil, err
	}
	if len(msg.Batches) == 0 {
		return nil, fmt.Errorf("%w: it carries no batch proof (it was made without an anchor batch)", errUnprovableMove)
	}
	empty := commitment.EmptyChildrenRoot()
	if !newC.ChildrenRoot.Equal(&empty) || !newC.FinalizedChildrenRoot.Equal(&empty) {
		return nil, fmt.Errorf("%w: the grandchild has children (its moves are node steps, not leaf steps)", errUnprovableMove)
	}
	old, first := newC, mv.prev == nil
	if first { // an empty leaf: the genesis state every child under a RECURSIVE parent starts from
		g := ledger.EmptyRoots(params)
		old.LedgerRoot, old.OutboxRoot, old.ReceiptRoot, old.AnchorHeight, old.Epoch = g.Ledger, g.Outbox, g.Receipts, 0, 0
	} else {
		old = *mv.prev
	}
	head, next := mv.inbox, 0
	out := make([]subtree.LeafStepWitness, 0, len(msg.Batches))
	for j := range msg.Batches {
		w := subtree.LeafStepWitness{First: first && j == 0, Index: index, Old: old, New: newC}
		if next, err = batchMove(msg, j, next, head, entryOpenings{deposits: mv.deposits}, &w); err != nil {
			return nil, err
		}
		head = w.InboxHead()
		if err := moveLeaf(children, index, &w.Siblings, w.New.Hash()); err != nil {
			return nil, err
		}
		out = append(out, w)
		old = w.New
	}
	return out, nil
}

// batchMove fills w's move by batch j of msg, which consumes the update's inbox entries from
// next on starting at inbox head head: every entry's hash in w.Claims, in order, with each forced
// entry and exit entry opened from open (addEntry; a batch proven with the transfer circuit,
// which no step proves, is refused), the roots after the batch in w.New, and its proof. It
// returns where the next batch's entries start.
func batchMove(msg *validiumtypes.MsgSubmitUpdate, j, next int, head fr.Element, open entryOpenings, w *subtree.LeafStepWitness) (int, error) {
	b := msg.Batches[j]
	if b.Transfer {
		return 0, fmt.Errorf("%w: batch %d is proven with the transfer circuit", errUnprovableMove, j)
	}
	if next+int(b.InboxEntries) > len(msg.InboxEntries) {
		return 0, fmt.Errorf("batch %d consumes entries past the update's %d", j, len(msg.InboxEntries))
	}
	w.InboxOld, w.Claims, w.Deposits, w.ParentOutbox, w.Exits = head, nil, nil, fr.Element{}, nil
	for _, e := range msg.InboxEntries[next : next+int(b.InboxEntries)] {
		h, src, err := e.Decode()
		if err != nil {
			return 0, err
		}
		if err := addEntry(w, j, h, src, open); err != nil {
			return 0, err
		}
	}
	roots, err := b.End.Decode()
	if err != nil {
		return 0, err
	}
	w.New.LedgerRoot, w.New.OutboxRoot, w.New.ReceiptRoot = roots[0], roots[1], roots[2]
	if w.Proof, err = prover.DecodeProof(b.Proof); err != nil {
		return 0, err
	}
	return next + int(b.InboxEntries), nil
}

// addEntry appends entry h of source src to w's batch (batch j of the update): a claim, a forced
// deposit (addDeposit) or an exit credit (addExit) with its opening from open at its slot. Any
// other source is errUnprovableMove.
func addEntry(w *subtree.LeafStepWitness, j int, h fr.Element, src ledger.Source, open entryOpenings) error {
	var err error
	switch src {
	case ledger.SourceClaim:
	case ledger.SourceForced:
		err = addDeposit(w, j, h, open.deposits)
	case ledger.SourceExit:
		err = addExit(w, j, h, open.exits)
	default:
		err = fmt.Errorf("%w: batch %d consumes an entry of source %s (steps prove claims, forced deposits and exits only)", errUnprovableMove, j, src)
	}
	if err != nil {
		return err
	}
	w.Claims = append(w.Claims, h)
	return nil
}

// addDeposit opens forced entry h of w's batch (batch j) from deposits at its slot, under
// deposits' outbox root. It refuses, as errUnprovableMove, a forced entry without deposits (not
// opened in the parent's outbox), in a first step (KindLeafFirst starts from the genesis state and
// opens no deposit), beside an exit entry (a step opens one source: docs/PROTOCOL.md "Forced
// deposits into grandchildren") or past subtree.MaxForcedPerBatch in the batch.
func addDeposit(w *subtree.LeafStepWitness, j int, h fr.Element, deposits *forcedDeposits) error {
	switch {
	case deposits == nil:
		return fmt.Errorf("%w: batch %d consumes a forced entry that is not opened in the parent's outbox", errUnprovableMove, j)
	case w.First:
		return fmt.Errorf("%w: batch %d consumes a forced entry in a first step (a first step opens no forced deposit)", errUnprovableMove, j)
	case len(w.Exits) > 0:
		return fmt.Errorf("%w: batch %d consumes forced and exit entries (a step opens forced deposits or exits, not both)", errUnprovableMove, j)
	case len(w.Deposits) == subtree.MaxForcedPerBatch:
		return fmt.Errorf("%w: batch %d consumes more than %d forced entries (a forced step opens at most that many)", errUnprovableMove, j, subtree.MaxForcedPerBatch)
	}
	d, ok := deposits.byHash[h]
	if !ok {
		return fmt.Errorf("batch %d: forced entry %X was not opened", j, hash.EncodeElement(h))
	}
	d.Slot = len(w.Claims)
	w.Deposits, w.ParentOutbox = append(w.Deposits, d), deposits.outbox
	return nil
}

// moveLeaf sets siblings to the path of index in children and moves its leaf to leaf, as the
// parent's checker moves the children root by one step.
func moveLeaf(children *commitment.ChildrenTree, index uint8, siblings *[]fr.Element, leaf fr.Element) error {
	path, err := children.Prove(index)
	if err != nil {
		return err
	}
	*siblings = path.Siblings
	return children.SetChild(index, leaf)
}
