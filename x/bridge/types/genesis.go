package types

import (
	errorsmod "cosmossdk.io/errors"

	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/keys"
	slushtypes "github.com/slush-tree/slush/types"
)

// maxInclusionDepth is the deepest tree a path can describe (DESIGN §3).
const maxInclusionDepth = slushtypes.MaxDepth

// DefaultGenesisState returns the default genesis state: claims disabled, nothing sent.
func DefaultGenesisState() *GenesisState {
	return &GenesisState{Params: DefaultParams()}
}

// Validate checks the whole genesis state.
func (gs GenesisState) Validate() error {
	if err := gs.Params.Validate(); err != nil {
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
	for i, out := range gs.Outgoing {
		if _, err := hash.DecodeElement(out.MessageHash); err != nil {
			return errorsmod.Wrapf(ErrInvalidGenesis, "outgoing %d: %v", i, err)
		}
	}
	return nil
}
