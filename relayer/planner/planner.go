// Package planner decides what the relayer submits, from chain state read in the same round:
// parent syncs, child updates (each proving one ledger batch), and the messages' routes,
// claims, confirmations and forced operations. Every planned transaction has an on-chain guard
// that a second submission hits, so a plan is never wrong for long, only late.
package planner

import (
	"log/slog"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/slush-tree/slush/relayer/chainclient"
	"github.com/slush-tree/slush/relayer/proving"
	"github.com/slush-tree/slush/relayer/tree"
)

// Job is one transaction to submit.
type Job struct {
	// Node is the chain the transaction goes to.
	Node *tree.Node
	// Task is the backoff key and log label ("update 1-2", "claim 2 <hash>").
	Task string
	// Kind is the message kind (metrics).
	Kind string
	// Gas is the gas limit when the node cannot simulate (0: the configured one).
	Gas uint64
	// Msgs are the transaction's messages.
	Msgs []sdk.Msg
	// Done is called once the transaction succeeded.
	Done func(*chainclient.TxResult)
}

// Tasks is the per-task backoff the planners consult for each message they plan (the
// scheduler keeps it): a task that failed waits before it is planned again.
type Tasks interface {
	// Ready tells whether the task may run now.
	Ready(key string) bool
	// Succeed forgets the task's failures.
	Succeed(key string)
	// Fail records a failure of the task (task and chain label the log line and the metric).
	Fail(key, task, chain string, err error)
}

// Planner plans the transactions of every task over one tree.
type Planner struct {
	tree     *tree.Tree
	prover   *proving.Prover
	tasks    Tasks
	gasLimit uint64
	noClaims bool
	// stepAnchorInterval is how many root heights an update that only moves the anchor waits
	// when a step must prove it (config step_anchor_interval).
	stepAnchorInterval uint64
	// steps proves leaf steps in the background (RunStepProver) and keeps their proofs.
	steps *stepQueue
	log   *slog.Logger
}

// New plans over t, proving with p; gasLimit is the configured base gas limit; noClaims leaves
// claims and confirmations to nobody (config no_claims); stepAnchorInterval spaces the
// anchor-only updates that a RECURSIVE grandparent's step must prove (config step_anchor_interval).
func New(t *tree.Tree, p *proving.Prover, tasks Tasks, gasLimit uint64, noClaims bool, stepAnchorInterval uint64, log *slog.Logger) *Planner {
	return &Planner{tree: t, prover: p, tasks: tasks, gasLimit: gasLimit, noClaims: noClaims, stepAnchorInterval: stepAnchorInterval,
		steps: newStepQueue(), log: log}
}
