package proving

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/consensys/gnark/backend/groth16"
	"github.com/consensys/gnark/constraint"

	ledgertypes "github.com/slush-tree/slush/x/ledger/types"

	"github.com/slush-tree/slush/circuits/keys"
	"github.com/slush-tree/slush/circuits/ledger"
	"github.com/slush-tree/slush/circuits/prover"
	"github.com/slush-tree/slush/relayer/metrics"
	"github.com/slush-tree/slush/relayer/tree"
	bridgetypes "github.com/slush-tree/slush/x/bridge/types"
	validiumtypes "github.com/slush-tree/slush/x/validium/types"
)

// transferKeys is the file name (without .pk/.vk) of the transfer circuit's keys.
const transferKeys = "ledger-transfer"

// CompiledDir is the directory under keys_dir where the relayer caches its compiled circuits
// (keys.CompiledCache), so that a restart reads them back instead of compiling them again.
const CompiledDir = "compiled"

// Load reads ledger.pk/.vk (and ledger-transfer.pk/.vk and the step keys — leaf-step,
// leaf-forced-step, node-ledger-step, node-ledger-forced-step, node-ledger-exit-step,
// node-child-step and node-child-forced-step .pk/.vk: StepKeys — when present) and
// inclusion.pk/.vk/.depth from dir and compiles the circuits, or reads them back from
// dir/compiled when this build of the relayer compiled them before (keys.CompiledCache; each
// is checked against its circuit digest and then against its proving key's shape).
// The ledger shape is the one every non-root chain of t uses (they must agree: one key proves
// them all); the inclusion depth must be the one the root verifies.
func Load(ctx context.Context, dir string, t *tree.Tree, log *slog.Logger, m *metrics.Metrics) (*Prover, error) {
	p := &Prover{log: log, metrics: m}
	p.useCache(dir)
	shape, err := ledgerShape(t)
	if err != nil {
		return nil, err
	}
	if shape != nil {
		if err := p.loadLedger(dir, *shape); err != nil {
			return nil, err
		}
		if err := p.loadNodeSteps(ctx, dir, t, *shape); err != nil {
			return nil, err
		}
	}
	if err := p.loadInclusion(ctx, dir, t.Root()); err != nil {
		return nil, err
	}
	return p, nil
}

// useCache caches the compiled circuits and the decoded proving keys in keys_dir/compiled,
// the circuits under this build's identity (keys.BuildID: the relayer's executable).
func (p *Prover) useCache(dir string) {
	start := time.Now()
	build, err := keys.BuildID()
	if err != nil {
		p.log.Warn("circuits will be compiled and keys decoded at every start: no build id", "err", err)
		return
	}
	p.compiled = &keys.CompiledCache{Dir: filepath.Join(dir, CompiledDir), Build: build}
	p.rawKeys = &keys.RawKeyCache{Dir: filepath.Join(dir, CompiledDir)}
	p.log.Info("circuit and key cache", "dir", p.compiled.Dir, "build", build[:12], "seconds", time.Since(start).Seconds())
}

// ledgerShape is the ledger params every non-root chain that answered has (nil if none did).
func ledgerShape(t *tree.Tree) (*ledgertypes.Params, error) {
	var shape *ledgertypes.Params
	shapeOf := ""
	for _, name := range t.Names() {
		n := t.Node(name)
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
	return shape, nil
}

// loadLedger loads the ledger keys and compiles the ledger circuit of shape.
func (p *Prover) loadLedger(dir string, shape ledgertypes.Params) error {
	p.ledgerParams = shape
	t := time.Now()
	var err error
	if p.ledgerPK, p.ledgerVK, err = p.loadKeys(dir, "ledger", validiumtypes.UpdatePublicInputs); err != nil {
		return fmt.Errorf("ledger keys in %s: %w", dir, err)
	}
	if p.ledgerVKRaw, err = os.ReadFile(filepath.Join(dir, "ledger.vk")); err != nil {
		return err
	}
	var cached bool
	if p.ledgerCCS, cached, err = p.compile(fmt.Sprintf("ledger %+v", shape.Ledger()), func() (constraint.ConstraintSystem, error) {
		return ledger.Compile(shape.Ledger())
	}); err != nil {
		return err
	}
	if err := keys.CheckProvingKeyShape(p.ledgerCCS, p.ledgerPK); err != nil {
		return fmt.Errorf("ledger.pk does not match the chains' ledger params %+v: %w", shape, err)
	}
	p.log.Info("ledger circuit ready", "constraints", p.ledgerCCS.GetNbConstraints(), "cached", cached, "seconds", time.Since(t).Seconds())
	if err := p.loadTransfer(dir, shape); err != nil {
		return err
	}
	return p.loadLeafSteps(dir, shape)
}

// loadTransfer loads keys_dir/ledger-transfer.pk/.vk when present and compiles the transfer
// circuit (the ledger circuit of shape without claim sections); without them every batch is
// proven with the claim circuit.
func (p *Prover) loadTransfer(dir string, shape ledgertypes.Params) error {
	vkRaw, err := os.ReadFile(filepath.Join(dir, transferKeys+".vk"))
	if errors.Is(err, fs.ErrNotExist) {
		p.log.Info("no transfer circuit keys: every batch is proven with the claim circuit", "dir", dir)
		return nil
	}
	if err != nil {
		return err
	}
	t := time.Now()
	tc := &transferCircuit{vkRaw: vkRaw}
	if tc.pk, tc.vk, err = p.loadKeys(dir, transferKeys, validiumtypes.UpdatePublicInputs); err != nil {
		return fmt.Errorf("transfer keys in %s: %w", dir, err)
	}
	var cached bool
	if tc.ccs, cached, err = p.compile(fmt.Sprintf("ledger-transfer %+v", shape.Ledger().Transfer()), func() (constraint.ConstraintSystem, error) {
		return ledger.Compile(shape.Ledger().Transfer())
	}); err != nil {
		return err
	}
	if err := keys.CheckProvingKeyShape(tc.ccs, tc.pk); err != nil {
		return fmt.Errorf("%s.pk does not match the chains' ledger params %+v without claim sections: %w", transferKeys, shape, err)
	}
	p.transfer = tc
	p.log.Info("transfer circuit ready", "constraints", tc.ccs.GetNbConstraints(), "cached", cached, "seconds", time.Since(t).Seconds())
	return nil
}

// loadInclusion reads the inclusion depth, checks it against the root's, loads the inclusion
// keys and compiles the inclusion circuit.
func (p *Prover) loadInclusion(ctx context.Context, dir string, root *tree.Node) error {
	depthBz, err := os.ReadFile(filepath.Join(dir, "inclusion.depth"))
	if err != nil {
		return fmt.Errorf("inclusion depth: %w", err)
	}
	if p.inclDepth, err = strconv.Atoi(strings.TrimSpace(string(depthBz))); err != nil || p.inclDepth < 1 {
		return fmt.Errorf("inclusion.depth: %q", depthBz)
	}
	if ip, err := root.InclusionParams(ctx, 0); err == nil && ip.MaxDepth != 0 && int(ip.MaxDepth) != p.inclDepth {
		return fmt.Errorf("inclusion.depth %d, but the root verifies depth %d", p.inclDepth, ip.MaxDepth)
	}
	t := time.Now()
	if p.inclPK, p.inclVK, err = p.loadKeys(dir, "inclusion", bridgetypes.InclusionPublicInputs); err != nil {
		return fmt.Errorf("inclusion keys in %s: %w", dir, err)
	}
	var cached bool
	if p.inclCCS, cached, err = p.compile(fmt.Sprintf("inclusion depth %d", p.inclDepth), func() (constraint.ConstraintSystem, error) {
		return prover.CompileInclusion(p.inclDepth)
	}); err != nil {
		return err
	}
	if err := keys.CheckProvingKeyShape(p.inclCCS, p.inclPK); err != nil {
		return fmt.Errorf("inclusion.pk does not match depth %d: %w", p.inclDepth, err)
	}
	p.log.Info("inclusion circuit ready", "constraints", p.inclCCS.GetNbConstraints(), "cached", cached, "seconds", time.Since(t).Seconds())
	return nil
}

// compile returns the circuit name (its parameters in the name) from the compiled-circuit
// cache when this build cached it, else compiles it (and caches it); cached says which.
func (p *Prover) compile(name string, compile func() (constraint.ConstraintSystem, error)) (ccs constraint.ConstraintSystem, cached bool, err error) {
	if p.compiled == nil {
		ccs, err = compile()
		return ccs, false, err
	}
	ccs, res, err := p.compiled.Compile(name, compile)
	if err != nil {
		return nil, false, err
	}
	if res.Refused != nil {
		p.log.Warn("cached circuit refused, compiled again", "circuit", name, "err", res.Refused)
	}
	if res.NotCached != nil {
		p.log.Warn("compiled circuit not cached", "circuit", name, "err", res.NotCached)
	}
	return ccs, res.Hit, nil
}

// loadKeys reads dir/name.pk and .vk (keys.LoadKeys), the proving key from its raw form in
// keys_dir/compiled when it was decoded before (keys.RawKeyCache).
func (p *Prover) loadKeys(dir, name string, publicInputs int) (groth16.ProvingKey, groth16.VerifyingKey, error) {
	if p.rawKeys == nil {
		return keys.LoadKeys(dir, name, publicInputs)
	}
	t := time.Now()
	pk, vk, res, err := p.rawKeys.LoadKeys(dir, name, publicInputs)
	if err != nil {
		return nil, nil, err
	}
	p.logKeyLoad(name, res, t)
	return pk, vk, nil
}

// readProvingKey reads the compressed proving key dir/name.pk alone (its verifying key is
// checked by the caller), from its raw form in keys_dir/compiled when it was decoded before.
func (p *Prover) readProvingKey(dir, name string) (groth16.ProvingKey, error) {
	path := filepath.Join(dir, name+".pk")
	if p.rawKeys == nil {
		f, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		return keys.ReadProvingKey(f)
	}
	t := time.Now()
	pk, res, err := p.rawKeys.ReadProvingKey(path)
	if err != nil {
		return nil, err
	}
	p.logKeyLoad(name, res, t)
	return pk, nil
}

// logKeyLoad says where a proving key came from and how long it took.
func (p *Prover) logKeyLoad(name string, res keys.RawKeyResult, start time.Time) {
	if res.Refused != nil {
		p.log.Warn("cached proving key refused, decoded again", "key", name, "err", res.Refused)
	}
	if res.NotCached != nil {
		p.log.Warn("decoded proving key not cached", "key", name, "err", res.NotCached)
	}
	p.log.Info("proving key loaded", "key", name, "cached", res.Hit, "seconds", time.Since(start).Seconds())
}
