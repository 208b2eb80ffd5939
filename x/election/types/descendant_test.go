package types_test

import (
	"testing"

	slushtypes "github.com/slush-tree/slush/types"

	"github.com/stretchr/testify/require"

	"github.com/slush-tree/slush/circuits/commitment"
	"github.com/slush-tree/slush/circuits/hash"
	acceptancetypes "github.com/slush-tree/slush/x/acceptance/types"
	"github.com/slush-tree/slush/x/election/testutil"
	"github.com/slush-tree/slush/x/election/types"
)

// shape is v = [1] with a = [1 1] {a1, a2} and b = [1 2] {b1, b2, b3}: b_v = 8.
var shape = [][]uint8{{1}, {1, 1}, {1, 2}, {2}, {2, 1}, {2, 2}, {2, 3}}

func newTree(t *testing.T) *testutil.Tree {
	t.Helper()
	tree, err := testutil.NewTree([]uint8{1}, shape, 4, 0)
	require.NoError(t, err)
	require.Equal(t, uint64(8), tree.Subtree())
	return tree
}

func proof(t *testing.T, tree *testutil.Tree, path ...uint8) types.DescendantProof {
	t.Helper()
	p, err := tree.Proof(path...)
	require.NoError(t, err)
	return p
}

func TestVerifyDescendant(t *testing.T) {
	tree := newTree(t)
	for _, path := range [][]uint8{{1, 1}, {1, 2}, {1, 1, 2}, {1, 2, 3}} {
		d, err := types.VerifyDescendant(tree.RootHash(), []uint8{1}, proof(t, tree, path...))
		require.NoError(t, err, "%v", path)
		require.Equal(t, path, d.Path)
		require.Equal(t, tree.Node(path...).Commitment, d.Commitment)
	}
}

// TestVerifyDescendantRejections breaks every rule of the commitment chain once.
func TestVerifyDescendantRejections(t *testing.T) {
	tree := newTree(t)
	other, err := testutil.NewTree([]uint8{1}, shape, 4, 1) // same shape, other state
	require.NoError(t, err)
	sibling, err := testutil.NewTree([]uint8{2}, shape, 4, 0) // v's sibling under p
	require.NoError(t, err)
	cases := []struct {
		name      string
		childPath []uint8
		proof     func() types.DescendantProof
		wantErr   error
	}{
		{"v itself (no hop)", []uint8{1}, func() types.DescendantProof { return proof(t, tree, 1) }, types.ErrNotDescendant},
		{"chain to another commitment of v", []uint8{1}, func() types.DescendantProof { return proof(t, other, 1, 1) }, types.ErrNotDescendant},
		{"descendant of another child of p", []uint8{1}, func() types.DescendantProof { return proof(t, sibling, 2, 1) }, types.ErrNotDescendant},
		{"child preimage names another vid", []uint8{3}, func() types.DescendantProof { return proof(t, tree, 1, 1) }, types.ErrNotDescendant},
		{"hop from another state spliced in", []uint8{1}, func() types.DescendantProof {
			p := proof(t, tree, 1, 1, 1)
			p.Hops[1] = proof(t, other, 1, 1, 1).Hops[1]
			return p
		}, types.ErrNotDescendant},
		{"wrong sibling", []uint8{1}, func() types.DescendantProof {
			p := proof(t, tree, 1, 2, 1)
			p.Hops[1].Siblings[3] = testutil.Element(7)
			return p
		}, types.ErrNotDescendant},
		{"too few siblings", []uint8{1}, func() types.DescendantProof {
			p := proof(t, tree, 1, 2)
			p.Hops[0].Siblings = p.Hops[0].Siblings[1:]
			return p
		}, types.ErrNotDescendant},
		{"hop skips a level", []uint8{1}, func() types.DescendantProof {
			p := proof(t, tree, 1, 1, 1)
			p.Hops = p.Hops[1:]
			return p
		}, types.ErrNotDescendant},
		{"hop index not the path's (leaf of [1 1] claimed at [1 2])", []uint8{1}, func() types.DescendantProof {
			p := proof(t, tree, 1, 1)
			p.Hops[0].Siblings = proof(t, tree, 1, 2).Hops[0].Siblings
			p.Hops[0].Commitment.Vid = hash.EncodeElement(commitment.MustPackVid([]uint8{1, 2}))
			return p
		}, types.ErrNotDescendant},
		{"non-canonical sibling", []uint8{1}, func() types.DescendantProof {
			p := proof(t, tree, 1, 1)
			p.Hops[0].Siblings[0] = append([]byte{}, make([]byte, 32)...)
			for i := range p.Hops[0].Siblings[0] {
				p.Hops[0].Siblings[0][i] = 0xff
			}
			return p
		}, types.ErrInvalidField},
		{"hop preimage with another finalized children root", []uint8{1}, func() types.DescendantProof {
			p := proof(t, tree, 1, 1, 1)
			p.Hops[0].Commitment.FinalizedChildrenRoot = testutil.Element(9)
			return p
		}, types.ErrNotDescendant},
		{"v's preimage with another finalized children root", []uint8{1}, func() types.DescendantProof {
			p := proof(t, tree, 1, 1)
			p.Child.FinalizedChildrenRoot = testutil.Element(9)
			return p
		}, types.ErrNotDescendant},
		{"short finalized children root in a hop", []uint8{1}, func() types.DescendantProof {
			p := proof(t, tree, 1, 1)
			p.Hops[0].Commitment.FinalizedChildrenRoot = p.Hops[0].Commitment.FinalizedChildrenRoot[1:]
			return p
		}, types.ErrInvalidField},
		{"short field in the child preimage", []uint8{1}, func() types.DescendantProof {
			p := proof(t, tree, 1, 1)
			p.Child.LedgerRoot = p.Child.LedgerRoot[1:]
			return p
		}, types.ErrInvalidField},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := types.VerifyDescendant(tree.RootHash(), tc.childPath, tc.proof())
			require.ErrorIs(t, err, tc.wantErr)
		})
	}
}

// TestVerifyDescendantWalksLatestChildren: descendant proofs open the parents' latest children
// roots (a voter's current state, DESIGN §9), never the finalized-children roots that bridge
// inclusion proofs walk: with v's two roots swapped, the same hops no longer verify.
func TestVerifyDescendantWalksLatestChildren(t *testing.T) {
	tree := newTree(t)
	v := tree.Root.Commitment
	require.NotEqual(t, v.ChildrenRoot, v.FinalizedChildrenRoot, "the fixture keeps the two roots apart")
	for _, tc := range []struct {
		name    string
		edit    func(c *commitment.Commitment)
		wantErr error
	}{
		{"v as committed", func(*commitment.Commitment) {}, nil},
		{"the children only in v's finalized children root", func(c *commitment.Commitment) {
			c.ChildrenRoot, c.FinalizedChildrenRoot = c.FinalizedChildrenRoot, c.ChildrenRoot
		}, types.ErrNotDescendant},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := v
			tc.edit(&c)
			p := proof(t, tree, 1, 2, 3)
			p.Child = slushtypes.NewCommitmentFields(c)
			d, err := types.VerifyDescendant(hash.EncodeElement(c.Hash()), []uint8{1}, p)
			if tc.wantErr != nil {
				require.ErrorIs(t, err, tc.wantErr)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tree.Node(1, 2, 3).Commitment, d.Commitment)
		})
	}
}

func TestVoterWeight(t *testing.T) {
	tree := newTree(t)
	a := tree.Node(1, 1)
	buckets := acceptancetypes.HistogramToProto(a.Histogram)
	w, err := types.VoterWeight(buckets, a.Commitment, 7)
	require.NoError(t, err)
	require.Equal(t, uint64(3), w, "a's subtree: a, a1, a2")

	cases := []struct {
		name     string
		buckets  []acceptancetypes.HistogramBucket
		maxTotal uint64
	}{
		{"another node's histogram", acceptancetypes.HistogramToProto(tree.Node(1, 2).Histogram), 7},
		{"inflated count", []acceptancetypes.HistogramBucket{{Height: buckets[0].Height, Count: 5}}, 7},
		{"more than the child's descendants", buckets, 2},
		{"empty", nil, 7},
		{"unsorted", []acceptancetypes.HistogramBucket{{Height: 3, Count: 1}, {Height: 2, Count: 2}}, 7},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := types.VoterWeight(tc.buckets, a.Commitment, tc.maxTotal)
			require.ErrorIs(t, err, types.ErrInvalidHistogram)
		})
	}
}

func TestSubtreeEnd(t *testing.T) {
	require.Equal(t, []byte{1, 3}, types.SubtreeEnd([]byte{1, 2}))
	require.Equal(t, []byte{2}, types.SubtreeEnd([]byte{1, 0xff}))
	require.Nil(t, types.SubtreeEnd([]byte{0xff, 0xff}))
}

func TestMajority(t *testing.T) {
	cases := []struct {
		votes, subtree uint64
		want           bool
	}{
		{0, 1, false}, {1, 1, true}, // no descendants: any counted vote exceeds half of 0
		{3, 8, false}, {4, 8, true}, // b_v − 1 = 7: 2·3 = 6 ≤ 7, 2·4 = 8 > 7
		{3, 7, false}, {4, 7, true}, // b_v − 1 = 6: exactly half is not a majority
		{1, 0, false},
		{^uint64(0) / 2, ^uint64(0), false}, {^uint64(0)/2 + 1, ^uint64(0), true},
	}
	for _, tc := range cases {
		require.Equal(t, tc.want, types.Majority(tc.votes, tc.subtree), "votes %d subtree %d", tc.votes, tc.subtree)
	}
}

// BenchmarkVerifyDescendant: the native work of the deepest possible vote (v at depth 1, the
// voter 15 levels below) plus its signature check.
func BenchmarkVerifyDescendant(b *testing.B) {
	var chain [][]uint8
	for d := 1; d <= 15; d++ {
		rel := make([]uint8, d)
		for i := range rel {
			rel[i] = 1
		}
		chain = append(chain, rel)
	}
	tree, err := testutil.NewTree([]uint8{1}, chain, 20, 0)
	require.NoError(b, err)
	path := append([]uint8{1}, chain[14]...)
	p, err := tree.Proof(path...)
	require.NoError(b, err)
	leaf := tree.Node(path...)
	msg := types.ReportMessage(tree.Root.Commitment.Vid, 0, tree.Root.Commitment.Hash())
	sig, err := types.SignMessage(leaf.Key, msg)
	require.NoError(b, err)
	b.ResetTimer()
	for range b.N {
		d, err := types.VerifyDescendant(tree.RootHash(), []uint8{1}, p)
		if err != nil || len(d.Path) != 16 {
			b.Fatal(err)
		}
		pub, err := types.DecodePublicKey(leaf.Key.PublicKey.Bytes())
		if err != nil {
			b.Fatal(err)
		}
		if err := types.VerifySignature(pub, msg, sig); err != nil {
			b.Fatal(err)
		}
	}
}
