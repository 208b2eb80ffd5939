package subtree

import (
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark/backend/groth16"
	"github.com/consensys/gnark/constraint"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/frontend/cs/r1cs"

	"github.com/slush-tree/slush/circuits/commitment"
	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/ledger"
	"github.com/slush-tree/slush/circuits/recursion"
	"github.com/slush-tree/slush/circuits/smt"
)

// testBatchSize is the slot count of the test steps (the production ledger's is 16).
const testBatchSize = 4

// testParams is the ledger shape of the test steps: its batch size and the depths that fix the
// genesis roots a first step starts from.
var testParams = ledger.Params{AccountDepth: 4, OutboxDepth: 4, BatchSize: testBatchSize}

// ledgerShaped stands in for the ledger batch circuit: the same statement (one public input,
// the hash of the 11 stated values), and a proof exists for any stated vector. A step's cost and
// soundness depend on the inner key and its statement, not on what the inner circuit checks
// (that is the ledger circuit's own tests' business).
type ledgerShaped struct {
	Statement frontend.Variable `gnark:",public"`
	Stated    [ledger.NbPublicInputs]frontend.Variable
}

func (c *ledgerShaped) Define(api frontend.API) error {
	api.AssertIsEqual(c.Statement, hash.HashGadget(api, hash.DomainProofStatement, c.Stated[:]...))
	return nil
}

// batchSystem is the compiled stand-in with one (random, test-only) setup.
type batchSystem struct {
	ccs constraint.ConstraintSystem
	pk  groth16.ProvingKey
	vk  groth16.VerifyingKey
}

func newBatchSystem(tb testing.TB) batchSystem {
	tb.Helper()
	ccs, err := frontend.Compile(ecc.BN254.ScalarField(), r1cs.NewBuilder, &ledgerShaped{})
	if err != nil {
		tb.Fatal(err)
	}
	pk, vk, err := groth16.Setup(ccs)
	if err != nil {
		tb.Fatal(err)
	}
	return batchSystem{ccs, pk, vk}
}

func (s batchSystem) key(tb testing.TB) recursion.FixedKey {
	tb.Helper()
	k, err := recursion.NewFixedKey(s.vk)
	if err != nil {
		tb.Fatal(err)
	}
	return k
}

// prove returns a batch proof that states the values stated.
func (s batchSystem) prove(tb testing.TB, stated []fr.Element) groth16.Proof {
	tb.Helper()
	a := ledgerShaped{Statement: ledger.StatementOf(stated)}
	for i := range stated {
		a.Stated[i] = stated[i]
	}
	w, err := frontend.NewWitness(&a, ecc.BN254.ScalarField())
	if err != nil {
		tb.Fatal(err)
	}
	proof, err := groth16.Prove(s.ccs, s.pk, w)
	if err != nil {
		tb.Fatal(err)
	}
	return proof
}

// fixture is chain 1 with two leaf children, 1-1 (index 1) and 1-2 (index 2); 1-1 moves by one
// batch that claims two messages.
type fixture struct {
	tree    *commitment.ChildrenTree
	witness LeafStepWitness
}

// leafCommitment is a leaf chain's commitment with the given roots and anchor.
func leafCommitment(vid fr.Element, roots uint64, anchor uint64) commitment.Commitment {
	empty := commitment.EmptyChildrenRoot()
	return commitment.Commitment{
		Vid: vid, LedgerRoot: hash.Uint64(roots), OutboxRoot: hash.Uint64(roots + 1), ReceiptRoot: hash.Uint64(roots + 2),
		ChildrenRoot: empty, FinalizedChildrenRoot: empty,
		AnchorHeight: anchor, AnchorCommitment: hash.Uint64(100 * anchor), AcceptanceDigest: LeafReportDigest(anchor),
		OperatorKeyHash: hash.Uint64(77), Epoch: 3,
	}
}

func newFixture(t testing.TB, s batchSystem) fixture {
	t.Helper()
	tree, err := commitment.NewChildrenTree(smt.NewMemStore())
	if err != nil {
		t.Fatal(err)
	}
	old := leafCommitment(commitment.MustPackVid([]uint8{1, 1}), 10, 5)
	sibling := leafCommitment(commitment.MustPackVid([]uint8{1, 2}), 40, 6)
	if err := tree.SetChild(1, old.Hash()); err != nil {
		t.Fatal(err)
	}
	if err := tree.SetChild(2, sibling.Hash()); err != nil {
		t.Fatal(err)
	}
	path, err := tree.Prove(1)
	if err != nil {
		t.Fatal(err)
	}
	w := LeafStepWitness{
		Index: 1, Siblings: path.Siblings, Old: old, New: leafCommitment(old.Vid, 20, 7),
		InboxOld: hash.Uint64(99), Claims: []fr.Element{hash.Uint64(501), hash.Uint64(502)},
	}
	w.Proof = s.prove(t, w.BatchInputs())
	return fixture{tree: tree, witness: w}
}

// firstWitness is the first step of child 1-3 (index 3, an empty leaf of f's tree): one batch
// from the empty genesis ledger that claims one message.
func firstWitness(t testing.TB, s batchSystem, f fixture) LeafStepWitness {
	t.Helper()
	path, err := f.tree.Prove(3)
	if err != nil {
		t.Fatal(err)
	}
	g := ledger.EmptyRoots(testParams)
	vid := commitment.MustPackVid([]uint8{1, 3})
	genesis := leafCommitment(vid, 0, 0)
	genesis.LedgerRoot, genesis.OutboxRoot, genesis.ReceiptRoot, genesis.Epoch = g.Ledger, g.Outbox, g.Receipts, 0
	next := leafCommitment(vid, 30, 6)
	next.Epoch = 0
	w := LeafStepWitness{First: true, Index: 3, Siblings: path.Siblings, Old: genesis, New: next, Claims: []fr.Element{hash.Uint64(503)}}
	w.Proof = s.prove(t, w.BatchInputs())
	return w
}

// registeredWitness is the first update of child 1-3 registered under the new rule: its leaf holds
// its genesis commitment (GenesisCommitment), and the update moves it as any later one (First
// unset), one batch from the genesis ledger claiming one message.
func registeredWitness(t testing.TB, s batchSystem, f fixture) LeafStepWitness {
	t.Helper()
	vid := commitment.MustPackVid([]uint8{1, 3})
	genesis := GenesisCommitment(vid, ledger.EmptyRoots(testParams), hash.Uint64(77))
	tree, err := commitment.NewChildrenTree(smt.NewMemStore())
	if err != nil {
		t.Fatal(err)
	}
	if err := tree.SetChild(3, genesis.Hash()); err != nil {
		t.Fatal(err)
	}
	path, err := tree.Prove(3)
	if err != nil {
		t.Fatal(err)
	}
	next := leafCommitment(vid, 30, 6)
	next.Epoch = 0
	w := LeafStepWitness{Index: 3, Siblings: path.Siblings, Old: genesis, New: next, Claims: []fr.Element{hash.Uint64(503)}}
	w.Proof = s.prove(t, w.BatchInputs())
	return w
}

// reprove returns w with a batch proof made for its own batch inputs: a step whose proof is
// valid, so that only the constraint a case breaks can refuse it.
func reprove(t *testing.T, s batchSystem, w LeafStepWitness) LeafStepWitness {
	t.Helper()
	w.Proof = s.prove(t, w.BatchInputs())
	return w
}

func mustAssign(t *testing.T, key recursion.FixedKey, w LeafStepWitness) *LeafStep {
	t.Helper()
	a, err := AssignLeafStep(key, testParams, w)
	if err != nil {
		t.Fatal(err)
	}
	return a
}
