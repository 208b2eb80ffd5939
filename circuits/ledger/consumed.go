package ledger

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math/big"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/std/math/bits"

	"github.com/slush-tree/slush/circuits/smt"
)

// ConsumedDepth is the depth of a ledger's consumed-message set: a message sits at the low 64
// bits of its hash, so two distinct messages share a slot with probability 2^-64 per pair (the
// later one cannot be minted; a replay always finds its own slot taken).
const ConsumedDepth = 64

var (
	// ErrConsumedTwice: the message was minted on this ledger before (DESIGN §7.3: once).
	ErrConsumedTwice = errors.New("ledger: message already consumed")
	// ErrConsumedSlotTaken: another message holds the message's slot of the consumed set.
	ErrConsumedSlotTaken = errors.New("ledger: consumed-set slot held by another message")
)

// ConsumedKey is msg's slot in the consumed set: the low 64 bits of its canonical encoding, as
// ConsumedGadget reads them from msg's unique binary decomposition.
func ConsumedKey(msg fr.Element) uint64 {
	b := msg.Bytes() // canonical, big-endian
	return binary.BigEndian.Uint64(b[fr.Bytes-8:])
}

// EmptyConsumedRoot is the root of a consumed set that holds nothing (every genesis ledger's).
func EmptyConsumedRoot() fr.Element { return smt.EmptyRoot(ConsumedDepth) }

// ConsumedSet is the set of messages a ledger has minted, whatever their source (claim, route
// or forced deposit): the ledger circuit proves each mint's message absent and inserts it, so
// that uniqueness is proven with the ledger rather than checked by the parent alone (DESIGN
// §7.3; docs/PROTOCOL.md "Claim uniqueness, proven").
type ConsumedSet struct {
	tree *smt.Tree
}

// NewConsumedSet opens (or creates) the consumed set over store.
func NewConsumedSet(store smt.Store) (*ConsumedSet, error) {
	t, err := smt.New(store, ConsumedDepth)
	if err != nil {
		return nil, err
	}
	return &ConsumedSet{tree: t}, nil
}

// Root is the set's current root.
func (s *ConsumedSet) Root() (fr.Element, error) { return s.tree.Root() }

// Has reports whether msg was consumed.
func (s *ConsumedSet) Has(msg fr.Element) (bool, error) {
	v, err := s.tree.Get(ConsumedKey(msg))
	if err != nil {
		return false, err
	}
	return v.Equal(&msg), nil
}

// Path checks that msg may be consumed and returns the siblings of its slot (from the leaf up),
// the path under which ConsumedGadget proves the slot empty before and holding msg after: a
// consumed message (ErrConsumedTwice), a slot held by another (ErrConsumedSlotTaken) and the
// zero element (the empty value) are refused. It writes nothing.
func (s *ConsumedSet) Path(msg fr.Element) ([]fr.Element, error) {
	if msg.IsZero() {
		return nil, fmt.Errorf("%w: the zero message", ErrBadOp)
	}
	key := ConsumedKey(msg)
	p, err := s.tree.Prove(key)
	if err != nil {
		return nil, err
	}
	switch {
	case p.Value.Equal(&msg):
		return nil, fmt.Errorf("%w: %x", ErrConsumedTwice, msg.Bytes())
	case !p.Value.IsZero():
		return nil, fmt.Errorf("%w: slot %d", ErrConsumedSlotTaken, key)
	}
	return p.Siblings, nil
}

// Consume inserts msg after Path's checks and returns Path's siblings; a refused message leaves
// the set unchanged.
func (s *ConsumedSet) Consume(msg fr.Element) ([]fr.Element, error) {
	siblings, err := s.Path(msg)
	if err != nil {
		return nil, err
	}
	return siblings, s.insert(msg)
}

// insert puts msg in its slot without Path's checks (its caller ran them): one walk of the path
// fewer on a chain's store, where every read costs gas.
func (s *ConsumedSet) insert(msg fr.Element) error { return s.tree.Set(ConsumedKey(msg), msg) }

// ConsumedGadget consumes msg when active is 1: it asserts msg's slot (ConsumedKey) is empty
// under root and returns the root with msg in it; when active is 0 it returns root and asserts
// nothing of msg or siblings. msg is decomposed at full width, which gnark checks against the
// modulus, so each message has exactly one slot and a replay cannot pick another. active must be
// boolean (Select constrains it).
func ConsumedGadget(api frontend.API, root, msg, active frontend.Variable, siblings []frontend.Variable) frontend.Variable {
	if len(siblings) != ConsumedDepth {
		panic(fmt.Sprintf("ledger: %d consumed-set siblings, want %d", len(siblings), ConsumedDepth))
	}
	key := bits.ToBinary(api, msg)[:ConsumedDepth]
	var zero fr.Element
	empty := smt.LeafHash(zero)
	before := smt.RootGadget(api, empty.BigInt(new(big.Int)), key, siblings)
	after := smt.RootGadget(api, smt.LeafHashGadget(api, msg), key, siblings)
	assertZeroIf(api, active, api.Sub(before, root))
	return api.Select(active, after, root)
}
