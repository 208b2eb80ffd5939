// Package hash is the single ZK-friendly hash of Slush: a domain-tagged
// Poseidon2 sponge over the BN254 scalar field, with a native implementation
// (gnark-crypto fr.Element) and an in-circuit gadget (gnark frontend.API) that
// produce identical results.
//
// Construction. The permutation is Poseidon2 of width t = 3 over BN254 fr,
// S-box x^5, 8 full rounds and 56 partial rounds (the HorizenLabs reference
// round numbers for t = 3 at 128-bit security), with round constants derived
// by gnark-crypto's poseidon2.NewParameters(3, 8, 56). Hash(d, x_0..x_{n-1})
// is a sponge of rate 2 and capacity 1:
//
//	state = [0, 0, d + n*2^64]          // capacity lane = domain tag and arity
//	for each pair (x_2i, x_2i+1):        // a missing last element is 0
//	    state[0] += x_2i; state[1] += x_2i+1; state = P(state)
//	(n = 0: state = P(state) once)
//	output state[0]
//
// Because the domain and the number of inputs are fixed in the capacity lane,
// no two (domain, arity) pairs share an initial state: a record of one type
// can never be read as a record of another type, and zero padding is
// unambiguous. Every leaf and every record is hashed this way.
//
// Inner Merkle nodes are the exception: Node(l, r) is the untagged Poseidon2
// width-2 compression of gnark-crypto (t = 2, rF = 6, rP = 50, the Compress of
// poseidon2.NewDefaultPermutation: P(l, r)[1] + r), 186 R1CS constraints
// instead of 240. This is only used for the inner nodes of FIXED-depth trees
// whose leaf level is domain-tagged (package smt): the verifier fixes the
// depth, so a node never stands at the leaf level, and a leaf-level value is
// always a tagged sponge output, which a compression output cannot equal
// without a cross-function collision.
package hash

import (
	"errors"
	"fmt"
	"math/big"
	"sync"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	p2 "github.com/consensys/gnark-crypto/ecc/bn254/fr/poseidon2"
)

// Domain is a domain-separation tag; it occupies the low 64 bits of the
// sponge's capacity lane. Values of existing constants never change.
type Domain uint64

// Domain tags. Append new tags at the end; never renumber.
const (
	// DomainLeaf tags the leaf level of a Merkle tree (SMT leaf, accumulator item).
	DomainLeaf Domain = 1
	// DomainNode tagged internal Merkle nodes until they became the untagged
	// Node compression; the value stays reserved and is never reused.
	DomainNode Domain = 2
	// DomainAccount tags a ledger account record.
	DomainAccount Domain = 3
	// DomainMessage tags a bridge message (outbox item).
	DomainMessage Domain = 4
	// DomainReceipt tags a bridge receipt (receipt-tree item).
	DomainReceipt Domain = 5
	// DomainCommitment tags a validium commitment record.
	DomainCommitment Domain = 6
	// DomainChild tags a children-SMT value: (child index, child commitment).
	DomainChild Domain = 7
	// DomainAcceptance tags the acceptance-histogram digest.
	DomainAcceptance Domain = 8
	// DomainEmpty tags an unfilled slot of an append-only accumulator.
	DomainEmpty Domain = 9
	// DomainAccumulator tags an accumulator root: (Merkle root, size).
	DomainAccumulator Domain = 10
	// DomainOperatorKey tags an operator public key hash.
	DomainOperatorKey Domain = 11
	// DomainProofStatement tags the statement of an inner proof verified inside another
	// circuit: the hash of its public inputs (package recursion).
	DomainProofStatement Domain = 12
	// DomainSubtreeStep tags the statement of a subtree step proof: one move of a chain's
	// children root by a proven child update (package subtree, DESIGN §5 issue 16).
	DomainSubtreeStep Domain = 13
)

// Width, FullRounds and PartialRounds are the Poseidon2 parameters in use.
const (
	// Width is the Poseidon2 state width t.
	Width = 3
	// FullRounds is the number of full rounds rF.
	FullRounds = 8
	// PartialRounds is the number of partial rounds rP.
	PartialRounds = 56
	// Rate is the number of field elements absorbed per permutation.
	Rate = Width - 1
	// MaxInputs bounds the arity of one Hash call (it is encoded above bit 64
	// of the capacity lane).
	MaxInputs = 1 << 32
)

// NodeWidth, NodeFullRounds and NodePartialRounds are the parameters of the
// inner-node compression: gnark-crypto's default BN254 Poseidon2 permutation.
const (
	// NodeWidth is the width of the node permutation (a 2-to-1 compression).
	NodeWidth = 2
	// NodeFullRounds is its number of full rounds.
	NodeFullRounds = 6
	// NodePartialRounds is its number of partial rounds.
	NodePartialRounds = 50
)

var permutation = sync.OnceValue(func() *p2.Permutation {
	return p2.NewPermutation(Width, FullRounds, PartialRounds)
})

var nodePermutation = sync.OnceValue(func() *p2.Permutation {
	return p2.NewPermutation(NodeWidth, NodeFullRounds, NodePartialRounds)
})

// capacityIV returns d + n*2^64 as a field element.
func capacityIV(d Domain, n int) fr.Element {
	if n < 0 || n >= MaxInputs {
		panic(fmt.Sprintf("hash: arity %d out of range", n))
	}
	var v big.Int
	v.SetUint64(uint64(n))
	v.Lsh(&v, 64)
	v.Or(&v, new(big.Int).SetUint64(uint64(d)))
	var e fr.Element
	e.SetBigInt(&v) // < 2^96 < r: no reduction
	return e
}

// Hash returns the domain-tagged Poseidon2 sponge hash of in.
func Hash(d Domain, in ...fr.Element) fr.Element {
	perm := permutation()
	var st [Width]fr.Element
	st[2] = capacityIV(d, len(in))
	if len(in) == 0 {
		if err := perm.Permutation(st[:]); err != nil {
			panic(err)
		}
		return st[0]
	}
	for i := 0; i < len(in); i += Rate {
		st[0].Add(&st[0], &in[i])
		if i+1 < len(in) {
			st[1].Add(&st[1], &in[i+1])
		}
		if err := perm.Permutation(st[:]); err != nil {
			panic(err)
		}
	}
	return st[0]
}

// Node returns the inner-node hash of a fixed-depth Merkle tree: the untagged
// Poseidon2 t=2 compression P(l, r)[1] + r (gnark-crypto's
// NewDefaultPermutation().Compress on the canonical encodings). Never use it
// for a leaf, a record or a tree whose depth the verifier does not fix.
func Node(l, r fr.Element) fr.Element {
	st := [NodeWidth]fr.Element{l, r}
	if err := nodePermutation().Permutation(st[:]); err != nil {
		panic(err)
	}
	st[1].Add(&st[1], &r)
	return st[1]
}

// Uint64 returns v as a field element.
func Uint64(v uint64) fr.Element {
	var e fr.Element
	e.SetUint64(v)
	return e
}

// ErrNonCanonical is returned for an encoding that is not a canonical field element.
var ErrNonCanonical = errors.New("hash: non-canonical field element encoding")

// ElementSize is the length in bytes of an encoded field element.
const ElementSize = fr.Bytes

// DecodeElement decodes exactly 32 big-endian bytes into a field element,
// rejecting values >= r (never reducing them).
func DecodeElement(b []byte) (fr.Element, error) {
	var e fr.Element
	if len(b) != ElementSize {
		return e, fmt.Errorf("%w: length %d, want %d", ErrNonCanonical, len(b), ElementSize)
	}
	if err := e.SetBytesCanonical(b); err != nil {
		return fr.Element{}, fmt.Errorf("%w: %v", ErrNonCanonical, err)
	}
	return e, nil
}

// EncodeElement returns the canonical 32-byte big-endian encoding of e.
func EncodeElement(e fr.Element) []byte {
	b := e.Bytes()
	return b[:]
}

// EncodeElements returns each element's canonical encoding (an SMT path as messages carry it;
// nil for none).
func EncodeElements(es []fr.Element) [][]byte {
	if len(es) == 0 {
		return nil
	}
	out := make([][]byte, len(es))
	for i, e := range es {
		out[i] = EncodeElement(e)
	}
	return out
}

// DecodeElements decodes a concatenation of 32-byte canonical encodings.
func DecodeElements(b []byte) ([]fr.Element, error) {
	if len(b)%ElementSize != 0 {
		return nil, fmt.Errorf("%w: length %d is not a multiple of %d", ErrNonCanonical, len(b), ElementSize)
	}
	out := make([]fr.Element, len(b)/ElementSize)
	for i := range out {
		e, err := DecodeElement(b[i*ElementSize : (i+1)*ElementSize])
		if err != nil {
			return nil, fmt.Errorf("element %d: %w", i, err)
		}
		out[i] = e
	}
	return out, nil
}
