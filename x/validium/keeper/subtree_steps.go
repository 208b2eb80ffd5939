package keeper

import (
	"context"
	"errors"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark/backend/groth16"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/slush-tree/slush/circuits/commitment"
	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/ledger"
	"github.com/slush-tree/slush/circuits/prover"
	"github.com/slush-tree/slush/circuits/smt"
	"github.com/slush-tree/slush/circuits/subtree"
	slushtypes "github.com/slush-tree/slush/types"
	acceptancetypes "github.com/slush-tree/slush/x/acceptance/types"
	"github.com/slush-tree/slush/x/validium/types"
)

// provenLeaf is a grandchild commitment a step of the update proved, with the report the step
// proved for it.
type provenLeaf struct {
	index  uint32
	leaf   []byte // canonical encoding of the commitment hash
	anchor uint64
	report acceptancetypes.Histogram
	// removed marks a removal (kind 7): the grandchild's leaf is empty after it, and what was
	// proven of the chain that held it is dropped.
	removed bool
}

// subtreeMove is what the subtree checks of an update accepted: the proven grandchild
// commitments to record and the finalized moves, whose older proven commitments are pruned.
type subtreeMove struct {
	proven    []provenLeaf
	finalized []types.FinalizedMove
}

// checkSubtree runs the subtree checks of an update (docs/PROTOCOL.md "Validity all the way
// up"; DESIGN §5 "nothing above a chain trusts that chain"). In ATTESTED mode the child's
// children roots are believed and the update may carry no steps. In RECURSIVE mode its step
// proofs must move the children root this chain accepted last to the new commitment's, one
// proven leaf at a time, and its finalized moves must move the finalized children root to the
// new commitment's, every leaf to a commitment a step proved, and its acceptance report must be
// accounted for by the proven grandchildren (checkProvenReport). Gas for every step is charged
// before any is verified; nothing is written here.
func (k Keeper) checkSubtree(
	ctx context.Context, params types.Params, child types.Child, c commitment.Commitment, msg *types.MsgSubmitUpdate,
	histogram acceptancetypes.Histogram,
) (subtreeMove, error) {
	if !params.Recursive() {
		if len(msg.Steps) > 0 || len(msg.FinalizedMoves) > 0 {
			return subtreeMove{}, errorsmod.Wrapf(types.ErrStepsNotAccepted, "%d steps, %d finalized moves", len(msg.Steps), len(msg.FinalizedMoves))
		}
		return subtreeMove{}, nil
	}
	if len(msg.Steps) > int(params.MaxStepsPerUpdate) { // bounded verification work per update
		return subtreeMove{}, errorsmod.Wrapf(types.ErrTooManySteps, "%d > max_steps_per_update %d", len(msg.Steps), params.MaxStepsPerUpdate)
	}
	proven, err := k.verifySteps(ctx, params, child, c, msg.Steps)
	if err != nil {
		return subtreeMove{}, err
	}
	if err := k.checkProvenCapacity(ctx, child.Index, proven); err != nil {
		return subtreeMove{}, err
	}
	moves, err := k.checkFinalizedMoves(ctx, child, c, msg.FinalizedMoves, proven)
	if err != nil {
		return subtreeMove{}, err
	}
	if err := k.checkProvenReport(ctx, child.Index, c.AnchorHeight, histogram, msg.Subtree, proven); err != nil {
		return subtreeMove{}, err
	}
	return subtreeMove{proven: proven, finalized: moves}, nil
}

// verifySteps charges the gas of every step, then verifies each against its statement: the
// grandchild's vid, the children root the previous step left (the accepted one for the first),
// and an anchor that is a root commitment this chain knows, no later than the child's own. The
// last step must end at the new commitment's children root.
func (k Keeper) verifySteps(ctx context.Context, params types.Params, child types.Child, c commitment.Commitment, steps []types.SubtreeStep) ([]provenLeaf, error) {
	root, err := decodeRoot(child.ChildrenRoot, "children_root")
	if err != nil {
		return nil, err
	}
	if proofs := types.ProvenSteps(steps); proofs > 0 {
		perProof := saturatingAdd(saturatingMul(params.VerifyGasPerPublicInput, types.StepPublicInputs), params.VerifyGasFlat)
		sdk.UnwrapSDKContext(ctx).GasMeter().ConsumeGas(saturatingMul(perProof, uint64(proofs)), "validium subtree step verification")
	}
	proven := make([]provenLeaf, 0, len(steps))
	var roots *ledger.GenesisRoots // read once, for the native steps
	for i, s := range steps {
		if s.IsNative() {
			if roots == nil {
				r, err := k.genesisRoots(ctx)
				if err != nil {
					return nil, err
				}
				roots = &r
			}
			after, p, err := k.nativeStep(ctx, params, child, root, *roots, s)
			if err != nil {
				return nil, errorsmod.Wrapf(err, "step %d", i)
			}
			root = after
			proven = append(proven, p)
			continue
		}
		vk, err := k.stepKey(params, s.Kind)
		if err != nil {
			return nil, errorsmod.Wrapf(err, "step %d", i)
		}
		pub, err := k.stepPublic(ctx, child, c, root, s)
		if err != nil {
			return nil, errorsmod.Wrapf(err, "step %d", i)
		}
		report, err := stepReport(s, pub)
		if err != nil {
			return nil, errorsmod.Wrapf(err, "step %d", i)
		}
		if err := prover.VerifyProof(vk, s.Proof, []fr.Element{pub.Statement()}); err != nil {
			return nil, errorsmod.Wrapf(types.ErrInvalidProof, "step %d: %v", i, err)
		}
		root = pub.RootAfter
		proven = append(proven, provenLeaf{index: s.Index, leaf: s.Leaf, anchor: s.AnchorHeight, report: report})
	}
	if !root.Equal(&c.ChildrenRoot) {
		return nil, errorsmod.Wrapf(types.ErrUnprovenChildren, "child %d: %d steps end at %X, the commitment holds %X",
			child.Index, len(steps), hash.EncodeElement(root), hash.EncodeElement(c.ChildrenRoot))
	}
	return proven, nil
}

// stepKey is the verifying key of a step's kind (the parsed keys are cached): ErrStepKindDisabled
// when this chain has none for it.
func (k Keeper) stepKey(params types.Params, kind uint32) (groth16.VerifyingKey, error) {
	raw := params.StepKey(kind)
	if len(raw) == 0 {
		return nil, errorsmod.Wrapf(types.ErrStepKindDisabled, "kind %d: this chain's params hold no verifying key for it", kind)
	}
	vk, err := k.vks.GetCommitted(raw, types.StepPublicInputs)
	if err != nil {
		return nil, errorsmod.Wrap(types.ErrInvalidVerifyingKey, err.Error())
	}
	return vk, nil
}

// stepReport is the report a step proves for its grandchild's new commitment: {(anchor, 1)} for
// a leaf (the leaf step fixes it, subtree.LeafReportDigest), the carried report for a node, whose
// binding to the leaf NodeReport checks (the node step proves what it counts). The carried
// commitment must name the statement's vid and anchor: the proof would fail otherwise, this
// says why.
func stepReport(s types.SubtreeStep, pub subtree.StepPublic) (acceptancetypes.Histogram, error) {
	if !s.IsNode() {
		return acceptancetypes.Histogram{{Height: s.AnchorHeight, Count: 1}}, nil
	}
	c, report, err := s.NodeReport()
	if err != nil {
		return nil, err
	}
	if !c.Vid.Equal(&pub.ChildVid) {
		return nil, errorsmod.Wrapf(types.ErrInvalidStep, "the commitment's vid is not grandchild %d's", s.Index)
	}
	if !c.AnchorCommitment.Equal(&pub.AnchorCommitment) {
		return nil, errorsmod.Wrapf(types.ErrInvalidStep, "the commitment's anchor is not the root commitment at %d", s.AnchorHeight)
	}
	return report, nil
}

// stepPublic is the statement a step must prove, built from what this chain knows: the
// grandchild's vid from the tree path, the anchor commitment from its root history.
func (k Keeper) stepPublic(ctx context.Context, child types.Child, c commitment.Commitment, before fr.Element, s types.SubtreeStep) (subtree.StepPublic, error) {
	vid, err := k.grandchildVid(ctx, child.Index, s.Index)
	if err != nil {
		return subtree.StepPublic{}, err
	}
	if s.AnchorHeight > c.AnchorHeight { // the child knew the root only up to its own anchor
		return subtree.StepPublic{}, errorsmod.Wrapf(types.ErrInvalidStep, "anchor %d is above the child's anchor %d", s.AnchorHeight, c.AnchorHeight)
	}
	known, ok, err := k.tree.RootCommitmentAt(ctx, s.AnchorHeight)
	if err != nil {
		return subtree.StepPublic{}, err
	}
	if !ok {
		return subtree.StepPublic{}, errorsmod.Wrapf(types.ErrUnknownAnchor, "root height %d", s.AnchorHeight)
	}
	anchor, err := hash.DecodeElement(known)
	if err != nil {
		return subtree.StepPublic{}, errorsmod.Wrapf(types.ErrInvalidField, "stored root commitment at %d: %v", s.AnchorHeight, err)
	}
	after, err := hash.DecodeElement(s.RootAfter) // ValidateStateless checked both encodings
	if err != nil {
		return subtree.StepPublic{}, errorsmod.Wrap(types.ErrInvalidField, err.Error())
	}
	leaf, err := hash.DecodeElement(s.Leaf)
	if err != nil {
		return subtree.StepPublic{}, errorsmod.Wrap(types.ErrInvalidField, err.Error())
	}
	pub := subtree.StepPublic{
		Kind: uint64(s.Kind), ChildVid: vid, Index: uint8(s.Index), RootBefore: before, RootAfter: after,
		AnchorHeight: s.AnchorHeight, AnchorCommitment: anchor, Leaf: leaf,
	}
	if subtree.IsForcedKind(uint64(s.Kind)) {
		if pub.ParentOutbox, err = k.forcedOutbox(ctx, c, s); err != nil {
			return subtree.StepPublic{}, err
		}
	}
	return pub, nil
}

// forcedOutbox is the outbox root a forced step (kinds 9 and 10) opened its deposits under, once it is
// shown to be an earlier state of the child's new outbox root, which the child's batch proofs
// proved (docs/PROTOCOL.md "Forced deposits into grandchildren"; DESIGN §8): so every deposit the
// step opened was burnt by the child's proven ledger.
func (k Keeper) forcedOutbox(ctx context.Context, c commitment.Commitment, s types.SubtreeStep) (fr.Element, error) {
	outbox, growth, err := s.ForcedOutbox() // ValidateStateless decoded it
	if err != nil {
		return fr.Element{}, err
	}
	shape, err := k.ledger.GetParams(ctx)
	if err != nil {
		return fr.Element{}, err
	}
	if err := smt.VerifyAccumulatorGrowth(outbox, c.OutboxRoot, shape.Ledger().OutboxDepth, growth); err != nil {
		return fr.Element{}, errorsmod.Wrapf(types.ErrInvalidStep, "parent outbox %X: %v", hash.EncodeElement(outbox), err)
	}
	return outbox, nil
}

// grandchildVid is the vid of child index's child grandchild (ErrInvalidStep past max depth).
func (k Keeper) grandchildVid(ctx context.Context, index, grandchild uint32) (fr.Element, error) {
	own, err := k.tree.OwnPath(ctx)
	if err != nil {
		return fr.Element{}, err
	}
	path, err := slushtypes.PathFromIndices(append(own.Indices(), index, grandchild))
	if err != nil {
		return fr.Element{}, errorsmod.Wrap(types.ErrInvalidStep, err.Error())
	}
	vid, err := path.Vid()
	if err != nil {
		return fr.Element{}, errorsmod.Wrap(types.ErrInvalidStep, err.Error())
	}
	return vid, nil
}

// checkProvenCapacity refuses steps that would leave a grandchild with more than
// MaxProvenLeavesPerGrandchild proven commitments waiting for finality (bounded state).
func (k Keeper) checkProvenCapacity(ctx context.Context, index uint32, proven []provenLeaf) error {
	counts := make(map[uint32]int, len(proven)) // looked up only, never iterated
	for _, p := range proven {
		n, seen := counts[p.index]
		switch {
		case p.removed: // the removed chain's proven commitments are dropped with it
			counts[p.index] = 0
			continue
		case !seen:
			stored, err := k.countProven(ctx, index, p.index)
			if err != nil {
				return err
			}
			n = stored
		}
		if counts[p.index] = n + 1; counts[p.index] > types.MaxProvenLeavesPerGrandchild {
			return errorsmod.Wrapf(types.ErrTooManyProvenLeaves, "child %d, grandchild %d: %d > %d", index, p.index, counts[p.index], types.MaxProvenLeavesPerGrandchild)
		}
	}
	return nil
}

// countProven is how many proven commitments grandchild has under child index.
func (k Keeper) countProven(ctx context.Context, index, grandchild uint32) (int, error) {
	n := 0
	rng := collections.NewSuperPrefixedTripleRange[uint32, uint32, []byte](index, grandchild)
	err := k.ProvenLeaves.Walk(ctx, rng, func(collections.Triple[uint32, uint32, []byte], uint64) (bool, error) {
		n++
		return n > types.MaxProvenLeavesPerGrandchild, nil
	})
	return n, err
}

// checkFinalizedMoves replays the finalized moves over the finalized children root this chain
// accepted last: each starts at the leaf it names and sets it to a commitment a step proved
// (stored, or in this update), and the last ends at the new commitment's finalized children root.
func (k Keeper) checkFinalizedMoves(ctx context.Context, child types.Child, c commitment.Commitment, raw []types.FinalizedLeafMove, proven []provenLeaf) ([]types.FinalizedMove, error) {
	root, err := decodeRoot(child.FinalizedChildrenRoot, "finalized_children_root")
	if err != nil {
		return nil, err
	}
	moves := make([]types.FinalizedMove, len(raw))
	for i, r := range raw {
		m, err := r.Decode()
		if err != nil {
			return nil, errorsmod.Wrapf(err, "finalized move %d", i)
		}
		var before fr.Element
		if m.HadPrevious {
			before = commitment.ChildLeaf(m.Index, m.Previous)
		}
		if got := smt.ComputeRoot(smt.LeafHash(before), uint64(m.Index), m.Siblings); !got.Equal(&root) {
			return nil, errorsmod.Wrapf(types.ErrUnprovenFinalized, "finalized move %d does not start at the held root", i)
		}
		anchor, ok, err := k.provenAnchor(ctx, child.Index, m.Index, m.Commitment, proven)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, errorsmod.Wrapf(types.ErrUnprovenFinalized, "finalized move %d: no step proved grandchild %d's commitment %X",
				i, m.Index, hash.EncodeElement(m.Commitment))
		}
		if m.HadPrevious { // finality never moves back (DESIGN §6)
			prev, known, err := k.provenAnchor(ctx, child.Index, m.Index, m.Previous, proven)
			if err != nil {
				return nil, err
			}
			if known && anchor < prev {
				return nil, errorsmod.Wrapf(types.ErrUnprovenFinalized, "finalized move %d: grandchild %d's finality moves back from root height %d to %d",
					i, m.Index, prev, anchor)
			}
		}
		root = smt.ComputeRoot(smt.LeafHash(commitment.ChildLeaf(m.Index, m.Commitment)), uint64(m.Index), m.Siblings)
		moves[i] = m
	}
	if !root.Equal(&c.FinalizedChildrenRoot) {
		return nil, errorsmod.Wrapf(types.ErrUnprovenFinalized, "child %d: %d finalized moves end at %X, the commitment holds %X",
			child.Index, len(raw), hash.EncodeElement(root), hash.EncodeElement(c.FinalizedChildrenRoot))
	}
	return moves, nil
}

// provenAnchor is the anchor of grandchild's commitment h if a step proved it — in this update,
// or in an earlier one whose record is kept —, and whether one did.
func (k Keeper) provenAnchor(ctx context.Context, index uint32, grandchild uint8, h fr.Element, proven []provenLeaf) (uint64, bool, error) {
	key := hash.EncodeElement(h)
	for _, p := range proven {
		if !p.removed && p.index == uint32(grandchild) && string(p.leaf) == string(key) {
			return p.anchor, true, nil
		}
	}
	anchor, err := k.ProvenLeaves.Get(ctx, collections.Join3(index, uint32(grandchild), key))
	if errors.Is(err, collections.ErrNotFound) {
		return 0, false, nil
	}
	return anchor, err == nil, err
}

// recordSubtree stores an accepted update's proven commitments, then, for each finalized move,
// drops the grandchild's proven commitments anchored below the finalized one (finality never
// moves back, so they can never be finalized).
func (k Keeper) recordSubtree(ctx context.Context, index uint32, move subtreeMove) error {
	for _, p := range move.proven { // in step order: the last step of a grandchild is what the children root holds
		if p.removed {
			if err := k.forgetGrandchild(ctx, index, p.index); err != nil {
				return err
			}
			continue
		}
		if err := k.ProvenLeaves.Set(ctx, collections.Join3(index, p.index, p.leaf), p.anchor); err != nil {
			return err
		}
		r := types.GrandchildReport{ChildIndex: index, Index: p.index, Commitment: p.leaf, Report: acceptancetypes.HistogramToProto(p.report)}
		if err := k.GrandchildReports.Set(ctx, collections.Join(index, p.index), r); err != nil {
			return err
		}
	}
	for _, m := range move.finalized {
		anchor, err := k.ProvenLeaves.Get(ctx, collections.Join3(index, uint32(m.Index), hash.EncodeElement(m.Commitment)))
		if err != nil {
			return err
		}
		if err := k.pruneProven(ctx, index, uint32(m.Index), anchor); err != nil {
			return err
		}
	}
	return nil
}

// forgetGrandchild drops what was proven of a removed grandchild (kind 7): its proven
// commitments and its report, so it counts in no subtree and a chain registered later at its
// index starts fresh.
func (k Keeper) forgetGrandchild(ctx context.Context, index, grandchild uint32) error {
	rng := collections.NewSuperPrefixedTripleRange[uint32, uint32, []byte](index, grandchild)
	if err := k.ProvenLeaves.Clear(ctx, rng); err != nil {
		return err
	}
	return k.GrandchildReports.Remove(ctx, collections.Join(index, grandchild))
}

// pruneProven removes grandchild's proven commitments anchored below anchor (at most
// MaxProvenLeavesPerGrandchild of them).
func (k Keeper) pruneProven(ctx context.Context, index, grandchild uint32, anchor uint64) error {
	var stale [][]byte
	rng := collections.NewSuperPrefixedTripleRange[uint32, uint32, []byte](index, grandchild)
	err := k.ProvenLeaves.Walk(ctx, rng, func(key collections.Triple[uint32, uint32, []byte], h uint64) (bool, error) {
		if h < anchor {
			stale = append(stale, key.K3())
		}
		return false, nil
	})
	if err != nil {
		return err
	}
	for _, leaf := range stale {
		if err := k.ProvenLeaves.Remove(ctx, collections.Join3(index, grandchild, leaf)); err != nil {
			return err
		}
	}
	return nil
}

// checkRecursiveSwitch refuses to turn RECURSIVE mode on while a child's accepted children root
// holds leaves: steps would start from commitments this chain only believed (ATTESTED mode), and
// a step proves a move from its old commitment, not that commitment. Switch at genesis, or while
// no child has children (at most 255 children are read).
func (k Keeper) checkRecursiveSwitch(ctx context.Context) error {
	params, err := k.Params.Get(ctx)
	if err != nil || params.Recursive() {
		return err
	}
	empty := commitment.EmptyChildrenRoot()
	return k.Children.Walk(ctx, nil, func(index uint32, c types.Child) (bool, error) {
		root, err := decodeRoot(c.ChildrenRoot, "children_root")
		if err != nil {
			return true, err
		}
		if !root.Equal(&empty) {
			return true, errorsmod.Wrapf(types.ErrInvalidParams, "RECURSIVE subtree proofs: child %d already holds children its proofs never covered; switch at genesis", index)
		}
		return false, nil
	})
}

// decodeRoot reads a stored children root; empty is the empty children SMT.
func decodeRoot(b []byte, name string) (fr.Element, error) {
	if len(b) == 0 {
		return commitment.EmptyChildrenRoot(), nil
	}
	e, err := hash.DecodeElement(b)
	if err != nil {
		return fr.Element{}, errorsmod.Wrapf(types.ErrInvalidField, "stored %s: %v", name, err)
	}
	return e, nil
}
