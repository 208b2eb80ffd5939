package keeper

import (
	"context"
	"errors"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"

	sdk "github.com/cosmos/cosmos-sdk/types"

	slushtypes "github.com/slush-tree/slush/types"
	"github.com/slush-tree/slush/x/election/types"
)

// adoptElectedRoot re-points this chain's parent client at the restarted root on the authority of
// the root election result for msg.Epoch (DESIGN §10: each child of the root "trusts the restarted
// root ... by the election result itself, with no governance vote"). The result must exist
// (ErrNoRootResult) and not be adopted yet (ErrRootAdopted); x/tree then checks the header is
// signed by the elected consensus key alone, is current, and proves the restarted root holds the
// base commitment at the base root height (AdoptElectedParent). Anyone may submit it.
func (k Keeper) adoptElectedRoot(ctx context.Context, msg *types.MsgAdoptElectedRoot) (*types.MsgAdoptElectedRootResponse, error) {
	if _, err := k.addressCodec.StringToBytes(msg.Submitter); err != nil {
		return nil, errorsmod.Wrapf(types.ErrInvalidAddress, "submitter: %v", err)
	}
	if err := k.requireRootChild(ctx); err != nil {
		return nil, err
	}
	result, err := k.RootResults.Get(ctx, msg.Epoch)
	if errors.Is(err, collections.ErrNotFound) {
		return nil, errorsmod.Wrapf(types.ErrNoRootResult, "root epoch %d was not re-elected on this chain", msg.Epoch)
	}
	if err != nil {
		return nil, err
	}
	if result.Adopted {
		return nil, errorsmod.Wrapf(types.ErrRootAdopted, "root epoch %d: adopted at parent height %d", msg.Epoch, result.AdoptedParentHeight)
	}
	height, unfrozen, err := k.tree.AdoptElectedParent(ctx, msg.Header, msg.ValidatorSet, msg.Record,
		result.Elected.ConsensusPubkey, result.BaseRootHeight, result.BaseCommitment)
	if err != nil {
		return nil, err
	}
	result.Adopted, result.AdoptedParentHeight = true, height
	if err := k.RootResults.Set(ctx, msg.Epoch, result); err != nil {
		return nil, err
	}
	slushtypes.Log(ctx, types.ModuleName, "restarted root adopted by election result", "epoch", msg.Epoch,
		"election", result.ElectionId, "parent_height", height, "unfrozen", unfrozen)
	return &types.MsgAdoptElectedRootResponse{ParentHeight: height},
		sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventElectedRootAdopted{
			Epoch: msg.Epoch, ElectionId: result.ElectionId, ParentHeight: height,
			ConsensusPubkey: result.Elected.ConsensusPubkey, Unfrozen: unfrozen,
		})
}
