package ledger

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"

	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/inclusion"
	"github.com/slush-tree/slush/circuits/smt"
)

// Sentinel errors of State.Apply (wrapped with details; test with errors.Is).
var (
	// ErrBadOp: malformed operation (unknown kind, fields the kind does not use).
	ErrBadOp = errors.New("ledger: malformed operation")
	// ErrBadSignature: missing, malformed or invalid signature, or a key that does not own the account.
	ErrBadSignature = errors.New("ledger: bad signature")
	// ErrNonce: the operation's nonce is not the account's nonce (replay or gap).
	ErrNonce = errors.New("ledger: wrong nonce")
	// ErrInsufficientBalance: the amount exceeds the debited balance.
	ErrInsufficientBalance = errors.New("ledger: insufficient balance")
	// ErrAmountRange: a credited balance would reach 2^64.
	ErrAmountRange = errors.New("ledger: amount out of range")
	// ErrUnknownAccount: the debited account does not exist.
	ErrUnknownAccount = errors.New("ledger: unknown account")
	// ErrAssetMismatch: the operation's asset is not the account's asset.
	ErrAssetMismatch = errors.New("ledger: asset mismatch")
	// ErrInboxOrder: a BridgeIn that is not the next unconsumed inbox entry.
	ErrInboxOrder = errors.New("ledger: inbox entry out of order")
	// ErrWrongDestination: an inbox message addressed to another validium.
	ErrWrongDestination = errors.New("ledger: message for another validium")
	// ErrLedgerFull: no free account index left.
	ErrLedgerFull = errors.New("ledger: account tree full")
	// ErrOutboxFull: the outbox accumulator is full.
	ErrOutboxFull = errors.New("ledger: outbox full")
	// ErrReceiptsFull: the receipt accumulator is full.
	ErrReceiptsFull = errors.New("ledger: receipt tree full")
	// ErrCorruptState: the store holds an entry that does not decode or match.
	ErrCorruptState = errors.New("ledger: corrupt state")
)

// Store key prefixes (the first byte of every key State writes).
const (
	prefixAccounts = 'a' // accounts SMT (smt.PrefixStore)
	prefixOutbox   = 'o' // outbox accumulator (smt.PrefixStore)
	prefixReceipts = 'e' // receipt accumulator (smt.PrefixStore)
	prefixRecord   = 'r' // 'r' ‖ index → Account preimage
	prefixOwner    = 'k' // 'k' ‖ owner ‖ asset → index
	prefixMeta     = 'm' // 'm' ‖ name → uint64
	prefixInbox    = 'i' // 'i' ‖ position → encoded message ‖ source byte
	prefixHead     = 'h' // 'h' ‖ n → inbox chain head after n entries (n ≥ 1)
	prefixConsumed = 'u' // consumed-message set (smt.PrefixStore)
)

// State is the native ledger of one validium over a KV store (a Cosmos
// keeper passes its module store). Apply validates exactly the rules the
// circuit enforces (and a few more that only make it stricter). An Apply that
// returns an error leaves the state unchanged, unless the store itself fails.
type State struct {
	vid      fr.Element
	params   Params
	store    smt.Store
	accounts *smt.Tree
	outbox   *smt.Accumulator
	receipts *smt.Accumulator
	consumed *ConsumedSet

	numAccounts, inboxLen, inboxConsumed uint64
}

// NewState opens (or creates) the ledger of validium vid stored in store.
func NewState(store smt.Store, vid fr.Element, p Params) (*State, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	acc, err := smt.New(smt.NewPrefixStore(store, []byte{prefixAccounts}), p.AccountDepth)
	if err != nil {
		return nil, err
	}
	out, err := OpenOutbox(store, p.OutboxDepth)
	if err != nil {
		return nil, err
	}
	rcpt, err := OpenReceipts(store, p.OutboxDepth)
	if err != nil {
		return nil, err
	}
	consumed, err := NewConsumedSet(smt.NewPrefixStore(store, []byte{prefixConsumed}))
	if err != nil {
		return nil, err
	}
	s := &State{vid: vid, params: p, store: store, accounts: acc, outbox: out, receipts: rcpt, consumed: consumed}
	for _, m := range []struct {
		name byte
		dst  *uint64
	}{{'n', &s.numAccounts}, {'l', &s.inboxLen}, {'c', &s.inboxConsumed}} {
		if *m.dst, err = s.getMeta(m.name); err != nil {
			return nil, err
		}
	}
	if s.inboxConsumed > s.inboxLen || (p.AccountDepth < 64 && s.numAccounts > uint64(1)<<uint(p.AccountDepth)) {
		return nil, fmt.Errorf("%w: counters", ErrCorruptState)
	}
	return s, nil
}

// OpenOutbox opens only the outbox accumulator of a ledger stored in store: what a prover of
// inclusion needs, whatever the ledger's account depth.
func OpenOutbox(store smt.Store, depth int) (*smt.Accumulator, error) {
	return smt.NewAccumulator(smt.NewPrefixStore(store, []byte{prefixOutbox}), depth)
}

// OpenReceipts opens only the receipt accumulator of a ledger stored in store: what a prover
// of a receipt's inclusion needs.
func OpenReceipts(store smt.Store, depth int) (*smt.Accumulator, error) {
	return smt.NewAccumulator(smt.NewPrefixStore(store, []byte{prefixReceipts}), depth)
}

func (s *State) getMeta(name byte) (uint64, error) {
	b, err := s.store.Get([]byte{prefixMeta, name})
	if err != nil || b == nil {
		return 0, err
	}
	if len(b) != 8 {
		return 0, fmt.Errorf("%w: meta %q", ErrCorruptState, name)
	}
	return binary.BigEndian.Uint64(b), nil
}

func (s *State) setMeta(name byte, v uint64) error {
	return s.store.Set([]byte{prefixMeta, name}, binary.BigEndian.AppendUint64(nil, v))
}

func indexKey(prefix byte, i uint64) []byte { return binary.BigEndian.AppendUint64([]byte{prefix}, i) }

func ownerKey(owner, asset fr.Element) []byte {
	k := append([]byte{prefixOwner}, hash.EncodeElement(owner)...)
	return append(k, hash.EncodeElement(asset)...)
}

// Vid returns the validium id the state belongs to.
func (s *State) Vid() fr.Element { return s.vid }

// Params returns the ledger parameters.
func (s *State) Params() Params { return s.params }

// NumAccounts returns the number of accounts (the next free index).
func (s *State) NumAccounts() uint64 { return s.numAccounts }

// AccountsRoot returns the root of the accounts SMT.
func (s *State) AccountsRoot() (fr.Element, error) { return s.accounts.Root() }

// ConsumedRoot returns the root of the consumed-message set.
func (s *State) ConsumedRoot() (fr.Element, error) { return s.consumed.Root() }

// Root returns the ledger root LedgerRoot(AccountsRoot(), NumAccounts(), ConsumedRoot()).
func (s *State) Root() (fr.Element, error) {
	r, err := s.accounts.Root()
	if err != nil {
		return fr.Element{}, err
	}
	c, err := s.consumed.Root()
	if err != nil {
		return fr.Element{}, err
	}
	return LedgerRoot(r, s.numAccounts, c), nil
}

// Outbox returns the outbox accumulator (read it; only Apply appends).
func (s *State) Outbox() *smt.Accumulator { return s.outbox }

// OutboxRoot returns the outbox accumulator root (it binds the item count).
func (s *State) OutboxRoot() (fr.Element, error) { return s.outbox.Root() }

// Receipts returns the receipt accumulator (read it; only BridgeIn appends).
func (s *State) Receipts() *smt.Accumulator { return s.receipts }

// ReceiptRoot returns the receipt accumulator root: one receipt per minted inbox entry.
func (s *State) ReceiptRoot() (fr.Element, error) { return s.receipts.Root() }

// Account returns account index and whether it exists.
func (s *State) Account(index uint64) (Account, bool, error) {
	if index >= s.numAccounts {
		return Account{}, false, nil
	}
	b, err := s.store.Get(indexKey(prefixRecord, index))
	if err != nil {
		return Account{}, false, err
	}
	a, err := decodeAccount(b)
	if err != nil {
		return Account{}, false, err
	}
	v, err := s.accounts.Get(index)
	if err != nil {
		return Account{}, false, err
	}
	if v != a.Hash() {
		return Account{}, false, fmt.Errorf("%w: account %d does not match the tree", ErrCorruptState, index)
	}
	return a, true, nil
}

// Lookup returns the index of the account of (owner, asset), if any.
func (s *State) Lookup(owner, asset fr.Element) (uint64, bool, error) {
	b, err := s.store.Get(ownerKey(owner, asset))
	if err != nil || b == nil {
		return 0, false, err
	}
	if len(b) != 8 {
		return 0, false, fmt.Errorf("%w: owner index entry", ErrCorruptState)
	}
	return binary.BigEndian.Uint64(b), true, nil
}

// InboxLen returns the number of messages ever pushed to the inbox.
func (s *State) InboxLen() uint64 { return s.inboxLen }

// InboxConsumed returns the number of inbox messages consumed by BridgeIn.
func (s *State) InboxConsumed() uint64 { return s.inboxConsumed }

// InboxHead returns the inbox chain head after the first n entries (0 for n = 0).
func (s *State) InboxHead(n uint64) (fr.Element, error) {
	if n > s.inboxLen {
		return fr.Element{}, fmt.Errorf("ledger: inbox head %d beyond length %d", n, s.inboxLen)
	}
	if n == 0 {
		return fr.Element{}, nil
	}
	b, err := s.store.Get(indexKey(prefixHead, n))
	if err != nil {
		return fr.Element{}, err
	}
	e, err := hash.DecodeElement(b)
	if err != nil {
		return fr.Element{}, fmt.Errorf("%w: inbox head %d: %v", ErrCorruptState, n, err)
	}
	return e, nil
}

// InboxEntry returns the inbox message at position pos < InboxLen() and its source.
func (s *State) InboxEntry(pos uint64) (inclusion.Message, Source, error) {
	if pos >= s.inboxLen {
		return inclusion.Message{}, 0, fmt.Errorf("%w: no inbox entry %d", ErrInboxOrder, pos)
	}
	b, err := s.store.Get(indexKey(prefixInbox, pos))
	if err != nil {
		return inclusion.Message{}, 0, err
	}
	if len(b) != MessageSize+1 || !Source(b[MessageSize]).Valid() {
		return inclusion.Message{}, 0, fmt.Errorf("%w: inbox entry %d", ErrCorruptState, pos)
	}
	m, err := DecodeMessage(b[:MessageSize])
	if err != nil {
		return inclusion.Message{}, 0, fmt.Errorf("%w: inbox entry %d: %v", ErrCorruptState, pos, err)
	}
	return m, Source(b[MessageSize]), nil
}

// PushInbox queues m for consumption by BridgeIn, in order. The caller has checked m by the
// rules of its source (a verified claim, a forced operation read from the parent, an exit).
func (s *State) PushInbox(m inclusion.Message, src Source) error {
	if m.DstVid != s.vid {
		return ErrWrongDestination
	}
	if !src.Valid() {
		return fmt.Errorf("%w: inbox source %d", ErrBadOp, src)
	}
	prev, err := s.InboxHead(s.inboxLen)
	if err != nil {
		return err
	}
	head := InboxLink(prev, m.Hash(), src)
	if err := s.store.Set(indexKey(prefixInbox, s.inboxLen), append(EncodeMessage(m), byte(src))); err != nil {
		return err
	}
	if err := s.store.Set(indexKey(prefixHead, s.inboxLen+1), hash.EncodeElement(head)); err != nil {
		return err
	}
	if err := s.setMeta('l', s.inboxLen+1); err != nil {
		return err
	}
	s.inboxLen++
	return nil
}

// Apply validates and executes op.
func (s *State) Apply(op Op) error {
	_, err := s.apply(op, false)
	return err
}

// accountPath resolves the account (owner, asset) for a credit: the existing
// one, or a new one at index NumAccounts.
func (s *State) creditTarget(owner, asset fr.Element) (index uint64, acc Account, isNew bool, err error) {
	i, ok, err := s.Lookup(owner, asset)
	if err != nil {
		return 0, Account{}, false, err
	}
	if ok {
		a, exists, err := s.Account(i)
		if err != nil {
			return 0, Account{}, false, err
		}
		if !exists || a.Owner != owner || a.Asset != asset {
			return 0, Account{}, false, fmt.Errorf("%w: owner index points to account %d", ErrCorruptState, i)
		}
		return i, a, false, nil
	}
	if s.numAccounts>>uint(s.params.AccountDepth) != 0 {
		return 0, Account{}, false, ErrLedgerFull
	}
	return s.numAccounts, Account{Owner: owner, Asset: asset}, true, nil
}

// debit checks a signed op against its account and returns the account.
func (s *State) debit(op Op) (Account, error) {
	from, ok, err := s.Account(op.From)
	if err != nil {
		return Account{}, err
	}
	if !ok {
		return Account{}, fmt.Errorf("%w: %d", ErrUnknownAccount, op.From)
	}
	if from.Asset != op.Asset {
		return Account{}, ErrAssetMismatch
	}
	if op.Nonce != from.Nonce || op.Nonce == math.MaxUint64 {
		return Account{}, fmt.Errorf("%w: op nonce %d, account nonce %d", ErrNonce, op.Nonce, from.Nonce)
	}
	if OwnerHash(op.PubKey) != from.Owner {
		return Account{}, fmt.Errorf("%w: key does not own account %d", ErrBadSignature, op.From)
	}
	if err := VerifyElement(op.PubKey, op.SigningHash(s.vid), op.Sig); err != nil {
		return Account{}, err
	}
	if op.Amount > from.Balance {
		return Account{}, fmt.Errorf("%w: %d > %d", ErrInsufficientBalance, op.Amount, from.Balance)
	}
	from.Balance -= op.Amount
	from.Nonce++
	return from, nil
}

// write stores account a at index (creating the owner entry if isNew).
func (s *State) write(index uint64, a Account, isNew bool) error {
	if err := s.accounts.Set(index, a.Hash()); err != nil {
		return err
	}
	if err := s.store.Set(indexKey(prefixRecord, index), a.bytes()); err != nil {
		return err
	}
	if isNew {
		if err := s.store.Set(ownerKey(a.Owner, a.Asset), binary.BigEndian.AppendUint64(nil, index)); err != nil {
			return err
		}
		if err := s.setMeta('n', s.numAccounts+1); err != nil {
			return err
		}
		s.numAccounts++
	}
	return nil
}

// credit adds amount to account (owner, asset), creating it if needed, and
// records its path in p when p is non-nil.
func (s *State) credit(owner, asset fr.Element, amount uint64, p *PathWitness) error {
	i, a, isNew, err := s.creditTarget(owner, asset)
	if err != nil {
		return err
	}
	if a.Balance > math.MaxUint64-amount {
		return fmt.Errorf("%w: balance %d + %d", ErrAmountRange, a.Balance, amount)
	}
	if p != nil {
		if err := s.recordAccount(p, i, a, isNew); err != nil {
			return err
		}
	}
	a.Balance += amount
	return s.write(i, a, isNew)
}

func (s *State) recordAccount(p *PathWitness, i uint64, old Account, isNew bool) error {
	sib, err := s.accounts.Prove(i)
	if err != nil {
		return err
	}
	p.Index, p.IsNew, p.Siblings = i, isNew, sib.Siblings
	if !isNew {
		p.Old = old
	} else {
		p.Old = Account{Owner: old.Owner, Asset: old.Asset}
	}
	return nil
}

// apply runs op; with record it also returns the slot witness.
func (s *State) apply(op Op, record bool) (SlotWitness, error) {
	if err := op.checkUnused(); err != nil {
		return SlotWitness{}, err
	}
	w := SlotWitness{Op: op}
	var pa, pb *PathWitness
	var consumed *[]fr.Element
	if record {
		pa, pb, consumed = &w.A, &w.B, &w.Consumed
	}
	switch op.Kind {
	case OpNoOp:
		return w, nil
	case OpTransfer:
		from, err := s.debit(op)
		if err != nil {
			return SlotWitness{}, err
		}
		// Validate the credit side on a dry run before writing anything.
		ti, ta, _, err := s.creditTarget(op.ToOwner, op.Asset)
		if err != nil {
			return SlotWitness{}, err
		}
		if ti == op.From {
			ta = from
		}
		if ta.Balance > math.MaxUint64-op.Amount {
			return SlotWitness{}, fmt.Errorf("%w: balance %d + %d", ErrAmountRange, ta.Balance, op.Amount)
		}
		if pa != nil {
			old, _, err := s.Account(op.From)
			if err != nil {
				return SlotWitness{}, err
			}
			if err := s.recordAccount(pa, op.From, old, false); err != nil {
				return SlotWitness{}, err
			}
		}
		if err := s.write(op.From, from, false); err != nil {
			return SlotWitness{}, err
		}
		return w, s.credit(op.ToOwner, op.Asset, op.Amount, pb)
	case OpBridgeOut:
		from, err := s.debit(op)
		if err != nil {
			return SlotWitness{}, err
		}
		pos := s.outbox.Size()
		if pos>>uint(s.params.OutboxDepth) != 0 {
			return SlotWitness{}, ErrOutboxFull
		}
		if pa != nil {
			old, _, err := s.Account(op.From)
			if err != nil {
				return SlotWitness{}, err
			}
			if err := s.recordAccount(pa, op.From, old, false); err != nil {
				return SlotWitness{}, err
			}
			if pb.Siblings, err = s.outbox.Siblings(pos); err != nil {
				return SlotWitness{}, err
			}
			pb.Index = pos
		}
		m := inclusion.Message{SrcVid: s.vid, DstVid: op.DstVid, Nonce: pos, Recipient: op.Recipient,
			AssetID: op.Asset, Amount: op.Amount, Deadline: op.Deadline}
		if err := s.write(op.From, from, false); err != nil {
			return SlotWitness{}, err
		}
		if _, err := s.outbox.Append(m.Hash()); err != nil {
			return SlotWitness{}, err
		}
		return w, nil
	case OpBridgeIn:
		return w, s.bridgeIn(op, pa, pb, consumed)
	default:
		return SlotWitness{}, fmt.Errorf("%w: kind %d", ErrBadOp, op.Kind)
	}
}

// bridgeIn consumes the next inbox entry (which must be op's message and source, never minted
// here before: ConsumedSet), credits its recipient, appends its receipt and adds the message to
// the consumed set; with non-nil paths it records A (the account), B (the receipt slot) and the
// message's consumed-set path into consumed.
func (s *State) bridgeIn(op Op, pa, pb *PathWitness, consumed *[]fr.Element) error {
	if op.Msg.DstVid != s.vid {
		return ErrWrongDestination
	}
	next, src, err := s.InboxEntry(s.inboxConsumed)
	if err != nil {
		return err
	}
	if next != op.Msg || src != op.Source {
		return fmt.Errorf("%w: not inbox entry %d", ErrInboxOrder, s.inboxConsumed)
	}
	msg := op.Msg.Hash()
	path, err := s.consumed.Path(msg) // DESIGN §7.3: a message is minted once, proven (checked before any write)
	if err != nil {
		return err
	}
	pos := s.receipts.Size()
	if pos>>uint(s.params.OutboxDepth) != 0 {
		return ErrReceiptsFull
	}
	if pb != nil {
		if pb.Siblings, err = s.receipts.Siblings(pos); err != nil {
			return err
		}
		pb.Index = pos
	}
	if err := s.credit(op.Msg.Recipient, op.Msg.AssetID, op.Msg.Amount, pa); err != nil { // checks before writing
		return err
	}
	if _, err := s.receipts.Append(inclusion.ReceiptFor(op.Msg).Hash()); err != nil {
		return err
	}
	if err := s.consumed.insert(msg); err != nil { // Path checked it above
		return err
	}
	if consumed != nil {
		*consumed = path
	}
	if err := s.setMeta('c', s.inboxConsumed+1); err != nil {
		return err
	}
	s.inboxConsumed++
	return nil
}

// Fund credits amount of asset to owner outside any batch, creating the account if needed. Only
// a chain's genesis may fund its ledger this way: the ledger root it registers with its parent
// then carries the initial supply, which the parent accepts explicitly at registration.
func (s *State) Fund(owner, asset fr.Element, amount uint64) error {
	return s.credit(owner, asset, amount, nil)
}

// ProveAccount returns the accounts-SMT membership proof of account index: what a user
// presents to exit a frozen validium (DESIGN §8).
func (s *State) ProveAccount(index uint64) (smt.Proof, error) { return s.accounts.Prove(index) }
