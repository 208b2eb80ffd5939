package types

import (
	errorsmod "cosmossdk.io/errors"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/slush-tree/slush/circuits/ledger"
)

var _ sdk.HasValidateBasic = (*MsgTransfer)(nil)

// DecodeOp reads a signed ledger operation of kind want, as every message carrying one checks it
// before a block and the keeper again when it executes: the exact length, canonical field
// elements and public key, no field the kind does not use (ErrInvalidOp), and the kind
// (ErrWrongOpKind). It does not verify the signature (the ledger does, against the chain's vid).
func DecodeOp(bz []byte, want ledger.OpKind) (ledger.Op, error) {
	if len(bz) != ledger.OpSize {
		return ledger.Op{}, errorsmod.Wrapf(ErrInvalidOp, "op of %d bytes, want %d (the hex or base64 that `slushchaind ledger %s` prints)",
			len(bz), ledger.OpSize, want)
	}
	op, err := ledger.DecodeOp(bz)
	if err != nil {
		return ledger.Op{}, errorsmod.Wrap(ErrInvalidOp, err.Error())
	}
	if op.Kind != want {
		return ledger.Op{}, errorsmod.Wrapf(ErrWrongOpKind, "got %s, want %s", op.Kind, want)
	}
	return op, nil
}

// ValidateBasic refuses a transfer whose op does not decode as a transfer, so junk fails in
// CheckTx at no cost to the chain.
func (m *MsgTransfer) ValidateBasic() error {
	_, err := DecodeOp(m.Op, ledger.OpTransfer)
	return err
}
