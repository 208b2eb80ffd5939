package ledger

import (
	"errors"
	"fmt"
	"math/big"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark/frontend"

	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/inclusion"
)

// PathWitness is what the prover needs about one path of a slot: the leaf
// index, the record before the operation and the siblings.
type PathWitness struct {
	// Index is the account index (or the outbox or receipt position of path B).
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
	// B is the path of the Transfer recipient, the BridgeOut outbox slot or the BridgeIn
	// receipt slot.
	B PathWitness
	// Consumed is a BridgeIn's consumed-set path (ConsumedSet.Path: its message's slot, empty
	// before the slot); nil for other kinds.
	Consumed []fr.Element
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
	// OldConsumedRoot is the consumed set's root before the batch (the third part of
	// Public.OldLedgerRoot).
	OldConsumedRoot fr.Element
	// OldOutboxTree and OldOutboxSize open Public.OldOutbox.
	OldOutboxTree fr.Element
	// OldOutboxSize is the outbox size before the batch.
	OldOutboxSize uint64
	// OldReceiptTree and OldReceiptSize open Public.OldReceipts.
	OldReceiptTree fr.Element
	// OldReceiptSize is the receipt count before the batch.
	OldReceiptSize uint64
	// Slots has exactly Params.BatchSize entries (NoOp-padded).
	Slots []SlotWitness
	// Claims prove the batch's claimed bridge-ins in order (at most Params.ClaimSlots).
	Claims []inclusion.Witness
}

var (
	// ErrBatchFull is returned by BatchBuilder.Add when the batch has BatchSize operations.
	ErrBatchFull = errors.New("ledger: batch full")
	// ErrClaimsFull is returned by BatchBuilder.Add for a claimed bridge-in once the batch
	// holds Params.ClaimSlots of them (the next batch takes it).
	ErrClaimsFull = errors.New("ledger: claim slots full")
	// ErrClaimWitness is returned by BatchBuilder.Build for a missing or wrong claim proof.
	ErrClaimWitness = errors.New("ledger: bad claim witness")
)

// BatchBuilder executes operations on a State and records the witness of a
// batch. The prover replays the chain's operation log from the state at the
// batch's old root: replay is deterministic, so it reproduces the chain's
// roots exactly.
type BatchBuilder struct {
	s      *State
	w      Witness
	claims []inclusion.Message
}

// NewBatchBuilder starts a batch at s's current state.
func NewBatchBuilder(s *State) (*BatchBuilder, error) {
	w := Witness{Params: s.params, OldNumAccounts: s.numAccounts, OldOutboxSize: s.outbox.Size(),
		OldReceiptSize: s.receipts.Size()}
	w.Public.Vid = s.vid
	var err error
	if w.OldAccountsRoot, err = s.accounts.Root(); err != nil {
		return nil, err
	}
	if w.OldConsumedRoot, err = s.consumed.Root(); err != nil {
		return nil, err
	}
	if w.OldOutboxTree, err = s.outbox.TreeRoot(); err != nil {
		return nil, err
	}
	if w.OldReceiptTree, err = s.receipts.TreeRoot(); err != nil {
		return nil, err
	}
	if w.Public.OldReceipts, err = s.receipts.Root(); err != nil {
		return nil, err
	}
	if w.Public.OldInbox, err = s.InboxHead(s.inboxConsumed); err != nil {
		return nil, err
	}
	w.Public.OldLedgerRoot = LedgerRoot(w.OldAccountsRoot, w.OldNumAccounts, w.OldConsumedRoot)
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
	claimed := op.Kind == OpBridgeIn && op.Source == SourceClaim
	if claimed && len(b.claims) == b.w.Params.ClaimSlots {
		return ErrClaimsFull
	}
	sw, err := b.s.apply(op, true)
	if err != nil {
		return err
	}
	b.w.Slots = append(b.w.Slots, sw)
	if claimed {
		b.claims = append(b.claims, op.Msg)
	}
	return nil
}

// Claims returns the batch's claimed messages in order: Build needs an inclusion witness of
// each under the anchor.
func (b *BatchBuilder) Claims() []inclusion.Message {
	return append([]inclusion.Message(nil), b.claims...)
}

// Build pads the batch with NoOps and returns its witness, binding the anchor. claims must
// prove Claims() in order, each under the anchor (inclusion.Witness with the anchor's root
// record). The builder must not be used afterwards.
func (b *BatchBuilder) Build(anchorHeight uint64, anchorCommitment fr.Element, claims []inclusion.Witness) (Witness, error) {
	if err := b.checkClaims(anchorHeight, anchorCommitment, claims); err != nil {
		return Witness{}, err
	}
	return b.finish(anchorHeight, anchorCommitment, claims)
}

// finish is Build without the native claim checks.
func (b *BatchBuilder) finish(anchorHeight uint64, anchorCommitment fr.Element, claims []inclusion.Witness) (Witness, error) {
	w := b.w
	w.Claims = claims
	for len(w.Slots) < w.Params.BatchSize {
		w.Slots = append(w.Slots, SlotWitness{Op: Op{Kind: OpNoOp}})
	}
	var err error
	if w.Public.NewReceipts, err = b.s.receipts.Root(); err != nil {
		return Witness{}, err
	}
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

// checkClaims checks natively that claims prove the batch's claimed messages, in order, under
// the anchor (what the claim sections will enforce).
func (b *BatchBuilder) checkClaims(anchorHeight uint64, anchorCommitment fr.Element, claims []inclusion.Witness) error {
	if len(claims) != len(b.claims) {
		return fmt.Errorf("%w: %d witnesses for %d claims", ErrClaimWitness, len(claims), len(b.claims))
	}
	for i, cw := range claims {
		if cw.Leaf != b.claims[i].Leaf() {
			return fmt.Errorf("%w: claim %d proves another message", ErrClaimWitness, i)
		}
		if root := cw.Root.Hash(); !root.Equal(&anchorCommitment) || cw.Root.AnchorHeight != anchorHeight {
			return fmt.Errorf("%w: claim %d is not proven under the anchor at %d", ErrClaimWitness, i, anchorHeight)
		}
		if err := cw.Check(b.w.Params.InclusionDepth); err != nil {
			return fmt.Errorf("%w: claim %d: %v", ErrClaimWitness, i, err)
		}
	}
	return nil
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
	c.OldAccountsRoot, c.OldNumAccounts, c.OldConsumedRoot = w.OldAccountsRoot, w.OldNumAccounts, w.OldConsumedRoot
	c.OldOutboxTree, c.OldOutboxSize = w.OldOutboxTree, w.OldOutboxSize
	c.OldReceiptTree, c.OldReceiptSize = w.OldReceiptTree, w.OldReceiptSize
	for i, sw := range w.Slots {
		if err := sw.assign(&c.Slots[i]); err != nil {
			return nil, fmt.Errorf("slot %d: %w", i, err)
		}
	}
	if len(w.Claims) > len(c.Claims) {
		return nil, fmt.Errorf("%w: %d claims, %d claim slots", ErrClaimWitness, len(w.Claims), len(c.Claims))
	}
	for i := range c.Claims {
		c.Claims[i] = assignClaim(w.Claims, i, w.Params.InclusionDepth)
	}
	return c, nil
}

// assignClaim is claim section i: the i-th claim witness, or an inactive padding section.
func assignClaim(claims []inclusion.Witness, i, depth int) Claim {
	if i >= len(claims) {
		return Claim{Active: 0, MsgHash: 0, SrcVid: 0, Path: inclusion.PaddingPath(depth)}
	}
	cw := claims[i]
	return Claim{Active: 1, MsgHash: cw.Leaf.Hash(), SrcVid: cw.Leaf.SrcVid, Path: cw.AssignPath(depth)}
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
	s.Source = uint64(op.Source)
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
	if err := sw.assignConsumed(s.Consumed); err != nil {
		return err
	}
	return sw.B.assign(&s.B)
}

// assignConsumed fills a slot's consumed-set siblings: a BridgeIn's path, zeros otherwise.
func (sw SlotWitness) assignConsumed(x []frontend.Variable) error {
	if sw.Op.Kind == OpBridgeIn && len(sw.Consumed) != len(x) {
		return fmt.Errorf("%w: %d consumed-set siblings, depth %d", ErrParams, len(sw.Consumed), len(x))
	}
	for i := range x {
		x[i] = 0
		if i < len(sw.Consumed) {
			x[i] = sw.Consumed[i]
		}
	}
	return nil
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
	// OldReceipts and NewReceipts are the receipt accumulator roots before and after.
	OldReceipts, NewReceipts fr.Element
	// AnchorHeight is the anchor's root height.
	AnchorHeight uint64
	// AnchorCommitment is the anchor's root commitment.
	AnchorCommitment fr.Element
}

// Elements returns the public inputs in circuit order (the vector the verifier takes).
func (p PublicInputs) Elements() []fr.Element {
	return []fr.Element{p.Vid, p.OldLedgerRoot, p.NewLedgerRoot, p.OldInbox, p.NewInbox,
		p.OldOutbox, p.NewOutbox, p.OldReceipts, p.NewReceipts, hash.Uint64(p.AnchorHeight), p.AnchorCommitment}
}

// Statement is the batch proof's one public input: the hash of Elements (StatementOf).
func (p PublicInputs) Statement() fr.Element { return StatementOf(p.Elements()) }

// StatementOf is Hash(DomainProofStatement, elements...): the public input of a batch proof that
// states elements (in PublicInputs.Elements order), and what a circuit verifying the proof
// recomputes from them (package recursion's Statement is the same hash).
func StatementOf(elements []fr.Element) fr.Element {
	return hash.Hash(hash.DomainProofStatement, elements...)
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
	if !in[9].IsUint64() {
		return PublicInputs{}, fmt.Errorf("%w: anchor height >= 2^64", ErrPublicInputs)
	}
	return PublicInputs{Vid: in[0], OldLedgerRoot: in[1], NewLedgerRoot: in[2], OldInbox: in[3], NewInbox: in[4],
		OldOutbox: in[5], NewOutbox: in[6], OldReceipts: in[7], NewReceipts: in[8], AnchorHeight: in[9].Uint64(),
		AnchorCommitment: in[10]}, nil
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

// assign sets the stated fields of c and its public Statement.
func (p PublicInputs) assign(c *Circuit) {
	e := p.Elements()
	c.Statement = StatementOf(e)
	for i, dst := range []*frontend.Variable{&c.Vid, &c.OldLedgerRoot, &c.NewLedgerRoot, &c.OldInbox, &c.NewInbox,
		&c.OldOutbox, &c.NewOutbox, &c.OldReceipts, &c.NewReceipts, &c.AnchorHeight, &c.AnchorCommitment} {
		*dst = e[i]
	}
}

// PublicAssignment returns a public-only assignment (for frontend.PublicOnly witnesses).
func (p PublicInputs) PublicAssignment(params Params) *Circuit {
	c := New(params)
	p.assign(c)
	return c
}
