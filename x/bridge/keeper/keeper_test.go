package keeper_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"cosmossdk.io/log"

	"github.com/slush-tree/slush/testutil/keepertest"
	"github.com/slush-tree/slush/x/bridge/keeper"
	"github.com/slush-tree/slush/x/bridge/types"
)

func setup(t *testing.T) (keepertest.Env, keeper.Keeper) {
	env := keepertest.New(t, types.StoreKey, types.RegisterInterfaces)
	k := keeper.NewKeeper(env.Codec, env.StoreService, env.AddressCodec, env.Authority,
		fakeTree{root: true}, fakeAcceptance{}, log.NewNopLogger())
	require.NoError(t, k.InitGenesis(env.Ctx, types.DefaultGenesisState()))
	return env, k
}

func TestParamsSetGet(t *testing.T) {
	env, k := setup(t)
	p := types.DefaultParams()
	p.MessageDeadline = 9
	require.NoError(t, k.Params.Set(env.Ctx, p))
	got, err := k.Params.Get(env.Ctx)
	require.NoError(t, err)
	require.Equal(t, p, got)
}

func TestUpdateParams(t *testing.T) {
	env, k := setup(t)
	msgs, query := keeper.NewMsgServerImpl(&k), keeper.NewQueryServerImpl(&k)
	valid, invalid := types.DefaultParams(), types.DefaultParams()
	valid.MessageDeadline = 9
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

func TestGenesis(t *testing.T) {
	env, k := setup(t)
	gs := types.DefaultGenesisState()
	gs.Params.MessageDeadline = 9
	require.NoError(t, k.InitGenesis(env.Ctx, gs))
	exported, err := k.ExportGenesis(env.Ctx)
	require.NoError(t, err)
	require.Equal(t, gs, exported)

	bad := types.DefaultGenesisState()
	bad.Params.RootHistorySize = 0
	require.ErrorIs(t, bad.Validate(), types.ErrInvalidParams)
	require.ErrorIs(t, k.InitGenesis(env.Ctx, bad), types.ErrInvalidParams)
}
