package smt

import (
	"errors"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/stretchr/testify/require"

	"github.com/slush-tree/slush/circuits/hash"
)

func rndElem(rng *rand.Rand) fr.Element {
	var e fr.Element
	e.SetUint64(rng.Uint64())
	var x fr.Element
	x.SetUint64(rng.Uint64())
	e.Mul(&e, &x) // spread over the field
	return e
}

// naiveRoot recomputes the SMT root from scratch over all 2^depth leaves.
func naiveRoot(m map[uint64]fr.Element, depth int) fr.Element {
	var rec func(h int, pos uint64) fr.Element
	rec = func(h int, pos uint64) fr.Element {
		if h == 0 {
			return LeafHash(m[pos]) // absent -> zero value
		}
		return hash.Node(rec(h-1, 2*pos), rec(h-1, 2*pos+1))
	}
	return rec(depth, 0)
}

func TestEmptyRoot(t *testing.T) {
	for _, d := range []int{1, 3, 6} {
		tr, err := New(NewMemStore(), d)
		if err != nil {
			t.Fatal(err)
		}
		r, err := tr.Root()
		if err != nil {
			t.Fatal(err)
		}
		if r != naiveRoot(nil, d) || r != EmptyRoot(d) {
			t.Fatalf("depth %d: empty root mismatch", d)
		}
	}
	if _, err := New(NewMemStore(), 0); err == nil {
		t.Fatal("depth 0 accepted")
	}
	if _, err := New(NewMemStore(), 65); err == nil {
		t.Fatal("depth 65 accepted")
	}
	if _, err := New(nil, 4); err == nil {
		t.Fatal("nil store accepted")
	}
}

// TestPropertyRandomOps runs random set/delete sequences and compares the
// root, Get and proofs with a naive map-based recomputation after every step.
func TestPropertyRandomOps(t *testing.T) {
	for _, depth := range []int{1, 2, 5, 7} {
		rng := rand.New(rand.NewPCG(uint64(depth), 99))
		store := NewMemStore()
		tr, err := New(store, depth)
		if err != nil {
			t.Fatal(err)
		}
		model := map[uint64]fr.Element{}
		n := uint64(1) << uint(depth)
		for step := 0; step < 60; step++ {
			idx := rng.Uint64N(n)
			if rng.IntN(3) == 0 {
				if err := tr.Delete(idx); err != nil {
					t.Fatal(err)
				}
				delete(model, idx)
			} else {
				v := rndElem(rng)
				if err := tr.Set(idx, v); err != nil {
					t.Fatal(err)
				}
				model[idx] = v
			}
			root, err := tr.Root()
			if err != nil {
				t.Fatal(err)
			}
			if root != naiveRoot(model, depth) {
				t.Fatalf("depth %d step %d: root mismatch", depth, step)
			}
			q := rng.Uint64N(n)
			got, err := tr.Get(q)
			if err != nil {
				t.Fatal(err)
			}
			if got != model[q] {
				t.Fatalf("Get(%d) mismatch", q)
			}
			p, err := tr.Prove(q)
			if err != nil {
				t.Fatal(err)
			}
			if err := VerifyProof(root, depth, p); err != nil {
				t.Fatalf("valid proof rejected: %v", err)
			}
			// Tampering with any part of the proof must be detected.
			bad := p
			bad.Value = rndElem(rng)
			if VerifyProof(root, depth, bad) == nil {
				t.Fatal("wrong value accepted")
			}
			bad = p
			bad.Siblings = append([]fr.Element(nil), p.Siblings...)
			h := rng.IntN(depth)
			one := hash.Uint64(1)
			bad.Siblings[h].Add(&bad.Siblings[h], &one)
			if VerifyProof(root, depth, bad) == nil {
				t.Fatal("wrong sibling accepted")
			}
			if depth > 1 {
				bad = p
				bad.Index = p.Index ^ 1
				if model[p.Index] != model[p.Index^1] && VerifyProof(root, depth, bad) == nil {
					t.Fatal("wrong index accepted")
				}
			}
			bad = p
			bad.Index = p.Index + n
			if VerifyProof(root, depth, bad) == nil {
				t.Fatal("index >= 2^depth accepted")
			}
			if VerifyProof(root, depth+1, p) == nil {
				t.Fatal("proof accepted at another depth")
			}
		}
		// Store content depends only on the contents: rebuild in another order.
		store2 := NewMemStore()
		tr2, _ := New(store2, depth)
		for i := uint64(0); i < n; i++ {
			_ = tr2.Set(i, rndElem(rng)) // noise, later overwritten or deleted
		}
		for i := n; i > 0; i-- {
			v, ok := model[i-1]
			if !ok {
				v = fr.Element{}
			}
			if err := tr2.Set(i-1, v); err != nil {
				t.Fatal(err)
			}
		}
		if !reflect.DeepEqual(store.Keys(), store2.Keys()) {
			t.Fatalf("depth %d: store layout depends on history", depth)
		}
		for _, k := range store.Keys() {
			a, _ := store.Get([]byte(k))
			b, _ := store2.Get([]byte(k))
			if string(a) != string(b) {
				t.Fatal("store values depend on history")
			}
		}
	}
}

func TestDeleteRestoresEmpty(t *testing.T) {
	store := NewMemStore()
	tr, _ := New(store, 24)
	one := hash.Uint64(1)
	for _, i := range []uint64{0, 1, 1 << 23, 1<<24 - 1} {
		if err := tr.Set(i, one); err != nil {
			t.Fatal(err)
		}
	}
	if err := tr.Set(1<<24, one); !errors.Is(err, ErrIndexOutOfRange) {
		t.Fatalf("out of range Set: %v", err)
	}
	for _, i := range []uint64{0, 1, 1 << 23, 1<<24 - 1} {
		if err := tr.Delete(i); err != nil {
			t.Fatal(err)
		}
	}
	r, _ := tr.Root()
	if r != EmptyRoot(24) || store.Len() != 0 {
		t.Fatalf("delete did not restore the empty tree (keys left: %d)", store.Len())
	}
}

func TestPrefixStoreIsolation(t *testing.T) {
	base := NewMemStore()
	a, _ := New(NewPrefixStore(base, []byte("a/")), 8)
	b, _ := New(NewPrefixStore(base, []byte("b/")), 8)
	if err := a.Set(3, hash.Uint64(7)); err != nil {
		t.Fatal(err)
	}
	rb, _ := b.Root()
	if rb != EmptyRoot(8) {
		t.Fatal("prefix stores interfere")
	}
	// Reopen from the same store: state persists.
	a2, _ := New(NewPrefixStore(base, []byte("a/")), 8)
	v, _ := a2.Get(3)
	ra, _ := a.Root()
	ra2, _ := a2.Root()
	if v != hash.Uint64(7) || ra != ra2 {
		t.Fatal("reopened tree differs")
	}
}

func TestCorruptStore(t *testing.T) {
	store := NewMemStore()
	tr, _ := New(store, 4)
	_ = tr.Set(2, hash.Uint64(5))
	// Overwrite the root node with a non-canonical encoding.
	bad := make([]byte, 32)
	for i := range bad {
		bad[i] = 0xff
	}
	_ = store.Set(nodeKey(4, 0), bad)
	if _, err := tr.Root(); !errors.Is(err, ErrCorruptStore) {
		t.Fatalf("corrupt root not detected: %v", err)
	}
	_ = store.Set(valueKey(2), bad[:5])
	if _, err := tr.Get(2); !errors.Is(err, ErrCorruptStore) {
		t.Fatalf("corrupt value not detected: %v", err)
	}
}

// naiveAccRoot recomputes an accumulator root from its item list.
func naiveAccRoot(items []fr.Element, depth int) fr.Element {
	var rec func(h int, pos uint64) fr.Element
	rec = func(h int, pos uint64) fr.Element {
		if h == 0 {
			if pos < uint64(len(items)) {
				return LeafHash(items[pos])
			}
			return EmptySlot()
		}
		return hash.Node(rec(h-1, 2*pos), rec(h-1, 2*pos+1))
	}
	return AccumulatorRoot(rec(depth, 0), uint64(len(items)))
}

func TestAccumulatorProperty(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for _, depth := range []int{1, 3, 5} {
		store := NewMemStore()
		acc, err := NewAccumulator(store, depth)
		if err != nil {
			t.Fatal(err)
		}
		r0, _ := acc.Root()
		if r0 != EmptyAccumulatorRoot(depth) || r0 != naiveAccRoot(nil, depth) {
			t.Fatal("empty accumulator root mismatch")
		}
		var items []fr.Element
		for i := 0; i < 1<<depth; i++ {
			it := rndElem(rng)
			idx, err := acc.Append(it)
			if err != nil || idx != uint64(i) {
				t.Fatalf("append %d: %v %d", i, err, idx)
			}
			items = append(items, it)
			root, _ := acc.Root()
			if root != naiveAccRoot(items, depth) {
				t.Fatalf("depth %d after %d appends: root mismatch", depth, i+1)
			}
			for j := range items {
				p, err := acc.Prove(uint64(j))
				if err != nil {
					t.Fatal(err)
				}
				if err := VerifyAccumulatorProof(root, depth, p); err != nil {
					t.Fatalf("valid proof rejected: %v", err)
				}
				bad := p
				bad.Size++
				if VerifyAccumulatorProof(root, depth, bad) == nil {
					t.Fatal("wrong size accepted")
				}
				bad = p
				bad.Item = rndElem(rng)
				if VerifyAccumulatorProof(root, depth, bad) == nil {
					t.Fatal("wrong item accepted")
				}
			}
			if _, err := acc.Prove(uint64(len(items))); err == nil {
				t.Fatal("proof of an unfilled slot")
			}
		}
		if _, err := acc.Append(hash.Uint64(1)); !errors.Is(err, ErrAccumulatorFull) {
			t.Fatalf("append to full accumulator: %v", err)
		}
		// Reopen: size and root persist.
		acc2, err := NewAccumulator(store, depth)
		if err != nil {
			t.Fatal(err)
		}
		ra, _ := acc.Root()
		rb, _ := acc2.Root()
		if acc2.Size() != acc.Size() || ra != rb {
			t.Fatal("reopened accumulator differs")
		}
	}
}

func TestEmptySlotIsNotALeaf(t *testing.T) {
	// EmptySlot = Hash(DomainEmpty) is unequal to LeafHash of the values one
	// might try (0, 1, EmptySlot itself): distinct domain and arity.
	for _, v := range []fr.Element{{}, hash.Uint64(1), EmptySlot()} {
		if LeafHash(v) == EmptySlot() {
			t.Fatal("empty slot equals a leaf hash")
		}
	}
}

// TestAccumulatorGrowth: every earlier root of an accumulator is proven a state of its later
// root, and nothing else is: not a root of another item sequence, another size, or a sequence
// that differs in one item.
func TestAccumulatorGrowth(t *testing.T) {
	const depth = 4
	acc, err := NewAccumulator(NewMemStore(), depth)
	require.NoError(t, err)
	forked, err := NewAccumulator(NewMemStore(), depth)
	require.NoError(t, err)
	var roots, forkedRoots []fr.Element
	for i := uint64(0); i < 11; i++ {
		_, err := acc.Append(hash.Uint64(100 + i))
		require.NoError(t, err)
		item := hash.Uint64(100 + i)
		if i == 3 {
			item = hash.Uint64(999)
		}
		_, err = forked.Append(item)
		require.NoError(t, err)
		r, err := acc.Root()
		require.NoError(t, err)
		roots = append(roots, r)
		r, err = forked.Root()
		require.NoError(t, err)
		forkedRoots = append(forkedRoots, r)
	}
	later := roots[len(roots)-1]
	for n := uint64(1); n <= acc.Size(); n++ {
		g, err := acc.ProveGrowth(n)
		require.NoError(t, err)
		require.NoError(t, VerifyAccumulatorGrowth(roots[n-1], later, depth, g), "size %d", n)
		if n >= 4 { // the fork differs from item 3 on
			require.Error(t, VerifyAccumulatorGrowth(forkedRoots[n-1], later, depth, g), "forked at size %d", n)
		}
	}

	g, err := acc.ProveGrowth(5)
	require.NoError(t, err)
	for _, c := range []struct {
		name    string
		earlier fr.Element
		change  func(*AccumulatorGrowth)
	}{
		{"another size's root", roots[5], func(*AccumulatorGrowth) {}},
		{"a stated size it does not have", roots[4], func(g *AccumulatorGrowth) { g.EarlierSize = 6 }},
		{"an earlier size above the later", roots[4], func(g *AccumulatorGrowth) { g.EarlierSize, g.LaterSize = 12, 11 }},
		{"size zero", roots[4], func(g *AccumulatorGrowth) { g.EarlierSize = 0 }},
		{"a later size beyond the depth", roots[4], func(g *AccumulatorGrowth) { g.LaterSize = 17 }},
		{"another last item", roots[4], func(g *AccumulatorGrowth) { g.Last = hash.Uint64(1) }},
		{"a changed left sibling", roots[4], func(g *AccumulatorGrowth) { g.Siblings[2] = hash.Uint64(1) }},
		{"a short path", roots[4], func(g *AccumulatorGrowth) { g.Siblings = g.Siblings[:3] }},
	} {
		t.Run(c.name, func(t *testing.T) {
			m := g
			m.Siblings = append([]fr.Element(nil), g.Siblings...)
			c.change(&m)
			require.ErrorIs(t, VerifyAccumulatorGrowth(c.earlier, later, depth, m), ErrInvalidProof)
		})
	}
	_, err = acc.ProveGrowth(12)
	require.ErrorIs(t, err, ErrInvalidProof)
}
