package planner

import (
	"fmt"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"

	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/smt"
	"github.com/slush-tree/slush/circuits/subtree"
	validiumtypes "github.com/slush-tree/slush/x/validium/types"
)

// The forced node child step (kind 11, subtree.KindNodeChildForced): a node grandchild g's update
// to its parent carried a forced leaf step (kind 9) for one of g's leaf children — a batch that
// minted forced deposits g burnt —, and the node child step over it also proves, in the
// circuit, that the outbox of g the deposits were opened under is an earlier state of g's outbox
// (docs/PROTOCOL.md "Forced deposits into grandchildren").

// nodeChildForcedKey says whether a relayer whose keys_dir holds the forced node child step
// verifying key vk (nil: absent) can prove forced node child steps (kind 11) for a parent with
// params: nil when vk is exactly the parent's node_child_forced_step_key, else why not (wrapping
// errUnprovableMove: a node grandchild's update that carried a forced leaf step stops the plan
// before it).
func nodeChildForcedKey(params validiumtypes.Params, vk []byte) error {
	return stepKeyCheck("node_child_forced_step_key", params.NodeChildForcedStepKey, vk, subtree.KindNodeChildForced)
}

// childStepKeys says why the node child steps over the steps a node grandchild's update carried
// cannot be proven (nil: they can): one over a forced leaf step (kind 9) is a forced node child
// step (plan.nodeChildForced), one over any other proven step a plain one (plan.nodeChild; kinds
// other than 1 and 2 are refused by childStep); a native step needs no key.
func (plan *subtreePlan) childStepKeys(carried []validiumtypes.SubtreeStep) error {
	for _, s := range carried {
		switch {
		case s.IsNative():
		case s.Kind == subtree.KindLeafForced:
			if plan.nodeChildForced != nil {
				return plan.nodeChildForced
			}
		case plan.nodeChild != nil:
			return plan.nodeChild
		}
	}
	return nil
}

// leafMove tells whether a leaf step of kind that a node grandchild's update carried moves a
// child the grandchild holds (a plain or a forced leaf step, kinds 1 and 9) rather than adding
// one (a first step, kind 2): a move replaces a commitment, which its node child step may
// finalize.
func leafMove(kind uint32) bool {
	return kind == subtree.KindLeaf || kind == subtree.KindLeafForced
}

// forcedGrowth decodes what the forced leaf step s (kind 9) of a node grandchild's update carries
// besides its proof: the grandchild's outbox root its deposits were opened under (the inner
// statement's ParentOutbox) and the proof that it is an earlier state of the grandchild's outbox
// after its update — outbox, the one the node child step over s keeps, and the one the
// grandchild's parent checked the growth against. It is checked as the forced node child step's
// circuit checks it (smt.AccumulatorGrowthGadget); a growth that does not reach outbox is
// errUnprovableMove.
func forcedGrowth(s validiumtypes.SubtreeStep, outbox fr.Element) (fr.Element, *smt.AccumulatorGrowth, error) {
	parentOutbox, g, err := s.ForcedOutbox()
	if err != nil {
		return fr.Element{}, nil, err
	}
	if err := smt.VerifyAccumulatorGrowth(parentOutbox, outbox, len(g.Siblings), g); err != nil {
		return fr.Element{}, nil, fmt.Errorf("%w: its outbox root %X does not grow into the grandchild's outbox %X: %w", errUnprovableMove,
			hash.EncodeElement(parentOutbox), hash.EncodeElement(outbox), err)
	}
	return parentOutbox, &g, nil
}
