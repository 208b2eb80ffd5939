package types

import (
	errorsmod "cosmossdk.io/errors"

	"github.com/slush-tree/slush/circuits/ledger"
)

// DefaultLedgerParams are the production ledger shape (DESIGN §4: account SMT depth 24).
func DefaultLedgerParams() LedgerParams {
	p := ledger.DefaultParams
	return LedgerParams{AccountDepth: uint32(p.AccountDepth), OutboxDepth: uint32(p.OutboxDepth), BatchSize: uint32(p.BatchSize)}
}

// Ledger converts to the circuits package's parameters.
func (p LedgerParams) Ledger() ledger.Params {
	return ledger.Params{AccountDepth: int(p.AccountDepth), OutboxDepth: int(p.OutboxDepth), BatchSize: int(p.BatchSize)}
}

// Validate checks the ranges the ledger accepts.
func (p LedgerParams) Validate() error {
	if err := p.Ledger().Validate(); err != nil {
		return errorsmod.Wrap(ErrInvalidGenesis, err.Error())
	}
	return nil
}
