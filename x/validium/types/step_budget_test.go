package types_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/slush-tree/slush/circuits/ledger"
	"github.com/slush-tree/slush/circuits/subtree"
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

// TestCheckBatchEntries: a batch may consume at most subtree.MaxForcedPerBatch forced entries or
// subtree.MaxExitsPerBatch exit entries, never both sources (claims do not count), counted batch
// by batch.
func TestCheckBatchEntries(t *testing.T) {
	entries := func(src ledger.Source, n int) []types.InboxEntry {
		out := make([]types.InboxEntry, n)
		for i := range out {
			out[i] = types.InboxEntry{Source: uint32(src)}
		}
		return out
	}
	update := func(batches []uint32, in ...[]types.InboxEntry) *types.MsgSubmitUpdate {
		m := &types.MsgSubmitUpdate{ChildIndex: 1}
		for _, b := range batches {
			m.Batches = append(m.Batches, types.LedgerBatch{InboxEntries: b})
		}
		for _, e := range in {
			m.InboxEntries = append(m.InboxEntries, e...)
		}
		return m
	}
	limit := subtree.MaxForcedPerBatch
	require.NoError(t, types.CheckBatchEntries(update([]uint32{uint32(limit) + 4}, entries(ledger.SourceForced, limit), entries(ledger.SourceClaim, 4))))
	require.NoError(t, types.CheckBatchEntries(update([]uint32{uint32(limit), uint32(limit)}, entries(ledger.SourceForced, 2*limit))),
		"the bound is per batch")
	exits := subtree.MaxExitsPerBatch
	require.NoError(t, types.CheckBatchEntries(update([]uint32{uint32(exits) + 2}, entries(ledger.SourceExit, exits), entries(ledger.SourceClaim, 2))))
	require.NoError(t, types.CheckBatchEntries(update([]uint32{1, 1}, entries(ledger.SourceExit, 1), entries(ledger.SourceForced, 1))),
		"an exit and a forced entry in two batches")
	require.ErrorIs(t, types.CheckBatchEntries(update([]uint32{uint32(exits) + 1}, entries(ledger.SourceExit, exits+1))), types.ErrTooManyExitEntries)
	require.ErrorIs(t, types.CheckBatchEntries(update([]uint32{2}, entries(ledger.SourceExit, 1), entries(ledger.SourceForced, 1))),
		types.ErrTooManyExitEntries, "an exit beside a forced entry")
	require.ErrorIs(t, types.CheckBatchEntries(update([]uint32{uint32(limit) + 1}, entries(ledger.SourceForced, limit+1))), types.ErrTooManyForcedEntries)
	require.ErrorIs(t, types.CheckBatchEntries(update([]uint32{1, uint32(limit) + 1}, entries(ledger.SourceClaim, 1), entries(ledger.SourceForced, limit+1))),
		types.ErrTooManyForcedEntries, "in the second batch")
}
