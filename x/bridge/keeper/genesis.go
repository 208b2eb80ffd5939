package keeper

import (
	"context"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"

	slushtypes "github.com/slush-tree/slush/types"
	"github.com/slush-tree/slush/x/bridge/types"
)

// InitGenesis stores the validated genesis state: params, the inclusion verifier, nullifiers and
// outgoing messages (freezing the senders still waiting for a receipt). x/ledger's genesis runs
// first: with claims enabled the ledger's claim sections must reach as deep as the inclusion
// key (DESIGN §7.3).
func (k Keeper) InitGenesis(ctx context.Context, gs *types.GenesisState) error {
	if err := gs.Validate(); err != nil {
		return err
	}
	if err := k.checkClaimDepth(ctx, gs.InclusionParams); err != nil {
		return err
	}
	if err := k.Params.Set(ctx, gs.Params); err != nil {
		return err
	}
	if err := k.Inclusion.Set(ctx, gs.InclusionParams); err != nil {
		return err
	}
	for _, n := range gs.Nullifiers {
		if err := k.Nullifiers.Set(ctx, n); err != nil {
			return err
		}
	}
	for _, out := range gs.Outgoing {
		if err := k.Outgoing.Set(ctx, out.MessageHash, out); err != nil {
			return err
		}
		if out.Status == slushtypes.MessageStatus_MESSAGE_STATUS_SENT { // its sender waits for the receipt
			if err := k.FrozenSender.Set(ctx, out.AccountIndex); err != nil {
				return err
			}
			if err := k.OutgoingDeadlines.Set(ctx, collections.Join(out.Message.Deadline, out.MessageHash)); err != nil {
				return err
			}
		}
	}
	return nil
}

// checkClaimDepth requires the ledger's claim sections, when claims are enabled (an inclusion key
// and claim slots), to reach every sender the inclusion key proves (DESIGN §7.3).
func (k Keeper) checkClaimDepth(ctx context.Context, ip types.InclusionParams) error {
	lp, err := k.ledger.GetParams(ctx)
	if err != nil {
		return err
	}
	if len(ip.VerifyingKey) > 0 && lp.ClaimSlots > 0 && lp.InclusionDepth != ip.MaxDepth {
		return errorsmod.Wrapf(types.ErrInvalidGenesis, "ledger inclusion depth %d is not the inclusion key's max depth %d",
			lp.InclusionDepth, ip.MaxDepth)
	}
	return nil
}

// ExportGenesis reads the whole module state back into a genesis state.
func (k Keeper) ExportGenesis(ctx context.Context) (*types.GenesisState, error) {
	params, err := k.Params.Get(ctx)
	if err != nil {
		return nil, err
	}
	ip, err := k.Inclusion.Get(ctx)
	if err != nil {
		return nil, err
	}
	gs := &types.GenesisState{Params: params, InclusionParams: ip}
	err = k.Nullifiers.Walk(ctx, nil, func(n []byte) (bool, error) {
		gs.Nullifiers = append(gs.Nullifiers, n)
		return false, nil
	})
	if err != nil {
		return nil, err
	}
	err = k.Outgoing.Walk(ctx, nil, func(_ []byte, out types.OutgoingMessage) (bool, error) {
		gs.Outgoing = append(gs.Outgoing, out)
		return false, nil
	})
	return gs, err
}
