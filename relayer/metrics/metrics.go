// Package metrics is the relayer's Prometheus metrics (slush_relayer_*), served on
// metrics_listen under /metrics.
package metrics

import (
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics are the relayer's Prometheus metrics, served on metrics_listen under /metrics.
type Metrics struct {
	registry *prometheus.Registry
	// Proofs counts proofs by kind (ledger, claim, confirm, route).
	Proofs *prometheus.CounterVec
	// ProofSeconds is the proving time by kind.
	ProofSeconds *prometheus.HistogramVec
	// Txs counts transactions by chain, kind and result (ok, failed, checktx_error, ...).
	Txs *prometheus.CounterVec
	// Errors counts failed tasks by task kind and chain (the edge's child for updates).
	Errors *prometheus.CounterVec
	// Height is each chain's latest height as last seen.
	Height *prometheus.GaugeVec
	// RoundSeconds is the duration of one round over the tree.
	RoundSeconds prometheus.Histogram
}

// NewMetrics registers the metrics on a fresh registry.
func NewMetrics() *Metrics {
	m := &Metrics{
		registry: prometheus.NewRegistry(),
		Proofs: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "slush", Subsystem: "relayer", Name: "proofs_total", Help: "Proofs made, by kind.",
		}, []string{"kind"}),
		ProofSeconds: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: "slush", Subsystem: "relayer", Name: "proof_seconds", Help: "Proving time, by kind.",
			Buckets: []float64{0.1, 0.25, 0.5, 1, 2, 4, 8, 16, 32, 64},
		}, []string{"kind"}),
		Txs: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "slush", Subsystem: "relayer", Name: "txs_total", Help: "Transactions, by chain, message kind and result.",
		}, []string{"chain", "kind", "result"}),
		Errors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "slush", Subsystem: "relayer", Name: "errors_total", Help: "Failed tasks, by task and chain.",
		}, []string{"task", "chain"}),
		Height: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Namespace: "slush", Subsystem: "relayer", Name: "chain_height", Help: "Latest block height seen, by chain.",
		}, []string{"chain"}),
		RoundSeconds: prometheus.NewHistogram(prometheus.HistogramOpts{
			Namespace: "slush", Subsystem: "relayer", Name: "round_seconds", Help: "Duration of one round over the tree.",
			Buckets: prometheus.ExponentialBuckets(0.25, 2, 10),
		}),
	}
	m.registry.MustRegister(m.Proofs, m.ProofSeconds, m.Txs, m.Errors, m.Height, m.RoundSeconds,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// ObserveProof records one proof of a kind and how long it took.
func (m *Metrics) ObserveProof(kind string, d time.Duration) {
	m.Proofs.WithLabelValues(kind).Inc()
	m.ProofSeconds.WithLabelValues(kind).Observe(d.Seconds())
}

// ObserveHeight implements chainclient.Recorder: a chain's latest height as last seen.
func (m *Metrics) ObserveHeight(chain string, height int64) {
	m.Height.WithLabelValues(chain).Set(float64(height))
}

// CountTx implements chainclient.Recorder: one transaction of a kind by its result.
func (m *Metrics) CountTx(chain, kind, result string) {
	m.Txs.WithLabelValues(chain, kind, result).Inc()
}

// Handler serves the registry in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{})
}
