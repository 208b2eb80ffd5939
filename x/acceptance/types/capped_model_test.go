package types

import (
	"math/rand"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"
)

// updateCapped is incremental.update for a chain that caps its report to max buckets; it also
// tells whether the cap changed the report.
func (s *incremental) updateCapped(v int, T uint64, max int) (UpdateResult, bool, error) {
	kids := make([]Histogram, 0, len(s.tree.children[v]))
	for _, c := range s.tree.children[v] {
		kids = append(kids, s.recs[c].Reported)
	}
	report := SubtreeHistogram(T, kids)
	capped, err := report.CapBuckets(max)
	if err != nil {
		return UpdateResult{}, false, err
	}
	res, err := s.recs[v].ApplyUpdate(T, commitOf(v, T), capped, s.tree.subtree[v])
	return res, len(capped) < len(report), err
}

// checkSafe: no pair of v's record over-counts the exact model, and a new finalization has a
// true majority (DESIGN §6 safety; capping, like compaction, may only delay finality).
func checkSafe(t *testing.T, inc *incremental, m *bruteForce, v int, res UpdateResult) {
	t.Helper()
	rec := &inc.recs[v]
	require.NoError(t, rec.Validate())
	exact := m.exactSeen(v)
	for _, p := range rec.Pairs() {
		require.LessOrEqual(t, p.Accepted, countAfter(exact, p.Hash.Height), "node %d: over-count at %d", v, p.Hash.Height)
	}
	if res.NewlyFinalized {
		a := countAfter(exact, res.Finalized.Height)
		require.Greater(t, 2*a, m.tree.subtree[v], "node %d: finalized hash@%d without a true majority", v, res.Finalized.Height)
	}
}

// TestModelCappedReports runs the random schedules of TestModelRandomTrees on deeper trees
// whose chains cap every report to 2..4 buckets (CapBuckets) and checks safety against the
// exact model after every update.
func TestModelCappedReports(t *testing.T) {
	var finalizations, capped int
	for seed := int64(1); seed <= 100; seed++ {
		rng := rand.New(rand.NewSource(seed))
		tree := randomTree(rng, 8+rng.Intn(16))
		max := MinReportBuckets + rng.Intn(3)
		inc := &incremental{tree: tree, recs: make([]ChildAcceptance, len(tree.parent))}
		m := newBruteForce(tree)
		for _, ev := range randomSchedule(rng, len(tree.parent), 200) {
			res, wasCapped, err := inc.updateCapped(ev.node, ev.height, max)
			require.NoError(t, err, "seed %d", seed)
			m.update(ev.node, ev.height)
			checkSafe(t, inc, m, ev.node, res)
			if res.NewlyFinalized {
				finalizations++
			}
			if wasCapped {
				capped++
			}
		}
	}
	require.Greater(t, capped, 1000, "the runs must exercise capping")
	require.Greater(t, finalizations, 1000)
	t.Logf("finalizations=%d capped reports=%d", finalizations, capped)
}

// capOldest is the rejected alternative to CapBuckets: merge the two OLDEST buckets while too
// long (the lower height kept, so it is just as safe).
func capOldest(h Histogram, max int) Histogram {
	h = slices.Clone(h)
	for len(h) > max {
		h[0].Count += h[1].Count
		h = append(h[:1], h[2:]...)
	}
	return h
}

// finalityWithStalledLeaf runs `rounds` rounds in which every node updates once (in BFS
// order: a child's news reaches the root one level per round), except the last leaf, which
// stops after round 5; every report is capped with capFn. It returns the root's finalized
// height after the last round.
func finalityWithStalledLeaf(t *testing.T, tree *modelTree, rounds uint64, capFn func(Histogram) Histogram) uint64 {
	recs := make([]ChildAcceptance, len(tree.parent))
	stalled := len(tree.parent) - 1
	for r := uint64(1); r <= rounds; r++ {
		for v := range tree.parent {
			if v == stalled && r > 5 {
				continue
			}
			kids := make([]Histogram, 0, len(tree.children[v]))
			for _, c := range tree.children[v] {
				kids = append(kids, recs[c].Reported)
			}
			_, err := recs[v].ApplyUpdate(r, commitOf(v, r), capFn(SubtreeHistogram(r, kids)), tree.subtree[v])
			require.NoError(t, err)
		}
	}
	f, ok := recs[0].FinalizedHash()
	require.True(t, ok)
	return f.Height
}

// TestCapKeepsFinalityAdvancing: with one leaf stalled for good, capping reports to 3..6
// buckets by merging the newest buckets (CapBuckets) keeps the root's finality within the
// tree's depth of the last round, while merging the oldest buckets stamps every active node
// with the stalled leaf's height and freezes finality there.
func TestCapKeepsFinalityAdvancing(t *testing.T) {
	const rounds = 100
	for _, tree := range []*modelTree{wideTree(40, 1), wideTree(200, 2), wideTree(364, 3)} {
		depth := uint64(tree.height[0])
		for _, max := range []int{3, 4, 6} {
			newest := finalityWithStalledLeaf(t, tree, rounds, func(h Histogram) Histogram {
				c, err := h.CapBuckets(max)
				require.NoError(t, err)
				return c
			})
			require.GreaterOrEqual(t, newest, rounds-depth-1, "depth %d, max %d", depth, max)
			oldest := finalityWithStalledLeaf(t, tree, rounds, func(h Histogram) Histogram { return capOldest(h, max) })
			require.LessOrEqual(t, oldest, uint64(5), "depth %d, max %d", depth, max)
		}
	}
}
