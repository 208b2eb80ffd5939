package ledger

import (
	"fmt"
	"math/big"

	"github.com/consensys/gnark/frontend"
	sigcircuit "github.com/consensys/gnark/std/signature/eddsa"

	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/inclusion"
	"github.com/slush-tree/slush/circuits/smt"
)

// NbPublicInputs is the number of values a batch proof states (PublicInputs.Elements).
const NbPublicInputs = 11

// ProofPublicInputs is the number of public inputs of a batch proof: one, the hash of the
// stated values (PublicInputs.Statement). DESIGN §5: one hashed public input per proof, since
// a verifier inside another circuit pays about 13,000 constraints per public input.
const ProofPublicInputs = 1

// Circuit proves one batch: the ledger, outbox, receipts and inbox move from the old to the new
// public values by executing Params.BatchSize slots in order, and every claimed bridge-in is
// proven in its sender's outbox under the anchor by one of Params.ClaimSlots claim sections.
// The stated values, in this order (PublicInputs.Elements): Vid, OldLedgerRoot, NewLedgerRoot,
// OldInbox, NewInbox, OldOutbox, NewOutbox, OldReceipts, NewReceipts, AnchorHeight,
// AnchorCommitment; the proof's only public input is their hash, Statement.
type Circuit struct {
	// Statement is Hash(DomainProofStatement, the stated values in order): the public input.
	Statement frontend.Variable `gnark:",public"`
	// Vid is the validium whose ledger this is (bound into every signature and message).
	Vid frontend.Variable
	// OldLedgerRoot is LedgerRoot before the batch.
	OldLedgerRoot frontend.Variable
	// NewLedgerRoot is LedgerRoot after the batch.
	NewLedgerRoot frontend.Variable
	// OldInbox is the inbox chain head of the entries consumed before the batch.
	OldInbox frontend.Variable
	// NewInbox is the inbox chain head of the entries consumed after the batch.
	NewInbox frontend.Variable
	// OldOutbox is the outbox accumulator root before the batch.
	OldOutbox frontend.Variable
	// NewOutbox is the outbox accumulator root after the batch.
	NewOutbox frontend.Variable
	// OldReceipts is the receipt accumulator root before the batch.
	OldReceipts frontend.Variable
	// NewReceipts is the receipt accumulator root after the batch.
	NewReceipts frontend.Variable
	// AnchorHeight is the root height of the chain's anchor (< 2^64).
	AnchorHeight frontend.Variable
	// AnchorCommitment is the root commitment of the anchor: claim sections prove under it.
	AnchorCommitment frontend.Variable

	// OldAccountsRoot, OldNumAccounts and OldConsumedRoot open OldLedgerRoot.
	OldAccountsRoot, OldNumAccounts, OldConsumedRoot frontend.Variable
	// OldOutboxTree and OldOutboxSize open OldOutbox.
	OldOutboxTree, OldOutboxSize frontend.Variable
	// OldReceiptTree and OldReceiptSize open OldReceipts.
	OldReceiptTree, OldReceiptSize frontend.Variable
	// Slots are the batch's operations, executed in order.
	Slots []Slot
	// Claims prove the batch's claimed bridge-ins, in order (unused ones inactive).
	Claims []Claim

	params Params
}

// Slot is one operation of a batch. Kind is one-hot over
// (IsTransfer, IsBridgeOut, IsBridgeIn); all zero is a NoOp.
type Slot struct {
	// IsTransfer, IsBridgeOut and IsBridgeIn select the operation.
	IsTransfer, IsBridgeOut, IsBridgeIn frontend.Variable
	// Source is a BridgeIn's inbox source (1 claim, 2 forced, 3 exit; 0 for other kinds).
	Source frontend.Variable
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
	// B is the Transfer recipient's account, the outbox slot of a BridgeOut or the receipt
	// slot of a BridgeIn.
	B AccountPath
	// Consumed are the siblings of a BridgeIn message's consumed-set slot (ConsumedGadget).
	Consumed []frontend.Variable
}

// Claim is one claim section: when Active, the message MsgHash of sender SrcVid sits in that
// sender's outbox under the batch's anchor commitment, along finalized commitments (DESIGN
// §7.3: nothing above a chain trusts its inbox).
type Claim struct {
	// Active is 1 for a section that proves a claimed bridge-in.
	Active frontend.Variable
	// MsgHash and SrcVid name the claimed message and its sender.
	MsgHash, SrcVid frontend.Variable
	// Path leads from the anchor's root record to the sender's outbox.
	inclusion.Path
}

// AccountPath is a Merkle path with the old account record at its leaf.
type AccountPath struct {
	// Index is the leaf position (account index, or accumulator position for path B of a
	// BridgeOut or a BridgeIn).
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
	c := &Circuit{Slots: make([]Slot, p.BatchSize), Claims: make([]Claim, p.ClaimSlots), params: p}
	for i := range c.Slots {
		c.Slots[i].A.Siblings = make([]frontend.Variable, p.AccountDepth)
		c.Slots[i].B.Siblings = make([]frontend.Variable, p.pathDepth())
		c.Slots[i].Consumed = make([]frontend.Variable, ConsumedDepth)
	}
	for i := range c.Claims {
		c.Claims[i].Path = inclusion.NewPath(p.InclusionDepth)
	}
	return c
}

// running is the state threaded through the slots.
type running struct {
	root, count, outTree, outSize, rcptTree, rcptSize, inbox, claims, consumed frontend.Variable
}

// Define implements frontend.Circuit.
func (c *Circuit) Define(api frontend.API) error {
	p := c.params
	if err := p.Validate(); err != nil {
		return fmt.Errorf("%w (build the circuit with New)", err)
	}
	if len(c.Slots) != p.BatchSize || len(c.Claims) != p.ClaimSlots {
		return fmt.Errorf("%w: %d slots and %d claims, params %+v", ErrParams, len(c.Slots), len(c.Claims), p)
	}
	api.AssertIsEqual(LedgerRootGadget(api, c.OldAccountsRoot, c.OldNumAccounts, c.OldConsumedRoot), c.OldLedgerRoot)
	api.AssertIsEqual(smt.AccumulatorRootGadget(api, c.OldOutboxTree, c.OldOutboxSize), c.OldOutbox)
	api.AssertIsEqual(smt.AccumulatorRootGadget(api, c.OldReceiptTree, c.OldReceiptSize), c.OldReceipts)
	RangeGadget(api, c.AnchorHeight, 64)
	api.AssertIsEqual(c.Statement, hash.HashGadget(api, hash.DomainProofStatement,
		c.Vid, c.OldLedgerRoot, c.NewLedgerRoot, c.OldInbox, c.NewInbox, c.OldOutbox, c.NewOutbox,
		c.OldReceipts, c.NewReceipts, c.AnchorHeight, c.AnchorCommitment))

	st := running{root: c.OldAccountsRoot, count: c.OldNumAccounts, outTree: c.OldOutboxTree, outSize: c.OldOutboxSize,
		rcptTree: c.OldReceiptTree, rcptSize: c.OldReceiptSize, inbox: c.OldInbox, claims: 0, consumed: c.OldConsumedRoot}
	for i := range c.Slots {
		c.Slots[i].define(api, p, c.Vid, &st)
	}
	api.AssertIsEqual(LedgerRootGadget(api, st.root, st.count, st.consumed), c.NewLedgerRoot)
	api.AssertIsEqual(smt.AccumulatorRootGadget(api, st.outTree, st.outSize), c.NewOutbox)
	api.AssertIsEqual(smt.AccumulatorRootGadget(api, st.rcptTree, st.rcptSize), c.NewReceipts)
	api.AssertIsEqual(st.inbox, c.NewInbox)
	api.AssertIsEqual(c.proveClaims(api), st.claims)
	return nil
}

// proveClaims verifies every active claim section under the anchor and returns the claim chain
// of the proven messages, which must equal the chain of the slots' claimed bridge-ins.
func (c *Circuit) proveClaims(api frontend.API) frontend.Variable {
	var chain frontend.Variable = 0
	for i := range c.Claims {
		cl := &c.Claims[i]
		root, src := cl.Path.Verify(api, cl.MsgHash, 0, cl.Active) // kind 0: a message in an outbox
		assertZeroIf(api, cl.Active, api.Sub(root, c.AnchorCommitment))
		assertZeroIf(api, cl.Active, api.Sub(cl.Records[0].AnchorHeight, c.AnchorHeight))
		assertZeroIf(api, cl.Active, api.Sub(src, cl.SrcVid))
		// The link hashes the receipt this chain issues for the message (the slot's receipt),
		// which binds MsgHash and SrcVid. Select also constrains Active to be boolean.
		rcpt := hash.HashGadget(api, hash.DomainReceipt, c.Vid, cl.SrcVid, cl.MsgHash) // inclusion.ReceiptFor
		chain = api.Select(cl.Active, hash.HashGadget(api, DomainClaimLink, chain, rcpt), chain)
	}
	return chain
}

// two64 is 2^64, the shift of the packed signed fields.
var two64 = new(big.Int).Lsh(big.NewInt(1), 64)

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
	claimed := s.source(api)

	// Amount and deadline are below 2^64 in every slot: the bridge message carries them as
	// 64-bit values, and the signed message packs them into one element (Op.SigningHash).
	RangeGadget(api, s.Amount, BalanceBits)
	RangeGadget(api, s.Deadline, BalanceBits)

	// The bridge message: the appended outbox item (BridgeOut: source = us,
	// nonce = outbox position) or the consumed inbox entry (BridgeIn:
	// destination = us).
	msg := hash.HashGadget(api, hash.DomainMessage,
		api.Select(O, vid, s.SrcVid), api.Select(I, vid, s.DstVid), api.Select(O, s.B.Index, s.MsgNonce),
		s.Recipient, s.Asset, s.Amount, s.Deadline)

	// Authorization of Transfer and BridgeOut by A's owner.
	// Op.SigningHash: from + kind·2^64 and amount + deadline·2^64 are injective packings, as
	// A.Index < 2^AccountDepth (its bits below), kind = T + 2·O is 0..3, and both amount and
	// deadline are range-checked above.
	kindFrom := api.Add(s.A.Index, api.Mul(api.Add(T, api.Mul(O, 2)), two64))
	amountDeadline := api.Add(s.Amount, api.Mul(s.Deadline, two64))
	opMsg := hash.HashGadget(api, DomainOp, vid, kindFrom, s.Asset, amountDeadline, s.Nonce, s.ToOwner, s.DstVid, s.Recipient)
	valid := SignatureGadget(api, s.PubKey, s.Sig, opMsg)
	assertZeroIf(api, signed, api.Sub(1, valid))
	assertZeroIf(api, signed, api.Sub(s.A.Owner, OwnerGadget(api, s.PubKey)))
	assertZeroIf(api, signed, api.Sub(s.A.Nonce, s.Nonce))

	// The receipt of a BridgeIn (DESIGN §7.3: the receipt of every proven mint), appended by
	// path B and, for a claim, linked into the claim chain.
	rcpt := hash.HashGadget(api, hash.DomainReceipt, vid, s.SrcVid, msg) // inclusion.ReceiptFor

	s.pathA(api, p, I, activeA, signed, st)
	s.pathB(api, p, msg, rcpt, st)

	// Inbox: BridgeIn consumes exactly the next entry, with its source; a claim also joins the
	// claim chain that the claim sections must reproduce. The receipt binds (SrcVid, msg).
	st.inbox = api.Select(I, hash.HashGadget(api, DomainInbox, st.inbox, msg, s.Source), st.inbox)
	// DESIGN §7.3: a message is minted on a ledger once, whatever its source; proven here, so
	// no chain above relies on its parent's ConsumedEntries for it (issue 16).
	st.consumed = ConsumedGadget(api, st.consumed, msg, I, s.Consumed)
	st.claims = api.Select(claimed, hash.HashGadget(api, DomainClaimLink, st.claims, rcpt), st.claims)
}

// source constrains the slot's inbox source (one of the three for a BridgeIn, 0 otherwise) and
// returns 1 for a claimed BridgeIn.
func (s *Slot) source(api frontend.API) frontend.Variable {
	src := s.Source
	assertZeroIf(api, api.Sub(1, s.IsBridgeIn), src)
	api.AssertIsEqual(api.Mul(s.IsBridgeIn, api.Mul(api.Sub(src, 1), api.Mul(api.Sub(src, 2), api.Sub(src, 3)))), 0)
	return api.Mul(s.IsBridgeIn, api.IsZero(api.Sub(src, int(SourceClaim))))
}

// pathA is the debit (Transfer, BridgeOut: balance - amount, nonce + 1) or the credit
// (BridgeIn: balance + amount, possibly a new account) of account A.
func (s *Slot) pathA(api frontend.API, p Params, I, activeA, signed frontend.Variable, st *running) {
	a := &s.A
	s.creation(api, a, I, st)
	assertZeroIf(api, activeA, api.Sub(a.Asset, s.Asset))
	assertZeroIf(api, I, api.Sub(a.Owner, s.Recipient))
	balA := api.Add(a.Balance, api.Mul(s.Amount, api.Sub(I, signed)))
	RangeGadget(api, balA, BalanceBits) // no overdraft, no overflow
	oldRecA, newValA := AccountHashesGadget(api, a.Owner, a.Asset, a.Balance, a.Nonce, balA, api.Add(a.Nonce, signed))
	oldValA := api.Mul(api.Sub(1, a.IsNew), oldRecA)
	bitsA := smt.IndexBitsGadget(api, a.Index, p.AccountDepth)
	oldA, newA := PathGadget(api, smt.LeafHashGadget(api, oldValA), smt.LeafHashGadget(api, newValA), bitsA, a.Siblings)
	assertZeroIf(api, activeA, api.Sub(oldA[p.AccountDepth], st.root))
	st.root = api.Select(activeA, newA[p.AccountDepth], st.root)
}

// pathB is the Transfer recipient's credit (possibly a new account), the BridgeOut's outbox
// append of msg or the BridgeIn's receipt append of rcpt.
func (s *Slot) pathB(api frontend.API, p Params, msg, rcpt frontend.Variable, st *running) {
	T, O, I := s.IsTransfer, s.IsBridgeOut, s.IsBridgeIn
	b := &s.B
	s.creation(api, b, T, st)
	assertZeroIf(api, T, api.Sub(b.Asset, s.Asset))
	assertZeroIf(api, T, api.Sub(b.Owner, s.ToOwner))
	balB := api.Add(b.Balance, api.Mul(T, s.Amount))
	RangeGadget(api, balB, BalanceBits)
	oldRecB, newValB := AccountHashesGadget(api, b.Owner, b.Asset, b.Balance, b.Nonce, balB, b.Nonce)
	oldValB := api.Mul(api.Sub(1, b.IsNew), oldRecB)
	depthB := p.pathDepth()
	bitsB := smt.IndexBitsGadget(api, b.Index, depthB)
	appends := api.Add(O, I)
	for h := p.AccountDepth; h < depthB; h++ {
		assertZeroIf(api, T, bitsB[h])
	}
	for h := p.OutboxDepth; h < depthB; h++ { // defense in depth: a full accumulator has no empty slot anyway
		assertZeroIf(api, appends, bitsB[h])
	}
	oldLeafB := api.Select(appends, constant(smt.EmptySlot()), smt.LeafHashGadget(api, oldValB))
	newLeafB := smt.LeafHashGadget(api, api.Select(O, msg, api.Select(I, rcpt, newValB)))
	oldB, newB := PathGadget(api, oldLeafB, newLeafB, bitsB, b.Siblings)
	assertZeroIf(api, T, api.Sub(oldB[p.AccountDepth], st.root))
	st.root = api.Select(T, newB[p.AccountDepth], st.root)
	assertZeroIf(api, O, api.Sub(oldB[p.OutboxDepth], st.outTree))
	assertZeroIf(api, O, api.Sub(b.Index, st.outSize))
	st.outTree = api.Select(O, newB[p.OutboxDepth], st.outTree)
	st.outSize = api.Add(st.outSize, O)
	assertZeroIf(api, I, api.Sub(oldB[p.OutboxDepth], st.rcptTree))
	assertZeroIf(api, I, api.Sub(b.Index, st.rcptSize))
	st.rcptTree = api.Select(I, newB[p.OutboxDepth], st.rcptTree)
	st.rcptSize = api.Add(st.rcptSize, I)
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
