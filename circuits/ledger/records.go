package ledger

import (
	"encoding/binary"
	"fmt"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark-crypto/ecc/bn254/twistededwards/eddsa"

	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/inclusion"
)

// Account is one ledger leaf: the holdings of one owner in one asset.
type Account struct {
	// Owner is OwnerHash of the owner's public key.
	Owner fr.Element
	// Asset identifies the virtual token.
	Asset fr.Element
	// Balance is the amount held (< 2^64).
	Balance uint64
	// Nonce is the number of operations the owner has signed from this account.
	Nonce uint64
}

// Hash returns the SMT value of the account: Hash(DomainAccount, owner, asset, balance, nonce).
func (a Account) Hash() fr.Element {
	return hash.Hash(hash.DomainAccount, a.Owner, a.Asset, hash.Uint64(a.Balance), hash.Uint64(a.Nonce))
}

// accountSize is the length of an encoded Account.
const accountSize = 2*hash.ElementSize + 16

func (a Account) bytes() []byte {
	b := make([]byte, 0, accountSize)
	b = append(b, hash.EncodeElement(a.Owner)...)
	b = append(b, hash.EncodeElement(a.Asset)...)
	b = binary.BigEndian.AppendUint64(b, a.Balance)
	return binary.BigEndian.AppendUint64(b, a.Nonce)
}

func decodeAccount(b []byte) (Account, error) {
	if len(b) != accountSize {
		return Account{}, fmt.Errorf("%w: account of %d bytes", ErrCorruptState, len(b))
	}
	var a Account
	var err error
	if a.Owner, err = hash.DecodeElement(b[:32]); err != nil {
		return Account{}, fmt.Errorf("%w: %v", ErrCorruptState, err)
	}
	if a.Asset, err = hash.DecodeElement(b[32:64]); err != nil {
		return Account{}, fmt.Errorf("%w: %v", ErrCorruptState, err)
	}
	a.Balance = binary.BigEndian.Uint64(b[64:72])
	a.Nonce = binary.BigEndian.Uint64(b[72:80])
	return a, nil
}

// OwnerHash returns Hash(DomainOwner, X, Y) of a public key: the owner field
// of accounts and the Recipient of bridge messages.
func OwnerHash(pk eddsa.PublicKey) fr.Element {
	return hash.Hash(DomainOwner, pk.A.X, pk.A.Y)
}

// LedgerRoot returns Hash(DomainLedgerRoot, accountsRoot, numAccounts, consumedRoot): the root
// committed as the validium's LedgerRoot. The consumed set's root is in it so that every chain
// above holds, with the ledger, the set of messages it minted (ConsumedSet).
func LedgerRoot(accountsRoot fr.Element, numAccounts uint64, consumedRoot fr.Element) fr.Element {
	return hash.Hash(DomainLedgerRoot, accountsRoot, hash.Uint64(numAccounts), consumedRoot)
}

// Source says why an inbox entry may be minted, and so who proves it (DESIGN §5: every mint
// on a ledger is proven).
type Source uint8

const (
	// SourceClaim is a message claimed (or delivered by route) with an inclusion proof: the
	// batch circuit proves it in its sender's outbox under the batch's anchor (DESIGN §7.3).
	SourceClaim Source = 1
	// SourceForced is an operation of the parent's forced queue: the parent matches it (DESIGN §8).
	SourceForced Source = 2
	// SourceExit is the balance of an account exited from a frozen child: the parent checks the
	// exit's proof against this chain's finalized children (DESIGN §8).
	SourceExit Source = 3
)

// ExitMessage is the message an exit of account index accountIndex of the frozen chain srcVid
// credits on its parent dstVid (DESIGN §8): the account's owner, asset and whole balance, the
// index as its nonce (each account exits once), no deadline. The parent's inbox entry of source
// SourceExit is its hash.
func ExitMessage(srcVid, dstVid fr.Element, accountIndex uint64, a Account) inclusion.Message {
	return inclusion.Message{SrcVid: srcVid, DstVid: dstVid, Nonce: accountIndex, Recipient: a.Owner,
		AssetID: a.Asset, Amount: a.Balance}
}

// Valid reports whether s is one of the sources.
func (s Source) Valid() bool { return s >= SourceClaim && s <= SourceExit }

// String returns the source's name.
func (s Source) String() string {
	switch s {
	case SourceClaim:
		return "claim"
	case SourceForced:
		return "forced"
	case SourceExit:
		return "exit"
	default:
		return fmt.Sprintf("source(%d)", uint8(s))
	}
}

// InboxLink returns the inbox chain head after appending an entry (msgHash, source) to the
// chain whose head is prev: Hash(DomainInbox, prev, msgHash, source). The empty inbox has head
// 0. The source is chained with the message so the parent knows which entries it must check.
func InboxLink(prev, msgHash fr.Element, source Source) fr.Element {
	return hash.Hash(DomainInbox, prev, msgHash, hash.Uint64(uint64(source)))
}

// ClaimLink returns the claim chain of ledger vid after appending a claimed message (its hash
// and sender): Hash(DomainClaimLink, prev, receipt) with receipt = Hash(DomainReceipt, vid,
// srcVid, msgHash), the receipt vid issues for the message (inclusion.ReceiptFor), which the
// slot hashes anyway; it binds msgHash and srcVid. The empty chain is 0.
func ClaimLink(prev, vid, msgHash, srcVid fr.Element) fr.Element {
	receipt := inclusion.Receipt{SrcVid: vid, DstVid: srcVid, MsgHash: msgHash}.Hash()
	return hash.Hash(DomainClaimLink, prev, receipt)
}

// MessageSize is the length of an encoded inclusion.Message.
const MessageSize = 4*hash.ElementSize + 3*8

// EncodeMessage returns the canonical encoding of m: SrcVid, DstVid (32 bytes
// each), Nonce (8), Recipient, AssetID (32 each), Amount, Deadline (8 each),
// all big-endian.
func EncodeMessage(m inclusion.Message) []byte {
	b := make([]byte, 0, MessageSize)
	b = append(b, hash.EncodeElement(m.SrcVid)...)
	b = append(b, hash.EncodeElement(m.DstVid)...)
	b = binary.BigEndian.AppendUint64(b, m.Nonce)
	b = append(b, hash.EncodeElement(m.Recipient)...)
	b = append(b, hash.EncodeElement(m.AssetID)...)
	b = binary.BigEndian.AppendUint64(b, m.Amount)
	return binary.BigEndian.AppendUint64(b, m.Deadline)
}

// DecodeMessage parses EncodeMessage's format, rejecting a wrong length and
// field elements >= r.
func DecodeMessage(b []byte) (inclusion.Message, error) {
	if len(b) != MessageSize {
		return inclusion.Message{}, fmt.Errorf("%w: message of %d bytes, want %d", hash.ErrNonCanonical, len(b), MessageSize)
	}
	var m inclusion.Message
	elem := func(off int, dst *fr.Element) error {
		e, err := hash.DecodeElement(b[off : off+32])
		*dst = e
		return err
	}
	if err := elem(0, &m.SrcVid); err != nil {
		return inclusion.Message{}, err
	}
	if err := elem(32, &m.DstVid); err != nil {
		return inclusion.Message{}, err
	}
	m.Nonce = binary.BigEndian.Uint64(b[64:72])
	if err := elem(72, &m.Recipient); err != nil {
		return inclusion.Message{}, err
	}
	if err := elem(104, &m.AssetID); err != nil {
		return inclusion.Message{}, err
	}
	m.Amount = binary.BigEndian.Uint64(b[136:144])
	m.Deadline = binary.BigEndian.Uint64(b[144:152])
	return m, nil
}
