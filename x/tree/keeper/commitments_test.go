package keeper_test

import (
	"testing"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/stretchr/testify/require"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/x/tree/keeper"
	"github.com/slush-tree/slush/x/tree/types"
)

// withHistorySize is genesis gs with root_history_size n.
func withHistorySize(gs *types.GenesisState, n uint32) *types.GenesisState {
	gs.Params.RootHistorySize = n
	return gs
}

// record stores own commitment c at block height h, as x/validium's EndBlock does.
func record(t *testing.T, ctx sdk.Context, k keeper.Keeper, h int64, c []byte) sdk.Context {
	t.Helper()
	ctx = ctx.WithBlockHeight(h)
	require.NoError(t, k.RecordOwnCommitment(ctx, types.OwnCommitment{Height: h, Commitment: c, LogLength: uint64(h)}))
	return ctx
}

// TestOwnCommitmentsPerBlockAndAnchors proves that at the root each block's commitment is
// stored and served by height, as the root commitment at that root height and as the anchor of
// the next block (its own height and previous commitment), and that only root_history_size
// heights are kept.
func TestOwnCommitmentsPerBlockAndAnchors(t *testing.T) {
	env, k := newKeeper(t, withHistorySize(types.DefaultGenesisState(), 3))
	q := keeper.NewQueryServerImpl(&k)
	_, err := q.Commitment(env.Ctx, &types.QueryCommitmentRequest{})
	require.ErrorIs(t, err, types.ErrNoCommitment, "no commitment before the first block")

	prev := zero
	for h := int64(1); h <= 6; h++ {
		ctx := env.Ctx.WithBlockHeight(h)
		anchorHeight, anchor, err := k.Anchor(ctx)
		require.NoError(t, err)
		require.Equal(t, uint64(h), anchorHeight, "the root anchors to its own height")
		require.Equal(t, prev, anchor, "and to its previous commitment")

		own := commitmentOf(uint64(100 + h))
		record(t, ctx, k, h, own)
		c, err := q.Commitment(ctx, &types.QueryCommitmentRequest{Height: h})
		require.NoError(t, err)
		require.Equal(t, types.OwnCommitment{Height: h, Commitment: own, LogLength: uint64(h)}, c.Commitment)
		known, ok, err := k.RootCommitmentAt(ctx, uint64(h))
		require.NoError(t, err)
		require.True(t, ok)
		require.Equal(t, own, known, "the root's commitment is the root commitment")
		rc, err := q.RootCommitment(ctx, &types.QueryRootCommitmentRequest{})
		require.NoError(t, err)
		require.Equal(t, &types.QueryRootCommitmentResponse{RootHeight: uint64(h), Commitment: own, Known: true}, rc)
		prev, err = hash.DecodeElement(own)
		require.NoError(t, err)
	}

	ctx := env.Ctx.WithBlockHeight(6)
	for _, tc := range []struct {
		height uint64
		known  bool
	}{{1, false}, {3, false}, {4, true}, {6, true}, {7, false}, {1<<62 + 1, false}} {
		_, ok, err := k.RootCommitmentAt(ctx, tc.height)
		require.NoError(t, err)
		require.Equal(t, tc.known, ok, "root height %d (heights up to 6-3 are pruned)", tc.height)
	}
	_, err = q.Commitment(ctx, &types.QueryCommitmentRequest{Height: 2})
	require.ErrorIs(t, err, types.ErrNoCommitment)
	_, err = q.CommitmentByHash(ctx, &types.QueryCommitmentByHashRequest{Commitment: commitmentOf(102)})
	require.ErrorIs(t, err, types.ErrNoCommitment, "a pruned hash leaves the index")
	latest, err := q.Commitment(ctx, &types.QueryCommitmentRequest{})
	require.NoError(t, err)
	require.Equal(t, int64(6), latest.Commitment.Height)
}

// TestPruneCommitmentsKeepsIndex proves pruning the first height of a commitment that later
// blocks repeated moves the by-hash index to the next copy still stored, and a hash with no copy
// left leaves the index.
func TestPruneCommitmentsKeepsIndex(t *testing.T) {
	env, k := newKeeper(t, withHistorySize(types.DefaultGenesisState(), 3))
	q := keeper.NewQueryServerImpl(&k)
	a, b, c := commitmentOf(1), commitmentOf(2), commitmentOf(3)
	// after block 5 heights 3..5 are kept; after block 6 heights 4..6
	want := map[int64]map[string]int64{ // hash -> indexed height (0: not found)
		5: {string(a): 0, string(b): 3, string(c): 5},
		6: {string(a): 0, string(b): 4, string(c): 5},
	}
	for h, cm := range [][]byte{a, b, b, b, c, c} {
		height := int64(h + 1)
		ctx := record(t, env.Ctx, k, height, cm)
		if want[height] == nil {
			continue
		}
		for hash, wantHeight := range want[height] {
			res, err := q.CommitmentByHash(ctx, &types.QueryCommitmentByHashRequest{Commitment: []byte(hash)})
			if wantHeight == 0 {
				require.ErrorIs(t, err, types.ErrNoCommitment, "after block %d", height)
				continue
			}
			require.NoError(t, err, "after block %d", height)
			require.Equal(t, wantHeight, res.Commitment.Height, "after block %d", height)
			require.Equal(t, []byte(hash), res.Commitment.Commitment)
		}
	}
}

// TestPruneCommitmentsBounded proves one block prunes at most 16 stale commitments (oldest
// first), so a long backlog (e.g. after root_history_size shrank) is worked off over blocks.
func TestPruneCommitmentsBounded(t *testing.T) {
	gs := withHistorySize(types.DefaultGenesisState(), 3)
	for h := int64(1); h <= 40; h++ {
		gs.Commitments = append(gs.Commitments, types.OwnCommitment{Height: h, Commitment: commitmentOf(uint64(h))})
	}
	env, k := newKeeper(t, gs)
	for _, step := range []struct {
		block        int64
		oldestStored int64
	}{{41, 17}, {42, 33}, {43, 41}} {
		ctx := record(t, env.Ctx, k, step.block, commitmentOf(uint64(step.block)))
		for h := int64(1); h <= step.block; h++ {
			has, err := k.Commitments.Has(ctx, h)
			require.NoError(t, err)
			require.Equal(t, h >= step.oldestStored, has, "height %d after block %d", h, step.block)
			indexed, err := k.CommitmentHeights.Has(ctx, commitmentOf(uint64(h)))
			require.NoError(t, err)
			require.Equal(t, has, indexed, "the index follows the store at height %d", h)
		}
	}
}

// TestRootHistory proves a non-root chain records the root commitments its parent sync proves,
// keeps those within root_history_size of the newest, refuses non-canonical ones, never moves
// its root clock back, and anchors to the newest one it knows (zero before its first sync).
func TestRootHistory(t *testing.T) {
	env, k := newKeeper(t, withHistorySize(childGenesis(), 2))
	q := keeper.NewQueryServerImpl(&k)
	h, c, err := k.Anchor(env.Ctx)
	require.NoError(t, err)
	require.Zero(t, h, "before the first sync: root clock 0")
	require.Equal(t, zero, c)
	rc, err := q.RootCommitment(env.Ctx, &types.QueryRootCommitmentRequest{})
	require.NoError(t, err)
	require.False(t, rc.Known)

	for _, rh := range []uint64{10, 12, 11} {
		require.NoError(t, k.RecordRootCommitment(env.Ctx, rh, commitmentOf(100+rh)))
	}
	for _, tc := range []struct {
		height uint64
		known  bool
	}{{10, false}, {11, true}, {12, true}, {13, false}} {
		got, ok, err := k.RootCommitmentAt(env.Ctx, tc.height)
		require.NoError(t, err)
		require.Equal(t, tc.known, ok, "root height %d", tc.height)
		if ok {
			require.Equal(t, commitmentOf(100+tc.height), got)
		}
	}

	h, c, err = k.Anchor(env.Ctx)
	require.NoError(t, err)
	require.Equal(t, uint64(12), h, "anchored to the newest root commitment")
	require.Equal(t, hash.Uint64(112), c)
	rc, err = q.RootCommitment(env.Ctx, &types.QueryRootCommitmentRequest{})
	require.NoError(t, err)
	require.Equal(t, &types.QueryRootCommitmentResponse{RootHeight: 12, Commitment: commitmentOf(112), Known: true}, rc)

	require.ErrorIs(t, k.RecordRootCommitment(env.Ctx, 13, aboveModulus), types.ErrInvalidGenesis, "non-canonical commitments are refused")
	_, ok, err := k.RootCommitmentAt(env.Ctx, 13)
	require.NoError(t, err)
	require.False(t, ok)
	require.NoError(t, k.RecordRootCommitment(env.Ctx, 9, commitmentOf(109)))
	clock, err := k.RootHeight(env.Ctx)
	require.NoError(t, err)
	require.Equal(t, uint64(12), clock, "an older root height does not move the clock back")
	_, ok, err = k.RootCommitmentAt(env.Ctx, 9)
	require.NoError(t, err)
	require.False(t, ok, "and is pruned at once")
}

// TestAnchorAtTheRootWithoutPrevious proves the root anchors to a zero commitment when its
// previous block stored none (its first block, or a restart from an export without history).
func TestAnchorAtTheRootWithoutPrevious(t *testing.T) {
	env, k := newKeeper(t, types.DefaultGenesisState())
	ctx := record(t, env.Ctx, k, 5, commitmentOf(5))
	for _, tc := range []struct {
		height int64
		want   fr.Element
	}{{5, zero}, {6, hash.Uint64(5)}, {8, zero}} {
		h, c, err := k.Anchor(ctx.WithBlockHeight(tc.height))
		require.NoError(t, err)
		require.Equal(t, uint64(tc.height), h)
		require.Equal(t, tc.want, c, "block %d", tc.height)
	}
}
