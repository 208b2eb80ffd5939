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

// TestSubtreeModeLogged: a chain process says in its log, once (BeginBlocker calls this at every
// block), that it runs the attested subtree mode, which proves less than the protocol requires
// (issue 16); localnet.sh status and the demo summary read this line.
func TestSubtreeModeLogged(t *testing.T) {
	var buf bytes.Buffer
	ctx := sdk.Context{}.WithLogger(log.NewLogger(&buf, log.ColorOption(false)))
	app := &App{}
	for i := 0; i < 3; i++ {
		app.logSubtreeMode(ctx)
	}
	require.Equal(t, 1, strings.Count(buf.String(), validiumtypes.SubtreeProofsLabel), buf.String())
	require.Contains(t, buf.String(), "module=x/validium")
}
