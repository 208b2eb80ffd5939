package subtree

import (
	"errors"
	"testing"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/stretchr/testify/require"

	"github.com/slush-tree/slush/circuits/commitment"
	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/ledger"
	"github.com/slush-tree/slush/circuits/smt"
)

// TestGenesisCommitment: a registered chain's leaf is its start state — empty roots, no anchor,
// epoch 0, its operator key — with the report that counts it at height 0 only.
func TestGenesisCommitment(t *testing.T) {
	roots := ledger.EmptyRoots(testParams)
	vid := commitment.MustPackVid([]uint8{1, 3})
	g := GenesisCommitment(vid, roots, hash.Uint64(77))
	empty := commitment.EmptyChildrenRoot()
	require.Equal(t, commitment.Commitment{
		Vid: vid, LedgerRoot: roots.Ledger, OutboxRoot: roots.Outbox, ReceiptRoot: roots.Receipts,
		ChildrenRoot: empty, FinalizedChildrenRoot: empty, AcceptanceDigest: Report{{Height: 0, Count: 1}}.Digest(),
		OperatorKeyHash: hash.Uint64(77),
	}, g)
	other := GenesisCommitment(vid, roots, hash.Uint64(78))
	require.NotEqual(t, g.Hash(), other.Hash(), "the operator key is bound")
	require.NoError(t, CheckNodeReport(0, GenesisReport(), nil, 4), "a genesis report is a node report at anchor 0")
}

// TestRegisterGenesis: the native rule inserts the genesis leaf into an empty slot only, along a
// path that opens that slot under the held root.
func TestRegisterGenesis(t *testing.T) {
	tree, err := commitment.NewChildrenTree(smt.NewMemStore())
	require.NoError(t, err)
	require.NoError(t, tree.SetChild(1, hash.Uint64(11)))
	before, err := tree.Root()
	require.NoError(t, err)
	g := GenesisCommitment(commitment.MustPackVid([]uint8{1, 2}), ledger.EmptyRoots(testParams), hash.Uint64(5))
	path, err := tree.Prove(2)
	require.NoError(t, err)

	after, err := RegisterGenesis(before, 2, g, path.Siblings)
	require.NoError(t, err)
	require.NoError(t, tree.SetChild(2, g.Hash()))
	want, err := tree.Root()
	require.NoError(t, err)
	require.Equal(t, want, after)

	occupied, err := tree.Prove(1)
	require.NoError(t, err)
	for name, call := range map[string]func() error{
		"an occupied slot": func() error { _, err := RegisterGenesis(before, 1, g, occupied.Siblings); return err },
		"another root":     func() error { _, err := RegisterGenesis(hash.Uint64(1), 2, g, path.Siblings); return err },
		"a short path":     func() error { _, err := RegisterGenesis(before, 2, g, path.Siblings[:7]); return err },
		"index 0":          func() error { _, err := RegisterGenesis(before, 0, g, path.Siblings); return err },
	} {
		require.True(t, errors.Is(call(), ErrWitness), name)
	}
}

// TestWithGenesis: one more registered node is one more count at height 0, nothing else.
func TestWithGenesis(t *testing.T) {
	for _, c := range []struct {
		name string
		in   Report
		want Report
	}{
		{"a new genesis bucket", Report{{5, 2}}, Report{{0, 1}, {5, 2}}},
		{"the genesis bucket grows", Report{{0, 1}, {5, 2}}, Report{{0, 2}, {5, 2}}},
		{"a genesis report", GenesisReport(), Report{{0, 2}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := WithGenesis(c.in, 3)
			require.NoError(t, err)
			require.Equal(t, c.want, got)
		})
	}
	_, err := WithGenesis(Report{{4, 1}, {5, 2}, {6, 1}}, 3)
	require.True(t, errors.Is(err, ErrReport), "over the bucket cap: %v", err)
	_, err = WithGenesis(Report{{0, ^uint64(0)}, {5, 1}}, 3)
	require.True(t, errors.Is(err, ErrReport), "a genesis count overflowing: %v", err)
}

// nodeWithChild is node 1-1 at anchor 30 whose children SMT (returned) holds its leaf child
// 1-1-1 at index 1, with its report.
func nodeWithChild(t *testing.T) (*commitment.ChildrenTree, commitment.Commitment, Report) {
	roots := ledger.EmptyRoots(testParams)
	kid := leafCommitment(commitment.MustPackVid([]uint8{1, 1, 1}), 20, 5)
	tree, err := commitment.NewChildrenTree(smt.NewMemStore())
	require.NoError(t, err)
	require.NoError(t, tree.SetChild(1, kid.Hash()))
	kids, err := tree.Root()
	require.NoError(t, err)
	report := Report{{20, 1}, {30, 1}}
	return tree, commitment.Commitment{
		Vid: commitment.MustPackVid([]uint8{1, 1}), LedgerRoot: roots.Ledger, OutboxRoot: roots.Outbox, ReceiptRoot: roots.Receipts,
		ChildrenRoot: kids, FinalizedChildrenRoot: commitment.EmptyChildrenRoot(),
		AnchorHeight: 30, AnchorCommitment: hash.Uint64(3000), AcceptanceDigest: report.Digest(),
		OperatorKeyHash: hash.Uint64(9), Epoch: 2,
	}, report
}

// TestNodeRegister: a node's commitment gains its registered child's genesis leaf and (0, 1),
// and the result is a report the node step gadget accepts from those children; a report that is
// not the commitment's preimage, an occupied slot or a foreign path is refused.
func TestNodeRegister(t *testing.T) {
	roots := ledger.EmptyRoots(testParams)
	tree, prev, prevReport := nodeWithChild(t)
	path, err := tree.Prove(2)
	require.NoError(t, err)
	occupied, err := tree.Prove(1)
	require.NoError(t, err)

	next, report, err := NodeRegister(prev, prevReport, 2, hash.Uint64(44), roots, path.Siblings, 4)
	require.NoError(t, err)
	require.Equal(t, Report{{0, 1}, {20, 1}, {30, 1}}, report)
	genesis := GenesisCommitment(commitment.MustPackVid([]uint8{1, 1, 2}), roots, hash.Uint64(44))
	require.NoError(t, tree.SetChild(2, genesis.Hash()))
	want := prev
	want.ChildrenRoot, err = tree.Root()
	require.NoError(t, err)
	want.AcceptanceDigest = report.Digest()
	require.Equal(t, want, next)
	require.NoError(t, CheckNodeReport(30, report, []Report{{{20, 1}}, GenesisReport()}, 4),
		"the node step gadget's rule holds over the genesis child")

	for name, call := range map[string]func() error{
		"a report that is not the preimage": func() error {
			_, _, err := NodeRegister(prev, Report{{30, 2}}, 2, hash.Uint64(44), roots, path.Siblings, 4)
			return err
		},
		"an occupied slot": func() error {
			_, _, err := NodeRegister(prev, prevReport, 1, hash.Uint64(44), roots, occupied.Siblings, 4)
			return err
		},
		"a path of another tree": func() error {
			bad := append([]fr.Element{hash.Uint64(1)}, path.Siblings[1:]...)
			_, _, err := NodeRegister(prev, prevReport, 2, hash.Uint64(44), roots, bad, 4)
			return err
		},
		"over the bucket cap": func() error {
			_, _, err := NodeRegister(prev, prevReport, 2, hash.Uint64(44), roots, path.Siblings, 2)
			return err
		},
	} {
		err := call()
		require.True(t, errors.Is(err, ErrWitness) || errors.Is(err, ErrReport), "%s: %v", name, err)
	}
}

// TestUnregisterGenesis: the native removal empties a slot only when it holds the genesis
// commitment of the chain registered there: an updated leaf, another operator's genesis, an
// empty slot or a foreign path are refused; undoing a registration gives the root before it.
func TestUnregisterGenesis(t *testing.T) {
	tree, err := commitment.NewChildrenTree(smt.NewMemStore())
	require.NoError(t, err)
	require.NoError(t, tree.SetChild(1, hash.Uint64(11)))
	before, err := tree.Root()
	require.NoError(t, err)
	roots := ledger.EmptyRoots(testParams)
	g := GenesisCommitment(commitment.MustPackVid([]uint8{1, 2}), roots, hash.Uint64(5))
	path, err := tree.Prove(2)
	require.NoError(t, err)
	registered, err := RegisterGenesis(before, 2, g, path.Siblings)
	require.NoError(t, err)

	after, err := UnregisterGenesis(registered, 2, g, path.Siblings)
	require.NoError(t, err)
	require.Equal(t, before, after, "the removal is the registration undone")

	updated, err := tree.Prove(1)
	require.NoError(t, err)
	other := GenesisCommitment(commitment.MustPackVid([]uint8{1, 2}), roots, hash.Uint64(6))
	for name, call := range map[string]func() error{
		"an updated leaf": func() error {
			_, err := UnregisterGenesis(registered, 1, GenesisCommitment(commitment.MustPackVid([]uint8{1, 1}), roots, hash.Uint64(5)), updated.Siblings)
			return err
		},
		"another operator's genesis": func() error { _, err := UnregisterGenesis(registered, 2, other, path.Siblings); return err },
		"an empty slot":              func() error { _, err := UnregisterGenesis(before, 2, g, path.Siblings); return err },
		"a foreign path": func() error {
			bad := append([]fr.Element{hash.Uint64(1)}, path.Siblings[1:]...)
			_, err := UnregisterGenesis(registered, 2, g, bad)
			return err
		},
		"index 0": func() error { _, err := UnregisterGenesis(registered, 0, g, path.Siblings); return err },
	} {
		require.True(t, errors.Is(call(), ErrWitness), name)
	}
}

// TestNodeUnregister: a node's commitment loses its never-updated child's genesis leaf and one
// (0, 1), exactly undoing NodeRegister; a report that is not the preimage, a report without a
// genesis count, another operator's genesis or a slot without it are refused.
func TestNodeUnregister(t *testing.T) {
	roots := ledger.EmptyRoots(testParams)
	tree, prev, prevReport := nodeWithChild(t)
	path, err := tree.Prove(2)
	require.NoError(t, err)
	registered, report, err := NodeRegister(prev, prevReport, 2, hash.Uint64(44), roots, path.Siblings, 4)
	require.NoError(t, err)

	back, backReport, err := NodeUnregister(registered, report, 2, hash.Uint64(44), roots, path.Siblings)
	require.NoError(t, err)
	require.Equal(t, prev, back, "the removal is the registration undone")
	require.Equal(t, prevReport, backReport)

	kidPath, err := tree.Prove(1)
	require.NoError(t, err)
	noGenesis := Report{{20, 2}, {30, 1}} // the same total, no height-0 count
	forged := registered
	forged.AcceptanceDigest = noGenesis.Digest()
	for name, call := range map[string]func() error{
		"a report that is not the preimage": func() error {
			_, _, err := NodeUnregister(registered, prevReport, 2, hash.Uint64(44), roots, path.Siblings)
			return err
		},
		"a report without a genesis count": func() error {
			_, _, err := NodeUnregister(forged, noGenesis, 2, hash.Uint64(44), roots, path.Siblings)
			return err
		},
		"another operator's genesis": func() error {
			_, _, err := NodeUnregister(registered, report, 2, hash.Uint64(45), roots, path.Siblings)
			return err
		},
		"an updated child": func() error {
			_, _, err := NodeUnregister(registered, report, 1, hash.Uint64(5), roots, kidPath.Siblings)
			return err
		},
		"a slot without it": func() error {
			_, _, err := NodeUnregister(prev, prevReport, 2, hash.Uint64(44), roots, path.Siblings)
			return err
		},
	} {
		err := call()
		require.True(t, errors.Is(err, ErrWitness) || errors.Is(err, ErrReport), "%s: %v", name, err)
	}
}
