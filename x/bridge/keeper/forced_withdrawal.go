package keeper

import (
	"context"

	"github.com/slush-tree/slush/circuits/inclusion"
	"github.com/slush-tree/slush/circuits/ledger"
	ledgertypes "github.com/slush-tree/slush/x/ledger/types"
)

// ExecuteForcedWithdrawal executes a forced withdrawal this chain's parent queued (x/validium's
// MsgExecuteForcedWithdrawal, issue 20): the user's signed bridge-out runs on the ledger as any
// bridge-out does (burn, outbox append, logged for the prover) and its message is recorded as a
// claimable outgoing message (claim, confirm, expiry and fallback routing as for MsgBridgeOut).
// Unlike MsgBridgeOut it is not refused while the sending account waits for the confirmation of
// an earlier message: the parent can check only what the ledger commits to (balance, nonce, owner,
// asset), so a rule outside the ledger must not let an honest child be frozen for refusing it.
// It returns the message and its outbox position.
func (k Keeper) ExecuteForcedWithdrawal(ctx context.Context, opBytes []byte) (inclusion.Message, uint64, error) {
	if _, err := ledgertypes.DecodeOp(opBytes, ledger.OpBridgeOut); err != nil {
		return inclusion.Message{}, 0, err
	}
	burnt, err := k.ledger.BurnBridgeOut(ctx, opBytes)
	if err != nil {
		return inclusion.Message{}, 0, err
	}
	if _, err := k.recordOutgoing(ctx, burnt); err != nil {
		return inclusion.Message{}, 0, err
	}
	return burnt.Message, burnt.OutboxIndex, nil
}
