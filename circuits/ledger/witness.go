package ledger

import (
	"errors"
	"fmt"
	"math/big"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark/frontend"

	"github.com/slush-tree/slush/circuits/hash"
)

// PathWitness is what the prover needs about one path of a slot: the leaf
// index, the record before the operation and the siblings.
type PathWitness struct {
	// Index is the account index (or the outbox position of a BridgeOut's path B).
	Index uint64
	// Old is the account before the operation (owner and asset only if IsNew).
	Old Account
	// IsNew says the account is created by this operation.
	IsNew bool
	// Siblings are the Merkle siblings from the leaf level up.
	Siblings []fr.Element
}

// SlotWitness is one executed operation with its paths. An unused path has
// Index 0, a zero record and no siblings.
type SlotWitness struct {
	// Op is the operation.
	Op Op
	// A is the path of the debited (Transfer, BridgeOut) or credited (BridgeIn) account.
	A PathWitness
	// B is the path of the Transfer recipient, or of the BridgeOut outbox slot.
	B PathWitness
}

// Witness is everything needed to prove one batch.
type Witness struct {
	// Params are the circuit parameters.
	Params Params
	// Public are the public inputs.
	Public PublicInputs
	// OldAccountsRoot and OldNumAccounts open Public.OldLedgerRoot.
	OldAccountsRoot fr.Element
	// OldNumAccounts is the account count before the batch.
	OldNumAccounts uint64
	// OldOutboxTree and OldOutboxSize open Public.OldOutbox.
	OldOutboxTree fr.Element
	// OldOutboxSize is the outbox size before the batch.
	OldOutboxSize uint64
	// Slots has exactly Params.BatchSize entries (NoOp-padded).
	Slots []SlotWitness
}

// ErrBatchFull is returned by BatchBuilder.Add when the batch has BatchSize operations.
var ErrBatchFull = errors.New("ledger: batch full")

// BatchBuilder executes operations on a State and records the witness of a
// batch. The prover replays the chain's operation log from the state at the
// batch's old root: replay is deterministic, so it reproduces the chain's
// roots exactly.
type BatchBuilder struct {
	s *State
	w Witness
}

// NewBatchBuilder starts a batch at s's current state.
func NewBatchBuilder(s *State) (*BatchBuilder, error) {
	w := Witness{Params: s.params, OldNumAccounts: s.numAccounts, OldOutboxSize: s.outbox.Size()}
	w.Public.Vid = s.vid
	var err error
	if w.OldAccountsRoot, err = s.accounts.Root(); err != nil {
		return nil, err
	}
	if w.OldOutboxTree, err = s.outbox.TreeRoot(); err != nil {
		return nil, err
	}
	if w.Public.OldInbox, err = s.InboxHead(s.inboxConsumed); err != nil {
		return nil, err
	}
	w.Public.OldLedgerRoot = LedgerRoot(w.OldAccountsRoot, w.OldNumAccounts)
	w.Public.OldOutbox, err = s.outbox.Root()
	return &BatchBuilder{s: s, w: w}, err
}

// Len returns the number of operations added so far.
func (b *BatchBuilder) Len() int { return len(b.w.Slots) }

// Add applies op to the state (exactly as State.Apply) and records its slot.
// A rejected op is not added and leaves the state unchanged.
func (b *BatchBuilder) Add(op Op) error {
	if len(b.w.Slots) == b.w.Params.BatchSize {
		return ErrBatchFull
	}
	sw, err := b.s.apply(op, true)
	if err != nil {
		return err
	}
	b.w.Slots = append(b.w.Slots, sw)
	return nil
}

// Build pads the batch with NoOps and returns its witness, binding the anchor.
// The builder must not be used afterwards.
func (b *BatchBuilder) Build(anchorHeight uint64, anchorCommitment fr.Element) (Witness, error) {
	w := b.w
	for len(w.Slots) < w.Params.BatchSize {
		w.Slots = append(w.Slots, SlotWitness{Op: Op{Kind: OpNoOp}})
	}
	var err error
	if w.Public.NewLedgerRoot, err = b.s.Root(); err != nil {
		return Witness{}, err
	}
	if w.Public.NewOutbox, err = b.s.outbox.Root(); err != nil {
		return Witness{}, err
	}
	if w.Public.NewInbox, err = b.s.InboxHead(b.s.inboxConsumed); err != nil {
		return Witness{}, err
	}
	w.Public.AnchorHeight, w.Public.AnchorCommitment = anchorHeight, anchorCommitment
	return w, nil
}

// Assign returns the full circuit assignment of w.
func (w Witness) Assign() (*Circuit, error) {
	if err := w.Params.Validate(); err != nil {
		return nil, err
	}
	if len(w.Slots) != w.Params.BatchSize {
		return nil, fmt.Errorf("%w: %d slots, batch size %d", ErrParams, len(w.Slots), w.Params.BatchSize)
	}
	c := New(w.Params)
	w.Public.assign(c)
	c.OldAccountsRoot, c.OldNumAccounts = w.OldAccountsRoot, w.OldNumAccounts
	c.OldOutboxTree, c.OldOutboxSize = w.OldOutboxTree, w.OldOutboxSize
	for i, sw := range w.Slots {
		if err := sw.assign(&c.Slots[i]); err != nil {
			return nil, fmt.Errorf("slot %d: %w", i, err)
		}
	}
	return c, nil
}

func boolVar(b bool) frontend.Variable {
	if b {
		return 1
	}
	return 0
}

func (p PathWitness) assign(x *AccountPath) error {
	if len(p.Siblings) > len(x.Siblings) {
		return fmt.Errorf("%w: %d siblings for a path of %d", ErrParams, len(p.Siblings), len(x.Siblings))
	}
	x.Index, x.IsNew = p.Index, boolVar(p.IsNew)
	x.Owner, x.Asset, x.Balance, x.Nonce = p.Old.Owner, p.Old.Asset, p.Old.Balance, p.Old.Nonce
	for h := range x.Siblings {
		if h < len(p.Siblings) {
			x.Siblings[h] = p.Siblings[h]
		} else {
			x.Siblings[h] = 0 // above a shallower tree: unused
		}
	}
	return nil
}

func (sw SlotWitness) assign(s *Slot) error {
	op := sw.Op
	var zero fr.Element
	s.IsTransfer, s.IsBridgeOut, s.IsBridgeIn = boolVar(op.Kind == OpTransfer), boolVar(op.Kind == OpBridgeOut), boolVar(op.Kind == OpBridgeIn)
	s.Asset, s.Amount, s.Nonce = op.Asset, op.Amount, op.Nonce
	s.ToOwner, s.DstVid, s.Recipient, s.Deadline, s.SrcVid, s.MsgNonce = op.ToOwner, op.DstVid, op.Recipient, op.Deadline, zero, 0
	if op.Kind == OpBridgeIn {
		m := op.Msg
		s.Asset, s.Amount, s.Recipient, s.Deadline, s.SrcVid, s.MsgNonce = m.AssetID, m.Amount, m.Recipient, m.Deadline, m.SrcVid, m.Nonce
	}
	pk, sig := dummy()
	if op.Kind.signed() {
		pk = op.PubKey
		if _, err := sig.SetBytes(op.Sig); err != nil {
			return fmt.Errorf("%w: %v", ErrBadSignature, err)
		}
	}
	s.PubKey.A.X, s.PubKey.A.Y = pk.A.X, pk.A.Y
	s.Sig.R.X, s.Sig.R.Y = sig.R.X, sig.R.Y
	s.Sig.S = new(big.Int).SetBytes(sig.S[:])
	if err := sw.A.assign(&s.A); err != nil {
		return err
	}
	return sw.B.assign(&s.B)
}

// PublicInputs are the ledger circuit's public inputs (see Circuit).
type PublicInputs struct {
	// Vid is the validium id.
	Vid fr.Element
	// OldLedgerRoot and NewLedgerRoot are the ledger roots before and after.
	OldLedgerRoot, NewLedgerRoot fr.Element
	// OldInbox and NewInbox are the consumed inbox chain heads before and after.
	OldInbox, NewInbox fr.Element
	// OldOutbox and NewOutbox are the outbox accumulator roots before and after.
	OldOutbox, NewOutbox fr.Element
	// AnchorHeight is the anchor's root height.
	AnchorHeight uint64
	// AnchorCommitment is the anchor's root commitment.
	AnchorCommitment fr.Element
}

// Elements returns the public inputs in circuit order (the vector the verifier takes).
func (p PublicInputs) Elements() []fr.Element {
	return []fr.Element{p.Vid, p.OldLedgerRoot, p.NewLedgerRoot, p.OldInbox, p.NewInbox,
		p.OldOutbox, p.NewOutbox, hash.Uint64(p.AnchorHeight), p.AnchorCommitment}
}

// PublicInputsSize is the length of PublicInputs.Bytes.
const PublicInputsSize = NbPublicInputs * hash.ElementSize

// Bytes returns the concatenated canonical 32-byte encodings of Elements().
func (p PublicInputs) Bytes() []byte {
	b := make([]byte, 0, PublicInputsSize)
	for _, e := range p.Elements() {
		b = append(b, hash.EncodeElement(e)...)
	}
	return b
}

// ErrPublicInputs is returned for a malformed public-input vector.
var ErrPublicInputs = errors.New("ledger: malformed public inputs")

// PublicInputsFromElements is the inverse of Elements; it rejects a wrong
// count and an AnchorHeight >= 2^64. (fr.Element values are taken as given:
// decode untrusted bytes with ParsePublicInputs.)
func PublicInputsFromElements(in []fr.Element) (PublicInputs, error) {
	if len(in) != NbPublicInputs {
		return PublicInputs{}, fmt.Errorf("%w: %d elements, want %d", ErrPublicInputs, len(in), NbPublicInputs)
	}
	if !in[7].IsUint64() {
		return PublicInputs{}, fmt.Errorf("%w: anchor height >= 2^64", ErrPublicInputs)
	}
	return PublicInputs{Vid: in[0], OldLedgerRoot: in[1], NewLedgerRoot: in[2], OldInbox: in[3], NewInbox: in[4],
		OldOutbox: in[5], NewOutbox: in[6], AnchorHeight: in[7].Uint64(), AnchorCommitment: in[8]}, nil
}

// ParsePublicInputs decodes Bytes' format, rejecting a wrong length, any
// element >= r (never reducing it) and an AnchorHeight >= 2^64.
func ParsePublicInputs(b []byte) (PublicInputs, error) {
	if len(b) != PublicInputsSize {
		return PublicInputs{}, fmt.Errorf("%w: %d bytes, want %d", ErrPublicInputs, len(b), PublicInputsSize)
	}
	in, err := hash.DecodeElements(b)
	if err != nil {
		return PublicInputs{}, fmt.Errorf("%w: %v", ErrPublicInputs, err)
	}
	return PublicInputsFromElements(in)
}

// assign sets the public fields of c.
func (p PublicInputs) assign(c *Circuit) {
	e := p.Elements()
	for i, dst := range []*frontend.Variable{&c.Vid, &c.OldLedgerRoot, &c.NewLedgerRoot, &c.OldInbox, &c.NewInbox,
		&c.OldOutbox, &c.NewOutbox, &c.AnchorHeight, &c.AnchorCommitment} {
		*dst = e[i]
	}
}

// PublicAssignment returns a public-only assignment (for frontend.PublicOnly witnesses).
func (p PublicInputs) PublicAssignment(params Params) *Circuit {
	c := New(params)
	p.assign(c)
	return c
}
