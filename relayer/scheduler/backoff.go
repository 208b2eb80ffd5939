package scheduler

import (
	"sync"
	"time"
)

// Backoff delays a failing task exponentially (1 s, 2 s, 4 s, ... up to 30 s) and forgets it on
// success. Tasks are named by the relayer ("update 1-2", "sync 1", "claim <hash>"). It holds
// only timing, never protocol state: losing it on restart loses nothing.
type Backoff struct {
	mu       sync.Mutex // the sync loop and the main loop share it
	min, max time.Duration
	tasks    map[string]backoffState
}

type backoffState struct {
	delay time.Duration
	next  time.Time
}

// Backoff bounds used by NewBackoff.
const (
	backoffMin = time.Second
	backoffMax = 30 * time.Second
)

// NewBackoff returns a backoff with the relayer's bounds.
func NewBackoff() *Backoff { return newBackoff(backoffMin, backoffMax) }

func newBackoff(min, max time.Duration) *Backoff {
	return &Backoff{min: min, max: max, tasks: map[string]backoffState{}}
}

// Ready tells whether task may run at now.
func (b *Backoff) Ready(task string, now time.Time) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	s, ok := b.tasks[task]
	return !ok || !now.Before(s.next)
}

// Fail records a failure of task at now and returns the delay before it may run again.
func (b *Backoff) Fail(task string, now time.Time) time.Duration {
	b.mu.Lock()
	defer b.mu.Unlock()
	s := b.tasks[task]
	switch {
	case s.delay == 0:
		s.delay = b.min
	case s.delay < b.max:
		s.delay = min(2*s.delay, b.max)
	}
	s.next = now.Add(s.delay)
	b.tasks[task] = s
	return s.delay
}

// Succeed forgets task's failures.
func (b *Backoff) Succeed(task string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	delete(b.tasks, task)
}

// Len is the number of tasks backing off.
func (b *Backoff) Len() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.tasks)
}
