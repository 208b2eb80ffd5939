package types

import (
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"

	errorsmod "cosmossdk.io/errors"

	"github.com/slush-tree/slush/circuits/hash"
	slushtypes "github.com/slush-tree/slush/types"
)

// Validium-private domain tags; like the ledger's and the election's they live above 2^40, so
// they never collide with package hash's small sequential tags. They are frozen.
const (
	validiumDomainBase hash.Domain = 0x56414c << 40 // "VAL"
	// DomainDeparture tags a departure mark (issue 20).
	DomainDeparture = validiumDomainBase + 1
)

// DepartureMark is the operator_key_hash field of a departing commitment (docs/PROTOCOL.md
// "Re-parenting"): Hash(DomainDeparture, operator key hash, new parent's vid, new operator
// address (length, two 128-bit halves), inbox head at the old parent). The commitment then says,
// for every chain that reads it from the root's history, where the chain goes, which account
// registers it there and where its inbox chain stands (the one part of its state the old parent
// holds outside the commitment); the domain keeps it from ever being read as a key hash.
func DepartureMark(keyHash, newParentVid fr.Element, newOperator []byte, inboxHead fr.Element) (fr.Element, error) {
	n, hi, lo, err := slushtypes.AddressElements(newOperator)
	if err != nil {
		return fr.Element{}, errorsmod.Wrap(ErrInvalidDeparture, err.Error())
	}
	return hash.Hash(DomainDeparture, keyHash, newParentVid, n, hi, lo, inboxHead), nil
}

// NewParentPath reads the destination's path (each index 1..255, at most MaxPathDepth − 1 deep,
// so the moved chain still has a path), else ErrInvalidDeparture.
func (d Departure) NewParentPath() (slushtypes.Path, error) {
	p, err := slushtypes.NewParentPath(d.NewParent)
	if err != nil {
		return nil, errorsmod.Wrapf(ErrInvalidDeparture, "new_parent: %v", err)
	}
	return p, nil
}

// Validate checks a departure without state: a valid destination path and a non-empty operator
// address of bounded length (the keeper decodes it with the chain's address codec).
func (d Departure) Validate() error {
	if _, err := d.NewParentPath(); err != nil {
		return err
	}
	if d.NewOperator == "" || len(d.NewOperator) > slushtypes.MaxAddressStringLength {
		return errorsmod.Wrapf(ErrInvalidDeparture, "new_operator of %d characters", len(d.NewOperator))
	}
	return nil
}

// Equal reports whether two departures name the same destination and operator.
func (d Departure) Equal(o Departure) bool {
	if d.NewOperator != o.NewOperator || len(d.NewParent) != len(o.NewParent) {
		return false
	}
	for i := range d.NewParent {
		if d.NewParent[i] != o.NewParent[i] {
			return false
		}
	}
	return true
}

// validateDeparting refuses a departing update that would move anything but its anchor, report
// and children roots (docs/PROTOCOL.md "Re-parenting" 1.): no batch, inbox entry, exit, routed or
// forwarded message, step or finalized move.
func (m *MsgSubmitUpdate) validateDeparting() error {
	if err := m.Departure.Validate(); err != nil {
		return err
	}
	switch {
	case len(m.Batches) > 0:
		return errorsmod.Wrap(ErrInvalidDeparture, "a departing update carries no ledger batch")
	case len(m.InboxEntries) > 0, len(m.Exits) > 0:
		return errorsmod.Wrap(ErrInvalidDeparture, "a departing update consumes no inbox entry")
	case len(m.Routed) > 0, len(m.Forwarded) > 0:
		return errorsmod.Wrap(ErrInvalidDeparture, "a departing update carries no routed or forwarded message")
	case len(m.Steps) > 0, len(m.FinalizedMoves) > 0:
		return errorsmod.Wrap(ErrInvalidDeparture, "a departing update carries no step proof")
	}
	return nil
}
