// Package scheduler runs the relayer's two loops over a tree, once per poll interval each: the
// sync loop carries parent headers and root commitments down, level by level; the main loop
// submits updates bottom-up, then the messages. It submits what the planner plans, each chain's
// transactions in order, and backs failing tasks off.
package scheduler

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/slush-tree/slush/relayer/metrics"
	"github.com/slush-tree/slush/relayer/planner"
	"github.com/slush-tree/slush/relayer/tree"
)

// Scheduler runs the loops of one tree.
type Scheduler struct {
	tree    *tree.Tree
	planner *planner.Planner
	tasks   *Tasks
	poll    time.Duration
	metrics *metrics.Metrics
	log     *slog.Logger
}

// New schedules pl's plans over t every poll interval; tasks is the backoff pl consults too.
func New(t *tree.Tree, pl *planner.Planner, tasks *Tasks, poll time.Duration, m *metrics.Metrics, log *slog.Logger) *Scheduler {
	return &Scheduler{tree: t, planner: pl, tasks: tasks, poll: poll, metrics: m, log: log}
}

// Run runs the sync loop on its own goroutine and the main loop until ctx is done.
func (s *Scheduler) Run(ctx context.Context) error {
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		s.syncLoop(ctx)
	}()
	defer wg.Wait()
	for {
		start := time.Now()
		s.round(ctx)
		s.metrics.ObserveRound(time.Since(start))
		select {
		case <-ctx.Done():
			s.log.Info("relayer stopped")
			return nil
		case <-time.After(s.poll):
		}
	}
}

// syncLoop syncs root commitments down the tree, top-down, once per poll interval, on its own
// goroutine: the anchors of every chain then advance every few blocks, however long the main
// loop's proofs take. A child commits to its ledger and its anchor together, and an update
// proves at most one batch of operations per anchor step, so the more often anchors step, the
// larger the bursts of operations an edge can absorb (see planner.selectCommitment).
func (s *Scheduler) syncLoop(ctx context.Context) {
	for {
		for d := 1; d <= s.tree.Depth(); d++ {
			// the next level proves records this level's syncs wrote: they are provable once the
			// block after the one that included them exists (internal/parentsync/README.md)
			for name, h := range s.runLevel(ctx, d, "sync", s.planner.Sync) {
				wctx, cancel := context.WithTimeout(ctx, waitBlockTimeout)
				_ = s.tree.Node(name).WaitHeight(wctx, h+1) // a chain that stopped only delays its children
				cancel()
			}
			if ctx.Err() != nil {
				return
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(s.poll):
		}
	}
}

// boolGauge is a gauge's value for a flag.
func boolGauge(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// waitBlockTimeout bounds the sync loop's wait for a chain's next block.
const waitBlockTimeout = 15 * time.Second

// round runs the main loop's phases once: updates bottom-up (each level sees the one below
// it), then the messages: routes down, claims and confirmations. Root commitments come down on
// the sync loop meanwhile.
func (s *Scheduler) round(ctx context.Context) {
	for d := s.tree.Depth(); d >= 1; d-- {
		s.runLevel(ctx, d, "update", s.planner.Update)
	}
	s.execute(ctx, s.planner.Messages(ctx))
}

// runLevel plans task for every chain at depth d, submits the jobs and returns, per chain, the
// highest block that included one of them.
func (s *Scheduler) runLevel(ctx context.Context, d int, task string, plan func(context.Context, *tree.Node) ([]planner.Job, error)) map[string]int64 {
	var jobs []planner.Job
	for _, name := range s.tree.Names() {
		n := s.tree.Node(name)
		if len(n.Path) != d || ctx.Err() != nil {
			continue
		}
		key := task + " " + name
		if !s.tasks.Ready(key) {
			continue
		}
		planned, err := plan(ctx, n)
		if task == "update" {
			s.metrics.EdgeStalled.WithLabelValues(name).Set(boolGauge(planner.IsStalled(err)))
		}
		if err != nil {
			s.tasks.Fail(key, task, name, err)
			continue
		}
		if len(planned) == 0 {
			s.tasks.Succeed(key)
			continue
		}
		for _, j := range planned {
			j.Task = key
			jobs = append(jobs, j)
		}
	}
	return s.execute(ctx, jobs)
}
