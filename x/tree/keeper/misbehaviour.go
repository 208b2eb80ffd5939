package keeper

import (
	"context"
	"encoding/hex"
	"errors"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/slush-tree/slush/internal/parentsync"
	slushtypes "github.com/slush-tree/slush/types"
	"github.com/slush-tree/slush/x/tree/types"
)

// SubmitMisbehaviour freezes the parent client with two conflicting parent headers (DESIGN §10, issue 17).
func (m msgServer) SubmitMisbehaviour(ctx context.Context, msg *types.MsgSubmitMisbehaviour) (*types.MsgSubmitMisbehaviourResponse, error) {
	if _, err := m.addressCodec.StringToBytes(msg.Sender); err != nil {
		return nil, errorsmod.Wrapf(types.ErrInvalidAddress, "sender: %v", err)
	}
	return m.submitMisbehaviour(ctx, msg)
}

// submitMisbehaviour verifies that both headers would have convinced the parent client (DESIGN
// §10 fork choice: a child never follows a parent that signed two headers at one height) and
// freezes it: no parent sync verifies anything until governance recovers the client. Evidence
// against a frozen client is refused before any work; gas for the signatures is charged first.
func (k Keeper) submitMisbehaviour(ctx context.Context, msg *types.MsgSubmitMisbehaviour) (*types.MsgSubmitMisbehaviourResponse, error) {
	trusted, params, err := k.parentClient(ctx)
	if err != nil {
		return nil, err
	}
	if err := k.requireNotFrozen(ctx); err != nil {
		return nil, err
	}
	sdkCtx := sdk.UnwrapSDKContext(ctx)
	chargeMisbehaviourGas(sdkCtx, msg, trusted)
	mb, err := msg.Decode()
	if err != nil {
		return nil, err
	}
	ev, err := parentsync.VerifyMisbehaviour(trusted, mb, params, sdkCtx.BlockTime())
	if err != nil {
		return nil, errorsmod.Wrap(types.ErrInvalidMisbehaviour, err.Error())
	}
	freeze := types.NewParentClientFreeze(ev, trusted.Height, sdkCtx.BlockHeight())
	if err := k.ParentClientFrozen.Set(ctx, freeze); err != nil {
		return nil, err
	}
	parentIsRoot, err := k.parentIsRoot(ctx)
	if err != nil {
		return nil, err
	}
	// Evidence against the root opens the virtual-L0 root re-election (DESIGN §10): x/election,
	// above this module, reads the freeze (ParentClientFreeze) and admits MsgReportRootSilent at
	// once; its result re-points the client (AdoptElectedParent). This module calls nothing above it.
	slushtypes.Log(ctx, types.ModuleName, "parent client frozen by misbehaviour evidence", "chain_id", ev.ChainID,
		"height", ev.Height, "evidence", hex.EncodeToString(ev.Hash), "trusted_height", trusted.Height, "parent_is_root", parentIsRoot)
	return &types.MsgSubmitMisbehaviourResponse{FrozenHeight: ev.Height, EvidenceHash: ev.Hash},
		sdkCtx.EventManager().EmitTypedEvent(&types.EventParentClientFrozen{
			ChainId: ev.ChainID, Height: ev.Height, HeaderHash1: ev.HeaderHash1, HeaderHash2: ev.HeaderHash2,
			EvidenceHash: ev.Hash, TrustedHeight: trusted.Height, ParentIsRoot: parentIsRoot, Submitter: msg.Sender,
		})
}

// ParentClientFreeze returns the freeze of the parent client, if misbehaviour evidence froze it
// (issue 17): what a module above x/tree reads to act on the evidence.
func (k Keeper) ParentClientFreeze(ctx context.Context) (types.ParentClientFreeze, bool, error) {
	freeze, err := k.ParentClientFrozen.Get(ctx)
	if errors.Is(err, collections.ErrNotFound) {
		return types.ParentClientFreeze{}, false, nil
	}
	if err != nil {
		return types.ParentClientFreeze{}, false, err
	}
	return freeze, true, nil
}

// chargeMisbehaviourGas prices the verification before it runs: per header, the commit
// signatures it may need checked (bounded by its set's encoded size and the trusted set, as
// chargeSyncGas prices a parent header).
func chargeMisbehaviourGas(ctx sdk.Context, msg *types.MsgSubmitMisbehaviour, trusted parentsync.TrustedState) {
	gas := uint64(types.MisbehaviourGasFlat)
	for _, vals := range [][]byte{msg.ValidatorSet1, msg.ValidatorSet2} {
		sigs := uint64(len(vals)/32 + 1) // an upper bound on the set size before decoding
		if trusted.Validators != nil {
			sigs += uint64(trusted.Validators.Size())
		}
		gas += types.SyncGasPerSignature * sigs
	}
	ctx.GasMeter().ConsumeGas(gas, "parent misbehaviour verification")
}

// requireNotFrozen refuses with ErrParentClientFrozen once evidence froze the parent client.
func (k Keeper) requireNotFrozen(ctx context.Context) error {
	freeze, frozen, err := k.ParentClientFreeze(ctx)
	if err != nil || !frozen {
		return err
	}
	return errorsmod.Wrapf(types.ErrParentClientFrozen, "frozen at parent height %d by evidence %X (in block %d); "+
		"governance must recover the parent client (MsgRecoverParentClient)", freeze.Height, freeze.EvidenceHash, freeze.BlockHeight)
}
