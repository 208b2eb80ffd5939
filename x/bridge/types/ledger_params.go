package types

import (
	errorsmod "cosmossdk.io/errors"

	"github.com/slush-tree/slush/circuits/inclusion"
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

// Validate checks the ranges the ledger accepts. The outbox (and receipt) depth must be the
// inclusion circuit's accumulator depth, or this chain's messages and receipts could never be
// proven to another chain (DESIGN §7.2).
func (p LedgerParams) Validate() error {
	if err := p.Ledger().Validate(); err != nil {
		return errorsmod.Wrap(ErrInvalidGenesis, err.Error())
	}
	if p.OutboxDepth != inclusion.AccumulatorDepth {
		return errorsmod.Wrapf(ErrInvalidGenesis, "outbox depth %d: must be the inclusion circuit's %d",
			p.OutboxDepth, inclusion.AccumulatorDepth)
	}
	return nil
}
