// Package paramsupdate is the one MsgUpdateParams rule every Slush module shares: only the
// governance authority may replace params, and only with params that validate.
package paramsupdate

import (
	"context"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"
)

// Validatable is a module's Params.
type Validatable interface {
	Validate() error
}

// Apply stores params if signer is the module's authority and params validate; errSigner is
// the module's registered error for a wrong signer.
func Apply[P Validatable](ctx context.Context, item collections.Item[P], authority, signer string, params P, errSigner error) error {
	if signer != authority {
		return errorsmod.Wrapf(errSigner, "expected %s, got %s", authority, signer)
	}
	if err := params.Validate(); err != nil {
		return err
	}
	return item.Set(ctx, params)
}
