package types

import (
	errorsmod "cosmossdk.io/errors"

	slushtypes "github.com/slush-tree/slush/types"
)

// NewParentPath reads the departure's destination (each index 1..255, leaving room for this
// chain below it), else ErrInvalidDeparture.
func (d Departure) NewParentPath() (slushtypes.Path, error) {
	p, err := slushtypes.NewParentPath(d.NewParent)
	if err != nil {
		return nil, errorsmod.Wrapf(ErrInvalidDeparture, "new_parent: %v", err)
	}
	return p, nil
}

// validate checks a recorded departure without state: a departing chain names a valid new parent
// and a new operator; a following one names neither and is never marked.
func (d Departure) validate() error {
	if d.Follow {
		if len(d.NewParent) > 0 || d.NewOperator != "" || d.Marked {
			return errorsmod.Wrap(ErrInvalidDeparture, "a following chain names no new parent or operator and is never marked")
		}
		return nil
	}
	if _, err := d.NewParentPath(); err != nil {
		return err
	}
	if d.NewOperator == "" {
		return errorsmod.Wrap(ErrInvalidDeparture, "departure without a new operator")
	}
	return nil
}
