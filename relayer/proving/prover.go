// Package proving is the relayer's prover: the ledger batch and inclusion circuits compiled
// once at start from keys_dir, and every proof verified before it is sent, timed in the log
// and the metrics.
package proving

import (
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/slush-tree/slush/circuits/keys"

	ledgertypes "github.com/slush-tree/slush/x/ledger/types"

	"github.com/consensys/gnark/backend/groth16"
	"github.com/consensys/gnark/constraint"

	"github.com/slush-tree/slush/circuits/inclusion"
	"github.com/slush-tree/slush/circuits/ledger"
	"github.com/slush-tree/slush/circuits/prover"
	"github.com/slush-tree/slush/relayer/metrics"
)

// transferCircuit is the ledger circuit without claim sections (issue 15), which proves the
// batches that claim nothing faster than the claim circuit.
type transferCircuit struct {
	ccs   constraint.ConstraintSystem
	pk    groth16.ProvingKey
	vk    groth16.VerifyingKey
	vkRaw []byte
}

// Prover proves with the circuits the relayer compiled at start.
type Prover struct {
	ledgerParams ledgertypes.Params
	ledgerCCS    constraint.ConstraintSystem
	ledgerPK     groth16.ProvingKey
	ledgerVK     groth16.VerifyingKey
	ledgerVKRaw  []byte
	transfer     *transferCircuit // nil without keys_dir/ledger-transfer.*
	leafStep     *leafStepCircuit // nil without keys_dir/leaf-step.*
	leafForced   *leafStepCircuit // nil without keys_dir/leaf-forced-step.*
	nodeSteps    *nodeSteps       // nil without keys_dir/node-*-step.*
	inclDepth    int
	inclCCS      constraint.ConstraintSystem
	inclPK       groth16.ProvingKey
	inclVK       groth16.VerifyingKey
	// compiled caches the compiled circuits in keys_dir/compiled (nil: compile every time).
	compiled *keys.CompiledCache
	// rawKeys caches the decoded proving keys in keys_dir/compiled (nil: decode every time).
	rawKeys *keys.RawKeyCache
	// onDemand is held while a step circuit loaded on demand (the forced and exit kinds:
	// stepCircuit) is in memory: one at a time.
	onDemand sync.Mutex

	log     *slog.Logger
	metrics *metrics.Metrics
}

// HasLedger tells whether a ledger circuit was compiled (some served chain has a parent).
func (p *Prover) HasLedger() bool { return p.ledgerCCS != nil }

// LedgerParams is the ledger shape the ledger proving key proves.
func (p *Prover) LedgerParams() ledgertypes.Params { return p.ledgerParams }

// LedgerVK is keys_dir/ledger.vk as written: the verifying key children register.
func (p *Prover) LedgerVK() []byte { return p.ledgerVKRaw }

// TransferVK is keys_dir/ledger-transfer.vk as written (nil without it): the transfer circuit's
// verifying key children register with --transfer-verifying-key.
func (p *Prover) TransferVK() []byte {
	if p.transfer == nil {
		return nil
	}
	return p.transfer.vkRaw
}

// InclusionDepth is the deepest path the inclusion circuit proves.
func (p *Prover) InclusionDepth() int { return p.inclDepth }

// ProveBatch proves a ledger batch and verifies the proof. With transfer set and no claim in
// the batch it proves with the transfer circuit (the caller checked the child registered its
// key); it returns whether it did.
func (p *Prover) ProveBatch(w ledger.Witness, transfer bool, attrs ...any) ([]byte, bool, error) {
	ccs, pk, vk, kind := p.ledgerCCS, p.ledgerPK, p.ledgerVK, "ledger"
	transfer = transfer && p.transfer != nil && len(w.Claims) == 0
	if transfer {
		w.Params = w.Params.Transfer()
		ccs, pk, vk, kind = p.transfer.ccs, p.transfer.pk, p.transfer.vk, "ledger-transfer"
	}
	done := p.timer(kind, attrs...)
	proof, pub, err := ledger.ProveBatch(ccs, pk, w)
	if err == nil {
		err = ledger.VerifyBatch(vk, proof, pub)
	}
	done(err)
	return proof, transfer, err
}

// ProveInclusion checks and proves an inclusion witness, verifying the proof before it is sent.
func (p *Prover) ProveInclusion(w inclusion.Witness, kind string, attrs ...any) ([]byte, error) {
	if err := w.Check(p.inclDepth); err != nil {
		return nil, err
	}
	done := p.timer(kind, append(attrs, "hops", len(w.Hops))...)
	proof, st, err := prover.ProveInclusion(p.inclCCS, p.inclPK, p.inclDepth, w)
	if err == nil {
		err = prover.VerifyInclusion(p.inclVK, proof, st)
	}
	done(err)
	return proof, err
}

// timer measures one proof for the log and the metrics.
func (p *Prover) timer(kind string, attrs ...any) func(err error) {
	start := time.Now()
	return func(err error) {
		d := time.Since(start)
		if err != nil {
			p.log.Warn("proof failed", append([]any{"kind", kind, "seconds", d.Seconds(), "err", err}, attrs...)...)
			return
		}
		p.metrics.ObserveProof(kind, d)
		p.log.Info("proof", append([]any{"kind", kind, "seconds", fmt.Sprintf("%.2f", d.Seconds())}, attrs...)...)
	}
}
