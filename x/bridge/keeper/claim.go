package keeper

import (
	"context"
	"encoding/hex"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"

	errorsmod "cosmossdk.io/errors"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/inclusion"
	"github.com/slush-tree/slush/circuits/ledger"
	"github.com/slush-tree/slush/circuits/prover"
	slushtypes "github.com/slush-tree/slush/types"
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
	vid, err := k.tree.OwnVid(ctx)
	if err != nil {
		return nil, err
	}
	if !m.DstVid.Equal(&vid) {
		return nil, types.ErrWrongDestination
	}
	if err := k.checkDeadline(ctx, m.Deadline); err != nil {
		return nil, err
	}
	msgHash := m.Hash()
	nullifier := hash.EncodeElement(msgHash)
	if err := k.checkFresh(ctx, nullifier); err != nil { // DESIGN §7.3: claim at most once
		return nil, err
	}
	if err := k.VerifyInclusion(ctx, msg.RootHeight, inclusion.KindMessage, msgHash, m.DstVid, msg.Proof); err != nil {
		return nil, err
	}
	receipt, index, err := k.deliver(ctx, m, ledger.SourceClaim)
	if err != nil {
		return nil, err
	}
	slushtypes.Log(ctx, types.ModuleName, "claimed", "msg", hex.EncodeToString(nullifier), "src", slushtypes.VidName(m.SrcVid),
		"amount", m.Amount, "root_height", msg.RootHeight, "receipt_index", index)
	err = sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventClaimed{
		MessageHash: nullifier, Amount: m.Amount, RootHeight: msg.RootHeight, ReceiptIndex: index,
		MessageHashHex: hex.EncodeToString(nullifier), Source: slushtypes.VidName(m.SrcVid),
	})
	return &types.MsgClaimResponse{MessageHash: nullifier, ReceiptHash: hash.EncodeElement(receipt), ReceiptIndex: index}, err
}

// checkFresh refuses a message whose nullifier is used: claimed before, or minted here by any
// other path (DESIGN §7.3: a message is minted at most once, forever).
func (k Keeper) checkFresh(ctx context.Context, nullifier []byte) error {
	used, err := k.Nullifiers.Has(ctx, nullifier)
	if err != nil {
		return err
	}
	if used {
		return errorsmod.Wrapf(types.ErrAlreadyClaimed, "%X", nullifier)
	}
	return nil
}

// deliver mints a message on this chain's ledger, by claim, route, forced operation or exit: a
// logged bridge-in of the message's source (so the next batch proves it as that source
// requires) with its receipt, and the message hash becomes a nullifier, forever (DESIGN §7.3).
// Every mint of the chain passes here. It returns the receipt hash and index.
func (k Keeper) deliver(ctx context.Context, m inclusion.Message, src ledger.Source) (fr.Element, uint64, error) {
	receipt, index, err := k.ledger.Mint(ctx, m, src)
	if err != nil {
		return fr.Element{}, 0, err
	}
	return receipt, index, k.Nullifiers.Set(ctx, hash.EncodeElement(m.Hash()))
}

// DeliverRouted mints a routed message at its destination (x/validium's fallback route, DESIGN
// §7.5), unless a claim minted it already: the nullifier is shared by every path, so a message
// is minted here exactly once. The route carries its inclusion proof, checked by the router, so
// the mint is proven like a claim. It reports whether the message had been delivered before.
func (k Keeper) DeliverRouted(ctx context.Context, m inclusion.Message) (bool, error) {
	used, err := k.Nullifiers.Has(ctx, hash.EncodeElement(m.Hash()))
	if err != nil || used {
		return used, err
	}
	_, _, err = k.deliver(ctx, m, ledger.SourceClaim)
	return false, err
}

// Deliver mints a message another module proved may be minted here (DESIGN §8): a forced
// operation of this chain's queue on its parent (x/validium's MsgReceiveForced, source forced) or
// an exit from a frozen child (x/validium's MsgExit, source exit). Like a claim it is refused
// once the message's nullifier is used. It returns the receipt index.
func (k Keeper) Deliver(ctx context.Context, m inclusion.Message, src ledger.Source) (uint64, error) {
	if err := k.checkFresh(ctx, hash.EncodeElement(m.Hash())); err != nil {
		return 0, err
	}
	_, index, err := k.deliver(ctx, m, src)
	return index, err
}

// checkDeadline refuses claims once the root clock is past the message's deadline: from then on
// the message is delivered by routing only (DESIGN §7.5), so the two paths cannot race.
func (k Keeper) checkDeadline(ctx context.Context, deadline uint64) error {
	now, err := k.tree.RootHeight(ctx)
	if err != nil {
		return err
	}
	if now > deadline {
		return errorsmod.Wrapf(types.ErrClaimExpired, "deadline %d, root height %d", deadline, now)
	}
	return nil
}

// VerifyInclusion charges the claim gas, then checks an inclusion proof (of a message or a
// receipt) against the root commitment this chain knows at rootHeight (claims, confirmations,
// and x/validium's fallback route).
func (k Keeper) VerifyInclusion(ctx context.Context, rootHeight uint64, kind inclusion.Kind, leaf, dst fr.Element, proof []byte) error {
	ip, err := k.Inclusion.Get(ctx)
	if err != nil || len(ip.VerifyingKey) == 0 {
		return types.ErrNoInclusionKey
	}
	rootBytes, ok, err := k.tree.RootCommitmentAt(ctx, rootHeight)
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
