package ledger

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// TestSplitBatches: batches take at most BatchSize operations, ClaimSlots claimed bridge-ins and
// (when bounded) so many forced and exit ones, greedily, and with OneSource never forced and exit
// entries together; only claims count against the claim slots, only forced entries against the
// forced bound, only exits against the exit bound; a claim nothing can prove ends the split.
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
		bounds       BatchBounds
		want         []int
	}{
		{"", 2, 1, BatchBounds{}, nil},
		{"p", 2, 1, BatchBounds{}, []int{1}},
		{"pppppp", 2, 1, BatchBounds{}, []int{2, 2, 2}},
		{"ppppppp", 3, 1, BatchBounds{}, []int{3, 3, 1}},
		{"cc", 4, 1, BatchBounds{}, []int{1, 1}},
		{"cfc", 4, 1, BatchBounds{}, []int{2, 1}},
		{"cfcc", 4, 2, BatchBounds{}, []int{3, 1}},
		{"ffeeff", 4, 0, BatchBounds{}, []int{4, 2}},
		{"pcppcp", 4, 1, BatchBounds{}, []int{4, 2}},
		{"ppcp", 4, 0, BatchBounds{}, []int{2}},
		{"c", 4, 0, BatchBounds{}, nil},
		{"ffffff", 4, 0, BatchBounds{Forced: 2}, []int{2, 2, 2}},
		{"fpfpf", 4, 2, BatchBounds{Forced: 2}, []int{4, 1}},
		{"fcffc", 4, 2, BatchBounds{Forced: 2}, []int{3, 2}},
		{"ffeeff", 4, 0, BatchBounds{Forced: 8}, []int{4, 2}},
		{"eeeee", 8, 0, BatchBounds{Exits: 3}, []int{3, 2}},
		{"epepepe", 8, 0, BatchBounds{Exits: 3}, []int{6, 1}},
		{"eceece", 8, 2, BatchBounds{Exits: 2}, []int{3, 3}},
		{"ffeeff", 8, 0, BatchBounds{Forced: 6, Exits: 3}, []int{6}},
		{"ffeeff", 8, 0, BatchBounds{Forced: 6, Exits: 3, OneSource: true}, []int{2, 2, 2}},
		{"fpcepf", 8, 1, BatchBounds{Forced: 6, Exits: 3, OneSource: true}, []int{3, 2, 1}},
		{"eeeeffffffff", 16, 0, BatchBounds{Forced: 6, Exits: 3, OneSource: true}, []int{3, 1, 6, 2}},
		{"eeppcee", 8, 1, BatchBounds{Forced: 6, Exits: 3, OneSource: true}, []int{6, 1}},
	} {
		got := SplitBatches(ops(tc.ops), Params{BatchSize: tc.batch, ClaimSlots: tc.slots}, tc.bounds)
		require.Equal(t, tc.want, got, "%q in batches of %d with %d claim slots, bounds %+v", tc.ops, tc.batch, tc.slots, tc.bounds)
	}
}
