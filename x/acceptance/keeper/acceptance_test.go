package keeper_test

import (
	"bytes"
	"encoding/binary"
	"math/rand"
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/slush-tree/slush/testutil/keepertest"
	"github.com/slush-tree/slush/x/acceptance/keeper"
	"github.com/slush-tree/slush/x/acceptance/types"
)

// commit is a distinct 32-byte commitment per (node, height).
func commit(node int, height uint64) []byte {
	c := make([]byte, types.CommitmentLength)
	binary.BigEndian.PutUint32(c, uint32(node))
	binary.BigEndian.PutUint64(c[8:], height)
	return c
}

func hist(buckets ...uint64) types.Histogram {
	h := make(types.Histogram, 0, len(buckets)/2)
	for i := 0; i+1 < len(buckets); i += 2 {
		h = append(h, types.Bucket{Height: buckets[i], Count: buckets[i+1]})
	}
	return h
}

// TestRootFinalityScenario follows a root R with two leaf children X (1) and Y (2), b = 3,
// computing every pair by hand from DESIGN §6.
func TestRootFinalityScenario(t *testing.T) {
	env, k := setupNode(t, true)
	ctx := env.Ctx
	q := keeper.NewQueryServerImpl(&k)
	require.NoError(t, k.OnChildRegistered(ctx, 1))
	require.NoError(t, k.OnChildRegistered(ctx, 2))

	// R updates at 1: H_R = {(0,2),(1,1)}, b = 1 + 1 + 1 (registered children count before their
	// first update, at the genesis height 0: in b and the report's total, in no a(t))
	report, err := k.RecordOwnUpdate(ctx, 1, commit(0, 1))
	require.NoError(t, err)
	require.Equal(t, uint64(3), report.Subtree)
	require.Equal(t, types.HistogramToProto(hist(0, 2, 1, 1)), report.Histogram)
	_, err = q.Finality(ctx, &types.QueryFinalityRequest{})
	require.Equal(t, codes.NotFound, status.Code(err), "a fresh hash starts at (0, b): nothing is final")

	// X updates at 2; R updates at 3: hash@1 has a = |{X@2, R@3}| = 2, 2·2 > 3 → final
	require.NoError(t, k.OnChildUpdate(ctx, 1, 2, commit(1, 2), hist(2, 1), 1))
	ctx = ctx.WithEventManager(sdk.NewEventManager())
	_, err = k.RecordOwnUpdate(ctx, 3, commit(0, 3))
	require.NoError(t, err)
	fin, err := q.Finality(ctx, &types.QueryFinalityRequest{})
	require.NoError(t, err)
	require.Equal(t, &types.QueryFinalityResponse{Found: true, Height: 1, Commitment: commit(0, 1), Accepted: 2, Subtree: 3}, fin)
	requireEvent(t, ctx, "slush.acceptance.v1.EventHashFinalized")

	// Y at 4, X at 5 (X's hash@2 now has a = 1 of b = 1 → final), R at 6: hash@3 has a = 3 → final, hash@1 pruned
	require.NoError(t, k.OnChildUpdate(ctx, 2, 4, commit(2, 4), hist(4, 1), 1))
	require.NoError(t, k.OnChildUpdate(ctx, 1, 5, commit(1, 5), hist(5, 1), 1))
	xFinal, err := q.Finalized(ctx, &types.QueryFinalizedRequest{ChildIndex: 1})
	require.NoError(t, err)
	require.Equal(t, &types.QueryFinalizedResponse{Found: true, Hash: types.StoredHash{Height: 2, Commitment: commit(1, 2)}}, xFinal)

	ctx = ctx.WithEventManager(sdk.NewEventManager())
	_, err = k.RecordOwnUpdate(ctx, 6, commit(0, 6))
	require.NoError(t, err)
	fin, err = q.Finality(ctx, &types.QueryFinalityRequest{})
	require.NoError(t, err)
	require.Equal(t, uint64(3), fin.Height)
	require.Equal(t, uint64(3), fin.Accepted)
	requireEvent(t, ctx, "slush.acceptance.v1.EventHashesPruned")
	root, err := k.RootRecord.Get(ctx)
	require.NoError(t, err)
	require.Len(t, root.Hashes, 2, "hash@1 pruned, hash@3 (final) and hash@6 kept")

	pairs, err := q.Pairs(ctx, &types.QueryPairsRequest{ChildIndex: 1})
	require.NoError(t, err)
	require.Equal(t, []types.HashPair{
		{Hash: types.StoredHash{Height: 2, Commitment: commit(1, 2)}, Accepted: 1, Subtree: 1, Finalized: true},
		{Hash: types.StoredHash{Height: 5, Commitment: commit(1, 5)}, Accepted: 0, Subtree: 1},
	}, pairs.Pairs)
}

func requireEvent(t *testing.T, ctx sdk.Context, eventType string) {
	t.Helper()
	for _, e := range ctx.EventManager().Events() {
		if e.Type == eventType {
			return
		}
	}
	t.Fatalf("no %s event in %v", eventType, ctx.EventManager().Events())
}

// TestMalformedReportsRejected checks every malformed report fails with its error and stores nothing.
func TestMalformedReportsRejected(t *testing.T) {
	env, k := setupNode(t, false)
	ctx := env.Ctx
	require.NoError(t, k.OnChildUpdate(ctx, 1, 10, commit(1, 10), hist(10, 1), 1))
	before, err := k.Children.Get(ctx, 1)
	require.NoError(t, err)

	maxBuckets, err := k.MaxReportBuckets(ctx)
	require.NoError(t, err)
	require.Equal(t, 18, maxBuckets, "min(max_histogram_buckets 64, max_depth 16 + 2)")
	tooMany := make(types.Histogram, maxBuckets+1)
	for i := range tooMany {
		tooMany[i] = types.Bucket{Height: uint64(i + 11), Count: 1}
	}
	bound := defaultShape(1).MaxChildSubtree()
	nonCanonical := bytes.Repeat([]byte{0xff}, types.CommitmentLength)
	cases := []struct {
		name       string
		index      uint32
		height     uint64
		commitment []byte
		reported   types.Histogram
		subtree    uint64
		wantErr    error
	}{
		{"unsorted", 1, 20, commit(1, 20), hist(15, 1, 12, 1, 20, 1), 5, types.ErrHistogramUnsorted},
		{"duplicate height", 1, 20, commit(1, 20), hist(15, 1, 15, 1, 20, 1), 5, types.ErrHistogramDuplicateHeight},
		{"zero count", 1, 20, commit(1, 20), hist(15, 0, 20, 1), 5, types.ErrHistogramZeroCount},
		{"count overflow", 1, 20, commit(1, 20), hist(15, ^uint64(0), 20, 1), 5, types.ErrHistogramOverflow},
		{"more nodes than its subtree", 1, 20, commit(1, 20), hist(15, 3, 20, 1), 3, types.ErrHistogramTooLarge},
		{"newest bucket not the update", 1, 20, commit(1, 20), hist(15, 1), 5, types.ErrHistogramOwnUpdate},
		{"too many buckets", 1, tooMany[maxBuckets].Height, commit(1, 99), tooMany, 1000, types.ErrReportTooManyBuckets},
		{"zero subtree", 1, 20, commit(1, 20), hist(20, 1), 0, types.ErrZeroSubtree},
		{"subtree above the shape bound", 1, 20, commit(1, 20), hist(20, 1), bound + 1, types.ErrSubtreeTooLarge},
		{"subtree 2^64-1", 1, 20, commit(1, 20), hist(20, 1), ^uint64(0), types.ErrSubtreeTooLarge},
		{"non-canonical commitment", 1, 20, nonCanonical, hist(20, 1), 1, types.ErrInvalidCommitment},
		{"replayed height", 1, 10, commit(1, 10), hist(10, 1), 1, types.ErrStaleUpdate},
		{"older height", 1, 9, commit(1, 9), hist(9, 1), 1, types.ErrStaleUpdate},
		{"short commitment", 1, 20, commit(1, 20)[:31], hist(20, 1), 1, types.ErrInvalidCommitment},
		{"child index 0", 0, 20, commit(1, 20), hist(20, 1), 1, types.ErrInvalidChildIndex},
		{"child index 256", 256, 20, commit(1, 20), hist(20, 1), 1, types.ErrInvalidChildIndex},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := k.OnChildUpdate(ctx, tc.index, tc.height, tc.commitment, tc.reported, tc.subtree)
			require.ErrorIs(t, err, tc.wantErr)
			after, err := k.Children.Get(ctx, 1)
			require.NoError(t, err)
			require.Equal(t, before, after, "a rejected update stores nothing")
		})
	}
}

// TestPendingHashesBounded: a child whose subtree stops accepting cannot grow its record past max_pending_hashes.
func TestPendingHashesBounded(t *testing.T) {
	env, k := setupNode(t, false)
	params := types.DefaultParams()
	params.MaxPendingHashes = 4
	require.NoError(t, k.Params.Set(env.Ctx, params))
	// the child keeps updating alone while its 9 descendants never do: no hash ever gets a majority
	for h := uint64(1); h <= 4; h++ {
		require.NoError(t, k.OnChildUpdate(env.Ctx, 1, h, commit(1, h), hist(h, 1), 10))
	}
	err := k.OnChildUpdate(env.Ctx, 1, 5, commit(1, 5), hist(5, 1), 10)
	require.ErrorIs(t, err, types.ErrTooManyPendingHashes)
}

// TestFinalityOnlyAtRoot: the finality query is a root query.
func TestFinalityOnlyAtRoot(t *testing.T) {
	env, k := setupNode(t, false)
	_, err := keeper.NewQueryServerImpl(&k).Finality(env.Ctx, &types.QueryFinalityRequest{})
	require.ErrorIs(t, err, types.ErrNotRoot)
}

// chainNode is one chain of a simulated tree: its own keeper (own store) plus, in lockstep, the
// pure tracker its parent should hold for it.
type chainNode struct {
	env      keepertest.Env
	k        keeper.Keeper
	parent   int
	index    uint32 // child index under the parent
	children []int
	expected types.ChildAcceptance // what the parent must store for this node (or the root for itself)
}

// TestKeeperTreeMatchesTracker drives a tree of real keepers (one store per chain) with random
// update orders and checks, after every update, that each parent stores exactly the record the
// pure tracker computes — the tracker itself is checked against a brute-force model of the
// whole tree in types/model_test.go — and that the root's finality matches.
func TestKeeperTreeMatchesTracker(t *testing.T) {
	for seed := int64(1); seed <= 12; seed++ {
		rng := rand.New(rand.NewSource(seed))
		nodes := buildTree(t, rng, 12+rng.Intn(12))
		var finalizations int
		for T := uint64(1); T <= 60; T++ {
			v := rng.Intn(len(nodes))
			finalizations += updateNode(t, nodes, v, T)
			for c := range nodes {
				checkRecord(t, nodes, c)
			}
		}
		require.Positive(t, finalizations, "seed %d: the run must exercise finalization", seed)
	}
}

func buildTree(t *testing.T, rng *rand.Rand, n int) []*chainNode {
	nodes := make([]*chainNode, n)
	for v := range nodes {
		env, k := setupNode(t, v == 0)
		nodes[v] = &chainNode{env: env, k: k, parent: -1}
		if v == 0 {
			continue
		}
		p := v - 1 - rng.Intn(min(v, 3))
		for len(nodes[p].children) >= 3 { // at most three children per chain (DESIGN default)
			p = rng.Intn(v)
		}
		nodes[v].parent = p
		nodes[p].children = append(nodes[p].children, v)
		nodes[v].index = uint32(len(nodes[p].children))
		require.NoError(t, nodes[p].k.OnChildRegistered(nodes[p].env.Ctx, nodes[v].index))
		nodes[v].expected.Subtree = 1
	}
	return nodes
}

// updateNode makes node v update at root height T as a chain would: build its subtree report,
// then (unless it is the root) push it to its parent. It returns 1 if a hash was finalized.
func updateNode(t *testing.T, nodes []*chainNode, v int, T uint64) int {
	node := nodes[v]
	report, err := node.k.RecordOwnUpdate(node.env.Ctx, T, commit(v, T))
	require.NoError(t, err)

	kids := make([]types.Histogram, len(node.children))
	sizes := make([]uint64, len(node.children))
	for i, c := range node.children {
		kids[i], sizes[i] = nodes[c].expected.Reported, nodes[c].expected.Subtree
		if len(kids[i]) == 0 { // registered, not updated: counted at the genesis height
			kids[i] = types.GenesisHistogram()
		}
	}
	wantHist := types.SubtreeHistogram(T, kids)
	wantSize, err := types.SubtreeSize(sizes)
	require.NoError(t, err)
	require.Equal(t, types.HistogramToProto(wantHist), report.Histogram)
	require.Equal(t, wantSize, report.Subtree)

	var c [32]byte
	copy(c[:], commit(v, T))
	res, err := node.expected.ApplyUpdate(T, c, wantHist, wantSize)
	require.NoError(t, err)
	if node.parent >= 0 {
		parent := nodes[node.parent]
		require.NoError(t, parent.k.OnChildUpdate(parent.env.Ctx, node.index, T, commit(v, T),
			types.HistogramFromProto(report.Histogram), report.Subtree))
	}
	if res.NewlyFinalized {
		return 1
	}
	return 0
}

func checkRecord(t *testing.T, nodes []*chainNode, v int) {
	node := nodes[v]
	want := types.RecordFromTracker(node.expected)
	if v == 0 {
		got, err := node.k.RootRecord.Get(node.env.Ctx)
		if len(node.expected.Hashes) == 0 {
			require.Error(t, err)
			return
		}
		require.NoError(t, err)
		require.Equal(t, want, got)
		fin, err := keeper.NewQueryServerImpl(&node.k).Finality(node.env.Ctx, &types.QueryFinalityRequest{})
		h, ok := node.expected.FinalizedHash()
		if !ok {
			require.Equal(t, codes.NotFound, status.Code(err), "nothing final: NotFound")
			return
		}
		require.NoError(t, err)
		require.True(t, fin.Found)
		require.Equal(t, h.Height, fin.Height)
		return
	}
	parent := nodes[node.parent]
	got, err := parent.k.Children.Get(parent.env.Ctx, node.index)
	require.NoError(t, err)
	if len(want.Reported) == 0 {
		want.Reported = got.Reported // nil vs empty after a store round trip
	}
	if len(want.Hashes) == 0 {
		want.Hashes = got.Hashes
	}
	require.Equal(t, want, got)
}

// TestGenesisRoundTripWithRecords exports a keeper with children, a root record and a report, and re-imports it.
func TestGenesisRoundTripWithRecords(t *testing.T) {
	env, k := setupNode(t, true)
	require.NoError(t, k.OnChildRegistered(env.Ctx, 2))
	require.NoError(t, k.OnChildUpdate(env.Ctx, 1, 1, commit(1, 1), hist(1, 1), 1))
	require.NoError(t, k.OnChildUpdate(env.Ctx, 1, 3, commit(1, 3), hist(3, 1), 1))
	_, err := k.RecordOwnUpdate(env.Ctx, 4, commit(0, 4))
	require.NoError(t, err)
	exported, err := k.ExportGenesis(env.Ctx)
	require.NoError(t, err)
	require.Len(t, exported.Children, 2)
	require.NotNil(t, exported.RootRecord)
	require.NotNil(t, exported.LastReport)
	require.NoError(t, exported.Validate())

	env2, k2 := setupNode(t, true)
	require.NoError(t, k2.InitGenesis(env2.Ctx, exported))
	again, err := k2.ExportGenesis(env2.Ctx)
	require.NoError(t, err)
	require.Equal(t, exported, again)

	bad := *exported
	bad.Children = []types.ChildRecord{exported.Children[1], exported.Children[0]}
	require.ErrorIs(t, bad.Validate(), types.ErrInvalidGenesis)
}
