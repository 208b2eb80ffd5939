package smt

import (
	"math/big"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark/frontend"

	"github.com/slush-tree/slush/circuits/hash"
)

func constant(e fr.Element) *big.Int {
	var b big.Int
	e.BigInt(&b)
	return &b
}

// IndexBitsGadget decomposes index into depth boolean bits (leaf level first)
// and thereby asserts index < 2^depth.
func IndexBitsGadget(api frontend.API, index frontend.Variable, depth int) []frontend.Variable {
	return api.ToBinary(index, depth)
}

// RootGadget folds leafHash up a Merkle path: bits[h] (which MUST be
// boolean-constrained, e.g. from IndexBitsGadget) selects whether the running
// hash is the right (1) or left (0) child at height h. It costs one
// constraint plus one NodeGadget per level.
func RootGadget(api frontend.API, leafHash frontend.Variable, bits, siblings []frontend.Variable) frontend.Variable {
	if len(bits) != len(siblings) {
		panic("smt: bits and siblings lengths differ")
	}
	cur := leafHash
	for h := range siblings {
		d := api.Mul(bits[h], api.Sub(siblings[h], cur))
		left := api.Add(cur, d)
		right := api.Sub(siblings[h], d)
		cur = hash.NodeGadget(api, left, right)
	}
	return cur
}

// LeafHashGadget is the in-circuit LeafHash: Hash(DomainLeaf, value).
func LeafHashGadget(api frontend.API, value frontend.Variable) frontend.Variable {
	return hash.HashGadget(api, hash.DomainLeaf, value)
}

// MembershipGadget returns the SMT root under which value (0 = absent) sits at
// index; the depth is len(siblings) and index is asserted < 2^depth.
func MembershipGadget(api frontend.API, value, index frontend.Variable, siblings []frontend.Variable) frontend.Variable {
	bits := IndexBitsGadget(api, index, len(siblings))
	return RootGadget(api, LeafHashGadget(api, value), bits, siblings)
}

// UpdateGadget returns the roots before and after replacing oldValue with
// newValue at index, both computed with the same path bits and siblings. The
// caller asserts oldRoot equals the known root and carries newRoot forward.
func UpdateGadget(api frontend.API, oldValue, newValue, index frontend.Variable, siblings []frontend.Variable) (oldRoot, newRoot frontend.Variable) {
	bits := IndexBitsGadget(api, index, len(siblings))
	oldRoot = RootGadget(api, LeafHashGadget(api, oldValue), bits, siblings)
	newRoot = RootGadget(api, LeafHashGadget(api, newValue), bits, siblings)
	return oldRoot, newRoot
}

// AccumulatorRootGadget is the in-circuit AccumulatorRoot(treeRoot, size).
func AccumulatorRootGadget(api frontend.API, treeRoot, size frontend.Variable) frontend.Variable {
	return hash.HashGadget(api, hash.DomainAccumulator, treeRoot, size)
}

// AccumulatorMembershipGadget returns the accumulator root under which item
// was appended at index of an accumulator holding size items. It asserts
// index < 2^depth and index < size (depth = len(siblings)).
func AccumulatorMembershipGadget(api frontend.API, item, index, size frontend.Variable, siblings []frontend.Variable) frontend.Variable {
	depth := len(siblings)
	bits := IndexBitsGadget(api, index, depth)
	// size - 1 - index in [0, 2^depth): index < size (and size < 2^(depth+1)).
	api.ToBinary(api.Sub(size, api.Add(index, 1)), depth)
	tree := RootGadget(api, LeafHashGadget(api, item), bits, siblings)
	return AccumulatorRootGadget(api, tree, size)
}

// AccumulatorAppendGadget returns the accumulator roots before and after
// appending item at position size: it asserts that slot was EmptySlot() and
// size < 2^depth (depth = len(siblings)).
func AccumulatorAppendGadget(api frontend.API, size, item frontend.Variable, siblings []frontend.Variable) (oldRoot, newRoot frontend.Variable) {
	bits := IndexBitsGadget(api, size, len(siblings))
	oldTree := RootGadget(api, constant(EmptySlot()), bits, siblings)
	newTree := RootGadget(api, LeafHashGadget(api, item), bits, siblings)
	oldRoot = AccumulatorRootGadget(api, oldTree, size)
	newRoot = AccumulatorRootGadget(api, newTree, api.Add(size, 1))
	return oldRoot, newRoot
}

// ElementsToVariables converts native elements into circuit assignment values.
func ElementsToVariables(in []fr.Element) []frontend.Variable {
	out := make([]frontend.Variable, len(in))
	for i := range in {
		out[i] = in[i]
	}
	return out
}

// AccumulatorGrowthGadget is VerifyAccumulatorGrowth's in-circuit twin: it asserts that item last
// sits at position earlierSize-1 of the accumulator whose root is later (so 1 <= earlierSize <=
// laterSize, earlierSize <= 2^depth, depth = len(siblings)) and returns the root the accumulator
// had at earlierSize items — the same path with every right sibling empty (append-only).
func AccumulatorGrowthGadget(api frontend.API, later, earlierSize, laterSize, last frontend.Variable, siblings []frontend.Variable) (earlier frontend.Variable) {
	depth := len(siblings)
	index := api.Sub(earlierSize, 1)
	bits := IndexBitsGadget(api, index, depth) // earlierSize in 1..2^depth
	api.ToBinary(api.Sub(laterSize, earlierSize), depth)
	leaf := LeafHashGadget(api, last)
	api.AssertIsEqual(AccumulatorRootGadget(api, RootGadget(api, leaf, bits, siblings), laterSize), later)
	empty := EmptyHashes(EmptySlot(), depth)
	before := make([]frontend.Variable, depth)
	for h := range siblings {
		before[h] = api.Select(bits[h], siblings[h], constant(empty[h])) // a right sibling was empty
	}
	return AccumulatorRootGadget(api, RootGadget(api, leaf, bits, before), earlierSize)
}
