package types_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/slush-tree/slush/x/validium/types"
)

func TestGenesisValidate(t *testing.T) {
	child := func(path ...uint32) types.TreeIdentity {
		return types.TreeIdentity{Path: path, ParentChainId: "slush-parent", MaxChildren: 3, MaxDepth: 16}
	}
	cases := []struct {
		name     string
		mutate   func(*types.GenesisState)
		wantErr  error
		contains string
	}{
		{"default (root) is valid", func(*types.GenesisState) {}, nil, ""},
		{"child is valid", func(gs *types.GenesisState) { gs.Identity = child(1, 2, 255) }, nil, ""},
		{"max children 0", func(gs *types.GenesisState) { gs.Identity.MaxChildren = 0 }, types.ErrInvalidIdentity, "max_children"},
		{"max depth above 16", func(gs *types.GenesisState) { gs.Identity.MaxDepth = 17 }, types.ErrInvalidIdentity, "max_depth"},
		{"child index 0", func(gs *types.GenesisState) { gs.Identity = child(1, 0) }, types.ErrInvalidIdentity, "path[1] = 0"},
		{"child index 256", func(gs *types.GenesisState) { gs.Identity = child(256) }, types.ErrInvalidIdentity, "path[0] = 256"},
		{"path deeper than max depth", func(gs *types.GenesisState) {
			gs.Identity = child(1, 1, 1)
			gs.Identity.MaxDepth = 2
		}, types.ErrInvalidIdentity, "exceeds max_depth"},
		{"root with a parent", func(gs *types.GenesisState) { gs.Identity.ParentChainId = "slush-x" }, types.ErrInvalidIdentity, "root"},
		{"child without a parent", func(gs *types.GenesisState) {
			gs.Identity = child(1)
			gs.Identity.ParentChainId = ""
		}, types.ErrInvalidIdentity, "parent"},
		{"zero verification gas", func(gs *types.GenesisState) { gs.Params.VerifyGasFlat = 0 }, types.ErrInvalidParams, "verify_gas_flat"},
		{"invalid bond denom", func(gs *types.GenesisState) { gs.Params.MinChildBond.Denom = "!" }, types.ErrInvalidParams, "min_child_bond"},
		{"zero forced-op deadline", func(gs *types.GenesisState) { gs.Params.ForcedOpDeadline = 0 }, types.ErrInvalidParams, "forced_op_deadline"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			gs := types.DefaultGenesisState()
			tc.mutate(gs)
			err := gs.Validate()
			if tc.wantErr == nil {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, tc.wantErr)
			require.ErrorContains(t, err, tc.contains)
		})
	}
}

func TestConventionalChainID(t *testing.T) {
	require.Equal(t, "slush-root", types.RootIdentity().ConventionalChainID())
	require.Equal(t, "slush-1-2", types.TreeIdentity{Path: []uint32{1, 2}}.ConventionalChainID())
}
