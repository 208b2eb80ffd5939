package planner

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/slush-tree/slush/circuits/ledger"
	"github.com/slush-tree/slush/circuits/subtree"
	validiumtypes "github.com/slush-tree/slush/x/validium/types"
)

// TestUpdateCaps proves an update fits its parent's block step budget (x/validium
// ChildStepBudget): at a root or an ATTESTED parent the params alone cap it; below the root a
// RECURSIVE parent's budget leaves room for the anchor batch and shrinks the batches by the
// steps carried, never below one batch, and bounds each batch's forced and exit entries to what
// one step above opens.
func TestUpdateCaps(t *testing.T) {
	recursive := validiumtypes.DefaultParams()
	recursive.SubtreeProofs = validiumtypes.SubtreeProofs_SUBTREE_PROOFS_RECURSIVE
	recursive.MaxStepsPerUpdate, recursive.MaxBatchesPerUpdate = 16, 8
	for _, tc := range []struct {
		name        string
		params      validiumtypes.Params
		depth       int
		steps       int
		carried     int
		wantBatches int
	}{
		{"an ATTESTED parent", validiumtypes.DefaultParams(), 2, int(validiumtypes.DefaultMaxStepsPerUpdate), 0, 8},
		{"the root", recursive, 0, 16, 16, 8},
		{"a child of the root, no steps", recursive, 1, 15, 0, 8},
		{"a child of the root, 12 steps", recursive, 1, 15, 12, 4},
		{"a child of the root, 15 steps", recursive, 1, 15, 15, 1},
		{"two levels down", recursive, 2, 14, 14, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newUpdateCaps(tc.params, tc.depth)
			require.Equal(t, tc.steps, c.steps)
			require.Equal(t, tc.wantBatches, c.batches(tc.carried))
			if c.budgeted {
				require.LessOrEqual(t, tc.carried+c.batches(tc.carried), c.budget, "the update fits the parent's block")
				require.Equal(t, ledger.BatchBounds{Forced: subtree.MaxForcedPerBatch, Exits: subtree.MaxExitsPerBatch, OneSource: true}, c.batchBounds(),
					"a budgeted parent refuses more forced or exit entries a batch, or both sources in one")
			} else {
				require.Zero(t, c.batchBounds(), "no bound where nothing steps the parent's children")
			}
		})
	}
	steps := []plannedStep{{height: 3}, {height: 3}, {height: 5}}
	require.Equal(t, 0, stepsUpTo(steps, 2))
	require.Equal(t, 2, stepsUpTo(steps, 4))
	require.Equal(t, 3, stepsUpTo(steps, 5))
}
