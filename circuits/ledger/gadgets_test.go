package ledger

import (
	"math/big"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark/backend"
	"github.com/consensys/gnark/frontend"
	sigcircuit "github.com/consensys/gnark/std/signature/eddsa"
	"github.com/consensys/gnark/test"

	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/smt"
)

type recordsCircuit struct {
	Owner, Asset, Balance, Nonce, AccountHash frontend.Variable
	PK                                        sigcircuit.PublicKey
	OwnerHash                                 frontend.Variable
	Root, Count, LedgerRoot                   frontend.Variable
}

func (c *recordsCircuit) Define(api frontend.API) error {
	api.AssertIsEqual(AccountHashGadget(api, c.Owner, c.Asset, c.Balance, c.Nonce), c.AccountHash)
	api.AssertIsEqual(OwnerGadget(api, c.PK), c.OwnerHash)
	api.AssertIsEqual(LedgerRootGadget(api, c.Root, c.Count), c.LedgerRoot)
	return nil
}

func TestRecordGadgets(t *testing.T) {
	assert := test.NewAssert(t)
	k := KeyFromSeed([]byte("g"))
	acc := Account{Owner: OwnerHash(k.PublicKey), Asset: asset1, Balance: 1 << 63, Nonce: 9}
	w := &recordsCircuit{Owner: acc.Owner, Asset: acc.Asset, Balance: acc.Balance, Nonce: acc.Nonce, AccountHash: acc.Hash(),
		OwnerHash: acc.Owner, Root: hash.Uint64(5), Count: 6, LedgerRoot: LedgerRoot(hash.Uint64(5), 6)}
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

// TestSignatureGadget: the gadget agrees with VerifyElement on valid and
// invalid signatures.
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
	assert.NoError(test.IsSolved(&sigCircuit{}, assign(&s, sig, msg, 1), ecc.BN254.ScalarField()))
	// other message, other key: invalid both natively and in circuit
	assert.Error(VerifyElement(k.PublicKey, hash.Uint64(1), sig))
	assert.NoError(test.IsSolved(&sigCircuit{}, assign(&s, sig, hash.Uint64(1), 0), ecc.BN254.ScalarField()))
	var s2 Slot
	setSig(t, &s2, other.PublicKey, sig)
	assert.Error(VerifyElement(other.PublicKey, msg, sig))
	assert.NoError(test.IsSolved(&sigCircuit{}, assign(&s2, sig, msg, 0), ecc.BN254.ScalarField()))
	// a valid signature cannot be reported invalid
	assert.Error(test.IsSolved(&sigCircuit{}, assign(&s, sig, msg, 0), ecc.BN254.ScalarField()))
	// S >= subgroup order is rejected outright
	bad := assign(&s, sig, msg, 1)
	bad.Sig.S = new(big.Int).Add(s.Sig.S.(*big.Int), KeyOrder())
	assert.Error(test.IsSolved(&sigCircuit{}, bad, ecc.BN254.ScalarField()))
}
