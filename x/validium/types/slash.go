package types

import (
	errorsmod "cosmossdk.io/errors"
	sdkmath "cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"
)

// MaxSlashBps is a whole bond in basis points.
const MaxSlashBps = 10_000

// SplitSlash splits a bond into the share a re-election burns, slashBps of it rounded down, and
// the rest, which goes back to the bond's owner (DESIGN §9 for a child's operator, §10 for the
// root's). A nil or non-positive bond splits into two zero coins of its denom.
func SplitSlash(bond sdk.Coin, slashBps uint32) (slashed, refund sdk.Coin, err error) {
	if slashBps > MaxSlashBps {
		return sdk.Coin{}, sdk.Coin{}, errorsmod.Wrapf(ErrCannotSlash, "slash share %d bps", slashBps)
	}
	zero := sdk.Coin{Denom: bond.Denom, Amount: sdkmath.ZeroInt()}
	if bond.Amount.IsNil() || !bond.Amount.IsPositive() {
		return zero, zero, nil
	}
	slashed = sdk.Coin{Denom: bond.Denom, Amount: bond.Amount.MulRaw(int64(slashBps)).QuoRaw(MaxSlashBps)}
	return slashed, sdk.Coin{Denom: bond.Denom, Amount: bond.Amount.Sub(slashed.Amount)}, nil
}
