package keeper_test

import (
	"context"
	"testing"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"cosmossdk.io/collections"

	"github.com/slush-tree/slush/circuits/commitment"
	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/smt"
	"github.com/slush-tree/slush/x/acceptance/keeper"
	"github.com/slush-tree/slush/x/acceptance/types"
)

// finalizedRoot returns the keeper's finalized-children root.
func finalizedRoot(t *testing.T, ctx context.Context, k keeper.Keeper) fr.Element {
	t.Helper()
	root, err := k.FinalizedChildrenRoot(ctx)
	require.NoError(t, err)
	return root
}

// requireFinalizedLeaf checks that FinalizedChildProof returns want for child index and that
// its proof verifies natively against FinalizedChildrenRoot.
func requireFinalizedLeaf(t *testing.T, ctx context.Context, k keeper.Keeper, index uint32, want []byte) smt.Proof {
	t.Helper()
	got, proof, err := k.FinalizedChildProof(ctx, index)
	require.NoError(t, err)
	require.Equal(t, want, got)
	h, err := hash.DecodeElement(want)
	require.NoError(t, err)
	leaf := smt.Proof{Index: uint64(index), Value: commitment.ChildLeaf(uint8(index), h), Siblings: proof.Siblings}
	require.NoError(t, smt.VerifyProof(finalizedRoot(t, ctx, k), commitment.ChildrenDepth, leaf))
	require.Equal(t, leaf.Value, proof.Value)
	return leaf
}

// expectedRoot builds the finalized-children root independently, in memory.
func expectedRoot(t *testing.T, leaves map[uint8][]byte) fr.Element {
	t.Helper()
	tree, err := commitment.NewChildrenTree(smt.NewMemStore())
	require.NoError(t, err)
	for index, c := range leaves {
		h, err := hash.DecodeElement(c)
		require.NoError(t, err)
		require.NoError(t, tree.SetChild(index, h))
	}
	root, err := tree.Root()
	require.NoError(t, err)
	return root
}

// TestFinalizedLeafFollowsFinalization: a child's leaf is absent until a hash of it is
// finalized, is that hash's commitment once it is, and moves when finality moves.
func TestFinalizedLeafFollowsFinalization(t *testing.T) {
	env, k := setupNode(t, false)
	ctx := env.Ctx
	require.Equal(t, commitment.EmptyChildrenRoot(), finalizedRoot(t, ctx, k))
	require.NoError(t, k.OnChildRegistered(ctx, 1))
	require.NoError(t, k.OnChildRegistered(ctx, 2))
	_, _, err := k.FinalizedChildProof(ctx, 1)
	require.ErrorIs(t, err, types.ErrNotFinalized, "registered, never updated")

	// child 1 (b = 1): hash@1 starts at (0, 1); the update at 2 gives it a = 1 → final
	require.NoError(t, k.OnChildUpdate(ctx, 1, 1, commit(1, 1), hist(1, 1), 1))
	_, _, err = k.FinalizedChildProof(ctx, 1)
	require.ErrorIs(t, err, types.ErrNotFinalized, "a fresh hash is not final")
	require.Equal(t, commitment.EmptyChildrenRoot(), finalizedRoot(t, ctx, k))
	require.NoError(t, k.OnChildUpdate(ctx, 1, 2, commit(1, 2), hist(2, 1), 1))
	first := requireFinalizedLeaf(t, ctx, k, 1, commit(1, 1))
	require.Equal(t, expectedRoot(t, map[uint8][]byte{1: commit(1, 1)}), finalizedRoot(t, ctx, k))

	// child 2 (b = 3) updates alone: never a majority, so no leaf
	require.NoError(t, k.OnChildUpdate(ctx, 2, 3, commit(2, 3), hist(3, 1), 3))
	require.NoError(t, k.OnChildUpdate(ctx, 2, 4, commit(2, 4), hist(4, 1), 3))
	_, _, err = k.FinalizedChildProof(ctx, 2)
	require.ErrorIs(t, err, types.ErrNotFinalized)

	// child 1 updates at 5: hash@2 is final, the leaf moves and the old proof no longer verifies
	require.NoError(t, k.OnChildUpdate(ctx, 1, 5, commit(1, 5), hist(5, 1), 1))
	requireFinalizedLeaf(t, ctx, k, 1, commit(1, 2))
	require.Error(t, smt.VerifyProof(finalizedRoot(t, ctx, k), commitment.ChildrenDepth, first))
	require.Equal(t, expectedRoot(t, map[uint8][]byte{1: commit(1, 2)}), finalizedRoot(t, ctx, k))

	// child 2's descendants catch up (hash@4 has a = 3 of b = 3): both leaves are proven
	require.NoError(t, k.OnChildUpdate(ctx, 2, 6, commit(2, 6), hist(5, 2, 6, 1), 3))
	requireFinalizedLeaf(t, ctx, k, 2, commit(2, 4))
	requireFinalizedLeaf(t, ctx, k, 1, commit(1, 2))
	require.Equal(t, expectedRoot(t, map[uint8][]byte{1: commit(1, 2), 2: commit(2, 4)}), finalizedRoot(t, ctx, k))
}

// finalizeChild registers child index and finalizes its hash at height h (b = 1), leaving
// the hash at h+1 pending.
func finalizeChild(t *testing.T, ctx context.Context, k keeper.Keeper, index uint32, h uint64) {
	t.Helper()
	require.NoError(t, k.OnChildRegistered(ctx, index))
	require.NoError(t, k.OnChildUpdate(ctx, index, h, commit(int(index), h), hist(h, 1), 1))
	require.NoError(t, k.OnChildUpdate(ctx, index, h+1, commit(int(index), h+1), hist(h+1, 1), 1))
}

func TestFinalizedChildProofQuery(t *testing.T) {
	env, k := setupNode(t, false)
	q := keeper.NewQueryServerImpl(&k)
	finalizeChild(t, env.Ctx, k, 1, 1)
	require.NoError(t, k.OnChildRegistered(env.Ctx, 2))
	cases := []struct {
		name  string
		index uint32
		code  codes.Code
	}{
		{"finalized child", 1, codes.OK},
		{"registered, not finalized", 2, codes.NotFound},
		{"no record", 7, codes.NotFound},
		{"index 0", 0, codes.InvalidArgument},
		{"index 256", 256, codes.InvalidArgument},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res, err := q.FinalizedChildProof(env.Ctx, &types.QueryFinalizedChildProofRequest{ChildIndex: tc.index})
			require.Equal(t, tc.code, status.Code(err), "%v", err)
			if tc.code != codes.OK {
				require.NotEmpty(t, status.Convert(err).Message())
				return
			}
			require.Equal(t, commit(1, 1), res.Commitment)
			require.Len(t, res.Siblings, commitment.ChildrenDepth)
			root, err := hash.DecodeElement(res.FinalizedChildrenRoot)
			require.NoError(t, err)
			require.Equal(t, finalizedRoot(t, env.Ctx, k), root)
			siblings := make([]fr.Element, len(res.Siblings))
			for i, s := range res.Siblings {
				siblings[i], err = hash.DecodeElement(s)
				require.NoError(t, err)
			}
			h, err := hash.DecodeElement(res.Commitment)
			require.NoError(t, err)
			proof := smt.Proof{Index: 1, Value: commitment.ChildLeaf(1, h), Siblings: siblings}
			require.NoError(t, smt.VerifyProof(root, commitment.ChildrenDepth, proof))
		})
	}
}

// TestOnChildRemovedFreesIndex: a removed child loses its record and its leaf, and its index
// can be registered again (it could not while the stale record stayed).
func TestOnChildRemovedFreesIndex(t *testing.T) {
	env, k := setupNode(t, false)
	ctx := env.Ctx
	finalizeChild(t, ctx, k, 1, 1)
	finalizeChild(t, ctx, k, 2, 1)
	require.ErrorIs(t, k.OnChildRegistered(ctx, 1), types.ErrInvalidRecord, "the stale record blocks reuse")

	require.NoError(t, k.OnChildRemoved(ctx, 1))
	_, _, err := k.FinalizedChildProof(ctx, 1)
	require.ErrorIs(t, err, types.ErrNotFinalized)
	require.Equal(t, expectedRoot(t, map[uint8][]byte{2: commit(2, 1)}), finalizedRoot(t, ctx, k))
	requireFinalizedLeaf(t, ctx, k, 2, commit(2, 1))

	require.NoError(t, k.OnChildRegistered(ctx, 1), "the index is free again")
	record, err := k.Children.Get(ctx, 1)
	require.NoError(t, err)
	require.Equal(t, types.AcceptanceRecord{Subtree: 1}, record)
	report, err := k.SubtreeReport(ctx, 10)
	require.NoError(t, err)
	require.Equal(t, uint64(3), report.Subtree, "1 + the new child (b = 1) + child 2 (b = 1)")

	require.NoError(t, k.OnChildRemoved(ctx, 2))
	require.NoError(t, k.OnChildRemoved(ctx, 2), "removing twice is a no-op")
	require.Equal(t, commitment.EmptyChildrenRoot(), finalizedRoot(t, ctx, k))
	require.ErrorIs(t, k.OnChildRemoved(ctx, 0), types.ErrInvalidChildIndex)
	require.ErrorIs(t, k.OnChildRemoved(ctx, 256), types.ErrInvalidChildIndex)
}

// TestRollbackKeepsFinalizedLeaf: a rollback drops pending hashes only; the finalized hash and
// so the finalized-children root stay.
func TestRollbackKeepsFinalizedLeaf(t *testing.T) {
	env, k := setupNode(t, false)
	finalizeChild(t, env.Ctx, k, 1, 1)
	before := finalizedRoot(t, env.Ctx, k)
	require.NoError(t, k.RollbackToFinalized(env.Ctx, 1))
	record, err := k.Children.Get(env.Ctx, 1)
	require.NoError(t, err)
	require.Len(t, record.Hashes, 1, "the pending hash@2 is dropped")
	require.Equal(t, before, finalizedRoot(t, env.Ctx, k))
	requireFinalizedLeaf(t, env.Ctx, k, 1, commit(1, 1))
}

// TestGenesisRebuildsFinalizedTree: the finalized-children SMT is not exported, and an import
// rebuilds the same root from the records that have a finalized hash.
func TestGenesisRebuildsFinalizedTree(t *testing.T) {
	env, k := setupNode(t, false)
	finalizeChild(t, env.Ctx, k, 1, 1)
	finalizeChild(t, env.Ctx, k, 3, 4)
	require.NoError(t, k.OnChildRegistered(env.Ctx, 2))
	require.NoError(t, k.OnChildUpdate(env.Ctx, 2, 2, commit(2, 2), hist(2, 1), 1))
	want := finalizedRoot(t, env.Ctx, k)
	require.Equal(t, expectedRoot(t, map[uint8][]byte{1: commit(1, 1), 3: commit(3, 4)}), want)

	exported, err := k.ExportGenesis(env.Ctx)
	require.NoError(t, err)
	env2, k2 := setupNode(t, false)
	require.NoError(t, k2.InitGenesis(env2.Ctx, exported))
	require.Equal(t, want, finalizedRoot(t, env2.Ctx, k2))
	requireFinalizedLeaf(t, env2.Ctx, k2, 1, commit(1, 1))
	requireFinalizedLeaf(t, env2.Ctx, k2, 3, commit(3, 4))
	_, _, err = k2.FinalizedChildProof(env2.Ctx, 2)
	require.ErrorIs(t, err, types.ErrNotFinalized)
	again, err := k2.ExportGenesis(env2.Ctx)
	require.NoError(t, err)
	require.Equal(t, exported, again)
}

// TestOnChildDepartedStopsCounting (issue 20): a child that left for another parent no longer
// counts in this chain's report — with a large departed subtree a majority of this chain's
// descendants could otherwise never accept anything again — and takes no update here; its
// finalized hash and leaf stay (claims through the old position), also across a genesis round
// trip.
func TestOnChildDepartedStopsCounting(t *testing.T) {
	env, k := setupNode(t, false)
	ctx := env.Ctx
	finalizeChild(t, ctx, k, 1, 1)
	finalizeChild(t, ctx, k, 2, 1)
	require.NoError(t, k.OnChildUpdate(ctx, 1, 3, commit(1, 3), hist(2, 5, 3, 1), 6), "child 1 now holds 5 more nodes")
	before := finalizedRoot(t, ctx, k)
	report, err := k.SubtreeReport(ctx, 10)
	require.NoError(t, err)
	require.Equal(t, uint64(8), report.Subtree, "1 + 6 + 1")

	require.NoError(t, k.OnChildDeparted(ctx, 1))
	report, err = k.SubtreeReport(ctx, 10)
	require.NoError(t, err)
	require.Equal(t, uint64(2), report.Subtree, "itself and child 2")
	require.Equal(t, hist(2, 1, 10, 1), types.HistogramFromProto(report.Histogram), "child 2's last report and the own update")
	require.Equal(t, before, finalizedRoot(t, ctx, k), "the departed child's finalized leaf stays")
	requireFinalizedLeaf(t, ctx, k, 1, commit(1, 1))
	require.ErrorIs(t, k.OnChildUpdate(ctx, 1, 4, commit(1, 4), hist(4, 1), 1), types.ErrChildDeparted)
	require.ErrorIs(t, k.OnChildDeparted(ctx, 3), collections.ErrNotFound, "no record")

	gs, err := k.ExportGenesis(ctx)
	require.NoError(t, err)
	require.NoError(t, gs.Validate())
	env2, k2 := setupNode(t, false)
	require.NoError(t, k2.InitGenesis(env2.Ctx, gs))
	again, err := k2.SubtreeReport(env2.Ctx, 10)
	require.NoError(t, err)
	require.Equal(t, report, again)
	require.Equal(t, before, finalizedRoot(t, env2.Ctx, k2))
}
