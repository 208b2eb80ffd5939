package ledger

import (
	"math/big"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	tedwards "github.com/consensys/gnark-crypto/ecc/twistededwards"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/std/algebra/native/twistededwards"
	"github.com/consensys/gnark/std/math/bits"
	"github.com/consensys/gnark/std/math/cmp"
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
func LedgerRootGadget(api frontend.API, accountsRoot, numAccounts, consumedRoot frontend.Variable) frontend.Variable {
	return hash.HashGadget(api, DomainLedgerRoot, accountsRoot, numAccounts, consumedRoot)
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
// asserts pk is on the curve and S < the subgroup order, so the caller must
// always assign a well-formed signature (unsigned slots use a fixed dummy one).
//
// It accepts exactly what gnark's std/signature/eddsa.IsValid accepts (the
// same steps: H = H(R, A, M), assert S < order, Q = [S]G - [H]A on the curve,
// [8](R - Q) is the identity), for about 1,000 fewer constraints: S is
// decomposed once (251 bits, which bounds it below 2^251, then compared with
// the order bit by bit) and those bits drive the scalar multiplication, where
// gnark decomposes S twice to 254 bits; and the table lookup of the double-base
// multiplication uses that G is a constant (doubleBaseMulG).
func SignatureGadget(api frontend.API, pk sigcircuit.PublicKey, sig sigcircuit.Signature, msg frontend.Variable) frontend.Variable {
	curve, err := twistededwards.NewEdCurve(api, tedwards.BN254)
	if err != nil {
		panic(err)
	}
	curve.AssertIsOnCurve(pk.A)
	h := NewChallengeHasher(api)
	h.Write(sig.R.X, sig.R.Y, pk.A.X, pk.A.Y, msg)
	hRAM := h.Sum()

	order := curve.Params().Order
	sBits := bits.ToBinary(api, sig.S, bits.WithNbDigits(order.BitLen())) // S < 2^251
	orderBits := make([]frontend.Variable, order.BitLen())
	for i := range orderBits {
		orderBits[i] = order.Bit(i)
	}
	api.AssertIsEqual(cmp.IsLessBinary(api, sBits, orderBits), 1) // S < order
	hBits := bits.ToBinary(api, hRAM)                             // all 254 bits, unique (< r)

	q := doubleBaseMulG(api, curve, curve.Neg(pk.A), sBits, hBits) // [S]G - [H]A
	curve.AssertIsOnCurve(q)
	q = curve.Add(curve.Neg(q), sig.R)
	if c := curve.Params().Cofactor; !c.IsUint64() || c.Uint64() != 8 {
		panic("ledger: BabyJubJub cofactor is not 8")
	}
	q = curve.Double(curve.Double(curve.Double(q)))
	return api.And(api.IsZero(q.X), api.IsZero(api.Sub(q.Y, 1)))
}

// doubleBaseMulG returns [s]G + [h]P for the curve's base point G, with s and h
// given as boolean bits, least significant first: a left-to-right double-and-add
// over both scalars at once (Shamir's trick, as gnark's DoubleBaseScalarMul),
// with the complete twisted-Edwards formulas of curve.Add and curve.Double, so
// it is correct for every on-curve P and every scalar, zero included. Each step
// adds one of O, G, P, G+P; because G is a constant, that lookup costs 4
// constraints instead of gnark's 6 (2 per coordinate:
// X = s·Gx + h·(Px + s·(Sx - Px - Gx)), and the same for Y with O's Y = 1).
func doubleBaseMulG(api frontend.API, curve twistededwards.Curve, p twistededwards.Point, s, h []frontend.Variable) twistededwards.Point {
	params := curve.Params()
	g := twistededwards.Point{X: params.Base[0], Y: params.Base[1]}
	sum := curve.Add(g, p)
	n := max(len(s), len(h))
	bit := func(b []frontend.Variable, i int) frontend.Variable {
		if i < len(b) {
			return b[i]
		}
		return 0
	}
	lookup := func(sb, hb frontend.Variable) twistededwards.Point {
		// coordinate of sb·G + hb·P with O = (0, 1): o is O's coordinate, gc G's, pc P's, sc (G+P)'s
		coord := func(o int64, gc *big.Int, pc, sc frontend.Variable) frontend.Variable {
			gMinusO := new(big.Int).Sub(gc, big.NewInt(o))
			// inner = (pc - o) + sb·(sc - pc - gc + o): P's (or G+P's) offset from the s-part
			inner := api.Add(api.Sub(pc, o), api.Mul(sb, api.Sub(api.Add(sc, o), api.Add(pc, gc))))
			return api.Add(o, api.Mul(sb, gMinusO), api.Mul(hb, inner))
		}
		return twistededwards.Point{X: coord(0, params.Base[0], p.X, sum.X), Y: coord(1, params.Base[1], p.Y, sum.Y)}
	}
	acc := lookup(bit(s, n-1), bit(h, n-1))
	for i := n - 2; i >= 0; i-- {
		acc = curve.Double(acc)
		acc = curve.Add(acc, lookup(bit(s, i), bit(h, i)))
	}
	return acc
}

// constant returns e as a circuit constant.
func constant(e fr.Element) *big.Int {
	var b big.Int
	e.BigInt(&b)
	return &b
}
