package types

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/require"

	"cosmossdk.io/log"

	sdk "github.com/cosmos/cosmos-sdk/types"
)

// TestLog: a module line is written, tagged with its module, when a block executes; never in
// CheckTx or a simulation (the relayer simulates every transaction first).
func TestLog(t *testing.T) {
	var out bytes.Buffer
	ctx := sdk.Context{}.WithLogger(log.NewLogger(&out, log.ColorOption(false)))
	Log(ctx.WithExecMode(sdk.ExecModeSimulate), "bridge", "claimed", "msg", "27fa")
	Log(ctx.WithExecMode(sdk.ExecModeCheck), "bridge", "claimed", "msg", "27fa")
	require.Empty(t, out.String())
	Log(ctx.WithExecMode(sdk.ExecModeFinalize), "bridge", "claimed", "msg", "27fa")
	require.Contains(t, out.String(), "claimed")
	require.Contains(t, out.String(), "module=x/bridge")
	require.Contains(t, out.String(), "msg=27fa")
}
