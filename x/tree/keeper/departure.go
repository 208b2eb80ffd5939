package keeper

import (
	"context"

	errorsmod "cosmossdk.io/errors"

	sdk "github.com/cosmos/cosmos-sdk/types"

	slushtypes "github.com/slush-tree/slush/types"
	"github.com/slush-tree/slush/x/tree/types"
)

// PrepareDeparture starts this chain's move to another parent (issue 20, docs/PROTOCOL.md
// "Re-parenting" 4.); only the governance authority may call it.
func (m msgServer) PrepareDeparture(ctx context.Context, msg *types.MsgPrepareDeparture) (*types.MsgPrepareDepartureResponse, error) {
	if msg.Authority != m.authority {
		return nil, errorsmod.Wrapf(types.ErrInvalidSigner, "expected %s, got %s", m.authority, msg.Authority)
	}
	if _, err := m.addressCodec.StringToBytes(msg.NewOperator); err != nil {
		return nil, errorsmod.Wrapf(types.ErrInvalidDeparture, "new_operator: %v", err)
	}
	return &types.MsgPrepareDepartureResponse{}, m.prepareDeparture(ctx, types.Departure{NewParent: msg.NewParent, NewOperator: msg.NewOperator})
}

// prepareDeparture records the departure: from now on x/ledger takes no operation (Departing),
// so the ledger the parent holds once every logged batch is proven is the one that leaves.
func (k Keeper) prepareDeparture(ctx context.Context, d types.Departure) error {
	id, err := k.Identity.Get(ctx)
	if err != nil {
		return err
	}
	if id.IsRoot() {
		return errorsmod.Wrap(types.ErrInvalidDeparture, "the root has no parent to leave")
	}
	if id.Departure != nil {
		return errorsmod.Wrapf(types.ErrInvalidDeparture, "already departing for %v", id.Departure.NewParent)
	}
	dest, err := d.NewParentPath()
	if err != nil {
		return err
	}
	own, err := id.TreePath()
	if err != nil {
		return err
	}
	switch {
	case dest.Equal(own[:len(own)-1]):
		return errorsmod.Wrapf(types.ErrInvalidDeparture, "%s is already under %s", own, dest)
	case own.Equal(dest) || own.IsAncestorOf(dest):
		return errorsmod.Wrapf(types.ErrInvalidDeparture, "%s cannot move under its own subtree %s", own, dest)
	case uint32(len(dest))+1 > id.MaxDepth:
		return errorsmod.Wrapf(types.ErrInvalidDeparture, "under %s this chain would be deeper than max_depth %d", dest, id.MaxDepth)
	}
	id.Departure = &types.Departure{NewParent: dest.Indices(), NewOperator: d.NewOperator}
	if err := k.Identity.Set(ctx, id); err != nil {
		return err
	}
	k.logger.Info("departure prepared: the ledger takes no operation", "new_parent", dest.String(), "new_operator", d.NewOperator)
	return sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventDeparture{
		NewParent: dest.Indices(), NewOperator: d.NewOperator,
	})
}

// PrepareFollow freezes this chain's ledger because an ancestor moves (issue 20,
// docs/PROTOCOL.md "Re-parenting" 9.); only the governance authority may call it.
func (m msgServer) PrepareFollow(ctx context.Context, msg *types.MsgPrepareFollow) (*types.MsgPrepareFollowResponse, error) {
	if msg.Authority != m.authority {
		return nil, errorsmod.Wrapf(types.ErrInvalidSigner, "expected %s, got %s", m.authority, msg.Authority)
	}
	return &types.MsgPrepareFollowResponse{}, m.prepareFollow(ctx)
}

// prepareFollow records that this chain follows a moving ancestor: x/ledger takes no operation
// until MsgMovePath, so every operation logged under the old vid is proven under it (the parent
// checks a batch against the vid the child's commitment carries, which the move changes).
func (k Keeper) prepareFollow(ctx context.Context) error {
	id, err := k.Identity.Get(ctx)
	if err != nil {
		return err
	}
	if id.IsRoot() {
		return errorsmod.Wrap(types.ErrInvalidDeparture, "the root has no ancestor to follow")
	}
	if id.Departure != nil {
		return errorsmod.Wrapf(types.ErrInvalidDeparture, "already departing or following (%v)", id.Departure)
	}
	id.Departure = &types.Departure{Follow: true}
	if err := k.Identity.Set(ctx, id); err != nil {
		return err
	}
	k.logger.Info("following a moving ancestor: the ledger takes no operation until the path moves")
	return sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventDeparture{Follow: true})
}

// MarkDeparture makes this chain's commitments carry the departure mark (issue 20); only the
// governance authority may call it, once the parent holds this chain's whole ledger (a departing
// update proves no batch, so a ledger the parent does not hold yet would be left behind).
func (m msgServer) MarkDeparture(ctx context.Context, msg *types.MsgMarkDeparture) (*types.MsgMarkDepartureResponse, error) {
	if msg.Authority != m.authority {
		return nil, errorsmod.Wrapf(types.ErrInvalidSigner, "expected %s, got %s", m.authority, msg.Authority)
	}
	id, err := m.Identity.Get(ctx)
	if err != nil {
		return nil, err
	}
	if id.Departure == nil || id.Departure.Marked || id.Departure.Follow {
		return nil, errorsmod.Wrap(types.ErrInvalidDeparture, "no unmarked departure under way (a following chain is never marked)")
	}
	id.Departure.Marked = true
	if err := m.Identity.Set(ctx, id); err != nil {
		return nil, err
	}
	m.logger.Info("departure marked: commitments carry the departure mark", "new_parent", id.Departure.NewParent)
	return &types.MsgMarkDepartureResponse{}, sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventDeparture{
		NewParent: id.Departure.NewParent, NewOperator: id.Departure.NewOperator, Marked: true,
	})
}

// CancelDeparture ends a departure (issue 20): the ledger takes operations again and the
// commitments carry the key hash; only the governance authority may call it.
func (m msgServer) CancelDeparture(ctx context.Context, msg *types.MsgCancelDeparture) (*types.MsgCancelDepartureResponse, error) {
	if msg.Authority != m.authority {
		return nil, errorsmod.Wrapf(types.ErrInvalidSigner, "expected %s, got %s", m.authority, msg.Authority)
	}
	id, err := m.Identity.Get(ctx)
	if err != nil {
		return nil, err
	}
	if id.Departure == nil {
		return nil, errorsmod.Wrap(types.ErrInvalidDeparture, "no departure under way")
	}
	cancelled := *id.Departure
	id.Departure = nil
	if err := m.Identity.Set(ctx, id); err != nil {
		return nil, err
	}
	m.logger.Info("departure cancelled", "new_parent", cancelled.NewParent, "was_marked", cancelled.Marked)
	return &types.MsgCancelDepartureResponse{}, nil
}

// MovePath sets this chain's path after a move (issue 20); only the governance authority.
func (m msgServer) MovePath(ctx context.Context, msg *types.MsgMovePath) (*types.MsgMovePathResponse, error) {
	if msg.Authority != m.authority {
		return nil, errorsmod.Wrapf(types.ErrInvalidSigner, "expected %s, got %s", m.authority, msg.Authority)
	}
	path, err := slushtypes.PathFromIndices(msg.Path)
	if err != nil {
		return nil, errorsmod.Wrap(types.ErrInvalidMove, err.Error())
	}
	// all or nothing also outside a transaction: the identity and the client move together
	cacheCtx, write := sdk.UnwrapSDKContext(ctx).CacheContext()
	if err := m.movePath(cacheCtx, path, msg.ParentChainId, msg.Client); err != nil {
		return nil, err
	}
	write()
	return &types.MsgMovePathResponse{}, nil
}

// movePath gives this chain its path after a move. The chain that departed takes its new
// parent's path plus the index it arrived at, the new parent's chain-id and a client of it
// (checked as MsgRecoverParentClient checks one), and its departure ends: its ledger takes
// operations again and its commitments carry its key hash, under its new vid. A descendant of
// it, following (MsgPrepareFollow: its ledger frozen, so nothing logged under the old vid is left
// unproven), keeps its parent and its index under it, so only its path changes (its depth moves
// with the moved chain's; that the rest of the path is the moved chain's is governance's word, as
// the choice of a parent is). Either way the old path and the block are recorded (moved_from:
// a prover replays the operations logged up to it under the old vid) and the root history stays
// (root commitments do not depend on where a chain sits).
func (k Keeper) movePath(ctx context.Context, path slushtypes.Path, parentChainID string, client []byte) error {
	id, err := k.Identity.Get(ctx)
	if err != nil {
		return err
	}
	own, err := id.TreePath()
	if err != nil {
		return err
	}
	if len(path) == 0 || uint32(len(path)) > id.MaxDepth || path.Equal(own) {
		return errorsmod.Wrapf(types.ErrInvalidMove, "path %s from %s", path, own)
	}
	if id.Departure == nil {
		return errorsmod.Wrap(types.ErrInvalidMove, "no departure or follow under way: the ledger must be frozen before the vid changes")
	}
	departed := !id.Departure.Follow
	if departed {
		if err := checkArrivedPath(*id.Departure, path, parentChainID, client); err != nil {
			return err
		}
		id.ParentChainId = parentChainID
	} else if own.IsRoot() || path[len(path)-1] != own[len(own)-1] || parentChainID != "" || len(client) > 0 {
		return errorsmod.Wrapf(types.ErrInvalidMove, "a descendant of a moved chain keeps its index and its parent: %s to %s", own, path)
	}
	id.Departure = nil
	id.MovedFrom = &types.MovedFrom{Path: own.Indices(), Height: sdk.UnwrapSDKContext(ctx).BlockHeight()}
	id.Path = path.Indices()
	if err := id.Validate(); err != nil {
		return err
	}
	if err := k.Identity.Set(ctx, id); err != nil {
		return err
	}
	if departed {
		if _, err := k.recoverParentClient(ctx, client); err != nil {
			return err
		}
	}
	k.logger.Info("path moved", "from", own.String(), "to", path.String(), "parent_chain_id", id.ParentChainId)
	return sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventPathMoved{
		From: own.Indices(), To: path.Indices(), ParentChainId: id.ParentChainId,
	})
}

// checkArrivedPath requires the departed chain's new path to be under the parent it departed for,
// after its departure was marked, with the new parent's chain-id and client.
func checkArrivedPath(d types.Departure, path slushtypes.Path, parentChainID string, client []byte) error {
	if !d.Marked {
		return errorsmod.Wrap(types.ErrInvalidMove, "the departure is not marked: the chain cannot have arrived anywhere")
	}
	dest, err := d.NewParentPath()
	if err != nil {
		return err
	}
	if len(path) != len(dest)+1 || !dest.IsAncestorOf(path) {
		return errorsmod.Wrapf(types.ErrInvalidMove, "path %s is not under %s, where this chain departed for", path, dest)
	}
	if parentChainID == "" || len(client) == 0 {
		return errorsmod.Wrap(types.ErrInvalidMove, "the departed chain needs its new parent's chain-id and client")
	}
	return nil
}

// Departing reports whether this chain is leaving its parent: x/ledger then takes no operation
// (issue 20), so the ledger that leaves is the one the parent holds.
func (k Keeper) Departing(ctx context.Context) (bool, error) {
	id, err := k.Identity.Get(ctx)
	if err != nil {
		return false, err
	}
	return id.Departure != nil, nil
}

// MarkedDeparture returns the departure whose mark this chain's commitments carry, if any.
func (k Keeper) MarkedDeparture(ctx context.Context) (*types.Departure, error) {
	id, err := k.Identity.Get(ctx)
	if err != nil {
		return nil, err
	}
	if id.Departure == nil || !id.Departure.Marked {
		return nil, nil
	}
	return id.Departure, nil
}
