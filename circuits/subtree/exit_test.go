package subtree

import (
	"errors"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark/backend"
	"github.com/consensys/gnark/test"
	"github.com/stretchr/testify/require"

	"github.com/slush-tree/slush/circuits/commitment"
	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/ledger"
	"github.com/slush-tree/slush/circuits/smt"
)

// frozenChild is 1-1's child 1-1-3 as 1-1's finalized children root holds it (beside 1-1-1): a
// ledger of two accounts, whose accounts SMT also holds a stray record at index 2, beyond the
// count, which no exit may open.
type frozenChild struct {
	child     commitment.Commitment
	accounts  *smt.Tree
	records   []ledger.Account
	finalized *commitment.ChildrenTree
}

const frozenIndex = 3

// consumedRoot is the frozen child's consumed-set root (any value: openings carry it).
var consumedRoot = hash.Uint64(0xc0)

func newFrozenChild(t testing.TB, parent fr.Element) frozenChild {
	t.Helper()
	accounts, err := smt.New(smt.NewMemStore(), testParams.AccountDepth)
	require.NoError(t, err)
	records := []ledger.Account{
		{Owner: hash.Uint64(61), Asset: hash.Uint64(7), Balance: 70, Nonce: 2},
		{Owner: hash.Uint64(62), Asset: hash.Uint64(7), Balance: 5},
		{Owner: hash.Uint64(63), Asset: hash.Uint64(7), Balance: 900},
	}
	for i, a := range records {
		require.NoError(t, accounts.Set(uint64(i), a.Hash()))
	}
	root, err := accounts.Root()
	require.NoError(t, err)
	c := childOf(parent, frozenIndex, Report{{2, 1}}).Commitment
	c.LedgerRoot = ledger.LedgerRoot(root, 2, consumedRoot)
	finalized, err := commitment.NewChildrenTree(smt.NewMemStore())
	require.NoError(t, err)
	require.NoError(t, finalized.SetChild(1, childOf(parent, 1, Report{{1, 1}}).Commitment.Hash()))
	require.NoError(t, finalized.SetChild(frozenIndex, c.Hash()))
	return frozenChild{child: c, accounts: accounts, records: records, finalized: finalized}
}

// opening opens account i at batch slot slot.
func (f frozenChild) opening(t testing.TB, i uint64, slot int) ExitOpening {
	t.Helper()
	root, err := f.accounts.Root()
	require.NoError(t, err)
	path, err := f.finalized.Prove(frozenIndex)
	require.NoError(t, err)
	account, err := f.accounts.Prove(i)
	require.NoError(t, err)
	return ExitOpening{Slot: slot, ChildIndex: frozenIndex, Child: f.child, Siblings: path.Siblings,
		AccountsRoot: root, NumAccounts: 2, ConsumedRoot: consumedRoot, AccountIndex: i, Account: f.records[i], AccountSiblings: account.Siblings}
}

func (f frozenChild) root(t testing.TB) fr.Element {
	t.Helper()
	r, err := f.finalized.Root()
	require.NoError(t, err)
	return r
}

// withExits returns the node fixture's move of 1-1 with the finalized children root of f and the
// exits of f's accounts at the given indexes consumed after its two claims.
func withExits(t testing.TB, s batchSystem, f frozenChild, accounts ...uint64) NodeLedgerStepWitness {
	t.Helper()
	w := newNodeFixture(t, s).witness
	w.Move.Old.FinalizedChildrenRoot, w.Move.New.FinalizedChildrenRoot = f.root(t), f.root(t)
	w.Move.Claims = append([]fr.Element(nil), w.Move.Claims...)
	w.Move.Exits = nil
	for _, i := range accounts {
		o := f.opening(t, i, len(w.Move.Claims))
		w.Move.Claims = append(w.Move.Claims, o.Message(w.Move.New.Vid).Hash())
		w.Move.Exits = append(w.Move.Exits, o)
	}
	w.Move.Proof = s.prove(t, w.Move.BatchInputs())
	return w
}

// TestNodeLedgerExitPublic: a node ledger witness with exits states kind 12 and nothing more, over
// the roots of its move, and its openings verify natively as the circuit checks them.
func TestNodeLedgerExitPublic(t *testing.T) {
	s := newBatchSystem(t)
	f := newFrozenChild(t, commitment.MustPackVid([]uint8{1, 1}))
	w := withExits(t, s, f, 0, 1)
	pub := w.Public()
	require.Equal(t, uint64(KindNodeLedgerExit), pub.Kind)
	require.True(t, pub.ParentOutbox.IsZero())
	leaf := w.Move.Public()
	require.True(t, pub.RootBefore.Equal(&leaf.RootBefore) && pub.RootAfter.Equal(&leaf.RootAfter))
	require.Equal(t, ledger.SourceExit, w.Move.sourceAt(2))
	for _, o := range w.Move.Exits {
		require.NoError(t, o.Verify(w.Move.New.Vid, w.Move.New.FinalizedChildrenRoot))
	}
	plain := w
	plain.Move.Exits = nil
	require.NotEqual(t, plain.Public().Statement(), pub.Statement(), "the kind is stated")
}

// TestExitOpeningVerify: the native twin refuses each opening the circuit refuses.
func TestExitOpeningVerify(t *testing.T) {
	vid := commitment.MustPackVid([]uint8{1, 1})
	f := newFrozenChild(t, vid)
	root := f.root(t)
	require.NoError(t, f.opening(t, 0, 0).Verify(vid, root))
	for _, c := range []struct {
		name   string
		change func(*ExitOpening, *fr.Element)
	}{
		{"credited to another chain", func(_ *ExitOpening, v *fr.Element) { *v = commitment.MustPackVid([]uint8{1, 2}) }},
		{"another child's index", func(o *ExitOpening, _ *fr.Element) { o.ChildIndex = 1 }},
		{"index 0", func(o *ExitOpening, _ *fr.Element) { o.ChildIndex = 0 }},
		{"a commitment the finalized root does not hold", func(o *ExitOpening, _ *fr.Element) { o.Child.AnchorHeight++ }},
		{"a short finalized path", func(o *ExitOpening, _ *fr.Element) { o.Siblings = o.Siblings[1:] }},
		{"another account count", func(o *ExitOpening, _ *fr.Element) { o.NumAccounts = 3 }},
		{"an account beyond the count", func(o *ExitOpening, _ *fr.Element) { *o = f.opening(t, 2, 0) }},
		{"another balance", func(o *ExitOpening, _ *fr.Element) { o.Account.Balance++ }},
		{"no account path", func(o *ExitOpening, _ *fr.Element) { o.AccountSiblings = nil }},
	} {
		t.Run(c.name, func(t *testing.T) {
			o, v := f.opening(t, 0, 0), vid
			c.change(&o, &v)
			require.True(t, errors.Is(o.Verify(v, root), ErrWitness))
		})
	}
}

// TestAssignExitRefusesShapes: exit witnesses the circuit cannot hold are refused before anything
// is proven, and a leaf step opens no exit.
func TestAssignExitRefusesShapes(t *testing.T) {
	s := newBatchSystem(t)
	key := s.key(t)
	f := newFrozenChild(t, commitment.MustPackVid([]uint8{1, 1}))
	w := withExits(t, s, f, 0, 1)
	_, err := AssignNodeLedgerStep(key, testParams, testShape, w)
	require.NoError(t, err)
	o := newParentOutbox(t)
	for _, c := range []struct {
		name   string
		change func(*NodeLedgerStepWitness)
	}{
		{"deposits beside exits", func(m *NodeLedgerStepWitness) {
			m.Move.Deposits, m.Move.ParentOutbox = []DepositOpening{o.opening(t, 1, 1)}, o.root(t)
		}},
		{"more exits than openings", func(m *NodeLedgerStepWitness) {
			m.Move.Exits = []ExitOpening{f.opening(t, 0, 0), f.opening(t, 0, 1), f.opening(t, 1, 2), f.opening(t, 1, 3)}
		}},
		{"slots out of order", func(m *NodeLedgerStepWitness) {
			m.Move.Exits = []ExitOpening{m.Move.Exits[1], m.Move.Exits[0]}
		}},
		{"a slot beyond the entries", func(m *NodeLedgerStepWitness) {
			m.Move.Exits = []ExitOpening{m.Move.Exits[0], f.opening(t, 1, 4)}
		}},
		{"a short finalized path", func(m *NodeLedgerStepWitness) {
			e := append([]ExitOpening(nil), m.Move.Exits...)
			e[1].Siblings = e[1].Siblings[1:]
			m.Move.Exits = e
		}},
		{"an account path of another depth", func(m *NodeLedgerStepWitness) {
			e := append([]ExitOpening(nil), m.Move.Exits...)
			e[0].AccountSiblings = append(e[0].AccountSiblings, fr.Element{})
			m.Move.Exits = e
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			m := w
			c.change(&m)
			_, err := AssignNodeLedgerStep(key, testParams, testShape, m)
			require.True(t, errors.Is(err, ErrWitness), "%v", err)
		})
	}
	_, err = AssignLeafStep(key, testParams, w.Move)
	require.True(t, errors.Is(err, ErrWitness), "a leaf step with exits: %v", err)
}

// TestNodeLedgerExitStep (solves the ~1M-constraint circuit: SLUSH_RECURSIVE_TESTS=1): the node
// ledger step's exit variant accepts a batch whose exit credits open accounts of a child in the
// chain's finalized children root (one exit, and two), with the node rules of NodeLedgerStep, and
// refuses each forgery: an exit of another balance, of an account beyond the child's count, from a
// commitment the finalized root does not hold, named as another child, credited to another
// chain, an exit left unopened, an exit proven as a claim, and the batch stated as a plain node
// move.
func TestNodeLedgerExitStep(t *testing.T) {
	requireRecursive(t)
	s := newBatchSystem(t)
	key := s.key(t)
	f := newFrozenChild(t, commitment.MustPackVid([]uint8{1, 1}))
	w := withExits(t, s, f, 0)
	assign := func(w NodeLedgerStepWitness) *NodeLedgerStep {
		a, err := AssignNodeLedgerStep(key, testParams, testShape, w)
		require.NoError(t, err)
		return a
	}
	// forge returns the step of w with its exit changed by change, the entry the changed
	// opening's message (so the batch proof is remade over it) unless keepEntry.
	forge := func(change func(*ExitOpening), keepEntry bool) *NodeLedgerStep {
		m := w
		m.Move.Exits = append([]ExitOpening(nil), w.Move.Exits...)
		m.Move.Claims = append([]fr.Element(nil), w.Move.Claims...)
		change(&m.Move.Exits[0])
		if !keepEntry {
			m.Move.Claims[2] = m.Move.Exits[0].Message(m.Move.New.Vid).Hash()
			m.Move.Proof = s.prove(t, m.Move.BatchInputs())
		}
		return assign(m)
	}

	var invalid []*NodeLedgerStep
	invalid = append(invalid,
		forge(func(o *ExitOpening) { o.Account.Balance = 71 }, false),       // another balance
		forge(func(o *ExitOpening) { *o = f.opening(t, 2, o.Slot) }, false), // beyond the count
		forge(func(o *ExitOpening) { o.Child.AnchorHeight++ }, false),       // not the finalized commitment
		forge(func(o *ExitOpening) { o.ChildIndex = 1 }, true),              // named as child 1
	)
	// credited to another chain: the entry is the exit message to 1-2
	elsewhere := w
	elsewhere.Move.Claims = append([]fr.Element(nil), w.Move.Claims...)
	elsewhere.Move.Claims[2] = f.opening(t, 0, 2).Message(commitment.MustPackVid([]uint8{1, 2})).Hash()
	elsewhere.Move.Proof = s.prove(t, elsewhere.Move.BatchInputs())
	invalid = append(invalid, assign(elsewhere))

	unopened := assign(w)
	padExit(&unopened.Exits[0])
	asClaim := w
	asClaim.Move.Exits = nil
	asClaim.Move.Proof = s.prove(t, asClaim.Move.BatchInputs()) // the entry chained as a claim
	asClaim.Move.Exits = w.Move.Exits
	plain := assign(w)
	pub := w.Public()
	pub.Kind = KindNodeLedger
	plain.Statement = pub.Statement()
	invalid = append(invalid, unopened, assign(asClaim), plain)

	opts := []test.TestingOption{test.WithValidAssignment(assign(w)), test.WithValidAssignment(assign(withExits(t, s, f, 0, 1))),
		test.WithCurves(ecc.BN254), test.WithBackends(backend.GROTH16),
		test.NoTestEngine(), test.NoProverChecks(), test.NoFuzzing(), test.NoSerializationChecks()}
	for _, c := range invalid {
		opts = append(opts, test.WithInvalidAssignment(c))
	}
	test.NewAssert(t).CheckCircuit(NewNodeLedgerExitStep(key, testParams, testShape), opts...)
}
