package types

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// recordWith is a valid unfinalized record whose report has n buckets at heights 1..n.
func recordWith(n int, subtree uint64) AcceptanceRecord {
	r := AcceptanceRecord{Subtree: subtree, Hashes: []StoredHash{{Height: uint64(n), Commitment: make([]byte, CommitmentLength)}}}
	for i := 1; i <= n; i++ {
		r.Reported = append(r.Reported, HistogramBucket{Height: uint64(i), Count: 1})
	}
	return r
}

func TestGenesisValidateBounds(t *testing.T) {
	maxBuckets := int(DefaultMaxHistogramBuckets)
	cases := []struct {
		name string
		edit func(gs *GenesisState)
		err  error
	}{
		{"child at MaxSubtreeSize", func(gs *GenesisState) {
			gs.Children = []ChildRecord{{ChildIndex: 1, Record: recordWith(1, MaxSubtreeSize)}}
		}, nil},
		{"child above MaxSubtreeSize", func(gs *GenesisState) {
			gs.Children = []ChildRecord{{ChildIndex: 1, Record: recordWith(1, MaxSubtreeSize+1)}}
		}, ErrSubtreeTooLarge},
		{"child at max_histogram_buckets", func(gs *GenesisState) {
			gs.Children = []ChildRecord{{ChildIndex: 1, Record: recordWith(maxBuckets, 100)}}
		}, nil},
		{"child above max_histogram_buckets", func(gs *GenesisState) {
			gs.Children = []ChildRecord{{ChildIndex: 1, Record: recordWith(maxBuckets+1, 100)}}
		}, ErrHistogramTooManyBuckets},
		{"root record above max_histogram_buckets", func(gs *GenesisState) {
			r := recordWith(maxBuckets+1, 100)
			gs.RootRecord = &r
		}, ErrHistogramTooManyBuckets},
		{"last report above max_histogram_buckets", func(gs *GenesisState) {
			r := recordWith(maxBuckets+1, 100)
			gs.LastReport = &SubtreeReport{Height: uint64(maxBuckets + 1), Histogram: r.Reported, Subtree: 100}
		}, ErrHistogramTooManyBuckets},
		{"max_histogram_buckets below what a capped report needs", func(gs *GenesisState) {
			gs.Params.MaxHistogramBuckets = MinReportBuckets - 1
		}, ErrInvalidParams},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			gs := DefaultGenesisState()
			tc.edit(gs)
			err := gs.Validate()
			if tc.err == nil {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, tc.err)
		})
	}
}
