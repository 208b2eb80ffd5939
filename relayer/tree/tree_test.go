package tree

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/slush-tree/slush/relayer/chainclient"
)

// TestNew places chains by their paths, whatever order the config lists them in.
func TestNew(t *testing.T) {
	var chains []*chainclient.Client
	for _, name := range []string{"1-2", "root", "2", "1"} {
		chains = append(chains, &chainclient.Client{Name: name})
	}
	tr, err := New(chains)
	require.NoError(t, err)
	require.Equal(t, []string{"root", "1", "2", "1-2"}, tr.Names())
	require.Equal(t, 2, tr.Depth())
	n := tr.At([]uint8{1, 2})
	require.Same(t, tr.Node("1-2"), n)
	require.Same(t, tr.Node("1"), n.Parent)
	require.Equal(t, uint32(2), n.Index)
	require.Same(t, tr.Root(), tr.Node("1").Parent)
	require.Nil(t, tr.Root().Parent)
	require.NotNil(t, n.Replica)
	require.NotNil(t, n.Mints)
	require.Nil(t, tr.At([]uint8{3}))
	require.Nil(t, tr.Lookup([]uint8{3}), "a chain the tree does not serve")
	require.NotNil(t, tr.Lookup(nil))

	_, err = New([]*chainclient.Client{{Name: "1-0"}})
	require.Error(t, err)
}
