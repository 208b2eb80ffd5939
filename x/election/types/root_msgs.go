package types

import (
	errorsmod "cosmossdk.io/errors"

	sdk "github.com/cosmos/cosmos-sdk/types"

	treetypes "github.com/slush-tree/slush/x/tree/types"
)

// The root re-election messages are checked without state before a block (CheckTx), like the
// emergency ones.
var (
	_ sdk.HasValidateBasic = (*MsgReportRootSilent)(nil)
	_ sdk.HasValidateBasic = (*MsgRootVote)(nil)
	_ sdk.HasValidateBasic = (*MsgAdoptElectedRoot)(nil)
)

// ValidateBasic refuses a report for root height 0, with a root preimage that is not canonical
// field elements, or with an empty or oversized root histogram.
func (m *MsgReportRootSilent) ValidateBasic() error {
	if m.BaseRootHeight == 0 || m.BaseRootHeight > treetypes.MaxRecordRootHeight {
		return errorsmod.Wrapf(ErrInvalidRootBase, "base root height %d out of range", m.BaseRootHeight)
	}
	if _, err := m.Root.Decode(); err != nil {
		return errorsmod.Wrap(ErrInvalidField, err.Error())
	}
	if len(m.RootHistogram) == 0 || len(m.RootHistogram) > MaxHistogramBuckets {
		return errorsmod.Wrapf(ErrInvalidHistogram, "root histogram of %d buckets: 1..%d", len(m.RootHistogram), MaxHistogramBuckets)
	}
	return nil
}

// ValidateBasic refuses a vote for root height 0, for a malformed candidate, with an oversized
// histogram, or with a malformed descendant proof, operator key or signature.
func (m *MsgRootVote) ValidateBasic() error {
	if m.BaseRootHeight == 0 || m.BaseRootHeight > treetypes.MaxRecordRootHeight {
		return errorsmod.Wrapf(ErrInvalidRootBase, "base root height %d out of range", m.BaseRootHeight)
	}
	if _, err := DecodeRootCandidate(m.Candidate); err != nil {
		return err
	}
	if len(m.Histogram) == 0 || len(m.Histogram) > MaxHistogramBuckets {
		return errorsmod.Wrapf(ErrInvalidHistogram, "%d buckets: 1..%d", len(m.Histogram), MaxHistogramBuckets)
	}
	if err := m.Proof.ValidateBasic(); err != nil {
		return err
	}
	return checkKeyAndSignature(m.PublicKey, m.Signature)
}

// ValidateBasic refuses an adoption without a header, or whose header, validator set or record
// MsgSyncParent's ValidateBasic refuses (sizes, decoding, root height range, proof decoding).
func (m *MsgAdoptElectedRoot) ValidateBasic() error {
	if len(m.Header) == 0 {
		return errorsmod.Wrap(treetypes.ErrInvalidHeader, "a restarted root header is required")
	}
	sync := treetypes.MsgSyncParent{Header: m.Header, ValidatorSet: m.ValidatorSet, Records: []treetypes.ParentRecord{m.Record}}
	return sync.ValidateBasic()
}
