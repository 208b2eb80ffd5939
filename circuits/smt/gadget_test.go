package smt

import (
	"math/rand/v2"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark/backend"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/test"

	"github.com/slush-tree/slush/circuits/hash"
)

var field = ecc.BN254.ScalarField()

type membershipCircuit struct {
	Root     frontend.Variable `gnark:",public"`
	Value    frontend.Variable
	Index    frontend.Variable
	Siblings []frontend.Variable
}

func (c *membershipCircuit) Define(api frontend.API) error {
	api.AssertIsEqual(MembershipGadget(api, c.Value, c.Index, c.Siblings), c.Root)
	return nil
}

type updateCircuit struct {
	OldRoot, NewRoot   frontend.Variable `gnark:",public"`
	OldValue, NewValue frontend.Variable
	Index              frontend.Variable
	Siblings           []frontend.Variable
}

func (c *updateCircuit) Define(api frontend.API) error {
	o, n := UpdateGadget(api, c.OldValue, c.NewValue, c.Index, c.Siblings)
	api.AssertIsEqual(o, c.OldRoot)
	api.AssertIsEqual(n, c.NewRoot)
	return nil
}

// rawPathCircuit folds an arbitrary leaf-level hash up a path WITHOUT the
// DomainLeaf wrapping: it exists only to show what the wrapping prevents.
type rawPathCircuit struct {
	Root     frontend.Variable `gnark:",public"`
	LeafHash frontend.Variable
	Index    frontend.Variable
	Siblings []frontend.Variable
}

func (c *rawPathCircuit) Define(api frontend.API) error {
	bits := IndexBitsGadget(api, c.Index, len(c.Siblings))
	api.AssertIsEqual(RootGadget(api, c.LeafHash, bits, c.Siblings), c.Root)
	return nil
}

func buildTree(t *testing.T, depth, n int, seed uint64) (*Tree, map[uint64]fr.Element) {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, 1))
	tr, err := New(NewMemStore(), depth)
	if err != nil {
		t.Fatal(err)
	}
	m := map[uint64]fr.Element{}
	for i := 0; i < n; i++ {
		idx := rng.Uint64N(1 << uint(depth))
		v := rndElem(rng)
		if err := tr.Set(idx, v); err != nil {
			t.Fatal(err)
		}
		m[idx] = v
	}
	return tr, m
}

func membershipAssignment(root fr.Element, p Proof) *membershipCircuit {
	return &membershipCircuit{Root: root, Value: p.Value, Index: p.Index, Siblings: ElementsToVariables(p.Siblings)}
}

func TestMembershipGadget(t *testing.T) {
	const depth = 6
	tr, m := buildTree(t, depth, 10, 1)
	root, _ := tr.Root()
	circuit := &membershipCircuit{Siblings: make([]frontend.Variable, depth)}
	checked := 0
	for idx := range m {
		p, err := tr.Prove(idx)
		if err != nil {
			t.Fatal(err)
		}
		if err := test.IsSolved(circuit, membershipAssignment(root, p), field); err != nil {
			t.Fatalf("valid membership rejected: %v", err)
		}
		// wrong value
		bad := membershipAssignment(root, p)
		bad.Value = hash.Uint64(42)
		if test.IsSolved(circuit, bad, field) == nil {
			t.Fatal("wrong value accepted")
		}
		// wrong sibling at each height
		for h := 0; h < depth; h++ {
			bad = membershipAssignment(root, p)
			s := p.Siblings[h]
			one := hash.Uint64(1)
			s.Add(&s, &one)
			bad.Siblings[h] = s
			if test.IsSolved(circuit, bad, field) == nil {
				t.Fatalf("wrong sibling at height %d accepted", h)
			}
		}
		// index beyond 2^depth (same low bits): ToBinary must reject it
		bad = membershipAssignment(root, p)
		bad.Index = p.Index + 1<<depth
		if test.IsSolved(circuit, bad, field) == nil {
			t.Fatal("index >= 2^depth accepted")
		}
		// wrong root
		bad = membershipAssignment(root, p)
		bad.Root = hash.Uint64(1)
		if test.IsSolved(circuit, bad, field) == nil {
			t.Fatal("wrong root accepted")
		}
		checked++
		if checked == 3 {
			break
		}
	}
	// non-membership of an absent index (value 0)
	for idx := uint64(0); idx < 1<<depth; idx++ {
		if _, ok := m[idx]; ok {
			continue
		}
		p, _ := tr.Prove(idx)
		if !p.Value.IsZero() {
			t.Fatal("absent index has a value")
		}
		if err := test.IsSolved(circuit, membershipAssignment(root, p), field); err != nil {
			t.Fatalf("non-membership rejected: %v", err)
		}
		bad := membershipAssignment(root, p)
		bad.Value = hash.Uint64(1)
		if test.IsSolved(circuit, bad, field) == nil {
			t.Fatal("value claimed at an absent index")
		}
		break
	}
}

// TestLeafAsNodeRejected shows that an internal node cannot be presented as
// a leaf: the height-1 node above leaves (2k, 2k+1) with the upper siblings
// reaches the root through an unwrapped path of depth-1 levels, but the SMT
// gadget (which hashes every leaf with DomainLeaf) rejects it, whatever value
// is claimed.
func TestLeafAsNodeRejected(t *testing.T) {
	const depth = 5
	tr, m := buildTree(t, depth, 8, 2)
	root, _ := tr.Root()
	var idx uint64
	for idx = range m {
		break
	}
	p, _ := tr.Prove(idx)
	// the internal node at height 1 on idx's path
	lh := LeafHash(p.Value)
	var node fr.Element
	if idx&1 == 0 {
		node = hash.Node(lh, p.Siblings[0])
	} else {
		node = hash.Node(p.Siblings[0], lh)
	}
	upper := ElementsToVariables(p.Siblings[1:])
	// 1. The attack works against an unwrapped path (sanity check of the setup).
	raw := &rawPathCircuit{Siblings: make([]frontend.Variable, depth-1)}
	if err := test.IsSolved(raw, &rawPathCircuit{Root: root, LeafHash: node, Index: idx >> 1, Siblings: upper}, field); err != nil {
		t.Fatalf("setup: internal node does not reach the root: %v", err)
	}
	// 2. With the real gadget the internal node, presented as a leaf value in a
	// depth-1 tree, is rejected.
	short := &membershipCircuit{Siblings: make([]frontend.Variable, depth-1)}
	if test.IsSolved(short, &membershipCircuit{Root: root, Value: node, Index: idx >> 1, Siblings: upper}, field) == nil {
		t.Fatal("internal node accepted as a leaf value")
	}
	// 3. In the full-depth circuit, the node's children cannot be passed as
	// a leaf either: the leaf level is Hash(DomainLeaf, v) != Node(l, r).
	full := &membershipCircuit{Siblings: make([]frontend.Variable, depth)}
	sib := ElementsToVariables(p.Siblings)
	if test.IsSolved(full, &membershipCircuit{Root: root, Value: lh, Index: idx, Siblings: sib}, field) == nil {
		t.Fatal("leaf hash accepted as a leaf value")
	}
	// 4. Natively, no leaf hash equals the node.
	if LeafHash(node) == node || LeafHash(lh) == lh {
		t.Fatal("leaf/node confusion natively")
	}
}

// TestNodeAsLeafCheckCircuit is the proving-backend version of
// TestLeafAsNodeRejected: the depth-(d-1) membership circuit proves a real
// leaf of a depth-(d-1) tree, and refuses the height-1 node of a depth-d tree
// presented as a leaf value at the node's position, under the depth-d root.
// It also checks natively that VerifyProof refuses the same node at depth
// d-1, and the real leaf one level deeper (leaf as node, depth d+1).
func TestNodeAsLeafCheckCircuit(t *testing.T) {
	const depth = 4
	tr, m := buildTree(t, depth, 6, 5)
	root, _ := tr.Root()
	var idx uint64
	for idx = range m {
		break
	}
	p, _ := tr.Prove(idx)
	lh := LeafHash(p.Value)
	node := hash.Node(lh, p.Siblings[0])
	if idx&1 == 1 {
		node = hash.Node(p.Siblings[0], lh)
	}
	if ComputeRoot(node, idx>>1, p.Siblings[1:]) != root {
		t.Fatal("setup: the node does not fold to the root")
	}
	shortTree, _ := buildTree(t, depth-1, 4, 6)
	shortRoot, _ := shortTree.Root()
	sp, _ := shortTree.Prove(3)
	test.NewAssert(t).CheckCircuit(&membershipCircuit{Siblings: make([]frontend.Variable, depth-1)},
		test.WithCurves(ecc.BN254), test.WithBackends(backend.GROTH16),
		test.WithValidAssignment(membershipAssignment(shortRoot, sp)),
		test.WithInvalidAssignment(&membershipCircuit{Root: root, Value: node, Index: idx >> 1, Siblings: ElementsToVariables(p.Siblings[1:])}),
		test.WithInvalidAssignment(&membershipCircuit{Root: root, Value: lh, Index: idx >> 1, Siblings: ElementsToVariables(p.Siblings[1:])}),
		test.NoFuzzing(), test.NoSerializationChecks())
	// Natively, whatever depth the verifier is told.
	if VerifyProof(root, depth-1, Proof{Index: idx >> 1, Value: node, Siblings: p.Siblings[1:]}) == nil {
		t.Fatal("node accepted as a leaf value at depth d-1")
	}
	if err := VerifyProof(root, depth, p); err != nil {
		t.Fatalf("valid proof rejected: %v", err)
	}
	// Leaf as node: a depth-(d+1) proof would need a value v and a sibling s with
	// Node(LeafHash(v), s) == LeafHash(p.Value); the natural candidates fail.
	for _, v := range []fr.Element{p.Value, lh} {
		for _, s := range []fr.Element{p.Siblings[0], lh, {}} {
			long := Proof{Index: idx << 1, Value: v, Siblings: append([]fr.Element{s}, p.Siblings...)}
			if VerifyProof(root, depth+1, long) == nil {
				t.Fatal("leaf accepted as a node at depth d+1")
			}
		}
	}
}

func TestUpdateGadget(t *testing.T) {
	const depth = 6
	tr, m := buildTree(t, depth, 6, 3)
	circuit := &updateCircuit{Siblings: make([]frontend.Variable, depth)}
	rng := rand.New(rand.NewPCG(3, 3))
	// update an existing entry, insert at an empty index, delete
	var existing uint64
	for existing = range m {
		break
	}
	var empty uint64
	for empty = 0; ; empty++ {
		if _, ok := m[empty]; !ok {
			break
		}
	}
	cases := []struct {
		idx uint64
		nv  fr.Element
	}{{existing, rndElem(rng)}, {empty, rndElem(rng)}, {existing, fr.Element{}}}
	for _, c := range cases {
		oldRoot, _ := tr.Root()
		p, _ := tr.Prove(c.idx)
		if err := tr.Set(c.idx, c.nv); err != nil {
			t.Fatal(err)
		}
		newRoot, _ := tr.Root()
		good := &updateCircuit{OldRoot: oldRoot, NewRoot: newRoot, OldValue: p.Value, NewValue: c.nv, Index: c.idx, Siblings: ElementsToVariables(p.Siblings)}
		if err := test.IsSolved(circuit, good, field); err != nil {
			t.Fatalf("valid update rejected: %v", err)
		}
		bad := *good
		bad.OldValue = hash.Uint64(9)
		if test.IsSolved(circuit, &bad, field) == nil {
			t.Fatal("wrong old value accepted")
		}
		bad = *good
		bad.NewValue = hash.Uint64(9)
		if test.IsSolved(circuit, &bad, field) == nil {
			t.Fatal("wrong new value accepted")
		}
		bad = *good
		bad.Index = c.idx ^ 2
		if test.IsSolved(circuit, &bad, field) == nil {
			t.Fatal("wrong index accepted")
		}
		bad = *good
		bad.NewRoot = oldRoot
		if c.nv != p.Value && test.IsSolved(circuit, &bad, field) == nil {
			t.Fatal("unchanged root accepted")
		}
	}
}

type accMembershipCircuit struct {
	Root              frontend.Variable `gnark:",public"`
	Item, Index, Size frontend.Variable
	Siblings          []frontend.Variable
}

func (c *accMembershipCircuit) Define(api frontend.API) error {
	api.AssertIsEqual(AccumulatorMembershipGadget(api, c.Item, c.Index, c.Size, c.Siblings), c.Root)
	return nil
}

type accAppendCircuit struct {
	OldRoot, NewRoot frontend.Variable `gnark:",public"`
	Size, Item       frontend.Variable
	Siblings         []frontend.Variable
}

func (c *accAppendCircuit) Define(api frontend.API) error {
	o, n := AccumulatorAppendGadget(api, c.Size, c.Item, c.Siblings)
	api.AssertIsEqual(o, c.OldRoot)
	api.AssertIsEqual(n, c.NewRoot)
	return nil
}

func TestAccumulatorGadgets(t *testing.T) {
	const depth = 4
	rng := rand.New(rand.NewPCG(4, 4))
	acc, _ := NewAccumulator(NewMemStore(), depth)
	app := &accAppendCircuit{Siblings: make([]frontend.Variable, depth)}
	mem := &accMembershipCircuit{Siblings: make([]frontend.Variable, depth)}
	for i := 0; i < 5; i++ {
		oldRoot, _ := acc.Root()
		sib, _ := acc.Siblings(acc.Size())
		size := acc.Size()
		it := rndElem(rng)
		if _, err := acc.Append(it); err != nil {
			t.Fatal(err)
		}
		newRoot, _ := acc.Root()
		good := &accAppendCircuit{OldRoot: oldRoot, NewRoot: newRoot, Size: size, Item: it, Siblings: ElementsToVariables(sib)}
		if err := test.IsSolved(app, good, field); err != nil {
			t.Fatalf("valid append rejected: %v", err)
		}
		bad := *good
		bad.Item = hash.Uint64(3)
		if test.IsSolved(app, &bad, field) == nil {
			t.Fatal("append of another item accepted")
		}
		if size > 0 {
			// overwriting the previous (filled) slot must fail
			sibPrev, _ := acc.Siblings(size - 1)
			bad = accAppendCircuit{OldRoot: oldRoot, NewRoot: newRoot, Size: size - 1, Item: it, Siblings: ElementsToVariables(sibPrev)}
			if test.IsSolved(app, &bad, field) == nil {
				t.Fatal("append into a filled slot accepted")
			}
		}
	}
	root, _ := acc.Root()
	for j := uint64(0); j < acc.Size(); j++ {
		p, _ := acc.Prove(j)
		good := &accMembershipCircuit{Root: root, Item: p.Item, Index: p.Index, Size: p.Size, Siblings: ElementsToVariables(p.Siblings)}
		if err := test.IsSolved(mem, good, field); err != nil {
			t.Fatalf("valid accumulator membership rejected: %v", err)
		}
		bad := *good
		bad.Size = p.Size + 1
		if test.IsSolved(mem, &bad, field) == nil {
			t.Fatal("wrong size accepted")
		}
		bad = *good
		bad.Item = hash.Uint64(77)
		if test.IsSolved(mem, &bad, field) == nil {
			t.Fatal("wrong item accepted")
		}
	}
	// An unfilled slot cannot be shown to contain anything, even with index <
	// size forged: prove slot Size() (EmptySlot) with item = anything.
	sib, _ := acc.Siblings(acc.Size())
	bad := &accMembershipCircuit{Root: root, Item: 0, Index: acc.Size(), Size: acc.Size(), Siblings: ElementsToVariables(sib)}
	if test.IsSolved(mem, bad, field) == nil {
		t.Fatal("unfilled slot accepted")
	}
	// index >= size is rejected by the range check even if the path is right:
	// build a root that claims a smaller size over the same tree.
	tree, _ := acc.TreeRoot()
	p, _ := acc.Prove(acc.Size() - 1)
	smaller := AccumulatorRoot(tree, acc.Size()-1)
	forged := &accMembershipCircuit{Root: smaller, Item: p.Item, Index: p.Index, Size: acc.Size() - 1, Siblings: ElementsToVariables(p.Siblings)}
	if test.IsSolved(mem, forged, field) == nil {
		t.Fatal("index >= size accepted")
	}
}

type accGrowthCircuit struct {
	Earlier, Later         frontend.Variable `gnark:",public"`
	EarlierSize, LaterSize frontend.Variable
	Last                   frontend.Variable
	Siblings               []frontend.Variable
}

func (c *accGrowthCircuit) Define(api frontend.API) error {
	api.AssertIsEqual(AccumulatorGrowthGadget(api, c.Later, c.EarlierSize, c.LaterSize, c.Last, c.Siblings), c.Earlier)
	return nil
}

// TestAccumulatorGrowthGadget: every earlier state of a 6-item accumulator (and the later state
// itself) is shown to be one, against the native VerifyAccumulatorGrowth; a fork, a root of
// another size, size 0, a later size that is not the later root's, a changed sibling and an
// earlier size past the later one are each refused.
func TestAccumulatorGrowthGadget(t *testing.T) {
	const depth = 4
	rng := rand.New(rand.NewPCG(9, 9))
	acc, _ := NewAccumulator(NewMemStore(), depth)
	fork, _ := NewAccumulator(NewMemStore(), depth)
	var roots, forks []fr.Element
	for i := 0; i < 6; i++ {
		it := rndElem(rng)
		_, _ = acc.Append(it)
		_, _ = fork.Append(it)
		if i == 3 {
			_, _ = fork.Append(rndElem(rng)) // fork's 5th item is not acc's
		}
		r, _ := acc.Root()
		roots = append(roots, r)
		f, _ := fork.Root()
		forks = append(forks, f)
	}
	later := roots[len(roots)-1]
	assert := test.NewAssert(t)
	circuit := &accGrowthCircuit{Siblings: make([]frontend.Variable, depth)}
	assign := func(earlier fr.Element, g AccumulatorGrowth) *accGrowthCircuit {
		return &accGrowthCircuit{Earlier: earlier, Later: later, EarlierSize: g.EarlierSize, LaterSize: g.LaterSize, Last: g.Last,
			Siblings: ElementsToVariables(g.Siblings)}
	}
	for n := uint64(1); n <= acc.Size(); n++ {
		g, err := acc.ProveGrowth(n)
		assert.NoError(err)
		assert.NoError(VerifyAccumulatorGrowth(roots[n-1], later, depth, g), "native twin at %d", n)
		assert.CheckCircuit(circuit, test.WithValidAssignment(assign(roots[n-1], g)),
			test.WithCurves(ecc.BN254), test.WithBackends(backend.GROTH16))
	}
	g, _ := acc.ProveGrowth(5)
	shortSize := g
	shortSize.LaterSize = g.LaterSize - 1
	beyond := g
	beyond.EarlierSize = g.LaterSize + 1
	changed := g
	changed.Siblings = append([]fr.Element(nil), g.Siblings...)
	changed.Siblings[1] = hash.Uint64(5)
	zero := g
	zero.EarlierSize = 0
	bad := []struct {
		name    string
		earlier fr.Element
		g       AccumulatorGrowth
	}{
		{"a fork's root at the same size", forks[3], g},
		{"the root at another size", roots[2], g},
		{"the later size misstated", roots[4], shortSize},
		{"an earlier size past the later one", roots[4], beyond},
		{"a changed sibling", roots[4], changed},
		{"size 0 (nothing to open)", EmptyAccumulatorRoot(depth), zero},
	}
	for _, b := range bad {
		assert.Error(VerifyAccumulatorGrowth(b.earlier, later, depth, b.g), "native twin: %s", b.name)
		assert.CheckCircuit(circuit, test.WithInvalidAssignment(assign(b.earlier, b.g)),
			test.WithCurves(ecc.BN254), test.WithBackends(backend.GROTH16))
	}
}
