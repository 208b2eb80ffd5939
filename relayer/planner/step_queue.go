package planner

import (
	"context"
	"fmt"
	"sync"

	"github.com/slush-tree/slush/circuits/subtree"
)

// maxCachedSteps bounds the proofs the queue keeps (a few hundred bytes each); a full cache
// starts over.
const maxCachedSteps = 1024

// stepQueueSize bounds the steps waiting for the background prover (a round enqueues again
// what did not fit).
const stepQueueSize = 256

// stepWitness is the witness of a step of any kind: subtree.LeafStepWitness (kinds 1, 2, 9),
// NodeLedgerStepWitness (3, 10) or NodeChildStepWitness (4, 11).
type stepWitness interface {
	// Public is what the step states.
	Public() subtree.StepPublic
}

// stepJob is one step to prove, keyed by its statement.
type stepJob struct {
	key   string
	w     stepWitness
	attrs []any
}

// stepQueue proves steps in the background, one at a time (the relayer's heaviest proof:
// one such prover at a time), so that an update needing steps never holds up the relayer's
// round: the planner takes the proofs that are ready, enqueues the others, and meanwhile updates
// the parent with a commitment whose children moves are all proven (PROTOCOL "Who proves").
type stepQueue struct {
	mu     sync.Mutex
	proofs map[string][]byte // ready proofs by statement
	queued map[string]bool   // enqueued and not proven yet
	jobs   chan stepJob
}

// newStepQueue is an empty queue; nothing is proven until run runs.
func newStepQueue() *stepQueue {
	return &stepQueue{proofs: map[string][]byte{}, queued: map[string]bool{}, jobs: make(chan stepJob, stepQueueSize)}
}

// proof returns the ready proof of a statement.
func (q *stepQueue) proof(key string) ([]byte, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	p, ok := q.proofs[key]
	return p, ok
}

// busy tells whether steps wait to be proven: anchor-only updates that would add more wait
// (backpressure, so the steps never fall behind the moves they prove).
func (q *stepQueue) busy() bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.queued) > 0
}

// enqueue asks for a step's proof unless it is ready or queued; a full queue takes it at a later
// round.
func (q *stepQueue) enqueue(j stepJob) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if _, ok := q.proofs[j.key]; ok || q.queued[j.key] {
		return
	}
	select {
	case q.jobs <- j:
		q.queued[j.key] = true
	default:
	}
}

// done records a job's outcome: its proof, or nothing (a failed step is enqueued again by a
// later round).
func (q *stepQueue) done(key string, proof []byte) {
	q.mu.Lock()
	defer q.mu.Unlock()
	delete(q.queued, key)
	if proof == nil {
		return
	}
	if len(q.proofs) >= maxCachedSteps {
		q.proofs = map[string][]byte{}
	}
	q.proofs[key] = proof
}

// run proves the queued steps one after the other with prove until ctx is done.
func (q *stepQueue) run(ctx context.Context, prove func(stepWitness, ...any) ([]byte, error)) {
	for {
		select {
		case <-ctx.Done():
			return
		case j := <-q.jobs:
			proof, err := prove(j.w, j.attrs...)
			if err != nil {
				proof = nil // logged by the prover
			}
			q.done(j.key, proof)
		}
	}
}

// RunStepProver proves the steps the planner enqueues, in the background, until ctx is done
// (without leaf step keys there is nothing to prove and it returns at once).
func (pl *Planner) RunStepProver(ctx context.Context) {
	if pl.prover.LeafStepVK() == nil {
		return
	}
	pl.steps.run(ctx, pl.proveStep)
}

// proveStep proves one step with the prover of its kind.
func (pl *Planner) proveStep(w stepWitness, attrs ...any) ([]byte, error) {
	var proof []byte
	var err error
	switch w := w.(type) {
	case subtree.LeafStepWitness:
		proof, _, err = pl.prover.ProveLeafStep(w, attrs...)
	case subtree.NodeLedgerStepWitness:
		proof, _, err = pl.prover.ProveNodeLedgerStep(w, attrs...)
	case subtree.NodeChildStepWitness:
		proof, _, err = pl.prover.ProveNodeChildStep(w, attrs...)
	default:
		err = fmt.Errorf("a step witness of type %T", w)
	}
	return proof, err
}
