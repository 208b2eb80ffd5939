package types

import (
	errorsmod "cosmossdk.io/errors"

	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/internal/parentsync"
)

// DefaultGenesisState returns the genesis of a root chain with default params and no history.
func DefaultGenesisState() *GenesisState {
	return &GenesisState{Params: DefaultParams(), Identity: RootIdentity(), ParentSync: DefaultParentSyncParams()}
}

// Validate checks the whole genesis state.
func (gs GenesisState) Validate() error {
	if err := gs.Params.Validate(); err != nil {
		return err
	}
	if err := gs.Identity.Validate(); err != nil {
		return err
	}
	for i, c := range gs.Commitments {
		if _, err := hash.DecodeElement(c.Commitment); err != nil {
			return errorsmod.Wrapf(ErrInvalidGenesis, "commitment at height %d: %v", c.Height, err)
		}
		if i > 0 && c.Height <= gs.Commitments[i-1].Height {
			return errorsmod.Wrapf(ErrInvalidGenesis, "commitments not ascending at height %d", c.Height)
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
		if gs.Identity.IsRoot() {
			return errorsmod.Wrap(ErrInvalidGenesis, "the root has no parent client")
		}
		if _, err := parentsync.UnmarshalTrustedState(gs.ParentClient); err != nil {
			return errorsmod.Wrapf(ErrInvalidGenesis, "parent client: %v", err)
		}
	}
	if gs.ParentClientFrozen != nil {
		// a freeze is of a parent client (issue 17): the root has none, and a chain without one has nothing frozen
		if len(gs.ParentClient) == 0 {
			return errorsmod.Wrap(ErrInvalidGenesis, "parent_client_frozen without a parent client")
		}
		client, err := parentsync.UnmarshalTrustedState(gs.ParentClient)
		if err != nil {
			return errorsmod.Wrapf(ErrInvalidGenesis, "parent client: %v", err)
		}
		if err := gs.ParentClientFrozen.Validate(client.ChainID); err != nil {
			return err
		}
	}
	if gs.ValidiumConsensus != nil {
		// only the root replaces its PoS by the validium consensus (DESIGN §10)
		if !gs.Identity.IsRoot() {
			return errorsmod.Wrap(ErrInvalidGenesis, "validium_consensus on a non-root chain")
		}
		if err := gs.ValidiumConsensus.Validate(); err != nil {
			return errorsmod.Wrapf(ErrInvalidGenesis, "validium_consensus: %v", err)
		}
	}
	return nil
}
