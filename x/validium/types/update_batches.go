package types

import (
	"bytes"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"

	errorsmod "cosmossdk.io/errors"

	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/ledger"
	"github.com/slush-tree/slush/circuits/prover"
)

// ValidateStateless runs the checks of an update that read no state, so a malformed update is
// refused before anything is loaded or hashed (DESIGN §5): bounded counts, a canonical
// commitment preimage, inbox entries and roots, proofs of the proof size, and ledger batches ("Bursts") that each change something (but a sole anchor batch),
// chain root to root, end at the new commitment's roots and split the inbox entries exactly.
// A departing update carries a valid departure and moves nothing but its anchor, report and
// children roots (issue 20). The roots the first batch starts at, and the proofs themselves, are
// checked against the child's record by the keeper.
func (m *MsgSubmitUpdate) ValidateStateless() error {
	if _, err := m.NewCommitment.Decode(); err != nil {
		return err
	}
	if len(m.Batches) > MaxBatchesPerUpdateCap {
		return errorsmod.Wrapf(ErrTooManyBatches, "%d > %d", len(m.Batches), MaxBatchesPerUpdateCap)
	}
	if len(m.InboxEntries) > MaxInboxEntriesPerUpdate {
		return errorsmod.Wrapf(ErrTooManyInboxEntries, "%d > %d", len(m.InboxEntries), MaxInboxEntriesPerUpdate)
	}
	for i, e := range m.InboxEntries {
		if _, _, err := e.Decode(); err != nil {
			return errorsmod.Wrapf(err, "inbox entry %d", i)
		}
	}
	var entries uint64
	for i, b := range m.Batches {
		if err := b.validate(); err != nil {
			return errorsmod.Wrapf(err, "batch %d", i)
		}
		if len(m.Batches) > 1 && b.changesNothing() { // DESIGN §5 "Bursts": only an anchor batch may be empty
			return errorsmod.Wrapf(ErrEmptyBatch, "batch %d of %d", i, len(m.Batches))
		}
		if i > 0 && !b.Start.equal(m.Batches[i-1].End) {
			return errorsmod.Wrapf(ErrBatchChainBroken, "batch %d does not start where batch %d ended", i, i-1)
		}
		entries += uint64(b.InboxEntries)
	}
	if entries != uint64(len(m.InboxEntries)) {
		return errorsmod.Wrapf(ErrBatchEntryCount, "the batches consumed %d entries, the update lists %d", entries, len(m.InboxEntries))
	}
	if n := len(m.Batches); n > 0 {
		nc := m.NewCommitment
		if !m.Batches[n-1].End.equal(LedgerRoots{LedgerRoot: nc.LedgerRoot, OutboxRoot: nc.OutboxRoot, ReceiptRoot: nc.ReceiptRoot}) {
			return errorsmod.Wrapf(ErrBatchEndMismatch, "batch %d", n-1)
		}
	}
	if err := m.validateSteps(); err != nil {
		return err
	}
	if m.Departure != nil {
		return m.validateDeparting()
	}
	return nil
}

// validate checks one batch on its own: canonical roots and a proof of the proof size.
func (b LedgerBatch) validate() error {
	if _, err := b.Start.Decode(); err != nil {
		return errorsmod.Wrapf(err, "start")
	}
	if _, err := b.End.Decode(); err != nil {
		return errorsmod.Wrapf(err, "end")
	}
	if len(b.Proof) != prover.ProofSize {
		return errorsmod.Wrapf(ErrInvalidProof, "proof of %d bytes, want %d", len(b.Proof), prover.ProofSize)
	}
	return nil
}

// changesNothing tells whether the batch moves no root and consumes no entry. DESIGN §5
// "Bursts": an update that changes no ledger state carries no ledger proof, or exactly one such
// batch, its *anchor batch*: the proof of the anchor move that a RECURSIVE grandparent's step
// verifies (issue 16, docs/PROTOCOL.md "Validity all the way up"). Among several batches an
// empty one proves nothing and is refused.
func (b LedgerBatch) changesNothing() bool {
	return b.InboxEntries == 0 && b.Start.equal(b.End)
}

// NewLedgerBatch is the batch a ledger proof with public inputs pub proves, consuming entries of
// the update's inbox entries: the roots it starts and ends at, and the proof.
func NewLedgerBatch(pub ledger.PublicInputs, entries int, proof []byte) LedgerBatch {
	return LedgerBatch{
		Start: LedgerRoots{LedgerRoot: hash.EncodeElement(pub.OldLedgerRoot), OutboxRoot: hash.EncodeElement(pub.OldOutbox),
			ReceiptRoot: hash.EncodeElement(pub.OldReceipts)},
		End: LedgerRoots{LedgerRoot: hash.EncodeElement(pub.NewLedgerRoot), OutboxRoot: hash.EncodeElement(pub.NewOutbox),
			ReceiptRoot: hash.EncodeElement(pub.NewReceipts)},
		InboxEntries: uint32(entries), Proof: proof,
	}
}

// Decode reads the three roots as canonical field elements (ErrInvalidField otherwise), in the
// order ledger, outbox, receipts.
func (r LedgerRoots) Decode() ([3]fr.Element, error) {
	var out [3]fr.Element
	for i, f := range []struct {
		name string
		b    []byte
	}{{"ledger_root", r.LedgerRoot}, {"outbox_root", r.OutboxRoot}, {"receipt_root", r.ReceiptRoot}} {
		e, err := decodeField(f.name, f.b)
		if err != nil {
			return out, err
		}
		out[i] = e
	}
	return out, nil
}

// equal compares two sets of roots byte for byte (canonical encodings are unique).
func (r LedgerRoots) equal(o LedgerRoots) bool {
	return bytes.Equal(r.LedgerRoot, o.LedgerRoot) && bytes.Equal(r.OutboxRoot, o.OutboxRoot) &&
		bytes.Equal(r.ReceiptRoot, o.ReceiptRoot)
}

// HeldRoots are the ledger roots this chain holds for the child: where its next batch starts.
func (c Child) HeldRoots() LedgerRoots {
	return LedgerRoots{LedgerRoot: c.LedgerRoot, OutboxRoot: c.OutboxRoot, ReceiptRoot: c.ReceiptRoot}
}

// Decode reads the entry's message hash (canonical, ErrInvalidField otherwise) and its source,
// which must be one of ledger.Source's (ErrInvalidField otherwise).
func (e InboxEntry) Decode() (fr.Element, ledger.Source, error) {
	h, err := decodeField("message_hash", e.MessageHash)
	if err != nil {
		return fr.Element{}, 0, err
	}
	src := ledger.Source(e.Source)
	if e.Source > 255 || !src.Valid() {
		return fr.Element{}, 0, errorsmod.Wrapf(ErrInvalidField, "source %d", e.Source)
	}
	return h, src, nil
}
