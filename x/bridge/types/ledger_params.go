package types

import (
	errorsmod "cosmossdk.io/errors"

	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/inclusion"
	"github.com/slush-tree/slush/circuits/ledger"
)

// DefaultLedgerParams are the production ledger shape (DESIGN §4: account SMT depth 24).
func DefaultLedgerParams() LedgerParams { return NewLedgerParams(ledger.DefaultParams) }

// NewLedgerParams is the stored form of the circuits package's parameters.
func NewLedgerParams(p ledger.Params) LedgerParams {
	return LedgerParams{AccountDepth: uint32(p.AccountDepth), OutboxDepth: uint32(p.OutboxDepth), BatchSize: uint32(p.BatchSize),
		ClaimSlots: uint32(p.ClaimSlots), InclusionDepth: uint32(p.InclusionDepth)}
}

// Ledger converts to the circuits package's parameters.
func (p LedgerParams) Ledger() ledger.Params {
	return ledger.Params{AccountDepth: int(p.AccountDepth), OutboxDepth: int(p.OutboxDepth), BatchSize: int(p.BatchSize),
		ClaimSlots: int(p.ClaimSlots), InclusionDepth: int(p.InclusionDepth)}
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
