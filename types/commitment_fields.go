package types

import (
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"

	errorsmod "cosmossdk.io/errors"

	"github.com/slush-tree/slush/circuits/commitment"
	"github.com/slush-tree/slush/circuits/hash"
)

// NewCommitmentFields is the canonical byte form of a commitment preimage (DESIGN §3), the one
// every module, the relayer and the election CLI exchange.
func NewCommitmentFields(c commitment.Commitment) CommitmentFields {
	return CommitmentFields{
		Vid: hash.EncodeElement(c.Vid), LedgerRoot: hash.EncodeElement(c.LedgerRoot),
		OutboxRoot: hash.EncodeElement(c.OutboxRoot), ReceiptRoot: hash.EncodeElement(c.ReceiptRoot),
		ChildrenRoot: hash.EncodeElement(c.ChildrenRoot), FinalizedChildrenRoot: hash.EncodeElement(c.FinalizedChildrenRoot),
		AnchorHeight:     c.AnchorHeight,
		AnchorCommitment: hash.EncodeElement(c.AnchorCommitment), AcceptanceDigest: hash.EncodeElement(c.AcceptanceDigest),
		OperatorKeyHash: hash.EncodeElement(c.OperatorKeyHash), Epoch: c.Epoch,
	}
}

// Decode reads the preimage canonically: every field element exactly 32 bytes below the
// modulus (DESIGN §3: reject, never reduce), else ErrInvalidField naming the field.
func (f CommitmentFields) Decode() (commitment.Commitment, error) {
	var c commitment.Commitment
	for _, field := range []struct {
		name string
		in   []byte
		out  *fr.Element
	}{
		{"vid", f.Vid, &c.Vid}, {"ledger_root", f.LedgerRoot, &c.LedgerRoot},
		{"outbox_root", f.OutboxRoot, &c.OutboxRoot}, {"receipt_root", f.ReceiptRoot, &c.ReceiptRoot},
		{"children_root", f.ChildrenRoot, &c.ChildrenRoot},
		{"finalized_children_root", f.FinalizedChildrenRoot, &c.FinalizedChildrenRoot},
		{"anchor_commitment", f.AnchorCommitment, &c.AnchorCommitment},
		{"acceptance_digest", f.AcceptanceDigest, &c.AcceptanceDigest},
		{"operator_key_hash", f.OperatorKeyHash, &c.OperatorKeyHash},
	} {
		e, err := hash.DecodeElement(field.in)
		if err != nil {
			return commitment.Commitment{}, errorsmod.Wrapf(ErrInvalidField, "%s: %v", field.name, err)
		}
		*field.out = e
	}
	c.AnchorHeight, c.Epoch = f.AnchorHeight, f.Epoch
	return c, nil
}
