package hash

import (
	"math/big"

	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/std/permutation/poseidon2"
)

// HashGadget is the in-circuit equivalent of Hash: same domain, same inputs,
// same output. The domain and the arity are compile-time constants.
func HashGadget(api frontend.API, d Domain, in ...frontend.Variable) frontend.Variable {
	if len(in) == 0 {
		st := []frontend.Variable{0, 0, ivConstant(d, 0)}
		permuteGadget(api, st)
		return st[0]
	}
	return PrefixGadget(api, d, len(in)).Sum(in...)
}

// SpongeGadget is the state of HashGadget(d, x_0..x_{n-1}) after absorbing a
// prefix x_0..x_{k-1} (k even). Records that share their domain, their arity
// and their first k inputs (the old and the new state of one account) can
// start from one SpongeGadget and pay the prefix's k/2 permutations once.
// Values are immutable: Absorb and Sum never change the receiver.
type SpongeGadget struct {
	api      frontend.API
	st       [Width]frontend.Variable
	n, taken int
}

// PrefixGadget starts HashGadget(d, ...) for n > 0 inputs.
func PrefixGadget(api frontend.API, d Domain, n int) SpongeGadget {
	if n <= 0 {
		panic("hash: PrefixGadget needs at least one input")
	}
	return SpongeGadget{api: api, st: [Width]frontend.Variable{0, 0, ivConstant(d, n)}, n: n}
}

// Absorb returns the state after absorbing the next inputs, an even number of
// them that leaves at least one input for Sum.
func (s SpongeGadget) Absorb(in ...frontend.Variable) SpongeGadget {
	if len(in)%Rate != 0 || s.taken+len(in) >= s.n {
		panic("hash: Absorb takes whole blocks and leaves at least one input")
	}
	return s.absorb(in)
}

// Sum absorbs the remaining inputs (exactly the n - k not yet absorbed) and
// returns the hash, equal to Hash(d, all n inputs).
func (s SpongeGadget) Sum(rest ...frontend.Variable) frontend.Variable {
	if s.taken+len(rest) != s.n || len(rest) == 0 {
		panic("hash: Sum needs exactly the inputs not yet absorbed")
	}
	return s.absorb(rest).st[0]
}

func (s SpongeGadget) absorb(in []frontend.Variable) SpongeGadget {
	st := s.st[:] // s is a copy: its array is ours
	for i := 0; i < len(in); i += Rate {
		st[0] = s.api.Add(st[0], in[i])
		if i+1 < len(in) {
			st[1] = s.api.Add(st[1], in[i+1])
		}
		permuteGadget(s.api, st)
	}
	s.taken += len(in)
	return s
}

// ivConstant is capacityIV(d, n) as a circuit constant.
func ivConstant(d Domain, n int) *big.Int {
	iv := capacityIV(d, n)
	var b big.Int
	iv.BigInt(&b)
	return &b
}

// permuteGadget applies the t = 3 permutation in place.
func permuteGadget(api frontend.API, st []frontend.Variable) {
	perm, err := poseidon2.NewPoseidon2FromParameters(api, Width, FullRounds, PartialRounds)
	if err != nil {
		panic(err)
	}
	if err := perm.Permutation(st); err != nil {
		panic(err)
	}
}

// NodeGadget is the in-circuit inner-node compression, equal to Node (gnark's
// std/permutation/poseidon2 t=2 Compress, 186 R1CS constraints).
func NodeGadget(api frontend.API, l, r frontend.Variable) frontend.Variable {
	perm, err := poseidon2.NewPoseidon2FromParameters(api, NodeWidth, NodeFullRounds, NodePartialRounds)
	if err != nil {
		panic(err)
	}
	return perm.Compress(l, r)
}
