package proving

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark/backend/groth16"
	"github.com/consensys/gnark/constraint"

	"github.com/slush-tree/slush/circuits/keys"
	"github.com/slush-tree/slush/circuits/ledger"
	"github.com/slush-tree/slush/circuits/prover"
	"github.com/slush-tree/slush/circuits/recursion"
	"github.com/slush-tree/slush/circuits/subtree"
	"github.com/slush-tree/slush/relayer/tree"
	acceptancetypes "github.com/slush-tree/slush/x/acceptance/types"
	ledgertypes "github.com/slush-tree/slush/x/ledger/types"
)

// nodeStepCircuit is a node step's verifying key (its proving key is in its stepCircuit).
type nodeStepCircuit struct {
	vk    groth16.VerifyingKey
	vkRaw []byte
}

// nodeSteps are the node step circuits (issue 16): what the relayer proves for a RECURSIVE
// parent when a grandchild has children of its own.
type nodeSteps struct {
	shape        subtree.NodeShape
	ledger       *nodeStepCircuit // nil without keys_dir/node-ledger-step.*
	ledgerForced *nodeStepCircuit // nil without keys_dir/node-ledger-forced-step.*
	ledgerExit   *nodeStepCircuit // nil without keys_dir/node-ledger-exit-step.*
	child        *nodeStepCircuit // nil without keys_dir/node-child-step.*
	childForced  *nodeStepCircuit // nil without keys_dir/node-child-forced-step.*
	// the provers, resident for the plain kinds (3, 4) and loaded on demand for the forced ones
	// (10, 11) and the exit one (12), nil with their keys
	ledgerProver *stepCircuit[subtree.NodeLedgerStepProver]
	forcedProver *stepCircuit[subtree.NodeLedgerStepProver]
	exitProver   *stepCircuit[subtree.NodeLedgerStepProver]
	childProver  *stepCircuit[subtree.NodeChildStepProver]
	// childForcedProver proves the forced node child steps, whose outbox growth paths have
	// outboxDepth siblings (the ledger shape's outbox depth).
	childForcedProver *stepCircuit[subtree.NodeChildStepProver]
	outboxDepth       int
}

// NodeShape is the tree's node shape the node steps were compiled for (read from the chains).
func NodeShape(ctx context.Context, t *tree.Tree) (subtree.NodeShape, error) {
	var shape *subtree.NodeShape
	shapeOf := ""
	for _, name := range t.Names() {
		n := t.Node(name)
		if n.Parent == nil {
			continue
		}
		s, err := nodeShapeOf(ctx, n)
		if err != nil {
			return subtree.NodeShape{}, fmt.Errorf("%s's node shape: %w", name, err)
		}
		if shape != nil && *shape != s {
			return subtree.NodeShape{}, fmt.Errorf("chain %s has node shape %+v, chain %s %+v: one node step key cannot prove both", name, s, shapeOf, *shape)
		}
		shape, shapeOf = &s, name
	}
	if shape == nil {
		return subtree.NodeShape{}, errors.New("no chain below the root: no node shape")
	}
	return *shape, nil
}

// nodeShapeOf is a chain's node shape as its x/acceptance bounds its report: its tree identity's
// max_children and min(max_histogram_buckets, max_depth + 2) buckets.
func nodeShapeOf(ctx context.Context, n *tree.Node) (subtree.NodeShape, error) {
	id, err := n.TreeIdentity(ctx, 0)
	if err != nil {
		return subtree.NodeShape{}, err
	}
	params, err := n.AcceptanceParams(ctx, 0)
	if err != nil {
		return subtree.NodeShape{}, err
	}
	s := subtree.NodeShape{
		MaxChildren: int(id.MaxChildren),
		MaxBuckets:  acceptancetypes.ShapeOf(id).MaxReportBuckets(params.MaxHistogramBuckets),
	}
	return s, s.Validate()
}

// loadNodeSteps reads keys_dir/node-ledger-step.pk/.vk, node-ledger-forced-step.pk/.vk,
// node-ledger-exit-step.pk/.vk, node-child-step.pk/.vk and node-child-forced-step.pk/.vk when
// present and compiles them for the tree's node shape (read from the chains only then); the node
// child step needs the leaf step's keys (its inner key), the forced node child step the forced
// leaf step's. Without them the relayer refuses, before proving, the updates whose grandchildren
// have children (or, without the forced ones, whose batches minted forced deposits, or that
// carried a forced leaf step of their own child; without the exit one, whose batches credited
// exits). The forced and exit ones are loaded on demand (stepCircuit).
func (p *Prover) loadNodeSteps(ctx context.Context, dir string, t *tree.Tree, shape ledgertypes.Params) error {
	ledgerVK, err := readOptional(dir, nodeLedgerStepKeys)
	if err != nil {
		return err
	}
	childVK, err := readOptional(dir, nodeChildStepKeys)
	if err != nil {
		return err
	}
	childForcedVK, err := readOptional(dir, nodeChildForcedStepKeys)
	if err != nil {
		return err
	}
	if ledgerVK == nil && childVK == nil && childForcedVK == nil {
		p.log.Info("no node step keys: grandchildren that have children cannot be proven", "dir", dir)
		return nil
	}
	if childVK != nil && p.leafStep == nil {
		return fmt.Errorf("%s.vk without %s.vk: a node child step verifies leaf steps", nodeChildStepKeys, leafStepKeys)
	}
	if childForcedVK != nil && p.leafForced == nil {
		return fmt.Errorf("%s.vk without %s.vk: a forced node child step verifies forced leaf steps", nodeChildForcedStepKeys, leafForcedStepKeys)
	}
	node, err := NodeShape(ctx, t)
	if err != nil {
		return err
	}
	p.nodeSteps = &nodeSteps{shape: node}
	if ledgerVK != nil {
		if err := p.loadNodeLedgerStep(dir, ledgerVK, shape, node); err != nil {
			return err
		}
	}
	forcedVK, err := readOptional(dir, nodeLedgerForcedStepKeys)
	if err != nil {
		return err
	}
	if forcedVK != nil {
		if err := p.loadNodeLedgerForcedStep(dir, forcedVK, shape, node); err != nil {
			return err
		}
	}
	exitVK, err := readOptional(dir, nodeLedgerExitStepKeys)
	if err != nil {
		return err
	}
	if exitVK != nil {
		if err := p.loadNodeLedgerExitStep(dir, exitVK, shape, node); err != nil {
			return err
		}
	}
	if childVK != nil {
		if err := p.loadNodeChildStep(dir, childVK, node); err != nil {
			return err
		}
	}
	if childForcedVK != nil {
		return p.loadNodeChildForcedStep(dir, childForcedVK, shape, node)
	}
	return nil
}

// readOptional reads dir/name.vk, nil when absent.
func readOptional(dir, name string) ([]byte, error) {
	raw, err := os.ReadFile(filepath.Join(dir, name+".vk"))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	return raw, err
}

// loadNodeLedgerStep compiles the node ledger step around the ledger verifying key and loads its
// keys.
func (p *Prover) loadNodeLedgerStep(dir string, vkRaw []byte, shape ledgertypes.Params, node subtree.NodeShape) error {
	c, sp, err := p.loadNodeLedgerVariant(dir, nodeLedgerStepKeys, vkRaw, shape, node, false, subtree.CompileNodeLedgerStep)
	p.nodeSteps.ledger, p.nodeSteps.ledgerProver = c, sp
	return err
}

// loadNodeLedgerForcedStep compiles the forced node ledger step (kind 10) around the ledger
// verifying key and loads its keys, on demand.
func (p *Prover) loadNodeLedgerForcedStep(dir string, vkRaw []byte, shape ledgertypes.Params, node subtree.NodeShape) error {
	c, sp, err := p.loadNodeLedgerVariant(dir, nodeLedgerForcedStepKeys, vkRaw, shape, node, true, subtree.CompileNodeLedgerForcedStep)
	p.nodeSteps.ledgerForced, p.nodeSteps.forcedProver = c, sp
	return err
}

// loadNodeLedgerExitStep compiles the exit node ledger step (kind 12) around the ledger verifying
// key and loads its keys, on demand.
func (p *Prover) loadNodeLedgerExitStep(dir string, vkRaw []byte, shape ledgertypes.Params, node subtree.NodeShape) error {
	c, sp, err := p.loadNodeLedgerVariant(dir, nodeLedgerExitStepKeys, vkRaw, shape, node, true, subtree.CompileNodeLedgerExitStep)
	p.nodeSteps.ledgerExit, p.nodeSteps.exitProver = c, sp
	return err
}

// loadNodeLedgerVariant compiles a node ledger step variant (compile) around the ledger verifying
// key and loads its keys from keys_dir/file (resident, or on demand).
func (p *Prover) loadNodeLedgerVariant(dir, file string, vkRaw []byte, shape ledgertypes.Params, node subtree.NodeShape, onDemand bool,
	compile func(groth16.VerifyingKey, ledger.Params, subtree.NodeShape) (constraint.ConstraintSystem, recursion.FixedKey, error),
) (*nodeStepCircuit, *stepCircuit[subtree.NodeLedgerStepProver], error) {
	key, err := recursion.NewFixedKey(p.ledgerVK)
	if err != nil {
		return nil, nil, err
	}
	ledgerVK, params := p.ledgerVK, shape.Ledger()
	name := fmt.Sprintf("%s %+v %+v inner %x", file, params, node, sha256.Sum256(p.ledgerVKRaw))
	return loadNodeStep(p, dir, file, name, vkRaw, onDemand, func() (constraint.ConstraintSystem, error) {
		ccs, _, err := compile(ledgerVK, params, node)
		return ccs, err
	}, func(ccs constraint.ConstraintSystem, pk groth16.ProvingKey) subtree.NodeLedgerStepProver {
		return subtree.NodeLedgerStepProver{CCS: ccs, PK: pk, Key: key, Params: params, Shape: node}
	})
}

// loadNodeChildStep compiles the node child step around the leaf step verifying key (which
// must be loaded) and loads its keys.
func (p *Prover) loadNodeChildStep(dir string, vkRaw []byte, node subtree.NodeShape) error {
	c, sp, err := p.loadNodeChildVariant(dir, nodeChildStepKeys, vkRaw, node, fmt.Sprintf("%+v", node), p.leafStep, false,
		func(inner groth16.VerifyingKey) (constraint.ConstraintSystem, recursion.FixedKey, error) {
			return subtree.CompileNodeChildStep(inner, node)
		})
	p.nodeSteps.child, p.nodeSteps.childProver = c, sp
	return err
}

// loadNodeChildForcedStep compiles the forced node child step (kind 11) around the forced leaf
// step verifying key (which must be loaded), with outbox growth paths of the ledger shape's outbox
// depth, and loads its keys, on demand.
func (p *Prover) loadNodeChildForcedStep(dir string, vkRaw []byte, shape ledgertypes.Params, node subtree.NodeShape) error {
	depth := shape.Ledger().OutboxDepth
	c, sp, err := p.loadNodeChildVariant(dir, nodeChildForcedStepKeys, vkRaw, node, fmt.Sprintf("%+v outbox depth %d", node, depth), p.leafForced, true,
		func(inner groth16.VerifyingKey) (constraint.ConstraintSystem, recursion.FixedKey, error) {
			return subtree.CompileNodeChildForcedStep(inner, node, depth)
		})
	p.nodeSteps.childForced, p.nodeSteps.childForcedProver, p.nodeSteps.outboxDepth = c, sp, depth
	return err
}

// loadNodeChildVariant compiles a node child step variant (compile) around the verifying key of
// inner, the leaf step variant whose proofs it verifies (which must be loaded), and loads its
// keys from keys_dir/file (resident, or on demand); params describes the circuit's parameters
// besides its inner key (the compiled circuit's cache name).
func (p *Prover) loadNodeChildVariant(dir, file string, vkRaw []byte, node subtree.NodeShape, params string, inner *leafStepCircuit, onDemand bool,
	compile func(groth16.VerifyingKey) (constraint.ConstraintSystem, recursion.FixedKey, error),
) (*nodeStepCircuit, *stepCircuit[subtree.NodeChildStepProver], error) {
	key, err := recursion.NewFixedKey(inner.vk)
	if err != nil {
		return nil, nil, err
	}
	innerVK := inner.vk
	name := fmt.Sprintf("%s %s inner %x", file, params, sha256.Sum256(inner.vkRaw))
	return loadNodeStep(p, dir, file, name, vkRaw, onDemand, func() (constraint.ConstraintSystem, error) {
		ccs, _, err := compile(innerVK)
		return ccs, err
	}, func(ccs constraint.ConstraintSystem, pk groth16.ProvingKey) subtree.NodeChildStepProver {
		return subtree.NodeChildStepProver{CCS: ccs, PK: pk, Key: key, Shape: node}
	})
}

// loadNodeStep checks a node step's verifying key (one public input, one commitment), then
// compiles the circuit (cached under name, which holds its parameters) and reads its proving key,
// checked against the circuit's shape, into the prover newProver makes of them: kept resident, or
// released and loaded again for each proof (onDemand).
func loadNodeStep[P any](p *Prover, dir, file, name string, vkRaw []byte, onDemand bool, compile func() (constraint.ConstraintSystem, error),
	newProver func(constraint.ConstraintSystem, groth16.ProvingKey) P,
) (*nodeStepCircuit, *stepCircuit[P], error) {
	t := time.Now()
	vk, err := keys.CheckCommittedVerifyingKey(vkRaw, 1)
	if err != nil {
		return nil, nil, fmt.Errorf("%s.vk: %w", file, err)
	}
	sc, stats, err := newStepCircuit(p, file, filepath.Join(dir, file+".pk"), onDemand, func() (P, loadStats, error) {
		ccs, pk, stats, err := p.loadStepKeys(dir, file, name, fmt.Sprintf("the %s circuit of this tree (inner key, ledger and node shape)", file), compile)
		if err != nil {
			var none P
			return none, stats, err
		}
		return newProver(ccs, pk), stats, nil
	})
	if err != nil {
		return nil, nil, err
	}
	p.log.Info("node step circuit ready", "circuit", file, "constraints", stats.constraints, "cached", stats.cached, "on_demand", onDemand,
		"seconds", time.Since(t).Seconds())
	return &nodeStepCircuit{vk: vk, vkRaw: vkRaw}, sc, nil
}

// NodeLedgerStepVK is keys_dir/node-ledger-step.vk as written (nil without it): a RECURSIVE
// parent's node_ledger_step_key must be exactly these bytes.
func (p *Prover) NodeLedgerStepVK() []byte {
	if p.nodeSteps == nil || p.nodeSteps.ledger == nil {
		return nil
	}
	return p.nodeSteps.ledger.vkRaw
}

// NodeLedgerForcedStepVK is keys_dir/node-ledger-forced-step.vk as written (nil without it): a
// RECURSIVE parent's node_ledger_forced_step_key must be exactly these bytes.
func (p *Prover) NodeLedgerForcedStepVK() []byte {
	if p.nodeSteps == nil || p.nodeSteps.ledgerForced == nil {
		return nil
	}
	return p.nodeSteps.ledgerForced.vkRaw
}

// NodeLedgerExitStepVK is keys_dir/node-ledger-exit-step.vk as written (nil without it): a
// RECURSIVE parent's node_ledger_exit_step_key must be exactly these bytes.
func (p *Prover) NodeLedgerExitStepVK() []byte {
	if p.nodeSteps == nil || p.nodeSteps.ledgerExit == nil {
		return nil
	}
	return p.nodeSteps.ledgerExit.vkRaw
}

// NodeChildStepVK is keys_dir/node-child-step.vk as written (nil without it): a RECURSIVE
// parent's node_child_step_key must be exactly these bytes.
func (p *Prover) NodeChildStepVK() []byte {
	if p.nodeSteps == nil || p.nodeSteps.child == nil {
		return nil
	}
	return p.nodeSteps.child.vkRaw
}

// NodeChildForcedStepVK is keys_dir/node-child-forced-step.vk as written (nil without it): a
// RECURSIVE parent's node_child_forced_step_key must be exactly these bytes.
func (p *Prover) NodeChildForcedStepVK() []byte {
	if p.nodeSteps == nil || p.nodeSteps.childForced == nil {
		return nil
	}
	return p.nodeSteps.childForced.vkRaw
}

// NodeStepShape is the node shape the node steps were compiled for (zero without node keys).
func (p *Prover) NodeStepShape() subtree.NodeShape {
	if p.nodeSteps == nil {
		return subtree.NodeShape{}
	}
	return p.nodeSteps.shape
}

// ProveNodeLedgerStep proves one node ledger step — kind 3, kind 10 when w's batch opens forced
// deposits, kind 12 when it opens exits — and verifies the proof natively before it is sent,
// logged and measured as a leaf step (kind 10's and 12's circuits loaded for the proof and
// released after it: stepCircuit).
func (p *Prover) ProveNodeLedgerStep(w subtree.NodeLedgerStepWitness, attrs ...any) ([]byte, subtree.StepPublic, error) {
	v := p.nodeLedgerVariant(w)
	kind := StepKeys(v.kind)
	if v.step == nil || v.prover == nil {
		return nil, subtree.StepPublic{}, fmt.Errorf("no %s keys in keys_dir (%s.pk/.vk)", v.what, kind)
	}
	if len(w.Move.Deposits) > 0 && len(w.Move.Exits) > 0 { // no circuit holds both: refused before any is loaded
		err := fmt.Errorf("%w: a batch opens forced deposits or exits, not both", subtree.ErrWitness)
		return p.checkStep(kind, v.step.vk, time.Now(), nil, subtree.StepPublic{}, err, attrs)
	}
	proof, pub, start, err := proveOn(v.prover, func(sp subtree.NodeLedgerStepProver) ([]byte, subtree.StepPublic, error) { return sp.Prove(w) })
	return p.checkStep(kind, v.step.vk, start, proof, pub, err, attrs)
}

// nodeLedgerProving is what proves a node ledger step of one variant: its kind (KindNodeLedger,
// KindNodeLedgerForced or KindNodeLedgerExit) and what it is called in errors, and its keys and
// prover (nil without them).
type nodeLedgerProving struct {
	kind   uint64
	what   string
	step   *nodeStepCircuit
	prover *stepCircuit[subtree.NodeLedgerStepProver]
}

// nodeLedgerVariant is the node ledger step variant that proves w, the kind w states
// (NodeLedgerStepWitness.Public): the forced one when w opens deposits, the exit one when it opens
// exits, else the plain one.
func (p *Prover) nodeLedgerVariant(w subtree.NodeLedgerStepWitness) nodeLedgerProving {
	var v nodeLedgerProving
	switch {
	case len(w.Move.Deposits) > 0:
		v = nodeLedgerProving{kind: subtree.KindNodeLedgerForced, what: "forced node ledger step"}
		if p.nodeSteps != nil {
			v.step, v.prover = p.nodeSteps.ledgerForced, p.nodeSteps.forcedProver
		}
	case len(w.Move.Exits) > 0:
		v = nodeLedgerProving{kind: subtree.KindNodeLedgerExit, what: "exit node ledger step"}
		if p.nodeSteps != nil {
			v.step, v.prover = p.nodeSteps.ledgerExit, p.nodeSteps.exitProver
		}
	default:
		v = nodeLedgerProving{kind: subtree.KindNodeLedger, what: "node ledger step"}
		if p.nodeSteps != nil {
			v.step, v.prover = p.nodeSteps.ledger, p.nodeSteps.ledgerProver
		}
	}
	return v
}

// ProveNodeChildStep proves one node child step — kind 4, or kind 11 when w's inner step is a
// forced leaf step (w.Growth set) —: its inner leaf step proof is verified natively first, under
// keys_dir's leaf step key (the forced leaf step's for kind 11; a proof the circuit would refuse
// is an error before any proving), and the step's proof after, logged and measured as a leaf step
// (kind 11's circuit loaded, after the inner check, for the proof and released after it).
func (p *Prover) ProveNodeChildStep(w subtree.NodeChildStepWitness, attrs ...any) ([]byte, subtree.StepPublic, error) {
	v := p.nodeChildVariant(w)
	if v.step == nil || v.prover == nil || v.inner == nil {
		return nil, subtree.StepPublic{}, fmt.Errorf("no %s keys in keys_dir (%s.pk/.vk)", v.what, StepKeys(v.kind))
	}
	start := time.Now()
	inner, err := prover.EncodeProof(w.InnerProof)
	if err == nil {
		err = prover.VerifyProof(v.inner.vk, inner, []fr.Element{w.Inner.Statement()})
	}
	if err != nil {
		err = fmt.Errorf("%w: the inner leaf step proof under keys_dir/%s.vk: %v", subtree.ErrWitness, StepKeys(v.innerKind), err)
	} else if w.Growth != nil && len(w.Growth.Siblings) != p.nodeSteps.outboxDepth {
		err = fmt.Errorf("%w: an outbox growth path of %d siblings, the outbox depth is %d", subtree.ErrWitness, len(w.Growth.Siblings), p.nodeSteps.outboxDepth)
	}
	if err != nil {
		return p.checkStep(StepKeys(v.kind), v.step.vk, start, nil, subtree.StepPublic{}, err, attrs)
	}
	proof, pub, start, err := proveOn(v.prover, func(sp subtree.NodeChildStepProver) ([]byte, subtree.StepPublic, error) { return sp.Prove(w) })
	return p.checkStep(StepKeys(v.kind), v.step.vk, start, proof, pub, err, attrs)
}

// nodeChildProving is what proves a node child step of one variant: its kind (KindNodeChild or
// KindNodeChildForced) and what it is called in errors, its keys and prover (step nil without
// them), and the kind and keys of the leaf step variant its inner proofs are made with (inner nil
// without them).
type nodeChildProving struct {
	kind, innerKind uint64
	what            string
	step            *nodeStepCircuit
	prover          *stepCircuit[subtree.NodeChildStepProver]
	inner           *leafStepCircuit
}

// nodeChildVariant is the node child step variant that proves w: the forced one when w carries an
// outbox growth, else the plain one.
func (p *Prover) nodeChildVariant(w subtree.NodeChildStepWitness) nodeChildProving {
	if w.Growth != nil {
		v := nodeChildProving{kind: subtree.KindNodeChildForced, innerKind: subtree.KindLeafForced, what: "forced node child step", inner: p.leafForced}
		if p.nodeSteps != nil {
			v.step, v.prover = p.nodeSteps.childForced, p.nodeSteps.childForcedProver
		}
		return v
	}
	v := nodeChildProving{kind: subtree.KindNodeChild, innerKind: subtree.KindLeaf, what: "node child step", inner: p.leafStep}
	if p.nodeSteps != nil {
		v.step, v.prover = p.nodeSteps.child, p.nodeSteps.childProver
	}
	return v
}
