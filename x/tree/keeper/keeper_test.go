package keeper_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/stretchr/testify/require"

	"cosmossdk.io/log"

	"github.com/slush-tree/slush/circuits/commitment"
	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/testutil/keepertest"
	"github.com/slush-tree/slush/testutil/lightclient"
	slushtypes "github.com/slush-tree/slush/types"
	"github.com/slush-tree/slush/x/tree/keeper"
	"github.com/slush-tree/slush/x/tree/types"
)

// parentChainID is the parent the non-root test chains name in their tree identity.
const parentChainID = "slush-1"

// childIdentity is the tree identity of the non-root chain 1-2 (parent slush-1).
func childIdentity() types.TreeIdentity {
	return types.TreeIdentity{Path: []uint32{1, 2}, ParentChainId: parentChainID, MaxChildren: 3, MaxDepth: slushtypes.MaxDepth}
}

// childGenesis is the genesis of the non-root chain 1-2 with default params and no history.
func childGenesis() *types.GenesisState {
	gs := types.DefaultGenesisState()
	gs.Identity = childIdentity()
	return gs
}

// newKeeper is a tree keeper initialized with gs.
func newKeeper(t *testing.T, gs *types.GenesisState) (keepertest.Env, keeper.Keeper) {
	t.Helper()
	env := keepertest.New(t, types.StoreKey, types.RegisterInterfaces)
	k := keeper.NewKeeper(env.Codec, env.StoreService, env.AddressCodec, env.Authority, log.NewNopLogger())
	require.NoError(t, k.InitGenesis(env.Ctx, gs))
	return env, k
}

// commitmentOf is a canonical fabricated commitment hash.
func commitmentOf(n uint64) []byte { return hash.EncodeElement(hash.Uint64(n)) }

// aboveModulus is 32 bytes that are no canonical field element.
var aboveModulus = bytes.Repeat([]byte{0xff}, 32)

// TestUpdateParams proves MsgUpdateParams changes root_history_size for governance only and
// never to an invalid value.
func TestUpdateParams(t *testing.T) {
	env, k := newKeeper(t, types.DefaultGenesisState())
	msgs, query := keeper.NewMsgServerImpl(&k), keeper.NewQueryServerImpl(&k)
	valid, invalid := types.DefaultParams(), types.DefaultParams()
	valid.RootHistorySize = 9
	invalid.RootHistorySize = 0
	keepertest.TestUpdateParams(t, env, keepertest.ParamsModule[types.Params]{
		Valid: valid, Invalid: invalid,
		Update: func(ctx context.Context, authority string, p types.Params) error {
			_, err := msgs.UpdateParams(ctx, &types.MsgUpdateParams{Authority: authority, Params: p})
			return err
		},
		Get: func(ctx context.Context) (types.Params, error) {
			res, err := query.Params(ctx, &types.QueryParamsRequest{})
			if err != nil {
				return types.Params{}, err
			}
			return res.Params, nil
		},
		ErrSigner: types.ErrInvalidSigner, ErrParams: types.ErrInvalidParams,
	})
}

// fullGenesis is a non-root genesis with every field set: identity with an operator, root clock,
// own commitments (one hash repeated), root history, parent client and light-client params.
func fullGenesis(t *testing.T) *types.GenesisState {
	gs := childGenesis()
	gs.Params.RootHistorySize = 50
	gs.Identity.OperatorKeyHash, gs.Identity.Epoch = commitmentOf(99), 4
	gs.AnchorHeight = 12
	gs.Commitments = []types.OwnCommitment{
		{Height: 3, Commitment: commitmentOf(1), LogLength: 1},
		{Height: 4, Commitment: commitmentOf(2), LogLength: 2},
		{Height: 5, Commitment: commitmentOf(2), LogLength: 2},
	}
	gs.RootHistory = []types.RootCommitment{{RootHeight: 11, Commitment: commitmentOf(11)}, {RootHeight: 12, Commitment: commitmentOf(12)}}
	gs.ParentClient = lightclient.NewSigner(t, parentChainID, 2).Trusted(t, 100, keepertest.BlockTime.Add(-time.Hour), []byte("apphash"))
	gs.ParentSync.TrustingPeriodSeconds = 7 * 24 * 3600
	return gs
}

// TestGenesisRoundTrip proves a genesis with every field set imports and exports unchanged,
// with the by-hash index rebuilt at the first height of each hash, and the imported root clock
// and history in force.
func TestGenesisRoundTrip(t *testing.T) {
	for _, tc := range []struct {
		name string
		gs   func(t *testing.T) *types.GenesisState
	}{
		{"the default root", func(*testing.T) *types.GenesisState { return types.DefaultGenesisState() }},
		{"a child before its first sync", func(*testing.T) *types.GenesisState { return childGenesis() }},
		{"a child with history", fullGenesis},
	} {
		t.Run(tc.name, func(t *testing.T) {
			gs := tc.gs(t)
			require.NoError(t, gs.Validate())
			env, k := newKeeper(t, gs)
			exported, err := k.ExportGenesis(env.Ctx)
			require.NoError(t, err)
			require.Equal(t, gs, exported)

			env2, k2 := newKeeper(t, exported)
			again, err := k2.ExportGenesis(env2.Ctx)
			require.NoError(t, err)
			require.Equal(t, exported, again)
			q := keeper.NewQueryServerImpl(&k2)
			first := map[string]int64{}
			for _, c := range gs.Commitments {
				if _, ok := first[string(c.Commitment)]; !ok {
					first[string(c.Commitment)] = c.Height
				}
				res, err := q.CommitmentByHash(env2.Ctx, &types.QueryCommitmentByHashRequest{Commitment: c.Commitment})
				require.NoError(t, err, "commitment of height %d", c.Height)
				require.Equal(t, first[string(c.Commitment)], res.Commitment.Height, "indexed at the first height of its hash")
			}
			for _, r := range gs.RootHistory {
				got, ok, err := k2.RootCommitmentAt(env2.Ctx, r.RootHeight)
				require.NoError(t, err)
				require.True(t, ok)
				require.Equal(t, r.Commitment, got)
			}
		})
	}
	env, k := newKeeper(t, fullGenesis(t))
	h, err := k.RootHeight(env.Ctx)
	require.NoError(t, err)
	require.Equal(t, uint64(12), h, "the imported root clock")
}

// TestGenesisValidate proves Validate and InitGenesis refuse every inconsistent tree genesis,
// each with its error.
func TestGenesisValidate(t *testing.T) {
	client := lightclient.NewSigner(t, parentChainID, 2).Trusted(t, 100, keepertest.BlockTime.Add(-time.Hour), []byte("apphash"))
	cases := []struct {
		name    string
		edit    func(gs *types.GenesisState)
		wantErr error
		wantMsg string
	}{
		{"a valid child", func(*types.GenesisState) {}, nil, ""},
		{"zero root history size", func(gs *types.GenesisState) { gs.Params.RootHistorySize = 0 }, types.ErrInvalidParams, "root_history_size"},
		{"no max children", func(gs *types.GenesisState) { gs.Identity.MaxChildren = 0 }, types.ErrInvalidIdentity, "max_children"},
		{"deeper than max depth", func(gs *types.GenesisState) { gs.Identity.MaxDepth = 1 }, types.ErrInvalidIdentity, "exceeds max_depth"},
		{"a zero path index", func(gs *types.GenesisState) { gs.Identity.Path = []uint32{1, 0} }, types.ErrInvalidIdentity, "index 0"},
		{"a child without parent chain", func(gs *types.GenesisState) { gs.Identity.ParentChainId = "" }, types.ErrInvalidIdentity, "parent chain-id"},
		{"a non-canonical operator key", func(gs *types.GenesisState) { gs.Identity.OperatorKeyHash = aboveModulus }, types.ErrInvalidIdentity, "operator_key_hash"},
		{"a non-canonical commitment", func(gs *types.GenesisState) {
			gs.Commitments = []types.OwnCommitment{{Height: 1, Commitment: aboveModulus}}
		}, types.ErrInvalidGenesis, "commitment at height 1"},
		{"commitments not ascending", func(gs *types.GenesisState) {
			gs.Commitments = []types.OwnCommitment{{Height: 2, Commitment: commitmentOf(1)}, {Height: 2, Commitment: commitmentOf(2)}}
		}, types.ErrInvalidGenesis, "not ascending at height 2"},
		{"a non-canonical root commitment", func(gs *types.GenesisState) {
			gs.RootHistory = []types.RootCommitment{{RootHeight: 3, Commitment: aboveModulus}}
		}, types.ErrInvalidGenesis, "root history 0"},
		{"root history not ascending", func(gs *types.GenesisState) {
			gs.RootHistory = []types.RootCommitment{{RootHeight: 4, Commitment: commitmentOf(1)}, {RootHeight: 3, Commitment: commitmentOf(2)}}
		}, types.ErrInvalidGenesis, "not ascending at 3"},
		{"a zero trust level", func(gs *types.GenesisState) { gs.ParentSync.TrustNumerator = 0 }, types.ErrInvalidGenesis, ""},
		{"a trusting period out of range", func(gs *types.GenesisState) { gs.ParentSync.TrustingPeriodSeconds = 1 << 40 }, types.ErrInvalidGenesis, "out of range"},
		{"a parent client that does not decode", func(gs *types.GenesisState) { gs.ParentClient = []byte("client") }, types.ErrInvalidGenesis, "parent client"},
		{"a parent client at the root", func(gs *types.GenesisState) {
			gs.Identity = types.RootIdentity()
			gs.ParentClient = client
		}, types.ErrInvalidGenesis, "the root has no parent client"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			gs := childGenesis()
			gs.ParentClient = client
			tc.edit(gs)
			env := keepertest.New(t, types.StoreKey, types.RegisterInterfaces)
			k := keeper.NewKeeper(env.Codec, env.StoreService, env.AddressCodec, env.Authority, log.NewNopLogger())
			if tc.wantErr == nil {
				require.NoError(t, gs.Validate())
				require.NoError(t, k.InitGenesis(env.Ctx, gs))
				return
			}
			require.ErrorIs(t, gs.Validate(), tc.wantErr)
			require.ErrorContains(t, gs.Validate(), tc.wantMsg)
			require.ErrorIs(t, k.InitGenesis(env.Ctx, gs), tc.wantErr)
			_, err := k.Identity.Get(env.Ctx)
			require.Error(t, err, "a refused genesis stores nothing")
		})
	}
}

// TestTreeIdentityQuery proves Query/TreeIdentity reports the identity, its conventional
// chain-id and depth, and the root clock: the block height at the root, the newest verified root
// height elsewhere (0 before the first sync).
func TestTreeIdentityQuery(t *testing.T) {
	cases := []struct {
		name      string
		gs        *types.GenesisState
		synced    []uint64 // root heights recorded by the parent sync
		chainID   string
		depth     uint32
		wantClock uint64
	}{
		{"the root at block height 7", types.DefaultGenesisState(), nil, "slush-root", 0, 7},
		{"a child before its first sync", childGenesis(), nil, "slush-1-2", 2, 0},
		{"a child after syncs", childGenesis(), []uint64{40, 42, 41}, "slush-1-2", 2, 42},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			env, k := newKeeper(t, tc.gs)
			ctx := env.Ctx.WithBlockHeight(7)
			for _, h := range tc.synced {
				require.NoError(t, k.RecordRootCommitment(ctx, h, commitmentOf(h)))
			}
			res, err := keeper.NewQueryServerImpl(&k).TreeIdentity(ctx, &types.QueryTreeIdentityRequest{})
			require.NoError(t, err)
			require.Equal(t, &types.QueryTreeIdentityResponse{
				Identity: tc.gs.Identity, ConventionalChainId: tc.chainID, Depth: tc.depth, RootHeight: tc.wantClock,
			}, res)
			clock, err := k.RootHeight(ctx)
			require.NoError(t, err)
			require.Equal(t, tc.wantClock, clock, "the query reports the keeper's clock")
		})
	}
}

// TestIdentityAccessors proves OwnPath, OwnVid, ChildVid, IsRoot and OwnOperator describe the
// genesis identity, and ChildVid refuses an index outside 1..255 or a child below the deepest
// level.
func TestIdentityAccessors(t *testing.T) {
	deepest := make([]uint32, slushtypes.MaxDepth)
	for i := range deepest {
		deepest[i] = 1
	}
	cases := []struct {
		name string
		path []uint32
	}{
		{"the root", nil},
		{"a child", []uint32{1, 2}},
		{"the deepest level", deepest},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			gs := types.DefaultGenesisState()
			if len(tc.path) > 0 {
				gs.Identity = types.TreeIdentity{Path: tc.path, ParentChainId: parentChainID, MaxChildren: 3, MaxDepth: slushtypes.MaxDepth}
			}
			gs.Identity.OperatorKeyHash, gs.Identity.Epoch = commitmentOf(5), 3
			env, k := newKeeper(t, gs)
			want := make([]uint8, len(tc.path))
			for i, idx := range tc.path {
				want[i] = uint8(idx)
			}

			path, err := k.OwnPath(env.Ctx)
			require.NoError(t, err)
			require.Equal(t, slushtypes.Path(want), path)
			isRoot, err := k.IsRoot(env.Ctx)
			require.NoError(t, err)
			require.Equal(t, len(tc.path) == 0, isRoot)
			vid, err := k.OwnVid(env.Ctx)
			require.NoError(t, err)
			require.Equal(t, commitment.MustPackVid(want), vid)
			id, err := k.GetIdentity(env.Ctx)
			require.NoError(t, err)
			require.Equal(t, gs.Identity, id)
			key, epoch, err := k.OwnOperator(env.Ctx)
			require.NoError(t, err)
			require.Equal(t, hash.Uint64(5), key)
			require.Equal(t, uint64(3), epoch)

			for _, bad := range []uint32{0, slushtypes.MaxChildIndex + 1} {
				_, err = k.ChildVid(env.Ctx, bad)
				require.ErrorIs(t, err, slushtypes.ErrInvalidPath, "child index %d", bad)
			}
			child, err := k.ChildVid(env.Ctx, 3)
			if len(tc.path) == slushtypes.MaxDepth {
				require.ErrorIs(t, err, slushtypes.ErrInvalidPath, "no child below the deepest level")
				return
			}
			require.NoError(t, err)
			require.Equal(t, commitment.MustPackVid(append(want, 3)), child)
			require.NotEqual(t, vid, child)
			last, err := k.ChildVid(env.Ctx, slushtypes.MaxChildIndex)
			require.NoError(t, err)
			require.Equal(t, commitment.MustPackVid(append(want, slushtypes.MaxChildIndex)), last)
		})
	}
}

// zero is the zero field element (no anchor commitment yet).
var zero fr.Element
