package app

import (
	"bytes"
	"strings"
	"testing"

	"cosmossdk.io/log"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/stretchr/testify/require"

	validiumtypes "github.com/slush-tree/slush/x/validium/types"
)

// TestSubtreeModeLogged: a chain process says in its log, once per mode (BeginBlocker calls this
// at every block), which subtree mode it runs; both prove less than the protocol requires today
// (issue 16). localnet.sh status and the demo summary read the attested line.
func TestSubtreeModeLogged(t *testing.T) {
	var buf bytes.Buffer
	ctx := sdk.Context{}.WithLogger(log.NewLogger(&buf, log.ColorOption(false)))
	app := &App{}
	for i := 0; i < 3; i++ {
		app.logSubtreeMode(ctx, validiumtypes.SubtreeProofs_SUBTREE_PROOFS_ATTESTED)
	}
	require.Equal(t, 1, strings.Count(buf.String(), validiumtypes.SubtreeProofsLabel), buf.String())
	require.Contains(t, buf.String(), "module=x/validium")
	require.NotContains(t, buf.String(), "RECURSIVE")

	app.logSubtreeMode(ctx, validiumtypes.SubtreeProofs_SUBTREE_PROOFS_RECURSIVE)
	app.logSubtreeMode(ctx, validiumtypes.SubtreeProofs_SUBTREE_PROOFS_RECURSIVE)
	require.Equal(t, 1, strings.Count(buf.String(), validiumtypes.SubtreeProofsRecursiveLabel), "a mode change is logged once")
}
