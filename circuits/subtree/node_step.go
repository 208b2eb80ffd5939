package subtree

import (
	"fmt"

	"github.com/consensys/gnark/frontend"

	"github.com/slush-tree/slush/circuits/commitment"
	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/ledger"
	"github.com/slush-tree/slush/circuits/recursion"
	"github.com/slush-tree/slush/circuits/smt"
)

// KindNodeLedger moves the leaf of a child that has children by one batch of its own ledger,
// its children roots unchanged (NodeLedgerStep).
const KindNodeLedger = 3

// KindNodeLedgerForced is KindNodeLedger for a batch that consumed forced deposits of the
// child's parent (NewNodeLedgerForcedStep), opened as KindLeafForced opens them.
const KindNodeLedgerForced = 10

// NodeLedgerStep proves that a chain's children root moved from RootBefore to RootAfter by
// replacing child Index's leaf ChildLeaf(Index, H(Old)) with ChildLeaf(Index, H(New)), where
// the child c has children of its own and New follows Old by one ledger batch proof valid
// under the embedded key (as LeafStep: a batch of claims only), with c's children and
// finalized children roots unchanged, and New's acceptance report proven from c's new anchor
// and the reports of all the children that c's children root holds (NodeReportGadget; DESIGN
// §6, docs/PROTOCOL.md "Validity all the way up").
type NodeLedgerStep struct {
	// Statement is the step's StepPublic.Statement() with Kind KindNodeLedger: its only public
	// input.
	Statement frontend.Variable `gnark:",public"`

	// Index is the child's index (1..255) in the chain's children SMT.
	Index frontend.Variable
	// Siblings is the leaf's path in the children SMT (unchanged by the step).
	Siblings [commitment.ChildrenDepth]frontend.Variable
	// Old and New are the child's commitments before and after the batch.
	Old, New commitment.Var
	// InboxOld is the child's consumed-inbox head before the batch.
	InboxOld frontend.Variable
	// Entries are the message hashes the batch consumed, in order, where Used is 1.
	Entries []frontend.Variable
	// Used marks the entries the batch consumed (boolean).
	Used []frontend.Variable
	// Proof is the child's ledger batch proof.
	Proof recursion.Proof
	// Report is New's acceptance report (its digest is New.AcceptanceDigest).
	Report ReportVar
	// Children are the child's own children, one slot per index 1..MaxChildren, as its children
	// root holds them.
	Children []ChildSlotVar
	// Forced, Deposits and ParentOutbox are the forced part, as in LeafStep: the forced variant
	// only (NewNodeLedgerForcedStep), empty in the plain circuit, which keeps its key.
	Forced       []frontend.Variable
	Deposits     []ForcedDeposit
	ParentOutbox []frontend.Variable
	// Exited marks the batch's exit entries (boolean, one per slot) and Exits opens them: the
	// exit variant only (NewNodeLedgerExitStep), empty in the other circuits, which keep their keys.
	Exited []frontend.Variable
	Exits  []ExitCredit

	key recursion.FixedKey `gnark:"-"`
}

// NewNodeLedgerStep returns the circuit (for compiling) of node ledger steps whose batches are
// proven under key by the ledger circuit of shape p, in a tree of node shape s.
func NewNodeLedgerStep(key recursion.FixedKey, p ledger.Params, s NodeShape) *NodeLedgerStep {
	return &NodeLedgerStep{
		Entries:  make([]frontend.Variable, p.BatchSize),
		Used:     make([]frontend.Variable, p.BatchSize),
		Proof:    recursion.PlaceholderProof(key),
		Report:   NewReportVar(s.MaxBuckets),
		Children: NewChildSlots(s),
		key:      key,
	}
}

// NewNodeLedgerForcedStep returns the forced variant of NewNodeLedgerStep(key, p, s): a batch that
// may consume up to min(MaxForcedPerBatch, p.BatchSize) forced deposits, each opened in the
// parent's outbox (depth p.OutboxDepth) and addressed to the child (kind 10).
func NewNodeLedgerForcedStep(key recursion.FixedKey, p ledger.Params, s NodeShape) *NodeLedgerStep {
	c := NewNodeLedgerStep(key, p, s)
	c.Forced = make([]frontend.Variable, p.BatchSize)
	c.Deposits = newForcedDeposits(min(MaxForcedPerBatch, p.BatchSize), p.OutboxDepth)
	c.ParentOutbox = make([]frontend.Variable, 1)
	return c
}

// Define checks the leaf move, the child's commitments, its report and its batch proof.
func (c *NodeLedgerStep) Define(api frontend.API) error {
	before, after, leaf := moveLeafGadget(api, c.Index, c.Siblings[:], c.Old, c.New)
	assertSameChain(api, c.Old, c.New)
	// the batch moves the ledger only: the children roots stay (a child move is a step of its own)
	api.AssertIsEqual(c.New.ChildrenRoot, c.Old.ChildrenRoot)
	api.AssertIsEqual(c.New.FinalizedChildrenRoot, c.Old.FinalizedChildrenRoot)
	api.AssertIsEqual(ChildrenRootGadget(api, c.Children), c.New.ChildrenRoot)
	api.AssertIsEqual(NodeReportGadget(api, c.New.AnchorHeight, c.Report, c.Children), c.New.AcceptanceDigest)
	kind := frontend.Variable(KindNodeLedger)
	var newInbox frontend.Variable
	var outbox []frontend.Variable
	switch {
	case len(c.Exits) > 0:
		kind = KindNodeLedgerExit
		newInbox = sourcedChainGadget(api, c.InboxOld, c.Entries, c.Used, c.Exited, ledger.SourceExit)
		assertExits(api, c.New.Vid, c.New.FinalizedChildrenRoot, c.Entries, c.Exited, c.Exits)
	default:
		if len(c.Deposits) > 0 {
			kind = KindNodeLedgerForced
		}
		f := forcedPart{forced: c.Forced, deposits: c.Deposits, outbox: c.ParentOutbox}
		newInbox, outbox = f.batchInboxGadget(api, c.New.Vid, c.InboxOld, c.Entries, c.Used)
	}
	batch := hash.HashGadget(api, hash.DomainProofStatement,
		c.Old.Vid, c.Old.LedgerRoot, c.New.LedgerRoot, c.InboxOld, newInbox,
		c.Old.OutboxRoot, c.New.OutboxRoot, c.Old.ReceiptRoot, c.New.ReceiptRoot,
		c.New.AnchorHeight, c.New.AnchorCommitment)
	stated := append([]frontend.Variable{kind, c.Old.Vid, c.Index, before, after, c.New.AnchorHeight, c.New.AnchorCommitment, leaf}, outbox...)
	api.AssertIsEqual(c.Statement, hash.HashGadget(api, hash.DomainSubtreeStep, stated...))
	return recursion.AssertProof(api, c.key, c.Proof, []frontend.Variable{batch})
}

// moveLeafGadget returns the children roots with the child's old and new leaf at index (1..255:
// the path's bits bound it by 2^8, and index 0 is the chain itself, never a child), and the new
// commitment's hash (the statement names it: LeafStep.moveLeaf without the first step).
func moveLeafGadget(api frontend.API, index frontend.Variable, siblings []frontend.Variable, old, new commitment.Var) (before, after, leaf frontend.Variable) {
	api.AssertIsDifferent(index, 0)
	leaf = new.HashGadget(api)
	oldLeaf := commitment.ChildLeafGadget(api, index, old.HashGadget(api))
	newLeaf := commitment.ChildLeafGadget(api, index, leaf)
	before, after = smt.UpdateGadget(api, oldLeaf, newLeaf, index, siblings)
	return before, after, leaf
}

// assertSameChain asserts that new is the same chain as old after a move that is not an
// election: the same vid, operator and epoch, and an anchor not moved back (the batches of one
// update share it), both below 2^64.
func assertSameChain(api frontend.API, old, new commitment.Var) {
	api.AssertIsEqual(new.Vid, old.Vid)
	api.AssertIsEqual(new.OperatorKeyHash, old.OperatorKeyHash)
	api.AssertIsEqual(new.Epoch, old.Epoch)
	old.RangeCheckGadget(api)
	new.RangeCheckGadget(api)
	api.ToBinary(api.Sub(new.AnchorHeight, old.AnchorHeight), 64)
}

// NodeLedgerStepWitness is everything a prover of a NodeLedgerStep needs: the child's move and
// batch (Move, whose First must be false), New's report and the child's children.
type NodeLedgerStepWitness struct {
	// Move is the child's move by one batch, as for a leaf step (Move.First false).
	Move LeafStepWitness
	// Report is New's acceptance report.
	Report Report
	// Children are the child's children as New.ChildrenRoot holds them.
	Children []ChildOpening
}

// Public returns what the step proves: the parent's children roots before and after the move,
// stated with KindNodeLedger, KindNodeLedgerForced (with the parent's outbox) when the move
// opens deposits, or KindNodeLedgerExit when it opens exits.
func (w NodeLedgerStepWitness) Public() StepPublic {
	p := w.Move.Public()
	p.Kind = KindNodeLedger
	switch {
	case len(w.Move.Deposits) > 0:
		p.Kind = KindNodeLedgerForced
	case len(w.Move.Exits) > 0:
		p.Kind = KindNodeLedgerExit
	}
	return p
}

// AssignNodeLedgerStep returns the assignment of NewNodeLedgerStep(key, p, s) for w. It refuses,
// with ErrWitness, the shapes the circuit cannot hold (a first step, index 0, a path of the
// wrong length, more claims than slots, a report or children beyond s); whether the step is
// valid is the circuit's to decide.
func AssignNodeLedgerStep(key recursion.FixedKey, p ledger.Params, s NodeShape, w NodeLedgerStepWitness) (*NodeLedgerStep, error) {
	if w.Move.First {
		return nil, fmt.Errorf("%w: a node ledger step has no first step", ErrWitness)
	}
	move := w.Move
	move.Exits = nil // a leaf step opens none; the exit variant assigns them below
	leafStep, err := AssignLeafStep(key, p, move)
	if err != nil {
		return nil, err
	}
	report, err := AssignReport(w.Report, s.MaxBuckets)
	if err != nil {
		return nil, err
	}
	children, err := AssignChildSlots(s, w.Children)
	if err != nil {
		return nil, err
	}
	c := NewNodeLedgerStep(key, p, s)
	if len(w.Move.Exits) > 0 {
		c = NewNodeLedgerExitStep(key, p, s)
		if err := assignExits(c, p, w.Move); err != nil {
			return nil, err
		}
	}
	c.Statement = w.Public().Statement()
	c.Index, c.Siblings, c.Old, c.New = leafStep.Index, leafStep.Siblings, leafStep.Old, leafStep.New
	c.InboxOld, c.Entries, c.Used, c.Proof = leafStep.InboxOld, leafStep.Entries, leafStep.Used, leafStep.Proof
	c.Forced, c.Deposits, c.ParentOutbox = leafStep.Forced, leafStep.Deposits, leafStep.ParentOutbox // the forced variant's, when w opens deposits
	c.Report, c.Children = report, children
	return c, nil
}
