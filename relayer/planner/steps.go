package planner

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"sort"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"

	"github.com/slush-tree/slush/circuits/commitment"
	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/ledger"
	"github.com/slush-tree/slush/circuits/smt"
	"github.com/slush-tree/slush/circuits/subtree"
	"github.com/slush-tree/slush/relayer/chainclient"
	"github.com/slush-tree/slush/relayer/tree"
	slushtypes "github.com/slush-tree/slush/types"
	acceptancetypes "github.com/slush-tree/slush/x/acceptance/types"
	treetypes "github.com/slush-tree/slush/x/tree/types"
	validiumtypes "github.com/slush-tree/slush/x/validium/types"
)

// errNoLeafStepKeys stops a subtree plan at its first child update when keys_dir has no leaf
// step keys: the native steps before it need none (issue 16).
var errNoLeafStepKeys = fmt.Errorf("%w: keys_dir has no leaf-step.pk/.vk, and the parent requires subtree step proofs "+
	"(x/validium subtree_proofs RECURSIVE; docs/PROTOCOL.md \"Validity all the way up\")", errUnprovableMove)

// subtreePlan is what c's next update to a RECURSIVE parent must prove below c (issue 16,
// docs/PROTOCOL.md "Validity all the way up", "Who proves"): c's children's updates that c
// accepted after the commitment the parent holds, and c's children SMT at that commitment.
type subtreePlan struct {
	// held is c's block of the commitment the parent holds (0 before c's first update).
	held int64
	// children is c's children SMT at held: where the steps start (planSteps moves it on).
	children *commitment.ChildrenTree
	// heldRoot is its root at held: the children root the parent holds.
	heldRoot fr.Element
	// inbox is each grandchild's consumed-inbox head at held.
	inbox map[uint8]fr.Element
	// moves are the child updates c accepted after held, in c's order.
	moves []chainclient.AcceptedUpdate
	// genesisMoves are c's children registered with a genesis leaf after held, up to hc, and
	// those deregistered before they updated, by block (kind-5 and kind-7 steps; next is the
	// first not planned yet); genesis is the genesis commitment of each child of c with a
	// genesis leaf at hc, by index: the previous commitment of its first update.
	genesisMoves []genesisMove
	next         int
	genesis      map[uint8]commitment.Commitment
	// roots are the tree's genesis roots (its ledger shape's empty roots).
	roots ledger.GenesisRoots
	// leaf, nodeLedger and nodeChild say why leaf steps and node steps of each kind cannot be
	// proven for the parent (nil: they can); shape is the node shape they were compiled for.
	leaf, nodeLedger, nodeChild error
	shape                       subtree.NodeShape
	// leafForced and nodeLedgerForced say why forced leaf or node ledger steps (kinds 9 and 10:
	// a batch that consumed forced deposits) cannot be proven for the parent (nil: they can);
	// nodeChildForced why forced node child steps (kind 11: over a kind 9 a node grandchild's
	// update carried) cannot.
	leafForced, nodeLedgerForced, nodeChildForced error
	// nodeLedgerExit says why exit node ledger steps (kind 12: a node grandchild's batch that
	// credited exits) cannot be proven for the parent (nil: they can).
	nodeLedgerExit error
}

// loadSubtreePlan reads c's children at the commitment the parent holds (checked against the
// children root the parent holds), the children c registered and deregistered since and the
// child updates c accepted since, up to hc.
func (pl *Planner) loadSubtreePlan(ctx context.Context, c *tree.Node, child validiumtypes.Child, hc int64) (*subtreePlan, error) {
	plan, err := readSubtreePlan(ctx, c, c.Vid, ledger.EmptyRoots(c.LedgerParams.Ledger()), child, hc)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", c.Name, err)
	}
	return plan, nil
}

// readSubtreePlan is loadSubtreePlan for chain c of vid vid under a tree of genesis roots roots:
// c's children SMT at held holds each child's latest accepted commitment, or its genesis
// commitment while it has none (a child registered with a genesis leaf), else nothing.
func readSubtreePlan(ctx context.Context, c nodeChain, vid fr.Element, roots ledger.GenesisRoots, child validiumtypes.Child, hc int64) (*subtreePlan, error) {
	plan := &subtreePlan{inbox: map[uint8]fr.Element{}, genesis: map[uint8]commitment.Commitment{}, roots: roots}
	if !isZero(child.LatestCommitment) {
		acc, err := commitmentRecord(ctx, c, child.LatestCommitment, child.AnchorHeight, hc)
		if err != nil {
			return nil, fmt.Errorf("the accepted commitment %X (steps start from its block): %w", child.LatestCommitment, err)
		}
		plan.held = acc.Height
	}
	var err error
	if plan.children, err = commitment.NewChildrenTree(smt.NewMemStore()); err != nil {
		return nil, err
	}
	if plan.held > 0 {
		kids, err := c.Children(ctx, plan.held)
		if err != nil {
			return nil, err
		}
		for _, k := range kids {
			if k.Index == 0 || k.Index > 255 {
				continue
			}
			idx := uint8(k.Index)
			if isZero(k.LatestCommitment) {
				g, ok, err := genesisOf(vid, k, roots)
				if err != nil {
					return nil, err
				}
				if ok { // registered, never updated: its genesis leaf
					if err := plan.children.SetChild(idx, g.Hash()); err != nil {
						return nil, err
					}
				}
				continue
			}
			h, err := hash.DecodeElement(k.LatestCommitment)
			if err != nil {
				return nil, err
			}
			if err := plan.children.SetChild(idx, h); err != nil {
				return nil, err
			}
			if len(k.InboxHead) > 0 {
				if plan.inbox[idx], err = hash.DecodeElement(k.InboxHead); err != nil {
					return nil, err
				}
			}
		}
	}
	if err := sameRoot(plan.children.Root, child.ChildrenRoot); err != nil {
		return nil, fmt.Errorf("the children at %d against the children root the parent holds: %w", plan.held, err)
	}
	if plan.heldRoot, err = plan.children.Root(); err != nil {
		return nil, err
	}
	if plan.genesisMoves, err = genesisMovesAfter(ctx, c, vid, roots, plan.held, hc, plan.genesis); err != nil {
		return nil, err
	}
	if plan.moves, err = c.AcceptedUpdates(ctx, plan.held+1, hc); err != nil {
		return nil, err
	}
	return plan, nil
}

// genesisMovesUpTo plans the native steps (kinds 5, 7) of the registrations and removals at blocks
// up to height not planned yet, moving the plan's children SMT: a block's removals and
// registrations come before its child updates (a child registered in a block can update in it
// only after; a removed child never updated).
func (plan *subtreePlan) genesisMovesUpTo(height int64) ([]plannedStep, error) {
	var out []plannedStep
	for ; plan.next < len(plan.genesisMoves) && plan.genesisMoves[plan.next].height <= height; plan.next++ {
		st, err := genesisMoveStep(plan.children, plan.genesisMoves[plan.next])
		if err != nil {
			return nil, err
		}
		out = append(out, st)
	}
	return out, nil
}

// sameRoot checks a rebuilt SMT's root against a held one (empty: the empty children root).
func sameRoot(root func() (fr.Element, error), held []byte) error {
	got, err := root()
	if err != nil {
		return err
	}
	want := commitment.EmptyChildrenRoot()
	if len(held) > 0 {
		if want, err = hash.DecodeElement(held); err != nil {
			return err
		}
	}
	if !got.Equal(&want) {
		return fmt.Errorf("rebuilt root %X, held %X", hash.EncodeElement(got), hash.EncodeElement(want))
	}
	return nil
}

// plannedStep is one step of c's children moves after held: its witness, what it states,
// and the block of c that accepted the child update (or registered the child) it belongs to;
// for a node step, the grandchild's commitment after it and its report, which the step message
// carries; for a native step (kinds 5 to 8), its whole message and no witness: nothing to prove.
type plannedStep struct {
	height int64
	w      stepWitness
	pub    subtree.StepPublic
	key    string                     // the statement's bytes: the proof's key in the step queue
	node   *nodeStep                  // node kinds only
	native *validiumtypes.SubtreeStep // native kinds only
}

// planSteps makes the step witnesses of every child update c accepted after held, in c's
// order: leaf steps for a grandchild without children, node steps for one with children; and
// the native kind-7 step of every never-updated child c deregistered after held, then the
// kind-5 step of every child c registered after held with a genesis leaf, first in their block.
// A move no step kind proves stops the plan before it (logged: c's children cannot move past it
// until the kind exists); stop is then its block (0 otherwise).
func (pl *Planner) planSteps(ctx context.Context, c *tree.Node, plan *subtreePlan) (steps []plannedStep, stop int64, err error) {
	moves, err := childMoves(plan, func(idx uint8, h []byte) (*commitment.Commitment, error) {
		return pl.grandchildCommitment(ctx, c, idx, h)
	})
	if err != nil {
		return nil, 0, err
	}
	for _, mv := range moves {
		regs, err := plan.genesisMovesUpTo(mv.height)
		if err != nil {
			return nil, 0, err
		}
		steps = append(steps, regs...)
		more, err := pl.moveSteps(ctx, c, plan, mv)
		if err != nil {
			pl.log.Error("a child update cannot be proven by a step: the parent cannot accept it", "chain", c.Name,
				"child", mv.msg.ChildIndex, "block", mv.height, "err", err)
			return steps, mv.height, nil
		}
		steps = append(steps, more...)
	}
	regs, err := plan.genesisMovesUpTo(math.MaxInt64)
	if err != nil {
		return nil, 0, err
	}
	return append(steps, regs...), 0, nil
}

// moveSteps is planSteps for one child update: its leaf steps (forced ones over its batches
// that consumed forced deposits, opened in c's outbox: withDeposits), or its node steps when the
// grandchild has children (with the keys of the kinds it needs: childStepKeys for its carried
// steps; exit ones over its batches that credited exits, opened from its exit proofs: withExits).
func (pl *Planner) moveSteps(ctx context.Context, c *tree.Node, plan *subtreePlan, mv childMove) ([]plannedStep, error) {
	if plan.leaf != nil { // every child update is proven by a leaf step, or by node steps over one
		return nil, plan.leaf
	}
	next, err := mv.msg.NewCommitment.Decode()
	if err != nil {
		return nil, err
	}
	var out []plannedStep
	add := func(w stepWitness, node *nodeStep) {
		if node != nil && node.native != nil {
			out = append(out, node.native.planned(mv.height))
			return
		}
		pub := w.Public()
		out = append(out, plannedStep{height: mv.height, w: w, pub: pub, key: string(hash.EncodeElement(pub.Statement())), node: node})
	}
	if !hasChildren(mv.prev, next) {
		if mv, err = pl.withDeposits(ctx, c, plan.leafForced, mv); err != nil {
			return nil, err
		}
		ws, err := moveWitnesses(plan.children, mv, c.LedgerParams.Ledger())
		for _, w := range ws {
			add(w, nil)
		}
		return out, err
	}
	if mv.prev == nil || mv.genesis { // a node's first commitment: leaf steps to its synthetic leaf state first
		first, rest, err := splitFirstNodeMove(mv)
		if err != nil {
			return nil, err
		}
		if first, err = pl.withDeposits(ctx, c, plan.leafForced, first); err != nil {
			return nil, err
		}
		ws, err := moveWitnesses(plan.children, first, c.LedgerParams.Ledger())
		if err != nil {
			return nil, err
		}
		for _, w := range ws {
			add(w, nil)
		}
		mv = rest
	}
	if len(mv.msg.Batches) > 0 && plan.nodeLedger != nil {
		return nil, plan.nodeLedger
	}
	if err := plan.childStepKeys(mv.msg.Steps); err != nil {
		return nil, err
	}
	if err := checkNodeUpdate(mv); err != nil {
		return nil, err
	}
	if mv, err = pl.withDeposits(ctx, c, plan.nodeLedgerForced, mv); err != nil {
		return nil, err
	}
	if mv, err = withExits(plan.nodeLedgerExit, mv, c.LedgerParams.Ledger().AccountDepth); err != nil {
		return nil, err
	}
	src, err := pl.loadNodeSource(ctx, c, mv, plan.roots)
	if err != nil {
		return nil, err
	}
	ns, err := nodeMoveWitnesses(plan.children, mv, src, plan.shape)
	for i := range ns {
		add(ns[i].w, &ns[i])
	}
	return out, err
}

// readyCut is the highest block of c whose commitment the parent can accept now: every step up
// to it proven (ready; a native step always is), at most max of them (native ones included: the
// parent counts every step), and below stop (an unprovable move) if set. The cut falls between
// blocks, since a block's moves are all in its commitment; with no step after held it is hc.
func readyCut(steps []plannedStep, ready func(string) bool, max int, stop, hc int64) int64 {
	cut := hc
	if stop > 0 {
		cut = stop - 1
	}
	for i := 0; i < len(steps); {
		h, j := steps[i].height, i
		for j < len(steps) && steps[j].height == h {
			j++
		}
		if h > cut {
			break
		}
		if j > max {
			return h - 1
		}
		for _, st := range steps[i:j] {
			if st.native == nil && !ready(st.key) {
				return h - 1
			}
		}
		i = j
	}
	return cut
}

// stepsInFirstBlock is how many steps the first block with child moves holds (0 without).
func stepsInFirstBlock(steps []plannedStep) int {
	n := 0
	for _, st := range steps {
		if st.height != steps[0].height {
			break
		}
		n++
	}
	return n
}

// subtreeSteps enqueues the steps not proven yet and returns the highest block of c whose
// commitment the parent can accept with proven steps only (readyCut), so c's parent keeps
// receiving c's updates — its children root unmoved meanwhile — while the steps are proven.
func (pl *Planner) subtreeSteps(c *tree.Node, steps []plannedStep, stop int64, max int, hc int64) int64 {
	for i, st := range steps {
		if st.native != nil {
			continue // checked natively: nothing to prove
		}
		if _, ok := pl.steps.proof(st.key); !ok {
			attrs := []any{"chain", c.Name, "grandchild", st.pub.Index, "step", i + 1, "planned", len(steps), "step_kind", st.pub.Kind, "anchor", st.pub.AnchorHeight}
			switch w := st.w.(type) {
			case subtree.LeafStepWitness:
				attrs = append(attrs, "claims", len(w.Claims), "deposits", len(w.Deposits), "first", w.First)
			case subtree.NodeLedgerStepWitness:
				attrs = append(attrs, "claims", len(w.Move.Claims), "deposits", len(w.Move.Deposits), "exits", len(w.Move.Exits))
			}
			pl.steps.enqueue(stepJob{key: st.key, w: st.w, attrs: attrs})
		}
	}
	return readyCut(steps, func(key string) bool { _, ok := pl.steps.proof(key); return ok }, max, stop, hc)
}

// stepsUpTo assembles the update's steps, those of c's blocks up to target's (all proven:
// target is at or below readyCut), and the finalized moves; the steps must end at target's
// children root, and a forced step carries the growth of its outbox root into target's, read
// from c's outbox at target's block.
func (pl *Planner) stepsUpTo(ctx context.Context, c *tree.Node, plan *subtreePlan, steps []plannedStep, child validiumtypes.Child, target treetypes.OwnCommitment,
) ([]validiumtypes.SubtreeStep, []validiumtypes.FinalizedLeafMove, error) {
	growth := growthTo(ctx, c, c.Vid, c.LedgerParams.Ledger(), target)
	out, err := assembleSteps(plan.heldRoot, steps, pl.steps.proof, growth, target)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", c.Name, err)
	}
	finalized, err := finalizedMoves(ctx, c, plan.held, child, target)
	if err != nil {
		return nil, nil, err
	}
	return out, finalized, nil
}

// assembleSteps is the messages of the steps of c's blocks up to target's, from the held
// children root: proven steps with their proofs (a forced step with its outbox root and that
// root's growth into target's), native ones as planned; they must end at target's children root.
func assembleSteps(heldRoot fr.Element, steps []plannedStep, proof func(key string) ([]byte, bool), growth outboxGrowth, target treetypes.OwnCommitment,
) ([]validiumtypes.SubtreeStep, error) {
	var out []validiumtypes.SubtreeStep
	root := func() (fr.Element, error) { return heldRoot, nil }
	for _, st := range steps {
		if st.height > target.Height {
			break
		}
		var p []byte
		if st.native == nil {
			var ok bool
			if p, ok = proof(st.key); !ok {
				return nil, fmt.Errorf("the step of child %d accepted at %d is not proven", st.pub.Index, st.height)
			}
		}
		m := stepMessage(st, p)
		if subtree.IsForcedKind(st.pub.Kind) {
			var err error
			if m.ParentOutbox, m.OutboxGrowth, err = forcedFields(st, growth); err != nil {
				return nil, fmt.Errorf("the forced step of child %d accepted at %d: %w", st.pub.Index, st.height, err)
			}
		}
		out = append(out, m)
		after := st.pub.RootAfter
		root = func() (fr.Element, error) { return after, nil }
	}
	if err := sameRoot(root, target.Fields.ChildrenRoot); err != nil {
		return nil, fmt.Errorf("the children moves up to %d against its commitment's children root: %w", target.Height, err)
	}
	return out, nil
}

// stepMessage is the step as the parent's update carries it: for the node kinds with the
// grandchild's new commitment and report, which the parent reads its report from; a native
// step as planned (no proof).
func stepMessage(st plannedStep, proof []byte) validiumtypes.SubtreeStep {
	if st.native != nil {
		return *st.native
	}
	m := validiumtypes.SubtreeStep{Kind: uint32(st.pub.Kind), Index: uint32(st.pub.Index), RootAfter: hash.EncodeElement(st.pub.RootAfter),
		Leaf: hash.EncodeElement(st.pub.Leaf), AnchorHeight: st.pub.AnchorHeight, Proof: proof}
	if st.node != nil {
		fields := slushtypes.NewCommitmentFields(st.node.new)
		m.Commitment, m.Report = &fields, histogramProto(st.node.report)
	}
	return m
}

// childMoves attaches to each child update c accepted after held what c held for that
// grandchild before it: its previous commitment (read by commitmentOf, grandchildCommitment: from
// c's transaction index, for its first move in the range; its genesis commitment for a first update over a
// genesis leaf) and its inbox head.
func childMoves(plan *subtreePlan, commitmentOf func(idx uint8, h []byte) (*commitment.Commitment, error)) ([]childMove, error) {
	prev := map[uint8]*commitment.Commitment{}
	inbox := map[uint8]fr.Element{}
	for k, v := range plan.inbox {
		inbox[k] = v
	}
	var out []childMove
	for _, u := range plan.moves {
		idx := uint8(u.Msg.ChildIndex)
		mv := childMove{height: u.Height, inbox: inbox[idx], msg: u.Msg}
		switch p, ok := prev[idx]; {
		case ok:
			mv.prev = p
		case !isZero(u.Msg.PrevCommitment):
			p, err := commitmentOf(idx, u.Msg.PrevCommitment)
			if err != nil {
				return nil, err
			}
			mv.prev = p
		default: // its first update: over its genesis leaf if it has one (else an empty leaf)
			if g, ok := plan.genesis[idx]; ok {
				mv.prev, mv.genesis = &g, true
			}
		}
		next, err := u.Msg.NewCommitment.Decode()
		if err != nil {
			return nil, err
		}
		prev[idx] = &next
		head := inbox[idx]
		for _, e := range u.Msg.InboxEntries {
			h, src, err := e.Decode()
			if err != nil {
				return nil, err
			}
			head = ledger.InboxLink(head, h, src)
		}
		inbox[idx] = head
		out = append(out, mv)
	}
	return out, nil
}

// grandchildCommitment reads the preimage of a commitment of c's child idx as openChild opens
// it: from the update c accepted that made it (c's transaction index), so a stopped or
// withholding grandchild cannot stall c's updates (DESIGN §8); else, for a commitment the
// grandchild arrived with, from its own history; checked against the hash and its report's
// digest.
func (pl *Planner) grandchildCommitment(ctx context.Context, c *tree.Node, idx uint8, h []byte) (*commitment.Commitment, error) {
	o, err := openChild(ctx, c, func(i uint8) (nodeChain, error) { return pl.served(c, i) }, idx, h)
	if err != nil {
		return nil, fmt.Errorf("%s's child %d commitment %X: %w", c.Name, idx, h, err)
	}
	return &o.Commitment, nil
}

// finalizedMoves moves c's finalized children SMT from the one the parent holds (c's at block
// held) to target's, one leaf per grandchild whose finalized commitment changed, by index.
func finalizedMoves(ctx context.Context, c *tree.Node, held int64, child validiumtypes.Child, target treetypes.OwnCommitment) ([]validiumtypes.FinalizedLeafMove, error) {
	before, err := finalizedAt(ctx, c, held)
	if err != nil {
		return nil, err
	}
	after, err := finalizedAt(ctx, c, target.Height)
	if err != nil {
		return nil, err
	}
	t, err := commitment.NewChildrenTree(smt.NewMemStore())
	if err != nil {
		return nil, err
	}
	for idx, h := range before {
		if err := t.SetChild(idx, h); err != nil {
			return nil, err
		}
	}
	if err := sameRoot(t.Root, child.FinalizedChildrenRoot); err != nil {
		return nil, fmt.Errorf("%s's finalized children at %d against the finalized children root its parent holds: %w", c.Name, held, err)
	}
	indices := make([]int, 0, len(after))
	for idx := range after {
		indices = append(indices, int(idx))
	}
	sort.Ints(indices)
	var out []validiumtypes.FinalizedLeafMove
	for _, i := range indices {
		idx := uint8(i)
		now, was := after[idx], before[idx]
		if _, had := before[idx]; had && now.Equal(&was) {
			continue
		}
		path, err := t.Prove(idx)
		if err != nil {
			return nil, err
		}
		mv := validiumtypes.FinalizedLeafMove{Index: uint32(idx), Commitment: hash.EncodeElement(now)}
		if _, had := before[idx]; had {
			mv.Previous = hash.EncodeElement(was)
		}
		mv.Siblings = hash.EncodeElements(path.Siblings)
		if err := t.SetChild(idx, now); err != nil {
			return nil, err
		}
		out = append(out, mv)
	}
	if err := sameRoot(t.Root, target.Fields.FinalizedChildrenRoot); err != nil {
		return nil, fmt.Errorf("%s's finalized children at %d against its commitment (a finalized commitment went away?): %w", c.Name, target.Height, err)
	}
	return out, nil
}

// finalizedReader is what finalizedAt reads of a chain: its children records and their
// finalized commitments (x/acceptance), at a block.
type finalizedReader interface {
	Children(ctx context.Context, atHeight int64) ([]validiumtypes.Child, error)
	Finalized(ctx context.Context, index uint32, atHeight int64) (*acceptancetypes.QueryFinalizedResponse, error)
}

// finalizedAt is the finalized commitment of each of c's children at block h (none at 0).
func finalizedAt(ctx context.Context, c finalizedReader, h int64) (map[uint8]fr.Element, error) {
	out := map[uint8]fr.Element{}
	if h == 0 {
		return out, nil
	}
	kids, err := c.Children(ctx, h)
	if err != nil {
		return nil, err
	}
	for _, k := range kids {
		if k.Index == 0 || k.Index > 255 {
			continue
		}
		res, err := c.Finalized(ctx, k.Index, h)
		if err != nil {
			return nil, err
		}
		if !res.Found {
			continue
		}
		v, err := hash.DecodeElement(res.Hash.Commitment)
		if err != nil {
			return nil, err
		}
		out[uint8(k.Index)] = v
	}
	return out, nil
}

// provenByStep tells whether c's updates are proven once more by a step in its parent's update
// to c's grandparent: the grandparent runs RECURSIVE subtree proofs and this relayer has the
// leaf step keys. Such updates are proven with the claim circuit only (the step embeds its key)
// and always carry a batch (an anchor batch when no operation moved).
func (pl *Planner) provenByStep(ctx context.Context, c *tree.Node) (bool, error) {
	if c.Parent == nil || c.Parent.Parent == nil || pl.prover.LeafStepVK() == nil {
		return false, nil
	}
	gp := c.Parent.Parent
	h, err := gp.Height(ctx)
	if err != nil {
		return false, err
	}
	params, err := gp.ValidiumParams(ctx, h)
	if err != nil {
		return false, err
	}
	return params.Recursive(), nil
}

// subtreePlanFor is the subtree plan of c's update when its parent, with params, runs RECURSIVE
// subtree proofs (nil otherwise). A relayer without the leaf step keys still plans the native
// steps (registrations and removals need no proof) and stops at c's first child update (plan.leaf);
// one whose leaf step key is not the parent's is misconfigured: refused. Without the forced leaf
// step keys the parent takes (plan.leafForced) it stops at the first child batch that consumed a
// forced deposit; without the exit node ledger step keys (plan.nodeLedgerExit), at the first
// node grandchild's batch that credited exits.
func (pl *Planner) subtreePlanFor(ctx context.Context, c *tree.Node, params validiumtypes.Params, child validiumtypes.Child, hc int64) (*subtreePlan, error) {
	if !params.Recursive() {
		return nil, nil
	}
	vk := pl.prover.LeafStepVK()
	if vk != nil && !bytes.Equal(params.LeafStepKey, vk) {
		return nil, fmt.Errorf("%s's leaf_step_key is not keys_dir/leaf-step.vk: this relayer's steps would be refused", c.Parent.Name)
	}
	plan, err := pl.loadSubtreePlan(ctx, c, child, hc)
	if err != nil {
		return nil, err
	}
	if vk == nil {
		plan.leaf = errNoLeafStepKeys
	}
	plan.nodeLedger, plan.nodeChild = nodeKeys(params, pl.prover.NodeLedgerStepVK(), pl.prover.NodeChildStepVK())
	plan.leafForced, plan.nodeLedgerForced = forcedKeys(params, pl.prover.LeafForcedStepVK(), pl.prover.NodeLedgerForcedStepVK())
	plan.nodeChildForced = nodeChildForcedKey(params, pl.prover.NodeChildForcedStepVK())
	plan.nodeLedgerExit = nodeLedgerExitKey(params, pl.prover.NodeLedgerExitStepVK())
	plan.shape = pl.prover.NodeStepShape()
	return plan, nil
}
