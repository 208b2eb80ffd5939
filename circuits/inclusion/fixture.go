package inclusion

import (
	"fmt"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"

	"github.com/slush-tree/slush/circuits/commitment"
	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/smt"
)

// fixtureElem derives a deterministic pseudo-random field element.
func fixtureElem(seed uint64, tag string, i uint64) fr.Element {
	var t uint64
	for _, c := range tag {
		t = t*131 + uint64(c)
	}
	return hash.Hash(hash.DomainLeaf, hash.Uint64(seed), hash.Uint64(t), hash.Uint64(i))
}

// BuildChain builds synthetic ancestors of source (which sits at path) up to
// a root whose AnchorHeight is rootHeight: every ancestor gets a finalized-children
// SMT holding its child on the path plus two decoy children (and an unrelated
// ChildrenRoot, which inclusion paths never walk). It does not validate
// source (tests use it to build invalid chains). For tests, benchmarks and demos.
func BuildChain(source commitment.Commitment, path []uint8, rootHeight uint64, seed uint64) (commitment.Commitment, []Hop, error) {
	hops := make([]Hop, len(path))
	child := source
	for j := len(path) - 1; j >= 0; j-- {
		idx := path[j]
		tree, err := smt.New(smt.NewMemStore(), commitment.ChildrenDepth)
		if err != nil {
			return commitment.Commitment{}, nil, err
		}
		for _, d := range []uint8{idx + 1, idx + 2} { // decoys (wrap around, skip 0)
			if d == 0 || d == idx {
				continue
			}
			if err := tree.Set(uint64(d), commitment.ChildLeaf(d, fixtureElem(seed, "decoy", uint64(j)<<8|uint64(d)))); err != nil {
				return commitment.Commitment{}, nil, err
			}
		}
		if err := tree.Set(uint64(idx), commitment.ChildLeaf(idx, child.Hash())); err != nil {
			return commitment.Commitment{}, nil, err
		}
		p, err := tree.Prove(uint64(idx))
		if err != nil {
			return commitment.Commitment{}, nil, err
		}
		hops[j] = Hop{Index: idx, Record: child, Siblings: p.Siblings}
		parentVid, err := commitment.PackVid(path[:j])
		if err != nil {
			// invalid paths are allowed for negative tests: pack manually
			parentVid = rawVid(path[:j])
		}
		cr, _ := tree.Root()
		parent := syntheticRecord(seed, uint64(j))
		parent.Vid = parentVid
		parent.FinalizedChildrenRoot = cr
		child = parent
	}
	child.AnchorHeight = rootHeight
	return child, hops, nil
}

// rawVid packs a path without validation (negative tests only).
func rawVid(path []uint8) fr.Element {
	v := hash.Uint64(uint64(len(path)))
	mul := hash.Uint64(1)
	b := hash.Uint64(256)
	for _, x := range path {
		mul.Mul(&mul, &b)
		var t fr.Element
		t.SetUint64(uint64(x))
		t.Mul(&t, &mul)
		v.Add(&v, &t)
	}
	return v
}

func syntheticRecord(seed, level uint64) commitment.Commitment {
	return commitment.Commitment{
		LedgerRoot:            fixtureElem(seed, "ledger", level),
		OutboxRoot:            fixtureElem(seed, "outbox", level),
		ReceiptRoot:           fixtureElem(seed, "receipt", level),
		ChildrenRoot:          fixtureElem(seed, "children", level),
		FinalizedChildrenRoot: commitment.EmptyChildrenRoot(),
		AnchorHeight:          1000 + level,
		AnchorCommitment:      fixtureElem(seed, "anchor", level),
		AcceptanceDigest:      fixtureElem(seed, "accept", level),
		OperatorKeyHash:       fixtureElem(seed, "operator", level),
		Epoch:                 level,
	}
}

// SourceRecord builds a synthetic record for the validium at path whose
// outbox (kind message) or receipt tree (kind receipt) holds a few decoy
// items followed by leaf; it returns the record and the accumulator proof.
func SourceRecord(path []uint8, leaf Leaf, seed uint64) (commitment.Commitment, smt.AccumulatorProof, error) {
	acc, err := smt.NewAccumulator(smt.NewMemStore(), AccumulatorDepth)
	if err != nil {
		return commitment.Commitment{}, smt.AccumulatorProof{}, err
	}
	for i := uint64(0); i < 3; i++ {
		if _, err := acc.Append(fixtureElem(seed, "item", i)); err != nil {
			return commitment.Commitment{}, smt.AccumulatorProof{}, err
		}
	}
	at, err := acc.Append(leaf.Hash())
	if err != nil {
		return commitment.Commitment{}, smt.AccumulatorProof{}, err
	}
	if _, err := acc.Append(fixtureElem(seed, "item", 99)); err != nil {
		return commitment.Commitment{}, smt.AccumulatorProof{}, err
	}
	proof, err := acc.Prove(at)
	if err != nil {
		return commitment.Commitment{}, smt.AccumulatorProof{}, err
	}
	root, _ := acc.Root()
	rec := syntheticRecord(seed, 100+uint64(len(path)))
	if v, err := commitment.PackVid(path); err == nil {
		rec.Vid = v
	} else {
		rec.Vid = rawVid(path)
	}
	if leaf.Kind == KindReceipt {
		rec.ReceiptRoot = root
	} else {
		rec.OutboxRoot = root
	}
	return rec, proof, nil
}

// ExampleWitness builds a complete, valid synthetic witness for an item of
// the given kind issued by the validium at path, addressed to dst, under a
// root at rootHeight. For tests, benchmarks and demos.
func ExampleWitness(path, dst []uint8, kind Kind, rootHeight uint64) (Witness, error) {
	src, err := commitment.PackVid(path)
	if err != nil {
		return Witness{}, err
	}
	dstVid, err := commitment.PackVid(dst)
	if err != nil {
		return Witness{}, err
	}
	var leaf Leaf
	switch kind {
	case KindMessage:
		leaf = Message{SrcVid: src, DstVid: dstVid, Nonce: 7, Recipient: fixtureElem(1, "recipient", 0),
			AssetID: hash.Uint64(1), Amount: 1000, Deadline: rootHeight + 100}.Leaf()
	case KindReceipt:
		leaf = Receipt{SrcVid: src, DstVid: dstVid, MsgHash: fixtureElem(1, "msg", 0)}.Leaf()
	default:
		return Witness{}, fmt.Errorf("inclusion: unknown kind %d", kind)
	}
	rec, accProof, err := SourceRecord(path, leaf, 42)
	if err != nil {
		return Witness{}, err
	}
	root, hops, err := BuildChain(rec, path, rootHeight, 42)
	if err != nil {
		return Witness{}, err
	}
	w := Witness{Root: root, Hops: hops, Leaf: leaf, Acc: accProof}
	return w, nil
}
