package keeper_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"cosmossdk.io/collections"

	"github.com/slush-tree/slush/testutil/keepertest"
	acceptancetypes "github.com/slush-tree/slush/x/acceptance/types"
	"github.com/slush-tree/slush/x/validium/keeper"
	"github.com/slush-tree/slush/x/validium/types"
)

func TestTreeShape(t *testing.T) {
	cases := []struct {
		name     string
		identity types.TreeIdentity
		want     acceptancetypes.TreeShape
	}{
		{"default root", types.RootIdentity(), acceptancetypes.TreeShape{Depth: 0, MaxChildren: 3, MaxDepth: 16}},
		{
			"chain at depth 2 of a custom tree",
			types.TreeIdentity{Path: []uint32{1, 2}, ParentChainId: "slush-1", MaxChildren: 5, MaxDepth: 8},
			acceptancetypes.TreeShape{Depth: 2, MaxChildren: 5, MaxDepth: 8},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			env := keepertest.New(t, types.StoreKey, types.RegisterInterfaces)
			k := keeper.NewKeeper(env.Codec, env.StoreService, env.AddressCodec, env.Authority, nil)
			_, err := k.TreeShape(env.Ctx)
			require.ErrorIs(t, err, collections.ErrNotFound, "no identity before genesis")
			gs := types.DefaultGenesisState()
			gs.Identity = tc.identity
			require.NoError(t, k.InitGenesis(env.Ctx, gs))
			got, err := k.TreeShape(env.Ctx)
			require.NoError(t, err)
			require.Equal(t, tc.want, got)
		})
	}
}
