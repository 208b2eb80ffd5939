package subtree

import (
	"fmt"
	"math/big"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark/backend/groth16"
	"github.com/consensys/gnark/frontend"

	"github.com/slush-tree/slush/circuits/commitment"
	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/recursion"
	"github.com/slush-tree/slush/circuits/smt"
)

// KindNodeChild moves the leaf of a child that has children by one step of one of its own
// children, its ledger unchanged (NodeChildStep).
const KindNodeChild = 4

// KindNodeChildForced is KindNodeChild over a forced leaf step (KindLeafForced: a leaf
// grandchild's batch that minted forced deposits of the child), whose statement names the child's
// outbox the deposits were opened under; the step proves, in the circuit, that outbox an earlier
// state of the child's (NewNodeChildForcedStep; docs/PROTOCOL.md "Forced deposits into
// grandchildren").
const KindNodeChildForced = 11

// NodeChildStep proves that a chain's children root moved from RootBefore to RootAfter by
// replacing child Index's leaf ChildLeaf(Index, H(Old)) with ChildLeaf(Index, H(New)), where
// the child c has children and New follows Old by one proven move of one of c's own children:
// c's children root moves from Old.ChildrenRoot to New.ChildrenRoot by one step proof valid
// under the embedded key (the leaf step's: kind 1 or 2), whose statement the circuit recomputes
// — the grandchild's vid is c's vid extended by its index, its new commitment is the one
// New.ChildrenRoot holds at that index, its anchor is not after c's —; c's ledger, outbox,
// receipts and anchor are unchanged; c's finalized children root is unchanged or, when the inner
// step moved the grandchild, holds at its index the commitment the move replaced (Finality: a
// leaf's commitment is final once it has a successor); and New's report is proven from c's
// children as for NodeLedgerStep (docs/PROTOCOL.md "Validity all the way up"). An update of
// c with k batches and m child moves is k ledger steps (the first moves the anchor) followed by
// m child steps, over synthetic intermediate commitments.
type NodeChildStep struct {
	// Statement is the step's StepPublic.Statement() with Kind KindNodeChild: its only public
	// input.
	Statement frontend.Variable `gnark:",public"`

	// Index is the child's index (1..255) in the chain's children SMT.
	Index frontend.Variable
	// Siblings is the leaf's path in the children SMT (unchanged by the step).
	Siblings [commitment.ChildrenDepth]frontend.Variable
	// Old and New are the child's commitments before and after the move.
	Old, New commitment.Var
	// Inner is what the inner step states besides what the circuit derives.
	Inner InnerStepVar
	// InnerProof is the inner step's proof (one Pedersen commitment).
	InnerProof recursion.Proof
	// Report is New's acceptance report (its digest is New.AcceptanceDigest).
	Report ReportVar
	// Children are the child's own children, one slot per index 1..MaxChildren, as
	// New.ChildrenRoot holds them.
	Children []ChildSlotVar
	// Finality is the optional finality move of the moved grandchild.
	Finality LeafFinalityVar
	// Growth is, in the forced variant only (one element; empty in the plain circuit), the proof
	// that the inner step's parent outbox is an earlier state of the child's outbox.
	Growth []OutboxGrowthVar

	key recursion.FixedKey `gnark:"-"`
}

// OutboxGrowthVar is smt.AccumulatorGrowth in the circuit: the item at EarlierSize-1 and its path
// in the later outbox, from which the earlier outbox root is recomputed.
type OutboxGrowthVar struct {
	// EarlierSize and LaterSize are the two outboxes' message counts.
	EarlierSize, LaterSize frontend.Variable
	// Last is the message hash at position EarlierSize-1.
	Last frontend.Variable
	// Siblings is Last's path in the later outbox, leaf level first.
	Siblings []frontend.Variable
}

// LeafFinalityVar is a node child step's finality move of its leaf grandchild: with Finalize
// set, the grandchild's leaf in c's finalized children SMT moves from Previous to the commitment
// the inner step replaced in c's children SMT.
type LeafFinalityVar struct {
	// Finalize is 1 to move the finalized leaf, 0 to keep c's finalized children root.
	Finalize frontend.Variable
	// Replaced is the hash of the grandchild commitment Old.ChildrenRoot held.
	Replaced frontend.Variable
	// ChildSiblings is the grandchild's path in c's children SMT.
	ChildSiblings [commitment.ChildrenDepth]frontend.Variable
	// Previous is the value of the grandchild's finalized leaf before (0 when it had none).
	Previous frontend.Variable
	// FinalizedSiblings is the grandchild's path in c's finalized children SMT.
	FinalizedSiblings [commitment.ChildrenDepth]frontend.Variable
}

// InnerStepVar is the part of an inner step's statement that its outer step does not derive:
// its kind, the grandchild's index and its anchor.
type InnerStepVar struct {
	// Kind is the inner step's kind (KindLeaf or KindLeafFirst).
	Kind frontend.Variable
	// Index is the grandchild's index in c's children SMT (1..MaxChildren).
	Index frontend.Variable
	// AnchorHeight and AnchorCommitment are the grandchild's new anchor.
	AnchorHeight, AnchorCommitment frontend.Variable
}

// NewNodeChildStep returns the circuit (for compiling) of node child steps whose inner steps
// are proven under key (the leaf step's key), in a tree of node shape s.
func NewNodeChildStep(key recursion.FixedKey, s NodeShape) *NodeChildStep {
	return &NodeChildStep{
		InnerProof: recursion.PlaceholderProof(key),
		Report:     NewReportVar(s.MaxBuckets),
		Children:   NewChildSlots(s),
		key:        key,
	}
}

// NewNodeChildForcedStep returns the forced variant of NewNodeChildStep: its inner steps are
// forced leaf steps proven under key (the forced leaf step's key), whose stated parent outbox the
// circuit shows to be an earlier state of the child's outbox, an accumulator of outboxDepth
// levels.
func NewNodeChildForcedStep(key recursion.FixedKey, s NodeShape, outboxDepth int) *NodeChildStep {
	c := NewNodeChildStep(key, s)
	c.Growth = []OutboxGrowthVar{{Siblings: make([]frontend.Variable, outboxDepth)}}
	return c
}

// Define checks the leaf move, the child's commitments, its report and the inner step proof.
func (c *NodeChildStep) Define(api frontend.API) error {
	before, after, leaf := moveLeafGadget(api, c.Index, c.Siblings[:], c.Old, c.New)
	assertSameChain(api, c.Old, c.New)
	// a child move leaves c's own state and its anchor (only a batch proof, which proves claims
	// against it, moves it: an update's ledger steps come before its child steps) as they were
	for _, eq := range [][2]frontend.Variable{
		{c.New.LedgerRoot, c.Old.LedgerRoot}, {c.New.OutboxRoot, c.Old.OutboxRoot},
		{c.New.ReceiptRoot, c.Old.ReceiptRoot},
		{c.New.AnchorHeight, c.Old.AnchorHeight}, {c.New.AnchorCommitment, c.Old.AnchorCommitment},
	} {
		api.AssertIsEqual(eq[0], eq[1])
	}
	root, hashes := childrenRootGadget(api, c.Children)
	api.AssertIsEqual(root, c.New.ChildrenRoot)
	api.AssertIsEqual(NodeReportGadget(api, c.New.AnchorHeight, c.Report, c.Children), c.New.AcceptanceDigest)

	// the inner step: a leaf step (a move or a first step; in the forced variant a forced move) of
	// the grandchild at Inner.Index, whose new commitment is the one New.ChildrenRoot holds there
	kind, move := uint64(KindNodeChild), uint64(KindLeaf)
	if c.forced() {
		kind, move = KindNodeChildForced, KindLeafForced
		api.AssertIsEqual(c.Inner.Kind, KindLeafForced)
	} else {
		api.AssertIsEqual(api.Mul(api.Sub(c.Inner.Kind, KindLeaf), api.Sub(c.Inner.Kind, KindLeafFirst)), 0)
	}
	var selected, present, grandLeaf frontend.Variable = 0, 0, 0
	for k, s := range c.Children {
		is := api.IsZero(api.Sub(c.Inner.Index, k+1))
		selected = api.Add(selected, is)
		present = api.Add(present, api.Mul(is, s.Present))
		grandLeaf = api.Add(grandLeaf, api.Mul(is, hashes[k]))
	}
	api.AssertIsEqual(selected, 1) // Inner.Index in 1..MaxChildren
	api.AssertIsEqual(present, 1)
	api.ToBinary(c.Inner.AnchorHeight, 64)
	api.ToBinary(api.Sub(c.New.AnchorHeight, c.Inner.AnchorHeight), 64) // not anchored after c
	stated := []frontend.Variable{c.Inner.Kind, childVidGadget(api, c.Old.Vid, c.Inner.Index), c.Inner.Index,
		c.Old.ChildrenRoot, c.New.ChildrenRoot, c.Inner.AnchorHeight, c.Inner.AnchorCommitment, grandLeaf}
	if c.forced() {
		// the deposits were opened in an outbox of c that c's proven outbox grew from, so c's
		// ledger burnt every one of them (DESIGN §8: a forced deposit is the parent's bridge-out)
		g := c.Growth[0]
		stated = append(stated, smt.AccumulatorGrowthGadget(api, c.New.OutboxRoot, g.EarlierSize, g.LaterSize, g.Last, g.Siblings))
	}
	inner := hash.HashGadget(api, hash.DomainSubtreeStep, stated...)

	c.assertLeafFinality(api, grandLeaf, move)

	api.AssertIsEqual(c.Statement, hash.HashGadget(api, hash.DomainSubtreeStep,
		kind, c.Old.Vid, c.Index, before, after, c.New.AnchorHeight, c.New.AnchorCommitment, leaf))
	return recursion.AssertProof(api, c.key, c.InnerProof, []frontend.Variable{inner})
}

// forced reports whether c is the forced variant (NewNodeChildForcedStep).
func (c *NodeChildStep) forced() bool { return len(c.Growth) == 1 }

// assertLeafFinality checks New's finalized children root (DESIGN §6): Old's, or — only when the
// inner step moved a leaf grandchild (kind 1; kind 9 in the forced variant) — Old's with the grandchild's finalized leaf set to
// the commitment the move replaced. A leaf is its whole subtree, so its successor is a majority
// of its subtree having accepted the replaced commitment; x/acceptance finalizes exactly that
// commitment when the successor's root height is later (docs/PROTOCOL.md).
func (c *NodeChildStep) assertLeafFinality(api frontend.API, grandLeaf frontend.Variable, move uint64) {
	f := c.Finality
	api.AssertIsBoolean(f.Finalize)
	replacedLeaf := commitment.ChildLeafGadget(api, c.Inner.Index, f.Replaced)
	heldBefore, heldAfter := smt.UpdateGadget(api, replacedLeaf, commitment.ChildLeafGadget(api, c.Inner.Index, grandLeaf),
		c.Inner.Index, f.ChildSiblings[:])
	finBefore, finAfter := smt.UpdateGadget(api, f.Previous, replacedLeaf, c.Inner.Index, f.FinalizedSiblings[:])
	for _, eq := range [][2]frontend.Variable{
		{c.Inner.Kind, move}, // a move: a first step replaced nothing
		{heldBefore, c.Old.ChildrenRoot}, {heldAfter, c.New.ChildrenRoot},
		{finBefore, c.Old.FinalizedChildrenRoot},
	} {
		api.AssertIsEqual(api.Mul(f.Finalize, api.Sub(eq[0], eq[1])), 0)
	}
	api.AssertIsEqual(c.New.FinalizedChildrenRoot, api.Select(f.Finalize, finAfter, c.Old.FinalizedChildrenRoot))
}

// vidBytes is the number of bytes of a packed vid (commitment.PackVid: the depth, then one byte
// per level).
const vidBytes = commitment.MaxPathDepth + 1

// childVidGadget returns the vid of child index (below 256, checked by the caller) of the chain
// whose vid is vid: PackVid(path ++ [index]) = vid + 1 + index·2^(8·(depth+1)), for a vid below
// 2^136 whose depth (its low byte) is below MaxPathDepth, both asserted (commitment.PackVid).
func childVidGadget(api frontend.API, vid, index frontend.Variable) frontend.Variable {
	bits := api.ToBinary(vid, 8*vidBytes)
	depth := api.FromBinary(bits[:8]...)
	var selected, shift frontend.Variable = 0, 0
	for d := 0; d < commitment.MaxPathDepth; d++ {
		is := api.IsZero(api.Sub(depth, d))
		selected = api.Add(selected, is)
		shift = api.Add(shift, api.Mul(is, new(big.Int).Lsh(big.NewInt(1), uint(8*(d+1)))))
	}
	api.AssertIsEqual(selected, 1)
	return api.Add(vid, 1, api.Mul(index, shift))
}

// ChildVid is the native twin of childVidGadget: the vid of child index of the chain vid.
func ChildVid(vid fr.Element, index uint8) (fr.Element, error) {
	path, err := commitment.UnpackVid(vid)
	if err != nil {
		return fr.Element{}, fmt.Errorf("%w: %v", ErrWitness, err)
	}
	child, err := commitment.PackVid(append(path, index))
	if err != nil {
		return fr.Element{}, fmt.Errorf("%w: %v", ErrWitness, err)
	}
	return child, nil
}

// NodeChildStepWitness is everything a prover of a NodeChildStep needs: the child's move, the
// inner step (its statement and proof), New's report and the child's children.
type NodeChildStepWitness struct {
	// Index is the child's index in its parent's children SMT.
	Index uint8
	// Siblings is the leaf's path in the parent's children SMT (commitment.ChildrenDepth long).
	Siblings []fr.Element
	// Old and New are the child's commitments before and after the move.
	Old, New commitment.Commitment
	// Inner is the inner step's statement (its RootBefore and RootAfter are Old's and New's
	// children roots, its Leaf the grandchild's commitment in New's).
	Inner StepPublic
	// InnerProof is the inner step's proof under the step's inner key.
	InnerProof groth16.Proof
	// Report is New's acceptance report.
	Report Report
	// Children are the child's children as New.ChildrenRoot holds them.
	Children []ChildOpening
	// Finality, if Finalize is set, moves the grandchild's finalized leaf to the commitment the
	// inner step replaced (New.FinalizedChildrenRoot must then be that move's result).
	Finality LeafFinality
	// Growth is, for an inner forced leaf step only (KindLeafForced: the forced variant), the
	// proof that Inner.ParentOutbox is an earlier state of New's outbox.
	Growth *smt.AccumulatorGrowth
}

// LeafFinality is the finality move of a node child step's leaf grandchild (LeafFinalityVar).
type LeafFinality struct {
	// Finalize moves the grandchild's finalized leaf to Replaced.
	Finalize bool
	// Replaced is the hash of the grandchild commitment Old.ChildrenRoot held.
	Replaced fr.Element
	// ChildSiblings is the grandchild's path in c's children SMT (commitment.ChildrenDepth long).
	ChildSiblings []fr.Element
	// Previous is the value of the grandchild's finalized leaf before: ChildLeaf of its
	// finalized commitment, zero when it had none.
	Previous fr.Element
	// FinalizedSiblings is the grandchild's path in c's finalized children SMT.
	FinalizedSiblings []fr.Element
}

// FinalizeReplaced returns the finality move of a node child step that replaces grandchild
// index's commitment replaced: children is c's children SMT before the step (it must hold
// replaced at index), finalized c's finalized children SMT, which it then moves (the leaf set to
// replaced) so that its root is the step's New.FinalizedChildrenRoot.
func FinalizeReplaced(children, finalized *commitment.ChildrenTree, index uint8, replaced fr.Element) (LeafFinality, error) {
	held, err := children.Prove(index)
	if err != nil {
		return LeafFinality{}, err
	}
	if want := commitment.ChildLeaf(index, replaced); !held.Value.Equal(&want) {
		return LeafFinality{}, fmt.Errorf("%w: the children root does not hold the replaced commitment at %d", ErrWitness, index)
	}
	fin, err := finalized.Prove(index)
	if err != nil {
		return LeafFinality{}, err
	}
	if err := finalized.SetChild(index, replaced); err != nil {
		return LeafFinality{}, err
	}
	return LeafFinality{Finalize: true, Replaced: replaced, ChildSiblings: held.Siblings, Previous: fin.Value, FinalizedSiblings: fin.Siblings}, nil
}

// assign returns the circuit values of f; without Finalize its paths may be empty (zeros).
func (f LeafFinality) assign() (LeafFinalityVar, error) {
	v := LeafFinalityVar{Finalize: 0, Replaced: f.Replaced, Previous: f.Previous}
	if f.Finalize {
		v.Finalize = 1
	}
	for _, p := range []struct {
		in  []fr.Element
		out *[commitment.ChildrenDepth]frontend.Variable
	}{{f.ChildSiblings, &v.ChildSiblings}, {f.FinalizedSiblings, &v.FinalizedSiblings}} {
		if len(p.in) == 0 && !f.Finalize {
			for i := range p.out {
				p.out[i] = 0
			}
			continue
		}
		if len(p.in) != commitment.ChildrenDepth {
			return LeafFinalityVar{}, fmt.Errorf("%w: finality path of %d siblings, want %d", ErrWitness, len(p.in), commitment.ChildrenDepth)
		}
		for i := range p.out {
			p.out[i] = p.in[i]
		}
	}
	return v, nil
}

// Public returns what the step proves: the parent's children roots before and after the move,
// stated with KindNodeChild (KindNodeChildForced over a forced leaf step).
func (w NodeChildStepWitness) Public() StepPublic {
	leaf := w.New.Hash()
	kind := uint64(KindNodeChild)
	if w.Inner.Kind == KindLeafForced {
		kind = KindNodeChildForced
	}
	return StepPublic{
		Kind: kind, ChildVid: w.Old.Vid, Index: w.Index,
		RootBefore:   smt.ComputeRoot(smt.LeafHash(commitment.ChildLeaf(w.Index, w.Old.Hash())), uint64(w.Index), w.Siblings),
		RootAfter:    smt.ComputeRoot(smt.LeafHash(commitment.ChildLeaf(w.Index, leaf)), uint64(w.Index), w.Siblings),
		AnchorHeight: w.New.AnchorHeight, AnchorCommitment: w.New.AnchorCommitment, Leaf: leaf,
	}
}

// AssignNodeChildStep returns the assignment of NewNodeChildStep(key, s) for w, or of
// NewNodeChildForcedStep(key, s, outboxDepth) when w's inner step is a forced leaf step (outboxDepth
// is then the length of its growth path). It refuses, with ErrWitness, the shapes the circuit
// cannot hold (index 0, a path of the wrong length, an inner kind other than a leaf step's, an
// inner index beyond s, a report or children beyond s, a growth without a forced inner step or
// the reverse); whether the step is valid is the circuit's to decide.
func AssignNodeChildStep(key recursion.FixedKey, s NodeShape, w NodeChildStepWitness) (*NodeChildStep, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	if w.Index == 0 {
		return nil, fmt.Errorf("%w: child index 0", ErrWitness)
	}
	if len(w.Siblings) != commitment.ChildrenDepth {
		return nil, fmt.Errorf("%w: %d siblings, want %d", ErrWitness, len(w.Siblings), commitment.ChildrenDepth)
	}
	if w.Inner.Kind != KindLeaf && w.Inner.Kind != KindLeafFirst && w.Inner.Kind != KindLeafForced {
		return nil, fmt.Errorf("%w: inner step of kind %d", ErrWitness, w.Inner.Kind)
	}
	if (w.Inner.Kind == KindLeafForced) != (w.Growth != nil) {
		return nil, fmt.Errorf("%w: an inner step of kind %d with an outbox growth: %t", ErrWitness, w.Inner.Kind, w.Growth != nil)
	}
	if w.Inner.Index == 0 || int(w.Inner.Index) > s.MaxChildren {
		return nil, fmt.Errorf("%w: grandchild index %d not in 1..%d", ErrWitness, w.Inner.Index, s.MaxChildren)
	}
	proof, err := recursion.ValueOfProof(w.InnerProof)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrWitness, err)
	}
	report, err := AssignReport(w.Report, s.MaxBuckets)
	if err != nil {
		return nil, err
	}
	children, err := AssignChildSlots(s, w.Children)
	if err != nil {
		return nil, err
	}
	finality, err := w.Finality.assign()
	if err != nil {
		return nil, err
	}
	c := NewNodeChildStep(key, s)
	if g := w.Growth; g != nil {
		if len(g.Siblings) == 0 {
			return nil, fmt.Errorf("%w: an outbox growth without a path", ErrWitness)
		}
		c = NewNodeChildForcedStep(key, s, len(g.Siblings))
		c.Growth[0] = OutboxGrowthVar{EarlierSize: g.EarlierSize, LaterSize: g.LaterSize, Last: g.Last,
			Siblings: smt.ElementsToVariables(g.Siblings)}
	}
	c.Statement = w.Public().Statement()
	c.Index = w.Index
	for i := range c.Siblings {
		c.Siblings[i] = w.Siblings[i]
	}
	c.Old, c.New = commitment.Assign(w.Old), commitment.Assign(w.New)
	c.Inner = InnerStepVar{Kind: w.Inner.Kind, Index: w.Inner.Index, AnchorHeight: w.Inner.AnchorHeight, AnchorCommitment: w.Inner.AnchorCommitment}
	c.InnerProof, c.Report, c.Children, c.Finality = proof, report, children, finality
	return c, nil
}
