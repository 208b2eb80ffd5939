package smt

import (
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"

	"github.com/slush-tree/slush/circuits/hash"
)

// DefaultAccumulatorDepth is the depth of outbox and receipt accumulators.
const DefaultAccumulatorDepth = 20

// EmptySlot is the leaf-level hash of an unfilled accumulator slot,
// Hash(DomainEmpty). It differs from LeafHash(x) for every x, so an unfilled
// slot can never be shown to contain an item.
func EmptySlot() fr.Element { return hash.Hash(hash.DomainEmpty) }

// AccumulatorRoot binds a Merkle root and the number of appended items:
// Hash(DomainAccumulator, treeRoot, size).
func AccumulatorRoot(treeRoot fr.Element, size uint64) fr.Element {
	return hash.Hash(hash.DomainAccumulator, treeRoot, hash.Uint64(size))
}

// EmptyAccumulatorRoot returns the root of an empty accumulator of the given depth.
func EmptyAccumulatorRoot(depth int) fr.Element {
	return AccumulatorRoot(EmptyHashes(EmptySlot(), depth)[depth], 0)
}

// Accumulator is an append-only Merkle accumulator of fixed depth: item i is
// stored at leaf i as LeafHash(item); slots >= Size() are EmptySlot().
type Accumulator struct {
	t    *fixedTree
	size uint64
}

// AccumulatorProof proves that Item was appended at position Index of an
// accumulator that holds Size items.
type AccumulatorProof struct {
	// Index is the item's position.
	Index uint64
	// Item is the appended value.
	Item fr.Element
	// Size is the number of items in the accumulator the proof is for.
	Size uint64
	// Siblings are the sibling hashes from the leaf level upward (len = depth).
	Siblings []fr.Element
}

// ErrAccumulatorFull is returned when appending to a full accumulator.
var ErrAccumulatorFull = errors.New("smt: accumulator full")

var sizeKey = []byte{'s'}

// NewAccumulator opens (or creates) an accumulator of the given depth over store.
func NewAccumulator(store Store, depth int) (*Accumulator, error) {
	if depth > 62 {
		return nil, fmt.Errorf("smt: accumulator depth %d > 62", depth)
	}
	t, err := newFixedTree(store, depth, EmptySlot())
	if err != nil {
		return nil, err
	}
	a := &Accumulator{t: t}
	b, err := store.Get(sizeKey)
	if err != nil {
		return nil, err
	}
	if b != nil {
		if len(b) != 8 {
			return nil, fmt.Errorf("%w: size entry of %d bytes", ErrCorruptStore, len(b))
		}
		a.size = binary.BigEndian.Uint64(b)
		if a.size > uint64(1)<<uint(depth) {
			return nil, fmt.Errorf("%w: size %d exceeds capacity", ErrCorruptStore, a.size)
		}
	}
	return a, nil
}

// Depth returns the accumulator depth.
func (a *Accumulator) Depth() int { return a.t.depth }

// Size returns the number of appended items.
func (a *Accumulator) Size() uint64 { return a.size }

// TreeRoot returns the raw Merkle root (without the size).
func (a *Accumulator) TreeRoot() (fr.Element, error) { return a.t.root() }

// Root returns AccumulatorRoot(TreeRoot(), Size()).
func (a *Accumulator) Root() (fr.Element, error) {
	r, err := a.t.root()
	if err != nil {
		return fr.Element{}, err
	}
	return AccumulatorRoot(r, a.size), nil
}

// Append adds item at position Size() and returns that position.
func (a *Accumulator) Append(item fr.Element) (uint64, error) {
	if a.size == uint64(1)<<uint(a.t.depth) {
		return 0, ErrAccumulatorFull
	}
	i := a.size
	b32 := item.Bytes()
	if err := a.t.store.Set(valueKey(i), b32[:]); err != nil {
		return 0, err
	}
	if err := a.t.setLeafHash(i, LeafHash(item)); err != nil {
		return 0, err
	}
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], i+1)
	if err := a.t.store.Set(sizeKey, b[:]); err != nil {
		return 0, err
	}
	a.size = i + 1
	return i, nil
}

// Siblings returns the sibling path of any slot (used to prove an append at Size()).
func (a *Accumulator) Siblings(index uint64) ([]fr.Element, error) { return a.t.siblings(index) }

// Get returns the item at index < Size().
func (a *Accumulator) Get(index uint64) (fr.Element, error) {
	if index >= a.size {
		return fr.Element{}, fmt.Errorf("%w: %d >= size %d", ErrIndexOutOfRange, index, a.size)
	}
	b, err := a.t.store.Get(valueKey(index))
	if err != nil {
		return fr.Element{}, err
	}
	item, err := hash.DecodeElement(b)
	if err != nil {
		return fr.Element{}, fmt.Errorf("%w: %v", ErrCorruptStore, err)
	}
	return item, nil
}

// Prove returns a proof of the item at index < Size() against the current root.
func (a *Accumulator) Prove(index uint64) (AccumulatorProof, error) {
	item, err := a.Get(index)
	if err != nil {
		return AccumulatorProof{}, err
	}
	sib, err := a.t.siblings(index)
	if err != nil {
		return AccumulatorProof{}, err
	}
	return AccumulatorProof{Index: index, Item: item, Size: a.size, Siblings: sib}, nil
}

// ComputeRoot returns the accumulator root implied by the proof.
func (p AccumulatorProof) ComputeRoot() fr.Element {
	return AccumulatorRoot(ComputeRoot(LeafHash(p.Item), p.Index, p.Siblings), p.Size)
}

// VerifyAccumulatorProof checks p against root for an accumulator of the given depth.
func VerifyAccumulatorProof(root fr.Element, depth int, p AccumulatorProof) error {
	if depth < 1 || depth > 62 || len(p.Siblings) != depth {
		return fmt.Errorf("%w: %d siblings, depth %d", ErrInvalidProof, len(p.Siblings), depth)
	}
	if p.Size > uint64(1)<<uint(depth) || p.Index >= p.Size {
		return fmt.Errorf("%w: index %d, size %d", ErrInvalidProof, p.Index, p.Size)
	}
	if p.ComputeRoot() != root {
		return ErrInvalidProof
	}
	return nil
}

// AccumulatorGrowth proves that an accumulator root of EarlierSize items is an earlier state of
// one of LaterSize items: item Last at position EarlierSize-1 and its path in the later tree.
// The earlier tree is the same path with every right sibling empty (append-only: slots below
// EarlierSize never change, slots above it were empty), so the earlier root is recomputed from
// the later tree's path and nothing it held can be missing from the later root.
type AccumulatorGrowth struct {
	// EarlierSize and LaterSize are the two item counts (1 <= EarlierSize <= LaterSize).
	EarlierSize, LaterSize uint64
	// Last is the item at position EarlierSize-1.
	Last fr.Element
	// Siblings are Last's path in the later tree, leaf level first (len = depth).
	Siblings []fr.Element
}

// ProveGrowth returns the proof that the accumulator's root at earlierSize items is an earlier
// state of its current root.
func (a *Accumulator) ProveGrowth(earlierSize uint64) (AccumulatorGrowth, error) {
	if earlierSize == 0 || earlierSize > a.size {
		return AccumulatorGrowth{}, fmt.Errorf("%w: earlier size %d of %d items", ErrInvalidProof, earlierSize, a.size)
	}
	p, err := a.Prove(earlierSize - 1)
	if err != nil {
		return AccumulatorGrowth{}, err
	}
	return AccumulatorGrowth{EarlierSize: earlierSize, LaterSize: a.size, Last: p.Item, Siblings: p.Siblings}, nil
}

// VerifyAccumulatorGrowth checks that earlier is an earlier state of the accumulator whose root
// is later, for accumulators of the given depth.
func VerifyAccumulatorGrowth(earlier, later fr.Element, depth int, g AccumulatorGrowth) error {
	if depth < 1 || depth > 62 || len(g.Siblings) != depth {
		return fmt.Errorf("%w: %d siblings, depth %d", ErrInvalidProof, len(g.Siblings), depth)
	}
	if g.EarlierSize == 0 || g.EarlierSize > g.LaterSize || g.LaterSize > uint64(1)<<uint(depth) {
		return fmt.Errorf("%w: sizes %d and %d", ErrInvalidProof, g.EarlierSize, g.LaterSize)
	}
	last, leaf := g.EarlierSize-1, LeafHash(g.Last)
	if AccumulatorRoot(ComputeRoot(leaf, last, g.Siblings), g.LaterSize) != later {
		return fmt.Errorf("%w: the path does not reach the later root", ErrInvalidProof)
	}
	empty := EmptyHashes(EmptySlot(), depth)
	before := make([]fr.Element, depth)
	for h := range before {
		before[h] = g.Siblings[h]
		if last>>uint(h)&1 == 0 { // a right sibling: empty before the later items were appended
			before[h] = empty[h]
		}
	}
	if AccumulatorRoot(ComputeRoot(leaf, last, before), g.EarlierSize) != earlier {
		return fmt.Errorf("%w: the earlier root is not a state of the later one", ErrInvalidProof)
	}
	return nil
}
