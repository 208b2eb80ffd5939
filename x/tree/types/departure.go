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
