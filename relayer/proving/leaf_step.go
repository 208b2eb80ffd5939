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
	"github.com/slush-tree/slush/circuits/prover"
	"github.com/slush-tree/slush/circuits/recursion"
	"github.com/slush-tree/slush/circuits/subtree"
	ledgertypes "github.com/slush-tree/slush/x/ledger/types"
)

// leafStepKeys is the file name (without .pk/.vk) of the leaf step's keys
// (`slushchaind circuits setup --circuit leaf-step --inner-key ledger.vk`).
const leafStepKeys = "leaf-step"

// leafStepCircuit is the subtree leaf step (issue 16) around the ledger key: what the relayer
// proves for a RECURSIVE parent, for every batch of that parent's children's children.
type leafStepCircuit struct {
	step  subtree.StepProver
	vk    groth16.VerifyingKey
	vkRaw []byte
}

// loadLeafStep reads keys_dir/leaf-step.pk/.vk when present and compiles the leaf step around
// the ledger verifying key (the inner key is part of the circuit, so the compiled circuit is
// cached under its digest); without them the relayer proves no steps and refuses, before
// proving, updates a RECURSIVE parent would refuse for their missing steps.
func (p *Prover) loadLeafStep(dir string, shape ledgertypes.Params) error {
	vkRaw, err := os.ReadFile(filepath.Join(dir, leafStepKeys+".vk"))
	if errors.Is(err, fs.ErrNotExist) {
		p.log.Info("no leaf step keys: no subtree step is proven (RECURSIVE parents' children cannot move their children roots)", "dir", dir)
		return nil
	}
	if err != nil {
		return err
	}
	t := time.Now()
	vk, err := keys.CheckCommittedVerifyingKey(vkRaw, 1)
	if err != nil {
		return fmt.Errorf("%s.vk: %w", leafStepKeys, err)
	}
	key, err := recursion.NewFixedKey(p.ledgerVK)
	if err != nil {
		return err
	}
	name := fmt.Sprintf("leaf-step %+v inner %x", shape.Ledger(), sha256.Sum256(p.ledgerVKRaw))
	ccs, cached, err := p.compile(name, func() (constraint.ConstraintSystem, error) {
		ccs, _, err := subtree.CompileLeafStep(p.ledgerVK, shape.Ledger())
		return ccs, err
	})
	if err != nil {
		return err
	}
	pk, err := p.readProvingKey(dir, leafStepKeys) // raw after the first start: ~2 min less per restart
	if err != nil {
		return fmt.Errorf("%s.pk: %w", leafStepKeys, err)
	}
	if err := keys.CheckProvingKeyShape(ccs, pk); err != nil {
		return fmt.Errorf("%s.pk is not the leaf step around keys_dir/ledger.vk at %+v: %w", leafStepKeys, shape, err)
	}
	p.leafStep = &leafStepCircuit{step: subtree.StepProver{CCS: ccs, PK: pk, Key: key, Params: shape.Ledger()}, vk: vk, vkRaw: vkRaw}
	p.log.Info("leaf step circuit ready", "constraints", ccs.GetNbConstraints(), "cached", cached, "seconds", time.Since(t).Seconds())
	return nil
}

// LeafStepVK is keys_dir/leaf-step.vk as written (nil without it): a RECURSIVE parent's
// leaf_step_key must be exactly these bytes.
func (p *Prover) LeafStepVK() []byte {
	if p.leafStep == nil {
		return nil
	}
	return p.leafStep.vkRaw
}

// ProveLeafStep proves one leaf step and verifies the proof natively before it is sent. The log
// line and the metrics carry its time and the process's peak memory (a step is the relayer's
// heaviest proof: about 2.5 GiB at 2^20 constraints).
func (p *Prover) ProveLeafStep(w subtree.LeafStepWitness, attrs ...any) ([]byte, subtree.StepPublic, error) {
	if p.leafStep == nil {
		return nil, subtree.StepPublic{}, errors.New("no leaf step keys in keys_dir")
	}
	start := time.Now()
	proof, pub, err := p.leafStep.step.Prove(w)
	return p.checkStep("leaf-step", p.leafStep.vk, start, proof, pub, err, attrs)
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
