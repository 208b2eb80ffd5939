package keeper

import (
	"context"
	"encoding/hex"

	errorsmod "cosmossdk.io/errors"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/internal/parentsync"
	slushtypes "github.com/slush-tree/slush/types"
	treetypes "github.com/slush-tree/slush/x/tree/types"
	"github.com/slush-tree/slush/x/validium/types"
)

// executeForcedWithdrawal runs on the child: it executes a forced withdrawal its parent queued
// for it (issue 20), mirroring receiveForced. The parent's record is proven under the parent app
// hash the light client trusts, at the key this chain derives from its own index and the
// sequence, and must still be pending there; its signed op then runs on this chain's ledger as a
// bridge-out (x/bridge ExecuteForcedWithdrawal: the ledger checks signature, owner, asset, nonce
// and balance, so an op it cannot execute fails here and the parent is shown a no-op instead,
// and an op executes at most once, by its nonce). The next ledger batch proves the burn and the
// outbox append like any bridge-out's; the parent is then shown the message's inclusion. Gas for
// the proof is charged first.
func (k Keeper) executeForcedWithdrawal(ctx context.Context, msg *types.MsgExecuteForcedWithdrawal) (*types.MsgExecuteForcedWithdrawalResponse, error) {
	sdkCtx := sdk.UnwrapSDKContext(ctx)
	sdkCtx.GasMeter().ConsumeGas(treetypes.SyncGasFlat+treetypes.SyncGasPerProofByte*uint64(len(msg.Proof)+len(msg.Record)), "forced withdrawal proof")
	appHash, err := k.tree.TrustedParentAppHash(ctx)
	if err != nil {
		return nil, err
	}
	w, err := k.provenWithdrawal(ctx, appHash, msg)
	if err != nil {
		return nil, err
	}
	m, position, err := k.bridge.ExecuteForcedWithdrawal(ctx, w.Op)
	if err != nil {
		return nil, err
	}
	msgHash := hash.EncodeElement(m.Hash())
	slushtypes.Log(ctx, types.ModuleName, "forced withdrawal executed", "sequence", msg.Sequence, "msg", hex.EncodeToString(msgHash),
		"outbox_index", position, "amount", m.Amount)
	return &types.MsgExecuteForcedWithdrawalResponse{MessageHash: msgHash, OutboxIndex: position},
		sdkCtx.EventManager().EmitTypedEvent(&types.EventForcedWithdrawalExecuted{
			Sequence: msg.Sequence, MessageHashHex: hex.EncodeToString(msgHash), OutboxIndex: position, Amount: m.Amount,
		})
}

// provenWithdrawal verifies the parent's forced-withdrawal record and returns it: queued for this
// chain's own index, at the requested sequence, still pending.
func (k Keeper) provenWithdrawal(ctx context.Context, appHash []byte, msg *types.MsgExecuteForcedWithdrawal) (types.ForcedWithdrawal, error) {
	path, err := k.tree.OwnPath(ctx)
	if err != nil {
		return types.ForcedWithdrawal{}, err
	}
	if path.IsRoot() {
		return types.ForcedWithdrawal{}, errorsmod.Wrap(types.ErrInvalidForcedOp, "the root has no parent")
	}
	index := uint32(path[len(path)-1])
	key, err := types.ForcedWithdrawalStoreKey(index, msg.Sequence)
	if err != nil {
		return types.ForcedWithdrawal{}, err
	}
	proof, err := parentsync.DecodeProofOps(msg.Proof)
	if err != nil {
		return types.ForcedWithdrawal{}, errorsmod.Wrap(types.ErrInvalidForcedOp, err.Error())
	}
	if err := parentsync.VerifyMembership(appHash, proof, types.StoreKey, key, msg.Record); err != nil {
		return types.ForcedWithdrawal{}, errorsmod.Wrap(types.ErrInvalidForcedOp, err.Error())
	}
	var w types.ForcedWithdrawal
	if err := k.cdc.Unmarshal(msg.Record, &w); err != nil {
		return types.ForcedWithdrawal{}, errorsmod.Wrap(types.ErrInvalidForcedOp, err.Error())
	}
	if w.ChildIndex != index || w.Sequence != msg.Sequence {
		return types.ForcedWithdrawal{}, errorsmod.Wrap(types.ErrInvalidForcedOp, "not a forced withdrawal of this chain at that sequence")
	}
	if w.Status != types.ForcedWithdrawalStatus_FORCED_WITHDRAWAL_STATUS_PENDING {
		return types.ForcedWithdrawal{}, errorsmod.Wrapf(types.ErrWithdrawalNotPending, "sequence %d is %s on the parent", w.Sequence, w.Status)
	}
	return w, nil
}
