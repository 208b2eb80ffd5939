package types_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/slush-tree/slush/x/acceptance/types"
	treetypes "github.com/slush-tree/slush/x/tree/types"
)

func TestShapeOf(t *testing.T) {
	cases := []struct {
		name     string
		identity treetypes.TreeIdentity
		want     types.TreeShape
	}{
		{"default root", treetypes.RootIdentity(), types.TreeShape{Depth: 0, MaxChildren: 3, MaxDepth: 16}},
		{
			"chain at depth 2 of a custom tree",
			treetypes.TreeIdentity{Path: []uint32{1, 2}, ParentChainId: "slush-1", MaxChildren: 5, MaxDepth: 8},
			types.TreeShape{Depth: 2, MaxChildren: 5, MaxDepth: 8},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.want, types.ShapeOf(tc.identity))
		})
	}
}
