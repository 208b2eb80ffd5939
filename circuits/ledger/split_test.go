package ledger

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// TestSplitBatches: batches take at most BatchSize operations and ClaimSlots claimed bridge-ins,
// greedily; only claims count against the claim slots; a claim nothing can prove ends the split.
func TestSplitBatches(t *testing.T) {
	plain, claim := Op{Kind: OpTransfer}, Op{Kind: OpBridgeIn, Source: SourceClaim}
	forced, exit := Op{Kind: OpBridgeIn, Source: SourceForced}, Op{Kind: OpBridgeIn, Source: SourceExit}
	ops := func(s string) []Op {
		out := make([]Op, len(s))
		for i, c := range s {
			out[i] = map[rune]Op{'p': plain, 'c': claim, 'f': forced, 'e': exit}[c]
		}
		return out
	}
	for _, tc := range []struct {
		ops          string
		batch, slots int
		want         []int
	}{
		{"", 2, 1, nil},
		{"p", 2, 1, []int{1}},
		{"pppppp", 2, 1, []int{2, 2, 2}},
		{"ppppppp", 3, 1, []int{3, 3, 1}},
		{"cc", 4, 1, []int{1, 1}},
		{"cfc", 4, 1, []int{2, 1}},
		{"cfcc", 4, 2, []int{3, 1}},
		{"ffeeff", 4, 0, []int{4, 2}},
		{"pcppcp", 4, 1, []int{4, 2}},
		{"ppcp", 4, 0, []int{2}},
		{"c", 4, 0, nil},
	} {
		got := SplitBatches(ops(tc.ops), Params{BatchSize: tc.batch, ClaimSlots: tc.slots})
		require.Equal(t, tc.want, got, "%q in batches of %d with %d claim slots", tc.ops, tc.batch, tc.slots)
	}
}
