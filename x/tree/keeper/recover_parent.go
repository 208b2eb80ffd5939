package keeper

import (
	"context"

	errorsmod "cosmossdk.io/errors"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/slush-tree/slush/x/tree/types"
)

// RecoverParentClient replaces the parent light client; only the governance authority may call
// it (DESIGN §9: the parent chain restarted under a new validator set).
func (m msgServer) RecoverParentClient(ctx context.Context, msg *types.MsgRecoverParentClient) (*types.MsgRecoverParentClientResponse, error) {
	if msg.Authority != m.authority {
		return nil, errorsmod.Wrapf(types.ErrInvalidSigner, "expected %s, got %s", m.authority, msg.Authority)
	}
	return m.recoverParentClient(ctx, msg.Client)
}

// recoverParentClient installs client as the trusted parent state after checking it is a
// canonical, complete state of this chain's parent whose header is current at this chain's
// block time. Nothing ties it to the replaced client: after an emergency re-election (DESIGN
// §9) the restarted parent signs with a new validator set at heights the old client already
// trusts a conflicting header for, which is exactly what MsgSyncParent must refuse. Only the
// parent client changes (and a freeze by misbehaviour evidence is lifted); the root history
// learned so far stays.
func (k Keeper) recoverParentClient(ctx context.Context, client []byte) (*types.MsgRecoverParentClientResponse, error) {
	parentChainID, err := k.parentChainID(ctx)
	if err != nil {
		return nil, err
	}
	sp, err := k.ParentSync.Get(ctx)
	if err != nil {
		return nil, err
	}
	state, err := types.CheckTrustedClient(client, parentChainID, sp, sdk.UnwrapSDKContext(ctx).BlockTime())
	if err != nil {
		return nil, err
	}
	previous, err := k.trustedParentHeight(ctx)
	if err != nil {
		return nil, err
	}
	if err := k.ParentClient.Set(ctx, client); err != nil {
		return nil, err
	}
	// the new client is trusted by governance, not by the frozen one's history: it starts
	// unfrozen (issue 17; ibc-go's MsgRecoverClient also unfreezes), as after a root re-election
	unfrozen, err := k.ParentClientFrozen.Has(ctx)
	if err != nil {
		return nil, err
	}
	if err := k.ParentClientFrozen.Remove(ctx); err != nil {
		return nil, err
	}
	k.logger.Info("parent client recovered by governance", "chain_id", state.ChainID,
		"previous_height", previous, "height", state.Height, "unfrozen", unfrozen)
	return &types.MsgRecoverParentClientResponse{ParentHeight: state.Height},
		sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventParentClientRecovered{
			ChainId: state.ChainID, PreviousHeight: previous, Height: state.Height, AppHash: state.AppHash, Unfrozen: unfrozen,
		})
}

// parentChainID is the parent chain-id this chain's tree identity names; the root has none.
func (k Keeper) parentChainID(ctx context.Context) (string, error) {
	id, err := k.Identity.Get(ctx)
	if err != nil {
		return "", err
	}
	if id.IsRoot() {
		return "", errorsmod.Wrap(types.ErrNoParentClient, "the root has no parent")
	}
	return id.ParentChainId, nil
}
