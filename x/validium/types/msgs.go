package types

import (
	errorsmod "cosmossdk.io/errors"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/keys"
	"github.com/slush-tree/slush/circuits/ledger"
	"github.com/slush-tree/slush/internal/parentsync"
	slushtypes "github.com/slush-tree/slush/types"
	bridgetypes "github.com/slush-tree/slush/x/bridge/types"
	ledgertypes "github.com/slush-tree/slush/x/ledger/types"
)

// Every x/validium message is checked without state before a block (CheckTx): lengths, canonical
// field elements and bounded counts, so malformed or oversized ones never reach one. Each check
// is one the keeper makes too (or stricter only where the keeper could never accept).
var (
	_ sdk.HasValidateBasic = (*MsgUpdateParams)(nil)
	_ sdk.HasValidateBasic = (*MsgRegisterChild)(nil)
	_ sdk.HasValidateBasic = (*MsgDeregisterChild)(nil)
	_ sdk.HasValidateBasic = (*MsgForceOperation)(nil)
	_ sdk.HasValidateBasic = (*MsgSubmitUpdate)(nil)
	_ sdk.HasValidateBasic = (*MsgExit)(nil)
	_ sdk.HasValidateBasic = (*MsgPostBond)(nil)
	_ sdk.HasValidateBasic = (*MsgPostRootBond)(nil)
	_ sdk.HasValidateBasic = (*MsgRouteMessage)(nil)
	_ sdk.HasValidateBasic = (*MsgReceiveForced)(nil)
)

// ValidateBasic refuses params that do not validate.
func (m *MsgUpdateParams) ValidateBasic() error { return m.Params.Validate() }

// ValidateBasic refuses a registration whose verifying keys are not of the ledger circuit's size
// (the transfer key is optional), whose genesis roots or operator key hash are not canonical, or
// whose bond is not a valid coin.
func (m *MsgRegisterChild) ValidateBasic() error {
	want := keys.VerifyingKeySize(UpdatePublicInputs)
	if len(m.VerifyingKey) != want {
		return errorsmod.Wrapf(ErrInvalidVerifyingKey, "%d bytes, want %d (a ledger.vk of `slushchaind circuits setup --circuit ledger`)",
			len(m.VerifyingKey), want)
	}
	if n := len(m.TransferVerifyingKey); n != 0 && n != want {
		return errorsmod.Wrapf(ErrInvalidVerifyingKey, "transfer_verifying_key of %d bytes, want %d (a ledger-transfer.vk)", n, want)
	}
	if _, err := (LedgerRoots{LedgerRoot: m.GenesisLedgerRoot, OutboxRoot: m.GenesisOutboxRoot, ReceiptRoot: m.GenesisReceiptRoot}).Decode(); err != nil {
		return errorsmod.Wrap(err, "genesis roots")
	}
	if _, err := slushtypes.DecodeOperatorKeyHash(m.OperatorKeyHash); err != nil {
		return err
	}
	if err := m.Bond.Validate(); err != nil {
		return errorsmod.Wrapf(ErrBondTooLow, "bond: %v", err)
	}
	if m.Arrival != nil {
		return m.Arrival.Validate()
	}
	return nil
}

// ValidateBasic refuses a child index outside 1..255.
func (m *MsgDeregisterChild) ValidateBasic() error { return CheckChildIndex(m.ChildIndex) }

// ValidateBasic refuses a child index outside 1..255 and an op that does not decode as a
// bridge-out.
func (m *MsgForceOperation) ValidateBasic() error {
	if err := CheckChildIndex(m.ChildIndex); err != nil {
		return err
	}
	_, err := ledgertypes.DecodeOp(m.Op, ledger.OpBridgeOut)
	return err
}

// ValidateBasic runs every check of an update that reads no state (ValidateStateless) plus the
// bounds of what it carries besides its batches: the child index, the previous commitment, the
// histogram, the routed and forwarded messages and the exit proofs.
func (m *MsgSubmitUpdate) ValidateBasic() error {
	if err := CheckChildIndex(m.ChildIndex); err != nil {
		return err
	}
	if len(m.PrevCommitment) > 0 {
		if _, err := decodeField("prev_commitment", m.PrevCommitment); err != nil {
			return err
		}
	}
	if err := m.ValidateStateless(); err != nil {
		return err
	}
	if len(m.Histogram) > MaxReportedBuckets {
		return errorsmod.Wrapf(ErrTooManyBuckets, "%d > %d", len(m.Histogram), MaxReportedBuckets)
	}
	if len(m.Routed) > MaxRoutedPerUpdate {
		return errorsmod.Wrapf(ErrInvalidRoute, "%d routed messages > %d", len(m.Routed), MaxRoutedPerUpdate)
	}
	for i, r := range m.Routed {
		if err := ValidateRouted(r); err != nil {
			return errorsmod.Wrapf(err, "routed message %d", i)
		}
	}
	if len(m.Forwarded) > MaxInboxEntriesPerUpdate {
		return errorsmod.Wrapf(ErrInvalidRoute, "%d forwarded > %d", len(m.Forwarded), MaxInboxEntriesPerUpdate)
	}
	for i, f := range m.Forwarded {
		if _, err := hash.DecodeElement(f); err != nil {
			return errorsmod.Wrapf(ErrInvalidField, "forwarded %d: %v", i, err)
		}
	}
	if len(m.Exits) > len(m.InboxEntries) { // each proves one exit-source inbox entry
		return errorsmod.Wrapf(ErrUnprovenEntry, "%d exit proofs for %d inbox entries", len(m.Exits), len(m.InboxEntries))
	}
	for i, e := range m.Exits {
		if err := CheckChildIndex(e.ChildIndex); err != nil {
			return errorsmod.Wrapf(err, "exit %d", i)
		}
		if err := e.Opening.ValidateBasic(); err != nil {
			return errorsmod.Wrapf(err, "exit %d", i)
		}
	}
	return nil
}

// ValidateBasic refuses a child index outside 1..255 and an opening with a non-canonical field or
// an impossible path length.
func (m *MsgExit) ValidateBasic() error {
	if err := CheckChildIndex(m.ChildIndex); err != nil {
		return err
	}
	return m.Opening.ValidateBasic()
}

// ValidateBasic refuses a child index outside 1..255 and an amount that is not a positive coin.
func (m *MsgPostBond) ValidateBasic() error {
	if err := CheckChildIndex(m.ChildIndex); err != nil {
		return err
	}
	if err := m.Amount.Validate(); err != nil || !m.Amount.IsPositive() {
		return errorsmod.Wrapf(ErrBondTooLow, "amount %s must be a positive coin", m.Amount)
	}
	return nil
}

// ValidateBasic refuses a malformed owner address, an operator key hash that is not a canonical,
// non-zero field element and an amount that is not a positive coin (DESIGN §10 root bond).
func (m *MsgPostRootBond) ValidateBasic() error {
	if _, err := sdk.AccAddressFromBech32(m.Owner); err != nil {
		return errorsmod.Wrapf(ErrInvalidAddress, "owner: %v", err)
	}
	if err := validateOperatorKeyHash(m.OperatorKeyHash); err != nil {
		return err
	}
	if err := m.Amount.Validate(); err != nil || !m.Amount.IsPositive() {
		return errorsmod.Wrapf(ErrBondTooLow, "amount %s must be a positive coin", m.Amount)
	}
	return nil
}

// validateOperatorKeyHash requires a canonical, non-zero field element (an operator key hash).
func validateOperatorKeyHash(h []byte) error {
	key, err := hash.DecodeElement(h)
	if err != nil {
		return errorsmod.Wrapf(ErrInvalidField, "operator_key_hash: %v", err)
	}
	if key.IsZero() {
		return errorsmod.Wrap(ErrInvalidField, "operator_key_hash is zero")
	}
	return nil
}

// ValidateBasic refuses a routed message that does not decode or whose proof is not of the proof
// size.
func (m *MsgRouteMessage) ValidateBasic() error { return ValidateRouted(m.Routed) }

// ValidateBasic refuses an empty or oversized queue record and a proof that does not decode as
// bounded ICS23 proof operations.
func (m *MsgReceiveForced) ValidateBasic() error {
	if len(m.Operation) == 0 || len(m.Operation) > parentsync.MaxValueBytes {
		return errorsmod.Wrapf(ErrInvalidForcedOp, "operation of %d bytes, want 1..%d", len(m.Operation), parentsync.MaxValueBytes)
	}
	if _, err := parentsync.DecodeProofOps(m.Proof); err != nil {
		return errorsmod.Wrap(ErrInvalidForcedOp, err.Error())
	}
	return nil
}

// ValidateRouted checks a routed message without state: a canonical message preimage and an
// inclusion proof of the proof size.
func ValidateRouted(r slushtypes.RoutedMessage) error {
	if _, err := ledger.DecodeMessage(r.Message); err != nil {
		return errorsmod.Wrapf(ErrInvalidRoute, "message: %v", err)
	}
	return bridgetypes.CheckProofSize(r.Proof)
}

// CheckChildIndex refuses a child index outside 1..255 (no child can have it).
func CheckChildIndex(index uint32) error {
	if index == 0 || index > slushtypes.MaxChildIndex {
		return errorsmod.Wrapf(ErrUnknownChild, "child index %d: must be 1..%d", index, slushtypes.MaxChildIndex)
	}
	return nil
}

// ValidateBasic checks an opening without state: a canonical commitment preimage, accounts root
// and account fields, and 1..ledger.MaxAccountDepth canonical siblings (Open checks the rest
// against the ledger's account depth and the commitment).
func (o AccountOpening) ValidateBasic() error {
	if _, err := o.Commitment.Decode(); err != nil {
		return err
	}
	if _, _, err := o.ledgerRoot(); err != nil {
		return err
	}
	if _, err := o.account(); err != nil {
		return err
	}
	_, err := decodeSiblings(o.Siblings, ledger.MaxAccountDepth)
	return err
}
