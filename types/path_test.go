package types_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/slush-tree/slush/types"
)

func TestParsePath(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want types.Path
		err  bool
	}{
		{in: "root", want: types.Path{}},
		{in: "", want: types.Path{}},
		{in: "1", want: types.Path{1}},
		{in: "1-2-255", want: types.Path{1, 2, 255}},
		{in: "0", err: true},
		{in: "256", err: true},
		{in: "01", err: true},
		{in: "1--2", err: true},
		{in: "a", err: true},
		{in: "1-1-1-1-1-1-1-1-1-1-1-1-1-1-1-1-1", err: true},
	} {
		got, err := types.ParsePath(tc.in)
		if tc.err {
			require.ErrorIs(t, err, types.ErrInvalidPath, tc.in)
			continue
		}
		require.NoError(t, err, tc.in)
		require.Equal(t, tc.want, got, tc.in)
		back, err := types.ParsePath(got.String())
		require.NoError(t, err)
		require.Equal(t, got, back, "String is ParsePath's inverse")
	}
}

func TestPathFromIndices(t *testing.T) {
	p, err := types.PathFromIndices([]uint32{3, 255})
	require.NoError(t, err)
	require.Equal(t, types.Path{3, 255}, p)
	require.Equal(t, []uint32{3, 255}, p.Indices())
	for _, bad := range [][]uint32{{0}, {256}, {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1}} {
		_, err := types.PathFromIndices(bad)
		require.ErrorIs(t, err, types.ErrInvalidPath)
	}
}

func TestPathRelations(t *testing.T) {
	root, one, oneTwo, two := types.Path{}, types.Path{1}, types.Path{1, 2}, types.Path{2}
	require.True(t, root.IsRoot())
	require.False(t, one.IsRoot())
	require.True(t, root.IsAncestorOf(oneTwo))
	require.True(t, one.IsAncestorOf(oneTwo))
	require.False(t, oneTwo.IsAncestorOf(oneTwo), "strict")
	require.False(t, two.IsAncestorOf(oneTwo))
	require.False(t, oneTwo.IsAncestorOf(one))
	require.True(t, one.Child(2).Equal(oneTwo))
	require.Equal(t, uint8(2), one.NextHop(oneTwo))
	child := one.Child(3)
	child[0] = 9
	require.Equal(t, types.Path{1}, one, "Child never aliases its parent")
}

func TestPathVidRoundTrip(t *testing.T) {
	for _, p := range []types.Path{{}, {1}, {1, 2, 3}, {255, 255}} {
		vid, err := p.Vid()
		require.NoError(t, err)
		back, err := types.PathOfVid(vid)
		require.NoError(t, err)
		require.True(t, p.Equal(back), p.String())
	}
}
