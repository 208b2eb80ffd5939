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
	"github.com/slush-tree/slush/circuits/ledger"
	slushtypes "github.com/slush-tree/slush/types"
	"github.com/slush-tree/slush/x/validium/types"
)

// leaveFrozenParent records the departure of grandchild v from this chain's frozen child p
// (docs/PROTOCOL.md "Leaving a frozen parent"; the seed's "Rollup quitting rollups"): v leaves
// with the commitment p's finalized commitment here holds for it — the last state of v the
// root's history can ever hold, since nothing of a frozen child is accepted again — signed by the
// operator key that commitment binds, for one destination and one registering account, once.
// p's leaf in this chain's children root becomes the frozen mark over its departures, which
// the destination checks from this chain's commitment.
func (k Keeper) leaveFrozenParent(ctx context.Context, msg *types.MsgLeaveFrozenParent) (types.FrozenDeparture, error) {
	params, err := k.Params.Get(ctx)
	if err != nil {
		return types.FrozenDeparture{}, err
	}
	if params.Recursive() { // the frozen mark moves this chain's children root by no step kind
		return types.FrozenDeparture{}, errorsmod.Wrap(types.ErrInvalidDeparture, "not under RECURSIVE subtree proofs")
	}
	child, err := k.GetChild(ctx, msg.ChildIndex)
	if err != nil {
		return types.FrozenDeparture{}, err
	}
	if child.Status != types.ChildStatus_CHILD_STATUS_FROZEN {
		return types.FrozenDeparture{}, errorsmod.Wrapf(types.ErrChildNotFrozen, "child %d: its child leaves with it instead (docs/PROTOCOL.md \"Re-parenting\")", msg.ChildIndex)
	}
	key := collections.Join(msg.ChildIndex, msg.GrandchildIndex)
	if has, err := k.FrozenDepartures.Has(ctx, key); err != nil || has {
		if err == nil {
			err = errorsmod.Wrapf(types.ErrChildDeparted, "child %d of frozen child %d already left", msg.GrandchildIndex, msg.ChildIndex)
		}
		return types.FrozenDeparture{}, err
	}
	departed, err := k.frozenDeparted(ctx, msg)
	if err != nil {
		return types.FrozenDeparture{}, err
	}
	d, err := k.signedDeparture(ctx, msg, departed)
	if err != nil {
		return types.FrozenDeparture{}, err
	}
	if err := k.FrozenDepartures.Set(ctx, key, d); err != nil {
		return types.FrozenDeparture{}, err
	}
	if err := k.markFrozenLeaf(ctx, child); err != nil {
		return types.FrozenDeparture{}, err
	}
	slushtypes.Log(ctx, types.ModuleName, "child of a frozen child departed", "child", d.ChildIndex, "grandchild", d.GrandchildIndex,
		"new_parent", d.NewParent, "new_operator", d.NewOperator)
	return d, sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventFrozenDeparture{
		ChildIndex: d.ChildIndex, GrandchildIndex: d.GrandchildIndex, NewParent: d.NewParent, NewOperator: d.NewOperator,
		Commitment: hex.EncodeToString(d.Commitment),
	})
}

// frozenDeparted opens v's commitment: the parent preimage is p's finalized commitment here, and
// v's commitment is in its finalized children root at v's index.
func (k Keeper) frozenDeparted(ctx context.Context, msg *types.MsgLeaveFrozenParent) (commitment.Commitment, error) {
	finalized, ok, err := k.acceptance.FinalizedCommitment(ctx, msg.ChildIndex)
	if err != nil {
		return commitment.Commitment{}, err
	}
	if !ok {
		return commitment.Commitment{}, errorsmod.Wrapf(types.ErrNotFinalized, "child %d", msg.ChildIndex)
	}
	parent, err := msg.Parent.Decode()
	if err != nil {
		return commitment.Commitment{}, errorsmod.Wrapf(types.ErrInvalidField, "parent: %v", err)
	}
	if h := hash.EncodeElement(parent.Hash()); !bytes.Equal(h, finalized) {
		return commitment.Commitment{}, errorsmod.Wrapf(types.ErrInvalidDeparture, "parent is not child %d's finalized commitment", msg.ChildIndex)
	}
	own, err := k.tree.OwnPath(ctx)
	if err != nil {
		return commitment.Commitment{}, err
	}
	departed, err := msg.Departed.Decode()
	if err != nil {
		return commitment.Commitment{}, errorsmod.Wrapf(types.ErrInvalidField, "departed: %v", err)
	}
	path, err := slushtypes.OpenChild(parent.FinalizedChildrenRoot, own.Child(uint8(msg.ChildIndex)), departed, msg.Siblings)
	if errors.Is(err, slushtypes.ErrInvalidField) {
		return commitment.Commitment{}, errorsmod.Wrap(types.ErrInvalidField, err.Error())
	}
	if err != nil {
		return commitment.Commitment{}, errorsmod.Wrap(types.ErrInvalidDeparture, err.Error())
	}
	if uint32(path[len(path)-1]) != msg.GrandchildIndex {
		return commitment.Commitment{}, errorsmod.Wrapf(types.ErrInvalidDeparture, "the opened commitment is of child %d, not %d", path[len(path)-1], msg.GrandchildIndex)
	}
	return departed, nil
}

// signedDeparture checks the destination (outside the frozen parent's subtree, which never
// reaches the root again, and so outside v's own; within max_depth) and v's operator signature over the departure, and returns the record.
func (k Keeper) signedDeparture(ctx context.Context, msg *types.MsgLeaveFrozenParent, departed commitment.Commitment) (types.FrozenDeparture, error) {
	dest, err := types.Departure{NewParent: msg.NewParent, NewOperator: msg.NewOperator}.NewParentPath()
	if err != nil {
		return types.FrozenDeparture{}, err
	}
	id, err := k.tree.GetIdentity(ctx)
	if err != nil {
		return types.FrozenDeparture{}, err
	}
	own, err := slushtypes.PathFromIndices(id.Path)
	if err != nil {
		return types.FrozenDeparture{}, err
	}
	frozen := own.Child(uint8(msg.ChildIndex))
	v := frozen.Child(uint8(msg.GrandchildIndex))
	switch {
	case v.Equal(dest) || v.IsAncestorOf(dest):
		return types.FrozenDeparture{}, errorsmod.Wrapf(types.ErrInvalidDeparture, "%s cannot move under its own subtree %s", v, dest)
	case frozen.Equal(dest) || frozen.IsAncestorOf(dest): // nothing there reaches the root again
		return types.FrozenDeparture{}, errorsmod.Wrapf(types.ErrInvalidDeparture, "%s is in the frozen parent's subtree", dest)
	case uint32(len(dest))+1 > id.MaxDepth:
		return types.FrozenDeparture{}, errorsmod.Wrapf(types.ErrInvalidDeparture, "under %s the chain would be deeper than max_depth %d", dest, id.MaxDepth)
	}
	operator, err := k.addressCodec.StringToBytes(msg.NewOperator)
	if err != nil {
		return types.FrozenDeparture{}, errorsmod.Wrapf(types.ErrInvalidAddress, "new_operator: %v", err)
	}
	head, err := slushtypes.DecodeOperatorKeyHash(msg.InboxHead)
	if err != nil {
		return types.FrozenDeparture{}, err
	}
	destVid, err := dest.Vid()
	if err != nil {
		return types.FrozenDeparture{}, err
	}
	mark, err := types.DepartureMark(departed.OperatorKeyHash, destVid, operator, head)
	if err != nil {
		return types.FrozenDeparture{}, err
	}
	pub, err := ledger.DecodePublicKey(msg.PublicKey)
	if err != nil {
		return types.FrozenDeparture{}, errorsmod.Wrap(types.ErrWrongOperatorKey, err.Error())
	}
	if h := slushtypes.OperatorKeyHash(pub); !h.Equal(&departed.OperatorKeyHash) {
		return types.FrozenDeparture{}, errorsmod.Wrapf(types.ErrWrongOperatorKey, "the key is not the one %s's commitment binds", v)
	}
	if err := ledger.VerifyElement(pub, types.LeaveFrozenMessage(departed.Vid, departed.Hash(), mark), msg.Signature); err != nil {
		return types.FrozenDeparture{}, errorsmod.Wrapf(types.ErrInvalidDeparture, "signature: %v", err)
	}
	return types.FrozenDeparture{
		ChildIndex: msg.ChildIndex, GrandchildIndex: msg.GrandchildIndex, Commitment: hash.EncodeElement(departed.Hash()),
		NewParent: append([]uint32(nil), msg.NewParent...), NewOperator: msg.NewOperator,
		InboxHead: hash.EncodeElement(head), Mark: hash.EncodeElement(mark),
	}, nil
}

// markFrozenLeaf sets a frozen child's leaf in this chain's children SMT to the frozen mark
// over its latest commitment and its departures.
func (k Keeper) markFrozenLeaf(ctx context.Context, child types.Child) error {
	deps, err := k.frozenDepartures(ctx, child.Index)
	if err != nil {
		return err
	}
	root, err := types.DeparturesRoot(deps)
	if err != nil {
		return err
	}
	latest, err := slushtypes.DecodeOperatorKeyHash(child.LatestCommitment) // empty: zero
	if err != nil {
		return err
	}
	return k.setChildLeaf(ctx, child.Index, types.FrozenMark(latest, root))
}

// frozenDepartures are the departures recorded for a frozen child, by grandchild index.
func (k Keeper) frozenDepartures(ctx context.Context, index uint32) ([]types.FrozenDeparture, error) {
	var out []types.FrozenDeparture
	err := k.FrozenDepartures.Walk(ctx, collections.NewPrefixedPairRange[uint32, uint32](index),
		func(_ collections.Pair[uint32, uint32], d types.FrozenDeparture) (bool, error) {
			out = append(out, d)
			return false, nil
		})
	return out, err
}
