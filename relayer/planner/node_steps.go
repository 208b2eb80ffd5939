package planner

import (
	"errors"
	"fmt"
	"sort"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"

	"github.com/slush-tree/slush/circuits/commitment"
	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/ledger"
	"github.com/slush-tree/slush/circuits/prover"
	"github.com/slush-tree/slush/circuits/smt"
	"github.com/slush-tree/slush/circuits/subtree"
	slushtypes "github.com/slush-tree/slush/types"
	acceptancetypes "github.com/slush-tree/slush/x/acceptance/types"
	validiumtypes "github.com/slush-tree/slush/x/validium/types"
)

// nodeSource is what the node steps of a grandchild g's update are built from besides the
// update: g's children as its previous commitment's children root holds them, and the openings
// of the commitments the update's own steps move them to, by hash (docs/PROTOCOL.md "Validity
// all the way up": NodeLedgerStep and NodeChildStep open all of g's children with their reports).
type nodeSource struct {
	// before are g's children at its previous commitment, each with the report its commitment's
	// acceptance digest commits to.
	before []subtree.ChildOpening
	// leaves opens each commitment (by hash) a step of the update moves a child of g to.
	leaves map[fr.Element]subtree.ChildOpening
	// finalizedBefore and finalizedAfter are g's finalized children (commitment hash by index)
	// at its previous and its updated commitment, read only when the update moves g's finalized
	// children root (its child steps then carry leaf finality moves); finalizedBefore also when
	// the update credited exits (its exit steps open them under the previous commitment's
	// finalized children root: exitsUnder).
	finalizedBefore, finalizedAfter map[uint8]fr.Element
	// roots are the tree's genesis roots, of the genesis commitments of g's registered children.
	roots ledger.GenesisRoots
	// prevReport is the report of g's previous commitment (its acceptance digest's preimage),
	// read only when the update's first step is a registration or a removal (a kind 6 or 8 from
	// that commitment).
	prevReport subtree.Report
}

// nodeStep is one node step of a grandchild's update: its witness (NodeLedgerStepWitness or
// NodeChildStepWitness), the grandchild's commitment after it and that commitment's report,
// which the step message carries (SubtreeStep.commitment and .report); or a native
// registration or removal step (kind 6 or 8, native set, no witness) with the commitment and
// report it leads to.
type nodeStep struct {
	w      stepWitness
	new    commitment.Commitment
	report subtree.Report
	native *nativeStep
}

// hasChildren tells whether a grandchild's move is a node's: its new commitment, or the one it
// moves from, holds children or finalized children.
func hasChildren(prev *commitment.Commitment, next commitment.Commitment) bool {
	empty := commitment.EmptyChildrenRoot()
	nonEmpty := func(c commitment.Commitment) bool {
		return !c.ChildrenRoot.Equal(&empty) || !c.FinalizedChildrenRoot.Equal(&empty)
	}
	return nonEmpty(next) || (prev != nil && nonEmpty(*prev))
}

// nodeMoveWitnesses turns the update of a grandchild g that has children into its steps, in
// order, moving children (the updating chain's children SMT) as the parent's checker moves it:
// one NodeLedgerStep per batch (its children kept; its forced variant, kind 10, over a batch that
// consumed forced deposits, its exit variant, kind 12, over one that credited exits), then, in the order of the steps the update
// carried for g's own children, one NodeChildStep per proven step (its ledger and anchor kept),
// one native kind-6 step per registration g carried (kind 5: g's children root gains the
// registered child's genesis leaf, its report (0, 1), subtree.NodeRegister) and one native
// kind-8 step per removal g carried (kind 7: the genesis leaf of a child that never updated
// leaves, with one (0, 1), subtree.NodeUnregister) — so a child's registration precedes its
// first update, which is then a KindLeaf over its genesis leaf. The intermediate commitments are
// synthetic, their reports x/acceptance's merge of g's update and its children's reports (a
// registered child that has not updated counts (0, 1) from its registration until its removal),
// capped; the last step reaches the update's commitment and report. A proven step followed by
// native steps takes the report of the commitment after them with those steps undone (a
// registration's (0, 1) taken off, a removal's put back), so that the native rules' reports
// lead exactly there. Every witness is checked as the circuit or the native rule checks it
// (children root, reports, inner statement) before anything is proven. It refuses with
// errUnprovableMove what no step kind proves.
func nodeMoveWitnesses(children *commitment.ChildrenTree, mv childMove, src nodeSource, shape subtree.NodeShape) ([]nodeStep, error) {
	m, err := newNodeMove(mv, src, shape)
	if err != nil {
		return nil, err
	}
	out, err := m.steps(children)
	if err != nil {
		return nil, err
	}
	if last := m.old; last != m.next {
		return nil, fmt.Errorf("the node steps end at commitment %X, not at the update's %X",
			hash.EncodeElement(last.Hash()), hash.EncodeElement(m.next.Hash()))
	}
	return out, nil
}

// splitFirstNodeMove splits the first update of a grandchild that already has children (docs/
// PROTOCOL.md "Validity all the way up": a node's first step) into what the existing kinds
// prove: its batches as leaf steps from the genesis state (KindLeaf steps from the genesis
// commitment its leaf holds, or from an empty leaf with a KindLeafFirst first) to a synthetic
// leaf commitment — the update's fields with empty children roots and the leaf report
// {(anchor, 1)} —, then its carried steps as node child steps (and native registrations) from
// that commitment, which open its children as they arrive.
func splitFirstNodeMove(mv childMove) (first, rest childMove, err error) {
	msg := mv.msg
	next, err := msg.NewCommitment.Decode()
	if err != nil {
		return childMove{}, childMove{}, err
	}
	if len(msg.Batches) == 0 {
		return childMove{}, childMove{}, fmt.Errorf("%w: the first commitment of a grandchild that has children carries no batch", errUnprovableMove)
	}
	leaf := next
	leaf.ChildrenRoot, leaf.FinalizedChildrenRoot = commitment.EmptyChildrenRoot(), commitment.EmptyChildrenRoot()
	leaf.AcceptanceDigest = subtree.LeafReportDigest(next.AnchorHeight)
	head := mv.inbox
	for _, e := range msg.InboxEntries {
		h, src, err := e.Decode()
		if err != nil {
			return childMove{}, childMove{}, err
		}
		head = ledger.InboxLink(head, h, src)
	}
	leafMsg, restMsg := *msg, *msg
	leafMsg.NewCommitment, leafMsg.Steps, leafMsg.FinalizedMoves = slushtypes.NewCommitmentFields(leaf), nil, nil
	leafMsg.Histogram = histogramProto(subtree.Report{{Height: next.AnchorHeight, Count: 1}})
	restMsg.Batches, restMsg.InboxEntries = nil, nil
	first = childMove{height: mv.height, prev: mv.prev, genesis: mv.genesis, inbox: mv.inbox, msg: &leafMsg}
	rest = childMove{height: mv.height, prev: &leaf, inbox: head, msg: &restMsg, first: true}
	return first, rest, nil
}

// nodeMove is the state of nodeMoveWitnesses over one update.
type nodeMove struct {
	msg       *validiumtypes.MsgSubmitUpdate
	index     uint8
	shape     subtree.NodeShape
	next      commitment.Commitment // the update's commitment
	report    subtree.Report        // its report (the update's histogram)
	old       commitment.Commitment // the commitment before the next step
	oldReport subtree.Report        // its report (nil: not known, as a move's first step needs it only when native)
	head      fr.Element            // the inbox head before the next batch
	entry     int                   // the update's first inbox entry the next batch consumes
	kids      []subtree.ChildOpening
	leaves    map[fr.Element]subtree.ChildOpening
	roots     ledger.GenesisRoots
	genesis   map[fr.Element]bool // the genesis commitments among kids (never finalized)
	// deposits open the forced deposits the update consumed in the outbox of g's parent (nil:
	// none, and a forced entry is refused).
	deposits *forcedDeposits
	// exits open the exit credits the update consumed under g's previous finalized children root,
	// by entry hash (exitsUnder; nil: none, and an exit entry is refused).
	exits map[fr.Element]subtree.ExitOpening
	// fin is g's finalized children SMT as the steps move it, nil when the update keeps it;
	// finNow its leaves by index and finTarget the update's.
	fin               *commitment.ChildrenTree
	finNow, finTarget map[uint8]fr.Element
}

// checkNodeUpdate refuses, before anything is read, what no node step proves of a whole
// update: no previous commitment (a node's first update is split first, splitFirstNodeMove), the finalized children root moved
// without a child step (only a node child step's finality move moves it) or the anchor moved
// without a batch, no batch and no step, the children root moved without steps.
func checkNodeUpdate(mv childMove) error {
	msg := mv.msg
	if msg.ChildIndex == 0 || msg.ChildIndex > 255 {
		return fmt.Errorf("child index %d", msg.ChildIndex)
	}
	next, err := msg.NewCommitment.Decode()
	if err != nil {
		return err
	}
	if mv.prev == nil {
		return fmt.Errorf("%w: the first commitment of a grandchild that has children (no node first step)", errUnprovableMove)
	}
	prev := *mv.prev
	switch {
	case validiumtypes.ProvenSteps(msg.Steps) == 0 && !next.FinalizedChildrenRoot.Equal(&prev.FinalizedChildrenRoot):
		return fmt.Errorf("%w: the grandchild's finalized children root moved without a child step", errUnprovableMove)
	case len(msg.Batches) == 0 && len(msg.Steps) == 0:
		return fmt.Errorf("%w: the update carries neither a batch nor a step", errUnprovableMove)
	case len(msg.Batches) == 0 && next.AnchorHeight != prev.AnchorHeight:
		return fmt.Errorf("%w: the anchor moved without a batch proof", errUnprovableMove)
	case len(msg.Steps) == 0 && !next.ChildrenRoot.Equal(&prev.ChildrenRoot):
		return fmt.Errorf("%w: the grandchild's children root moved without steps (its own parent is not RECURSIVE)", errUnprovableMove)
	}
	return nil
}

// newNodeMove checks the update (checkNodeUpdate) and g's children as the previous commitment
// holds them, opens its exits under the previous commitment's finalized children root
// (exitsUnder), and starts the steps from the previous commitment.
func newNodeMove(mv childMove, src nodeSource, shape subtree.NodeShape) (*nodeMove, error) {
	if err := shape.Validate(); err != nil {
		return nil, err
	}
	if err := checkNodeUpdate(mv); err != nil {
		return nil, err
	}
	next, err := mv.msg.NewCommitment.Decode()
	if err != nil {
		return nil, err
	}
	if err := checkOpenings(src.before, mv.prev.ChildrenRoot); err != nil {
		return nil, fmt.Errorf("the grandchild's children at its previous commitment: %w", err)
	}
	m := &nodeMove{
		msg: mv.msg, index: uint8(mv.msg.ChildIndex), shape: shape, next: next, report: reportOf(mv.msg.Histogram),
		old: *mv.prev, head: mv.inbox, kids: sortedOpenings(src.before), leaves: src.leaves, roots: src.roots, genesis: map[fr.Element]bool{},
		deposits: mv.deposits,
	}
	if m.exits, err = exitsUnder(mv, src.finalizedBefore); err != nil {
		return nil, err
	}
	for _, k := range m.kids { // a child registered with a genesis leaf that has not updated
		if vid, err := subtree.ChildVid(next.Vid, k.Index); err == nil && subtree.CheckGenesis(k.Commitment, vid, m.roots) == nil {
			m.genesis[k.Commitment.Hash()] = true
		}
	}
	switch {
	case mv.first: // the synthetic leaf state of splitFirstNodeMove
		m.oldReport = subtree.Report{{Height: mv.prev.AnchorHeight, Count: 1}}
	case src.prevReport != nil:
		m.oldReport = src.prevReport
		if d := m.oldReport.Digest(); !d.Equal(&mv.prev.AcceptanceDigest) {
			return nil, errors.New("the grandchild's previous report is not its previous commitment's acceptance digest")
		}
	}
	if !next.FinalizedChildrenRoot.Equal(&mv.prev.FinalizedChildrenRoot) {
		if err := m.startFinality(src); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// startFinality rebuilds g's finalized children SMT at its previous commitment (checked against
// that commitment's finalized children root) for the finality moves of the child steps.
func (m *nodeMove) startFinality(src nodeSource) error {
	fin, err := finalizedTree(src.finalizedBefore, m.old.FinalizedChildrenRoot)
	if err != nil {
		return err
	}
	m.fin, m.finNow, m.finTarget = fin, map[uint8]fr.Element{}, src.finalizedAfter
	for idx, h := range src.finalizedBefore {
		m.finNow[idx] = h
	}
	return nil
}

// finality is the leaf finality move of a child step that replaces child idx's commitment
// (kind 1 or 9: leafMove), set when the update's finalized children hold the replaced commitment
// at idx and the finalized SMT does not hold it yet: x/acceptance finalizes a leaf's commitment
// when its successor arrives at a later root height (docs/PROTOCOL.md "Validity all the way up").
func (m *nodeMove) finality(kind uint32, idx uint8) (subtree.LeafFinality, error) {
	if m.fin == nil || !leafMove(kind) {
		return subtree.LeafFinality{}, nil
	}
	var replaced fr.Element
	for _, k := range m.kids {
		if k.Index == idx {
			replaced = k.Commitment.Hash()
		}
	}
	target, final := m.finTarget[idx]
	now, held := m.finNow[idx]
	if !final || !target.Equal(&replaced) || (held && now.Equal(&replaced)) || m.genesis[replaced] { // x/acceptance never finalizes a genesis leaf
		return subtree.LeafFinality{}, nil
	}
	children, err := commitment.NewChildrenTree(smt.NewMemStore())
	if err != nil {
		return subtree.LeafFinality{}, err
	}
	for _, k := range m.kids {
		if err := children.SetChild(k.Index, k.Commitment.Hash()); err != nil {
			return subtree.LeafFinality{}, err
		}
	}
	f, err := subtree.FinalizeReplaced(children, m.fin, idx, replaced)
	if err != nil {
		return subtree.LeafFinality{}, err
	}
	m.finNow[idx] = replaced
	return f, nil
}

// steps makes the update's steps in order: first a native kind 8 per leading removal of a child
// g held as its genesis leaf at its previous commitment (frontRemovals), then one NodeLedgerStep
// per batch, then per other step the update carried for g's own children a NodeChildStep (kinds 1,
// 2; over a kind 9 the forced variant, kind 11) or a native kind 6 or 8 (a registration, kind 5,
// or a removal, kind 7). A proven step is told the native steps that follow it directly
// (pending) and whether they end the update (last).
func (m *nodeMove) steps(children *commitment.ChildrenTree) ([]nodeStep, error) {
	front, carried := m.frontRemovals()
	var out []nodeStep
	for _, s := range front {
		st, err := m.registerStep(children, s)
		if err != nil {
			return nil, fmt.Errorf("the removal of child %d: %w", s.Index, err)
		}
		out = append(out, st)
	}
	nb := len(m.msg.Batches)
	n := nb + len(carried)
	native := func(i int) bool { return i >= nb && i < n && carriedNative(carried[i-nb]) }
	for i := 0; i < n; i++ {
		what := fmt.Sprintf("batch %d", i)
		if i >= nb {
			what = fmt.Sprintf("step %d", i-nb)
		}
		if native(i) {
			st, err := m.registerStep(children, carried[i-nb])
			if err != nil {
				return nil, fmt.Errorf("%s: %w", what, err)
			}
			out = append(out, st)
			continue
		}
		var pending []genesisMove
		for j := i + 1; native(j); j++ {
			gc, err := m.changeOf(carried[j-nb])
			if err != nil {
				return nil, fmt.Errorf("step %d: %w", j-nb, err)
			}
			pending = append(pending, gc)
		}
		last := i+len(pending) == n-1
		var st nodeStep
		var err error
		if i < nb {
			st, err = m.ledgerStep(children, i, pending, last)
		} else {
			st, err = m.childStepOf(children, carried[i-nb], pending, last)
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", what, err)
		}
		out = append(out, st)
	}
	return out, nil
}

// frontRemovals splits the steps the update carried into its leading removals (kind 7) of
// children g held as their genesis leaves at its previous commitment, which its grandparent
// takes before g's ledger steps, and the rest in their order. A ledger step keeps g's children,
// so those removals may precede it (each still ends at its carried root after); taken after it,
// a removal needs the ledger step's report to count the removed child, one bucket above g's
// final report when that is at the bucket cap without a genesis bucket, which no step could
// prove. A removal carried after a child step stays in place: that step's inner proof binds the
// children root it moved from. The report before them must be known (else nothing moves:
// registerStep says why).
func (m *nodeMove) frontRemovals() (front, rest []validiumtypes.SubtreeStep) {
	kids := m.kids
	for i, s := range m.msg.Steps {
		if s.Kind != subtree.KindUnregister || m.oldReport == nil {
			return front, m.msg.Steps[i:]
		}
		gc, err := m.changeOf(s)
		if err != nil || !hasOpening(kids, gc.opening()) {
			return front, m.msg.Steps[i:]
		}
		kids = gc.applied(kids)
		front = append(front, s)
	}
	return front, nil
}

// ledgerStep makes the NodeLedgerStep witness of batch j of the update: a forced one (kind 10)
// when the batch consumed forced deposits, an exit one (kind 12) when it credited exits, each
// exit checked as the circuit checks it under the step's finalized children root (checkExits).
func (m *nodeMove) ledgerStep(children *commitment.ChildrenTree, j int, pending []genesisMove, last bool) (nodeStep, error) {
	newC := m.next
	newC.ChildrenRoot, newC.FinalizedChildrenRoot = m.old.ChildrenRoot, m.old.FinalizedChildrenRoot
	w := subtree.NodeLedgerStepWitness{Move: subtree.LeafStepWitness{Index: m.index, Old: m.old, New: newC}}
	var err error
	if m.entry, err = batchMove(m.msg, j, m.entry, m.head, entryOpenings{deposits: m.deposits, exits: m.exits}, &w.Move); err != nil {
		return nodeStep{}, err
	}
	if err := checkExits(w.Move); err != nil {
		return nodeStep{}, fmt.Errorf("batch %d: %w", j, err)
	}
	if w.Report, err = m.stepReport(&w.Move.New, pending, last); err != nil {
		return nodeStep{}, err
	}
	w.Children = m.kids
	if err := moveLeaf(children, m.index, &w.Move.Siblings, w.Move.New.Hash()); err != nil {
		return nodeStep{}, err
	}
	m.head, m.old, m.oldReport = w.Move.InboxHead(), w.Move.New, w.Report
	return nodeStep{w: w, new: w.Move.New, report: w.Report}, nil
}

// childStepOf makes the NodeChildStep witness of step s the update carried.
func (m *nodeMove) childStepOf(children *commitment.ChildrenTree, s validiumtypes.SubtreeStep, pending []genesisMove, last bool) (nodeStep, error) {
	w, err := m.childStep(s)
	if err != nil {
		return nodeStep{}, err
	}
	if w.Report, err = m.stepReport(&w.New, pending, last); err != nil {
		return nodeStep{}, err
	}
	if err := moveLeaf(children, m.index, &w.Siblings, w.New.Hash()); err != nil {
		return nodeStep{}, err
	}
	m.old, m.oldReport = w.New, w.Report
	return nodeStep{w: w, new: w.New, report: w.Report}, nil
}

// carriedNative tells whether s, a step g's update carried, is one its grandparent's steps turn
// into a native node step: a registration (kind 5, into a kind 6) or a removal (kind 7, into 8).
func carriedNative(s validiumtypes.SubtreeStep) bool {
	return s.Kind == subtree.KindRegister || s.Kind == subtree.KindUnregister
}

// changeOf is the genesis move of a registration or removal s of the update (kind 5 or 7, as
// g's parent accepted it): the child's index and genesis commitment, which must be the tree's
// genesis of that child of g, the one g's grandparent rebuilds (subtree.NodeRegister,
// subtree.NodeUnregister).
func (m *nodeMove) changeOf(s validiumtypes.SubtreeStep) (genesisMove, error) {
	what := "registration"
	if s.Kind == subtree.KindUnregister {
		what = "removal"
	}
	if s.Index == 0 || s.Index > uint32(m.shape.MaxChildren) {
		return genesisMove{}, fmt.Errorf("a %s of child index %d, not in 1..%d", what, s.Index, m.shape.MaxChildren)
	}
	if s.Commitment == nil {
		return genesisMove{}, fmt.Errorf("the %s of child %d carries no genesis commitment", what, s.Index)
	}
	g, err := s.Commitment.Decode()
	if err != nil {
		return genesisMove{}, err
	}
	idx := uint8(s.Index)
	vid, err := subtree.ChildVid(m.next.Vid, idx)
	if err != nil {
		return genesisMove{}, err
	}
	if err := subtree.CheckGenesis(g, vid, m.roots); err != nil {
		return genesisMove{}, fmt.Errorf("the %s of child %d carries another commitment than its genesis: %w", what, idx, err)
	}
	return genesisMove{index: idx, genesis: g, removal: s.Kind == subtree.KindUnregister}, nil
}

// registerStep makes the native node step of registration or removal s (a kind 5 or 7 the
// update carried): g's commitment moves from the current one to subtree.NodeRegister's (kind
// 6: its children root with the registered child's genesis leaf, its report with (0, 1) added)
// or subtree.NodeUnregister's (kind 8: that genesis leaf emptied, one (0, 1) fewer) — whose
// children root must be s's root after —, and g's leaf in children with it (subtree.MoveLeaf,
// the parent's native rule).
func (m *nodeMove) registerStep(children *commitment.ChildrenTree, s validiumtypes.SubtreeStep) (nodeStep, error) {
	gc, err := m.changeOf(s)
	if err != nil {
		return nodeStep{}, err
	}
	if err := m.checkChange(gc); err != nil {
		return nodeStep{}, err
	}
	next, report, innerSiblings, err := m.changed(gc)
	if err != nil {
		return nodeStep{}, fmt.Errorf("%s: %w", gc.what(), err)
	}
	after, err := hash.DecodeElement(s.RootAfter)
	if err != nil {
		return nodeStep{}, err
	}
	if !next.ChildrenRoot.Equal(&after) {
		return nodeStep{}, fmt.Errorf("%s leads to the children root %X, not its root after %X", gc.what(), hash.EncodeElement(next.ChildrenRoot), s.RootAfter)
	}
	m.kids = gc.applied(m.kids)
	if !gc.removal {
		m.genesis[gc.genesis.Hash()] = true
	}
	before, err := children.Root()
	if err != nil {
		return nodeStep{}, err
	}
	var siblings []fr.Element
	if err := moveLeaf(children, m.index, &siblings, next.Hash()); err != nil {
		return nodeStep{}, err
	}
	rootAfter, err := children.Root()
	if err != nil {
		return nodeStep{}, err
	}
	if got, err := subtree.MoveLeaf(before, m.index, m.old.Hash(), next.Hash(), siblings); err != nil || !got.Equal(&rootAfter) {
		return nodeStep{}, fmt.Errorf("the children SMT does not move as the native rule (%v)", err)
	}
	kind := uint32(subtree.KindNodeRegister)
	if gc.removal {
		kind = subtree.KindNodeUnregister
	}
	genesisFields, prevFields := slushtypes.NewCommitmentFields(gc.genesis), slushtypes.NewCommitmentFields(m.old)
	leaf := next.Hash()
	ns := &nativeStep{
		pub: subtree.StepPublic{Kind: uint64(kind), ChildVid: m.next.Vid, Index: m.index, RootBefore: before, RootAfter: rootAfter,
			AnchorHeight: m.old.AnchorHeight, AnchorCommitment: m.old.AnchorCommitment, Leaf: leaf},
		msg: validiumtypes.SubtreeStep{Kind: kind, Index: uint32(m.index), RootAfter: hash.EncodeElement(rootAfter),
			Leaf: hash.EncodeElement(leaf), AnchorHeight: m.old.AnchorHeight, Commitment: &genesisFields, Siblings: hash.EncodeElements(siblings),
			Previous: &prevFields, PreviousReport: histogramProto(m.oldReport), InnerIndex: uint32(gc.index), InnerSiblings: hash.EncodeElements(innerSiblings)},
	}
	m.old, m.oldReport = next, report
	return nodeStep{new: next, report: report, native: ns}, nil
}

// checkChange refuses a change the current children and report do not allow: a registration
// of a child the children root holds, a removal of one it does not hold as its genesis leaf (a
// child that updated leaves by no step), either without the current report.
func (m *nodeMove) checkChange(gc genesisMove) error {
	held := hasIndex(m.kids, gc.index)
	switch {
	case !gc.removal && held:
		return fmt.Errorf("a registration of child %d, which the children root holds", gc.index)
	case gc.removal && !hasOpening(m.kids, gc.opening()):
		return fmt.Errorf("%w: a removal of child %d, which the children root does not hold as its genesis leaf", errUnprovableMove, gc.index)
	case m.oldReport == nil:
		return fmt.Errorf("the grandchild's report before %s is not known", gc.what())
	}
	return nil
}

// changed is g's commitment and report after the change by the native rule (subtree.NodeRegister
// or subtree.NodeUnregister) from the current ones, with the changed leaf's path in the current
// children root.
func (m *nodeMove) changed(gc genesisMove) (commitment.Commitment, subtree.Report, []fr.Element, error) {
	inner, err := subtree.ChildrenTreeOf(m.kids)
	if err != nil {
		return commitment.Commitment{}, nil, nil, err
	}
	path, err := inner.Prove(gc.index)
	if err != nil {
		return commitment.Commitment{}, nil, nil, err
	}
	op := gc.genesis.OperatorKeyHash
	var next commitment.Commitment
	var report subtree.Report
	if gc.removal {
		next, report, err = subtree.NodeUnregister(m.old, m.oldReport, gc.index, op, m.roots, path.Siblings)
	} else {
		next, report, err = subtree.NodeRegister(m.old, m.oldReport, gc.index, op, m.roots, path.Siblings, m.shape.MaxBuckets)
	}
	return next, report, path.Siblings, err
}

// childStep is the NodeChildStep witness (without its report) of one step s of the update: the
// leaf step it verifies (kind 1 or 2; a forced leaf step, kind 9, makes it the forced variant,
// kind 11, with the growth of s's parent outbox into the grandchild's: forcedGrowth) moves the
// grandchild's children root from the previous commitment's to s.root_after, which must hold
// exactly the grandchild's children with s's commitment at s's index. A node step below the
// grandchild (kinds 3, 4, 10, 11: a tree deeper than 3) is errUnprovableMove.
func (m *nodeMove) childStep(s validiumtypes.SubtreeStep) (subtree.NodeChildStepWitness, error) {
	switch s.Kind {
	case subtree.KindLeaf, subtree.KindLeafFirst, subtree.KindLeafForced:
	default:
		return subtree.NodeChildStepWitness{}, fmt.Errorf("%w: a step of kind %d below the grandchild (child steps over node steps are not built)", errUnprovableMove, s.Kind)
	}
	if s.Index == 0 || s.Index > uint32(m.shape.MaxChildren) {
		return subtree.NodeChildStepWitness{}, fmt.Errorf("a step of child index %d, not in 1..%d", s.Index, m.shape.MaxChildren)
	}
	leaf, err := hash.DecodeElement(s.Leaf)
	if err != nil {
		return subtree.NodeChildStepWitness{}, err
	}
	after, err := hash.DecodeElement(s.RootAfter)
	if err != nil {
		return subtree.NodeChildStepWitness{}, err
	}
	o, ok := m.leaves[leaf]
	if !ok {
		return subtree.NodeChildStepWitness{}, fmt.Errorf("the commitment %X of the grandchild's child %d is not known", s.Leaf, s.Index)
	}
	o.Index = uint8(s.Index)
	vid, err := subtree.ChildVid(m.old.Vid, o.Index)
	if err != nil {
		return subtree.NodeChildStepWitness{}, err
	}
	if !o.Commitment.Vid.Equal(&vid) || o.Commitment.AnchorHeight != s.AnchorHeight {
		return subtree.NodeChildStepWitness{}, fmt.Errorf("the commitment %X is not child %d's anchored at %d", s.Leaf, s.Index, s.AnchorHeight)
	}
	if s.AnchorHeight > m.old.AnchorHeight {
		return subtree.NodeChildStepWitness{}, fmt.Errorf("child %d's commitment is anchored at %d, after the grandchild's %d", s.Index, s.AnchorHeight, m.old.AnchorHeight)
	}
	if held := hasIndex(m.kids, o.Index); held != leafMove(s.Kind) {
		return subtree.NodeChildStepWitness{}, fmt.Errorf("a step of kind %d for child %d, which the children root holds: %t", s.Kind, s.Index, held)
	}
	var parentOutbox fr.Element
	var growth *smt.AccumulatorGrowth
	if s.Kind == subtree.KindLeafForced { // the outbox a child step keeps: the grandchild's after its ledger steps
		if parentOutbox, growth, err = forcedGrowth(s, m.old.OutboxRoot); err != nil {
			return subtree.NodeChildStepWitness{}, fmt.Errorf("the forced step of child %d: %w", s.Index, err)
		}
	}
	finality, err := m.finality(s.Kind, o.Index)
	if err != nil {
		return subtree.NodeChildStepWitness{}, err
	}
	m.kids = withOpening(m.kids, o)
	if err := checkOpenings(m.kids, after); err != nil {
		return subtree.NodeChildStepWitness{}, fmt.Errorf("the grandchild's children after the step: %w", err)
	}
	proof, err := prover.DecodeCommittedProof(s.Proof)
	if err != nil {
		return subtree.NodeChildStepWitness{}, err
	}
	newC := m.old
	newC.ChildrenRoot = after
	if finality.Finalize {
		if newC.FinalizedChildrenRoot, err = m.fin.Root(); err != nil {
			return subtree.NodeChildStepWitness{}, err
		}
	}
	return subtree.NodeChildStepWitness{
		Index: m.index, Old: m.old, New: newC, InnerProof: proof, Children: m.kids, Finality: finality, Growth: growth,
		Inner: subtree.StepPublic{
			Kind: uint64(s.Kind), ChildVid: vid, Index: o.Index, RootBefore: m.old.ChildrenRoot, RootAfter: after,
			AnchorHeight: s.AnchorHeight, AnchorCommitment: o.Commitment.AnchorCommitment, Leaf: leaf, ParentOutbox: parentOutbox,
		},
	}, nil
}

// stepReport sets c's acceptance digest to its report and returns the report. The report at
// the end of the step's segment (the step and the native steps pending right after it) is the
// update's own when that ends the update, else the synthetic one of the grandchild's children
// then at c's anchor; the step's report is that with the pending steps undone (genesisMove
// undone, last first), from which they lead there. It must pass the node report rule
// (subtree.CheckNodeReport) against the grandchild's current children (a child a pending step
// removes still counts); the update's last step must reach the update's commitment.
func (m *nodeMove) stepReport(c *commitment.Commitment, pending []genesisMove, last bool) (subtree.Report, error) {
	report := m.report
	if !last {
		kids := m.kids
		for _, gc := range pending {
			kids = gc.applied(kids)
		}
		var err error
		if report, err = synthReport(c.AnchorHeight, kids, m.shape.MaxBuckets); err != nil {
			return nil, err
		}
	}
	for i := len(pending) - 1; i >= 0; i-- {
		var err error
		if report, err = pending[i].undone(report, m.shape.MaxBuckets); err != nil {
			return nil, fmt.Errorf("the grandchild's report before %s: %w", pending[i].what(), err)
		}
	}
	c.AcceptanceDigest = report.Digest()
	if last && !c.FinalizedChildrenRoot.Equal(&m.next.FinalizedChildrenRoot) {
		return nil, fmt.Errorf("%w: the grandchild's finalized children moved to a commitment no step of this update replaced (a step finalizes only the leaf commitment it replaces)", errUnprovableMove)
	}
	if last && len(pending) == 0 && *c != m.next { // with registrations after it: checked once they are made
		return nil, fmt.Errorf("the last step's commitment %X is not the update's %X", hash.EncodeElement(c.Hash()), hash.EncodeElement(m.next.Hash()))
	}
	if err := subtree.CheckNodeReport(c.AnchorHeight, report, reportsOf(m.kids), m.shape.MaxBuckets); err != nil {
		return nil, fmt.Errorf("the grandchild's report at %d: %w", c.AnchorHeight, err)
	}
	return report, nil
}

// synthReport is the report of an intermediate commitment anchored at anchor whose children are
// kids: {(anchor, 1)} ⊎ their reports, capped at max buckets (x/acceptance Merge and
// CapBuckets: the total kept, counts moved only to lower heights).
func synthReport(anchor uint64, kids []subtree.ChildOpening, max int) (subtree.Report, error) {
	parts := make([]acceptancetypes.Histogram, 0, len(kids))
	for _, k := range kids {
		parts = append(parts, validiumtypes.HistogramOf(k.Report))
	}
	h, err := acceptancetypes.Histogram{{Height: anchor, Count: 1}}.Merge(parts...).CapBuckets(max)
	if err != nil {
		return nil, err
	}
	r := make(subtree.Report, len(h))
	for i, b := range h {
		r[i] = subtree.Bucket{Height: b.Height, Count: b.Count}
	}
	return r, nil
}

// checkOpenings checks children against the children root they must rebuild and each report
// against its commitment's acceptance digest (what the step circuits assert).
func checkOpenings(kids []subtree.ChildOpening, root fr.Element) error {
	got, err := subtree.ChildrenRootOf(kids)
	if err != nil {
		return err
	}
	if !got.Equal(&root) {
		return fmt.Errorf("they rebuild the children root %X, not %X", hash.EncodeElement(got), hash.EncodeElement(root))
	}
	for _, k := range kids {
		if d := k.Report.Digest(); !d.Equal(&k.Commitment.AcceptanceDigest) {
			return fmt.Errorf("child %d's report is not its commitment's acceptance digest", k.Index)
		}
	}
	return nil
}

// withOpening returns kids with o in place of the child of its index (or added), by index, as a
// new slice (a witness keeps the children it was made with).
func withOpening(kids []subtree.ChildOpening, o subtree.ChildOpening) []subtree.ChildOpening {
	return sortedOpenings(append(withoutIndex(kids, o.Index), o))
}

// withoutIndex returns kids without the child of index idx, as a new slice.
func withoutIndex(kids []subtree.ChildOpening, idx uint8) []subtree.ChildOpening {
	out := make([]subtree.ChildOpening, 0, len(kids))
	for _, k := range kids {
		if k.Index != idx {
			out = append(out, k)
		}
	}
	return out
}

// hasOpening tells whether kids holds o's commitment at o's index.
func hasOpening(kids []subtree.ChildOpening, o subtree.ChildOpening) bool {
	for _, k := range kids {
		if k.Index == o.Index {
			return k.Commitment == o.Commitment
		}
	}
	return false
}

// hasIndex tells whether kids holds a child of index idx.
func hasIndex(kids []subtree.ChildOpening, idx uint8) bool {
	for _, k := range kids {
		if k.Index == idx {
			return true
		}
	}
	return false
}

// sortedOpenings is kids by index (a copy).
func sortedOpenings(kids []subtree.ChildOpening) []subtree.ChildOpening {
	out := append([]subtree.ChildOpening(nil), kids...)
	sort.Slice(out, func(i, j int) bool { return out[i].Index < out[j].Index })
	return out
}

// reportsOf is the children's reports.
func reportsOf(kids []subtree.ChildOpening) []subtree.Report {
	out := make([]subtree.Report, len(kids))
	for i, k := range kids {
		out[i] = k.Report
	}
	return out
}

// reportOf is a histogram as the step message carries it, as a report.
func reportOf(h []acceptancetypes.HistogramBucket) subtree.Report {
	return validiumtypes.ReportOf(acceptancetypes.HistogramFromProto(h))
}

// histogramProto is a report as the step message carries it.
func histogramProto(r subtree.Report) []acceptancetypes.HistogramBucket {
	return acceptancetypes.HistogramToProto(validiumtypes.HistogramOf(r))
}
