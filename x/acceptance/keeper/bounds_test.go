package keeper_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/slush-tree/slush/x/acceptance/types"
)

// maxReport is a report at height T with n buckets (heights T−n+1..T) and total b.
func maxReport(T uint64, n int, b uint64) types.Histogram {
	h := make(types.Histogram, n)
	for i := range h {
		h[i] = types.Bucket{Height: T - uint64(n-1-i), Count: 1}
	}
	h[0].Count = b - uint64(n-1)
	return h
}

// TestReportBoundsAtTheLimit: a child may report exactly the shape's largest subtree and
// MaxReportBuckets buckets, and nothing more.
func TestReportBoundsAtTheLimit(t *testing.T) {
	shapes := []types.TreeShape{defaultShape(0), defaultShape(1), defaultShape(14), {Depth: 2, MaxChildren: 255, MaxDepth: 16}}
	for _, shape := range shapes {
		env, k := setupTree(t, fixedTree{root: shape.Depth == 0, shape: &shape})
		maxBuckets, err := k.MaxReportBuckets(env.Ctx)
		require.NoError(t, err)
		require.Equal(t, 18, maxBuckets)
		bound := shape.MaxChildSubtree()
		n := min(maxBuckets, int(bound))
		require.ErrorIs(t, k.OnChildUpdate(env.Ctx, 1, 20, commit(1, 20), maxReport(20, n, bound), bound+1),
			types.ErrSubtreeTooLarge, "%+v", shape)
		tooMany := maxReport(20, maxBuckets+1, uint64(maxBuckets+1))
		require.ErrorIs(t, k.OnChildUpdate(env.Ctx, 1, 20, commit(1, 20), tooMany, bound),
			types.ErrReportTooManyBuckets, "%+v", shape)
		require.NoError(t, k.OnChildUpdate(env.Ctx, 1, 20, commit(1, 20), maxReport(20, n, bound), bound), "%+v", shape)
	}
}

// TestNoChildBelowMaxDepth: a chain at max_depth can have no child, so any report is refused.
func TestNoChildBelowMaxDepth(t *testing.T) {
	shape := defaultShape(16)
	env, k := setupTree(t, fixedTree{shape: &shape})
	require.ErrorIs(t, k.OnChildUpdate(env.Ctx, 1, 1, commit(1, 1), hist(1, 1), 1), types.ErrSubtreeTooLarge)
}

// TestWorstCaseChildrenKeepOwnReport: 255 children, each with the largest subtree the shape
// allows and a report of MaxReportBuckets buckets whose counts add up to it, cannot stop this
// chain from computing (and, at the root, applying) its own report: a child cannot break its
// parent's own commitment.
func TestWorstCaseChildrenKeepOwnReport(t *testing.T) {
	for _, shape := range []types.TreeShape{
		{Depth: 0, MaxChildren: 255, MaxDepth: 16}, {Depth: 1, MaxChildren: 255, MaxDepth: 16},
		{Depth: 14, MaxChildren: 255, MaxDepth: 16},
	} {
		env, k := setupTree(t, fixedTree{root: shape.Depth == 0, shape: &shape})
		maxBuckets, err := k.MaxReportBuckets(env.Ctx)
		require.NoError(t, err)
		bound := shape.MaxChildSubtree()
		const T = 100
		for i := uint32(1); i <= types.MaxChildIndex; i++ {
			require.NoError(t, k.OnChildRegistered(env.Ctx, i))
			require.NoError(t, k.OnChildUpdate(env.Ctx, i, T, commit(int(i), T), maxReport(T, maxBuckets, bound), bound))
		}
		report, err := k.SubtreeReport(env.Ctx, T+1)
		require.NoError(t, err, "%+v", shape)
		require.Equal(t, 1+types.MaxChildIndex*bound, report.Subtree)
		h := types.HistogramFromProto(report.Histogram)
		require.Len(t, h, maxBuckets, "capped: the children's buckets plus the own one")
		require.Equal(t, types.Bucket{Height: T + 1, Count: 1}, h[len(h)-1])
		require.Equal(t, report.Subtree, h.Total())
		require.NoError(t, report.Validate(types.DefaultMaxHistogramBuckets))
		_, err = k.RecordOwnUpdate(env.Ctx, T+1, commit(0, T+1))
		require.NoError(t, err)
	}
}

// TestInitGenesisChecksShape: an imported child larger than the tree shape allows is refused
// once x/validium's identity is there, and only MaxSubtreeSize applies before.
func TestInitGenesisChecksShape(t *testing.T) {
	shape := defaultShape(1)
	record := func(subtree uint64) *types.GenesisState {
		gs := types.DefaultGenesisState()
		gs.Children = []types.ChildRecord{{ChildIndex: 1, Record: types.AcceptanceRecord{
			Subtree: subtree, Reported: types.HistogramToProto(hist(5, 1)),
			Hashes: []types.StoredHash{{Height: 5, Commitment: commit(1, 5)}},
		}}}
		return gs
	}
	cases := []struct {
		name    string
		shape   *types.TreeShape
		subtree uint64
		err     error
	}{
		{"at the shape bound", &shape, shape.MaxChildSubtree(), nil},
		{"above the shape bound", &shape, shape.MaxChildSubtree() + 1, types.ErrSubtreeTooLarge},
		{"no identity yet: MaxSubtreeSize only", nil, types.MaxSubtreeSize, nil},
		{"no identity yet, above MaxSubtreeSize", nil, types.MaxSubtreeSize + 1, types.ErrSubtreeTooLarge},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			env, k := setupTree(t, fixedTree{shape: tc.shape})
			err := k.InitGenesis(env.Ctx, record(tc.subtree))
			if tc.err == nil {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, tc.err)
		})
	}
}
