package keeper

import (
	"context"
	"encoding/hex"
	"errors"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/inclusion"
	"github.com/slush-tree/slush/circuits/ledger"
	slushtypes "github.com/slush-tree/slush/types"
	"github.com/slush-tree/slush/x/bridge/types"
	ledgertypes "github.com/slush-tree/slush/x/ledger/types"
)

// burn executes a signed bridge-out on the ledger, unless its sender still waits for the
// confirmation of an earlier message: the one place both kinds of bridge-out pass (a claimable
// MsgBridgeOut and a forced deposit into a child), so an account has at most one message in
// flight whichever way it sends (DESIGN §7.4, seed: "the sender node cannot send multiple
// transactions to other rollups in parallel").
func (k Keeper) burn(ctx context.Context, opBytes []byte) (ledgertypes.Burnt, error) {
	if op, err := ledgertypes.DecodeOp(opBytes, ledger.OpBridgeOut); err == nil {
		frozen, err := k.FrozenSender.Has(ctx, op.From)
		if err != nil {
			return ledgertypes.Burnt{}, err
		}
		if frozen {
			return ledgertypes.Burnt{}, errorsmod.Wrapf(types.ErrAccountFrozen, "account %d", op.From)
		}
	}
	return k.ledger.BurnBridgeOut(ctx, opBytes) // refuses what does not decode or is not a bridge-out
}

// bridgeOut burns a claimable bridge-out (DESIGN §7.1), records the outgoing message and freezes
// its sending account for bridge-outs until the message is confirmed.
func (k Keeper) bridgeOut(ctx context.Context, opBytes []byte) (types.OutgoingMessage, ledgertypes.Burnt, error) {
	burnt, err := k.burn(ctx, opBytes)
	if err != nil {
		return types.OutgoingMessage{}, ledgertypes.Burnt{}, err
	}
	out, err := k.recordOutgoing(ctx, burnt)
	return out, burnt, err
}

// recordOutgoing records a burnt claimable message (status SENT, in the deadline index), freezes
// its sending account for bridge-outs until it is confirmed, and emits EventBridgeOut.
func (k Keeper) recordOutgoing(ctx context.Context, burnt ledgertypes.Burnt) (types.OutgoingMessage, error) {
	m := burnt.Message
	out := types.OutgoingMessage{
		Message: slushtypes.NewBridgeMessage(m), MessageHash: hash.EncodeElement(m.Hash()), AccountIndex: burnt.Op.From,
		Status: slushtypes.MessageStatus_MESSAGE_STATUS_SENT, SentHeight: sdk.UnwrapSDKContext(ctx).BlockHeight(),
	}
	if err := k.Outgoing.Set(ctx, out.MessageHash, out); err != nil {
		return types.OutgoingMessage{}, err
	}
	if err := k.OutgoingDeadlines.Set(ctx, collections.Join(m.Deadline, out.MessageHash)); err != nil {
		return types.OutgoingMessage{}, err
	}
	if err := k.FrozenSender.Set(ctx, burnt.Op.From); err != nil {
		return types.OutgoingMessage{}, err
	}
	slushtypes.Log(ctx, types.ModuleName, "bridge-out", "msg", hex.EncodeToString(out.MessageHash), "dst", slushtypes.VidName(m.DstVid),
		"amount", m.Amount, "account", burnt.Op.From, "outbox_index", burnt.OutboxIndex, "deadline", m.Deadline)
	return out, sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventBridgeOut{
		MessageHash: out.MessageHash, MessageHashHex: hex.EncodeToString(out.MessageHash), AccountIndex: burnt.Op.From,
		OutboxIndex: burnt.OutboxIndex, Destination: slushtypes.VidName(m.DstVid), Amount: m.Amount, Deadline: m.Deadline,
	})
}

// BurnForChild executes a forced deposit (x/validium's MsgForceOperation, DESIGN §8): a signed
// bridge-out on this ledger addressed to the child childVid. The burn is final here; the child
// must mint the message from its forced queue. The sender is not frozen afterwards: the queue's
// deadline, not a receipt, guarantees delivery.
func (k Keeper) BurnForChild(ctx context.Context, opBytes []byte, childVid fr.Element) (inclusion.Message, error) {
	op, err := ledgertypes.DecodeOp(opBytes, ledger.OpBridgeOut)
	if err != nil {
		return inclusion.Message{}, err
	}
	if !op.DstVid.Equal(&childVid) {
		return inclusion.Message{}, errorsmod.Wrap(types.ErrWrongDestination, "a forced deposit goes to the child it is queued for")
	}
	burnt, err := k.burn(ctx, opBytes)
	return burnt.Message, err
}

// confirm checks that the destination's receipt of an outgoing message is in its receipt tree
// under a root commitment this chain knows, then marks the message confirmed and unfreezes
// the sending account.
func (k Keeper) confirm(ctx context.Context, msg *types.MsgConfirm) error {
	out, err := k.Outgoing.Get(ctx, msg.MessageHash)
	if errors.Is(err, collections.ErrNotFound) {
		return errorsmod.Wrapf(types.ErrUnknownMessage, "%X", msg.MessageHash)
	}
	if err != nil {
		return err
	}
	// a routed-up message may still be confirmed: a claim can have beaten the route (DESIGN §7.5)
	if out.Status != slushtypes.MessageStatus_MESSAGE_STATUS_SENT && out.Status != slushtypes.MessageStatus_MESSAGE_STATUS_ROUTED_UP {
		return errorsmod.Wrapf(types.ErrAlreadyConfirmed, "%X", msg.MessageHash)
	}
	m, err := out.Message.Decode()
	if err != nil {
		return err
	}
	receipt := inclusion.ReceiptFor(m) // proven along finalized commitments: a rollback there cannot un-mint it (DESIGN §7.4)
	if err := k.VerifyInclusion(ctx, msg.RootHeight, inclusion.KindReceipt, receipt.Hash(), m.SrcVid, msg.Proof); err != nil {
		return err
	}
	out.Status = slushtypes.MessageStatus_MESSAGE_STATUS_CONFIRMED
	if err := k.Outgoing.Set(ctx, out.MessageHash, out); err != nil {
		return err
	}
	if err := k.OutgoingDeadlines.Remove(ctx, collections.Join(m.Deadline, out.MessageHash)); err != nil {
		return err
	}
	if err := k.FrozenSender.Remove(ctx, out.AccountIndex); err != nil {
		return err
	}
	slushtypes.Log(ctx, types.ModuleName, "confirmed: the destination's receipt is final", "msg", hex.EncodeToString(out.MessageHash),
		"account", out.AccountIndex, "root_height", msg.RootHeight)
	return sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventConfirmed{
		MessageHash: out.MessageHash, AccountIndex: out.AccountIndex, MessageHashHex: hex.EncodeToString(out.MessageHash),
	})
}
