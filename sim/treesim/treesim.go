// Package treesim measures the acceptance rules of DESIGN §6 on a whole tree of validiums,
// driving the real x/acceptance/types logic (SubtreeHistogram, ChildAcceptance.ApplyUpdate)
// round by round, to check the seed's scale claims (O(log N) finality and storage).
//
// Model. N nodes form a BFS-filled tree of width W: node i's parent is (i-1)/W, so every
// level is full except the last. Round r has root height r (r = 1..Rounds) and every node
// updates exactly once in it: it reports SubtreeHistogram(r, its stored child histograms)
// and its parent applies the update to the record it keeps for that child. The root's own
// finality uses the same kind of record, held by a virtual parent (L0) to which the root
// reports its subtree histogram like any other chain: the tree's finality is the root
// record's finalized height, and the finality lag after round R is R minus that height.
//
// Propagation. With Delayed (the default) a child's round-r update reaches its parent after
// the parent's own round-r update, so the parent reports it in round r+1 and news from
// depth d needs d rounds to reach the root: a round is one level of proving, the seed's
// (W+1)·C (W child-proof verifications plus the own-state proof), and finality ~ d rounds
// is the seed's "4·C·d" for W = 3. With SameRound, nodes update leaves first and a child's
// round-r update is already in its parent's round-r report (a round is then a full
// bottom-to-top proving pass, so lag is measured in whole-tree passes).
package treesim

import (
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	"github.com/slush-tree/slush/x/acceptance/types"
)

// Propagation selects when a child's update reaches its parent.
type Propagation int

const (
	// Delayed: a child's round-r update is reported by its parent in round r+1 (default).
	Delayed Propagation = iota
	// SameRound: updates run leaves first; a child's round-r update is in its parent's
	// round-r report.
	SameRound
)

// String returns the flag spelling of p.
func (p Propagation) String() string {
	if p == SameRound {
		return "same-round"
	}
	return "delayed"
}

// Config describes one simulation run.
type Config struct {
	// Nodes is the number of validiums N (root included).
	Nodes int
	// Width is the number of children per node W.
	Width int
	// Rounds is the number of rounds; 0 means DefaultRounds(depth).
	Rounds int
	// Propagation selects the propagation model.
	Propagation Propagation
}

// Result holds the measurements of one run.
type Result struct {
	// Config is the configuration run, with Rounds resolved.
	Config Config
	// Depth is the depth d of the tree (root at depth 0).
	Depth int
	// RootFinalized tells whether the root has a finalized hash after the last round.
	RootFinalized bool
	// RootFinalityLag is Rounds minus the root's finalized height, in rounds.
	RootFinalityLag uint64
	// FinalityC is RootFinalityLag in units of C (single-proof verification time), taking
	// a Delayed round to cost (W+1)·C; 0 for SameRound.
	FinalityC uint64
	// SeedFinalityC is the seed's estimate (W+1)·C·d ("4·C·d" for W = 3).
	SeedFinalityC uint64
	// MaxHashesPerChild is the most hashes any parent held for one child, over the run.
	MaxHashesPerChild int
	// MeanHashesPerChild is the mean number of stored hashes per child after the run.
	MeanHashesPerChild float64
	// MaxHashesPerNode is the most hashes one node held over all its children, after the run.
	MaxHashesPerNode int
	// MeanHashesPerNode is the mean over inner nodes of hashes held for all children.
	MeanHashesPerNode float64
	// MaxBucketsPerChild is the largest stored (compacted) child histogram over the run.
	MaxBucketsPerChild int
	// MeanReportBuckets is the mean number of buckets in a reported histogram.
	MeanReportBuckets float64
	// MaxReportBuckets is the largest reported histogram.
	MaxReportBuckets int
	// Updates is the number of updates applied (Nodes·Rounds).
	Updates int
	// Elapsed is the wall-clock time of the rounds (tree setup excluded).
	Elapsed time.Duration
	// UpdatesPerSecond is Updates / Elapsed.
	UpdatesPerSecond float64
}

// ErrConfig is returned for an unusable Config.
var ErrConfig = errors.New("treesim: invalid config")

// DefaultRounds is the number of rounds used when Config.Rounds is 0: 3·depth + 10.
func DefaultRounds(depth int) int { return 3*depth + 10 }

// Depth returns the depth of a BFS-filled tree of n ≥ 1 nodes and width w ≥ 1.
func Depth(n, w int) int {
	d := 0
	for v := n - 1; v > 0; v = (v - 1) / w {
		d++
	}
	return d
}

// Run simulates cfg and returns its measurements.
func Run(cfg Config) (Result, error) {
	if cfg.Nodes < 1 || cfg.Width < 1 || cfg.Rounds < 0 {
		return Result{}, fmt.Errorf("%w: nodes %d, width %d, rounds %d", ErrConfig, cfg.Nodes, cfg.Width, cfg.Rounds)
	}
	if cfg.Propagation != Delayed && cfg.Propagation != SameRound {
		return Result{}, fmt.Errorf("%w: propagation %d", ErrConfig, cfg.Propagation)
	}
	depth := Depth(cfg.Nodes, cfg.Width)
	if cfg.Rounds == 0 {
		cfg.Rounds = DefaultRounds(depth)
	}
	s := newSim(cfg)
	start := time.Now()
	for r := 1; r <= cfg.Rounds; r++ {
		if err := s.round(uint64(r)); err != nil {
			return Result{}, err
		}
	}
	return s.result(depth, time.Since(start)), nil
}

// sim is the state of one run. recs[v] is node v's record in its parent; recs[0] is the
// root's record in the virtual parent.
type sim struct {
	cfg     Config
	recs    []types.ChildAcceptance
	subtree []uint64
	kids    []types.Histogram
	report  types.Histogram

	updates, reportBuckets        int
	maxReport, maxHashes, maxHist int
}

func newSim(cfg Config) *sim {
	s := &sim{
		cfg:     cfg,
		recs:    make([]types.ChildAcceptance, cfg.Nodes),
		subtree: make([]uint64, cfg.Nodes),
		kids:    make([]types.Histogram, 0, cfg.Width),
	}
	for v := cfg.Nodes - 1; v >= 0; v-- {
		s.subtree[v]++
		if v > 0 {
			s.subtree[(v-1)/cfg.Width] += s.subtree[v]
		}
	}
	return s
}

// round runs round r: top-down (Delayed) or bottom-up (SameRound) over BFS indices.
func (s *sim) round(r uint64) error {
	n := s.cfg.Nodes
	for i := range n {
		v := i
		if s.cfg.Propagation == SameRound {
			v = n - 1 - i
		}
		if err := s.update(v, r); err != nil {
			return fmt.Errorf("treesim: node %d round %d: %w", v, r, err)
		}
	}
	return nil
}

// children returns the BFS index range [first, end) of v's children.
func (s *sim) children(v int) (first, end int) {
	first = min(s.cfg.Width*v+1, s.cfg.Nodes)
	return first, min(first+s.cfg.Width, s.cfg.Nodes)
}

// update makes v report at height r and its parent apply the update.
func (s *sim) update(v int, r uint64) error {
	first, end := s.children(v)
	s.kids = s.kids[:0]
	for c := first; c < end; c++ {
		s.kids = append(s.kids, s.recs[c].Reported)
	}
	s.report = types.AppendSubtreeHistogram(s.report, r, s.kids)
	rec := &s.recs[v]
	if _, err := rec.ApplyUpdate(r, commitment(v, r), s.report, s.subtree[v]); err != nil {
		return err
	}
	s.updates++
	s.reportBuckets += len(s.report)
	s.maxReport = max(s.maxReport, len(s.report))
	if v > 0 {
		s.maxHashes = max(s.maxHashes, len(rec.Hashes))
		s.maxHist = max(s.maxHist, len(rec.Reported))
	}
	return nil
}

// commitment is a cheap deterministic stand-in for v's state commitment at height r.
func commitment(v int, r uint64) [32]byte {
	var c [32]byte
	binary.BigEndian.PutUint64(c[:8], uint64(v))
	binary.BigEndian.PutUint64(c[8:16], r)
	return c
}

// result assembles the measurements after the last round.
func (s *sim) result(depth int, elapsed time.Duration) Result {
	w := uint64(s.cfg.Width)
	res := Result{
		Config:             s.cfg,
		Depth:              depth,
		SeedFinalityC:      (w + 1) * uint64(depth),
		MaxHashesPerChild:  s.maxHashes,
		MaxBucketsPerChild: s.maxHist,
		MaxReportBuckets:   s.maxReport,
		Updates:            s.updates,
		Elapsed:            elapsed,
	}
	res.RootFinalityLag = uint64(s.cfg.Rounds)
	if f, ok := s.recs[0].FinalizedHash(); ok {
		res.RootFinalized, res.RootFinalityLag = true, uint64(s.cfg.Rounds)-f.Height
	}
	if s.cfg.Propagation == Delayed {
		res.FinalityC = res.RootFinalityLag * (w + 1)
	}
	if s.updates > 0 {
		res.MeanReportBuckets = float64(s.reportBuckets) / float64(s.updates)
	}
	if secs := elapsed.Seconds(); secs > 0 {
		res.UpdatesPerSecond = float64(s.updates) / secs
	}
	res.MeanHashesPerChild, res.MaxHashesPerNode, res.MeanHashesPerNode = s.storage()
	return res
}

// storage returns the mean hashes per child record and the max and mean per inner node.
func (s *sim) storage() (perChild float64, maxNode int, perNode float64) {
	var total, inner int
	for v := range s.cfg.Nodes {
		first, end := s.children(v)
		if first == end {
			continue
		}
		sum := 0
		for c := first; c < end; c++ {
			sum += len(s.recs[c].Hashes)
		}
		total += sum
		inner++
		maxNode = max(maxNode, sum)
	}
	if inner == 0 {
		return 0, 0, 0
	}
	return float64(total) / float64(s.cfg.Nodes-1), maxNode, float64(total) / float64(inner)
}
