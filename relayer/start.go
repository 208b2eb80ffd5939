package relayer

import (
	"context"
	"fmt"
	"time"

	"github.com/slush-tree/slush/relayer/proving"
)

// startPatience is how long start waits for every chain before it serves those that answer.
const startPatience = time.Minute

// start waits until every chain answers, reads its ledger params, loads and compiles the
// circuits, and waits for any transaction of ours still in a mempool (from a run that was
// killed) to be included: from then on chain state alone says what is done.
func (r *Relayer) start(ctx context.Context) (*proving.Prover, error) {
	if err := r.waitChains(ctx); err != nil {
		return nil, err
	}
	p, err := proving.Load(ctx, r.cfg.KeysDir, r.tree, r.log, r.metrics)
	if err != nil {
		return nil, err
	}
	if err := r.waitPending(ctx); err != nil {
		return nil, err
	}
	r.log.Info("relayer started", "chains", len(r.tree.Names()), "ledger_shape", fmt.Sprintf("%+v", p.LedgerParams()),
		"inclusion_depth", p.InclusionDepth())
	return p, nil
}

// waitChains polls every chain's ledger params until all answer or, after startPatience, until
// the root and one child do (enough to know the ledger shape and the inclusion depth); a chain
// that stays down is served once it answers.
func (r *Relayer) waitChains(ctx context.Context) error {
	patience := time.Now().Add(startPatience)
	for {
		missing, nonRoot := 0, 0
		for _, name := range r.tree.Names() {
			n := r.tree.Node(name)
			if err := n.LoadLedgerParams(ctx); err != nil {
				missing++
				r.log.Info("waiting for chain", "chain", name, "err", err)
			} else if n.Parent != nil {
				nonRoot++
			}
		}
		if missing == 0 || (time.Now().After(patience) && r.tree.Root().LedgerParams.BatchSize != 0 && (nonRoot > 0 || len(r.tree.Names()) == 1)) {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(2 * time.Second):
		}
	}
}

// waitPending waits until no node's mempool holds a transaction of ours.
func (r *Relayer) waitPending(ctx context.Context) error {
	for _, name := range r.tree.Names() {
		n := r.tree.Node(name)
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
	return nil
}
