package keeper

import (
	"bytes"
	"context"
	"encoding/hex"

	errorsmod "cosmossdk.io/errors"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/inclusion"
	"github.com/slush-tree/slush/circuits/ledger"
	"github.com/slush-tree/slush/internal/parentsync"
	slushtypes "github.com/slush-tree/slush/types"
	treetypes "github.com/slush-tree/slush/x/tree/types"
	"github.com/slush-tree/slush/x/validium/types"
)

// receiveForced mints a forced operation of this chain's queue on its parent (DESIGN §8: the
// child must process it or be frozen): the queue record is proven under the parent app hash the
// light client trusts, at the key this chain derives from its own index and the sequence, so
// the chain mints exactly what the parent will match in its next update (a forced-source entry,
// which the ledger proof leaves to the parent). Gas for the proof is charged first.
func (k Keeper) receiveForced(ctx context.Context, msg *types.MsgReceiveForced) (*types.MsgReceiveForcedResponse, error) {
	sdkCtx := sdk.UnwrapSDKContext(ctx)
	sdkCtx.GasMeter().ConsumeGas(treetypes.SyncGasFlat+treetypes.SyncGasPerProofByte*uint64(len(msg.Proof)+len(msg.Operation)), "forced operation proof")
	appHash, err := k.tree.TrustedParentAppHash(ctx)
	if err != nil {
		return nil, err
	}
	m, err := k.provenForcedOp(ctx, appHash, msg)
	if err != nil {
		return nil, err
	}
	nullifier := hash.EncodeElement(m.Hash())
	index, err := k.bridge.Deliver(ctx, m, ledger.SourceForced)
	if err != nil {
		return nil, err
	}
	slushtypes.Log(ctx, types.ModuleName, "forced operation minted", "msg", hex.EncodeToString(nullifier), "sequence", msg.Sequence, "amount", m.Amount)
	return &types.MsgReceiveForcedResponse{MessageHash: nullifier, ReceiptIndex: index},
		sdkCtx.EventManager().EmitTypedEvent(&types.EventForcedReceived{
			MessageHash: nullifier, Amount: m.Amount, Sequence: msg.Sequence, ReceiptIndex: index,
			MessageHashHex: hex.EncodeToString(nullifier),
		})
}

// provenForcedOp verifies the parent's queue record and returns the message it forces on this
// chain: a mint (not a forward) queued for this chain's own index, at the requested sequence,
// addressed to this chain, whose payload is the message's hash.
func (k Keeper) provenForcedOp(ctx context.Context, appHash []byte, msg *types.MsgReceiveForced) (inclusion.Message, error) {
	path, err := k.tree.OwnPath(ctx)
	if err != nil {
		return inclusion.Message{}, err
	}
	if path.IsRoot() {
		return inclusion.Message{}, errorsmod.Wrap(types.ErrInvalidForcedOp, "the root has no parent")
	}
	index := uint32(path[len(path)-1])
	key, err := types.ForcedOpStoreKey(index, msg.Sequence)
	if err != nil {
		return inclusion.Message{}, err
	}
	proof, err := parentsync.DecodeProofOps(msg.Proof)
	if err != nil {
		return inclusion.Message{}, errorsmod.Wrap(types.ErrInvalidForcedOp, err.Error())
	}
	if err := parentsync.VerifyMembership(appHash, proof, types.StoreKey, key, msg.Operation); err != nil {
		return inclusion.Message{}, errorsmod.Wrap(types.ErrInvalidForcedOp, err.Error())
	}
	var op types.ForcedOperation
	if err := k.cdc.Unmarshal(msg.Operation, &op); err != nil {
		return inclusion.Message{}, errorsmod.Wrap(types.ErrInvalidForcedOp, err.Error())
	}
	if op.Forward || op.ChildIndex != index || op.Sequence != msg.Sequence {
		return inclusion.Message{}, errorsmod.Wrap(types.ErrInvalidForcedOp, "not a mint queued for this chain at that sequence")
	}
	m, err := ledger.DecodeMessage(op.Message)
	if err != nil {
		return inclusion.Message{}, errorsmod.Wrap(types.ErrInvalidForcedOp, err.Error())
	}
	vid, err := k.tree.OwnVid(ctx)
	if err != nil {
		return inclusion.Message{}, err
	}
	if h := m.Hash(); !m.DstVid.Equal(&vid) || !bytes.Equal(hash.EncodeElement(h), op.PayloadHash) {
		return inclusion.Message{}, errorsmod.Wrap(types.ErrInvalidForcedOp, "the queued message is not this chain's or not its payload")
	}
	if err := k.checkForcedSource(ctx, path, m); err != nil {
		return inclusion.Message{}, err
	}
	return m, nil
}

// checkForcedSource refuses, on a chain two or more levels down a tree that runs RECURSIVE
// subtree proofs (this chain's own mode stands for the tree's: every chain runs the same), a
// forced mint of a message its parent did not send. The chain above its parent proves such a
// chain's forced entries only as deposits in the parent's outbox (step kind 9, docs/PROTOCOL.md
// "Forced deposits into grandchildren"); a routed mint minted as forced would stop the parent's
// updates there, so it is delivered with MsgRouteMessage instead, a claim the batch proof covers.
func (k Keeper) checkForcedSource(ctx context.Context, path slushtypes.Path, m inclusion.Message) error {
	if len(path) < 2 {
		return nil // the root verifies its children's forced entries natively: no step above
	}
	params, err := k.Params.Get(ctx)
	if err != nil || !params.Recursive() {
		return err
	}
	parent, err := path[:len(path)-1].Vid()
	if err != nil {
		return err
	}
	if !m.SrcVid.Equal(&parent) {
		return errorsmod.Wrapf(types.ErrInvalidForcedOp,
			"a message from %s routed to this chain: under RECURSIVE subtree proofs a chain below the root's children mints as forced only its parent's deposits; deliver it with MsgRouteMessage",
			slushtypes.VidName(m.SrcVid))
	}
	return nil
}
