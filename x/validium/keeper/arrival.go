package keeper

import (
	"context"
	"encoding/hex"

	errorsmod "cosmossdk.io/errors"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/slush-tree/slush/circuits/hash"
	slushtypes "github.com/slush-tree/slush/types"
	"github.com/slush-tree/slush/x/validium/types"
)

// checkArrival checks the registration of a chain that departed from another parent with its
// state (docs/PROTOCOL.md "Re-parenting" 3.): this chain is in ATTESTED mode; the arrival proof
// walks from a root commitment this chain knows, through finalized children roots only, to a
// departing commitment marked for this chain, this operator and this key hash; the chain never
// arrived here before; and the genesis roots are that commitment's ledger, outbox and receipt
// roots.
func (k Keeper) checkArrival(ctx context.Context, params types.Params, operator []byte, msg *types.MsgRegisterChild) (types.Arrived, error) {
	if params.Recursive() {
		return types.Arrived{}, errorsmod.Wrap(types.ErrInvalidArrival, "no step kind proves a carried state: not under RECURSIVE subtree proofs")
	}
	if err := msg.Arrival.Validate(); err != nil {
		return types.Arrived{}, err
	}
	known, ok, err := k.tree.RootCommitmentAt(ctx, msg.Arrival.RootHeight)
	if err != nil {
		return types.Arrived{}, err
	}
	if !ok {
		return types.Arrived{}, errorsmod.Wrapf(types.ErrUnknownAnchor, "root height %d", msg.Arrival.RootHeight)
	}
	root, err := hash.DecodeElement(known)
	if err != nil {
		return types.Arrived{}, errorsmod.Wrapf(types.ErrInvalidField, "root commitment at %d: %v", msg.Arrival.RootHeight, err)
	}
	own, err := k.tree.OwnPath(ctx)
	if err != nil {
		return types.Arrived{}, err
	}
	key, err := slushtypes.DecodeOperatorKeyHash(msg.OperatorKeyHash)
	if err != nil {
		return types.Arrived{}, err
	}
	arrived, err := types.VerifyArrival(*msg.Arrival, root, own, key, operator)
	if err != nil {
		return types.Arrived{}, err
	}
	oldVid := hash.EncodeElement(arrived.Commitment.Vid)
	has, err := k.Arrivals.Has(ctx, oldVid)
	if err != nil {
		return types.Arrived{}, err
	}
	if has { // its state arrives once: a second record would spend it twice
		return types.Arrived{}, errorsmod.Wrapf(types.ErrAlreadyArrived, "%s", arrived.OldPath)
	}
	c := arrived.Commitment
	if name, got, want, ok := genesisRootsAre(msg, c.LedgerRoot, c.OutboxRoot, c.ReceiptRoot); !ok {
		return types.Arrived{}, errorsmod.Wrapf(types.ErrInvalidArrival, "%s %X is not the departed state's %X", name, got, want)
	}
	return arrived, nil
}

// startFromArrival makes a new child record continue the departed chain's state: its
// commitment's roots (set from the message, checked equal), children roots, anchor (its next one
// must be above) and epoch, and the inbox head its departure mark bound; and it records the path
// the chain came from (arrived_from: a replica of its ledger replays the operations logged before
// the move under that path's vid, docs/PROTOCOL.md "Re-parenting").
func startFromArrival(child *types.Child, a types.Arrived, inboxHead []byte) {
	c := a.Commitment
	child.ArrivedFrom = a.OldPath.Indices()
	child.InboxHead = inboxHead
	child.AnchorHeight = c.AnchorHeight
	child.Epoch = c.Epoch
	child.ChildrenRoot = hash.EncodeElement(c.ChildrenRoot)
	child.FinalizedChildrenRoot = hash.EncodeElement(c.FinalizedChildrenRoot)
}

// recordArrival files the arrival (one per old vid) and emits EventChildArrived.
func (k Keeper) recordArrival(ctx context.Context, index uint32, a types.Arrived) error {
	if err := k.Arrivals.Set(ctx, hash.EncodeElement(a.Commitment.Vid), index); err != nil {
		return err
	}
	h := a.Commitment.Hash()
	slushtypes.Log(ctx, types.ModuleName, "child arrived", "child", index, "old_path", a.OldPath.String(),
		"commitment", hex.EncodeToString(hash.EncodeElement(h)))
	return sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventChildArrived{
		Index: index, OldPath: a.OldPath.Indices(), Commitment: hex.EncodeToString(hash.EncodeElement(h)),
	})
}
