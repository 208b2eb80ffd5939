package treesim

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/slush-tree/slush/x/acceptance/types"
)

// levelCounts returns the number of nodes at each depth of a BFS-filled tree.
func levelCounts(n, w int) []int {
	var out []int
	for size, left := 1, n; left > 0; size *= w {
		out = append(out, min(size, left))
		left -= size
	}
	return out
}

// expectedDelayedLag is the closed form for the Delayed model in steady state: in round r
// the root's report has seen a node at depth k at round r-k, so its hash of round r-j has
// a = #nodes at depth < j, and the finalized hash is the newest one with 2a > N.
func expectedDelayedLag(n, w int) uint64 {
	a := 0
	for j, c := range levelCounts(n, w) {
		if 2*a > n {
			return uint64(j)
		}
		a += c
	}
	return uint64(len(levelCounts(n, w)))
}

func TestRunDelayedMatchesClosedForm(t *testing.T) {
	for _, tc := range []struct{ n, w int }{
		{1, 3}, {2, 1}, {4, 3}, {13, 3}, {14, 3}, {40, 3}, {1000, 3}, {2000, 2}, {111, 10}, {500, 10}, {30, 1},
	} {
		t.Run(fmt.Sprintf("N%d_W%d", tc.n, tc.w), func(t *testing.T) {
			res, err := Run(Config{Nodes: tc.n, Width: tc.w})
			require.NoError(t, err)
			require.Equal(t, len(levelCounts(tc.n, tc.w))-1, res.Depth)
			require.True(t, res.RootFinalized)
			require.Equal(t, expectedDelayedLag(tc.n, tc.w), res.RootFinalityLag)
			require.Equal(t, res.RootFinalityLag*uint64(tc.w+1), res.FinalityC)
			requireStorageBound(t, res)
		})
	}
}

// TestRunSameRound: with leaves-first updates every report holds a single bucket (everyone
// at r), so the root's hash of round r-1 is accepted by all N in round r.
func TestRunSameRound(t *testing.T) {
	for _, n := range []int{1, 13, 100, 1000} {
		res, err := Run(Config{Nodes: n, Width: 3, Propagation: SameRound, Rounds: 12})
		require.NoError(t, err)
		require.Equal(t, uint64(1), res.RootFinalityLag)
		require.Equal(t, 1, res.MaxReportBuckets)
		require.Equal(t, n*12, res.Updates)
		requireStorageBound(t, res)
		if n > 1 {
			require.Equal(t, 2, res.MaxHashesPerChild, "finalized + fresh")
		}
	}
}

// requireStorageBound checks the O(depth) bound derived in the types model test: a child
// subtree of height h ≤ d-1 keeps ≤ h+2 ≤ d+1 hashes and ≤ h+1 ≤ d buckets.
func requireStorageBound(t *testing.T, res Result) {
	t.Helper()
	require.LessOrEqual(t, res.MaxHashesPerChild, res.Depth+1)
	require.LessOrEqual(t, res.MaxBucketsPerChild, max(res.Depth, 0))
	require.LessOrEqual(t, res.MaxReportBuckets, res.Depth+1)
}

// TestDefaultCapNeverTriggers: in trees no deeper than the default max_depth (16), under both
// propagation models, no report exceeds MaxReportBuckets = min(64, 16 + 2) = 18, so the cap a
// chain puts on its own report (Histogram.CapBuckets) never changes a simulated report.
func TestDefaultCapNeverTriggers(t *testing.T) {
	maxBuckets := types.TreeShape{MaxChildren: 3, MaxDepth: 16}.MaxReportBuckets(types.DefaultMaxHistogramBuckets)
	require.Equal(t, 18, maxBuckets)
	for _, tc := range []struct{ n, w int }{{17, 1}, {65536, 2}, {1000, 3}, {500, 10}} {
		for _, p := range []Propagation{Delayed, SameRound} {
			res, err := Run(Config{Nodes: tc.n, Width: tc.w, Propagation: p})
			require.NoError(t, err)
			require.LessOrEqual(t, res.Depth, 16)
			require.LessOrEqual(t, res.MaxReportBuckets, maxBuckets, "N%d W%d %s", tc.n, tc.w, p)
			t.Logf("N%d W%d %s: depth %d, max report %d buckets", tc.n, tc.w, p, res.Depth, res.MaxReportBuckets)
		}
	}
}

func TestRunRejectsBadConfig(t *testing.T) {
	for _, cfg := range []Config{{Nodes: 0, Width: 3}, {Nodes: 5, Width: 0}, {Nodes: 5, Width: 2, Rounds: -1}, {Nodes: 5, Width: 2, Propagation: 7}} {
		_, err := Run(cfg)
		require.ErrorIs(t, err, ErrConfig, "%+v", cfg)
	}
}

func TestDepth(t *testing.T) {
	require.Equal(t, 0, Depth(1, 3))
	require.Equal(t, 1, Depth(4, 3))
	require.Equal(t, 2, Depth(5, 3))
	require.Equal(t, 11, Depth(100000, 3)) // 88573 nodes fill depths 0..10
	require.Equal(t, 5, Depth(100000, 10))
	require.Equal(t, 4, Depth(5, 1))
}

// TestUpdateDoesNotAllocate: once the records have grown, a round allocates nothing.
func TestUpdateDoesNotAllocate(t *testing.T) {
	for _, p := range []Propagation{Delayed, SameRound} {
		s := newSim(Config{Nodes: 400, Width: 3, Propagation: p})
		r := uint64(0)
		for range 20 {
			r++
			require.NoError(t, s.round(r))
		}
		allocs := testing.AllocsPerRun(5, func() {
			r++
			if err := s.round(r); err != nil {
				t.Fatal(err)
			}
		})
		require.Zero(t, allocs, "%s", p)
	}
}

func TestSimulateCmd(t *testing.T) {
	cmd := NewSimulateCmd()
	var out bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetArgs([]string{"tree", "--nodes", "40,100", "--width", "3", "--rounds", "20"})
	require.NoError(t, cmd.Execute())
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	require.Len(t, lines, 5, out.String())
	require.Contains(t, lines[0], "root lag (rounds)")
	require.Contains(t, lines[1], "delayed")
	require.Contains(t, lines[2], "same-round")

	cmd = NewSimulateCmd()
	cmd.SetOut(&out)
	cmd.SetErr(&out)
	cmd.SetArgs([]string{"tree", "--propagation", "sideways"})
	require.ErrorIs(t, cmd.Execute(), ErrConfig)
}

func BenchmarkRun100kW3(b *testing.B) {
	for range b.N {
		if _, err := Run(Config{Nodes: 100000, Width: 3}); err != nil {
			b.Fatal(err)
		}
	}
}
