package types

import (
	errorsmod "cosmossdk.io/errors"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/slush-tree/slush/circuits/commitment"
	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/ledger"
	validiumtypes "github.com/slush-tree/slush/x/validium/types"
)

// Every x/election message is checked without state before a block (CheckTx): bounded proofs and
// histograms, canonical field elements, a decodable key and a signature of the signature size.
var (
	_ sdk.HasValidateBasic = (*MsgUpdateParams)(nil)
	_ sdk.HasValidateBasic = (*MsgReportWithholding)(nil)
	_ sdk.HasValidateBasic = (*MsgEmergencyVote)(nil)
)

// ValidateBasic refuses params that do not validate.
func (m *MsgUpdateParams) ValidateBasic() error { return m.Params.Validate() }

// ValidateBasic refuses a report for an impossible child index, with a malformed descendant
// proof, operator key or signature.
func (m *MsgReportWithholding) ValidateBasic() error {
	if err := validiumtypes.CheckChildIndex(m.ChildIndex); err != nil {
		return err
	}
	if err := m.Proof.ValidateBasic(); err != nil {
		return err
	}
	return checkKeyAndSignature(m.PublicKey, m.Signature)
}

// ValidateBasic refuses a vote for round 0, for a candidate whose operator key hash is not
// canonical and non-zero, with an oversized histogram, or with a malformed descendant proof,
// operator key or signature. (The candidate's address is checked by the keeper's codec.)
func (m *MsgEmergencyVote) ValidateBasic() error {
	if m.RoundId == 0 {
		return errorsmod.Wrap(ErrUnknownRound, "round ids start at 1")
	}
	if key, err := hash.DecodeElement(m.Candidate.OperatorKeyHash); err != nil || key.IsZero() {
		return errorsmod.Wrap(ErrInvalidCandidate, "operator_key_hash must be 32 canonical, non-zero bytes")
	}
	if len(m.Histogram) == 0 || len(m.Histogram) > MaxHistogramBuckets {
		return errorsmod.Wrapf(ErrInvalidHistogram, "%d buckets: 1..%d", len(m.Histogram), MaxHistogramBuckets)
	}
	if err := m.Proof.ValidateBasic(); err != nil {
		return err
	}
	return checkKeyAndSignature(m.PublicKey, m.Signature)
}

// ValidateBasic checks a descendant proof's shape without state: 1..MaxPathDepth hops, canonical
// commitment preimages, and ChildrenDepth canonical siblings per hop (VerifyDescendant checks the
// chain itself).
func (p DescendantProof) ValidateBasic() error {
	if _, err := p.Child.Decode(); err != nil {
		return errorsmod.Wrap(ErrInvalidField, err.Error())
	}
	if len(p.Hops) == 0 || len(p.Hops) > commitment.MaxPathDepth {
		return errorsmod.Wrapf(ErrNotDescendant, "%d hops: 1..%d", len(p.Hops), commitment.MaxPathDepth)
	}
	for i, hop := range p.Hops {
		if _, err := hop.Commitment.Decode(); err != nil {
			return errorsmod.Wrapf(ErrInvalidField, "hop %d: %v", i, err)
		}
		if len(hop.Siblings) != commitment.ChildrenDepth {
			return errorsmod.Wrapf(ErrNotDescendant, "hop %d: %d siblings, want %d", i, len(hop.Siblings), commitment.ChildrenDepth)
		}
		for j, s := range hop.Siblings {
			if _, err := hash.DecodeElement(s); err != nil {
				return errorsmod.Wrapf(ErrInvalidField, "hop %d sibling %d: %v", i, j, err)
			}
		}
	}
	return nil
}

// checkKeyAndSignature refuses an operator public key that does not decode and a signature that
// is not of the signature size.
func checkKeyAndSignature(pub, sig []byte) error {
	if _, err := DecodePublicKey(pub); err != nil {
		return err
	}
	if len(sig) != ledger.SignatureSize {
		return errorsmod.Wrapf(ErrInvalidSignature, "signature of %d bytes, want %d", len(sig), ledger.SignatureSize)
	}
	return nil
}
