package hash

import (
	"math/big"

	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/std/permutation/poseidon2"
)

// HashGadget is the in-circuit equivalent of Hash: same domain, same inputs,
// same output. The domain and the arity are compile-time constants.
func HashGadget(api frontend.API, d Domain, in ...frontend.Variable) frontend.Variable {
	perm, err := poseidon2.NewPoseidon2FromParameters(api, Width, FullRounds, PartialRounds)
	if err != nil {
		panic(err)
	}
	iv := capacityIV(d, len(in))
	var ivBig big.Int
	iv.BigInt(&ivBig)
	st := []frontend.Variable{0, 0, ivBig}
	if len(in) == 0 {
		if err := perm.Permutation(st); err != nil {
			panic(err)
		}
		return st[0]
	}
	for i := 0; i < len(in); i += Rate {
		st[0] = api.Add(st[0], in[i])
		if i+1 < len(in) {
			st[1] = api.Add(st[1], in[i+1])
		}
		if err := perm.Permutation(st); err != nil {
			panic(err)
		}
	}
	return st[0]
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
