package types_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/slush-tree/slush/x/validium/types"
)

// TestChildStepBudget proves the budget of a chain's block of child updates: none at the root
// or in ATTESTED mode, max_steps_per_update one level down, one less per level below, never 0.
func TestChildStepBudget(t *testing.T) {
	recursive := types.DefaultParams()
	recursive.SubtreeProofs = types.SubtreeProofs_SUBTREE_PROOFS_RECURSIVE
	recursive.MaxStepsPerUpdate = 16
	for _, tc := range []struct {
		name   string
		params types.Params
		depth  int
		budget uint64
		ok     bool
	}{
		{"root", recursive, 0, 0, false},
		{"attested", types.DefaultParams(), 2, 0, false},
		{"a child of the root", recursive, 1, 16, true},
		{"two levels down", recursive, 2, 15, true},
		{"at max_depth", recursive, 16, 1, true},
		{"deeper than the steps allow", recursive, 40, 1, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			budget, ok := types.ChildStepBudget(tc.params, tc.depth)
			require.Equal(t, tc.ok, ok)
			require.Equal(t, tc.budget, budget)
		})
	}
	require.Equal(t, uint64(5), types.UpdateStepCost(2, 3))
}
