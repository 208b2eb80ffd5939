package keeper

import (
	"context"
	"encoding/hex"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/slush-tree/slush/circuits/commitment"
	"github.com/slush-tree/slush/circuits/hash"
	slushtypes "github.com/slush-tree/slush/types"
	"github.com/slush-tree/slush/x/validium/types"
)

// proveForcedWithdrawal satisfies a pending forced withdrawal (issue 20) with a proof checked
// natively against an accepted commitment of the child anchored after the withdrawal was queued
// (no circuit change: the child's ledger proofs already bind every root of that commitment):
//
//   - inclusion: the message the signed bridge-out produces (its nonce is its outbox position) is
//     in that commitment's outbox at a position the outbox did not hold at queue time, and no
//     other forced withdrawal was proven by that position (EXECUTED);
//   - no_op: account op.from under that commitment cannot be debited by the op, by the ledger's
//     own rules: beyond the account count, another owner or asset, another nonce, too small a
//     balance (NO_OP). A state after the queueing is required so a child cannot point at a state
//     from before the account was funded; the nonce only grows and the balance without a nonce
//     change only grows, so such a state also shows the op was never executable before it.
//
// The proving anchor is recorded: a re-election rolling back past it makes the withdrawal pending
// again (reopenWithdrawalsAfter). WithdrawalProofGas is charged first. MsgProveForcedWithdrawal's
// ValidateBasic has run (msg server).
func (k Keeper) proveForcedWithdrawal(ctx context.Context, msg *types.MsgProveForcedWithdrawal) (types.ForcedWithdrawal, error) {
	w, err := k.GetForcedWithdrawal(ctx, msg.ChildIndex, msg.Sequence)
	if err != nil {
		return types.ForcedWithdrawal{}, err
	}
	if w.Status != types.ForcedWithdrawalStatus_FORCED_WITHDRAWAL_STATUS_PENDING {
		return types.ForcedWithdrawal{}, errorsmod.Wrapf(types.ErrWithdrawalNotPending, "child %d sequence %d is %s", w.ChildIndex, w.Sequence, w.Status)
	}
	child, err := k.GetChild(ctx, msg.ChildIndex)
	if err != nil {
		return types.ForcedWithdrawal{}, err
	}
	if child.Status != types.ChildStatus_CHILD_STATUS_ACTIVE {
		return types.ForcedWithdrawal{}, errorsmod.Wrapf(types.ErrChildFrozen, "child %d", msg.ChildIndex)
	}
	sdk.UnwrapSDKContext(ctx).GasMeter().ConsumeGas(types.WithdrawalProofGas, "forced withdrawal proof")
	op, err := types.DecodeWithdrawalOp(w.Op)
	if err != nil {
		return types.ForcedWithdrawal{}, err
	}
	vid, err := k.tree.ChildVid(ctx, msg.ChildIndex)
	if err != nil {
		return types.ForcedWithdrawal{}, err
	}
	lp, err := k.ledger.GetParams(ctx)
	if err != nil {
		return types.ForcedWithdrawal{}, err
	}
	var c commitment.Commitment
	if msg.Inclusion != nil {
		if c, err = msg.Inclusion.Commitment.Decode(); err != nil {
			return types.ForcedWithdrawal{}, err
		}
		if err := k.checkAccepted(ctx, w.ChildIndex, c, w.QueuedAnchorHeight); err != nil {
			return types.ForcedWithdrawal{}, err
		}
		m, err := msg.Inclusion.Verify(c, vid, op, w.QueuedOutboxRoot, int(lp.OutboxDepth))
		if err != nil {
			return types.ForcedWithdrawal{}, err
		}
		position := collections.Join(w.ChildIndex, msg.Inclusion.Position)
		if spent, err := k.WithdrawalPositions.Has(ctx, position); err != nil || spent {
			if err != nil {
				return types.ForcedWithdrawal{}, err
			}
			return types.ForcedWithdrawal{}, errorsmod.Wrapf(types.ErrInvalidWithdrawalProof,
				"outbox position %d already proved another forced withdrawal", msg.Inclusion.Position)
		}
		if err := k.WithdrawalPositions.Set(ctx, position, w.Sequence); err != nil {
			return types.ForcedWithdrawal{}, err
		}
		w.Status = types.ForcedWithdrawalStatus_FORCED_WITHDRAWAL_STATUS_EXECUTED
		w.MessageHash, w.OutboxPosition = hash.EncodeElement(m.Hash()), msg.Inclusion.Position
	} else {
		var reason string
		if c, reason, err = types.NoOpReason(*msg.NoOp, op, int(lp.AccountDepth)); err != nil {
			return types.ForcedWithdrawal{}, err
		}
		if err := k.checkAccepted(ctx, w.ChildIndex, c, w.QueuedAnchorHeight); err != nil {
			return types.ForcedWithdrawal{}, err
		}
		w.Status, w.NoOpReason = types.ForcedWithdrawalStatus_FORCED_WITHDRAWAL_STATUS_NO_OP, reason
	}
	w.ProvenAnchorHeight = c.AnchorHeight
	if err := k.WithdrawalProven.Set(ctx, collections.Join3(w.ChildIndex, w.ProvenAnchorHeight, w.Sequence)); err != nil {
		return types.ForcedWithdrawal{}, err
	}
	if err := k.leavePending(ctx, w, w.Deadline); err != nil {
		return types.ForcedWithdrawal{}, err
	}
	slushtypes.Log(ctx, types.ModuleName, "forced withdrawal proven", "child", w.ChildIndex, "sequence", w.Sequence,
		"status", w.Status.String(), "anchor", w.ProvenAnchorHeight, "reason", w.NoOpReason)
	return w, sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventForcedWithdrawalProven{
		ChildIndex: w.ChildIndex, Sequence: w.Sequence, Status: w.Status, AnchorHeight: w.ProvenAnchorHeight,
		MessageHashHex: hex.EncodeToString(w.MessageHash), NoOpReason: w.NoOpReason,
	})
}
