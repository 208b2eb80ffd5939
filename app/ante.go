package app

import (
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/slush-tree/slush/circuits/ledger"
	bridgetypes "github.com/slush-tree/slush/x/bridge/types"
	ledgerkeeper "github.com/slush-tree/slush/x/ledger/keeper"
	ledgertypes "github.com/slush-tree/slush/x/ledger/types"
	validiumtypes "github.com/slush-tree/slush/x/validium/types"
)

// ledgerChainAnte refuses, before the SDK's ante handler runs (so before any fee, size or
// signature gas is charged), a transaction carrying a ledger transfer or bridge-out (also a
// forced deposit's, which burns on this chain's ledger) whose
// EdDSA signature does not verify for this chain's vid: an op signed for another chain
// (`slushchaind ledger ... --path` of another chain) fails in CheckTx with
// ledgertypes.ErrWrongChain naming both chains, instead of reaching a block as "bad signature".
// ValidateBasic cannot do it: it does not know the chain. It reads only the tree identity and
// runs the same in CheckTx and in a block, so it is deterministic.
func ledgerChainAnte(lk ledgerkeeper.Keeper, next sdk.AnteHandler) sdk.AnteHandler {
	return func(ctx sdk.Context, tx sdk.Tx, simulate bool) (sdk.Context, error) {
		for _, msg := range tx.GetMsgs() {
			var (
				bz   []byte
				want ledger.OpKind
			)
			switch m := msg.(type) {
			case *ledgertypes.MsgTransfer:
				bz, want = m.Op, ledger.OpTransfer
			case *bridgetypes.MsgBridgeOut:
				bz, want = m.Op, ledger.OpBridgeOut
			case *validiumtypes.MsgForceOperation: // a forced deposit burns on this chain's ledger too
				bz, want = m.Op, ledger.OpBridgeOut
			default:
				continue
			}
			op, err := ledgertypes.DecodeOp(bz, want) // ValidateBasic passed: it decodes
			if err != nil {
				return ctx, err
			}
			if err := lk.CheckSignedHere(ctx, op); err != nil {
				return ctx, err
			}
		}
		return next(ctx, tx, simulate)
	}
}
