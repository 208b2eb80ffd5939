package proving

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"time"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark/backend/groth16"
	"github.com/consensys/gnark/constraint"

	"github.com/slush-tree/slush/circuits/keys"
	"github.com/slush-tree/slush/circuits/ledger"
	"github.com/slush-tree/slush/circuits/prover"
	"github.com/slush-tree/slush/circuits/recursion"
	"github.com/slush-tree/slush/circuits/subtree"
	ledgertypes "github.com/slush-tree/slush/x/ledger/types"
)

// leafStepCircuit is a subtree leaf step variant (issue 16) around the ledger key: what the
// relayer proves for a RECURSIVE parent, for every batch of that parent's children's children.
type leafStepCircuit struct {
	step  *stepCircuit[subtree.StepProver] // resident for kind 1/2, loaded on demand for kind 9
	vk    groth16.VerifyingKey
	vkRaw []byte
}

// loadLeafSteps reads keys_dir/leaf-step.pk/.vk and leaf-forced-step.pk/.vk when present and
// compiles each variant around the ledger verifying key (the inner key is part of the circuit,
// so the compiled circuit is cached under its digest); without the first the relayer proves no
// steps and refuses, before proving, updates a RECURSIVE parent would refuse for their missing
// steps; without the second, a grandchild batch that consumed forced deposits. The forced
// variant is loaded on demand (stepCircuit).
func (p *Prover) loadLeafSteps(dir string, shape ledgertypes.Params) error {
	var err error
	if p.leafStep, err = p.loadLeafStep(dir, leafStepKeys, shape, false, subtree.CompileLeafStep); err != nil || p.leafStep == nil {
		return err
	}
	p.leafForced, err = p.loadLeafStep(dir, leafForcedStepKeys, shape, true, subtree.CompileLeafForcedStep)
	return err
}

// loadLeafStep loads one leaf step variant from keys_dir/name.pk/.vk (nil without them), kept
// resident or loaded on demand.
func (p *Prover) loadLeafStep(dir, name string, shape ledgertypes.Params, onDemand bool,
	compile func(groth16.VerifyingKey, ledger.Params) (constraint.ConstraintSystem, recursion.FixedKey, error),
) (*leafStepCircuit, error) {
	vkRaw, err := os.ReadFile(filepath.Join(dir, name+".vk"))
	if errors.Is(err, fs.ErrNotExist) {
		p.log.Info("no "+name+" keys: its steps are not proven (a RECURSIVE parent refuses the grandchild moves they cover)", "dir", dir)
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	t := time.Now()
	vk, err := keys.CheckCommittedVerifyingKey(vkRaw, 1)
	if err != nil {
		return nil, fmt.Errorf("%s.vk: %w", name, err)
	}
	key, err := recursion.NewFixedKey(p.ledgerVK)
	if err != nil {
		return nil, err
	}
	ledgerVK, params := p.ledgerVK, shape.Ledger()
	id := fmt.Sprintf("%s %+v inner %x", name, params, sha256.Sum256(p.ledgerVKRaw))
	step, stats, err := newStepCircuit(p, name, filepath.Join(dir, name+".pk"), onDemand, func() (subtree.StepProver, loadStats, error) {
		ccs, pk, stats, err := p.loadStepKeys(dir, name, id, fmt.Sprintf("the %s around keys_dir/ledger.vk at %+v", name, shape),
			func() (constraint.ConstraintSystem, error) {
				ccs, _, err := compile(ledgerVK, params)
				return ccs, err
			})
		return subtree.StepProver{CCS: ccs, PK: pk, Key: key, Params: params}, stats, err
	})
	if err != nil {
		return nil, err
	}
	p.log.Info(name+" circuit ready", "constraints", stats.constraints, "cached", stats.cached, "on_demand", onDemand, "seconds", time.Since(t).Seconds())
	return &leafStepCircuit{step: step, vk: vk, vkRaw: vkRaw}, nil
}

// LeafStepVK is keys_dir/leaf-step.vk as written (nil without it): a RECURSIVE parent's
// leaf_step_key must be exactly these bytes.
func (p *Prover) LeafStepVK() []byte { return p.leafStep.rawKey() }

// LeafForcedStepVK is keys_dir/leaf-forced-step.vk as written (nil without it): a RECURSIVE
// parent's leaf_forced_step_key must be exactly these bytes.
func (p *Prover) LeafForcedStepVK() []byte { return p.leafForced.rawKey() }

// rawKey is the variant's verifying key bytes, nil when it was not loaded.
func (c *leafStepCircuit) rawKey() []byte {
	if c == nil {
		return nil
	}
	return c.vkRaw
}

// ProveLeafStep proves one leaf step — a forced one (kind 9) when w opens deposits — and
// verifies the proof natively before it is sent (kind 9's circuit loaded for the proof and
// released after it: stepCircuit). The log line and the metrics carry its time and the process's
// peak memory (a step is the relayer's heaviest proof: about 2.5 GiB at 2^20 constraints).
func (p *Prover) ProveLeafStep(w subtree.LeafStepWitness, attrs ...any) ([]byte, subtree.StepPublic, error) {
	c, kind := p.leafStep, uint64(subtree.KindLeaf)
	if len(w.Deposits) > 0 {
		c, kind = p.leafForced, subtree.KindLeafForced
	}
	if c == nil || c.step == nil {
		return nil, subtree.StepPublic{}, fmt.Errorf("no %s keys in keys_dir", StepKeys(kind))
	}
	proof, pub, start, err := proveOn(c.step, func(sp subtree.StepProver) ([]byte, subtree.StepPublic, error) { return sp.Prove(w) })
	return p.checkStep(StepKeys(kind), c.vk, start, proof, pub, err, attrs)
}

// checkStep verifies a step proof of a kind natively, logs it with its time and the process's
// peak memory and records both in the metrics; a failed proof is logged and returned as an
// error.
func (p *Prover) checkStep(kind string, vk groth16.VerifyingKey, start time.Time, proof []byte, pub subtree.StepPublic, err error, attrs []any,
) ([]byte, subtree.StepPublic, error) {
	if err == nil {
		err = prover.VerifyProof(vk, proof, []fr.Element{pub.Statement()})
	}
	d, peak := time.Since(start), peakRSS()
	if err != nil {
		p.log.Warn("proof failed", append([]any{"kind", kind, "seconds", d.Seconds(), "err", err}, attrs...)...)
		return nil, subtree.StepPublic{}, err
	}
	p.metrics.ObserveProof(kind, d)
	p.metrics.ObservePeakRSS(kind, peak)
	p.log.Info("proof", append([]any{"kind", kind, "seconds", fmt.Sprintf("%.2f", d.Seconds()), "peak_rss_mib", peak >> 20}, attrs...)...)
	return proof, pub, nil
}

// peakRSS is the process's peak resident memory in bytes (getrusage: Linux reports KiB), 0 when
// unknown.
func peakRSS() uint64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil || ru.Maxrss < 0 {
		return 0
	}
	return uint64(ru.Maxrss) << 10
}
