package types

import (
	errorsmod "cosmossdk.io/errors"

	"github.com/slush-tree/slush/circuits/ledger"
	"github.com/slush-tree/slush/circuits/subtree"
)

// UpdateStepCost is how many step proofs the parent of the chain that accepts a child update
// needs for it (docs/PROTOCOL.md "The rate of child updates"): one leaf or node ledger step per
// batch proof the update carries, one node child step per step it carries.
func UpdateStepCost(batches, steps int) uint64 { return uint64(batches) + uint64(steps) }

// ChildStepBudget is how many steps the child updates a chain accepts in one block may cost,
// so that its parent can always take that block in one update of at most max_steps_per_update
// steps, also after the chain's own anchor batch (issue 16: a child's updates must not multiply
// the parent's proving work without bound, nor stall it). It is max_steps_per_update − depth + 1
// at a RECURSIVE chain of depth ≥ 1 (at least 1), one less per level down because each level's
// update adds at least one batch to what it carries; ok is false at the root (nothing steps its
// children's updates) and in ATTESTED mode. It assumes, like max_depth, the same
// max_steps_per_update and mode on every chain of the tree.
func ChildStepBudget(p Params, depth int) (budget uint64, ok bool) {
	if !p.Recursive() || depth < 1 {
		return 0, false
	}
	m := uint64(p.MaxStepsPerUpdate)
	if uint64(depth) > m {
		return 1, true
	}
	return m - uint64(depth) + 1, true
}

// CheckBatchEntries refuses an update one of whose batches a step above could not open
// (subtree.StepBatchBounds; docs/PROTOCOL.md "Forced deposits into grandchildren", "Exits below a
// grandchild"): more forced entries than a forced step opens, more exit entries than an exit step
// opens, or exit entries beside forced ones (each kind opens one source). Applied where a step
// budget applies, as the budget is. The batches' entry counts were checked against the update's
// entries statelessly.
func CheckBatchEntries(msg *MsgSubmitUpdate) error {
	b, next := subtree.StepBatchBounds, 0
	for j, batch := range msg.Batches {
		end := min(next+int(batch.InboxEntries), len(msg.InboxEntries))
		var in ledger.BatchEntries
		for _, e := range msg.InboxEntries[next:end] {
			in.Add(ledger.Source(e.Source))
		}
		switch {
		case !b.FitsForced(in):
			return errorsmod.Wrapf(ErrTooManyForcedEntries, "child %d, batch %d: %d forced entries, a forced step above opens at most %d",
				msg.ChildIndex, j, in.Forced, b.Forced)
		case !b.FitsExits(in):
			return errorsmod.Wrapf(ErrTooManyExitEntries, "child %d, batch %d: %d exit entries beside %d forced ones, an exit step above opens at most %d and no forced entry",
				msg.ChildIndex, j, in.Exits, in.Forced, b.Exits)
		}
		next = end
	}
	return nil
}
