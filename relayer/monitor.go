package relayer

import (
	"context"
	"encoding/json"
	"net/http"
	"sync"
	"time"

	"github.com/slush-tree/slush/relayer/inspect"
)

// monitorEvery is how often the monitor reads the whole tree for the per-edge gauges, the backlog,
// the wallet balances and /healthz (a few dozen queries per chain: cheap next to a round).
const monitorEvery = 10 * time.Second

// maxRoundAge is how long the main loop may go without finishing a round before /healthz says
// so: a round proves every edge's backlog, which takes minutes in a burst.
const maxRoundAge = 15 * time.Minute

// health is what /healthz answers from: the monitor's last reading of the tree.
type health struct {
	mu         sync.Mutex
	readAt     time.Time // when the monitor last read the tree (zero: not yet)
	stalled    []string  // edges past the stall threshold
	frozen     []string  // children their parent froze
	unreadable []string  // chains or edges that could not be read
}

// Health is /healthz's answer.
type Health struct {
	Healthy bool `json:"healthy"`
	// LastRoundAgeSeconds is how long ago the main loop finished a round (-1: none yet).
	LastRoundAgeSeconds int64 `json:"last_round_age_seconds"`
	// ReadAgeSeconds is how long ago the monitor read the tree (-1: not yet).
	ReadAgeSeconds int64    `json:"read_age_seconds"`
	Stalled        []string `json:"stalled"`
	Frozen         []string `json:"frozen"`
	Unreadable     []string `json:"unreadable"`
}

// monitor reads the tree every monitorEvery until ctx is done and publishes what it read: the
// per-edge gauges, the backlog, the wallet balances and /healthz's state.
func (r *Relayer) monitor(ctx context.Context) {
	lastAnchor := map[string]uint64{} // per child, the accepted anchor last seen
	for {
		p := inspect.ReadPending(ctx, r.tree, r.cfg.StallRootBlocks)
		r.observe(p, lastAnchor)
		r.observeBalances(ctx)
		select {
		case <-ctx.Done():
			return
		case <-time.After(monitorEvery):
		}
	}
}

// observe sets the gauges and /healthz's state from one reading of the tree.
func (r *Relayer) observe(p *inspect.Pending, lastAnchor map[string]uint64) {
	m := r.metrics
	var stalled, frozen []string
	for _, e := range p.Edges {
		m.EdgeLogLength.WithLabelValues(e.Child).Set(float64(e.ChildLog))
		m.EdgeProven.WithLabelValues(e.Child).Set(float64(e.AcceptedLog))
		m.EdgeUnproven.WithLabelValues(e.Child).Set(float64(e.Unproven))
		m.EdgeAnchorLag.WithLabelValues(e.Child).Set(float64(e.AnchorLag))
		m.EdgeForced.WithLabelValues(e.Child).Set(float64(len(e.Forced)))
		if prev, seen := lastAnchor[e.Child]; !seen || e.AcceptedAnchor > prev {
			lastAnchor[e.Child] = e.AcceptedAnchor
			if seen { // advanced while we watched (at start we do not know when it last did)
				m.EdgeLastAccepted.WithLabelValues(e.Child).SetToCurrentTime()
			}
		}
		if e.Stalled {
			stalled = append(stalled, e.Child+" -> "+e.Parent)
		}
		if e.Status == "frozen" {
			frozen = append(frozen, e.Child+" on "+e.Parent)
		}
	}
	counts := map[string]float64{"claim": 0, "confirmation": 0, "route": 0}
	for _, msg := range p.Messages {
		counts[msg.WaitingFor]++
	}
	for _, k := range []string{"claim", "confirmation", "route"} {
		m.Pending.WithLabelValues(k).Set(counts[k])
	}
	m.RoutesInFlight.Set(float64(len(p.Routes)))
	r.health.mu.Lock()
	defer r.health.mu.Unlock()
	r.health.readAt, r.health.stalled, r.health.frozen, r.health.unreadable = time.Now(), stalled, frozen, p.Errors
}

// observeBalances sets the relayer's wallet balance on every chain it reaches.
func (r *Relayer) observeBalances(ctx context.Context) {
	for _, name := range r.tree.Names() {
		n := r.tree.Node(name)
		coins, err := n.Balances(ctx, n.Address().String(), 0)
		if err != nil {
			continue // unreachable: /healthz reports it
		}
		for _, c := range coins {
			r.metrics.Balance.WithLabelValues(name, c.Denom).Set(float64(c.Amount.Int64()))
		}
	}
}

// healthz answers /healthz: 200 and healthy when the main loop finished a round within
// maxRoundAge, the monitor read every chain recently, and no edge is stalled and no child frozen;
// 503 otherwise. The body says which.
func (r *Relayer) healthz(w http.ResponseWriter, _ *http.Request) {
	now := time.Now()
	h := Health{LastRoundAgeSeconds: -1, ReadAgeSeconds: -1}
	if at := r.metrics.LastRoundAt(); !at.IsZero() {
		h.LastRoundAgeSeconds = int64(now.Sub(at).Seconds())
	}
	r.health.mu.Lock()
	if !r.health.readAt.IsZero() {
		h.ReadAgeSeconds = int64(now.Sub(r.health.readAt).Seconds())
	}
	h.Stalled, h.Frozen, h.Unreadable = nonNil(r.health.stalled), nonNil(r.health.frozen), nonNil(r.health.unreadable)
	r.health.mu.Unlock()
	h.Healthy = h.LastRoundAgeSeconds >= 0 && h.LastRoundAgeSeconds < int64(maxRoundAge.Seconds()) &&
		h.ReadAgeSeconds >= 0 && h.ReadAgeSeconds < int64(3*monitorEvery.Seconds()) &&
		len(h.Stalled) == 0 && len(h.Frozen) == 0 && len(h.Unreadable) == 0
	w.Header().Set("Content-Type", "application/json")
	if !h.Healthy {
		w.WriteHeader(http.StatusServiceUnavailable)
	}
	_ = json.NewEncoder(w).Encode(h)
}

// nonNil is s, or an empty list (so JSON says [] rather than null).
func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
