package subtree

import (
	"fmt"

	"github.com/consensys/gnark/frontend"

	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/inclusion"
	"github.com/slush-tree/slush/circuits/ledger"
	"github.com/slush-tree/slush/circuits/recursion"
	"github.com/slush-tree/slush/circuits/smt"
)

// KindLeafForced moves a leaf child's leaf by one batch that consumed forced deposits of its
// parent: the LeafStep circuit with its forced part (NewLeafForcedStep), whose statement also
// names the parent's outbox root the deposits are opened under (docs/PROTOCOL.md "Forced
// deposits into grandchildren").
const KindLeafForced = 9

// MaxForcedPerBatch is the most forced entries one forced step opens: with 6 openings a batch of
// the production shape (16 slots) stays under 2^20 constraints in both forced kinds, the node
// ledger step at the localnet's 3 children included (8 would not: BENCHMARKS.md "Forced deposits
// in a leaf step"); a chain whose parent has a step budget cuts its batches to fit (the parent
// refuses more).
const MaxForcedPerBatch = 6

// ForcedDeposit opens one forced entry of a batch in the parent's outbox (DESIGN §8: a forced
// deposit is a bridge-out the parent's ledger burnt, addressed to the child): the message's
// preimage, so that its destination can be checked, and its accumulator path.
type ForcedDeposit struct {
	// Enabled is 1 for an opening in use (the used ones come first).
	Enabled frontend.Variable
	// Slot is the batch slot (0..BatchSize-1) whose entry this opens.
	Slot frontend.Variable
	// SrcVid, DstVid, Nonce, Recipient, AssetID, Amount and Deadline are the message
	// (inclusion.Message); DstVid must be the child's vid.
	SrcVid, DstVid, Nonce, Recipient, AssetID, Amount, Deadline frontend.Variable
	// Index, Size and Siblings place the message in the parent's outbox accumulator.
	Index, Size frontend.Variable
	Siblings    []frontend.Variable
}

// newForcedDeposits returns n placeholder openings for an outbox of the given depth.
func newForcedDeposits(n, depth int) []ForcedDeposit {
	d := make([]ForcedDeposit, n)
	for i := range d {
		d[i].Siblings = make([]frontend.Variable, depth)
	}
	return d
}

// NewLeafForcedStep returns the forced variant of NewLeafStep(key, p): the same move, whose batch
// may consume up to min(MaxForcedPerBatch, p.BatchSize) forced deposits, each opened in the
// parent's outbox (an accumulator of depth p.OutboxDepth) and addressed to the child.
func NewLeafForcedStep(key recursion.FixedKey, p ledger.Params) *LeafStep {
	c := NewLeafStep(key, p)
	c.Forced = make([]frontend.Variable, p.BatchSize)
	c.Deposits = newForcedDeposits(min(MaxForcedPerBatch, p.BatchSize), p.OutboxDepth)
	c.ParentOutbox = make([]frontend.Variable, 1)
	return c
}

// forcedPart is a step's forced part as its Define reads it (LeafStep, NodeLedgerStep): empty in
// the plain circuits.
type forcedPart struct {
	forced, outbox []frontend.Variable
	deposits       []ForcedDeposit
}

// batchInboxGadget returns the inbox head after a step's batch, from head over the used entries,
// and what the step's statement states after the leaf: in a plain step the entries are claims
// and nothing more is stated; in a forced variant each entry is chained with its source, the
// forced ones are exactly the deposits opened in the parent's outbox for the child vid (DESIGN §8),
// and that outbox is stated.
func (f forcedPart) batchInboxGadget(api frontend.API, vid, head frontend.Variable, entries, used []frontend.Variable) (newHead frontend.Variable, stated []frontend.Variable) {
	if len(f.deposits) == 0 {
		return claimChainGadget(api, head, entries, used), nil
	}
	newHead = sourcedChainGadget(api, head, entries, used, f.forced, ledger.SourceForced)
	assertDeposits(api, vid, f.outbox[0], entries, f.forced, f.deposits)
	return newHead, f.outbox
}

// sourcedChainGadget extends an inbox head over the used entries, each chained with its source
// (ledger.InboxLink): a claim, or src (a forced deposit, an exit credit) where marked is 1.
// Marked entries must be used.
func sourcedChainGadget(api frontend.API, head frontend.Variable, entries, used, marked []frontend.Variable, src ledger.Source) frontend.Variable {
	for i := range entries {
		api.AssertIsBoolean(used[i])
		api.AssertIsBoolean(marked[i])
		api.AssertIsEqual(api.Mul(marked[i], api.Sub(1, used[i])), 0)
		source := api.Add(int(ledger.SourceClaim), api.Mul(marked[i], int(src)-int(ledger.SourceClaim)))
		next := hash.HashGadget(api, ledger.DomainInbox, head, entries[i], source)
		head = api.Select(used[i], next, head)
	}
	return head
}

// assertDeposits asserts that the forced entries are exactly the enabled openings' messages, in
// slot order, each addressed to the child (vid) and appended to the parent's outbox (outbox): a
// child mints a forced deposit only if its parent's proven ledger burnt it (DESIGN §8; the parent
// matches its queue natively, the chain above by this).
func assertDeposits(api frontend.API, vid, outbox frontend.Variable, entries, forced []frontend.Variable, deposits []ForcedDeposit) {
	cur := newSlotCursor(api, forced)
	for k := range deposits {
		d := &deposits[k]
		entry := cur.open(api, d.Enabled, d.Slot, entries, forced)
		msg := hash.HashGadget(api, hash.DomainMessage, d.SrcVid, d.DstVid, d.Nonce, d.Recipient, d.AssetID, d.Amount, d.Deadline)
		api.AssertIsEqual(api.Mul(d.Enabled, api.Sub(entry, msg)), 0)
		api.AssertIsEqual(api.Mul(d.Enabled, api.Sub(d.DstVid, vid)), 0)
		root := smt.AccumulatorMembershipGadget(api, msg, d.Index, d.Size, d.Siblings)
		api.AssertIsEqual(api.Mul(d.Enabled, api.Sub(root, outbox)), 0)
		cur.next(api, d.Enabled, d.Slot)
	}
	cur.assertAllOpened(api)
}

// slotCursor walks a step's openings of marked batch entries (forced deposits, exit credits) in
// order: the enabled openings come first, open marked slots strictly ascending (no entry is
// opened twice), and are as many as the marked entries (every marked entry is opened).
type slotCursor struct {
	marked, opened, prevEnabled, prevSlot frontend.Variable
}

// newSlotCursor starts a walk over the entries marked by marked (booleans, one per slot).
func newSlotCursor(api frontend.API, marked []frontend.Variable) *slotCursor {
	var nb frontend.Variable = 0
	for _, m := range marked {
		nb = api.Add(nb, m)
	}
	return &slotCursor{marked: nb, opened: 0, prevEnabled: 1, prevSlot: -1}
}

// open asserts that an opening (enabled, slot) may follow the previous ones and, when enabled,
// opens a marked slot; it returns that slot's entry. The caller checks the entry, then calls next.
func (c *slotCursor) open(api frontend.API, enabled, slot frontend.Variable, entries, marked []frontend.Variable) frontend.Variable {
	api.AssertIsBoolean(enabled)
	api.AssertIsEqual(api.Mul(enabled, api.Sub(1, c.prevEnabled)), 0) // used openings first
	// Slots strictly ascending among the enabled openings: no entry is opened twice.
	api.ToBinary(api.Mul(enabled, api.Sub(api.Sub(slot, c.prevSlot), 1)), 8)
	entry, isMarked, hit := selectSlot(api, slot, entries, marked)
	api.AssertIsEqual(api.Mul(enabled, api.Sub(hit, 1)), 0)
	api.AssertIsEqual(api.Mul(enabled, api.Sub(isMarked, 1)), 0)
	return entry
}

// next moves the cursor past the opening (enabled, slot).
func (c *slotCursor) next(api frontend.API, enabled, slot frontend.Variable) {
	c.opened = api.Add(c.opened, enabled)
	c.prevEnabled, c.prevSlot = enabled, api.Select(enabled, slot, c.prevSlot)
}

// assertAllOpened asserts that every marked entry was opened: distinct marked slots, as many as
// there are marked entries.
func (c *slotCursor) assertAllOpened(api frontend.API) {
	api.AssertIsEqual(c.opened, c.marked)
}

// selectSlot returns entries[slot] and forced[slot], and hit = 1 when slot is one of the slots.
func selectSlot(api frontend.API, slot frontend.Variable, entries, forced []frontend.Variable) (entry, isForced, hit frontend.Variable) {
	entry, isForced, hit = 0, 0, 0
	for i := range entries {
		s := api.IsZero(api.Sub(slot, i))
		entry = api.Add(entry, api.Mul(s, entries[i]))
		isForced = api.Add(isForced, api.Mul(s, forced[i]))
		hit = api.Add(hit, s)
	}
	return entry, isForced, hit
}

// DepositOpening is the native witness of one ForcedDeposit: the batch slot of a forced entry,
// its message and the message's path in the parent's outbox.
type DepositOpening struct {
	// Slot is the entry's position in the batch (LeafStepWitness.Claims).
	Slot int
	// Message is the forced deposit; its hash is the entry.
	Message inclusion.Message
	// Proof places Message.Hash() in the parent's outbox (LeafStepWitness.ParentOutbox).
	Proof smt.AccumulatorProof
}

// sourceAt is the inbox source of entry i of the batch: forced where a deposit opens it, exit
// where an exit opening does.
func (w LeafStepWitness) sourceAt(i int) ledger.Source {
	for _, d := range w.Deposits {
		if d.Slot == i {
			return ledger.SourceForced
		}
	}
	for _, e := range w.Exits {
		if e.Slot == i {
			return ledger.SourceExit
		}
	}
	return ledger.SourceClaim
}

// assignDeposits returns NewLeafForcedStep(key, p) with w's deposits assigned (the rest of the
// step is assigned by AssignLeafStep). It refuses, with ErrWitness, what the circuit cannot hold:
// a first step, more deposits than openings, slots out of order or beyond the claims, a path of
// another depth.
func assignDeposits(key recursion.FixedKey, p ledger.Params, w LeafStepWitness) (*LeafStep, error) {
	c := NewLeafForcedStep(key, p)
	switch {
	case w.First:
		return nil, fmt.Errorf("%w: a first step consumes no forced deposit", ErrWitness)
	case len(w.Deposits) > len(c.Deposits):
		return nil, fmt.Errorf("%w: %d forced deposits, %d openings", ErrWitness, len(w.Deposits), len(c.Deposits))
	}
	for i := range c.Forced {
		c.Forced[i] = 0
	}
	prev := -1
	for k := range c.Deposits {
		d := &c.Deposits[k]
		if k >= len(w.Deposits) {
			padDeposit(d)
			continue
		}
		o := w.Deposits[k]
		if o.Slot <= prev || o.Slot >= len(w.Claims) || len(o.Proof.Siblings) != p.OutboxDepth {
			return nil, fmt.Errorf("%w: forced deposit %d at slot %d (previous %d, %d entries, %d siblings)",
				ErrWitness, k, o.Slot, prev, len(w.Claims), len(o.Proof.Siblings))
		}
		prev = o.Slot
		c.Forced[o.Slot] = 1
		m := o.Message
		d.Enabled, d.Slot = 1, o.Slot
		d.SrcVid, d.DstVid, d.Nonce, d.Recipient, d.AssetID, d.Amount, d.Deadline = m.SrcVid, m.DstVid, m.Nonce, m.Recipient, m.AssetID, m.Amount, m.Deadline
		d.Index, d.Size = o.Proof.Index, o.Proof.Size
		for i := range d.Siblings {
			d.Siblings[i] = o.Proof.Siblings[i]
		}
	}
	c.ParentOutbox[0] = w.ParentOutbox
	return c, nil
}

// padDeposit assigns an unused opening: every constraint holds with Enabled 0 (index 0 of an
// accumulator of size 1).
func padDeposit(d *ForcedDeposit) {
	d.Enabled, d.Slot = 0, 0
	d.SrcVid, d.DstVid, d.Nonce, d.Recipient, d.AssetID, d.Amount, d.Deadline = 0, 0, 0, 0, 0, 0, 0
	d.Index, d.Size = 0, 1
	for i := range d.Siblings {
		d.Siblings[i] = 0
	}
}
