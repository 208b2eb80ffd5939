// Package smt provides a sparse Merkle tree (key = index < 2^depth, value = a
// field element, 0 meaning absent) and an append-only Merkle accumulator,
// both native over a pluggable KV Store and as gnark gadgets.
//
// Hashing (all from package hash): the leaf level of the SMT holds
// LeafHash(v) = Hash(DomainLeaf, v) (so the empty leaf is Hash(DomainLeaf, 0)),
// a domain-tagged t=3 sponge output; internal nodes are Node(l, r), the
// untagged Poseidon2 t=2 compression. Every tree has a fixed depth that the
// verifier supplies (VerifyProof's depth, the gadgets' len(siblings)), so a
// proof never has a shorter or longer path and a node never stands at the leaf
// level. Independently of the depth, a leaf-level value is a tagged sponge
// output and a node a compression output: presenting one as the other needs a
// cross-function collision (TestLeafAsNodeRejected, TestVariableDepthRejected).
package smt

import (
	"errors"
	"fmt"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"

	"github.com/slush-tree/slush/circuits/hash"
)

// Tree is a deterministic sparse Merkle tree of fixed depth.
type Tree struct {
	t *fixedTree
}

// Proof is a membership (value != 0) or non-membership (value == 0) proof.
type Proof struct {
	// Index is the leaf position; bit h is the path bit at height h.
	Index uint64
	// Value is the leaf value (0 = absent).
	Value fr.Element
	// Siblings are the sibling hashes from the leaf level upward (len = depth).
	Siblings []fr.Element
}

// ErrInvalidProof is returned by VerifyProof for a proof that does not match the root.
var ErrInvalidProof = errors.New("smt: invalid proof")

// New opens (or creates) a sparse Merkle tree of the given depth over store.
func New(store Store, depth int) (*Tree, error) {
	var zero fr.Element
	t, err := newFixedTree(store, depth, LeafHash(zero))
	if err != nil {
		return nil, err
	}
	return &Tree{t: t}, nil
}

// Depth returns the tree depth.
func (t *Tree) Depth() int { return t.t.depth }

// Root returns the current root.
func (t *Tree) Root() (fr.Element, error) { return t.t.root() }

// EmptyRoot returns the root of an empty SMT of the given depth.
func EmptyRoot(depth int) fr.Element {
	var zero fr.Element
	return EmptyHashes(LeafHash(zero), depth)[depth]
}

// valueKey is 'v' || big-endian index.
func valueKey(index uint64) []byte {
	k := nodeKey(0, index)
	k[0], k[1] = 'v', 0
	return k
}

// Get returns the value at index (0 if absent).
func (t *Tree) Get(index uint64) (fr.Element, error) {
	if err := t.t.checkIndex(index); err != nil {
		return fr.Element{}, err
	}
	b, err := t.t.store.Get(valueKey(index))
	if err != nil || b == nil {
		return fr.Element{}, err
	}
	e, err := hash.DecodeElement(b)
	if err != nil {
		return fr.Element{}, fmt.Errorf("%w: %v", ErrCorruptStore, err)
	}
	return e, nil
}

// Set writes value at index; a zero value deletes the entry.
func (t *Tree) Set(index uint64, value fr.Element) error {
	if err := t.t.checkIndex(index); err != nil {
		return err
	}
	if value.IsZero() {
		if err := t.t.store.Delete(valueKey(index)); err != nil {
			return err
		}
	} else {
		b := value.Bytes()
		if err := t.t.store.Set(valueKey(index), b[:]); err != nil {
			return err
		}
	}
	return t.t.setLeafHash(index, LeafHash(value))
}

// Delete removes the entry at index (same as Set(index, 0)).
func (t *Tree) Delete(index uint64) error { return t.Set(index, fr.Element{}) }

// Prove returns a proof for the value currently at index.
func (t *Tree) Prove(index uint64) (Proof, error) {
	v, err := t.Get(index)
	if err != nil {
		return Proof{}, err
	}
	sib, err := t.t.siblings(index)
	if err != nil {
		return Proof{}, err
	}
	return Proof{Index: index, Value: v, Siblings: sib}, nil
}

// Bits returns the path bits of the proof, leaf level first.
func (p Proof) Bits() []uint8 {
	b := make([]uint8, len(p.Siblings))
	for h := range b {
		b[h] = uint8((p.Index >> uint(h)) & 1)
	}
	return b
}

// ComputeRoot returns the root implied by the proof.
func (p Proof) ComputeRoot() fr.Element {
	return ComputeRoot(LeafHash(p.Value), p.Index, p.Siblings)
}

// VerifyProof checks that p proves p.Value at p.Index under root in a tree of
// the given depth.
func VerifyProof(root fr.Element, depth int, p Proof) error {
	if len(p.Siblings) != depth {
		return fmt.Errorf("%w: %d siblings, depth %d", ErrInvalidProof, len(p.Siblings), depth)
	}
	if depth < 64 && p.Index>>uint(depth) != 0 {
		return fmt.Errorf("%w: %v", ErrInvalidProof, ErrIndexOutOfRange)
	}
	if p.ComputeRoot() != root {
		return ErrInvalidProof
	}
	return nil
}
