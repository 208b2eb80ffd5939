package planner

import (
	"github.com/slush-tree/slush/circuits/ledger"
	"github.com/slush-tree/slush/circuits/subtree"
	validiumtypes "github.com/slush-tree/slush/x/validium/types"
)

// updateCaps is how much one update of a child to its parent p may carry (docs/PROTOCOL.md
// "The rate of child updates"): at most max_steps_per_update steps, and, where a chain above
// steps p's children (validiumtypes.ChildStepBudget), batches + steps within p's block budget
// with at least one batch — the budget less one for the steps, so the update always has room
// for its anchor batch.
type updateCaps struct {
	steps      int // the most steps the update may carry
	maxBatches int // max_batches_per_update
	budget     int // p's block budget (when budgeted)
	budgeted   bool
}

// newUpdateCaps reads the caps from p's params and p's depth (0 at the root).
func newUpdateCaps(params validiumtypes.Params, parentDepth int) updateCaps {
	c := updateCaps{steps: int(params.MaxStepsPerUpdate), maxBatches: int(params.MaxBatchesPerUpdate)}
	if budget, ok := validiumtypes.ChildStepBudget(params, parentDepth); ok {
		c.budget, c.budgeted = int(budget), true
		c.steps = min(c.steps, c.budget-1)
	}
	return c
}

// batches is the most batches an update carrying steps steps may add (at least 1).
func (c updateCaps) batches(steps int) int {
	if !c.budgeted {
		return c.maxBatches
	}
	return max(1, min(c.maxBatches, c.budget-steps))
}

// batchBounds is what one batch may consume besides claims (no bound: the zero value): where p
// is budgeted, what one step above opens (subtree.StepBatchBounds), since p refuses more (x/validium
// CheckBatchEntries: ErrTooManyForcedEntries, ErrTooManyExitEntries; docs/PROTOCOL.md "Forced
// deposits into grandchildren").
func (c updateCaps) batchBounds() ledger.BatchBounds {
	if !c.budgeted {
		return ledger.BatchBounds{}
	}
	return subtree.StepBatchBounds
}

// stepsUpTo is how many of the planned steps belong to child updates accepted at or below
// height (the steps an update whose commitment is at height carries).
func stepsUpTo(steps []plannedStep, height int64) int {
	n := 0
	for _, st := range steps {
		if st.height <= height {
			n++
		}
	}
	return n
}
