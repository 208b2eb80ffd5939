package keeper

import (
	"context"
	"errors"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/inclusion"
	"github.com/slush-tree/slush/circuits/ledger"
	"github.com/slush-tree/slush/x/bridge/types"
)

// recordOutgoing stores the message a bridge-out appended to the outbox and freezes its
// sending account for bridge-outs (DESIGN §7: the sender waits for the receipt).
func (k Keeper) recordOutgoing(ctx context.Context, op ledger.Op) (types.OutgoingMessage, uint64, error) {
	m, index, err := k.lastOutboxMessage(ctx, op)
	if err != nil {
		return types.OutgoingMessage{}, 0, err
	}
	out := types.OutgoingMessage{
		Message: types.NewBridgeMessage(m), MessageHash: hash.EncodeElement(m.Hash()), AccountIndex: op.From,
		Status: types.MessageStatus_MESSAGE_STATUS_SENT, SentHeight: sdk.UnwrapSDKContext(ctx).BlockHeight(),
	}
	if err := k.Outgoing.Set(ctx, out.MessageHash, out); err != nil {
		return types.OutgoingMessage{}, 0, err
	}
	if err := k.OutgoingDeadlines.Set(ctx, collections.Join(m.Deadline, out.MessageHash)); err != nil {
		return types.OutgoingMessage{}, 0, err
	}
	return out, index, k.FrozenSender.Set(ctx, op.From)
}

// lastOutboxMessage is the message the bridge-out op just appended to the outbox.
func (k Keeper) lastOutboxMessage(ctx context.Context, op ledger.Op) (inclusion.Message, uint64, error) {
	state, err := k.OpenLedger(ctx)
	if err != nil {
		return inclusion.Message{}, 0, err
	}
	index := state.Outbox().Size() - 1
	item, err := state.Outbox().Get(index)
	if err != nil {
		return inclusion.Message{}, 0, err
	}
	m := inclusion.Message{SrcVid: state.Vid(), DstVid: op.DstVid, Nonce: index, Recipient: op.Recipient,
		AssetID: op.Asset, Amount: op.Amount, Deadline: op.Deadline}
	if h := m.Hash(); !h.Equal(&item) { // the ledger and this record must describe the same message
		return inclusion.Message{}, 0, errors.New("bridge: outbox item is not the bridge-out's message")
	}
	return m, index, nil
}

// BurnForChild executes a forced deposit (x/validium's MsgForceOperation, DESIGN §8): a signed
// bridge-out on this ledger addressed to the child childVid. The burn is final here; the child
// must mint the message from its forced queue.
func (k Keeper) BurnForChild(ctx context.Context, opBytes []byte, childVid fr.Element) (inclusion.Message, error) {
	op, err := ledger.DecodeOp(opBytes)
	if err != nil {
		return inclusion.Message{}, errorsmod.Wrap(types.ErrInvalidOp, err.Error())
	}
	if op.Kind == ledger.OpBridgeOut && !op.DstVid.Equal(&childVid) {
		return inclusion.Message{}, errorsmod.Wrap(types.ErrWrongDestination, "a forced deposit goes to the child it is queued for")
	}
	if op, _, err = k.execute(ctx, opBytes, ledger.OpBridgeOut); err != nil {
		return inclusion.Message{}, err
	}
	m, _, err := k.lastOutboxMessage(ctx, op)
	return m, err
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
	if out.Status != types.MessageStatus_MESSAGE_STATUS_SENT && out.Status != types.MessageStatus_MESSAGE_STATUS_ROUTED_UP {
		return errorsmod.Wrapf(types.ErrAlreadyConfirmed, "%X", msg.MessageHash)
	}
	m, err := out.Message.Decode()
	if err != nil {
		return err
	}
	receipt := inclusion.ReceiptFor(m) // proven along finalized commitments: a rollback there cannot un-mint it (DESIGN §7.4)
	if err := k.verifyInclusion(ctx, msg.RootHeight, inclusion.KindReceipt, receipt.Hash(), m.SrcVid, msg.Proof); err != nil {
		return err
	}
	out.Status = types.MessageStatus_MESSAGE_STATUS_CONFIRMED
	if err := k.Outgoing.Set(ctx, out.MessageHash, out); err != nil {
		return err
	}
	if err := k.OutgoingDeadlines.Remove(ctx, collections.Join(m.Deadline, out.MessageHash)); err != nil {
		return err
	}
	if err := k.FrozenSender.Remove(ctx, out.AccountIndex); err != nil {
		return err
	}
	return sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventConfirmed{
		MessageHash: out.MessageHash, AccountIndex: out.AccountIndex,
	})
}
