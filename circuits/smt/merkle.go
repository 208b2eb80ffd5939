package smt

import (
	"encoding/binary"
	"errors"
	"fmt"
	"sync"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"

	"github.com/slush-tree/slush/circuits/hash"
)

// MaxDepth is the largest supported tree depth (indices are uint64).
const MaxDepth = 64

// ErrIndexOutOfRange is returned for an index >= 2^depth.
var ErrIndexOutOfRange = errors.New("smt: index out of range")

// ErrCorruptStore is returned when a stored node is not a canonical element.
var ErrCorruptStore = errors.New("smt: corrupt store entry")

// LeafHash is the leaf-level hash of a stored value: Hash(DomainLeaf, value).
func LeafHash(value fr.Element) fr.Element { return hash.Hash(hash.DomainLeaf, value) }

// EmptyHashes returns e[0..depth] where e[0] is emptyLeaf and
// e[h+1] = Node(e[h], e[h]).
func EmptyHashes(emptyLeaf fr.Element, depth int) []fr.Element {
	key := emptyKey{leaf: emptyLeaf, depth: depth}
	emptyMemo.Lock()
	e, ok := emptyMemo.m[key]
	emptyMemo.Unlock()
	if !ok {
		e = make([]fr.Element, depth+1)
		e[0] = emptyLeaf
		for h := 0; h < depth; h++ {
			e[h+1] = hash.Node(e[h], e[h])
		}
		emptyMemo.Lock()
		emptyMemo.m[key] = e
		emptyMemo.Unlock()
	}
	return append([]fr.Element(nil), e...)
}

// emptyKey identifies one chain of empty-subtree hashes.
type emptyKey struct {
	leaf  fr.Element
	depth int
}

// emptyMemo remembers empty-subtree hashes: every tree opened on a store (a keeper opens one
// per message) would otherwise recompute depth hashes. The values are pure functions of the key.
var emptyMemo = struct {
	sync.Mutex
	m map[emptyKey][]fr.Element
}{m: map[emptyKey][]fr.Element{}}

// fixedTree is a fixed-depth binary Merkle tree over a Store in which every
// absent node equals the empty subtree hash of its height. Nodes equal to the
// empty hash are deleted, so the store content depends only on the set of
// leaves, never on the history of operations.
type fixedTree struct {
	depth int
	store Store
	empty []fr.Element
}

func newFixedTree(store Store, depth int, emptyLeaf fr.Element) (*fixedTree, error) {
	if depth < 1 || depth > MaxDepth {
		return nil, fmt.Errorf("smt: depth %d out of range [1, %d]", depth, MaxDepth)
	}
	if store == nil {
		return nil, errors.New("smt: nil store")
	}
	return &fixedTree{depth: depth, store: store, empty: EmptyHashes(emptyLeaf, depth)}, nil
}

// nodeKey is 'n' || height || big-endian position at that height.
func nodeKey(height int, pos uint64) []byte {
	k := make([]byte, 10)
	k[0] = 'n'
	k[1] = byte(height)
	binary.BigEndian.PutUint64(k[2:], pos)
	return k
}

func (t *fixedTree) checkIndex(index uint64) error {
	if t.depth < 64 && index>>uint(t.depth) != 0 {
		return fmt.Errorf("%w: %d >= 2^%d", ErrIndexOutOfRange, index, t.depth)
	}
	return nil
}

func (t *fixedTree) node(height int, pos uint64) (fr.Element, error) {
	b, err := t.store.Get(nodeKey(height, pos))
	if err != nil {
		return fr.Element{}, err
	}
	if b == nil {
		return t.empty[height], nil
	}
	e, err := hash.DecodeElement(b)
	if err != nil {
		return fr.Element{}, fmt.Errorf("%w: %v", ErrCorruptStore, err)
	}
	return e, nil
}

func (t *fixedTree) setNode(height int, pos uint64, v fr.Element) error {
	if v == t.empty[height] {
		return t.store.Delete(nodeKey(height, pos))
	}
	return t.store.Set(nodeKey(height, pos), hash.EncodeElement(v))
}

func (t *fixedTree) root() (fr.Element, error) { return t.node(t.depth, 0) }

// siblings returns the depth siblings of index, from the leaf level upward.
func (t *fixedTree) siblings(index uint64) ([]fr.Element, error) {
	if err := t.checkIndex(index); err != nil {
		return nil, err
	}
	sib := make([]fr.Element, t.depth)
	pos := index
	for h := 0; h < t.depth; h++ {
		s, err := t.node(h, pos^1)
		if err != nil {
			return nil, err
		}
		sib[h] = s
		pos >>= 1
	}
	return sib, nil
}

// setLeafHash writes leaf-level hash lh at index and rehashes the path.
func (t *fixedTree) setLeafHash(index uint64, lh fr.Element) error {
	if err := t.checkIndex(index); err != nil {
		return err
	}
	sib, err := t.siblings(index)
	if err != nil {
		return err
	}
	cur := lh
	pos := index
	for h := 0; h < t.depth; h++ {
		if err := t.setNode(h, pos, cur); err != nil {
			return err
		}
		if pos&1 == 0 {
			cur = hash.Node(cur, sib[h])
		} else {
			cur = hash.Node(sib[h], cur)
		}
		pos >>= 1
	}
	return t.setNode(t.depth, 0, cur)
}

// ComputeRoot folds a leaf-level hash up a path: bit h of index selects
// whether the running hash is the right (1) or left (0) child at height h.
func ComputeRoot(leafHash fr.Element, index uint64, siblings []fr.Element) fr.Element {
	cur := leafHash
	for h := range siblings {
		if (index>>uint(h))&1 == 0 {
			cur = hash.Node(cur, siblings[h])
		} else {
			cur = hash.Node(siblings[h], cur)
		}
	}
	return cur
}
