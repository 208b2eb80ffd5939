package ledger

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// TestSplitBatches: batches take at most BatchSize operations, ClaimSlots claimed bridge-ins and
// (when bounded) maxForced forced ones, greedily; only claims count against the claim slots, only
// forced entries against the forced bound; a claim nothing can prove ends the split.
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
		maxForced    int
		want         []int
	}{
		{"", 2, 1, 0, nil},
		{"p", 2, 1, 0, []int{1}},
		{"pppppp", 2, 1, 0, []int{2, 2, 2}},
		{"ppppppp", 3, 1, 0, []int{3, 3, 1}},
		{"cc", 4, 1, 0, []int{1, 1}},
		{"cfc", 4, 1, 0, []int{2, 1}},
		{"cfcc", 4, 2, 0, []int{3, 1}},
		{"ffeeff", 4, 0, 0, []int{4, 2}},
		{"pcppcp", 4, 1, 0, []int{4, 2}},
		{"ppcp", 4, 0, 0, []int{2}},
		{"c", 4, 0, 0, nil},
		{"ffffff", 4, 0, 2, []int{2, 2, 2}},
		{"fpfpf", 4, 2, 2, []int{4, 1}},
		{"fcffc", 4, 2, 2, []int{3, 2}},
		{"ffeeff", 4, 0, 8, []int{4, 2}},
	} {
		got := SplitBatches(ops(tc.ops), Params{BatchSize: tc.batch, ClaimSlots: tc.slots}, tc.maxForced)
		require.Equal(t, tc.want, got, "%q in batches of %d with %d claim slots, at most %d forced", tc.ops, tc.batch, tc.slots, tc.maxForced)
	}
}
