package ledger

import (
	"math/big"
	"testing"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"

	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/smt"
)

// The model re-executes an assignment the way the circuit computes it (field
// arithmetic, no rule checks) over copies of the trees, and rewrites every
// derived value: old records, siblings and the public outputs. A test can
// then break exactly one rule in the inputs (an amount, a flag, an index,
// a signature) and get an assignment that is consistent everywhere else, so
// its failure can only come from that rule.

func fe(v interface{}) fr.Element {
	var e fr.Element
	if _, err := e.SetInterface(v); err != nil {
		panic(err)
	}
	return e
}

func u64(v interface{}) uint64 {
	e := fe(v)
	if !e.IsUint64() {
		panic("model: index is not a uint64")
	}
	return e.Uint64()
}

func feAdd(a ...fr.Element) fr.Element {
	var s fr.Element
	for i := range a {
		s.Add(&s, &a[i])
	}
	return s
}

func feMul(a, b fr.Element) fr.Element {
	var p fr.Element
	p.Mul(&a, &b)
	return p
}

type modelRecord [4]fr.Element // owner, asset, balance, nonce

type model struct {
	p        Params
	accounts *smt.Tree
	outbox   *smt.Accumulator
	receipts *smt.Accumulator
	consumed *ConsumedSet
	records  map[uint64]modelRecord
	count    uint64
	inbox    fr.Element
	// keepNewInbox leaves the public NewInbox as assigned (inbox-order tests).
	keepNewInbox bool
	// extraCredit is added to path B's new balance in the tree only (supply tests).
	extraCredit uint64
	// tweakOld, if set, edits the old record loaded for slot k, path 'A' or 'B'.
	tweakOld func(k int, path byte, r *modelRecord)
}

// newModel copies the state s (before the batch) into a model.
func newModel(t testing.TB, s *State) *model {
	t.Helper()
	acc, err := smt.New(smt.NewMemStore(), s.params.AccountDepth)
	if err != nil {
		t.Fatal(err)
	}
	out, err := smt.NewAccumulator(smt.NewMemStore(), s.params.OutboxDepth)
	if err != nil {
		t.Fatal(err)
	}
	rcpt, err := smt.NewAccumulator(smt.NewMemStore(), s.params.OutboxDepth)
	if err != nil {
		t.Fatal(err)
	}
	mem, ok := s.store.(*smt.MemStore)
	if !ok {
		t.Fatal("model: the state is not over a MemStore")
	}
	consumed, err := NewConsumedSet(smt.NewPrefixStore(clone(t, mem), []byte{prefixConsumed}))
	if err != nil {
		t.Fatal(err)
	}
	m := &model{p: s.params, accounts: acc, outbox: out, receipts: rcpt, consumed: consumed, records: map[uint64]modelRecord{}, count: s.numAccounts}
	for i := uint64(0); i < s.numAccounts; i++ {
		a, _, err := s.Account(i)
		if err != nil {
			t.Fatal(err)
		}
		m.records[i] = modelRecord{a.Owner, a.Asset, hash.Uint64(a.Balance), hash.Uint64(a.Nonce)}
		if err := acc.Set(i, a.Hash()); err != nil {
			t.Fatal(err)
		}
	}
	for i := uint64(0); i < s.outbox.Size(); i++ {
		item, err := s.outbox.Get(i)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := out.Append(item); err != nil {
			t.Fatal(err)
		}
	}
	for i := uint64(0); i < s.receipts.Size(); i++ {
		item, err := s.receipts.Get(i)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := rcpt.Append(item); err != nil {
			t.Fatal(err)
		}
	}
	if m.inbox, err = s.InboxHead(s.inboxConsumed); err != nil {
		t.Fatal(err)
	}
	return m
}

// appendAt appends item to acc through path B of slot s (its index and siblings rewritten).
func appendAt(t testing.TB, acc *smt.Accumulator, s *Slot, item fr.Element) {
	t.Helper()
	sib, err := acc.Siblings(acc.Size())
	if err != nil {
		t.Fatal(err)
	}
	s.B.Index = acc.Size()
	for h := range s.B.Siblings {
		if h < len(sib) {
			s.B.Siblings[h] = sib[h]
		} else {
			s.B.Siblings[h] = 0
		}
	}
	if _, err := acc.Append(item); err != nil {
		t.Fatal(err)
	}
}

func recHash(r modelRecord) fr.Element { return hash.Hash(hash.DomainAccount, r[0], r[1], r[2], r[3]) }

// path loads the old record and siblings of x from the model (or a fresh
// record for IsNew) and returns the record.
func (m *model) path(t testing.TB, k int, path byte, x *AccountPath) modelRecord {
	t.Helper()
	i := u64(x.Index)
	var r modelRecord
	if u64(x.IsNew) == 1 {
		r = modelRecord{fe(x.Owner), fe(x.Asset), {}, {}}
	} else {
		r = m.records[i]
	}
	if m.tweakOld != nil {
		m.tweakOld(k, path, &r)
	}
	x.Owner, x.Asset, x.Balance, x.Nonce = r[0], r[1], r[2], r[3]
	pr, err := m.accounts.Prove(i)
	if err != nil {
		t.Fatal(err)
	}
	for h := range x.Siblings {
		if h < len(pr.Siblings) {
			x.Siblings[h] = pr.Siblings[h]
		} else {
			x.Siblings[h] = 0
		}
	}
	return r
}

func (m *model) set(t testing.TB, i uint64, r modelRecord) {
	t.Helper()
	m.records[i] = r
	if err := m.accounts.Set(i, recHash(r)); err != nil {
		t.Fatal(err)
	}
}

// run rewrites the derived values of a (in place) and returns it.
func (m *model) run(t testing.TB, a *Circuit) *Circuit {
	t.Helper()
	vid := fe(a.Vid)
	for k := range a.Slots {
		s := &a.Slots[k]
		T, O, I := fe(s.IsTransfer), fe(s.IsBridgeOut), fe(s.IsBridgeIn)
		signed := feAdd(T, O)
		activeA := feAdd(T, O, I)
		amount := fe(s.Amount)
		var msg fr.Element
		{
			src, dst, n := fe(s.SrcVid), fe(s.DstVid), fe(s.MsgNonce)
			if O.IsOne() {
				src = vid
				n = hash.Uint64(m.outbox.Size())
				s.B.Index = m.outbox.Size()
			}
			if I.IsOne() {
				dst = vid
			}
			msg = hash.Hash(hash.DomainMessage, src, dst, n, fe(s.Recipient), fe(s.Asset), amount, fe(s.Deadline))
		}
		if activeA.IsOne() {
			r := m.path(t, k, 'A', &s.A)
			var d fr.Element
			d.Sub(&I, &signed)
			r[2] = feAdd(r[2], feMul(amount, d))
			r[3] = feAdd(r[3], signed)
			m.set(t, u64(s.A.Index), r)
			if u64(s.A.IsNew) == 1 {
				m.count++
			}
		}
		switch {
		case T.IsOne():
			r := m.path(t, k, 'B', &s.B)
			r[2] = feAdd(r[2], amount, hash.Uint64(m.extraCredit))
			m.set(t, u64(s.B.Index), r)
			if u64(s.B.IsNew) == 1 {
				m.count++
			}
		case O.IsOne():
			appendAt(t, m.outbox, s, msg)
		case I.IsOne():
			appendAt(t, m.receipts, s, hash.Hash(hash.DomainReceipt, vid, fe(s.SrcVid), msg))
		}
		if I.IsOne() {
			m.inbox = hash.Hash(DomainInbox, m.inbox, msg, fe(s.Source))
			m.consume(t, s, msg)
		}
	}
	root, err := m.accounts.Root()
	if err != nil {
		t.Fatal(err)
	}
	consumed, err := m.consumed.Root()
	if err != nil {
		t.Fatal(err)
	}
	a.NewLedgerRoot = LedgerRoot(root, m.count, consumed)
	if a.NewOutbox, err = m.outbox.Root(); err != nil {
		t.Fatal(err)
	}
	if a.NewReceipts, err = m.receipts.Root(); err != nil {
		t.Fatal(err)
	}
	if !m.keepNewInbox {
		a.NewInbox = m.inbox
	}
	return a
}

// bigNeg returns r - v as a circuit value (the field's -v).
func bigNeg(v uint64) *big.Int {
	return new(big.Int).Sub(fr.Modulus(), new(big.Int).SetUint64(v))
}

// consume adds a BridgeIn slot's message to the model's consumed set and assigns its path; a
// message consumed before keeps the slot's path as assigned (the circuit must refuse it).
func (m *model) consume(t testing.TB, s *Slot, msg fr.Element) {
	t.Helper()
	siblings, err := m.consumed.Consume(msg)
	if err != nil {
		return
	}
	for h := range s.Consumed {
		s.Consumed[h] = siblings[h]
	}
}
