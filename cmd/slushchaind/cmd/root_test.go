package cmd_test

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/slush-tree/slush/cmd/slushchaind/cmd"
)

// TestRootCommandBuilds builds the whole CLI (autocli panics on conflicting flags) and checks
// that every Slush module has its query and tx commands.
func TestRootCommandBuilds(t *testing.T) {
	root := cmd.NewRootCmd()
	for _, path := range [][]string{
		{"query", "validium", "tree-identity"}, {"query", "acceptance", "finality"},
		{"query", "bridge", "commitment"}, {"query", "election", "params"},
		{"tx", "validium", "force-operation"}, {"tx", "bridge", "ledger-transfer"},
		{"circuits", "info"}, {"simulate", "tree"}, {"genesis", "set-tree-identity"},
		{"genesis", "set-ledger-params"}, {"genesis", "set-inclusion-key"}, {"genesis", "registration-info"},
		{"tx", "validium", "register-child"}, {"query", "validium", "children"}, {"query", "acceptance", "finalized"},
	} {
		c, _, err := root.Find(path)
		require.NoError(t, err, path)
		require.Equal(t, path[len(path)-1], c.Name(), path)
	}
	var out bytes.Buffer
	root.SetOut(&out)
	root.SetArgs([]string{"query", "bridge", "--help"})
	require.NoError(t, root.Execute())
	require.Contains(t, out.String(), "commitment")
}
