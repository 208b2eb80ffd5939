package relayer

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"github.com/stretchr/testify/require"

	"github.com/slush-tree/slush/relayer/config"
	"github.com/slush-tree/slush/relayer/inspect"
	"github.com/slush-tree/slush/relayer/metrics"
)

// TestMonitorGaugesAndHealthz: one reading of the tree sets the per-edge gauges and the backlog;
// /healthz is 503 until the main loop finished a round, 200 on a healthy tree, and 503 naming a
// stalled edge or an unreadable chain.
func TestMonitorGaugesAndHealthz(t *testing.T) {
	r := &Relayer{cfg: config.Config{StallRootBlocks: 30}, metrics: metrics.NewMetrics()}
	r.metrics.InitChains([]string{"root", "1"}, []string{"1"})
	lastAnchor := map[string]uint64{}
	healthy := &inspect.Pending{
		Edges:    []inspect.Edge{{Child: "1", Parent: "root", Status: "active", ChildLog: 12, AcceptedLog: 8, Unproven: 4, AnchorLag: 3, AcceptedAnchor: 40}},
		Messages: []inspect.Message{{WaitingFor: "claim"}, {WaitingFor: "claim"}, {WaitingFor: "confirmation"}},
	}
	r.observe(healthy, lastAnchor)
	m := r.metrics
	require.Equal(t, 4.0, value(t, m.EdgeUnproven.WithLabelValues("1")))
	require.Equal(t, 8.0, value(t, m.EdgeProven.WithLabelValues("1")))
	require.Equal(t, 3.0, value(t, m.EdgeAnchorLag.WithLabelValues("1")))
	require.Equal(t, 2.0, value(t, m.Pending.WithLabelValues("claim")))
	require.Equal(t, 1.0, value(t, m.Pending.WithLabelValues("confirmation")))
	require.Equal(t, 0.0, value(t, m.Errors.WithLabelValues("update", "root")), "errors_total exists before the first error")
	require.Equal(t, 0, count(m.EdgeLastAccepted), "not known until the record advances while watched")

	get := func() (int, Health) {
		rec := httptest.NewRecorder()
		r.healthz(rec, httptest.NewRequest(http.MethodGet, "/healthz", nil))
		var h Health
		require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &h))
		return rec.Code, h
	}
	code, h := get()
	require.Equal(t, http.StatusServiceUnavailable, code, "no round finished yet")
	require.Equal(t, int64(-1), h.LastRoundAgeSeconds)

	m.ObserveRound(time.Second)
	code, h = get()
	require.Equal(t, http.StatusOK, code)
	require.True(t, h.Healthy)

	healthy.Edges[0].AcceptedAnchor = 41
	r.observe(healthy, lastAnchor)
	require.Equal(t, 1, count(m.EdgeLastAccepted), "the record advanced")

	stalled := &inspect.Pending{Edges: []inspect.Edge{{Child: "1", Parent: "root", Status: "active", AnchorLag: 80, Stalled: true}},
		Errors: []string{"2: connection refused"}}
	r.observe(stalled, lastAnchor)
	code, h = get()
	require.Equal(t, http.StatusServiceUnavailable, code)
	require.Equal(t, []string{"1 -> root"}, h.Stalled)
	require.Equal(t, []string{"2: connection refused"}, h.Unreadable)
	require.True(t, strings.Contains(strings.Join(h.Unreadable, ""), "refused"))
}

// value is a gauge's (or counter's) current value.
func value(t *testing.T, c prometheus.Metric) float64 {
	t.Helper()
	var out dto.Metric
	require.NoError(t, c.Write(&out))
	if out.Gauge != nil {
		return out.GetGauge().GetValue()
	}
	return out.GetCounter().GetValue()
}

// count is how many series a vector holds.
func count(c prometheus.Collector) int {
	ch := make(chan prometheus.Metric, 16)
	c.Collect(ch)
	close(ch)
	return len(ch)
}
