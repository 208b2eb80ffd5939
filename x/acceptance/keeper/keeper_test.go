package keeper_test

import (
	"context"
	"testing"

	treetypes "github.com/slush-tree/slush/x/tree/types"

	"github.com/stretchr/testify/require"

	"cosmossdk.io/collections"

	"github.com/slush-tree/slush/testutil/keepertest"
	"github.com/slush-tree/slush/x/acceptance/keeper"
	"github.com/slush-tree/slush/x/acceptance/types"
)

// fixedTree is the TreeKeeper mock: a chain that is (or is not) the root, with a fixed tree
// shape (nil: no identity yet, like x/tree before its genesis).
type fixedTree struct {
	root  bool
	shape *types.TreeShape
}

func (f fixedTree) IsRoot(context.Context) (bool, error) { return f.root, nil }

// GetIdentity is an identity with the fixed shape: a path of shape.Depth first children.
func (f fixedTree) GetIdentity(context.Context) (treetypes.TreeIdentity, error) {
	if f.shape == nil {
		return treetypes.TreeIdentity{}, collections.ErrNotFound
	}
	path := make([]uint32, f.shape.Depth)
	for i := range path {
		path[i] = 1
	}
	return treetypes.TreeIdentity{Path: path, MaxChildren: f.shape.MaxChildren, MaxDepth: f.shape.MaxDepth}, nil
}

// defaultShape is the DESIGN default tree (3 children, depth 16) seen from a chain at depth.
func defaultShape(depth uint32) types.TreeShape {
	return types.TreeShape{Depth: depth, MaxChildren: 3, MaxDepth: 16}
}

func setup(t *testing.T) (keepertest.Env, keeper.Keeper) {
	return setupNode(t, true)
}

// setupNode is a chain of the default tree: the root, or a chain at depth 1.
func setupNode(t *testing.T, root bool) (keepertest.Env, keeper.Keeper) {
	shape := defaultShape(1)
	if root {
		shape = defaultShape(0)
	}
	return setupTree(t, fixedTree{root: root, shape: &shape})
}

func setupTree(t *testing.T, tree fixedTree) (keepertest.Env, keeper.Keeper) {
	t.Helper()
	env := keepertest.New(t, types.StoreKey, types.RegisterInterfaces)
	k := keeper.NewKeeper(env.Codec, env.StoreService, env.AddressCodec, env.Authority, tree)
	require.NoError(t, k.InitGenesis(env.Ctx, types.DefaultGenesisState()))
	return env, k
}

func TestParamsSetGet(t *testing.T) {
	env, k := setup(t)
	p := types.DefaultParams()
	p.MaxPendingHashes = 7
	require.NoError(t, k.Params.Set(env.Ctx, p))
	got, err := k.Params.Get(env.Ctx)
	require.NoError(t, err)
	require.Equal(t, p, got)
}

func TestUpdateParams(t *testing.T) {
	env, k := setup(t)
	msgs, query := keeper.NewMsgServerImpl(&k), keeper.NewQueryServerImpl(&k)
	valid, invalid := types.DefaultParams(), types.DefaultParams()
	valid.MaxPendingHashes = 7
	invalid.MaxHistogramBuckets = 0
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

func TestGenesis(t *testing.T) {
	env, k := setup(t)
	gs := types.DefaultGenesisState()
	gs.Params.MaxPendingHashes = 7
	require.NoError(t, k.InitGenesis(env.Ctx, gs))
	exported, err := k.ExportGenesis(env.Ctx)
	require.NoError(t, err)
	require.Equal(t, gs, exported)

	bad := types.DefaultGenesisState()
	bad.Params.MaxHistogramBuckets = 0
	require.ErrorIs(t, bad.Validate(), types.ErrInvalidParams)
	require.ErrorIs(t, k.InitGenesis(env.Ctx, bad), types.ErrInvalidParams)
}
