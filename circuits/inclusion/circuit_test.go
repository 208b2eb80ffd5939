package inclusion

import (
	"math/big"
	"sync"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark/constraint"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/frontend/cs/r1cs"
	"github.com/consensys/gnark/logger"

	"github.com/slush-tree/slush/circuits/commitment"
	"github.com/slush-tree/slush/circuits/hash"
)

const testMaxDepth = 4

var (
	ccsMu    sync.Mutex
	ccsCache = map[int]constraint.ConstraintSystem{}
)

func compiled(t testing.TB, maxDepth int) constraint.ConstraintSystem {
	ccsMu.Lock()
	defer ccsMu.Unlock()
	if c, ok := ccsCache[maxDepth]; ok {
		return c
	}
	logger.Disable()
	c, err := frontend.Compile(ecc.BN254.ScalarField(), r1cs.NewBuilder, New(maxDepth))
	if err != nil {
		t.Fatal(err)
	}
	ccsCache[maxDepth] = c
	return c
}

// solve runs the R1CS solver on a full assignment.
func solve(t testing.TB, maxDepth int, a *Circuit) error {
	t.Helper()
	w, err := frontend.NewWitness(a, ecc.BN254.ScalarField())
	if err != nil {
		return err
	}
	return compiled(t, maxDepth).IsSolved(w)
}

func mustWitness(t testing.TB, path, dst []uint8, kind Kind) Witness {
	t.Helper()
	w, err := ExampleWitness(path, dst, kind, 777)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

func expectValid(t *testing.T, maxDepth int, w Witness) {
	t.Helper()
	a, err := w.Assign(maxDepth)
	if err != nil {
		t.Fatalf("native check: %v", err)
	}
	if err := solve(t, maxDepth, a); err != nil {
		t.Fatalf("valid witness rejected: %v", err)
	}
}

func expectInvalid(t *testing.T, maxDepth int, a *Circuit, what string) {
	t.Helper()
	if err := solve(t, maxDepth, a); err == nil {
		t.Fatalf("%s: accepted", what)
	}
}

func TestValidDepths(t *testing.T) {
	for _, tc := range []struct {
		path []uint8
		kind Kind
	}{
		{nil, KindMessage},        // depth 0: the root's own outbox
		{[]uint8{3}, KindReceipt}, // depth 1
		{[]uint8{1, 255, 2}, KindMessage},
		{[]uint8{9, 8, 7, 6}, KindReceipt}, // max depth
		{[]uint8{9, 8, 7, 6}, KindMessage},
	} {
		expectValid(t, testMaxDepth, mustWitness(t, tc.path, []uint8{5, 5}, tc.kind))
	}
}

func TestValidDefaultMaxDepth(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles the depth-8 circuit")
	}
	expectValid(t, DefaultMaxDepth, mustWitness(t, []uint8{1, 2, 3, 4, 5, 6, 7, 8}, nil, KindMessage))
	expectValid(t, DefaultMaxDepth, mustWitness(t, []uint8{200, 100}, []uint8{1}, KindReceipt))
	if _, err := mustWitness(t, []uint8{1, 2, 3, 4, 5, 6, 7, 8, 9}, nil, KindMessage).Assign(DefaultMaxDepth); err == nil {
		t.Fatal("9 hops accepted by the depth-8 builder")
	}
}

func TestStatementAndNativeCheck(t *testing.T) {
	w := mustWitness(t, []uint8{1, 2}, []uint8{3}, KindMessage)
	s := w.Statement()
	if s.RootCommitment != w.Root.Hash() || s.RootHeight != 777 || s.DstVid != commitment.MustPackVid([]uint8{3}) {
		t.Fatal("statement")
	}
	back, err := ParseStatement(s.Bytes())
	if err != nil || back != s {
		t.Fatalf("statement round trip: %v", err)
	}
	// native check rejects a tampered witness
	bad := w
	bad.Leaf.DstVid = hash.Uint64(9)
	if bad.Check(testMaxDepth) == nil {
		t.Fatal("native check accepted a leaf that is not in the accumulator")
	}
}

func TestWrongSibling(t *testing.T) {
	w := mustWitness(t, []uint8{4, 4, 4}, nil, KindMessage)
	one := hash.Uint64(1)
	for j := 0; j < 3; j++ {
		for _, h := range []int{0, commitment.ChildrenDepth - 1} {
			a := w.AssignUnchecked(testMaxDepth)
			s := w.Hops[j].Siblings[h]
			s.Add(&s, &one)
			a.ChildSiblings[j][h] = s
			expectInvalid(t, testMaxDepth, a, "wrong children-SMT sibling")
		}
	}
	for _, h := range []int{0, 5, AccumulatorDepth - 1} {
		a := w.AssignUnchecked(testMaxDepth)
		s := w.Acc.Siblings[h]
		s.Add(&s, &one)
		a.AccSiblings[h] = s
		expectInvalid(t, testMaxDepth, a, "wrong accumulator sibling")
	}
	a := w.AssignUnchecked(testMaxDepth)
	a.AccIndex = w.Acc.Index + 1
	expectInvalid(t, testMaxDepth, a, "wrong accumulator index")
	a = w.AssignUnchecked(testMaxDepth)
	a.AccSize = w.Acc.Size + 1
	expectInvalid(t, testMaxDepth, a, "wrong accumulator size")
}

// TestLeafAsNode: an internal node of the chain (a child's ChildLeaf value,
// or a commitment hash) cannot be presented in place of a record or item.
func TestLeafAsNode(t *testing.T) {
	w := mustWitness(t, []uint8{2, 3}, nil, KindMessage)
	// 1. Present the source's record hash as the item: the circuit hashes
	// the preimage with DomainMessage, so no preimage gives the record hash.
	a := w.AssignUnchecked(testMaxDepth)
	a.LeafHash = w.Hops[1].Record.Hash()
	expectInvalid(t, testMaxDepth, a, "commitment hash as leaf")
	// 2. Skip the ChildLeaf wrapping: put the raw commitment hash of hop 2
	// into the parent's children SMT at index 3 and rebuild the ancestors
	// consistently; the circuit always wraps with DomainChild, so it fails.
	src := w.Hops[1].Record
	// Build a parent whose children SMT holds the raw commitment hash.
	parent := w.Hops[0].Record
	tree := newChildrenSMT(t)
	if err := tree.Set(3, src.Hash()); err != nil { // raw, unwrapped
		t.Fatal(err)
	}
	parent.FinalizedChildrenRoot, _ = tree.Root()
	p, _ := tree.Prove(3)
	root2, hops2, err := BuildChain(parent, []uint8{2}, 777, 42)
	if err != nil {
		t.Fatal(err)
	}
	w2 := w
	w2.Root = root2
	w2.Hops = append(hops2, Hop{Index: 3, Record: src, Siblings: p.Siblings})
	expectInvalid(t, testMaxDepth, w2.AssignUnchecked(testMaxDepth), "unwrapped child commitment")
	if w2.Check(testMaxDepth) == nil {
		t.Fatal("native check accepted an unwrapped child")
	}
}

func TestDepthAndSelectorAbuse(t *testing.T) {
	w := mustWitness(t, []uint8{6, 7}, nil, KindMessage)
	// non-monotone selector: 1,0,1 (the third hop duplicating the second)
	a := w.AssignUnchecked(testMaxDepth)
	a.Active[1], a.Active[2] = 0, 1
	a.Records[3] = a.Records[2]
	a.ChildIndex[2] = 7
	a.ChildSiblings[2] = a.ChildSiblings[1]
	expectInvalid(t, testMaxDepth, a, "non-monotone selector")
	// non-boolean selector
	a = w.AssignUnchecked(testMaxDepth)
	a.Active[1] = 2
	expectInvalid(t, testMaxDepth, a, "selector = 2")
	// deactivate the last hop: the parent is claimed as the source
	a = w.AssignUnchecked(testMaxDepth)
	a.Active[1] = 0
	a.ChildIndex[1] = 0
	expectInvalid(t, testMaxDepth, a, "shorter depth")
	// activate one more hop than the path has
	a = w.AssignUnchecked(testMaxDepth)
	a.Active[2] = 1
	a.ChildIndex[2] = 1
	expectInvalid(t, testMaxDepth, a, "longer depth")
	// inactive hop with a non-zero index
	a = w.AssignUnchecked(testMaxDepth)
	a.ChildIndex[3] = 5
	expectInvalid(t, testMaxDepth, a, "inactive hop with index")
	// child index >= 256
	a = w.AssignUnchecked(testMaxDepth)
	a.ChildIndex[0] = 6 + 256
	expectInvalid(t, testMaxDepth, a, "child index >= 256")
}

// TestChildIndexZero: a child registered at index 0 (never valid) with a
// consistent vid and children SMT is rejected by the non-zero constraint alone.
func TestChildIndexZero(t *testing.T) {
	path := []uint8{0}
	leaf := Message{SrcVid: rawVid(path), DstVid: hash.Uint64(0), Nonce: 1, Amount: 1}.Leaf()
	rec, accProof, err := SourceRecord(path, leaf, 1)
	if err != nil {
		t.Fatal(err)
	}
	root, hops, err := BuildChain(rec, path, 777, 1)
	if err != nil {
		t.Fatal(err)
	}
	w := Witness{Root: root, Hops: hops, Leaf: leaf, Acc: accProof}
	expectInvalid(t, testMaxDepth, w.AssignUnchecked(testMaxDepth), "child index 0")
	if w.Check(testMaxDepth) == nil {
		t.Fatal("native check accepted child index 0")
	}
}

// TestRecordVidMismatch: a record whose Vid field is not its path is rejected.
func TestRecordVidMismatch(t *testing.T) {
	path := []uint8{1, 2}
	leaf := Message{SrcVid: commitment.MustPackVid([]uint8{1, 3}), DstVid: hash.Uint64(0), Nonce: 1}.Leaf()
	// source record claims vid [1,3] but sits at [1,2]
	rec, accProof, err := SourceRecord([]uint8{1, 3}, leaf, 1)
	if err != nil {
		t.Fatal(err)
	}
	root, hops, err := BuildChain(rec, path, 777, 1)
	if err != nil {
		t.Fatal(err)
	}
	w := Witness{Root: root, Hops: hops, Leaf: leaf, Acc: accProof}
	expectInvalid(t, testMaxDepth, w.AssignUnchecked(testMaxDepth), "record vid not its path")
	if w.Check(testMaxDepth) == nil {
		t.Fatal("native check accepted")
	}
}

// TestSourceVidMismatch: a message whose SrcVid is not the validium holding
// it (validium [1,2] forging a message "from" [1,3]) is rejected.
func TestSourceVidMismatch(t *testing.T) {
	path := []uint8{1, 2}
	leaf := Message{SrcVid: commitment.MustPackVid([]uint8{1, 3}), DstVid: hash.Uint64(0), Nonce: 1}.Leaf()
	rec, accProof, err := SourceRecord(path, leaf, 1)
	if err != nil {
		t.Fatal(err)
	}
	root, hops, err := BuildChain(rec, path, 777, 1)
	if err != nil {
		t.Fatal(err)
	}
	w := Witness{Root: root, Hops: hops, Leaf: leaf, Acc: accProof}
	expectInvalid(t, testMaxDepth, w.AssignUnchecked(testMaxDepth), "forged source vid")
	if w.Check(testMaxDepth) == nil {
		t.Fatal("native check accepted")
	}
}

func TestWrongPublicInputs(t *testing.T) {
	w := mustWitness(t, []uint8{8, 1}, []uint8{2}, KindMessage)
	one := hash.Uint64(1)
	// wrong destination
	a := w.AssignUnchecked(testMaxDepth)
	a.DstVid = commitment.MustPackVid([]uint8{3})
	expectInvalid(t, testMaxDepth, a, "wrong destination")
	// wrong root commitment
	a = w.AssignUnchecked(testMaxDepth)
	r := w.Root.Hash()
	r.Add(&r, &one)
	a.RootCommitment = r
	expectInvalid(t, testMaxDepth, a, "wrong root")
	// wrong root height
	a = w.AssignUnchecked(testMaxDepth)
	a.RootHeight = w.Root.AnchorHeight + 1
	expectInvalid(t, testMaxDepth, a, "wrong root height")
	// wrong leaf hash
	a = w.AssignUnchecked(testMaxDepth)
	l := w.Leaf.Hash()
	l.Add(&l, &one)
	a.LeafHash = l
	expectInvalid(t, testMaxDepth, a, "wrong leaf")
	// message presented as a receipt
	a = w.AssignUnchecked(testMaxDepth)
	a.Kind = 1
	expectInvalid(t, testMaxDepth, a, "kind flipped")
	// non-boolean kind
	a = w.AssignUnchecked(testMaxDepth)
	a.Kind = 2
	expectInvalid(t, testMaxDepth, a, "kind = 2")
	// a receipt whose root has the receipt in the outbox slot fails as a receipt:
	// swap roots so the item sits in OutboxRoot
	wr := mustWitness(t, nil, []uint8{2}, KindReceipt)
	wr.Root.OutboxRoot, wr.Root.ReceiptRoot = wr.Root.ReceiptRoot, wr.Root.OutboxRoot
	expectInvalid(t, testMaxDepth, wr.AssignUnchecked(testMaxDepth), "receipt in outbox")
}

// TestRootHeightRange: a root record whose AnchorHeight is >= 2^64 (as a
// field element) cannot be proven, even with a consistent root hash.
func TestRootHeightRange(t *testing.T) {
	w := mustWitness(t, nil, nil, KindMessage)
	a := w.AssignUnchecked(testMaxDepth)
	h := new(big.Int).Lsh(big.NewInt(1), 64)
	h.Add(h, big.NewInt(5))
	var he fr.Element
	he.SetBigInt(h)
	e := w.Root.Elements()
	e[5] = he
	a.Records[0].AnchorHeight = h
	a.RootHeight = h
	a.RootCommitment = hash.Hash(hash.DomainCommitment, e[:]...)
	expectInvalid(t, testMaxDepth, a, "root height >= 2^64")
	if _, err := StatementFromPublicInputs([]fr.Element{{}, he, {}, {}, {}}); err == nil {
		t.Fatal("statement with a 65-bit height accepted")
	}
}

// TestNonCanonicalPublicInput shows why public inputs must be decoded with
// ParseStatement: gnark reduces a value >= r silently, so leaf + r is
// "accepted" by the solver; the decoder rejects its encoding.
func TestNonCanonicalPublicInput(t *testing.T) {
	w := mustWitness(t, []uint8{1}, nil, KindMessage)
	s := w.Statement()
	var leaf big.Int
	s.LeafHash.BigInt(&leaf)
	aliased := new(big.Int).Add(&leaf, fr.Modulus())
	if aliased.BitLen() > 256 {
		t.Skip("alias does not fit in 32 bytes")
	}
	a := w.AssignUnchecked(testMaxDepth)
	a.LeafHash = aliased
	if err := solve(t, testMaxDepth, a); err != nil {
		t.Fatalf("expected gnark to reduce silently, got %v", err)
	}
	b := s.Bytes()
	aliased.FillBytes(b[2*32 : 3*32])
	if _, err := ParseStatement(b); err == nil {
		t.Fatal("non-canonical leaf hash accepted by ParseStatement")
	}
	// other malformed statements
	if _, err := ParseStatement(s.Bytes()[:StatementSize-1]); err == nil {
		t.Fatal("short statement accepted")
	}
	b = s.Bytes()
	b[StatementSize-1] = 2
	if _, err := ParseStatement(b); err == nil {
		t.Fatal("kind 2 accepted")
	}
}

func FuzzParseStatement(f *testing.F) {
	w, err := ExampleWitness([]uint8{1}, nil, KindMessage, 5)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(w.Statement().Bytes())
	f.Add(make([]byte, StatementSize))
	f.Add([]byte{1, 2, 3})
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := ParseStatement(b)
		if err != nil {
			return
		}
		if string(s.Bytes()) != string(b) {
			t.Fatal("accepted statement does not round-trip")
		}
	})
}

// TestNonMonotoneSelectorForgery builds a full forgery that only the
// monotonicity constraint stops: a real root and real hop 1, then an
// inactive hop 2 whose (fake) record is chosen so that the one-hot weights
// (0, 1, -1, 1) turn an arbitrary accumulator and source vid into the
// "selected" ones. With selectors 1,0,1 the record of hop 3 only has to be a
// child of the unconstrained fake record 2.
func TestNonMonotoneSelectorForgery(t *testing.T) {
	w := mustWitness(t, []uint8{6}, nil, KindMessage)
	rec1 := w.Hops[0].Record
	// forged message from an arbitrary source
	target := commitment.MustPackVid([]uint8{9})
	leaf := Message{SrcVid: target, DstVid: commitment.MustPackVid([]uint8{6}), Nonce: 1, Amount: 1 << 40}.Leaf()
	fakeSrc, accProof, err := SourceRecord([]uint8{9}, leaf, 3)
	if err != nil {
		t.Fatal(err)
	}
	A := fakeSrc.OutboxRoot
	// F3: a record at hop 3 with a vid matching the selector arithmetic.
	f3 := syntheticRecord(7, 3)
	f3.Vid = rawVid([]uint8{6, 0, 5})
	// F2: fake record holding F3 at index 5, with vid/outbox solving the sums.
	tree := newChildrenSMT(t)
	if err := tree.Set(5, commitment.ChildLeaf(5, f3.Hash())); err != nil {
		t.Fatal(err)
	}
	p3, _ := tree.Prove(5)
	f2 := syntheticRecord(7, 2)
	f2.FinalizedChildrenRoot, _ = tree.Root()
	f2.Vid.Add(&rec1.Vid, &f3.Vid).Sub(&f2.Vid, &target) // vid1 - v2 + v3 = target
	f2.OutboxRoot.Add(&rec1.OutboxRoot, &f3.OutboxRoot).Sub(&f2.OutboxRoot, &A)
	fw := Witness{Root: w.Root, Hops: w.Hops, Leaf: leaf, Acc: accProof}
	a := fw.AssignUnchecked(testMaxDepth)
	a.Records[2] = commitment.Assign(f2)
	a.Active[1], a.ChildIndex[1] = 0, 0
	a.Records[3] = commitment.Assign(f3)
	a.Active[2], a.ChildIndex[2] = 1, 5
	a.ChildSiblings[2] = smtSiblings(p3.Siblings)
	expectInvalid(t, testMaxDepth, a, "non-monotone selector forgery")
}

// TestRootVidZero: the root record must have vid 0, otherwise the root could
// issue items under any source vid at depth 0.
func TestRootVidZero(t *testing.T) {
	forged := commitment.MustPackVid([]uint8{4})
	leaf := Message{SrcVid: forged, DstVid: hash.Uint64(0), Nonce: 1}.Leaf()
	rec, accProof, err := SourceRecord(nil, leaf, 1)
	if err != nil {
		t.Fatal(err)
	}
	rec.Vid = forged
	rec.AnchorHeight = 777
	w := Witness{Root: rec, Leaf: leaf, Acc: accProof}
	expectInvalid(t, testMaxDepth, w.AssignUnchecked(testMaxDepth), "root vid != 0")
	if w.Check(testMaxDepth) == nil {
		t.Fatal("native check accepted")
	}
}

// TestLatestChildrenRootRefused: a path must go through the parents' finalized children
// (DESIGN §7.2). A source that its parent holds only as its latest, not yet final, commitment
// is refused, natively and in circuit, even though every other part of the path is right.
func TestLatestChildrenRootRefused(t *testing.T) {
	w := mustWitness(t, []uint8{2, 3}, nil, KindMessage)
	expectValid(t, testMaxDepth, w)
	// Move the source's leaf from its parent's finalized children to its latest children.
	parent := w.Hops[0].Record
	parent.ChildrenRoot, parent.FinalizedChildrenRoot = parent.FinalizedChildrenRoot, commitment.EmptyChildrenRoot()
	root2, hops2, err := BuildChain(parent, []uint8{2}, 777, 42)
	if err != nil {
		t.Fatal(err)
	}
	w2 := w
	w2.Root, w2.Hops = root2, append(hops2, w.Hops[1])
	if w2.Check(testMaxDepth) == nil {
		t.Fatal("native check accepted a path through a latest (not finalized) children root")
	}
	expectInvalid(t, testMaxDepth, w2.AssignUnchecked(testMaxDepth), "path through the latest children root")
}
