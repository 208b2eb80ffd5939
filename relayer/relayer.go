package relayer

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/consensys/gnark/backend/groth16"
	"github.com/consensys/gnark/constraint"

	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/codec"
	sdk "github.com/cosmos/cosmos-sdk/types"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"

	"github.com/slush-tree/slush/app"
	"github.com/slush-tree/slush/circuits/keys"
	"github.com/slush-tree/slush/circuits/ledger"
	"github.com/slush-tree/slush/circuits/prover"
	acceptancetypes "github.com/slush-tree/slush/x/acceptance/types"
	bridgetypes "github.com/slush-tree/slush/x/bridge/types"
	validiumtypes "github.com/slush-tree/slush/x/validium/types"
)

// Encoding is what the relayer needs to encode, sign and decode Slush transactions.
type Encoding struct {
	// Codec is the protobuf codec with every Slush and SDK interface registered.
	Codec codec.Codec
	// TxConfig encodes and signs transactions (SIGN_MODE_DIRECT).
	TxConfig client.TxConfig
}

// NewEncoding is app.MakeEncodingConfig plus the interfaces of the messages the relayer sends
// and the accounts it reads.
func NewEncoding() Encoding {
	enc := app.MakeEncodingConfig()
	authtypes.RegisterInterfaces(enc.InterfaceRegistry)
	bridgetypes.RegisterInterfaces(enc.InterfaceRegistry)
	validiumtypes.RegisterInterfaces(enc.InterfaceRegistry)
	acceptancetypes.RegisterInterfaces(enc.InterfaceRegistry)
	return Encoding{Codec: enc.Codec, TxConfig: enc.TxConfig}
}

// Node is one chain of the tree with its place in it.
type Node struct {
	*Chain
	// Parent is nil at the root.
	Parent *Node
	// Index is the chain's child index under its parent (0 at the root).
	Index uint32
	// LedgerParams are the chain's ledger params (read from the chain at start).
	LedgerParams bridgetypes.LedgerParams
	// GenesisDeposits funded the chain's ledger at genesis: a replica of its ledger starts from them.
	GenesisDeposits []bridgetypes.GenesisDeposit

	replica *replica // cache of the chain's ledger at the position its parent accepted
	mints   *mintIndex
}

// origin is what a replica of n's ledger starts from.
func (n *Node) origin() ledgerOrigin {
	return ledgerOrigin{vid: n.Vid, params: n.LedgerParams, deposits: n.GenesisDeposits}
}

// provingKeys are the circuits the relayer proves with, compiled once.
type provingKeys struct {
	ledgerParams bridgetypes.LedgerParams
	ledgerCCS    constraint.ConstraintSystem
	ledgerPK     groth16.ProvingKey
	ledgerVK     groth16.VerifyingKey
	ledgerVKRaw  []byte
	inclDepth    int
	inclCCS      constraint.ConstraintSystem
	inclPK       groth16.ProvingKey
	inclVK       groth16.VerifyingKey
}

// Relayer serves one tree.
type Relayer struct {
	cfg     Config
	log     *slog.Logger
	metrics *Metrics
	nodes   map[string]*Node
	names   []string // top-down
	root    *Node
	keys    *provingKeys
	backoff *Backoff
	now     func() time.Time
}

// New connects to every chain of cfg (no network traffic yet).
func New(cfg Config, log *slog.Logger) (*Relayer, error) {
	enc := NewEncoding()
	r := &Relayer{cfg: cfg, log: log, metrics: NewMetrics(), nodes: map[string]*Node{}, backoff: NewBackoff(), now: time.Now}
	for _, cc := range cfg.Chains {
		ch, err := newChain(cc, enc, cfg.GasLimit, time.Duration(cfg.TxTimeout), log, r.metrics)
		if err != nil {
			return nil, err
		}
		r.nodes[cc.Path] = &Node{Chain: ch, replica: &replica{}, mints: &mintIndex{}}
		r.names = append(r.names, cc.Path)
	}
	r.names = TopDown(r.names)
	for _, name := range r.names {
		n := r.nodes[name]
		if len(n.Path) == 0 {
			r.root = n
			continue
		}
		n.Parent = r.nodes[ParentPath(name)]
		n.Index = uint32(n.Path[len(n.Path)-1])
	}
	return r, nil
}

// Run serves the tree until ctx is done: it loads the keys, waits for every chain, then runs
// one round per poll interval.
func (r *Relayer) Run(ctx context.Context) error {
	if r.cfg.MetricsListen != "" {
		srv, err := r.serveMetrics()
		if err != nil {
			return err
		}
		defer srv.Close()
	}
	if err := r.start(ctx); err != nil {
		return err
	}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		r.syncLoop(ctx)
	}()
	defer wg.Wait()
	for {
		start := time.Now()
		r.round(ctx)
		r.metrics.RoundSeconds.Observe(time.Since(start).Seconds())
		select {
		case <-ctx.Done():
			r.log.Info("relayer stopped")
			return nil
		case <-time.After(time.Duration(r.cfg.PollInterval)):
		}
	}
}

// syncLoop syncs root commitments down the tree, top-down, once per poll interval, on its own
// goroutine: the anchors of every chain then advance every few blocks, however long the main
// loop's proofs take. A child commits to its ledger and its anchor together, and an update
// proves at most one batch of operations per anchor step, so the more often anchors step, the
// larger the bursts of operations an edge can absorb (see selectCommitment, errStalled).
func (r *Relayer) syncLoop(ctx context.Context) {
	for {
		for d := 1; d <= r.depth(); d++ {
			// the next level proves records this level's syncs wrote: they are provable once the
			// block after the one that included them exists (internal/parentsync/README.md)
			for name, h := range r.runLevel(ctx, d, "sync", r.planSync) {
				wctx, cancel := context.WithTimeout(ctx, waitBlockTimeout)
				_ = r.nodes[name].WaitHeight(wctx, h+1) // a chain that stopped only delays its children
				cancel()
			}
			if ctx.Err() != nil {
				return
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(time.Duration(r.cfg.PollInterval)):
		}
	}
}

// waitBlockTimeout bounds the sync loop's wait for a chain's next block.
const waitBlockTimeout = 15 * time.Second

// depth is the deepest served chain's depth.
func (r *Relayer) depth() int {
	d := 0
	for _, name := range r.names {
		d = max(d, len(r.nodes[name].Path))
	}
	return d
}

// serveMetrics serves /metrics on metrics_listen.
func (r *Relayer) serveMetrics() (*http.Server, error) {
	ln, err := net.Listen("tcp", r.cfg.MetricsListen)
	if err != nil {
		return nil, fmt.Errorf("metrics_listen: %w", err)
	}
	mux := http.NewServeMux()
	mux.Handle("/metrics", r.metrics.Handler())
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	r.log.Info("metrics", "listen", ln.Addr().String())
	return srv, nil
}

// start waits until every chain answers, reads its ledger params, loads and compiles the
// circuits, and waits for any transaction of ours still in a mempool (from a run that was
// killed) to be included: from then on chain state alone says what is done.
func (r *Relayer) start(ctx context.Context) error {
	patience := time.Now().Add(time.Minute)
	for {
		missing, nonRoot := 0, 0
		for _, name := range r.names {
			n := r.nodes[name]
			if err := r.ledgerParams(ctx, n); err != nil {
				missing++
				r.log.Info("waiting for chain", "chain", name, "err", err)
			} else if n.Parent != nil {
				nonRoot++
			}
		}
		// a chain that stays down is served once it answers; the root and one child are needed
		// to know the ledger shape and the inclusion depth
		if missing == 0 || (time.Now().After(patience) && r.root.LedgerParams.BatchSize != 0 && (nonRoot > 0 || len(r.names) == 1)) {
			break
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(2 * time.Second):
		}
	}
	k, err := r.loadKeys(ctx)
	if err != nil {
		return err
	}
	r.keys = k
	for _, name := range r.names {
		n := r.nodes[name]
		for {
			pending, err := n.Unconfirmed(ctx)
			if err != nil || !pending { // a chain that is down has nothing of ours to include
				break
			}
			r.log.Info("waiting for our pending transactions", "chain", name)
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(time.Second):
			}
		}
	}
	r.log.Info("relayer started", "chains", len(r.names), "ledger_shape", fmt.Sprintf("%+v", k.ledgerParams), "inclusion_depth", k.inclDepth)
	return nil
}

// ledgerParams reads a chain's ledger params once (they never change).
func (r *Relayer) ledgerParams(ctx context.Context, n *Node) error {
	if n.LedgerParams.BatchSize != 0 {
		return nil
	}
	l, err := n.Ledger(ctx, 0)
	if err != nil {
		return err
	}
	n.LedgerParams, n.GenesisDeposits = l.LedgerParams, l.GenesisDeposits
	return nil
}

// loadKeys reads ledger.pk/.vk and inclusion.pk/.vk/.depth and compiles both circuits. The
// ledger shape is the one every non-root chain uses (they must agree: one key proves them all).
func (r *Relayer) loadKeys(ctx context.Context) (*provingKeys, error) {
	k := &provingKeys{}
	var shape *bridgetypes.LedgerParams
	shapeOf := ""
	for _, name := range r.names {
		n := r.nodes[name]
		if n.Parent == nil || n.LedgerParams.BatchSize == 0 {
			continue
		}
		if shape == nil {
			s := n.LedgerParams
			shape, shapeOf = &s, name
		} else if *shape != n.LedgerParams {
			return nil, fmt.Errorf("chain %s has ledger params %+v, chain %s %+v: one ledger key cannot prove both",
				name, n.LedgerParams, shapeOf, *shape)
		}
	}
	dir := r.cfg.KeysDir
	if shape != nil {
		k.ledgerParams = *shape
		t := time.Now()
		var err error
		if k.ledgerPK, k.ledgerVK, err = keys.LoadKeys(dir, "ledger", validiumtypes.UpdatePublicInputs); err != nil {
			return nil, fmt.Errorf("ledger keys in %s: %w", dir, err)
		}
		if k.ledgerVKRaw, err = os.ReadFile(filepath.Join(dir, "ledger.vk")); err != nil {
			return nil, err
		}
		if k.ledgerCCS, err = ledger.Compile(shape.Ledger()); err != nil {
			return nil, err
		}
		if err := keys.CheckProvingKeyShape(k.ledgerCCS, k.ledgerPK); err != nil {
			return nil, fmt.Errorf("ledger.pk does not match the chains' ledger params %+v: %w", *shape, err)
		}
		r.log.Info("ledger circuit ready", "constraints", k.ledgerCCS.GetNbConstraints(), "seconds", time.Since(t).Seconds())
	}
	depthBz, err := os.ReadFile(filepath.Join(dir, "inclusion.depth"))
	if err != nil {
		return nil, fmt.Errorf("inclusion depth: %w", err)
	}
	if k.inclDepth, err = strconv.Atoi(strings.TrimSpace(string(depthBz))); err != nil || k.inclDepth < 1 {
		return nil, fmt.Errorf("inclusion.depth: %q", depthBz)
	}
	if rc, err := r.root.RootCommitment(ctx, 0, 0); err == nil && rc.InclusionParams.MaxDepth != 0 &&
		int(rc.InclusionParams.MaxDepth) != k.inclDepth {
		return nil, fmt.Errorf("inclusion.depth %d, but the root verifies depth %d", k.inclDepth, rc.InclusionParams.MaxDepth)
	}
	t := time.Now()
	if k.inclPK, k.inclVK, err = keys.LoadKeys(dir, "inclusion", bridgetypes.InclusionPublicInputs); err != nil {
		return nil, fmt.Errorf("inclusion keys in %s: %w", dir, err)
	}
	if k.inclCCS, err = prover.CompileInclusion(k.inclDepth); err != nil {
		return nil, err
	}
	if err := keys.CheckProvingKeyShape(k.inclCCS, k.inclPK); err != nil {
		return nil, fmt.Errorf("inclusion.pk does not match depth %d: %w", k.inclDepth, err)
	}
	r.log.Info("inclusion circuit ready", "constraints", k.inclCCS.GetNbConstraints(), "seconds", time.Since(t).Seconds())
	return k, nil
}

// job is one transaction to submit.
type job struct {
	node *Node
	task string // backoff key and log label
	kind string // message kind (metrics)
	gas  uint64
	msgs []sdk.Msg
	done func(*TxResult) // called on success
}

// round runs the main loop's phases once: updates bottom-up (each level sees the one below
// it), then the messages: routes down, claims and confirmations. Root commitments come down on
// the sync loop meanwhile.
func (r *Relayer) round(ctx context.Context) {
	for d := r.depth(); d >= 1; d-- {
		r.runLevel(ctx, d, "update", r.planUpdate)
	}
	r.execute(ctx, r.planMessages(ctx))
}

// runLevel plans task for every chain at depth d, submits the jobs and returns, per chain, the
// highest block that included one of them.
func (r *Relayer) runLevel(ctx context.Context, d int, task string, plan func(context.Context, *Node) ([]job, error)) map[string]int64 {
	var jobs []job
	for _, name := range r.names {
		n := r.nodes[name]
		if len(n.Path) != d || ctx.Err() != nil {
			continue
		}
		key := task + " " + name
		if !r.backoff.Ready(key, r.now()) {
			continue
		}
		planned, err := plan(ctx, n)
		if err != nil {
			r.fail(key, task, name, err)
			continue
		}
		if len(planned) == 0 {
			r.backoff.Succeed(key)
			continue
		}
		for _, j := range planned {
			j.task = key
			jobs = append(jobs, j)
		}
	}
	return r.execute(ctx, jobs)
}

// fail records a failed task: a log line, a metric and a longer backoff.
func (r *Relayer) fail(key, task, chain string, err error) {
	if errors.Is(err, context.Canceled) {
		return
	}
	delay := r.backoff.Fail(key, r.now())
	r.metrics.Errors.WithLabelValues(task, chain).Inc()
	r.log.Warn("task failed", "task", key, "retry_in", delay.String(), "err", err)
}

// execute submits jobs, one goroutine per chain (each chain's jobs in order, its key signing
// one transaction at a time), waits for all of them to be included and returns, per chain, the
// highest block that included one.
func (r *Relayer) execute(ctx context.Context, jobs []job) map[string]int64 {
	byChain := map[string][]job{}
	var order []string
	for _, j := range jobs {
		if _, ok := byChain[j.node.Name]; !ok {
			order = append(order, j.node.Name)
		}
		byChain[j.node.Name] = append(byChain[j.node.Name], j)
	}
	type outcome struct {
		j   job
		res *TxResult
		err error
	}
	var mu sync.Mutex
	var outcomes []outcome
	var wg sync.WaitGroup
	for _, name := range order {
		wg.Add(1)
		go func(js []job) {
			defer wg.Done()
			for _, j := range js {
				res, err := j.node.Submit(ctx, j.kind, j.gas, j.msgs...)
				mu.Lock()
				outcomes = append(outcomes, outcome{j, res, err})
				mu.Unlock()
			}
		}(byChain[name])
	}
	wg.Wait()
	included := map[string]int64{}
	for _, o := range outcomes { // back on the main goroutine: backoff and callbacks are not shared
		if o.res != nil {
			included[o.j.node.Name] = max(included[o.j.node.Name], o.res.Height)
		}
		if o.err != nil {
			r.fail(o.j.task, strings.Fields(o.j.task)[0], o.j.node.Name, o.err)
			continue
		}
		r.backoff.Succeed(o.j.task)
		if o.j.done != nil {
			o.j.done(o.res)
		}
	}
	return included
}

// node returns the chain at a path, nil if the config does not have it.
func (r *Relayer) node(path []uint8) *Node { return r.nodes[FormatPath(path)] }

// proofTimer measures one proof for the log and the metrics.
func (r *Relayer) proofTimer(kind string, attrs ...any) func(err error) {
	start := time.Now()
	return func(err error) {
		d := time.Since(start)
		if err != nil {
			r.log.Warn("proof failed", append([]any{"kind", kind, "seconds", d.Seconds(), "err", err}, attrs...)...)
			return
		}
		r.metrics.observeProof(kind, d)
		r.log.Info("proof", append([]any{"kind", kind, "seconds", fmt.Sprintf("%.2f", d.Seconds())}, attrs...)...)
	}
}
