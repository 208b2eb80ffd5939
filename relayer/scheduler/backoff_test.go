package scheduler

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestBackoff(t *testing.T) {
	b := NewBackoff()
	t0 := time.Unix(1000, 0)
	require.True(t, b.Ready("update 1", t0), "a new task runs at once")
	var delays []time.Duration
	now := t0
	for i := 0; i < 8; i++ {
		d := b.Fail("update 1", now)
		delays = append(delays, d)
		require.False(t, b.Ready("update 1", now.Add(d-time.Millisecond)), "not before its delay")
		now = now.Add(d)
		require.True(t, b.Ready("update 1", now))
	}
	s := time.Second
	require.Equal(t, []time.Duration{s, 2 * s, 4 * s, 8 * s, 16 * s, 30 * s, 30 * s, 30 * s}, delays)
	require.True(t, b.Ready("update 2", t0), "tasks back off independently")
	b.Succeed("update 1")
	require.Zero(t, b.Len())
	require.Equal(t, time.Second, b.Fail("update 1", now), "success resets the delay")
}
