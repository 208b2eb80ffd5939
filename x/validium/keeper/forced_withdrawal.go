package keeper

import (
	"bytes"
	"context"
	"encoding/hex"
	"errors"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/slush-tree/slush/circuits/commitment"
	"github.com/slush-tree/slush/circuits/hash"
	slushtypes "github.com/slush-tree/slush/types"
	"github.com/slush-tree/slush/x/validium/types"
)

// forceWithdrawal queues a withdrawal a user forces on a child (issue 20, the seed's "Trustless
// exits": "the L2 will have to process the transaction or freeze"). The op is the bridge-out the
// user would submit to the child, signed with the account's ledger key for the child's vid; the
// opening shows, under an accepted commitment of the child, that account op.from exists, owned by
// that key, in the op's asset. Everything is checked before the fee is taken; the fee
// (params.forced_withdrawal_fee) is then burnt, and the withdrawal is pending with deadline root
// height + forced_op_deadline, remembering the child's anchor height and outbox root now: it is
// satisfied only by a proof from a later state (proveForcedWithdrawal), else the child is frozen
// (expireForcedWithdrawals). MsgForceWithdrawal.ValidateBasic has run (msg server);
// types.WithdrawalProofGas is charged before the signature and the opening are verified.
func (k Keeper) forceWithdrawal(ctx context.Context, msg *types.MsgForceWithdrawal) (types.ForcedWithdrawal, error) {
	op, err := types.DecodeWithdrawalOp(msg.Op)
	if err != nil {
		return types.ForcedWithdrawal{}, err
	}
	// a signature and an opening are verified natively below: paid for before they run
	sdk.UnwrapSDKContext(ctx).GasMeter().ConsumeGas(types.WithdrawalProofGas, "forced withdrawal signature and opening")
	child, err := k.GetChild(ctx, msg.ChildIndex)
	if err != nil {
		return types.ForcedWithdrawal{}, err
	}
	if child.Status != types.ChildStatus_CHILD_STATUS_ACTIVE {
		return types.ForcedWithdrawal{}, errorsmod.Wrapf(types.ErrChildFrozen, "child %d", msg.ChildIndex)
	}
	if err := refuseDeparting(child); err != nil { // its ledger moves no more here
		return types.ForcedWithdrawal{}, err
	}
	vid, err := k.tree.ChildVid(ctx, msg.ChildIndex)
	if err != nil {
		return types.ForcedWithdrawal{}, err
	}
	if err := types.CheckWithdrawalSignature(op, vid); err != nil {
		return types.ForcedWithdrawal{}, err
	}
	depth, err := k.accountDepth(ctx)
	if err != nil {
		return types.ForcedWithdrawal{}, err
	}
	c, err := types.CheckWithdrawalAccount(msg.Opening, op, depth)
	if err != nil {
		return types.ForcedWithdrawal{}, err
	}
	if err := k.checkAccepted(ctx, msg.ChildIndex, c, 0); err != nil {
		return types.ForcedWithdrawal{}, errorsmod.Wrap(types.ErrWrongAccount, err.Error())
	}
	opHash := hash.EncodeElement(op.SigningHash(vid))
	replayed, err := k.WithdrawalOps.Has(ctx, collections.Join(msg.ChildIndex, opHash))
	if err != nil {
		return types.ForcedWithdrawal{}, err
	}
	if replayed {
		return types.ForcedWithdrawal{}, errorsmod.Wrapf(types.ErrWithdrawalReplayed, "op %X on child %d", opHash, msg.ChildIndex)
	}
	pending, err := k.pendingWithdrawals(ctx, msg.ChildIndex)
	if err != nil {
		return types.ForcedWithdrawal{}, err
	}
	if pending >= types.MaxPendingForcedWithdrawals {
		return types.ForcedWithdrawal{}, errorsmod.Wrapf(types.ErrForcedQueueFull, "child %d has %d pending forced withdrawals", msg.ChildIndex, pending)
	}
	fee, err := k.burnWithdrawalFee(ctx, msg.Requester)
	if err != nil {
		return types.ForcedWithdrawal{}, err
	}
	seq, err := k.NextWithdrawalSeq.Get(ctx, msg.ChildIndex)
	if errors.Is(err, collections.ErrNotFound) {
		seq, err = 1, nil
	}
	if err != nil {
		return types.ForcedWithdrawal{}, err
	}
	deadline, err := k.forcedDeadline(ctx)
	if err != nil {
		return types.ForcedWithdrawal{}, err
	}
	w := types.ForcedWithdrawal{
		ChildIndex: msg.ChildIndex, Sequence: seq, Op: bytes.Clone(msg.Op), OpHash: opHash, Requester: msg.Requester,
		Deadline: deadline, QueuedAnchorHeight: child.AnchorHeight, QueuedOutboxRoot: bytes.Clone(child.OutboxRoot),
		Status: types.ForcedWithdrawalStatus_FORCED_WITHDRAWAL_STATUS_PENDING,
	}
	if err := k.NextWithdrawalSeq.Set(ctx, msg.ChildIndex, seq+1); err != nil {
		return types.ForcedWithdrawal{}, err
	}
	if err := k.WithdrawalOps.Set(ctx, collections.Join(msg.ChildIndex, opHash)); err != nil {
		return types.ForcedWithdrawal{}, err
	}
	if err := k.setPendingWithdrawal(ctx, w); err != nil {
		return types.ForcedWithdrawal{}, err
	}
	slushtypes.Log(ctx, types.ModuleName, "forced withdrawal queued", "child", w.ChildIndex, "sequence", seq, "deadline", deadline,
		"account", op.From, "amount", op.Amount, "fee", fee.String())
	return w, sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventForcedWithdrawalQueued{
		ChildIndex: w.ChildIndex, Sequence: seq, Deadline: deadline, AccountIndex: op.From, Amount: op.Amount,
		Destination: slushtypes.VidName(op.DstVid), Fee: fee.String(), OpHashHex: hex.EncodeToString(opHash),
	})
}

// burnWithdrawalFee takes params.forced_withdrawal_fee from the requester and burns it (the
// module account has the Burner permission, as bond slashing needs): spam costs the spammer, and
// nobody, the child's operator included, earns from forcing.
func (k Keeper) burnWithdrawalFee(ctx context.Context, requester string) (sdk.Coin, error) {
	params, err := k.Params.Get(ctx)
	if err != nil {
		return sdk.Coin{}, err
	}
	addr, err := k.addressCodec.StringToBytes(requester)
	if err != nil {
		return sdk.Coin{}, errorsmod.Wrapf(types.ErrInvalidAddress, "requester: %v", err)
	}
	fee := sdk.NewCoins(params.ForcedWithdrawalFee)
	if err := k.bank.SendCoinsFromAccountToModule(ctx, addr, types.ModuleName, fee); err != nil {
		return sdk.Coin{}, err
	}
	if err := k.bank.BurnCoins(ctx, types.ModuleName, fee); err != nil {
		return sdk.Coin{}, err
	}
	return params.ForcedWithdrawalFee, nil
}

// checkAccepted requires c to be an accepted commitment of the child still in its history (its
// entry at c's anchor height is c's hash: the child's vid and every root are bound) anchored
// above `above`.
func (k Keeper) checkAccepted(ctx context.Context, index uint32, c commitment.Commitment, above uint64) error {
	if c.AnchorHeight <= above {
		return errorsmod.Wrapf(types.ErrInvalidWithdrawalProof, "commitment anchored at %d, not after %d", c.AnchorHeight, above)
	}
	stored, err := k.History.Get(ctx, collections.Join(index, c.AnchorHeight))
	if errors.Is(err, collections.ErrNotFound) {
		return errorsmod.Wrapf(types.ErrInvalidWithdrawalProof, "child %d has no accepted commitment anchored at %d", index, c.AnchorHeight)
	}
	if err != nil {
		return err
	}
	if h := hash.EncodeElement(c.Hash()); !bytes.Equal(h, stored) {
		return errorsmod.Wrapf(types.ErrInvalidWithdrawalProof, "not child %d's accepted commitment at %d", index, c.AnchorHeight)
	}
	return nil
}

// pendingWithdrawals is the child's number of pending forced withdrawals.
func (k Keeper) pendingWithdrawals(ctx context.Context, index uint32) (uint64, error) {
	n, err := k.WithdrawalPending.Get(ctx, index)
	if errors.Is(err, collections.ErrNotFound) {
		return 0, nil
	}
	return n, err
}

// setPendingWithdrawal stores w as pending: the record, its deadline entry and the count.
func (k Keeper) setPendingWithdrawal(ctx context.Context, w types.ForcedWithdrawal) error {
	if err := k.ForcedWithdrawals.Set(ctx, collections.Join(w.ChildIndex, w.Sequence), w); err != nil {
		return err
	}
	if err := k.WithdrawalDeadlines.Set(ctx, collections.Join3(w.Deadline, w.ChildIndex, w.Sequence)); err != nil {
		return err
	}
	n, err := k.pendingWithdrawals(ctx, w.ChildIndex)
	if err != nil {
		return err
	}
	return k.WithdrawalPending.Set(ctx, w.ChildIndex, n+1)
}

// leavePending stores w (no longer pending: proven or expired) and drops its deadline entry and
// its place in the count. deadline is the entry the pending record had.
func (k Keeper) leavePending(ctx context.Context, w types.ForcedWithdrawal, deadline uint64) error {
	if err := k.ForcedWithdrawals.Set(ctx, collections.Join(w.ChildIndex, w.Sequence), w); err != nil {
		return err
	}
	if err := k.WithdrawalDeadlines.Remove(ctx, collections.Join3(deadline, w.ChildIndex, w.Sequence)); err != nil {
		return err
	}
	n, err := k.pendingWithdrawals(ctx, w.ChildIndex)
	if err != nil {
		return err
	}
	if n <= 1 {
		return k.WithdrawalPending.Remove(ctx, w.ChildIndex)
	}
	return k.WithdrawalPending.Set(ctx, w.ChildIndex, n-1)
}

// GetForcedWithdrawal returns a child's forced withdrawal or ErrUnknownWithdrawal.
func (k Keeper) GetForcedWithdrawal(ctx context.Context, index uint32, sequence uint64) (types.ForcedWithdrawal, error) {
	w, err := k.ForcedWithdrawals.Get(ctx, collections.Join(index, sequence))
	if errors.Is(err, collections.ErrNotFound) {
		return types.ForcedWithdrawal{}, errorsmod.Wrapf(types.ErrUnknownWithdrawal, "child %d sequence %d", index, sequence)
	}
	return w, err
}
