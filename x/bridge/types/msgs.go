package types

import (
	errorsmod "cosmossdk.io/errors"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/slush-tree/slush/circuits/commitment"
	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/ledger"
	"github.com/slush-tree/slush/circuits/prover"
	ledgertypes "github.com/slush-tree/slush/x/ledger/types"
)

// Every x/bridge message is checked without state before a block (CheckTx), so malformed ones
// never reach one.
var (
	_ sdk.HasValidateBasic = (*MsgUpdateParams)(nil)
	_ sdk.HasValidateBasic = (*MsgBridgeOut)(nil)
	_ sdk.HasValidateBasic = (*MsgClaim)(nil)
	_ sdk.HasValidateBasic = (*MsgConfirm)(nil)
)

// ValidateBasic refuses params that do not validate.
func (m *MsgUpdateParams) ValidateBasic() error { return m.Params.Validate() }

// ValidateBasic refuses a bridge-out whose op does not decode as a bridge-out, or whose
// destination is no tree path (no chain could ever claim it).
func (m *MsgBridgeOut) ValidateBasic() error {
	op, err := ledgertypes.DecodeOp(m.Op, ledger.OpBridgeOut)
	if err != nil {
		return err
	}
	return CheckDestination(op)
}

// CheckDestination refuses a bridge-out addressed to a vid that packs no tree path.
func CheckDestination(op ledger.Op) error {
	if _, err := commitment.UnpackVid(op.DstVid); err != nil {
		return errorsmod.Wrapf(ErrWrongDestination, "dst_vid is not a tree path: %v", err)
	}
	return nil
}

// ValidateBasic refuses a claim whose message is not canonical or whose proof is not of the
// proof size.
func (m *MsgClaim) ValidateBasic() error {
	if _, err := m.Message.Decode(); err != nil {
		return err
	}
	return CheckProofSize(m.Proof)
}

// ValidateBasic refuses a confirmation whose message hash is not canonical or whose proof is not
// of the proof size.
func (m *MsgConfirm) ValidateBasic() error {
	if _, err := hash.DecodeElement(m.MessageHash); err != nil {
		return errorsmod.Wrapf(ErrInvalidField, "message_hash: %v", err)
	}
	return CheckProofSize(m.Proof)
}

// CheckProofSize refuses an inclusion proof that is not exactly prover.ProofSize bytes (the
// verifier decodes nothing else).
func CheckProofSize(proof []byte) error {
	if len(proof) != prover.ProofSize {
		return errorsmod.Wrapf(ErrInvalidProof, "proof of %d bytes, want %d", len(proof), prover.ProofSize)
	}
	return nil
}
