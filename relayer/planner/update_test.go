package planner

import (
	"errors"
	"testing"

	slushtypes "github.com/slush-tree/slush/types"
	treetypes "github.com/slush-tree/slush/x/tree/types"

	"github.com/stretchr/testify/require"
)

// rec is a child commitment record at block h with an anchor and a log length.
func rec(h int64, anchor, logLength uint64) treetypes.OwnCommitment {
	return treetypes.OwnCommitment{Height: h, LogLength: logLength,
		Fields: slushtypes.CommitmentFields{AnchorHeight: anchor, AnchorCommitment: []byte{byte(anchor)}}}
}

// records yields recs (newest first) like the chain's Commitment walk, counting reads.
func records(recs []treetypes.OwnCommitment, reads *int) func() (treetypes.OwnCommitment, bool, error) {
	i := 0
	return func() (treetypes.OwnCommitment, bool, error) {
		if i == len(recs) {
			return treetypes.OwnCommitment{}, false, nil
		}
		*reads++
		i++
		return recs[i-1], true, nil
	}
}

func TestSelectCommitment(t *testing.T) {
	all := func(treetypes.OwnCommitment) (bool, error) { return true, nil }
	anchorsUpTo := func(max uint64) func(treetypes.OwnCommitment) (bool, error) {
		return func(r treetypes.OwnCommitment) (bool, error) { return r.Fields.AnchorHeight <= max, nil }
	}
	// blocks 20..14: anchors and log lengths as a child's history gives them (newest first)
	history := []treetypes.OwnCommitment{
		rec(20, 12, 9), rec(19, 12, 7), rec(18, 11, 6), rec(17, 11, 4), rec(16, 10, 4), rec(15, 10, 3), rec(14, 9, 3),
	}
	for _, tc := range []struct {
		name             string
		pos, last, reach uint64 // reach: as far as one update's batches prove from pos
		known            func(treetypes.OwnCommitment) (bool, error)
		want             int64 // chosen block, 0: none
		stalled          bool
	}{
		{"newest fits", 5, 9, 9, all, 20, false},
		{"newest holds too many ops: an older one", 3, 9, 7, all, 19, false},
		{"parent does not know the newest anchors", 3, 9, 7, anchorsUpTo(11), 18, false},
		{"anchor must advance", 3, 12, 7, all, 0, false},
		{"nothing new at all", 9, 12, 9, all, 0, false},
		{"every new anchor too far: stalled", 0, 10, 2, all, 0, true},
		{"unknown anchors and too far", 3, 10, 4, anchorsUpTo(10), 0, true},
		{"nothing logged, the anchor advancing: a proof-less update", 9, 11, 9, all, 20, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			reads := 0
			got, ok, err := selectCommitment(records(history, &reads), tc.pos, tc.last, tc.reach, tc.known)
			if tc.stalled {
				require.True(t, errors.Is(err, errStalled), "%v", err)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tc.want != 0, ok)
			if ok {
				require.Equal(t, tc.want, got.Height)
			}
		})
	}
	t.Run("walk stops at the accepted anchor", func(t *testing.T) {
		reads := 0
		_, ok, err := selectCommitment(records(history, &reads), 3, 11, 3, all)
		require.False(t, ok)
		require.ErrorIs(t, err, errStalled)
		require.Equal(t, 3, reads, "records at or below the accepted anchor are never older than needed")
	})
	t.Run("known errors propagate", func(t *testing.T) {
		reads := 0
		boom := errors.New("boom")
		_, _, err := selectCommitment(records(history, &reads), 5, 9, 9, func(treetypes.OwnCommitment) (bool, error) { return false, boom })
		require.ErrorIs(t, err, boom)
	})
}
