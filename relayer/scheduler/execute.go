package scheduler

import (
	"context"
	"strings"
	"sync"

	"github.com/slush-tree/slush/relayer/chainclient"
	"github.com/slush-tree/slush/relayer/planner"
)

// outcome is one submitted job's result.
type outcome struct {
	j   planner.Job
	res *chainclient.TxResult
	err error
}

// execute submits jobs, one goroutine per chain (each chain's jobs in order, its key signing
// one transaction at a time), waits for all of them to be included and returns, per chain, the
// highest block that included one.
func (s *Scheduler) execute(ctx context.Context, jobs []planner.Job) map[string]int64 {
	byChain := map[string][]planner.Job{}
	var order []string
	for _, j := range jobs {
		if _, ok := byChain[j.Node.Name]; !ok {
			order = append(order, j.Node.Name)
		}
		byChain[j.Node.Name] = append(byChain[j.Node.Name], j)
	}
	var mu sync.Mutex
	var outcomes []outcome
	var wg sync.WaitGroup
	for _, name := range order {
		wg.Add(1)
		go func(js []planner.Job) {
			defer wg.Done()
			for _, j := range js {
				res, err := j.Node.Submit(ctx, j.Kind, j.Gas, j.Msgs...)
				mu.Lock()
				outcomes = append(outcomes, outcome{j, res, err})
				mu.Unlock()
			}
		}(byChain[name])
	}
	wg.Wait()
	return s.settle(outcomes)
}

// settle records the outcomes back on the calling goroutine (backoff and callbacks are not
// shared) and returns, per chain, the highest block that included one of its jobs.
func (s *Scheduler) settle(outcomes []outcome) map[string]int64 {
	included := map[string]int64{}
	for _, o := range outcomes {
		if o.res != nil {
			included[o.j.Node.Name] = max(included[o.j.Node.Name], o.res.Height)
		}
		if o.err != nil {
			s.tasks.Fail(o.j.Task, strings.Fields(o.j.Task)[0], o.j.Node.Name, o.err)
			continue
		}
		s.tasks.Succeed(o.j.Task)
		if o.j.Done != nil {
			o.j.Done(o.res)
		}
	}
	return included
}
