package types

import (
	errorsmod "cosmossdk.io/errors"

	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/ledger"
)

// DefaultGenesisState returns the default genesis state: the production ledger shape, empty.
func DefaultGenesisState() *GenesisState {
	return &GenesisState{Params: DefaultParams()}
}

// Validate checks the whole genesis state.
func (gs GenesisState) Validate() error {
	if err := gs.Params.Validate(); err != nil {
		return err
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
	for i := 1; i < len(gs.Log); i++ {
		if gs.Log[i].Sequence != gs.Log[i-1].Sequence+1 {
			return errorsmod.Wrapf(ErrInvalidGenesis, "log sequence %d after %d", gs.Log[i].Sequence, gs.Log[i-1].Sequence)
		}
	}
	return nil
}

// FundLedger credits the genesis deposits to a fresh ledger, in order: what a chain's InitGenesis
// does and what a prover's replica of its ledger starts from.
func FundLedger(state *ledger.State, deposits []GenesisDeposit) error {
	for i, d := range deposits {
		recipient, err := hash.DecodeElement(d.Recipient)
		if err != nil {
			return errorsmod.Wrapf(ErrInvalidGenesis, "deposit %d recipient: %v", i, err)
		}
		asset, err := hash.DecodeElement(d.AssetId)
		if err != nil {
			return errorsmod.Wrapf(ErrInvalidGenesis, "deposit %d asset: %v", i, err)
		}
		if err := state.Fund(recipient, asset, d.Amount); err != nil {
			return errorsmod.Wrapf(ErrInvalidGenesis, "deposit %d: %v", i, err)
		}
	}
	return nil
}
