package types

import (
	errorsmod "cosmossdk.io/errors"

	"github.com/slush-tree/slush/circuits/inclusion"
	"github.com/slush-tree/slush/circuits/ledger"
)

// DefaultParams are the production ledger shape (DESIGN §4: account SMT depth 24).
func DefaultParams() Params { return NewParams(ledger.DefaultParams) }

// NewParams is the stored form of the circuits package's parameters.
func NewParams(p ledger.Params) Params {
	return Params{AccountDepth: uint32(p.AccountDepth), OutboxDepth: uint32(p.OutboxDepth), BatchSize: uint32(p.BatchSize),
		ClaimSlots: uint32(p.ClaimSlots), InclusionDepth: uint32(p.InclusionDepth)}
}

// Ledger converts to the circuits package's parameters.
func (p Params) Ledger() ledger.Params {
	return ledger.Params{AccountDepth: int(p.AccountDepth), OutboxDepth: int(p.OutboxDepth), BatchSize: int(p.BatchSize),
		ClaimSlots: int(p.ClaimSlots), InclusionDepth: int(p.InclusionDepth)}
}

// Validate checks the ranges the ledger accepts. The outbox (and receipt) depth must be the
// inclusion circuit's accumulator depth, or this chain's messages and receipts could never be
// proven to another chain (DESIGN §7.2).
func (p Params) Validate() error {
	if err := p.Ledger().Validate(); err != nil {
		return errorsmod.Wrap(ErrInvalidParams, err.Error())
	}
	if p.OutboxDepth != inclusion.AccumulatorDepth {
		return errorsmod.Wrapf(ErrInvalidParams, "outbox depth %d: must be the inclusion circuit's %d",
			p.OutboxDepth, inclusion.AccumulatorDepth)
	}
	return nil
}
