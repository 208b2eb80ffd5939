package ledger

import (
	"math/big"
	"sync"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	bn254tw "github.com/consensys/gnark-crypto/ecc/bn254/twistededwards"
	tedwards "github.com/consensys/gnark-crypto/ecc/twistededwards"
	"github.com/consensys/gnark/backend"
	"github.com/consensys/gnark/constraint"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/frontend/cs/r1cs"
	"github.com/consensys/gnark/std/algebra/native/twistededwards"
	"github.com/consensys/gnark/std/math/bits"
	sigcircuit "github.com/consensys/gnark/std/signature/eddsa"
	"github.com/consensys/gnark/test"

	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/smt"
)

type recordsCircuit struct {
	Owner, Asset, Balance, Nonce, AccountHash frontend.Variable
	PK                                        sigcircuit.PublicKey
	OwnerHash                                 frontend.Variable
	Root, Count, Consumed, LedgerRoot         frontend.Variable
}

func (c *recordsCircuit) Define(api frontend.API) error {
	api.AssertIsEqual(AccountHashGadget(api, c.Owner, c.Asset, c.Balance, c.Nonce), c.AccountHash)
	api.AssertIsEqual(OwnerGadget(api, c.PK), c.OwnerHash)
	api.AssertIsEqual(LedgerRootGadget(api, c.Root, c.Count, c.Consumed), c.LedgerRoot)
	return nil
}

func TestRecordGadgets(t *testing.T) {
	assert := test.NewAssert(t)
	k := KeyFromSeed([]byte("g"))
	acc := Account{Owner: OwnerHash(k.PublicKey), Asset: asset1, Balance: 1 << 63, Nonce: 9}
	w := &recordsCircuit{Owner: acc.Owner, Asset: acc.Asset, Balance: acc.Balance, Nonce: acc.Nonce, AccountHash: acc.Hash(),
		OwnerHash: acc.Owner, Root: hash.Uint64(5), Count: 6,
		Consumed: hash.Uint64(8), LedgerRoot: LedgerRoot(hash.Uint64(5), 6, hash.Uint64(8))}
	w.PK.A.X, w.PK.A.Y = k.PublicKey.A.X, k.PublicKey.A.Y
	assert.NoError(test.IsSolved(&recordsCircuit{}, w, ecc.BN254.ScalarField()))
	w.Nonce = 10
	assert.Error(test.IsSolved(&recordsCircuit{}, w, ecc.BN254.ScalarField()))
}

type accountPairCircuit struct {
	Owner, Asset         frontend.Variable
	OldBalance, OldNonce frontend.Variable
	NewBalance, NewNonce frontend.Variable
	OldHash, NewHash     frontend.Variable `gnark:",public"`
}

func (c *accountPairCircuit) Define(api frontend.API) error {
	o, n := AccountHashesGadget(api, c.Owner, c.Asset, c.OldBalance, c.OldNonce, c.NewBalance, c.NewNonce)
	api.AssertIsEqual(o, c.OldHash)
	api.AssertIsEqual(n, c.NewHash)
	return nil
}

// TestAccountHashesGadget: the old and new records hashed with a shared (owner, asset)
// permutation are the native Account.Hash of each.
func TestAccountHashesGadget(t *testing.T) {
	k := KeyFromSeed([]byte("pair"))
	old := Account{Owner: OwnerHash(k.PublicKey), Asset: asset1, Balance: 1000, Nonce: 7}
	upd := old
	upd.Balance, upd.Nonce = 990, 8
	good := &accountPairCircuit{Owner: old.Owner, Asset: old.Asset, OldBalance: old.Balance, OldNonce: old.Nonce,
		NewBalance: upd.Balance, NewNonce: upd.Nonce, OldHash: old.Hash(), NewHash: upd.Hash()}
	swapped := *good
	swapped.OldHash, swapped.NewHash = upd.Hash(), old.Hash()
	otherAsset := *good
	otherAsset.Asset = hash.Uint64(99)
	oldNonce := *good
	oldNonce.NewNonce = old.Nonce
	test.NewAssert(t).CheckCircuit(&accountPairCircuit{}, test.WithCurves(ecc.BN254), test.WithBackends(backend.GROTH16),
		test.WithValidAssignment(good), test.WithInvalidAssignment(&swapped), test.WithInvalidAssignment(&otherAsset),
		test.WithInvalidAssignment(&oldNonce), test.NoFuzzing(), test.NoSerializationChecks())
}

type pathCircuit struct {
	Old, New           frontend.Variable
	Index              frontend.Variable
	Siblings           []frontend.Variable
	OldNodes, NewNodes []frontend.Variable
}

func (c *pathCircuit) Define(api frontend.API) error {
	bits := smt.IndexBitsGadget(api, c.Index, len(c.Siblings))
	o, n := PathGadget(api, c.Old, c.New, bits, c.Siblings)
	for h := range o {
		api.AssertIsEqual(o[h], c.OldNodes[h])
		api.AssertIsEqual(n[h], c.NewNodes[h])
	}
	return nil
}

// TestPathGadget: every intermediate node equals the native root of the
// subtree (smt.ComputeRoot over the first h siblings), for both leaves.
func TestPathGadget(t *testing.T) {
	assert := test.NewAssert(t)
	const depth = 5
	tree, err := smt.New(smt.NewMemStore(), depth)
	assert.NoError(err)
	for i := uint64(0); i < 7; i++ {
		assert.NoError(tree.Set(i*3, hash.Uint64(i+1)))
	}
	for _, idx := range []uint64{0, 6, 13, 31} {
		pr, err := tree.Prove(idx)
		assert.NoError(err)
		oldLeaf, newLeaf := smt.LeafHash(pr.Value), smt.LeafHash(hash.Uint64(99))
		c := &pathCircuit{Siblings: make([]frontend.Variable, depth), OldNodes: make([]frontend.Variable, depth+1), NewNodes: make([]frontend.Variable, depth+1)}
		w := &pathCircuit{Old: oldLeaf, New: newLeaf, Index: idx, Siblings: smt.ElementsToVariables(pr.Siblings),
			OldNodes: make([]frontend.Variable, depth+1), NewNodes: make([]frontend.Variable, depth+1)}
		for h := 0; h <= depth; h++ {
			w.OldNodes[h] = smt.ComputeRoot(oldLeaf, idx&(1<<h-1), pr.Siblings[:h])
			w.NewNodes[h] = smt.ComputeRoot(newLeaf, idx&(1<<h-1), pr.Siblings[:h])
		}
		root, err := tree.Root()
		assert.NoError(err)
		assert.Equal(root, w.OldNodes[depth])
		assert.NoError(test.IsSolved(c, w, ecc.BN254.ScalarField()))
		w.Siblings[2] = hash.Uint64(7)
		assert.Error(test.IsSolved(c, w, ecc.BN254.ScalarField()))
	}
}

type sigCircuit struct {
	PK    sigcircuit.PublicKey
	Sig   sigcircuit.Signature
	Msg   frontend.Variable
	Valid frontend.Variable
}

func (c *sigCircuit) Define(api frontend.API) error {
	api.AssertIsEqual(SignatureGadget(api, c.PK, c.Sig, c.Msg), c.Valid)
	return nil
}

// sigSolved checks an assignment with gnark's test engine and with the solver of the compiled
// R1CS; both must agree.
func sigSolved(t *testing.T, a *sigCircuit) error {
	t.Helper()
	sigOnce.Do(func() {
		sigCCS, sigErr = frontend.Compile(ecc.BN254.ScalarField(), r1cs.NewBuilder, &sigCircuit{})
	})
	if sigErr != nil {
		t.Fatal(sigErr)
	}
	engine := test.IsSolved(&sigCircuit{}, a, ecc.BN254.ScalarField())
	w, err := frontend.NewWitness(a, ecc.BN254.ScalarField())
	if err != nil {
		t.Fatal(err)
	}
	solver := sigCCS.IsSolved(w)
	if (engine == nil) != (solver == nil) {
		t.Fatalf("test engine (%v) and R1CS solver (%v) disagree", engine, solver)
	}
	return solver
}

var (
	sigOnce sync.Once
	sigCCS  constraint.ConstraintSystem
	sigErr  error
)

// TestSignatureGadget: the gadget agrees with VerifyElement on valid and
// invalid signatures (test engine and compiled R1CS).
func TestSignatureGadget(t *testing.T) {
	assert := test.NewAssert(t)
	k, other := KeyFromSeed([]byte("s")), KeyFromSeed([]byte("o"))
	msg := hash.Uint64(12345)
	sig, err := SignElement(k, msg)
	assert.NoError(err)
	assign := func(pk *Slot, sig []byte, m fr.Element, valid int) *sigCircuit {
		return &sigCircuit{PK: pk.PubKey, Sig: pk.Sig, Msg: m, Valid: valid}
	}
	var s Slot
	setSig(t, &s, k.PublicKey, sig)
	assert.NoError(VerifyElement(k.PublicKey, msg, sig))
	assert.NoError(sigSolved(t, assign(&s, sig, msg, 1)))
	// other message, other key: invalid both natively and in circuit
	assert.Error(VerifyElement(k.PublicKey, hash.Uint64(1), sig))
	assert.NoError(sigSolved(t, assign(&s, sig, hash.Uint64(1), 0)))
	var s2 Slot
	setSig(t, &s2, other.PublicKey, sig)
	assert.Error(VerifyElement(other.PublicKey, msg, sig))
	assert.NoError(sigSolved(t, assign(&s2, sig, msg, 0)))
	// a valid signature cannot be reported invalid
	assert.Error(sigSolved(t, assign(&s, sig, msg, 0)))
	// S >= subgroup order is rejected outright, whether S + order needs 251 bits or more
	// (ToBinary(S, 251)) or S lies in [order, 2^251) (the comparison with the order).
	two251 := new(big.Int).Lsh(big.NewInt(1), 251)
	for _, bigS := range []*big.Int{
		new(big.Int).Add(s.Sig.S.(*big.Int), KeyOrder()),
		KeyOrder(),
		new(big.Int).Add(KeyOrder(), big.NewInt(1)),
		new(big.Int).Sub(two251, big.NewInt(1)),
		two251,
		new(big.Int).Sub(fr.Modulus(), big.NewInt(1)),
	} {
		for _, valid := range []int{0, 1} {
			bad := assign(&s, sig, msg, valid)
			bad.Sig.S = bigS
			assert.Error(sigSolved(t, bad), "S = %s accepted", bigS)
		}
	}
	// S = order - 1 passes the range check (the signature is then simply invalid)
	edge := assign(&s, sig, msg, 0)
	edge.Sig.S = new(big.Int).Sub(KeyOrder(), big.NewInt(1))
	assert.NoError(sigSolved(t, edge))
}

type dbmCircuit struct {
	PX, PY, S, H, OutX, OutY frontend.Variable
}

func (c *dbmCircuit) Define(api frontend.API) error {
	curve, err := twistededwards.NewEdCurve(api, tedwards.BN254)
	if err != nil {
		return err
	}
	sBits := bits.ToBinary(api, c.S, bits.WithNbDigits(251))
	hBits := bits.ToBinary(api, c.H)
	q := doubleBaseMulG(api, curve, twistededwards.Point{X: c.PX, Y: c.PY}, sBits, hBits)
	api.AssertIsEqual(q.X, c.OutX)
	api.AssertIsEqual(q.Y, c.OutY)
	return nil
}

// TestDoubleBaseMulG: [s]G + [h]P in circuit equals gnark-crypto's plain double-and-add, for
// points in and out of the prime-order subgroup, the identity, ±G, and edge scalars.
func TestDoubleBaseMulG(t *testing.T) {
	params := bn254tw.GetEdwardsCurve()
	g := params.Base
	var negG, ident, t2, p, pT bn254tw.PointAffine
	negG.Neg(&g)
	ident.Y.SetOne()
	t2.Y.SetOne()
	t2.Y.Neg(&t2.Y) // (0, -1): the point of order 2
	p.ScalarMultiplication(&g, big.NewInt(123456789))
	pT.Add(&p, &t2)
	l := KeyOrder()
	r := fr.Modulus()
	scalars := [][2]*big.Int{
		{big.NewInt(0), big.NewInt(0)},
		{big.NewInt(1), big.NewInt(0)},
		{big.NewInt(0), big.NewInt(1)},
		{new(big.Int).Sub(l, big.NewInt(1)), new(big.Int).Sub(r, big.NewInt(1))},
		{new(big.Int).Lsh(big.NewInt(1), 250), new(big.Int).Lsh(big.NewInt(1), 253)},
		{new(big.Int).SetUint64(0xdeadbeefcafebabe), new(big.Int).Sub(l, big.NewInt(3))},
	}
	var circuit dbmCircuit
	ccs, err := frontend.Compile(ecc.BN254.ScalarField(), r1cs.NewBuilder, &circuit)
	if err != nil {
		t.Fatal(err)
	}
	for pi, pt := range []bn254tw.PointAffine{p, pT, ident, g, negG, t2} {
		for si, sc := range scalars {
			var sG, hP, want bn254tw.PointAffine
			sG.ScalarMultiplication(&g, sc[0])
			hP.ScalarMultiplication(&pt, sc[1])
			want.Add(&sG, &hP)
			a := &dbmCircuit{PX: pt.X, PY: pt.Y, S: sc[0], H: sc[1], OutX: want.X, OutY: want.Y}
			if err := test.IsSolved(&circuit, a, ecc.BN254.ScalarField()); err != nil {
				t.Fatalf("point %d scalars %d: test engine: %v", pi, si, err)
			}
			w, _ := frontend.NewWitness(a, ecc.BN254.ScalarField())
			if err := ccs.IsSolved(w); err != nil {
				t.Fatalf("point %d scalars %d: R1CS: %v", pi, si, err)
			}
			var one fr.Element
			one.SetOne()
			a.OutX = new(fr.Element).Add(&want.X, &one)
			w, _ = frontend.NewWitness(a, ecc.BN254.ScalarField())
			if ccs.IsSolved(w) == nil {
				t.Fatalf("point %d scalars %d: wrong result accepted", pi, si)
			}
		}
	}
}

type sigEqCircuit struct {
	PK  sigcircuit.PublicKey
	Sig sigcircuit.Signature
	Msg frontend.Variable
}

func (c *sigEqCircuit) Define(api frontend.API) error {
	curve, err := twistededwards.NewEdCurve(api, tedwards.BN254)
	if err != nil {
		return err
	}
	ref, err := sigcircuit.IsValid(curve, c.Sig, c.Msg, c.PK, NewChallengeHasher(api))
	if err != nil {
		return err
	}
	api.AssertIsEqual(SignatureGadget(api, c.PK, c.Sig, c.Msg), ref)
	return nil
}

// TestSignatureGadgetMatchesGnark: on valid signatures, wrong messages, foreign keys, keys and R
// shifted by the 2-torsion point, and S shifted by the order, SignatureGadget returns what gnark's
// eddsa.IsValid (with the same challenge hash) returns.
func TestSignatureGadgetMatchesGnark(t *testing.T) {
	k, other := KeyFromSeed([]byte("eq")), KeyFromSeed([]byte("eq2"))
	msg := hash.Uint64(777)
	sigBytes, err := SignElement(k, msg)
	if err != nil {
		t.Fatal(err)
	}
	var s Slot
	setSig(t, &s, k.PublicKey, sigBytes)
	var t2 bn254tw.PointAffine
	t2.Y.SetOne()
	t2.Y.Neg(&t2.Y)
	shift := func(x, y any) (fr.Element, fr.Element) {
		var pt, out bn254tw.PointAffine
		pt.X.SetBigInt(toBig(x))
		pt.Y.SetBigInt(toBig(y))
		out.Add(&pt, &t2)
		return out.X, out.Y
	}
	var cases []*sigEqCircuit
	base := &sigEqCircuit{PK: s.PubKey, Sig: s.Sig, Msg: msg}
	cases = append(cases, base)
	wrongMsg := *base
	wrongMsg.Msg = hash.Uint64(778)
	cases = append(cases, &wrongMsg)
	foreign := *base
	foreign.PK.A.X, foreign.PK.A.Y = other.PublicKey.A.X, other.PublicKey.A.Y
	cases = append(cases, &foreign)
	torsionKey := *base
	torsionKey.PK.A.X, torsionKey.PK.A.Y = shift(base.PK.A.X, base.PK.A.Y)
	cases = append(cases, &torsionKey)
	torsionR := *base
	torsionR.Sig.R.X, torsionR.Sig.R.Y = shift(base.Sig.R.X, base.Sig.R.Y)
	cases = append(cases, &torsionR)
	otherS := *base
	otherS.Sig.S = new(big.Int).Add(toBig(base.Sig.S), big.NewInt(1))
	cases = append(cases, &otherS)
	for i, a := range cases {
		if err := test.IsSolved(&sigEqCircuit{}, a, ecc.BN254.ScalarField()); err != nil {
			t.Fatalf("case %d: gadget and gnark's IsValid disagree: %v", i, err)
		}
	}
}

func toBig(v any) *big.Int {
	switch x := v.(type) {
	case *big.Int:
		return x
	case fr.Element:
		return x.BigInt(new(big.Int))
	case *fr.Element:
		return x.BigInt(new(big.Int))
	case []byte:
		return new(big.Int).SetBytes(x)
	}
	panic("toBig: unsupported type")
}
