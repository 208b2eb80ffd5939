package types

import (
	"github.com/slush-tree/slush/internal/parentsync"

	errorsmod "cosmossdk.io/errors"

	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/keys"
)

// maxInclusionDepth is the deepest tree a path can describe (DESIGN §3).
const maxInclusionDepth = 16

// DefaultGenesisState returns the default genesis state: the production ledger shape, empty.
func DefaultGenesisState() *GenesisState {
	return &GenesisState{Params: DefaultParams(), LedgerParams: DefaultLedgerParams(), ParentSync: DefaultParentSyncParams()}
}

// Validate checks the whole genesis state.
func (gs GenesisState) Validate() error {
	if err := gs.Params.Validate(); err != nil {
		return err
	}
	if err := gs.LedgerParams.Validate(); err != nil {
		return err
	}
	if len(gs.InclusionParams.VerifyingKey) > 0 {
		if _, err := keys.CheckVerifyingKey(gs.InclusionParams.VerifyingKey, InclusionPublicInputs); err != nil {
			return errorsmod.Wrapf(ErrInvalidGenesis, "inclusion verifying key: %v", err)
		}
	}
	if gs.InclusionParams.MaxDepth > maxInclusionDepth {
		return errorsmod.Wrapf(ErrInvalidGenesis, "inclusion max depth %d > %d", gs.InclusionParams.MaxDepth, maxInclusionDepth)
	}
	for i, n := range gs.Nullifiers {
		if _, err := hash.DecodeElement(n); err != nil {
			return errorsmod.Wrapf(ErrInvalidGenesis, "nullifier %d: %v", i, err)
		}
	}
	if len(gs.InclusionParams.VerifyingKey) > 0 && gs.LedgerParams.ClaimSlots > 0 &&
		gs.LedgerParams.InclusionDepth != gs.InclusionParams.MaxDepth { // claim sections reach every provable sender (DESIGN §7.3)
		return errorsmod.Wrapf(ErrInvalidGenesis, "ledger inclusion depth %d is not the inclusion key's max depth %d",
			gs.LedgerParams.InclusionDepth, gs.InclusionParams.MaxDepth)
	}
	for i, d := range gs.Deposits {
		if _, err := hash.DecodeElement(d.Recipient); err != nil {
			return errorsmod.Wrapf(ErrInvalidGenesis, "deposit %d recipient: %v", i, err)
		}
		if _, err := hash.DecodeElement(d.AssetId); err != nil {
			return errorsmod.Wrapf(ErrInvalidGenesis, "deposit %d asset: %v", i, err)
		}
		if d.Amount == 0 {
			return errorsmod.Wrapf(ErrInvalidGenesis, "deposit %d amount is zero", i)
		}
	}
	for i, r := range gs.RootHistory {
		if _, err := hash.DecodeElement(r.Commitment); err != nil {
			return errorsmod.Wrapf(ErrInvalidGenesis, "root history %d: %v", i, err)
		}
		if i > 0 && r.RootHeight <= gs.RootHistory[i-1].RootHeight {
			return errorsmod.Wrapf(ErrInvalidGenesis, "root history not ascending at %d", r.RootHeight)
		}
	}
	if _, err := gs.ParentSync.LightClientParams(); err != nil {
		return err
	}
	if len(gs.ParentClient) > 0 {
		if _, err := parentsync.UnmarshalTrustedState(gs.ParentClient); err != nil {
			return errorsmod.Wrapf(ErrInvalidGenesis, "parent client: %v", err)
		}
	}
	for i, r := range gs.Routes {
		if _, err := hash.DecodeElement(r.MessageHash); err != nil {
			return errorsmod.Wrapf(ErrInvalidGenesis, "route %d: %v", i, err)
		}
		switch r.Status {
		case MessageStatus_MESSAGE_STATUS_ROUTED_UP, MessageStatus_MESSAGE_STATUS_ROUTED_DOWN, MessageStatus_MESSAGE_STATUS_DELIVERED:
		default:
			return errorsmod.Wrapf(ErrInvalidGenesis, "route %d: status %s", i, r.Status)
		}
	}
	for i := 1; i < len(gs.Log); i++ {
		if gs.Log[i].Sequence != gs.Log[i-1].Sequence+1 {
			return errorsmod.Wrapf(ErrInvalidGenesis, "log sequence %d after %d", gs.Log[i].Sequence, gs.Log[i-1].Sequence)
		}
	}
	return nil
}
