package types

import (
	"math"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"

	errorsmod "cosmossdk.io/errors"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/slush-tree/slush/circuits/commitment"
	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/inclusion"
	"github.com/slush-tree/slush/circuits/ledger"
	"github.com/slush-tree/slush/circuits/smt"
	"github.com/slush-tree/slush/internal/parentsync"
	slushtypes "github.com/slush-tree/slush/types"
	ledgertypes "github.com/slush-tree/slush/x/ledger/types"
)

// Forced withdrawals (issue 20): the checks that read no state, and the native verification of
// the two proofs that satisfy one (docs/PROTOCOL.md "Forced withdrawal (issue 20)").
var (
	_ sdk.HasValidateBasic = (*MsgForceWithdrawal)(nil)
	_ sdk.HasValidateBasic = (*MsgProveForcedWithdrawal)(nil)
	_ sdk.HasValidateBasic = (*MsgExecuteForcedWithdrawal)(nil)
)

// WithdrawalProofGas is charged per MsgForceWithdrawal and per MsgProveForcedWithdrawal before
// their signature and proofs are checked: an EdDSA verification, a commitment hash, a
// ledger-root opening and at most 62 Merkle levels natively (ExitProofGas prices the same work).
const WithdrawalProofGas = 100_000

// DecodeWithdrawalOp decodes a forced withdrawal's op without state: a canonical bridge-out
// (x/ledger's ErrInvalidOp / ErrWrongOpKind otherwise) with a positive amount, a nonce the
// ledger can still use and a destination that is a validium's vid (ErrInvalidWithdrawal).
func DecodeWithdrawalOp(bz []byte) (ledger.Op, error) {
	op, err := ledgertypes.DecodeOp(bz, ledger.OpBridgeOut)
	if err != nil {
		return ledger.Op{}, err
	}
	if op.Amount == 0 {
		return ledger.Op{}, errorsmod.Wrap(ErrInvalidWithdrawal, "amount must be positive")
	}
	if op.Nonce == math.MaxUint64 { // the ledger refuses it: the op could never execute
		return ledger.Op{}, errorsmod.Wrap(ErrInvalidWithdrawal, "nonce 2^64-1 is never executable")
	}
	if _, err := slushtypes.PathOfVid(op.DstVid); err != nil {
		return ledger.Op{}, errorsmod.Wrapf(ErrInvalidWithdrawal, "destination: %v", err)
	}
	return op, nil
}

// CheckWithdrawalSignature verifies the op's signature for the child's vid (its ledger's
// signing domain) and refuses an op addressed to the child itself (ErrInvalidWithdrawal).
func CheckWithdrawalSignature(op ledger.Op, childVid fr.Element) error {
	if op.DstVid.Equal(&childVid) {
		return errorsmod.Wrap(ErrInvalidWithdrawal, "a withdrawal leaves the child: its destination is the child itself")
	}
	if err := ledger.VerifyElement(op.PubKey, op.SigningHash(childVid), op.Sig); err != nil {
		return errorsmod.Wrapf(ErrInvalidWithdrawal, "signature for the child's vid: %v", err)
	}
	return nil
}

// ValidateBasic refuses a child index outside 1..255, an op that is not a well-formed forced
// bridge-out, and a malformed opening or one of another account than op.from.
func (m *MsgForceWithdrawal) ValidateBasic() error {
	if err := CheckChildIndex(m.ChildIndex); err != nil {
		return err
	}
	op, err := DecodeWithdrawalOp(m.Op)
	if err != nil {
		return err
	}
	if err := m.Opening.ValidateBasic(); err != nil {
		return err
	}
	if m.Opening.AccountIndex != op.From {
		return errorsmod.Wrapf(ErrWrongAccount, "opening of account %d, op debits %d", m.Opening.AccountIndex, op.From)
	}
	return nil
}

// ValidateBasic refuses a child index outside 1..255, a zero sequence, and anything but exactly
// one well-formed proof.
func (m *MsgProveForcedWithdrawal) ValidateBasic() error {
	if err := CheckChildIndex(m.ChildIndex); err != nil {
		return err
	}
	if m.Sequence == 0 {
		return errorsmod.Wrap(ErrUnknownWithdrawal, "sequence 0")
	}
	switch {
	case (m.Inclusion == nil) == (m.NoOp == nil):
		return errorsmod.Wrap(ErrInvalidWithdrawalProof, "exactly one of inclusion and no_op")
	case m.Inclusion != nil:
		return m.Inclusion.ValidateBasic()
	default:
		return validateNoOpOpening(*m.NoOp)
	}
}

// ValidateBasic refuses an empty or oversized record and a proof that does not decode as bounded
// ICS23 proof operations.
func (m *MsgExecuteForcedWithdrawal) ValidateBasic() error {
	if m.Sequence == 0 {
		return errorsmod.Wrap(ErrInvalidForcedOp, "sequence 0")
	}
	if len(m.Record) == 0 || len(m.Record) > parentsync.MaxValueBytes {
		return errorsmod.Wrapf(ErrInvalidForcedOp, "record of %d bytes, want 1..%d", len(m.Record), parentsync.MaxValueBytes)
	}
	if _, err := parentsync.DecodeProofOps(m.Proof); err != nil {
		return errorsmod.Wrap(ErrInvalidForcedOp, err.Error())
	}
	return nil
}

// ValidateBasic checks an inclusion proof without state: a canonical commitment preimage, queued
// tree root and siblings (1..62 of them).
func (w WithdrawalInclusion) ValidateBasic() error {
	if _, err := w.Commitment.Decode(); err != nil {
		return err
	}
	if _, err := decodeField("queued_outbox_tree_root", w.QueuedOutboxTreeRoot); err != nil {
		return err
	}
	_, err := decodeSiblings(w.Siblings, ledger.MaxAccountDepth)
	return err
}

// validateNoOpOpening checks a no-op opening without state: an ordinary account opening, or,
// for an account index at or beyond the account count, one without account fields or siblings.
func validateNoOpOpening(o AccountOpening) error {
	if o.AccountIndex < o.NumAccounts {
		return o.ValidateBasic()
	}
	if _, err := o.Commitment.Decode(); err != nil {
		return err
	}
	if _, _, err := o.ledgerRoot(); err != nil {
		return err
	}
	if len(o.Owner) != 0 || len(o.AssetId) != 0 || o.Balance != 0 || o.Nonce != 0 || len(o.Siblings) != 0 {
		return errorsmod.Wrap(ErrInvalidWithdrawalProof, "an account beyond the count is opened without account fields or path")
	}
	return nil
}

// WithdrawalMessage is the message the bridge-out op appends when the child's ledger (vid
// childVid) executes it at outbox position (ledger.State.Apply: the nonce is the position).
func WithdrawalMessage(op ledger.Op, childVid fr.Element, position uint64) inclusion.Message {
	return inclusion.Message{SrcVid: childVid, DstVid: op.DstVid, Nonce: position, Recipient: op.Recipient,
		AssetID: op.Asset, Amount: op.Amount, Deadline: op.Deadline}
}

// Verify checks natively that the withdrawal's message is in the outbox of the commitment c
// (whose preimage w carries; the caller checks it is an accepted one of the child) at a position
// at or after the outbox size the withdrawal was queued at (queuedOutboxRoot opens to it), in an
// accumulator of the given depth. It returns the message.
func (w WithdrawalInclusion) Verify(c commitment.Commitment, childVid fr.Element, op ledger.Op, queuedOutboxRoot []byte, depth int) (inclusion.Message, error) {
	queuedTree, err := decodeField("queued_outbox_tree_root", w.QueuedOutboxTreeRoot)
	if err != nil {
		return inclusion.Message{}, err
	}
	queued, err := hash.DecodeElement(queuedOutboxRoot)
	if err != nil {
		return inclusion.Message{}, errorsmod.Wrapf(ErrInvalidField, "queued outbox root: %v", err)
	}
	if root := smt.AccumulatorRoot(queuedTree, w.QueuedOutboxSize); !root.Equal(&queued) {
		return inclusion.Message{}, errorsmod.Wrap(ErrInvalidWithdrawalProof, "queued outbox root does not open to (tree root, size)")
	}
	if w.Position < w.QueuedOutboxSize {
		return inclusion.Message{}, errorsmod.Wrapf(ErrInvalidWithdrawalProof,
			"message at outbox position %d, appended before the withdrawal was queued (outbox size %d)", w.Position, w.QueuedOutboxSize)
	}
	siblings, err := decodeSiblings(w.Siblings, ledger.MaxAccountDepth)
	if err != nil {
		return inclusion.Message{}, err
	}
	m := WithdrawalMessage(op, childVid, w.Position)
	proof := smt.AccumulatorProof{Index: w.Position, Item: m.Hash(), Size: w.OutboxSize, Siblings: siblings}
	if err := smt.VerifyAccumulatorProof(c.OutboxRoot, depth, proof); err != nil {
		return inclusion.Message{}, errorsmod.Wrapf(ErrInvalidWithdrawalProof, "the withdrawal's message is not in the outbox at %d: %v", w.Position, err)
	}
	return m, nil
}

// NoOpReason checks natively that the ledger under the opening's commitment cannot execute op
// (the ledger's own rules, ledger.State debit: the account exists, is owned by the op's key, holds
// the op's asset, has the op's nonce and at least its amount), and says why. An opening of an
// account the ledger could debit is ErrWithdrawalExecutable. The caller checks the commitment.
func NoOpReason(o AccountOpening, op ledger.Op, accountDepth int) (commitment.Commitment, string, error) {
	if o.AccountIndex != op.From {
		return commitment.Commitment{}, "", errorsmod.Wrapf(ErrInvalidWithdrawalProof, "opening of account %d, op debits %d", o.AccountIndex, op.From)
	}
	if o.AccountIndex >= o.NumAccounts {
		if err := validateNoOpOpening(o); err != nil {
			return commitment.Commitment{}, "", err
		}
		c, err := o.Commitment.Decode()
		if err != nil {
			return commitment.Commitment{}, "", err
		}
		_, root, err := o.ledgerRoot()
		if err != nil {
			return commitment.Commitment{}, "", err
		}
		if !root.Equal(&c.LedgerRoot) {
			return commitment.Commitment{}, "", errorsmod.Wrap(ErrInvalidWithdrawalProof, "ledger root does not open to (accounts root, count, consumed root)")
		}
		return c, "unknown account", nil
	}
	c, account, err := o.Open(accountDepth)
	if err != nil {
		return commitment.Commitment{}, "", errorsmod.Wrap(ErrInvalidWithdrawalProof, err.Error())
	}
	switch owner := ledger.OwnerHash(op.PubKey); {
	case !account.Owner.Equal(&owner):
		return c, "the op's key does not own the account", nil
	case !account.Asset.Equal(&op.Asset):
		return c, "asset mismatch", nil
	case account.Nonce != op.Nonce:
		return c, "nonce mismatch", nil
	case account.Balance < op.Amount:
		return c, "insufficient balance", nil
	}
	return commitment.Commitment{}, "", errorsmod.Wrapf(ErrWithdrawalExecutable,
		"account %d has nonce %d and balance %d >= %d", op.From, account.Nonce, account.Balance, op.Amount)
}

// CheckWithdrawalAccount checks the opening a forced withdrawal is queued with: account op.from
// of the commitment's ledger, owned by the op's key, in the op's asset (ErrWrongAccount), and
// returns the commitment (the caller checks it is an accepted one of the child).
func CheckWithdrawalAccount(o AccountOpening, op ledger.Op, accountDepth int) (commitment.Commitment, error) {
	if o.AccountIndex != op.From {
		return commitment.Commitment{}, errorsmod.Wrapf(ErrWrongAccount, "opening of account %d, op debits %d", o.AccountIndex, op.From)
	}
	c, account, err := o.Open(accountDepth)
	if err != nil {
		return commitment.Commitment{}, errorsmod.Wrap(ErrWrongAccount, err.Error())
	}
	if owner := ledger.OwnerHash(op.PubKey); !account.Owner.Equal(&owner) {
		return commitment.Commitment{}, errorsmod.Wrapf(ErrWrongAccount, "account %d is not owned by the op's key", op.From)
	}
	if !account.Asset.Equal(&op.Asset) {
		return commitment.Commitment{}, errorsmod.Wrapf(ErrWrongAccount, "account %d holds another asset", op.From)
	}
	return c, nil
}

// Validate checks a genesis record: a known status, a decodable op and a
// 32-byte op hash and queued outbox root.
func (w ForcedWithdrawal) Validate() error {
	if _, ok := ForcedWithdrawalStatus_name[int32(w.Status)]; !ok || w.Status == ForcedWithdrawalStatus_FORCED_WITHDRAWAL_STATUS_UNSPECIFIED {
		return errorsmod.Wrapf(ErrInvalidGenesis, "forced withdrawal %d of child %d: status %d", w.Sequence, w.ChildIndex, w.Status)
	}
	if w.Sequence == 0 {
		return errorsmod.Wrapf(ErrInvalidGenesis, "forced withdrawal of child %d: sequence 0", w.ChildIndex)
	}
	if _, err := DecodeWithdrawalOp(w.Op); err != nil {
		return errorsmod.Wrapf(ErrInvalidGenesis, "forced withdrawal %d of child %d: %v", w.Sequence, w.ChildIndex, err)
	}
	if _, err := hash.DecodeElement(w.OpHash); err != nil {
		return errorsmod.Wrapf(ErrInvalidGenesis, "forced withdrawal %d of child %d: op hash: %v", w.Sequence, w.ChildIndex, err)
	}
	if _, err := hash.DecodeElement(w.QueuedOutboxRoot); err != nil {
		return errorsmod.Wrapf(ErrInvalidGenesis, "forced withdrawal %d of child %d: queued outbox root: %v", w.Sequence, w.ChildIndex, err)
	}
	return nil
}
