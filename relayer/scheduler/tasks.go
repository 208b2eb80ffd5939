package scheduler

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/slush-tree/slush/relayer/metrics"
)

// Tasks is the relayer's per-task backoff with its failure reports (a log line and a metric):
// the loops back off whole tasks, the message planners single messages (planner.Tasks).
type Tasks struct {
	backoff *Backoff
	metrics *metrics.Metrics
	log     *slog.Logger
	now     func() time.Time
}

// NewTasks is a backoff with the relayer's bounds and nothing backing off.
func NewTasks(m *metrics.Metrics, log *slog.Logger) *Tasks {
	return &Tasks{backoff: NewBackoff(), metrics: m, log: log, now: time.Now}
}

// Ready tells whether the task may run now.
func (t *Tasks) Ready(key string) bool { return t.backoff.Ready(key, t.now()) }

// Succeed forgets the task's failures.
func (t *Tasks) Succeed(key string) { t.backoff.Succeed(key) }

// Fail records a failed task: a log line, a metric and a longer backoff.
func (t *Tasks) Fail(key, task, chain string, err error) {
	if errors.Is(err, context.Canceled) {
		return
	}
	delay := t.backoff.Fail(key, t.now())
	t.metrics.Errors.WithLabelValues(task, chain).Inc()
	t.log.Warn("task failed", "task", key, "retry_in", delay.String(), "err", err)
}
