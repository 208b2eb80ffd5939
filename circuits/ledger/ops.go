package ledger

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math/big"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark-crypto/ecc/bn254/twistededwards/eddsa"

	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/inclusion"
)

// OpKind is the type of a ledger operation.
type OpKind uint8

const (
	// OpNoOp pads a batch; it changes nothing.
	OpNoOp OpKind = 0
	// OpTransfer moves Amount of Asset from account From to the account of
	// (ToOwner, Asset), creating it if needed. Signed by From's owner.
	OpTransfer OpKind = 1
	// OpBridgeOut burns Amount of Asset from account From and appends the
	// message (vid, DstVid, outbox index, Recipient, Asset, Amount, Deadline)
	// to the outbox. Signed by From's owner.
	OpBridgeOut OpKind = 2
	// OpBridgeIn consumes the next inbox entry (Msg, Source) (claims, forced
	// operations and exits share one inbox, in arrival order), mints
	// Msg.Amount of Msg.AssetID to the account of (Msg.Recipient, Msg.AssetID),
	// creating it if needed, and appends Msg's receipt. Unsigned: the inbox
	// entry is the authorization, proven as its Source says.
	OpBridgeIn OpKind = 3
)

// String returns the kind's name.
func (k OpKind) String() string {
	switch k {
	case OpNoOp:
		return "noop"
	case OpTransfer:
		return "transfer"
	case OpBridgeOut:
		return "bridge-out"
	case OpBridgeIn:
		return "bridge-in"
	default:
		return fmt.Sprintf("op(%d)", uint8(k))
	}
}

// signed reports whether ops of kind k carry an owner signature.
func (k OpKind) signed() bool { return k == OpTransfer || k == OpBridgeOut }

// Op is one ledger operation. Fields not used by Kind must be zero.
type Op struct {
	// Kind selects the operation.
	Kind OpKind
	// From is the debited account index (Transfer, BridgeOut).
	From uint64
	// PubKey is the signer's key; OwnerHash(PubKey) must own From (Transfer, BridgeOut).
	PubKey eddsa.PublicKey
	// Asset is the token moved (Transfer, BridgeOut).
	Asset fr.Element
	// Amount is the amount moved or burnt (Transfer, BridgeOut).
	Amount uint64
	// Nonce must equal From's nonce (Transfer, BridgeOut).
	Nonce uint64
	// ToOwner is the recipient's owner hash (Transfer).
	ToOwner fr.Element
	// DstVid is the destination validium (BridgeOut).
	DstVid fr.Element
	// Recipient is the recipient's owner hash on DstVid (BridgeOut).
	Recipient fr.Element
	// Deadline is the root height after which the fallback route applies (BridgeOut).
	Deadline uint64
	// Sig is the compressed EdDSA signature over SigningHash (Transfer, BridgeOut).
	Sig []byte
	// Msg is the inbox entry consumed (BridgeIn).
	Msg inclusion.Message
	// Source is the inbox entry's source (BridgeIn).
	Source Source
}

// SigningHash returns the field element the owner signs for a Transfer or a
// BridgeOut on the validium vid:
//
//	Hash(DomainOp, vid, from + kind·2^64, asset, amount + deadline·2^64, nonce, toOwner, dstVid, recipient)
//
// with toOwner = 0 for a BridgeOut and dstVid = recipient = deadline = 0 for
// a Transfer. The vid and the account index stop replays on another
// validium or another account; the nonce stops replays on the same account.
// Packing two 64-bit values per field element (8 inputs, 4 permutations
// instead of 10 and 5) is injective because every packed value is below 2^64
// (uint64 here; in circuit the account index is below 2^AccountDepth, the kind
// is 0..3, and amount and deadline are range-checked below 2^64).
func (op Op) SigningHash(vid fr.Element) fr.Element {
	var toOwner, dst, rcpt fr.Element
	var deadline uint64
	switch op.Kind {
	case OpTransfer:
		toOwner = op.ToOwner
	case OpBridgeOut:
		dst, rcpt, deadline = op.DstVid, op.Recipient, op.Deadline
	}
	return hash.Hash(DomainOp, vid, pack64(op.From, uint64(op.Kind)), op.Asset, pack64(op.Amount, deadline),
		hash.Uint64(op.Nonce), toOwner, dst, rcpt)
}

// pack64 returns lo + hi·2^64 as a field element (< 2^128 < r: no reduction).
func pack64(lo, hi uint64) fr.Element {
	var v big.Int
	v.SetUint64(hi)
	v.Lsh(&v, 64)
	v.Or(&v, new(big.Int).SetUint64(lo))
	var e fr.Element
	e.SetBigInt(&v)
	return e
}

// Sign sets PubKey and Sig for the validium vid.
func (op *Op) Sign(vid fr.Element, key *eddsa.PrivateKey) error {
	if !op.Kind.signed() {
		return fmt.Errorf("%w: %v is not signed", ErrBadOp, op.Kind)
	}
	op.PubKey = key.PublicKey
	sig, err := SignElement(key, op.SigningHash(vid))
	if err != nil {
		return err
	}
	op.Sig = sig
	return nil
}

// NewTransfer returns a Transfer signed by key for the validium vid.
func NewTransfer(vid fr.Element, key *eddsa.PrivateKey, from uint64, toOwner, asset fr.Element, amount, nonce uint64) (Op, error) {
	op := Op{Kind: OpTransfer, From: from, Asset: asset, Amount: amount, Nonce: nonce, ToOwner: toOwner}
	return op, op.Sign(vid, key)
}

// NewBridgeOut returns a BridgeOut signed by key for the validium vid.
func NewBridgeOut(vid fr.Element, key *eddsa.PrivateKey, from uint64, asset fr.Element, amount, nonce uint64, dstVid, recipient fr.Element, deadline uint64) (Op, error) {
	op := Op{Kind: OpBridgeOut, From: from, Asset: asset, Amount: amount, Nonce: nonce, DstVid: dstVid, Recipient: recipient, Deadline: deadline}
	return op, op.Sign(vid, key)
}

// NewBridgeIn returns the BridgeIn consuming the inbox entry (m, src).
func NewBridgeIn(m inclusion.Message, src Source) Op {
	return Op{Kind: OpBridgeIn, Msg: m, Source: src}
}

// OpSize is the length of an encoded Op.
const OpSize = 1 + 8 + 32 + 32 + 8 + 8 + 32 + 32 + 32 + 8 + SignatureSize + MessageSize + 1

// Bytes returns the fixed-size canonical encoding of op (for the operation
// log): kind, from, compressed public key (32 zero bytes if unsigned), asset,
// amount, nonce, toOwner, dstVid, recipient, deadline, signature (zeros if
// unsigned), message, source (one byte); integers big-endian. Fields unused
// by the kind must be zero for DecodeOp to accept the result.
func (op Op) Bytes() []byte {
	b := make([]byte, 0, OpSize)
	b = append(b, byte(op.Kind))
	b = binary.BigEndian.AppendUint64(b, op.From)
	if op.Kind.signed() {
		pk := op.PubKey.A.Bytes()
		b = append(b, pk[:]...)
	} else {
		b = append(b, make([]byte, 32)...)
	}
	b = append(b, hash.EncodeElement(op.Asset)...)
	b = binary.BigEndian.AppendUint64(b, op.Amount)
	b = binary.BigEndian.AppendUint64(b, op.Nonce)
	b = append(b, hash.EncodeElement(op.ToOwner)...)
	b = append(b, hash.EncodeElement(op.DstVid)...)
	b = append(b, hash.EncodeElement(op.Recipient)...)
	b = binary.BigEndian.AppendUint64(b, op.Deadline)
	sig := make([]byte, SignatureSize)
	copy(sig, op.Sig)
	b = append(b, sig...)
	b = append(b, EncodeMessage(op.Msg)...)
	return append(b, byte(op.Source))
}

// DecodeOp parses Op.Bytes' format. It rejects a wrong length, an unknown
// kind, field elements >= r, a public key that does not decompress to a
// point of the prime-order subgroup, non-zero fields the kind does not use,
// and any other non-canonical encoding (re-encoding must give b back).
// It does not verify the signature (State.Apply does).
func DecodeOp(b []byte) (Op, error) {
	if len(b) != OpSize {
		return Op{}, fmt.Errorf("%w: op of %d bytes, want %d", ErrBadOp, len(b), OpSize)
	}
	var op Op
	op.Kind = OpKind(b[0])
	if op.Kind > OpBridgeIn {
		return Op{}, fmt.Errorf("%w: kind %d", ErrBadOp, b[0])
	}
	off := 1
	u64 := func() uint64 { v := binary.BigEndian.Uint64(b[off:]); off += 8; return v }
	var err error
	elem := func(dst *fr.Element) {
		if err == nil {
			*dst, err = hash.DecodeElement(b[off : off+32])
		}
		off += 32
	}
	op.From = u64()
	pk := b[off : off+32]
	off += 32
	if op.Kind.signed() {
		if op.PubKey, err = DecodePublicKey(pk); err != nil {
			return Op{}, fmt.Errorf("%w: %v", ErrBadOp, err)
		}
	}
	elem(&op.Asset)
	op.Amount = u64()
	op.Nonce = u64()
	elem(&op.ToOwner)
	elem(&op.DstVid)
	elem(&op.Recipient)
	op.Deadline = u64()
	if err != nil {
		return Op{}, fmt.Errorf("%w: %v", ErrBadOp, err)
	}
	if op.Kind.signed() {
		op.Sig = append([]byte(nil), b[off:off+SignatureSize]...)
	}
	off += SignatureSize
	if op.Msg, err = DecodeMessage(b[off : off+MessageSize]); err != nil {
		return Op{}, fmt.Errorf("%w: %v", ErrBadOp, err)
	}
	op.Source = Source(b[off+MessageSize])
	if err := op.checkUnused(); err != nil {
		return Op{}, err
	}
	if !bytes.Equal(op.Bytes(), b) {
		return Op{}, fmt.Errorf("%w: non-canonical encoding", ErrBadOp)
	}
	return op, nil
}

// checkUnused rejects non-zero fields that op.Kind does not use.
func (op Op) checkUnused() error {
	noAccount := op.From == 0 && op.Asset.IsZero() && op.Amount == 0 && op.Nonce == 0 &&
		len(op.Sig) == 0 && op.PubKey == (eddsa.PublicKey{})
	noTransfer := op.ToOwner.IsZero()
	noBridgeOut := op.DstVid.IsZero() && op.Recipient.IsZero() && op.Deadline == 0
	noMsg := op.Msg == (inclusion.Message{}) && op.Source == 0
	var ok bool
	switch op.Kind {
	case OpNoOp:
		ok = noAccount && noTransfer && noBridgeOut && noMsg
	case OpTransfer:
		ok = noBridgeOut && noMsg
	case OpBridgeOut:
		ok = noTransfer && noMsg
	case OpBridgeIn:
		ok = noAccount && noTransfer && noBridgeOut && op.Source.Valid()
	default:
		return fmt.Errorf("%w: kind %d", ErrBadOp, op.Kind)
	}
	if !ok {
		return fmt.Errorf("%w: %v sets fields it does not use", ErrBadOp, op.Kind)
	}
	return nil
}
