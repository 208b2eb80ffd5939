package ledger

import (
	"math/big"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	tedwards "github.com/consensys/gnark-crypto/ecc/twistededwards"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/std/algebra/native/twistededwards"
	sigcircuit "github.com/consensys/gnark/std/signature/eddsa"

	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/smt"
)

// AccountHashGadget is the in-circuit Account.Hash.
func AccountHashGadget(api frontend.API, owner, asset, balance, nonce frontend.Variable) frontend.Variable {
	return hash.HashGadget(api, hash.DomainAccount, owner, asset, balance, nonce)
}

// AccountHashesGadget returns the in-circuit Account.Hash of (owner, asset, oldBalance, oldNonce)
// and of (owner, asset, newBalance, newNonce): the old and the new record of one account. The
// sponge absorbs (owner, asset) with its first permutation, so both records share it (3
// permutations instead of 4); the records are exactly those of AccountHashGadget.
func AccountHashesGadget(api frontend.API, owner, asset, oldBalance, oldNonce, newBalance, newNonce frontend.Variable) (old, upd frontend.Variable) {
	s := hash.PrefixGadget(api, hash.DomainAccount, 4).Absorb(owner, asset)
	return s.Sum(oldBalance, oldNonce), s.Sum(newBalance, newNonce)
}

// OwnerGadget is the in-circuit OwnerHash of a public key.
func OwnerGadget(api frontend.API, pk sigcircuit.PublicKey) frontend.Variable {
	return hash.HashGadget(api, DomainOwner, pk.A.X, pk.A.Y)
}

// LedgerRootGadget is the in-circuit LedgerRoot.
func LedgerRootGadget(api frontend.API, accountsRoot, numAccounts frontend.Variable) frontend.Variable {
	return hash.HashGadget(api, DomainLedgerRoot, accountsRoot, numAccounts)
}

// RangeGadget asserts 0 <= v < 2^bits (bits+1 constraints).
func RangeGadget(api frontend.API, v frontend.Variable, bits int) {
	api.ToBinary(v, bits)
}

// PathGadget folds two leaf hashes up the same Merkle path (bits must be
// boolean-constrained) and returns the nodes at every height 0..len(bits)
// for both: old[h] and upd[h] are the roots of the height-h subtrees. Index
// len(bits) holds the roots; lower heights serve trees shallower than the path.
func PathGadget(api frontend.API, oldLeaf, newLeaf frontend.Variable, bits, siblings []frontend.Variable) (old, upd []frontend.Variable) {
	if len(bits) != len(siblings) {
		panic("ledger: bits and siblings lengths differ")
	}
	old = append(make([]frontend.Variable, 0, len(bits)+1), oldLeaf)
	upd = append(make([]frontend.Variable, 0, len(bits)+1), newLeaf)
	for h := range bits {
		old = append(old, smt.RootGadget(api, old[h], bits[h:h+1], siblings[h:h+1]))
		upd = append(upd, smt.RootGadget(api, upd[h], bits[h:h+1], siblings[h:h+1]))
	}
	return old, upd
}

// ChallengeHasher is the in-circuit EdDSA challenge hash (gnark
// hash.FieldHasher): Sum() = Hash(DomainChallenge, everything written).
type ChallengeHasher struct {
	api frontend.API
	in  []frontend.Variable
}

// NewChallengeHasher returns an empty ChallengeHasher.
func NewChallengeHasher(api frontend.API) *ChallengeHasher { return &ChallengeHasher{api: api} }

// Write appends inputs.
func (h *ChallengeHasher) Write(data ...frontend.Variable) { h.in = append(h.in, data...) }

// Sum returns the hash of all inputs written since the last Reset.
func (h *ChallengeHasher) Sum() frontend.Variable {
	return hash.HashGadget(h.api, DomainChallenge, h.in...)
}

// Reset forgets the inputs.
func (h *ChallengeHasher) Reset() { h.in = nil }

// SignatureGadget returns 1 if sig is a valid EdDSA (BabyJubJub) signature of
// msg under pk and 0 otherwise, with the challenge hash of VerifyElement. It
// asserts pk is on the curve and (inside gnark's eddsa.IsValid) S < the
// subgroup order, so the caller must always assign a well-formed signature
// (unsigned slots use a fixed dummy one).
func SignatureGadget(api frontend.API, pk sigcircuit.PublicKey, sig sigcircuit.Signature, msg frontend.Variable) frontend.Variable {
	curve, err := twistededwards.NewEdCurve(api, tedwards.BN254)
	if err != nil {
		panic(err)
	}
	curve.AssertIsOnCurve(pk.A)
	valid, err := sigcircuit.IsValid(curve, sig, msg, pk, NewChallengeHasher(api))
	if err != nil {
		panic(err)
	}
	return valid
}

// constant returns e as a circuit constant.
func constant(e fr.Element) *big.Int {
	var b big.Int
	e.BigInt(&b)
	return &b
}
