package planner

import (
	"os"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark/backend/groth16"
	"github.com/consensys/gnark/constraint"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/frontend/cs/r1cs"
	"github.com/consensys/gnark/std/rangecheck"
	"github.com/stretchr/testify/require"

	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/ledger"
	"github.com/slush-tree/slush/circuits/recursion"
	"github.com/slush-tree/slush/circuits/subtree"
)

// batchShaped stands in for the ledger batch circuit (subtree's tests do the same): one public
// input, the hash of the 11 stated values; a proof exists for any stated vector.
type batchShaped struct {
	Statement frontend.Variable `gnark:",public"`
	Stated    [ledger.NbPublicInputs]frontend.Variable
}

func (c *batchShaped) Define(api frontend.API) error {
	api.AssertIsEqual(c.Statement, hash.HashGadget(api, hash.DomainProofStatement, c.Stated[:]...))
	return nil
}

// leafStepShaped stands in for the leaf step (8 stated values) or the forced leaf step (9, the
// parent outbox last): its statement and one Pedersen commitment.
type leafStepShaped struct {
	Statement frontend.Variable `gnark:",public"`
	Stated    []frontend.Variable
}

// newLeafStepStandIn compiles the leaf step stand-in with n stated values (8, or 9 for the forced
// leaf step) and returns it with a prover of step statements, which proves the statement of p's
// first n values.
func newLeafStepStandIn(t *testing.T, n int) (standIn, func(subtree.StepPublic) groth16.Proof) {
	t.Helper()
	leaf := newStandIn(t, &leafStepShaped{Stated: make([]frontend.Variable, n)})
	return leaf, func(p subtree.StepPublic) groth16.Proof {
		stated := []fr.Element{hash.Uint64(p.Kind), p.ChildVid, hash.Uint64(uint64(p.Index)), p.RootBefore, p.RootAfter,
			hash.Uint64(p.AnchorHeight), p.AnchorCommitment, p.Leaf, p.ParentOutbox}[:n]
		stmt := hash.Hash(hash.DomainSubtreeStep, stated...)
		a := leafStepShaped{Statement: stmt, Stated: make([]frontend.Variable, n)}
		for i := range stated {
			a.Stated[i] = stated[i]
		}
		return leaf.prove(t, &a)
	}
}

func (c *leafStepShaped) Define(api frontend.API) error {
	rangecheck.New(api).Check(c.Stated[5], 64)
	api.AssertIsEqual(c.Statement, hash.HashGadget(api, hash.DomainSubtreeStep, c.Stated[:]...))
	return nil
}

// standIn is a compiled stand-in with a random (test-only) setup.
type standIn struct {
	ccs constraint.ConstraintSystem
	pk  groth16.ProvingKey
	key recursion.FixedKey
}

func newStandIn(t *testing.T, c frontend.Circuit) standIn {
	t.Helper()
	ccs, err := frontend.Compile(ecc.BN254.ScalarField(), r1cs.NewBuilder, c)
	require.NoError(t, err)
	pk, vk, err := groth16.Setup(ccs)
	require.NoError(t, err)
	key, err := recursion.NewFixedKey(vk)
	require.NoError(t, err)
	return standIn{ccs, pk, key}
}

func (s standIn) prove(t *testing.T, a frontend.Circuit) groth16.Proof {
	t.Helper()
	w, err := frontend.NewWitness(a, ecc.BN254.ScalarField())
	require.NoError(t, err)
	proof, err := groth16.Prove(s.ccs, s.pk, w, recursion.CommittedProverOption())
	require.NoError(t, err)
	return proof
}

// proveBatch gives w's move a batch proof made by the batch stand-in over the move's own batch
// statement.
func (s standIn) proveBatch(t *testing.T, w subtree.NodeLedgerStepWitness) subtree.NodeLedgerStepWitness {
	t.Helper()
	inputs := w.Move.BatchInputs()
	a := batchShaped{Statement: ledger.StatementOf(inputs)}
	for i := range inputs {
		a.Stated[i] = inputs[i]
	}
	w.Move.Proof = s.prove(t, &a)
	return w
}

// solves tells whether the compiled circuit's solver accepts assignment a.
func solves(t *testing.T, ccs constraint.ConstraintSystem, a frontend.Circuit) error {
	t.Helper()
	w, err := frontend.NewWitness(a, ecc.BN254.ScalarField())
	require.NoError(t, err)
	return ccs.IsSolved(w)
}

// TestNodeStepsSolve: the node step witnesses the planner builds from a grandchild's update
// satisfy the real NodeLedgerStep and NodeChildStep circuits (compiled around stand-in inner
// keys, the inner proofs made for the witnesses' own inner statements), which is what the
// prover will be asked to prove — also with a leaf finality move, from a node's synthetic
// first leaf state, and around a registration (issue 16: the ledger step before a native kind 6
// reports (0, 1) less; a registered child's first update is a KindLeaf over its genesis leaf).
// Compiles and solves ~1M and ~1.45M constraints: gated by SLUSH_RECURSIVE_TESTS=1, as the
// circuits' own tests are.
func TestNodeStepsSolve(t *testing.T) {
	if os.Getenv("SLUSH_RECURSIVE_TESTS") != "1" {
		t.Skip("solves the node step circuits (minutes, GiBs): set SLUSH_RECURSIVE_TESTS=1")
	}
	f := newNodeFixture(t)
	steps, err := nodeMoveWitnesses(f.held, f.move, f.src, nodeShape)
	require.NoError(t, err)
	gen2 := genesisOpening([]uint8{1, 2, 2})
	gg2 := subtree.ChildOpening{Index: 2, Commitment: firstCommitment([]uint8{1, 2, 2}, 20, 5), Report: subtree.Report{{Height: 5, Count: 1}}}
	reg := newRegisterNodeCase(t, []subtree.ChildOpening{leafOpening(t, []uint8{1, 2, 1}, 10, 4), leafOpening(t, []uint8{1, 2, 3}, 30, 3)},
		[]ggEvent{{subtree.KindRegister, gen2}, {subtree.KindLeaf, leafOpening(t, []uint8{1, 2, 3}, 32, 6)}, {subtree.KindLeaf, gg2}}, true)
	regSteps, err := nodeMoveWitnesses(reg.held, reg.move, reg.src, nodeShape)
	require.NoError(t, err)
	require.NotNil(t, regSteps[1].native, "ledger, kind 6, child, child")

	batch := newStandIn(t, &batchShaped{})
	ledgerCCS, err := frontend.Compile(ecc.BN254.ScalarField(), r1cs.NewBuilder, subtree.NewNodeLedgerStep(batch.key, stepParams, nodeShape))
	require.NoError(t, err)
	for i, st := range []nodeStep{steps[0], steps[1], regSteps[0]} {
		w := batch.proveBatch(t, st.w.(subtree.NodeLedgerStepWitness))
		assigned, err := subtree.AssignNodeLedgerStep(batch.key, stepParams, nodeShape, w)
		require.NoError(t, err)
		require.NoError(t, solves(t, ledgerCCS, assigned), "ledger step %d", i)
		if i == 0 { // the solver does refuse: a report that is not the new commitment's
			w.Report = subtree.Report{{Height: 3, Count: 1}, {Height: 7, Count: 2}}
			assigned, err := subtree.AssignNodeLedgerStep(batch.key, stepParams, nodeShape, w)
			require.NoError(t, err)
			require.Error(t, solves(t, ledgerCCS, assigned))
		}
	}
	ledgerCCS = nil

	leaf, innerProof := newLeafStepStandIn(t, 8)
	childCCS, err := frontend.Compile(ecc.BN254.ScalarField(), r1cs.NewBuilder, subtree.NewNodeChildStep(leaf.key, nodeShape))
	require.NoError(t, err)
	fin, _, _ := finalityFixture(t)
	finSteps, err := nodeMoveWitnesses(fin.held, fin.move, fin.src, nodeShape)
	require.NoError(t, err)
	require.True(t, finSteps[2].w.(subtree.NodeChildStepWitness).Finality.Finalize)
	ff := newFirstFixture(t)
	_, rest, err := splitFirstNodeMove(childMove{height: 10, inbox: hash.Uint64(9), msg: ff.msg})
	require.NoError(t, err)
	firstSteps, err := nodeMoveWitnesses(ff.held, rest, nodeSource{leaves: ff.leaves}, nodeShape)
	require.NoError(t, err)
	var childSteps []nodeStep
	for _, list := range [][]nodeStep{steps[2:], finSteps[2:], firstSteps, regSteps[2:]} {
		childSteps = append(childSteps, list...)
	}
	for i, st := range childSteps {
		w := st.w.(subtree.NodeChildStepWitness)
		w.InnerProof = innerProof(w.Inner)
		assigned, err := subtree.AssignNodeChildStep(leaf.key, nodeShape, w)
		require.NoError(t, err)
		require.NoError(t, solves(t, childCCS, assigned), "child step %d", i)
		if i == 0 { // the solver does refuse: an inner step of another commitment than the children hold
			w.Inner.Leaf = hash.Uint64(4)
			w.InnerProof = innerProof(w.Inner)
			assigned, err := subtree.AssignNodeChildStep(leaf.key, nodeShape, w)
			require.NoError(t, err)
			require.Error(t, solves(t, childCCS, assigned))
		}
	}
}
