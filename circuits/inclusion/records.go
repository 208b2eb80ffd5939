package inclusion

import (
	"fmt"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"

	"github.com/slush-tree/slush/circuits/hash"
)

// Kind says which accumulator of the source validium holds the leaf.
type Kind uint8

const (
	// KindMessage: a bridge message in the sender's outbox (OutboxRoot).
	KindMessage Kind = 0
	// KindReceipt: a receipt in the claiming chain's receipt tree (ReceiptRoot).
	KindReceipt Kind = 1
)

// BodySize is the number of body elements of a leaf preimage.
const BodySize = 5

// Leaf is the preimage of an outbox or receipt item, in the generic form the
// circuit hashes: (SrcVid, DstVid, Body). SrcVid is always the vid of the
// validium whose accumulator holds the item; the circuit enforces it.
type Leaf struct {
	// Kind selects message or receipt.
	Kind Kind
	// SrcVid is the issuing validium (message sender / receipt issuer).
	SrcVid fr.Element
	// DstVid is the validium the item is addressed to.
	DstVid fr.Element
	// Body holds the kind-specific fields (unused trailing elements are 0).
	Body [BodySize]fr.Element
}

// Hash returns the item hash: for a message
// Hash(DomainMessage, src, dst, body[0..4]) (7 inputs), for a receipt
// Hash(DomainReceipt, src, dst, body[0]) (3 inputs).
func (l Leaf) Hash() fr.Element {
	switch l.Kind {
	case KindMessage:
		return hash.Hash(hash.DomainMessage, l.SrcVid, l.DstVid, l.Body[0], l.Body[1], l.Body[2], l.Body[3], l.Body[4])
	case KindReceipt:
		return hash.Hash(hash.DomainReceipt, l.SrcVid, l.DstVid, l.Body[0])
	default:
		panic(fmt.Sprintf("inclusion: unknown kind %d", l.Kind))
	}
}

// Validate rejects unknown kinds and non-zero unused receipt body elements.
func (l Leaf) Validate() error {
	switch l.Kind {
	case KindMessage:
		return nil
	case KindReceipt:
		for i := 1; i < BodySize; i++ {
			if !l.Body[i].IsZero() {
				return fmt.Errorf("inclusion: receipt body[%d] must be 0", i)
			}
		}
		return nil
	default:
		return fmt.Errorf("inclusion: unknown kind %d", l.Kind)
	}
}

// Message is a bridge message (DESIGN §7):
// Hash(DomainMessage, srcVid, dstVid, nonce, recipient, assetId, amount, deadline).
type Message struct {
	// SrcVid is the sending validium.
	SrcVid fr.Element
	// DstVid is the destination validium.
	DstVid fr.Element
	// Nonce makes messages unique per sender.
	Nonce uint64
	// Recipient is the recipient account key (hash) on the destination.
	Recipient fr.Element
	// AssetID identifies the virtual token.
	AssetID fr.Element
	// Amount is the amount burnt on the source.
	Amount uint64
	// Deadline is the root height after which the fallback route applies.
	Deadline uint64
}

// Leaf returns the generic preimage of m.
func (m Message) Leaf() Leaf {
	return Leaf{Kind: KindMessage, SrcVid: m.SrcVid, DstVid: m.DstVid, Body: [BodySize]fr.Element{
		hash.Uint64(m.Nonce), m.Recipient, m.AssetID, hash.Uint64(m.Amount), hash.Uint64(m.Deadline)}}
}

// Hash returns the message hash (the outbox item and the claim nullifier).
func (m Message) Hash() fr.Element { return m.Leaf().Hash() }

// Receipt acknowledges a minted message: Hash(DomainReceipt, srcVid, dstVid, msgHash). The
// ledger circuit appends one for every bridge-in it proves, so a receipt root is only ever
// moved by proven mints (DESIGN §7.3); the message hash alone makes it unique.
type Receipt struct {
	// SrcVid is the validium that minted the message (the message's DstVid).
	SrcVid fr.Element
	// DstVid is the validium the receipt goes back to (the message's SrcVid).
	DstVid fr.Element
	// MsgHash is the hash of the minted message.
	MsgHash fr.Element
}

// ReceiptFor is the receipt the destination of m issues when it mints m.
func ReceiptFor(m Message) Receipt {
	return Receipt{SrcVid: m.DstVid, DstVid: m.SrcVid, MsgHash: m.Hash()}
}

// Leaf returns the generic preimage of r.
func (r Receipt) Leaf() Leaf {
	return Leaf{Kind: KindReceipt, SrcVid: r.SrcVid, DstVid: r.DstVid, Body: [BodySize]fr.Element{r.MsgHash}}
}

// Hash returns the receipt hash (the receipt-tree item).
func (r Receipt) Hash() fr.Element { return r.Leaf().Hash() }
