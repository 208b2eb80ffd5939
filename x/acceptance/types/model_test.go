package types

import (
	"math/rand"
	"slices"
	"sort"
	"testing"

	"github.com/stretchr/testify/require"
)

// This file checks the incremental logic (ChildAcceptance records, histograms passed up as a
// chain would) against a brute-force model of the whole tree that knows, per node, the
// history of its updates and recomputes every pair by counting subtree nodes:
//
//   - exact: the pure DESIGN §6 definition without compaction. The time at which v's update
//     at event e "sees" a node u of S(v) is found by walking the path v → … → u, stepping at
//     each edge to the child's last update before the parent's. a(t) counts u seen after t.
//   - compacted: the same rules plus compaction, per node rather than per bucket: when the
//     parent applies a child's update and finalizes height θ, every node seen at or below θ
//     is re-stamped with the lowest such time.
//
// The incremental pairs, hashes, finalization, pruning and stored histograms must equal the
// compacted model exactly; against the exact model they must never over-count, and every
// finalization must be backed by a true majority (safety).

// modelTree is a rooted tree: node 0 is the root, parent[v] < v.
type modelTree struct {
	parent   []int
	children [][]int
	subtree  []uint64
	height   []int // height of the subtree below each node (leaf: 0)
}

func newModelTree(parent []int) *modelTree {
	n := len(parent)
	t := &modelTree{parent: parent, children: make([][]int, n), subtree: make([]uint64, n), height: make([]int, n)}
	for v := n - 1; v >= 0; v-- {
		t.subtree[v]++
		if p := parent[v]; p >= 0 {
			t.children[p] = append([]int{v}, t.children[p]...)
			t.subtree[p] += t.subtree[v]
			t.height[p] = max(t.height[p], t.height[v]+1)
		}
	}
	return t
}

func randomTree(rng *rand.Rand, n int) *modelTree {
	parent := make([]int, n)
	parent[0] = -1
	for v := 1; v < n; v++ {
		parent[v] = v - 1 - rng.Intn(min(v, 3)) // fairly deep trees
	}
	return newModelTree(parent)
}

func wideTree(n, w int) *modelTree {
	parent := make([]int, n)
	for v := range parent {
		parent[v] = (v - 1) / w
	}
	parent[0] = -1
	return newModelTree(parent)
}

// incremental runs the real logic: recs[v] is v's record in its parent (recs[0]: the root's
// record in a virtual parent, so the root's finality uses the same rules).
type incremental struct {
	tree *modelTree
	recs []ChildAcceptance
}

func (s *incremental) update(v int, T uint64) (UpdateResult, error) {
	kids := make([]Histogram, 0, len(s.tree.children[v]))
	for _, c := range s.tree.children[v] {
		kids = append(kids, s.recs[c].Reported)
	}
	return s.recs[v].ApplyUpdate(T, commitOf(v, T), SubtreeHistogram(T, kids), s.tree.subtree[v])
}

func commitOf(v int, T uint64) [32]byte {
	var c [32]byte
	c[0], c[1], c[2] = byte(v), byte(T), byte(T>>8)
	return c
}

// bruteForce is the model. seen maps node -> time seen, for one report.
type bruteForce struct {
	tree   *modelTree
	events []modelEvent
	byNode [][]int // event indices per node, ascending
	recs   []modelRecord
}

type modelEvent struct {
	node   int
	height uint64
}

type modelRecord struct {
	hashes    []uint64
	finalized bool
	stored    map[int]uint64 // seen times after compaction, as the parent stores them
}

func newBruteForce(tree *modelTree) *bruteForce {
	n := len(tree.parent)
	return &bruteForce{tree: tree, byNode: make([][]int, n), recs: make([]modelRecord, n)}
}

// update records v's update at T and returns the report it made (compacted model).
func (m *bruteForce) update(v int, T uint64) map[int]uint64 {
	m.byNode[v] = append(m.byNode[v], len(m.events))
	m.events = append(m.events, modelEvent{v, T})
	report := map[int]uint64{v: T}
	for _, c := range m.tree.children[v] {
		for u, t := range m.recs[c].stored {
			report[u] = t
		}
	}
	r := &m.recs[v]
	r.hashes = append(r.hashes, T)
	for i := len(r.hashes) - 1; i >= 0; i-- {
		a := countAfter(report, r.hashes[i])
		if 2*a > m.tree.subtree[v] {
			r.hashes, r.finalized = r.hashes[i:], true
			break
		}
	}
	r.stored = report
	if r.finalized {
		r.stored = clampLowest(report, r.hashes[0])
	}
	return report
}

// exactSeen walks S(v) from the latest event of v and returns when v's report saw each node.
func (m *bruteForce) exactSeen(v int) map[int]uint64 {
	seen := map[int]uint64{}
	top := m.byNode[v][len(m.byNode[v])-1]
	var walk func(x, at int)
	walk = func(x, at int) {
		seen[x] = m.events[at].height
		for _, c := range m.tree.children[x] {
			if prev, ok := lastBefore(m.byNode[c], at); ok {
				walk(c, prev)
			}
		}
	}
	walk(v, top)
	return seen
}

func lastBefore(idx []int, at int) (int, bool) {
	i := sort.SearchInts(idx, at)
	if i == 0 {
		return 0, false
	}
	return idx[i-1], true
}

func countAfter(seen map[int]uint64, t uint64) uint64 {
	var a uint64
	for _, s := range seen {
		if s > t {
			a++
		}
	}
	return a
}

func clampLowest(seen map[int]uint64, theta uint64) map[int]uint64 {
	low, any := uint64(0), false
	for _, s := range seen {
		if s <= theta && (!any || s < low) {
			low, any = s, true
		}
	}
	out := make(map[int]uint64, len(seen))
	for u, s := range seen {
		if s <= theta {
			s = low
		}
		out[u] = s
	}
	return out
}

func histogramOf(seen map[int]uint64) Histogram {
	var h Histogram
	for _, s := range seen {
		h = append(h, Bucket{Height: s, Count: 1})
	}
	return MergeInto(nil, h)
}

// checkNode compares v's incremental record with the models right after v's update.
func checkNode(t *testing.T, inc *incremental, m *bruteForce, v int, report map[int]uint64, res UpdateResult) {
	t.Helper()
	rec, mr := &inc.recs[v], &m.recs[v]
	require.NoError(t, rec.Validate())
	require.Equal(t, mr.hashes, heights(rec.Hashes), "node %d: stored hashes (pruning)", v)
	require.Equal(t, mr.finalized, rec.HasFinalized, "node %d: finalized flag", v)
	require.Equal(t, histogramOf(mr.stored), rec.Reported, "node %d: stored histogram", v)
	exact := m.exactSeen(v)
	for _, p := range rec.Pairs() {
		require.Equal(t, commitOf(v, p.Hash.Height), p.Hash.Commitment)
		require.Equal(t, m.tree.subtree[v], p.Subtree)
		require.Equal(t, countAfter(report, p.Hash.Height), p.Accepted, "node %d: pair of hash@%d", v, p.Hash.Height)
		require.LessOrEqual(t, p.Accepted, countAfter(exact, p.Hash.Height), "node %d: over-count at %d", v, p.Hash.Height)
	}
	if res.NewlyFinalized {
		a := countAfter(exact, res.Finalized.Height)
		require.Greater(t, 2*a, m.tree.subtree[v], "node %d: finalized hash@%d without a true majority", v, res.Finalized.Height)
	}
}

// randomSchedule yields (node, height) pairs: heights non-decreasing, each node at most once
// per height, nodes with different update rates so that subtrees drift apart.
func randomSchedule(rng *rand.Rand, n, steps int) []modelEvent {
	weight := make([]int, n)
	for v := range weight {
		weight[v] = []int{1, 2, 6}[rng.Intn(3)]
	}
	var out []modelEvent
	height, done := uint64(1), map[int]bool{}
	for len(out) < steps {
		if rng.Intn(3) == 0 || len(done) == n {
			height += 1 + uint64(rng.Intn(3))
			clear(done)
		}
		v := pickWeighted(rng, weight)
		if !done[v] {
			done[v] = true
			out = append(out, modelEvent{v, height})
		}
	}
	return out
}

func pickWeighted(rng *rand.Rand, weight []int) int {
	total := 0
	for _, w := range weight {
		total += w
	}
	x := rng.Intn(total)
	for v, w := range weight {
		if x < w {
			return v
		}
		x -= w
	}
	return len(weight) - 1
}

// TestModelRandomTrees is the property test of DESIGN §6 over a fixed list of 200 seeds.
func TestModelRandomTrees(t *testing.T) {
	var finalizations, compactions, undercounts int
	for seed := int64(1); seed <= 200; seed++ {
		rng := rand.New(rand.NewSource(seed))
		tree := randomTree(rng, 2+rng.Intn(12))
		inc := &incremental{tree: tree, recs: make([]ChildAcceptance, len(tree.parent))}
		m := newBruteForce(tree)
		for _, ev := range randomSchedule(rng, len(tree.parent), 150) {
			res, err := inc.update(ev.node, ev.height)
			require.NoError(t, err, "seed %d", seed)
			report := m.update(ev.node, ev.height)
			checkNode(t, inc, m, ev.node, report, res)
			if res.NewlyFinalized {
				finalizations++
			}
			compactions += res.MergedBuckets
			if !maps2Equal(report, m.exactSeen(ev.node)) {
				undercounts++
			}
		}
	}
	// The runs must exercise what they check (guards against a vacuous schedule).
	require.Greater(t, finalizations, 1000)
	require.Greater(t, compactions, 100)
	require.Greater(t, undercounts, 0, "some runs must separate the compacted and exact models")
	t.Logf("finalizations=%d merged buckets=%d reports differing from exact=%d", finalizations, compactions, undercounts)
}

func maps2Equal(a, b map[int]uint64) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// TestModelRounds runs the model check on the simulator's schedule: every node updates once
// per round, in a random order (so a child's update reaches its parent in the same round or
// one round later), several nodes at the same root height.
func TestModelRounds(t *testing.T) {
	for seed := int64(1); seed <= 40; seed++ {
		rng := rand.New(rand.NewSource(seed))
		tree := randomTree(rng, 2+rng.Intn(20))
		inc := &incremental{tree: tree, recs: make([]ChildAcceptance, len(tree.parent))}
		m := newBruteForce(tree)
		height := uint64(0)
		for range 30 {
			height += 1 + uint64(rng.Intn(2))
			for _, v := range rng.Perm(len(tree.parent)) {
				res, err := inc.update(v, height)
				require.NoError(t, err)
				report := m.update(v, height)
				checkNode(t, inc, m, v, report, res)
			}
		}
	}
}

// TestStorageBoundedByDepth runs many rounds in which every node updates once, in a random
// order, with random gaps between round heights. Then for a child c whose subtree has height
// h_c (leaf: 0):
//
//   - every node u at distance k below c was seen by c's latest report (round r) at a round
//     ≥ r-k ≥ r-h_c, because along each edge the child's last update before its parent's is
//     from the same or the previous round. So Reported has ≤ h_c+1 buckets (one per round
//     height), compacted or not.
//   - once all of S(c) has been seen, c's hash of round r-h_c-1 has a = b_c, a majority, so
//     the finalized hash is from round ≥ r-h_c-1 and at most h_c+2 hashes (one per round)
//     are stored.
//
// With h_c ≤ D-1 for a child in a tree of depth D (D+0 for the root's virtual record):
// hashes ≤ D+2 and buckets ≤ D+1 for every record, independent of the number of rounds.
func TestStorageBoundedByDepth(t *testing.T) {
	rng := rand.New(rand.NewSource(7))
	for _, tree := range []*modelTree{randomTree(rng, 300), wideTree(364, 3), wideTree(200, 10)} {
		inc := &incremental{tree: tree, recs: make([]ChildAcceptance, len(tree.parent))}
		depth := tree.height[0]
		height, hit := uint64(0), false
		for range 400 {
			height += 1 + uint64(rng.Intn(3))
			for _, v := range rng.Perm(len(tree.parent)) {
				_, err := inc.update(v, height)
				require.NoError(t, err)
				rec, hc := &inc.recs[v], tree.height[v]
				require.LessOrEqual(t, len(rec.Hashes), hc+2, "node %d (h=%d)", v, hc)
				require.LessOrEqual(t, len(rec.Reported), hc+1, "node %d (h=%d)", v, hc)
				require.LessOrEqual(t, len(rec.Hashes), depth+2)
				require.LessOrEqual(t, len(rec.Reported), depth+1)
				hit = hit || len(rec.Hashes) == hc+2
			}
		}
		require.True(t, hit, "the bound is reached, so it is tight for this schedule")
		require.True(t, inc.recs[0].HasFinalized)
		require.Equal(t, slices.Max(tree.height), depth)
	}
}
