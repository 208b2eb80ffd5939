package types

import (
	"context"

	"cosmossdk.io/log"

	sdk "github.com/cosmos/cosmos-sdk/types"
)

// Log writes one of a Slush module's log lines for operators (issue 19: updates, claims, routes,
// freezes, elections), tagged module=x/<module>, when a block executes the transaction or the
// EndBlock: never in CheckTx or a simulation (the relayer simulates every transaction first), so
// each event is logged once.
func Log(ctx context.Context, module, msg string, keyvals ...any) {
	sdkCtx := sdk.UnwrapSDKContext(ctx)
	if sdkCtx.IsCheckTx() || sdkCtx.ExecMode() == sdk.ExecModeSimulate || sdkCtx.ExecMode() == sdk.ExecModeCheck {
		return
	}
	sdkCtx.Logger().With(log.ModuleKey, "x/"+module).Info(msg, keyvals...)
}
