package subtree

import (
	"fmt"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark/frontend"

	"github.com/slush-tree/slush/circuits/commitment"
	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/inclusion"
	"github.com/slush-tree/slush/circuits/ledger"
	"github.com/slush-tree/slush/circuits/recursion"
	"github.com/slush-tree/slush/circuits/smt"
)

// KindNodeLedgerExit is KindNodeLedger for a batch that credited exits from the child's frozen
// children (NewNodeLedgerExitStep): each exit entry is opened under the child's finalized
// children root (docs/PROTOCOL.md "Exits below a grandchild").
const KindNodeLedgerExit = 12

// MaxExitsPerBatch is the most exit entries one exit step opens: with 3 openings the node ledger
// step of the production shape (batch 16, 3 children) stays under 2^20 constraints
// (BenchmarkNodeLedgerStepConstraints); a chain whose parent has a step budget cuts its batches to
// fit (the parent refuses more), and a batch opens forced deposits or exits, never both.
const MaxExitsPerBatch = 3

// StepBatchBounds is what one step above a chain opens of one of its batches: at most
// MaxForcedPerBatch forced entries or MaxExitsPerBatch exit entries, never both (each variant
// opens one source). A chain whose parent has a step budget refuses child batches beyond it
// (x/validium CheckBatchEntries), and the relayer cuts batches to fit (ledger.SplitBatches).
var StepBatchBounds = ledger.BatchBounds{Forced: MaxForcedPerBatch, Exits: MaxExitsPerBatch, OneSource: true}

// ExitCredit opens one exit entry of a batch (DESIGN §8, the seed's "Trustless exits"): the
// account of a frozen child of the chain, in that child's commitment held by the chain's
// finalized children root, whose exit message (ledger.ExitMessage) is the entry.
type ExitCredit struct {
	// Enabled is 1 for an opening in use (the used ones come first).
	Enabled frontend.Variable
	// Slot is the batch slot (0..BatchSize-1) whose entry this opens.
	Slot frontend.Variable
	// ChildIndex is the exited child's index (1..255) in the chain's children SMT.
	ChildIndex frontend.Variable
	// Child is the exited child's finalized commitment.
	Child commitment.Var
	// Siblings place Child's leaf in the chain's finalized children SMT.
	Siblings [commitment.ChildrenDepth]frontend.Variable
	// AccountsRoot, NumAccounts and ConsumedRoot are the preimage of Child's ledger root.
	AccountsRoot, NumAccounts, ConsumedRoot frontend.Variable
	// AccountIndex is the account's index (< NumAccounts) in the accounts SMT.
	AccountIndex frontend.Variable
	// Owner, Asset, Balance and Nonce are the account record (ledger.Account).
	Owner, Asset, Balance, Nonce frontend.Variable
	// AccountSiblings place the account in the accounts SMT (the ledger's account depth).
	AccountSiblings []frontend.Variable
}

// newExitCredits returns n placeholder openings for accounts SMTs of the given depth.
func newExitCredits(n, accountDepth int) []ExitCredit {
	e := make([]ExitCredit, n)
	for i := range e {
		e[i].AccountSiblings = make([]frontend.Variable, accountDepth)
	}
	return e
}

// NewNodeLedgerExitStep returns the exit variant of NewNodeLedgerStep(key, p, s): a batch that may
// consume up to min(MaxExitsPerBatch, p.BatchSize) exit credits (and claims, no forced deposit),
// each opened under the child's finalized children root (kind 12). Nothing more is stated: the
// root it opens them under is in the child's new commitment, which the statement names.
func NewNodeLedgerExitStep(key recursion.FixedKey, p ledger.Params, s NodeShape) *NodeLedgerStep {
	c := NewNodeLedgerStep(key, p, s)
	c.Exited = make([]frontend.Variable, p.BatchSize)
	c.Exits = newExitCredits(min(MaxExitsPerBatch, p.BatchSize), p.AccountDepth)
	return c
}

// assertExits asserts that the exit entries are exactly the enabled openings' exit messages, in
// slot order, each the balance of an account of a child of the chain vid at the child's
// commitment in finalized, the chain's finalized children root: what the chain's parent checks
// natively of every exit (x/validium ExitProof.Verify), here for the chain above it.
func assertExits(api frontend.API, vid, finalized frontend.Variable, entries, exited []frontend.Variable, exits []ExitCredit) {
	cur := newSlotCursor(api, exited)
	for k := range exits {
		e := &exits[k]
		entry := cur.open(api, e.Enabled, e.Slot, entries, exited)
		api.AssertIsDifferent(e.ChildIndex, 0) // index 0 is the chain itself, never a child
		api.AssertIsEqual(api.Mul(e.Enabled, api.Sub(e.Child.Vid, childVidGadget(api, vid, e.ChildIndex))), 0)
		leaf := commitment.ChildLeafGadget(api, e.ChildIndex, e.Child.HashGadget(api))
		api.AssertIsEqual(api.Mul(e.Enabled, api.Sub(smt.MembershipGadget(api, leaf, e.ChildIndex, e.Siblings[:]), finalized)), 0)
		api.AssertIsEqual(api.Mul(e.Enabled, api.Sub(ledger.LedgerRootGadget(api, e.AccountsRoot, e.NumAccounts, e.ConsumedRoot), e.Child.LedgerRoot)), 0)
		// AccountIndex < NumAccounts, both below 2^64 (the native Open's bound).
		api.ToBinary(e.NumAccounts, 64)
		api.ToBinary(api.Mul(e.Enabled, api.Sub(api.Sub(e.NumAccounts, e.AccountIndex), 1)), 64)
		account := ledger.AccountHashGadget(api, e.Owner, e.Asset, e.Balance, e.Nonce)
		api.AssertIsEqual(api.Mul(e.Enabled, api.Sub(smt.MembershipGadget(api, account, e.AccountIndex, e.AccountSiblings), e.AccountsRoot)), 0)
		msg := hash.HashGadget(api, hash.DomainMessage, e.Child.Vid, vid, e.AccountIndex, e.Owner, e.Asset, e.Balance, 0)
		api.AssertIsEqual(api.Mul(e.Enabled, api.Sub(entry, msg)), 0)
		cur.next(api, e.Enabled, e.Slot)
	}
	cur.assertAllOpened(api)
}

// ExitOpening is the native witness of one ExitCredit: the batch slot of an exit entry and what
// the chain's parent checked of it (x/validium ExitProof): the exited child's commitment and its
// path in the chain's finalized children SMT, and the account's.
type ExitOpening struct {
	// Slot is the entry's position in the batch (LeafStepWitness.Claims).
	Slot int
	// ChildIndex is the exited child's index in the chain's children SMT.
	ChildIndex uint8
	// Child is the exited child's finalized commitment.
	Child commitment.Commitment
	// Siblings place Child's leaf in the chain's finalized children SMT (ChildrenDepth long).
	Siblings []fr.Element
	// AccountsRoot, NumAccounts and ConsumedRoot are the preimage of Child.LedgerRoot.
	AccountsRoot fr.Element
	NumAccounts  uint64
	ConsumedRoot fr.Element
	// AccountIndex and Account are the exited account and its index.
	AccountIndex uint64
	Account      ledger.Account
	// AccountSiblings place Account.Hash() at AccountIndex under AccountsRoot.
	AccountSiblings []fr.Element
}

// Message is the exit message the opening justifies, credited to the chain vid.
func (o ExitOpening) Message(vid fr.Element) inclusion.Message {
	return ledger.ExitMessage(o.Child.Vid, vid, o.AccountIndex, o.Account)
}

// Verify checks natively what assertExits checks of the opening for the chain vid whose finalized
// children root is finalized, so that a relayer refuses an opening before proving it.
func (o ExitOpening) Verify(vid, finalized fr.Element) error {
	want, err := ChildVid(vid, o.ChildIndex)
	if err != nil {
		return err
	}
	ledgerRoot := ledger.LedgerRoot(o.AccountsRoot, o.NumAccounts, o.ConsumedRoot)
	switch {
	case o.ChildIndex == 0 || !o.Child.Vid.Equal(&want):
		return fmt.Errorf("%w: exit opening of child %d names another chain", ErrWitness, o.ChildIndex)
	case len(o.Siblings) != commitment.ChildrenDepth:
		return fmt.Errorf("%w: %d finalized-children siblings, want %d", ErrWitness, len(o.Siblings), commitment.ChildrenDepth)
	case smt.VerifyProof(finalized, commitment.ChildrenDepth, smt.Proof{Index: uint64(o.ChildIndex),
		Value: commitment.ChildLeaf(o.ChildIndex, o.Child.Hash()), Siblings: o.Siblings}) != nil:
		return fmt.Errorf("%w: child %d's commitment is not in the finalized children root", ErrWitness, o.ChildIndex)
	case !ledgerRoot.Equal(&o.Child.LedgerRoot):
		return fmt.Errorf("%w: the ledger root does not open to (accounts root, count)", ErrWitness)
	case o.AccountIndex >= o.NumAccounts:
		return fmt.Errorf("%w: account %d of %d", ErrWitness, o.AccountIndex, o.NumAccounts)
	case len(o.AccountSiblings) == 0 || smt.VerifyProof(o.AccountsRoot, len(o.AccountSiblings),
		smt.Proof{Index: o.AccountIndex, Value: o.Account.Hash(), Siblings: o.AccountSiblings}) != nil:
		return fmt.Errorf("%w: account %d is not in the exited child's ledger", ErrWitness, o.AccountIndex)
	}
	return nil
}

// assignExits assigns w's exit openings to c, the exit variant (NewNodeLedgerExitStep), whose
// entries are assigned. It refuses, with ErrWitness, what the circuit cannot hold: deposits
// beside exits, more exits than openings, slots out of order or beyond the claims, a path of
// another depth.
func assignExits(c *NodeLedgerStep, p ledger.Params, w LeafStepWitness) error {
	switch {
	case len(w.Deposits) > 0:
		return fmt.Errorf("%w: a batch opens forced deposits or exits, not both", ErrWitness)
	case len(w.Exits) > len(c.Exits):
		return fmt.Errorf("%w: %d exits, %d openings", ErrWitness, len(w.Exits), len(c.Exits))
	}
	for i := range c.Exited {
		c.Exited[i] = 0
	}
	prev := -1
	for k := range c.Exits {
		e := &c.Exits[k]
		if k >= len(w.Exits) {
			padExit(e)
			continue
		}
		o := w.Exits[k]
		if o.Slot <= prev || o.Slot >= len(w.Claims) || len(o.Siblings) != commitment.ChildrenDepth || len(o.AccountSiblings) != p.AccountDepth {
			return fmt.Errorf("%w: exit %d at slot %d (previous %d, %d entries, %d and %d siblings)",
				ErrWitness, k, o.Slot, prev, len(w.Claims), len(o.Siblings), len(o.AccountSiblings))
		}
		prev = o.Slot
		c.Exited[o.Slot] = 1
		e.Enabled, e.Slot, e.ChildIndex, e.Child = 1, o.Slot, o.ChildIndex, commitment.Assign(o.Child)
		for i := range e.Siblings {
			e.Siblings[i] = o.Siblings[i]
		}
		e.AccountsRoot, e.NumAccounts, e.ConsumedRoot, e.AccountIndex = o.AccountsRoot, o.NumAccounts, o.ConsumedRoot, o.AccountIndex
		e.Owner, e.Asset, e.Balance, e.Nonce = o.Account.Owner, o.Account.Asset, o.Account.Balance, o.Account.Nonce
		for i := range e.AccountSiblings {
			e.AccountSiblings[i] = o.AccountSiblings[i]
		}
	}
	return nil
}

// padExit assigns an unused opening: every constraint holds with Enabled 0 (child index 1, an
// empty account at index 0 of a ledger of one account).
func padExit(e *ExitCredit) {
	e.Enabled, e.Slot, e.ChildIndex = 0, 0, 1
	e.Child = commitment.Assign(commitment.Commitment{})
	for i := range e.Siblings {
		e.Siblings[i] = 0
	}
	e.AccountsRoot, e.NumAccounts, e.ConsumedRoot, e.AccountIndex = 0, 1, 0, 0
	e.Owner, e.Asset, e.Balance, e.Nonce = 0, 0, 0, 0
	for i := range e.AccountSiblings {
		e.AccountSiblings[i] = 0
	}
}
