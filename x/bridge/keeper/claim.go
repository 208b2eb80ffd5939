package keeper

import (
	"context"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"

	errorsmod "cosmossdk.io/errors"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/inclusion"
	"github.com/slush-tree/slush/circuits/ledger"
	"github.com/slush-tree/slush/circuits/prover"
	"github.com/slush-tree/slush/x/bridge/types"
)

// claim mints a message sent to this chain (DESIGN §7.3): the message is addressed here, its
// deadline has not passed, the proof puts it in the sender's outbox under a root commitment
// this chain knows, and its hash (the nullifier) was never claimed. The mint is a logged
// bridge-in, so this chain's next batch proves it; a receipt joins the receipt tree.
func (k Keeper) claim(ctx context.Context, msg *types.MsgClaim) (*types.MsgClaimResponse, error) {
	m, err := msg.Message.Decode()
	if err != nil {
		return nil, err
	}
	state, err := k.OpenLedger(ctx)
	if err != nil {
		return nil, err
	}
	vid := state.Vid()
	if !m.DstVid.Equal(&vid) {
		return nil, types.ErrWrongDestination
	}
	if err := k.checkDeadline(ctx, m.Deadline); err != nil {
		return nil, err
	}
	msgHash := m.Hash()
	nullifier := hash.EncodeElement(msgHash)
	used, err := k.Nullifiers.Has(ctx, nullifier)
	if err != nil {
		return nil, err
	}
	if used { // claimed before, or any other proof of the same message (DESIGN §7.3: claim at most once)
		return nil, errorsmod.Wrapf(types.ErrAlreadyClaimed, "%X", nullifier)
	}
	if err := k.verifyInclusion(ctx, msg.RootHeight, inclusion.KindMessage, msgHash, m.DstVid, msg.Proof); err != nil {
		return nil, err
	}
	receipt, index, err := k.mint(ctx, m, ledger.SourceClaim)
	if err != nil {
		return nil, err
	}
	err = sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventClaimed{
		MessageHash: nullifier, Amount: m.Amount, RootHeight: msg.RootHeight, ReceiptIndex: index,
	})
	return &types.MsgClaimResponse{MessageHash: nullifier, ReceiptHash: hash.EncodeElement(receipt), ReceiptIndex: index}, err
}

// mint delivers a message to its recipient on this chain's ledger, by claim, route or forced
// operation: the mint is a logged bridge-in of the message's source (so the next batch proves it
// as that source requires), the ledger appends its receipt, and the message hash becomes a
// nullifier, forever (DESIGN §7.3). It returns the receipt hash and index.
func (k Keeper) mint(ctx context.Context, m inclusion.Message, src ledger.Source) (fr.Element, uint64, error) {
	state, err := k.OpenLedger(ctx)
	if err != nil {
		return fr.Element{}, 0, err
	}
	if err := state.PushInbox(m, src); err != nil {
		return fr.Element{}, 0, ledgerError(err)
	}
	op := ledger.NewBridgeIn(m, src)
	if err := state.Apply(op); err != nil {
		return fr.Element{}, 0, ledgerError(err)
	}
	if _, err := k.appendLog(ctx, op); err != nil {
		return fr.Element{}, 0, err
	}
	msgHash := m.Hash()
	return inclusion.ReceiptFor(m).Hash(), state.Receipts().Size() - 1, k.Nullifiers.Set(ctx, hash.EncodeElement(msgHash))
}

// checkDeadline refuses claims once the root clock is past the message's deadline: from then on
// the message is delivered by routing only (DESIGN §7.5), so the two paths cannot race.
func (k Keeper) checkDeadline(ctx context.Context, deadline uint64) error {
	now, err := k.validium.RootHeight(ctx)
	if err != nil {
		return err
	}
	if now > deadline {
		return errorsmod.Wrapf(types.ErrClaimExpired, "deadline %d, root height %d", deadline, now)
	}
	return nil
}

// verifyInclusion charges the claim gas, then checks an inclusion proof (of a message or a
// receipt) against the root commitment this chain knows at rootHeight.
func (k Keeper) verifyInclusion(ctx context.Context, rootHeight uint64, kind inclusion.Kind, leaf, dst fr.Element, proof []byte) error {
	ip, err := k.Inclusion.Get(ctx)
	if err != nil || len(ip.VerifyingKey) == 0 {
		return types.ErrNoInclusionKey
	}
	rootBytes, ok, err := k.RootCommitmentAt(ctx, rootHeight)
	if err != nil {
		return err
	}
	if !ok {
		return errorsmod.Wrapf(types.ErrUnknownRoot, "root height %d", rootHeight)
	}
	root, err := hash.DecodeElement(rootBytes)
	if err != nil {
		return err
	}
	params, err := k.Params.Get(ctx)
	if err != nil {
		return err
	}
	sdk.UnwrapSDKContext(ctx).GasMeter().ConsumeGas(params.ClaimGasFlat, "bridge inclusion proof verification")
	vk, err := k.vks.Get(ip.VerifyingKey, types.InclusionPublicInputs)
	if err != nil {
		return errorsmod.Wrap(types.ErrNoInclusionKey, err.Error())
	}
	st := inclusion.Statement{RootCommitment: root, RootHeight: rootHeight, LeafHash: leaf, DstVid: dst, Kind: kind}
	if err := prover.VerifyInclusion(vk, proof, st); err != nil {
		return errorsmod.Wrap(types.ErrInvalidProof, err.Error())
	}
	return nil
}
