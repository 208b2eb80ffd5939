package proving

import (
	"bytes"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark/backend/groth16"
	"github.com/consensys/gnark/constraint"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/frontend/cs/r1cs"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/slush-tree/slush/circuits/keys"
	ledgerparams "github.com/slush-tree/slush/circuits/ledger"
	"github.com/slush-tree/slush/circuits/prover"
	"github.com/slush-tree/slush/circuits/recursion"
	"github.com/slush-tree/slush/circuits/smt"
	"github.com/slush-tree/slush/circuits/subtree"
	ledgertypes "github.com/slush-tree/slush/x/ledger/types"
)

// residentCircuit is a step circuit whose prover sp is kept resident (tests build provers so).
func residentCircuit[P any](name string, sp P) *stepCircuit[P] {
	return &stepCircuit[P]{name: name, resident: &sp}
}

// standInProver is a step prover over the stand-in circuit innerShaped: it proves statements
// for real, as the step provers do, with the circuit and key a stepCircuit loaded.
type standInProver struct {
	ccs constraint.ConstraintSystem
	pk  groth16.ProvingKey
}

// prove proves the statement of pub.
func (s standInProver) prove(pub subtree.StepPublic) ([]byte, error) {
	w, err := frontend.NewWitness(&innerShaped{In: pub.Statement()}, ecc.BN254.ScalarField())
	if err != nil {
		return nil, err
	}
	proof, err := groth16.Prove(s.ccs, s.pk, w, recursion.CommittedProverOption())
	if err != nil {
		return nil, err
	}
	return prover.EncodeProof(proof)
}

// standInKeys writes a fresh setup of innerShaped as keys_dir/file.pk/.vk and returns the
// verifying key's bytes.
func standInKeys(t *testing.T, dir, file string) []byte {
	t.Helper()
	k := newInnerKeys(t)
	require.NoError(t, keys.WriteKeys(dir, file, k.pk, k.vk))
	vkRaw, err := os.ReadFile(filepath.Join(dir, file+".vk"))
	require.NoError(t, err)
	return vkRaw
}

// loadStandIn is the load of the stand-in circuit keys_dir/file as a step circuit's, through the
// relayer's caches; compiles counts its compilations.
func loadStandIn(p *Prover, dir, file string, compiles *atomic.Int32) func() (standInProver, loadStats, error) {
	return func() (standInProver, loadStats, error) {
		ccs, pk, stats, err := p.loadStepKeys(dir, file, file+" stand-in", "the stand-in", func() (constraint.ConstraintSystem, error) {
			compiles.Add(1)
			return frontend.Compile(ecc.BN254.ScalarField(), r1cs.NewBuilder, &innerShaped{})
		})
		return standInProver{ccs, pk}, stats, err
	}
}

// TestStepCircuitOnDemand: an on-demand step circuit is loaded and checked at start-up, then not
// resident; each use loads it again — from the compiled-circuit and raw key caches, not compiled
// again —, proves correctly (twice in a row) and releases it; a proving key that changed on disk
// since start-up is refused with a clear error before anything is loaded. A resident one stays
// loaded.
func TestStepCircuitOnDemand(t *testing.T) {
	dir := t.TempDir()
	vkRaw := standInKeys(t, dir, nodeChildForcedStepKeys)
	vk, err := keys.CheckCommittedVerifyingKey(vkRaw, 1)
	require.NoError(t, err)
	var logs bytes.Buffer
	p := &Prover{log: slog.New(slog.NewTextHandler(&logs, nil))}
	p.useCache(dir)
	var compiles atomic.Int32
	c, stats, err := newStepCircuit(p, nodeChildForcedStepKeys, filepath.Join(dir, nodeChildForcedStepKeys+".pk"), true,
		loadStandIn(p, dir, nodeChildForcedStepKeys, &compiles))
	require.NoError(t, err)
	require.False(t, stats.cached, "compiled at the first start")
	require.Positive(t, stats.constraints)
	require.True(t, c.onDemand())
	require.Nil(t, c.resident, "not resident after start-up")
	require.Nil(t, c.loaded, "released after start-up")
	require.EqualValues(t, 1, compiles.Load())

	for i, pub := range []subtree.StepPublic{{Kind: subtree.KindNodeChildForced, Index: 1}, {Kind: subtree.KindNodeChildForced, Index: 2}} {
		logs.Reset()
		var proof []byte
		require.NoError(t, c.use(func(sp standInProver) error {
			require.NotNil(t, c.loaded, "loaded while it proves")
			var err error
			proof, err = sp.prove(pub)
			return err
		}), "proof %d", i)
		require.NoError(t, prover.VerifyProof(vk, proof, []fr.Element{pub.Statement()}), "proof %d verifies", i)
		require.Nil(t, c.loaded, "released after proof %d", i)
		require.Contains(t, logs.String(), `msg="step circuit loaded" kind=node-child-forced-step seconds=`)
		require.Contains(t, logs.String(), "cached=true", "read back from the compiled-circuit cache")
		require.NotContains(t, logs.String(), "WARN")
	}
	require.EqualValues(t, 1, compiles.Load(), "never compiled again")

	// the key file replaced after start-up (another setup of the same circuit: its shape passes)
	standInKeys(t, dir, nodeChildForcedStepKeys)
	called := false
	err = c.use(func(standInProver) error { called = true; return nil })
	require.ErrorContains(t, err, "loading node-child-forced-step on demand: "+filepath.Join(dir, nodeChildForcedStepKeys+".pk")+" changed since start-up")
	require.ErrorContains(t, err, "restart the relayer")
	require.False(t, called)
	require.Nil(t, c.loaded)

	// a resident circuit is loaded once and stays so
	standInKeys(t, dir, nodeChildStepKeys)
	r, _, err := newStepCircuit(p, nodeChildStepKeys, filepath.Join(dir, nodeChildStepKeys+".pk"), false, loadStandIn(p, dir, nodeChildStepKeys, &compiles))
	require.NoError(t, err)
	require.False(t, r.onDemand())
	resident := r.resident
	require.NotNil(t, resident)
	logs.Reset()
	for range 2 {
		require.NoError(t, r.use(func(sp standInProver) error {
			_, err := sp.prove(subtree.StepPublic{Kind: subtree.KindNodeChild, Index: 1})
			return err
		}))
		require.Same(t, resident, r.resident, "still resident after a proof")
	}
	require.NotContains(t, logs.String(), "step circuit loaded")
}

// TestStepCircuitsOnDemandOneAtATime: the on-demand circuits of a prover, used concurrently, are
// loaded one at a time.
func TestStepCircuitsOnDemandOneAtATime(t *testing.T) {
	dir := t.TempDir()
	p := &Prover{log: slog.New(slog.NewTextHandler(&bytes.Buffer{}, nil))}
	var compiles atomic.Int32
	var circuits []*stepCircuit[standInProver]
	for _, file := range []string{leafForcedStepKeys, nodeLedgerForcedStepKeys, nodeChildForcedStepKeys} {
		standInKeys(t, dir, file)
		c, _, err := newStepCircuit(p, file, filepath.Join(dir, file+".pk"), true, loadStandIn(p, dir, file, &compiles))
		require.NoError(t, err)
		circuits = append(circuits, c)
	}
	var inUse, most atomic.Int32
	var wg sync.WaitGroup
	for _, c := range circuits {
		for range 2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				assert.NoError(t, c.use(func(standInProver) error {
					n := inUse.Add(1)
					defer inUse.Add(-1)
					for {
						m := most.Load()
						if n <= m || most.CompareAndSwap(m, n) {
							break
						}
					}
					loaded := 0
					for _, c := range circuits {
						if c.loaded != nil {
							loaded++
						}
					}
					assert.Equal(t, 1, loaded, "one on-demand circuit in memory")
					return nil
				}))
			}()
		}
	}
	wg.Wait()
	require.EqualValues(t, 1, most.Load())
}

// TestForcedNodeChildStepOnDemand: through the Prover, the forced node child step (kind 11) is not
// resident after start-up nor after a proof, its verifying key is served meanwhile, each proof
// loads it (logged), and a proving key changed on disk since start-up fails its proofs with a
// clear error while the plain node child step, resident, still proves.
func TestForcedNodeChildStepOnDemand(t *testing.T) {
	dir := t.TempDir()
	plainVK := standInKeys(t, dir, nodeChildStepKeys)
	forcedVK := standInKeys(t, dir, nodeChildForcedStepKeys)
	plainInner, forcedInner := newInnerKeys(t), newInnerKeys(t)
	step := newInnerKeys(t)
	var logs bytes.Buffer
	p := &Prover{log: slog.New(slog.NewTextHandler(&logs, nil)), leafStep: &leafStepCircuit{vk: plainInner.vk},
		leafForced: &leafStepCircuit{vk: forcedInner.vk}}
	p.useCache(dir)
	node := subtree.NodeShape{MaxChildren: 3, MaxBuckets: 4}
	p.nodeSteps = &nodeSteps{shape: node, outboxDepth: 4}
	compile := func(groth16.VerifyingKey) (constraint.ConstraintSystem, recursion.FixedKey, error) {
		return step.ccs, recursion.FixedKey{}, nil
	}
	var err error
	p.nodeSteps.child, p.nodeSteps.childProver, err = p.loadNodeChildVariant(dir, nodeChildStepKeys, plainVK, node, "plain", p.leafStep, false, compile)
	require.NoError(t, err)
	p.nodeSteps.childForced, p.nodeSteps.childForcedProver, err = p.loadNodeChildVariant(dir, nodeChildForcedStepKeys, forcedVK, node, "forced",
		p.leafForced, true, compile)
	require.NoError(t, err)
	require.Contains(t, logs.String(), `msg="node step circuit ready" circuit=node-child-forced-step`)
	require.Contains(t, logs.String(), "on_demand=true")

	forced, plain := p.nodeSteps.childForcedProver, p.nodeSteps.childProver
	require.True(t, forced.onDemand())
	require.Nil(t, forced.loaded, "kind 11 not resident after start-up")
	require.False(t, plain.onDemand(), "kind 4 resident")
	require.Equal(t, forcedVK, p.NodeChildForcedStepVK(), "its verifying key served while released")

	inner := subtree.StepPublic{Kind: subtree.KindLeafForced, Index: 1, AnchorHeight: 3}
	forcedW := subtree.NodeChildStepWitness{Inner: inner, InnerProof: forcedInner.prove(t, inner),
		Growth: &smt.AccumulatorGrowth{EarlierSize: 1, LaterSize: 2, Siblings: make([]fr.Element, 4)}}
	plainPub := subtree.StepPublic{Kind: subtree.KindLeaf, Index: 1, AnchorHeight: 3}
	plainW := subtree.NodeChildStepWitness{Inner: plainPub, InnerProof: plainInner.prove(t, plainPub)}
	for range 2 {
		logs.Reset()
		// the stand-in circuit is no node child step: the step's assignment refuses the witness
		// once the circuit is loaded
		_, _, err := p.ProveNodeChildStep(forcedW, "chain", "1")
		require.ErrorIs(t, err, subtree.ErrWitness)
		require.Contains(t, logs.String(), `msg="step circuit loaded" kind=node-child-forced-step seconds=`)
		require.Contains(t, logs.String(), `msg="proof failed" kind=node-child-forced-step`)
		require.Nil(t, forced.loaded, "released after the proof")
	}

	standInKeys(t, dir, nodeChildForcedStepKeys) // the key changed on disk
	logs.Reset()
	_, _, err = p.ProveNodeChildStep(forcedW, "chain", "1")
	require.ErrorContains(t, err, "loading node-child-forced-step on demand: ")
	require.ErrorContains(t, err, "node-child-forced-step.pk changed since start-up")
	require.Contains(t, logs.String(), `msg="proof failed" kind=node-child-forced-step`)
	require.NotContains(t, logs.String(), "step circuit loaded")
	require.Nil(t, forced.loaded)

	// the plain kind still proves (up to the stand-in's assignment), resident
	_, _, err = p.ProveNodeChildStep(plainW)
	require.ErrorIs(t, err, subtree.ErrWitness)
	require.NotContains(t, err.Error(), "on demand")
	require.False(t, plain.onDemand())
	require.Contains(t, logs.String(), `msg="proof failed" kind=node-child-step `)
}

// TestForcedKindsNotResident: loaded as a relayer start loads them (stand-in circuits), the
// forced kinds 9 and 10 and the exit kind 12 are not resident after start-up nor after a proof,
// each proof loading them again, while the plain kinds 1/2 and 3 stay resident; their verifying
// keys are served. A node ledger witness opening both deposits and exits is refused before any
// circuit is loaded.
func TestForcedKindsNotResident(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{leafStepKeys, leafForcedStepKeys, nodeLedgerStepKeys, nodeLedgerForcedStepKeys, nodeLedgerExitStepKeys} {
		standInKeys(t, dir, f)
	}
	ledger := newInnerKeys(t) // stands in for the ledger key the steps are compiled around
	var logs bytes.Buffer
	p := &Prover{log: slog.New(slog.NewTextHandler(&logs, nil)), ledgerVK: ledger.vk, ledgerVKRaw: []byte("ledger.vk")}
	p.useCache(dir)
	shape := ledgertypes.Params{AccountDepth: 1, OutboxDepth: 1, BatchSize: 1}
	leafCompile := func(groth16.VerifyingKey, ledgerparams.Params) (constraint.ConstraintSystem, recursion.FixedKey, error) {
		return ledger.ccs, recursion.FixedKey{}, nil
	}
	nodeCompile := func(groth16.VerifyingKey, ledgerparams.Params, subtree.NodeShape) (constraint.ConstraintSystem, recursion.FixedKey, error) {
		return ledger.ccs, recursion.FixedKey{}, nil
	}
	var err error
	p.leafStep, err = p.loadLeafStep(dir, leafStepKeys, shape, false, leafCompile)
	require.NoError(t, err)
	p.leafForced, err = p.loadLeafStep(dir, leafForcedStepKeys, shape, true, leafCompile)
	require.NoError(t, err)
	node := subtree.NodeShape{MaxChildren: 3, MaxBuckets: 4}
	p.nodeSteps = &nodeSteps{shape: node}
	p.nodeSteps.ledger, p.nodeSteps.ledgerProver, err = p.loadNodeLedgerVariant(dir, nodeLedgerStepKeys, []byte("vk"), shape, node, false, nodeCompile)
	require.ErrorContains(t, err, "node-ledger-step.vk: ", "the verifying key is checked first")
	vk := func(f string) []byte {
		raw, err := os.ReadFile(filepath.Join(dir, f+".vk"))
		require.NoError(t, err)
		return raw
	}
	p.nodeSteps.ledger, p.nodeSteps.ledgerProver, err = p.loadNodeLedgerVariant(dir, nodeLedgerStepKeys, vk(nodeLedgerStepKeys), shape, node, false, nodeCompile)
	require.NoError(t, err)
	p.nodeSteps.ledgerForced, p.nodeSteps.forcedProver, err = p.loadNodeLedgerVariant(dir, nodeLedgerForcedStepKeys, vk(nodeLedgerForcedStepKeys),
		shape, node, true, nodeCompile)
	require.NoError(t, err)
	p.nodeSteps.ledgerExit, p.nodeSteps.exitProver, err = p.loadNodeLedgerVariant(dir, nodeLedgerExitStepKeys, vk(nodeLedgerExitStepKeys),
		shape, node, true, nodeCompile)
	require.NoError(t, err)
	require.Contains(t, logs.String(), `msg="node step circuit ready" circuit=node-ledger-exit-step`)

	require.False(t, p.leafStep.step.onDemand(), "kind 1/2 resident")
	require.False(t, p.nodeSteps.ledgerProver.onDemand(), "kind 3 resident")
	require.True(t, p.leafForced.step.onDemand())
	require.True(t, p.nodeSteps.forcedProver.onDemand())
	require.True(t, p.nodeSteps.exitProver.onDemand(), "kind 12 loaded on demand")
	require.Nil(t, p.nodeSteps.exitProver.loaded, "kind 12 not resident after start-up")
	require.Equal(t, vk(leafForcedStepKeys), p.LeafForcedStepVK())
	require.Equal(t, vk(nodeLedgerForcedStepKeys), p.NodeLedgerForcedStepVK())
	require.Equal(t, vk(nodeLedgerExitStepKeys), p.NodeLedgerExitStepVK())

	deposits, exits := []subtree.DepositOpening{{}}, []subtree.ExitOpening{{}}
	for _, tc := range []struct {
		kind  string
		prove func() error
	}{
		{leafForcedStepKeys, func() error {
			_, _, err := p.ProveLeafStep(subtree.LeafStepWitness{Deposits: deposits})
			return err
		}},
		{nodeLedgerForcedStepKeys, func() error {
			_, _, err := p.ProveNodeLedgerStep(subtree.NodeLedgerStepWitness{Move: subtree.LeafStepWitness{Deposits: deposits}})
			return err
		}},
		{nodeLedgerExitStepKeys, func() error {
			_, _, err := p.ProveNodeLedgerStep(subtree.NodeLedgerStepWitness{Move: subtree.LeafStepWitness{Exits: exits}})
			return err
		}},
	} {
		for range 2 {
			logs.Reset()
			require.Error(t, tc.prove(), "the stand-in is no step circuit: its assignment refuses the witness once loaded")
			require.Contains(t, logs.String(), `msg="step circuit loaded" kind=`+tc.kind+" seconds=")
			require.Contains(t, logs.String(), `msg="proof failed" kind=`+tc.kind)
		}
	}
	require.Nil(t, p.leafForced.step.loaded, "kind 9 released after its proofs")
	require.Nil(t, p.nodeSteps.forcedProver.loaded, "kind 10 released after its proofs")
	require.Nil(t, p.nodeSteps.exitProver.loaded, "kind 12 released after its proofs")
	logs.Reset()
	_, _, err = p.ProveNodeLedgerStep(subtree.NodeLedgerStepWitness{Move: subtree.LeafStepWitness{Deposits: deposits, Exits: exits}}, "chain", "1-1")
	require.ErrorIs(t, err, subtree.ErrWitness)
	require.ErrorContains(t, err, "forced deposits or exits, not both")
	require.Contains(t, logs.String(), `msg="proof failed" kind=node-ledger-forced-step`)
	require.Contains(t, logs.String(), "chain=1-1")
	require.NotContains(t, logs.String(), "step circuit loaded", "refused before any circuit is loaded")
	logs.Reset()
	_, _, err = p.ProveLeafStep(subtree.LeafStepWitness{})
	require.Error(t, err)
	_, _, err = p.ProveNodeLedgerStep(subtree.NodeLedgerStepWitness{})
	require.Error(t, err)
	require.NotContains(t, logs.String(), "step circuit loaded", "the plain kinds are resident")
	require.False(t, p.leafStep.step.onDemand())
	require.False(t, p.nodeSteps.ledgerProver.onDemand())
}
