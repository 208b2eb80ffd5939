package planner

import (
	"bytes"
	"context"
	"fmt"
	"sort"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"

	"github.com/slush-tree/slush/circuits/commitment"
	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/ledger"
	"github.com/slush-tree/slush/circuits/smt"
	"github.com/slush-tree/slush/relayer/chainclient"
	"github.com/slush-tree/slush/relayer/tree"
	treetypes "github.com/slush-tree/slush/x/tree/types"
	validiumtypes "github.com/slush-tree/slush/x/validium/types"
)

// subtreePlan is what c's next update to a RECURSIVE parent must prove below c (issue 16,
// docs/PROTOCOL.md "Validity all the way up", "Who proves"): c's children's updates that c
// accepted after the commitment the parent holds, and c's children SMT at that commitment.
type subtreePlan struct {
	// held is c's block of the commitment the parent holds (0 before c's first update).
	held int64
	// children is c's children SMT at held: where the steps start.
	children *commitment.ChildrenTree
	// inbox is each grandchild's consumed-inbox head at held.
	inbox map[uint8]fr.Element
	// moves are the child updates c accepted after held, in c's order.
	moves []chainclient.AcceptedUpdate
}

// loadSubtreePlan reads c's children at the commitment the parent holds (checked against the
// children root the parent holds) and the child updates c accepted since, up to hc.
func (pl *Planner) loadSubtreePlan(ctx context.Context, c *tree.Node, child validiumtypes.Child, hc int64) (*subtreePlan, error) {
	plan := &subtreePlan{inbox: map[uint8]fr.Element{}}
	if !isZero(child.LatestCommitment) {
		acc, err := c.CommitmentByHash(ctx, child.LatestCommitment, hc)
		if err != nil {
			return nil, fmt.Errorf("%s's accepted commitment %X (steps start from its block): %w", c.Name, child.LatestCommitment, err)
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
			if isZero(k.LatestCommitment) || k.Index == 0 || k.Index > 255 {
				continue
			}
			h, err := hash.DecodeElement(k.LatestCommitment)
			if err != nil {
				return nil, err
			}
			if err := plan.children.SetChild(uint8(k.Index), h); err != nil {
				return nil, err
			}
			if len(k.InboxHead) > 0 {
				if plan.inbox[uint8(k.Index)], err = hash.DecodeElement(k.InboxHead); err != nil {
					return nil, err
				}
			}
		}
	}
	if err := sameRoot(plan.children.Root, child.ChildrenRoot); err != nil {
		return nil, fmt.Errorf("%s's children at %d against the children root its parent holds: %w", c.Name, plan.held, err)
	}
	if plan.moves, err = c.AcceptedUpdates(ctx, plan.held+1, hc); err != nil {
		return nil, err
	}
	return plan, nil
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

// stepsOf is how many steps an accepted update costs: one per batch (an update without a batch
// cannot be proven and is counted as one, so that the cut still falls before it).
func stepsOf(u chainclient.AcceptedUpdate) int {
	if n := len(u.Msg.Batches); n > 0 {
		return n
	}
	return 1
}

// cutoff is the highest block of c whose commitment the parent can accept with at most max
// steps: moves of one block are all in that block's commitment, so the cut falls between
// blocks (DESIGN §5 "Bursts", steps beyond the bound wait for the next update).
func (p *subtreePlan) cutoff(max int, hc int64) int64 {
	n := 0
	for i, u := range p.moves {
		n += stepsOf(u)
		if n > max {
			return p.moves[i].Height - 1
		}
	}
	return hc
}

// proveSubtree makes the steps and finalized moves of c's update to target: one leaf step per
// batch of every child update c accepted up to target's block, each proven by the relayer
// (cached by statement, so a refused update costs no proof twice), and the moves of c's
// finalized children root. Both must land exactly on target's roots.
func (pl *Planner) proveSubtree(ctx context.Context, c *tree.Node, plan *subtreePlan, child validiumtypes.Child, target treetypes.OwnCommitment,
) ([]validiumtypes.SubtreeStep, []validiumtypes.FinalizedLeafMove, error) {
	moves, err := pl.childMoves(ctx, c, plan, target.Height)
	if err != nil {
		return nil, nil, err
	}
	ws, err := leafStepWitnesses(plan.children, moves, c.LedgerParams.Ledger())
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", c.Name, err)
	}
	if err := sameRoot(plan.children.Root, target.Fields.ChildrenRoot); err != nil {
		return nil, nil, fmt.Errorf("%s's children moves up to %d against its commitment's children root: %w", c.Name, target.Height, err)
	}
	steps := make([]validiumtypes.SubtreeStep, 0, len(ws))
	for i, w := range ws {
		st := w.Public()
		key := string(hash.EncodeElement(st.Statement()))
		proof, ok := pl.stepProofs[key]
		if !ok {
			if proof, _, err = pl.prover.ProveLeafStep(w, "chain", c.Name, "grandchild", w.Index, "step", fmt.Sprintf("%d/%d", i+1, len(ws)),
				"claims", len(w.Claims), "first", w.First, "anchor", w.New.AnchorHeight); err != nil {
				return nil, nil, err
			}
			pl.rememberStep(key, proof)
		}
		steps = append(steps, validiumtypes.SubtreeStep{Kind: uint32(st.Kind), Index: uint32(w.Index), RootAfter: hash.EncodeElement(st.RootAfter),
			Leaf: hash.EncodeElement(st.Leaf), AnchorHeight: st.AnchorHeight, Proof: proof})
	}
	finalized, err := finalizedMoves(ctx, c, plan.held, child, target)
	if err != nil {
		return nil, nil, err
	}
	return steps, finalized, nil
}

// maxCachedSteps bounds the planner's cache of step proofs (a few hundred bytes each).
const maxCachedSteps = 1024

// rememberStep caches a step proof by its statement; a full cache starts over.
func (pl *Planner) rememberStep(key string, proof []byte) {
	if len(pl.stepProofs) >= maxCachedSteps {
		pl.stepProofs = map[string][]byte{}
	}
	pl.stepProofs[key] = proof
}

// childMoves attaches to each child update c accepted up to block last what c held for that
// grandchild before it: its previous commitment (read from the grandchild's own history for its
// first move in the range) and its inbox head.
func (pl *Planner) childMoves(ctx context.Context, c *tree.Node, plan *subtreePlan, last int64) ([]childMove, error) {
	prev := map[uint8]*commitment.Commitment{}
	inbox := map[uint8]fr.Element{}
	for k, v := range plan.inbox {
		inbox[k] = v
	}
	var out []childMove
	for _, u := range plan.moves {
		if u.Height > last {
			break
		}
		idx := uint8(u.Msg.ChildIndex)
		mv := childMove{height: u.Height, inbox: inbox[idx], msg: u.Msg}
		switch p, ok := prev[idx]; {
		case ok:
			mv.prev = p
		case !isZero(u.Msg.PrevCommitment):
			p, err := pl.grandchildCommitment(ctx, c, idx, u.Msg.PrevCommitment)
			if err != nil {
				return nil, err
			}
			mv.prev = p
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

// grandchildCommitment reads the preimage of a commitment of c's child idx from that chain's
// own history, checked against its hash.
func (pl *Planner) grandchildCommitment(ctx context.Context, c *tree.Node, idx uint8, h []byte) (*commitment.Commitment, error) {
	path := append(append([]uint8(nil), c.Path...), idx)
	g := pl.tree.At(path)
	if g == nil {
		return nil, fmt.Errorf("%s's child %d is not served by this relayer: its commitments cannot be read", c.Name, idx)
	}
	rec, err := g.CommitmentByHash(ctx, h, 0)
	if err != nil {
		return nil, fmt.Errorf("%s's commitment %X: %w", g.Name, h, err)
	}
	fields, err := rec.Fields.Decode()
	if err != nil {
		return nil, err
	}
	if got := fields.Hash(); !bytes.Equal(hash.EncodeElement(got), h) {
		return nil, fmt.Errorf("%s's commitment record %X hashes to %X", g.Name, h, hash.EncodeElement(got))
	}
	return &fields, nil
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
		for _, s := range path.Siblings {
			mv.Siblings = append(mv.Siblings, hash.EncodeElement(s))
		}
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

// finalizedAt is the finalized commitment of each of c's children at block h (none at 0).
func finalizedAt(ctx context.Context, c *tree.Node, h int64) (map[uint8]fr.Element, error) {
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
// subtree proofs and this relayer proves leaf steps under the parent's key (nil otherwise: then
// checkSubtreeUnproven refuses an update the parent would refuse).
func (pl *Planner) subtreePlanFor(ctx context.Context, c *tree.Node, params validiumtypes.Params, child validiumtypes.Child, hc int64) (*subtreePlan, error) {
	if !params.Recursive() || pl.prover.LeafStepVK() == nil {
		return nil, nil
	}
	if !bytes.Equal(params.LeafStepKey, pl.prover.LeafStepVK()) {
		return nil, fmt.Errorf("%s's leaf_step_key is not keys_dir/leaf-step.vk: this relayer's steps would be refused", c.Parent.Name)
	}
	return pl.loadSubtreePlan(ctx, c, child, hc)
}
