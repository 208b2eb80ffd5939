package planner

import (
	"context"
	"errors"
	"fmt"

	"github.com/slush-tree/slush/circuits/commitment"
	"github.com/slush-tree/slush/circuits/inclusion"
	"github.com/slush-tree/slush/relayer/chainclient"
	"github.com/slush-tree/slush/relayer/tree"
	"github.com/slush-tree/slush/relayer/witness"
)

// Messages reads every chain's pending messages once and plans the message jobs: routes
// down, claims and confirmations (unless no_claims), the children's forced operations, and the
// forced withdrawals' executions and proofs.
func (pl *Planner) Messages(ctx context.Context) []Job {
	pending := map[string]*chainclient.Pending{}
	for _, name := range pl.tree.Names() {
		key := "messages " + name
		if !pl.tasks.Ready(key) {
			continue
		}
		pend, err := pl.tree.Node(name).PendingMessages(ctx, 0)
		if err != nil {
			pl.tasks.Fail(key, "messages", name, err)
			continue
		}
		pl.tasks.Succeed(key)
		pending[name] = pend
	}
	plans := []func(context.Context, map[string]*chainclient.Pending) []Job{pl.planRoutes}
	if !pl.noClaims {
		plans = append(plans, pl.planClaims, pl.planConfirms)
	}
	var jobs []Job
	for _, plan := range plans {
		if ctx.Err() != nil {
			return nil
		}
		jobs = append(jobs, plan(ctx, pending)...)
	}
	jobs = append(jobs, pl.planForced(ctx)...)
	return append(jobs, pl.planWithdrawals(ctx)...)
}

// destination is the served chain a message goes to (nil if the relayer does not serve it).
func (pl *Planner) destination(m inclusion.Message) *tree.Node {
	path, err := commitment.UnpackVid(m.DstVid)
	if err != nil {
		return nil
	}
	return pl.tree.At(path)
}

// messageTask is one message's task: its backoff key ("claim 2 <hash>"), and the task and
// chain that label its failures.
type messageTask struct{ key, task, chain string }

// ready reports whether a message task may run now (backoff).
func (pl *Planner) ready(task, chain string, msgHash []byte) (messageTask, bool) {
	t := messageTask{key: fmt.Sprintf("%s %s %X", task, chain, msgHash), task: task, chain: chain}
	return t, pl.tasks.Ready(t.key)
}

// add appends the job planned for t to jobs, or records why there is none: a plan that waits
// (witness.ErrNotYet) is logged at debug as waits with attrs and tried again next round; any
// other error backs t off.
func (pl *Planner) add(jobs []Job, t messageTask, j *Job, err error, waits string, attrs ...any) []Job {
	switch {
	case errors.Is(err, witness.ErrNotYet):
		pl.log.Debug(waits, append(attrs, "why", err)...)
	case err != nil:
		pl.tasks.Fail(t.key, t.task, t.chain, err)
	case j != nil:
		j.Task = t.key
		jobs = append(jobs, *j)
	}
	return jobs
}
