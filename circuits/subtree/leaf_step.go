// Package subtree proves that a chain's children root moved only by valid child updates, so
// that a parent above it need not believe the chain about its children (DESIGN §5 "nothing above
// a chain trusts that chain"; docs/PROTOCOL.md "Validity all the way up", issue 16).
//
// A step proof moves one leaf of a chain's children SMT. LeafStep, the first kind, covers a
// child that has no children of its own: it verifies, inside the circuit, the child's ledger
// batch proof under the tree's fixed ledger key (package recursion), binds the proof's public
// inputs to the child's old and new commitments, and replaces the child's leaf. Steps chain:
// each one's RootAfter is the next one's RootBefore, so a parent checks a whole update's worth
// of child moves by verifying each step natively against its statement.
package subtree

import (
	"github.com/consensys/gnark/frontend"

	"github.com/slush-tree/slush/circuits/commitment"
	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/ledger"
	"github.com/slush-tree/slush/circuits/recursion"
	"github.com/slush-tree/slush/circuits/smt"
)

// Step kinds, the statement's tag (the native checker accepts exactly the kinds it has keys for).
const (
	// KindLeaf moves a leaf child's existing leaf by one batch.
	KindLeaf = 1
	// KindLeafFirst inserts a leaf child's first commitment, one batch from the empty genesis
	// ledger (the same circuit as KindLeaf, with First set).
	KindLeafFirst = 2
)

// LeafStep proves that a chain's children root moved from RootBefore to RootAfter by replacing
// child Index's leaf ChildLeaf(Index, H(Old)) with ChildLeaf(Index, H(New)), where New follows
// Old by one ledger batch proof valid under the embedded key, New is a leaf chain's commitment
// (no children, an acceptance report of its own update only) and the batch minted nothing but
// claims, which the ledger circuit proves by inclusion under New's anchor (DESIGN §5, §7.2).
// With First set, the leaf was empty and Old is the genesis state: empty ledger, outbox and
// receipts, so a registering operator cannot give a child value the bridge never carried.
type LeafStep struct {
	// Statement is LeafStepPublic.Statement(): the step's only public input.
	Statement frontend.Variable `gnark:",public"`

	// First is 1 for the child's first commitment (its leaf was empty), else 0.
	First frontend.Variable
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
	// Forced marks the used entries that are forced deposits rather than claims, Deposits opens
	// them in the parent's outbox and ParentOutbox (one element) is that outbox's root: the
	// forced variant only (NewLeafForcedStep); empty in the plain circuit, which so keeps its
	// constraint system and key.
	Forced       []frontend.Variable
	Deposits     []ForcedDeposit
	ParentOutbox []frontend.Variable

	key     recursion.FixedKey  `gnark:"-"`
	genesis ledger.GenesisRoots `gnark:"-"`
}

// NewLeafStep returns the circuit (for compiling) of steps whose batches are proven under key
// by the ledger circuit of shape p: batches of p.BatchSize slots (the most inbox entries a batch
// can consume), first batches from p's empty roots.
func NewLeafStep(key recursion.FixedKey, p ledger.Params) *LeafStep {
	return &LeafStep{
		Entries: make([]frontend.Variable, p.BatchSize),
		Used:    make([]frontend.Variable, p.BatchSize),
		Proof:   recursion.PlaceholderProof(key),
		key:     key,
		genesis: ledger.EmptyRoots(p),
	}
}

// Define checks the leaf move, the child's commitments and its batch proof.
func (c *LeafStep) Define(api frontend.API) error {
	api.AssertIsBoolean(c.First)
	before, after, leaf := c.moveLeaf(api)
	c.assertLeafChain(api)
	c.assertGenesis(api)
	kind := api.Add(KindLeaf, c.First)
	if len(c.Deposits) > 0 {
		api.AssertIsEqual(c.First, 0) // a child's first commitment is its genesis leaf (kind 5) or a claims-only first step
		kind = KindLeafForced
	}
	f := forcedPart{forced: c.Forced, deposits: c.Deposits, outbox: c.ParentOutbox}
	newInbox, outbox := f.batchInboxGadget(api, c.New.Vid, c.InboxOld, c.Entries, c.Used)
	// The batch proof's one public input: ledger.StatementOf its stated values, in order.
	batch := hash.HashGadget(api, hash.DomainProofStatement,
		c.Old.Vid, c.Old.LedgerRoot, c.New.LedgerRoot, c.InboxOld, newInbox,
		c.Old.OutboxRoot, c.New.OutboxRoot, c.Old.ReceiptRoot, c.New.ReceiptRoot,
		c.New.AnchorHeight, c.New.AnchorCommitment)
	stated := append([]frontend.Variable{kind, c.Old.Vid, c.Index, before, after, c.New.AnchorHeight, c.New.AnchorCommitment, leaf}, outbox...)
	api.AssertIsEqual(c.Statement, hash.HashGadget(api, hash.DomainSubtreeStep, stated...))
	return recursion.AssertProof(api, c.key, c.Proof, []frontend.Variable{batch})
}

// moveLeaf returns the children roots with the child's old leaf (empty if First) and with its
// new leaf at Index (1..255: IndexBits bounds it by 2^8, and index 0 is the chain itself, never
// a child), and the new commitment's hash, which the statement names so that the checker knows
// which commitments of the child were proven (its finalized leaf must be one of them).
func (c *LeafStep) moveLeaf(api frontend.API) (before, after, leaf frontend.Variable) {
	api.AssertIsDifferent(c.Index, 0)
	oldLeaf := api.Select(c.First, 0, commitment.ChildLeafGadget(api, c.Index, c.Old.HashGadget(api)))
	leaf = c.New.HashGadget(api)
	newLeaf := commitment.ChildLeafGadget(api, c.Index, leaf)
	before, after = smt.UpdateGadget(api, oldLeaf, newLeaf, c.Index, c.Siblings[:])
	return before, after, leaf
}

// assertGenesis asserts, for a first step, that the batch starts from the genesis state every
// child under a recursive parent starts from: empty ledger, outbox and receipts, an empty inbox,
// epoch 0 and no anchor (docs/PROTOCOL.md "Validity all the way up", registration; THREAT-MODEL
// "registered supply").
func (c *LeafStep) assertGenesis(api frontend.API) {
	for _, eq := range [][2]frontend.Variable{
		{c.Old.LedgerRoot, c.genesis.Ledger}, {c.Old.OutboxRoot, c.genesis.Outbox},
		{c.Old.ReceiptRoot, c.genesis.Receipts}, {c.InboxOld, 0}, {c.Old.Epoch, 0}, {c.Old.AnchorHeight, 0},
	} {
		api.AssertIsEqual(api.Mul(c.First, api.Sub(eq[0], eq[1])), 0)
	}
}

// assertLeafChain asserts what a leaf child's new commitment must hold: the same vid, operator
// and epoch (those change only through an election, a step kind of its own), a non-decreasing
// anchor (the batches of one update share it), empty children roots and the acceptance report
// {(anchor height, 1)} that a chain without children makes of its own update (DESIGN §6), so a
// leaf can neither hide descendants nor invent them.
func (c *LeafStep) assertLeafChain(api frontend.API) {
	api.AssertIsEqual(c.New.Vid, c.Old.Vid)
	api.AssertIsEqual(c.New.OperatorKeyHash, c.Old.OperatorKeyHash)
	api.AssertIsEqual(c.New.Epoch, c.Old.Epoch)
	c.Old.RangeCheckGadget(api)
	c.New.RangeCheckGadget(api)
	api.ToBinary(api.Sub(c.New.AnchorHeight, c.Old.AnchorHeight), 64)
	empty := commitment.EmptyChildrenRoot()
	api.AssertIsEqual(c.New.ChildrenRoot, empty)
	api.AssertIsEqual(c.New.FinalizedChildrenRoot, empty)
	api.AssertIsEqual(c.New.AcceptanceDigest, LeafReportDigestGadget(api, c.New.AnchorHeight))
}

// claimChainGadget extends an inbox head over the used entries, each as a claim
// (ledger.InboxLink with SourceClaim): a batch whose inbox also held a forced operation or an
// exit credit, which only the child's parent can check natively, ends at another head, so its
// proof does not verify on the returned one.
func claimChainGadget(api frontend.API, head frontend.Variable, entries, used []frontend.Variable) frontend.Variable {
	for i := range entries {
		api.AssertIsBoolean(used[i])
		next := hash.HashGadget(api, ledger.DomainInbox, head, entries[i], int(ledger.SourceClaim))
		head = api.Select(used[i], next, head)
	}
	return head
}

// LeafReportDigestGadget is the in-circuit LeafReportDigest.
func LeafReportDigestGadget(api frontend.API, anchorHeight frontend.Variable) frontend.Variable {
	return hash.HashGadget(api, hash.DomainAcceptance, 1, anchorHeight, 1)
}
