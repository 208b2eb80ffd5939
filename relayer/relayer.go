// Package relayer is Slush's relayer and prover (DESIGN §11): one process that serves a whole
// tree of chains over CometBFT RPC. For every edge it proves the child's ledger batches and
// submits its updates to the parent, syncs root commitments downward, claims and confirms bridge
// messages with inclusion proofs and carries routed messages. It keeps no state the chains
// cannot rebuild: every decision is re-derived from chain state on every round. This package
// wires the parts (README.md: package layout) and is what `slushchaind relayer start` runs.
package relayer

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/slush-tree/slush/app/encoding"
	"github.com/slush-tree/slush/relayer/chainclient"
	"github.com/slush-tree/slush/relayer/config"
	"github.com/slush-tree/slush/relayer/metrics"
	"github.com/slush-tree/slush/relayer/planner"
	"github.com/slush-tree/slush/relayer/scheduler"
	"github.com/slush-tree/slush/relayer/tree"
)

// Relayer serves one tree.
type Relayer struct {
	cfg     config.Config
	log     *slog.Logger
	metrics *metrics.Metrics
	tree    *tree.Tree
	health  health // the monitor's last reading, for /healthz
}

// New connects to every chain of cfg (no network traffic yet).
func New(cfg config.Config, log *slog.Logger) (*Relayer, error) {
	enc := encoding.MakeClient()
	m := metrics.NewMetrics()
	var chains []*chainclient.Client
	for _, cc := range cfg.Chains {
		ch, err := chainclient.Dial(chainclient.Config{
			Name: cc.Path, ChainID: cc.ChainID, RPC: cc.RPC, Home: cc.Home, Key: cc.Key,
			GasLimit: cfg.GasLimit, TxTimeout: time.Duration(cfg.TxTimeout),
		}, enc, log, m)
		if err != nil {
			return nil, err
		}
		chains = append(chains, ch)
	}
	t, err := tree.New(chains)
	if err != nil {
		return nil, err
	}
	var children []string
	for _, name := range t.Names() {
		if t.Node(name).Parent != nil {
			children = append(children, name)
		}
	}
	m.InitChains(t.Names(), children)
	return &Relayer{cfg: cfg, log: log, metrics: m, tree: t}, nil
}

// Run serves the tree until ctx is done: it loads the keys, waits for every chain, then runs
// one round per poll interval. Meanwhile the monitor reads the tree for the per-edge gauges and
// /healthz.
func (r *Relayer) Run(ctx context.Context) error {
	if r.cfg.MetricsListen != "" {
		srv, err := r.serveMetrics()
		if err != nil {
			return err
		}
		defer srv.Close()
	}
	mctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		r.monitor(mctx)
	}()
	defer wg.Wait()
	defer cancel() // runs first: the monitor stops whenever Run returns
	prover, err := r.start(ctx)
	if err != nil {
		return err
	}
	tasks := scheduler.NewTasks(r.metrics, r.log)
	pl := planner.New(r.tree, prover, tasks, r.cfg.GasLimit, r.cfg.NoClaims, r.cfg.StepAnchorInterval, r.log)
	wg.Add(1)
	go func() { // leaf steps are proven apart from the rounds (PROTOCOL "Who proves")
		defer wg.Done()
		pl.RunStepProver(mctx)
	}()
	return scheduler.New(r.tree, pl, tasks, time.Duration(r.cfg.PollInterval), r.metrics, r.log).Run(ctx)
}

// serveMetrics serves /metrics and /healthz on metrics_listen.
func (r *Relayer) serveMetrics() (*http.Server, error) {
	ln, err := net.Listen("tcp", r.cfg.MetricsListen)
	if err != nil {
		return nil, fmt.Errorf("metrics_listen: %w", err)
	}
	mux := http.NewServeMux()
	mux.Handle("/metrics", r.metrics.Handler())
	mux.HandleFunc("/healthz", r.healthz)
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	r.log.Info("metrics", "listen", ln.Addr().String())
	return srv, nil
}
