package types_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/slush-tree/slush/circuits/commitment"
	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/ledger"
	slushtypes "github.com/slush-tree/slush/types"
	"github.com/slush-tree/slush/x/ledger/types"
)

// TestCheckSignedFor: an op signed for the chain passes; one signed for a nearby chain is
// refused with ErrWrongChain naming that chain; one signed for a far chain or corrupt is
// refused saying no nearby chain matched.
func TestCheckSignedFor(t *testing.T) {
	key := ledger.KeyFromSeed([]byte("alice"))
	bob := ledger.OwnerHash(ledger.KeyFromSeed([]byte("bob")).PublicKey)
	transfer := func(path []uint8) ledger.Op {
		op, err := ledger.NewTransfer(commitment.MustPackVid(path), key, 0, bob, hash.Uint64(7), 5, 0)
		require.NoError(t, err)
		return op
	}
	bridgeOut := func(path, dst []uint8) ledger.Op {
		op, err := ledger.NewBridgeOut(commitment.MustPackVid(path), key, 0, hash.Uint64(7), 5, 0, commitment.MustPackVid(dst), bob, 100)
		require.NoError(t, err)
		return op
	}
	corrupt := transfer([]uint8{1, 2})
	corrupt.Nonce = 1
	for _, c := range []struct {
		name string
		op   ledger.Op
		own  slushtypes.Path
		want string // "" = accepted
	}{
		{"own chain", transfer([]uint8{1, 2}), slushtypes.Path{1, 2}, ""},
		{"own chain, the root", transfer(nil), slushtypes.Path{}, ""},
		{"bridge-out", bridgeOut([]uint8{1, 2}, []uint8{2, 1}), slushtypes.Path{1, 2}, ""},
		{"sibling", transfer([]uint8{1, 1}), slushtypes.Path{1, 2}, "signed for chain 1-1"},
		{"parent", transfer([]uint8{1}), slushtypes.Path{1, 2}, "signed for chain 1 "},
		{"root", transfer(nil), slushtypes.Path{1, 2}, "signed for chain root"},
		{"own child", transfer([]uint8{1, 2, 3}), slushtypes.Path{1, 2}, "signed for chain 1-2-3"},
		{"uncle", transfer([]uint8{2}), slushtypes.Path{1, 2}, "signed for chain 2 "},
		{"child of the root, from the root", transfer([]uint8{4}), slushtypes.Path{}, "signed for chain 4 "},
		{"bridge-out signed for its far destination", bridgeOut([]uint8{3, 3, 3}, []uint8{3, 3, 3}), slushtypes.Path{1, 2}, "signed for chain 3-3-3"},
		{"far chain", transfer([]uint8{3, 3, 3}), slushtypes.Path{1, 2}, "does not verify for this chain 1-2"},
		{"corrupt signature", corrupt, slushtypes.Path{1, 2}, "does not verify for this chain 1-2"},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := types.CheckSignedFor(c.op, c.own)
			if c.want == "" {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, types.ErrWrongChain)
			require.True(t, strings.Contains(err.Error(), c.want), "%q names %q", err, c.want)
			if c.want != "does not verify for this chain 1-2" {
				require.Contains(t, err.Error(), "but this chain is "+c.own.String()+" ")
				return
			}
		})
	}
}

// TestNearbyChains: the search order is fixed (destination, ancestors, own children, then the
// children of each ancestor), without the chain itself or repeats, and bounded.
func TestNearbyChains(t *testing.T) {
	names := func(ps []slushtypes.Path) string {
		s := make([]string, len(ps))
		for i, p := range ps {
			s[i] = p.String()
		}
		return strings.Join(s, " ")
	}
	got := types.NearbyChains(ledger.Op{Kind: ledger.OpTransfer}, slushtypes.Path{1, 2})
	require.Equal(t, "1 root 1-2-1 1-2-2 1-2-3 1-2-4 1-2-5 1-2-6 1-2-7 1-2-8 1-1 1-3 1-4 1-5 1-6 1-7 1-8 2 3 4 5 6 7 8", names(got))
	require.Len(t, types.NearbyChains(ledger.Op{Kind: ledger.OpTransfer}, slushtypes.Path{1, 2, 3, 4}), types.MaxNearbyChains, "bounded")
	dst := ledger.Op{Kind: ledger.OpBridgeOut, DstVid: commitment.MustPackVid([]uint8{1})}
	require.Equal(t, "1 root 1-2-1", names(types.NearbyChains(dst, slushtypes.Path{1, 2})[:3]), "a destination already listed is not repeated")
	deep := make(slushtypes.Path, slushtypes.MaxDepth)
	for i := range deep {
		deep[i] = 1
	}
	for _, p := range types.NearbyChains(ledger.Op{Kind: ledger.OpTransfer}, deep) {
		require.LessOrEqual(t, len(p), slushtypes.MaxDepth, "no child below the deepest level")
	}
}

// TestCheckSignedForWorstCase: a corrupt op costs CheckTx at most 1+MaxNearbyChains
// verifications; the time is logged (and bounded generously for a shared machine).
func TestCheckSignedForWorstCase(t *testing.T) {
	key := ledger.KeyFromSeed([]byte("alice"))
	op, err := ledger.NewTransfer(commitment.MustPackVid([]uint8{9, 9, 9}), key, 0, hash.Uint64(1), hash.Uint64(7), 5, 0)
	require.NoError(t, err)
	start := time.Now()
	require.ErrorIs(t, types.CheckSignedFor(op, slushtypes.Path{1, 2, 3, 4}), types.ErrWrongChain)
	took := time.Since(start)
	t.Logf("worst case (%d chains tried): %v", 1+types.MaxNearbyChains, took)
	require.Less(t, took, 2*time.Second)
}
