package ledger

import (
	"fmt"

	"github.com/consensys/gnark/frontend"
	sigcircuit "github.com/consensys/gnark/std/signature/eddsa"

	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/smt"
)

// NbPublicInputs is the number of public inputs of the ledger circuit.
const NbPublicInputs = 9

// Circuit proves one batch: the ledger, outbox and inbox move from the old to
// the new public values by executing Params.BatchSize slots in order. Public
// inputs, in this order (PublicInputs.Elements): Vid, OldLedgerRoot,
// NewLedgerRoot, OldInbox, NewInbox, OldOutbox, NewOutbox, AnchorHeight,
// AnchorCommitment.
type Circuit struct {
	// Vid is the validium whose ledger this is (bound into every signature and message).
	Vid frontend.Variable `gnark:",public"`
	// OldLedgerRoot is LedgerRoot before the batch.
	OldLedgerRoot frontend.Variable `gnark:",public"`
	// NewLedgerRoot is LedgerRoot after the batch.
	NewLedgerRoot frontend.Variable `gnark:",public"`
	// OldInbox is the inbox chain head of the entries consumed before the batch.
	OldInbox frontend.Variable `gnark:",public"`
	// NewInbox is the inbox chain head of the entries consumed after the batch.
	NewInbox frontend.Variable `gnark:",public"`
	// OldOutbox is the outbox accumulator root before the batch.
	OldOutbox frontend.Variable `gnark:",public"`
	// NewOutbox is the outbox accumulator root after the batch.
	NewOutbox frontend.Variable `gnark:",public"`
	// AnchorHeight is the root height of the chain's anchor (< 2^64; only bound).
	AnchorHeight frontend.Variable `gnark:",public"`
	// AnchorCommitment is the root commitment of the anchor (only bound).
	AnchorCommitment frontend.Variable `gnark:",public"`

	// OldAccountsRoot and OldNumAccounts open OldLedgerRoot.
	OldAccountsRoot, OldNumAccounts frontend.Variable
	// OldOutboxTree and OldOutboxSize open OldOutbox.
	OldOutboxTree, OldOutboxSize frontend.Variable
	// Slots are the batch's operations, executed in order.
	Slots []Slot

	params Params
}

// Slot is one operation of a batch. Kind is one-hot over
// (IsTransfer, IsBridgeOut, IsBridgeIn); all zero is a NoOp.
type Slot struct {
	// IsTransfer, IsBridgeOut and IsBridgeIn select the operation.
	IsTransfer, IsBridgeOut, IsBridgeIn frontend.Variable
	// Asset, Amount and Nonce are the operation's (for BridgeIn: the message's asset and amount).
	Asset, Amount, Nonce frontend.Variable
	// ToOwner is the Transfer recipient.
	ToOwner frontend.Variable
	// DstVid, Recipient and Deadline are BridgeOut's; Recipient and Deadline also BridgeIn's message fields.
	DstVid, Recipient, Deadline frontend.Variable
	// SrcVid and MsgNonce are the consumed message's (BridgeIn).
	SrcVid, MsgNonce frontend.Variable
	// PubKey and Sig authorize Transfer and BridgeOut.
	PubKey sigcircuit.PublicKey
	// Sig is the signature over the operation's SigningHash.
	Sig sigcircuit.Signature
	// A is the debited (Transfer, BridgeOut) or credited (BridgeIn) account.
	A AccountPath
	// B is the Transfer recipient's account, or the outbox slot of a BridgeOut.
	B AccountPath
}

// AccountPath is a Merkle path with the old account record at its leaf.
type AccountPath struct {
	// Index is the leaf position (account index, or outbox position for a BridgeOut's B).
	Index frontend.Variable
	// Owner, Asset, Balance and Nonce are the account before the operation.
	Owner, Asset, Balance, Nonce frontend.Variable
	// IsNew is 1 if the leaf is empty and the account is created here.
	IsNew frontend.Variable
	// Siblings are the sibling hashes from the leaf level up.
	Siblings []frontend.Variable
}

// New allocates a circuit for p (for compilation, or as an assignment skeleton).
func New(p Params) *Circuit {
	if err := p.Validate(); err != nil {
		panic(err)
	}
	c := &Circuit{Slots: make([]Slot, p.BatchSize), params: p}
	for i := range c.Slots {
		c.Slots[i].A.Siblings = make([]frontend.Variable, p.AccountDepth)
		c.Slots[i].B.Siblings = make([]frontend.Variable, p.pathDepth())
	}
	return c
}

// running is the state threaded through the slots.
type running struct {
	root, count, outTree, outSize, inbox frontend.Variable
}

// Define implements frontend.Circuit.
func (c *Circuit) Define(api frontend.API) error {
	p := c.params
	if err := p.Validate(); err != nil {
		return fmt.Errorf("%w (build the circuit with New)", err)
	}
	if len(c.Slots) != p.BatchSize {
		return fmt.Errorf("%w: %d slots, batch size %d", ErrParams, len(c.Slots), p.BatchSize)
	}
	api.AssertIsEqual(LedgerRootGadget(api, c.OldAccountsRoot, c.OldNumAccounts), c.OldLedgerRoot)
	api.AssertIsEqual(smt.AccumulatorRootGadget(api, c.OldOutboxTree, c.OldOutboxSize), c.OldOutbox)
	// The anchor is only bound: every public input must occur in a constraint,
	// or Groth16 would leave it free (its verifying-key point would be 0).
	RangeGadget(api, c.AnchorHeight, 64)
	api.Mul(c.AnchorCommitment, c.AnchorCommitment)

	st := running{root: c.OldAccountsRoot, count: c.OldNumAccounts, outTree: c.OldOutboxTree, outSize: c.OldOutboxSize, inbox: c.OldInbox}
	for i := range c.Slots {
		c.Slots[i].define(api, p, c.Vid, &st)
	}
	api.AssertIsEqual(LedgerRootGadget(api, st.root, st.count), c.NewLedgerRoot)
	api.AssertIsEqual(smt.AccumulatorRootGadget(api, st.outTree, st.outSize), c.NewOutbox)
	api.AssertIsEqual(st.inbox, c.NewInbox)
	return nil
}

// assertZeroIf asserts cond·v == 0 (v == 0 whenever the boolean cond is 1).
func assertZeroIf(api frontend.API, cond, v frontend.Variable) {
	api.AssertIsEqual(api.Mul(cond, v), 0)
}

// define adds one slot's constraints and advances st.
func (s *Slot) define(api frontend.API, p Params, vid frontend.Variable, st *running) {
	T, O, I := s.IsTransfer, s.IsBridgeOut, s.IsBridgeIn
	api.AssertIsBoolean(T)
	api.AssertIsBoolean(O)
	api.AssertIsBoolean(I)
	activeA := api.Add(T, O, I)
	api.AssertIsBoolean(activeA)
	signed := api.Add(T, O)

	RangeGadget(api, s.Amount, BalanceBits)
	RangeGadget(api, api.Mul(O, s.Deadline), BalanceBits)

	// The bridge message: the appended outbox item (BridgeOut: source = us,
	// nonce = outbox position) or the consumed inbox entry (BridgeIn:
	// destination = us).
	msg := hash.HashGadget(api, hash.DomainMessage,
		api.Select(O, vid, s.SrcVid), api.Select(I, vid, s.DstVid), api.Select(O, s.B.Index, s.MsgNonce),
		s.Recipient, s.Asset, s.Amount, s.Deadline)

	// Authorization of Transfer and BridgeOut by A's owner.
	opMsg := hash.HashGadget(api, DomainOp, vid, api.Add(T, api.Mul(O, 2)), s.A.Index, s.Asset, s.Amount, s.Nonce,
		s.ToOwner, s.DstVid, s.Recipient, s.Deadline)
	valid := SignatureGadget(api, s.PubKey, s.Sig, opMsg)
	assertZeroIf(api, signed, api.Sub(1, valid))
	assertZeroIf(api, signed, api.Sub(s.A.Owner, OwnerGadget(api, s.PubKey)))
	assertZeroIf(api, signed, api.Sub(s.A.Nonce, s.Nonce))

	// Path A: debit (Transfer, BridgeOut: balance - amount, nonce + 1) or
	// credit (BridgeIn: balance + amount, possibly a new account).
	a := &s.A
	s.creation(api, a, I, st)
	assertZeroIf(api, activeA, api.Sub(a.Asset, s.Asset))
	assertZeroIf(api, I, api.Sub(a.Owner, s.Recipient))
	balA := api.Add(a.Balance, api.Mul(s.Amount, api.Sub(I, signed)))
	RangeGadget(api, balA, BalanceBits) // no overdraft, no overflow
	oldValA := api.Mul(api.Sub(1, a.IsNew), AccountHashGadget(api, a.Owner, a.Asset, a.Balance, a.Nonce))
	newValA := AccountHashGadget(api, a.Owner, a.Asset, balA, api.Add(a.Nonce, signed))
	bitsA := smt.IndexBitsGadget(api, a.Index, p.AccountDepth)
	oldA, newA := PathGadget(api, smt.LeafHashGadget(api, oldValA), smt.LeafHashGadget(api, newValA), bitsA, a.Siblings)
	assertZeroIf(api, activeA, api.Sub(oldA[p.AccountDepth], st.root))
	st.root = api.Select(activeA, newA[p.AccountDepth], st.root)

	// Path B: the Transfer recipient (credit, possibly new) or the outbox slot.
	b := &s.B
	s.creation(api, b, T, st)
	assertZeroIf(api, T, api.Sub(b.Asset, s.Asset))
	assertZeroIf(api, T, api.Sub(b.Owner, s.ToOwner))
	balB := api.Add(b.Balance, api.Mul(T, s.Amount))
	RangeGadget(api, balB, BalanceBits)
	oldValB := api.Mul(api.Sub(1, b.IsNew), AccountHashGadget(api, b.Owner, b.Asset, b.Balance, b.Nonce))
	newValB := AccountHashGadget(api, b.Owner, b.Asset, balB, b.Nonce)
	depthB := p.pathDepth()
	bitsB := smt.IndexBitsGadget(api, b.Index, depthB)
	for h := p.AccountDepth; h < depthB; h++ {
		assertZeroIf(api, T, bitsB[h])
	}
	for h := p.OutboxDepth; h < depthB; h++ {
		assertZeroIf(api, O, bitsB[h])
	}
	oldLeafB := api.Select(O, constant(smt.EmptySlot()), smt.LeafHashGadget(api, oldValB))
	newLeafB := smt.LeafHashGadget(api, api.Select(O, msg, newValB))
	oldB, newB := PathGadget(api, oldLeafB, newLeafB, bitsB, b.Siblings)
	assertZeroIf(api, T, api.Sub(oldB[p.AccountDepth], st.root))
	st.root = api.Select(T, newB[p.AccountDepth], st.root)
	assertZeroIf(api, O, api.Sub(oldB[p.OutboxDepth], st.outTree))
	assertZeroIf(api, O, api.Sub(b.Index, st.outSize))
	st.outTree = api.Select(O, newB[p.OutboxDepth], st.outTree)
	st.outSize = api.Add(st.outSize, O)

	// Inbox: BridgeIn consumes exactly the next entry.
	st.inbox = api.Select(I, hash.HashGadget(api, DomainInbox, st.inbox, msg), st.inbox)
}

// creation constrains account creation on path x: only when allowed (the
// credit of a Transfer or BridgeIn), from an empty record, at the next free
// index; it then counts the new account.
func (s *Slot) creation(api frontend.API, x *AccountPath, allowed frontend.Variable, st *running) {
	api.AssertIsBoolean(x.IsNew)
	assertZeroIf(api, x.IsNew, api.Sub(1, allowed))
	assertZeroIf(api, x.IsNew, x.Balance)
	assertZeroIf(api, x.IsNew, x.Nonce)
	assertZeroIf(api, x.IsNew, api.Sub(x.Index, st.count))
	st.count = api.Add(st.count, x.IsNew)
}
