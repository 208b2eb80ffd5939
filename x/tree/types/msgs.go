package types

import (
	errorsmod "cosmossdk.io/errors"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/slush-tree/slush/internal/parentsync"
	slushtypes "github.com/slush-tree/slush/types"
)

// Every x/tree message is checked without state before a block (CheckTx): sizes and encodings,
// so malformed or oversized ones never reach one. The keeper verifies the rest.
var (
	_ sdk.HasValidateBasic = (*MsgUpdateParams)(nil)
	_ sdk.HasValidateBasic = (*MsgSyncParent)(nil)
	_ sdk.HasValidateBasic = (*MsgRecoverParentClient)(nil)
	_ sdk.HasValidateBasic = (*MsgSubmitMisbehaviour)(nil)
	_ sdk.HasValidateBasic = (*MsgPrepareDeparture)(nil)
	_ sdk.HasValidateBasic = (*MsgMovePath)(nil)
)

// ValidateBasic refuses a destination that is no valid path with room below it and a missing or
// oversized operator address (issue 20).
func (m *MsgPrepareDeparture) ValidateBasic() error {
	if _, err := (Departure{NewParent: m.NewParent}).NewParentPath(); err != nil {
		return err
	}
	if m.NewOperator == "" || len(m.NewOperator) > slushtypes.MaxAddressStringLength {
		return errorsmod.Wrapf(ErrInvalidDeparture, "new_operator of %d characters", len(m.NewOperator))
	}
	return nil
}

// ValidateBasic refuses an invalid path, and a client that is oversized or does not decode as a
// canonical parentsync.TrustedState (issue 20).
func (m *MsgMovePath) ValidateBasic() error {
	if _, err := slushtypes.PathFromIndices(m.Path); err != nil || len(m.Path) == 0 {
		return errorsmod.Wrapf(ErrInvalidMove, "path %v", m.Path)
	}
	if len(m.Client) > 0 {
		return (&MsgRecoverParentClient{Client: m.Client}).ValidateBasic()
	}
	return nil
}

// ValidateBasic refuses params that do not validate.
func (m *MsgUpdateParams) ValidateBasic() error { return m.Params.Validate() }

// ValidateBasic refuses a sync with no record or too many, a header or validator set that does
// not decode (when a header is given), and records whose root height is out of range, whose value
// is empty or oversized, or whose proof does not decode as bounded ICS23 proof operations.
func (m *MsgSyncParent) ValidateBasic() error {
	if len(m.Records) == 0 || len(m.Records) > MaxSyncRecords {
		return errorsmod.Wrapf(ErrInvalidRecordProof, "%d records: 1..%d per sync", len(m.Records), MaxSyncRecords)
	}
	if len(m.Header) > 0 {
		if _, err := parentsync.DecodeSignedHeader(m.Header); err != nil {
			return errorsmod.Wrap(ErrInvalidHeader, err.Error())
		}
		if _, err := parentsync.DecodeValidatorSet(m.ValidatorSet); err != nil {
			return errorsmod.Wrap(ErrInvalidHeader, err.Error())
		}
	}
	for i, r := range m.Records {
		if r.RootHeight == 0 || r.RootHeight > MaxRecordRootHeight {
			return errorsmod.Wrapf(ErrInvalidRecordProof, "record %d: root height %d out of range", i, r.RootHeight)
		}
		if len(r.Value) == 0 || len(r.Value) > parentsync.MaxValueBytes {
			return errorsmod.Wrapf(ErrInvalidRecordProof, "record %d: value of %d bytes, want 1..%d", i, len(r.Value), parentsync.MaxValueBytes)
		}
		if _, err := parentsync.DecodeProofOps(r.Proof); err != nil {
			return errorsmod.Wrapf(ErrInvalidRecordProof, "record %d: %v", i, err)
		}
	}
	return nil
}

// MaxRecordRootHeight bounds the root height a synced record may name (far beyond any chain's
// life, far below int64 overflow).
const MaxRecordRootHeight = 1 << 62

// ValidateBasic refuses an empty or oversized client state and one that does not decode as a
// canonical parentsync.TrustedState.
func (m *MsgRecoverParentClient) ValidateBasic() error {
	if len(m.Client) == 0 || len(m.Client) > MaxParentClientBytes {
		return errorsmod.Wrapf(ErrInvalidParentClient, "%d bytes: 1..%d", len(m.Client), MaxParentClientBytes)
	}
	if _, err := parentsync.UnmarshalTrustedState(m.Client); err != nil {
		return errorsmod.Wrap(ErrInvalidParentClient, err.Error())
	}
	return nil
}

// ValidateBasic refuses evidence that is not a fork before any signature is checked: a missing,
// oversized or undecodable header or validator set, a header its commit does not commit to, a
// set its header does not name, headers of two chains or two heights, or the same header twice.
func (m *MsgSubmitMisbehaviour) ValidateBasic() error {
	_, err := m.Decode()
	return err
}

// Decode decodes the evidence with parentsync.DecodeMisbehaviour (the checks of ValidateBasic).
func (m *MsgSubmitMisbehaviour) Decode() (parentsync.Misbehaviour, error) {
	mb, err := parentsync.DecodeMisbehaviour(m.Header1, m.ValidatorSet1, m.Header2, m.ValidatorSet2)
	if err != nil {
		return parentsync.Misbehaviour{}, errorsmod.Wrap(ErrInvalidMisbehaviour, err.Error())
	}
	return mb, nil
}
