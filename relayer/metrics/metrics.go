// Package metrics is the relayer's Prometheus metrics (slush_relayer_*), served on
// metrics_listen under /metrics.
package metrics

import (
	"net/http"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics are the relayer's Prometheus metrics, served on metrics_listen under /metrics.
type Metrics struct {
	registry  *prometheus.Registry
	lastRound atomic.Int64 // unix nanoseconds of the last finished round (for /healthz)
	// Proofs counts proofs by kind (ledger, claim, confirm, route).
	Proofs *prometheus.CounterVec
	// ProofSeconds is the proving time by kind.
	ProofSeconds *prometheus.HistogramVec
	// ProofPeakRSS is the process's peak resident memory as seen after the last proof of a kind
	// (the recursive steps are the heaviest).
	ProofPeakRSS *prometheus.GaugeVec
	// Txs counts transactions by chain, kind and result (ok, failed, checktx_error, ...).
	Txs *prometheus.CounterVec
	// Errors counts failed tasks by task kind and chain (the edge's child for updates).
	Errors *prometheus.CounterVec
	// Height is each chain's latest height as last seen.
	Height *prometheus.GaugeVec
	// RoundSeconds is the duration of one round over the tree.
	RoundSeconds prometheus.Histogram
	// LastRound is when the main loop last finished a round (unix seconds).
	LastRound prometheus.Gauge

	// Per edge, by the edge's child (issue 19), as the monitor last read them: the child's log
	// length, the proven position (the log length of its accepted commitment), the operations
	// between them, the anchor lag (root heights since an update was accepted), the forced
	// operations its parent holds for it, and when the parent's record last advanced.
	EdgeLogLength    *prometheus.GaugeVec
	EdgeProven       *prometheus.GaugeVec
	EdgeUnproven     *prometheus.GaugeVec
	EdgeAnchorLag    *prometheus.GaugeVec
	EdgeForced       *prometheus.GaugeVec
	EdgeLastAccepted *prometheus.GaugeVec
	// EdgeStalled is 1 for an edge the planner cannot prove an update for: its backlog exceeds
	// one update's reach at every new anchor (the log's "stalled"); the anchor lag shows how long.
	EdgeStalled *prometheus.GaugeVec
	// Pending counts unconfirmed messages by what they wait for (claim, confirmation, route).
	Pending *prometheus.GaugeVec
	// RoutesInFlight counts route records not delivered yet, over the tree.
	RoutesInFlight prometheus.Gauge
	// Balance is the relayer's wallet on each chain, by denom.
	Balance *prometheus.GaugeVec
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
		ProofPeakRSS: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Namespace: "slush", Subsystem: "relayer", Name: "proof_peak_rss_bytes", Help: "Peak resident memory after the last proof, by kind.",
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
		LastRound:        gauge("last_round_timestamp_seconds", "When the main loop last finished a round (unix seconds)."),
		EdgeLogLength:    edgeGauge("edge_log_length", "The child's ledger log length."),
		EdgeProven:       edgeGauge("edge_proven_position", "The log length of the child's commitment its parent accepted."),
		EdgeUnproven:     edgeGauge("edge_unproven_operations", "Logged operations of the child no accepted update covers."),
		EdgeAnchorLag:    edgeGauge("edge_anchor_lag_root_blocks", "Root heights between the child's clock and its accepted anchor."),
		EdgeForced:       edgeGauge("edge_forced_operations", "Forced operations the parent holds for the child."),
		EdgeLastAccepted: edgeGauge("edge_last_accepted_timestamp_seconds", "When the parent's record of the child last advanced (unix seconds)."),
		EdgeStalled:      edgeGauge("edge_stalled", "1 when the planner finds no provable update for the edge (its backlog exceeds one update's reach)."),
		Pending: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Namespace: "slush", Subsystem: "relayer", Name: "pending_messages", Help: "Unconfirmed messages, by what they wait for.",
		}, []string{"waiting"}),
		RoutesInFlight: gauge("routes_in_flight", "Route records not delivered yet."),
		Balance: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Namespace: "slush", Subsystem: "relayer", Name: "wallet_balance", Help: "The relayer's balance on each chain, by denom.",
		}, []string{"chain", "denom"}),
	}
	m.registry.MustRegister(m.LastRound, m.EdgeLogLength, m.EdgeProven, m.EdgeUnproven, m.EdgeAnchorLag, m.EdgeForced,
		m.EdgeLastAccepted, m.EdgeStalled, m.Pending, m.RoutesInFlight, m.Balance)
	m.registry.MustRegister(m.Proofs, m.ProofSeconds, m.ProofPeakRSS, m.Txs, m.Errors, m.Height, m.RoundSeconds,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// gauge is a relayer gauge.
func gauge(name, help string) prometheus.Gauge {
	return prometheus.NewGauge(prometheus.GaugeOpts{Namespace: "slush", Subsystem: "relayer", Name: name, Help: help})
}

// edgeGauge is a relayer gauge per edge, labelled by the edge's child.
func edgeGauge(name, help string) *prometheus.GaugeVec {
	return prometheus.NewGaugeVec(prometheus.GaugeOpts{Namespace: "slush", Subsystem: "relayer", Name: name, Help: help}, []string{"child"})
}

// Tasks are the relayer's task kinds, the task label of errors_total.
var Tasks = []string{"sync", "update", "claim", "confirm", "route", "forced", "withdrawal", "withdrawal-proof"}

// InitChains creates every per-chain and per-edge series at zero, so a dashboard sees
// errors_total{task, chain} = 0 (not a missing series) before the first error, and every edge.
func (m *Metrics) InitChains(chains, children []string) {
	for _, c := range chains {
		for _, task := range Tasks {
			m.Errors.WithLabelValues(task, c)
		}
	}
	for _, c := range children {
		m.EdgeStalled.WithLabelValues(c)
	}
	for _, w := range []string{"claim", "confirmation", "route"} {
		m.Pending.WithLabelValues(w)
	}
}

// ObserveRound records a finished round of the main loop and how long it took.
func (m *Metrics) ObserveRound(d time.Duration) {
	m.RoundSeconds.Observe(d.Seconds())
	now := time.Now()
	m.LastRound.Set(float64(now.Unix()))
	m.lastRound.Store(now.UnixNano())
}

// LastRoundAt is when the main loop last finished a round (zero before the first).
func (m *Metrics) LastRoundAt() time.Time {
	if n := m.lastRound.Load(); n != 0 {
		return time.Unix(0, n)
	}
	return time.Time{}
}

// ObserveProof records one proof of a kind and how long it took.
func (m *Metrics) ObserveProof(kind string, d time.Duration) {
	m.Proofs.WithLabelValues(kind).Inc()
	m.ProofSeconds.WithLabelValues(kind).Observe(d.Seconds())
}

// ObservePeakRSS records the process's peak resident memory after a proof of a kind.
func (m *Metrics) ObservePeakRSS(kind string, bytes uint64) {
	m.ProofPeakRSS.WithLabelValues(kind).Set(float64(bytes))
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
