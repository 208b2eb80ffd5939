package relayer

import (
	"bytes"
	"context"
	"errors"
	"fmt"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"

	"github.com/slush-tree/slush/circuits/commitment"
	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/inclusion"
	bridgetypes "github.com/slush-tree/slush/x/bridge/types"
	validiumtypes "github.com/slush-tree/slush/x/validium/types"
)

// errNotYet means the item is not (yet) bound by the root commitment asked about: a commitment
// on the way down does not carry it yet. The relayer tries again on a later round.
var errNotYet = errors.New("not bound by that root commitment yet")

// treeChain is what an inclusion witness reads from one chain of the path (Chain implements it;
// tests fake it).
type treeChain interface {
	storeReader
	Commitment(ctx context.Context, h, atHeight int64) (bridgetypes.OwnCommitment, error)
	CommitmentByHash(ctx context.Context, hash []byte, atHeight int64) (bridgetypes.OwnCommitment, error)
	Child(ctx context.Context, index uint32, atHeight int64) (*validiumtypes.QueryChildResponse, error)
	ChildProof(ctx context.Context, index uint32, atHeight int64) (*validiumtypes.QueryChildProofResponse, error)
}

// treeLookup returns the chain at a path (nil if the relayer does not serve it).
type treeLookup func(path []uint8) treeChain

// walk is the chain of accepted commitments from a root commitment down to a source validium:
// what an inclusion witness needs besides the item's accumulator proof.
type walk struct {
	root   commitment.Commitment
	hops   []inclusion.Hop
	source bridgetypes.OwnCommitment // the source's record (its block height opens its trees)
	chain  treeChain                 // the source chain
}

// walkDown follows the root commitment at rootHeight down to src: at each chain, the child
// record and its children-SMT path at the block of the commitment being walked (so they are
// the ones that commitment's children root binds), then the child's commitment record by hash.
func walkDown(ctx context.Context, lookup treeLookup, rootHeight uint64, src []uint8) (walk, error) {
	cur := lookup(nil)
	if cur == nil {
		return walk{}, errors.New("the relayer does not serve the root")
	}
	rec, err := cur.Commitment(ctx, int64(rootHeight), 0)
	if err != nil {
		return walk{}, fmt.Errorf("root commitment at %d: %w", rootHeight, err)
	}
	root, err := rec.Fields.Decode()
	if err != nil {
		return walk{}, err
	}
	if !bytes.Equal(hash.EncodeElement(root.Hash()), rec.Commitment) {
		return walk{}, fmt.Errorf("root record at %d does not hash to its commitment", rootHeight)
	}
	w := walk{root: root, source: rec, chain: cur}
	parent := root
	for i, idx := range src {
		path := src[:i+1]
		next := lookup(path)
		if next == nil {
			return walk{}, fmt.Errorf("the relayer does not serve %s", FormatPath(path))
		}
		child, err := cur.Child(ctx, uint32(idx), rec.Height)
		if err != nil {
			return walk{}, fmt.Errorf("%s child %d at %d: %w", FormatPath(src[:i]), idx, rec.Height, err)
		}
		latest := child.Child.LatestCommitment
		if isZero(latest) {
			return walk{}, fmt.Errorf("%w: %s has no accepted update at %s height %d", errNotYet, FormatPath(path), FormatPath(src[:i]), rec.Height)
		}
		cp, err := cur.ChildProof(ctx, uint32(idx), rec.Height)
		if err != nil {
			return walk{}, err
		}
		if !bytes.Equal(cp.ChildrenRoot, hash.EncodeElement(parent.ChildrenRoot)) {
			return walk{}, fmt.Errorf("%s's children root at height %d is not the one its commitment binds", FormatPath(src[:i]), rec.Height)
		}
		siblings := make([]fr.Element, len(cp.Siblings))
		for j, s := range cp.Siblings {
			if siblings[j], err = hash.DecodeElement(s); err != nil {
				return walk{}, err
			}
		}
		crec, err := next.CommitmentByHash(ctx, latest, 0)
		if err != nil {
			return walk{}, fmt.Errorf("%s commitment %X: %w", FormatPath(path), latest, err)
		}
		c, err := crec.Fields.Decode()
		if err != nil {
			return walk{}, err
		}
		if h := c.Hash(); !bytes.Equal(hash.EncodeElement(h), latest) {
			return walk{}, fmt.Errorf("%s record at %d does not hash to the accepted commitment", FormatPath(path), crec.Height)
		}
		w.hops = append(w.hops, inclusion.Hop{Index: idx, Record: c, Siblings: siblings})
		cur, rec, parent = next, crec, c
		w.source, w.chain = crec, next
	}
	return w, nil
}

// isZero tells whether a stored commitment is unset (empty or all zero bytes).
func isZero(b []byte) bool {
	for _, x := range b {
		if x != 0 {
			return false
		}
	}
	return true
}

// messageWitness builds the witness that message m (in its sender's outbox) is bound by the
// root commitment at rootHeight.
func messageWitness(ctx context.Context, lookup treeLookup, rootHeight uint64, m inclusion.Message) (inclusion.Witness, error) {
	src, err := commitment.UnpackVid(m.SrcVid)
	if err != nil {
		return inclusion.Witness{}, err
	}
	w, err := walkDown(ctx, lookup, rootHeight, src)
	if err != nil {
		return inclusion.Witness{}, err
	}
	acc, ok, err := outboxProof(ctx, w.chain, w.source.Height, m.Nonce)
	if err != nil {
		return inclusion.Witness{}, err
	}
	if !ok {
		return inclusion.Witness{}, fmt.Errorf("%w: message %d is not in %s's outbox at height %d", errNotYet, m.Nonce, FormatPath(src), w.source.Height)
	}
	return inclusion.Witness{Root: w.root, Hops: w.hops, Leaf: m.Leaf(), Acc: acc}, nil
}

// receiptWitness builds the witness that receipt rc, at index of its claimer's receipt tree,
// is bound by the root commitment at rootHeight.
func receiptWitness(ctx context.Context, lookup treeLookup, rootHeight uint64, rc inclusion.Receipt, index uint64) (inclusion.Witness, error) {
	src, err := commitment.UnpackVid(rc.SrcVid)
	if err != nil {
		return inclusion.Witness{}, err
	}
	w, err := walkDown(ctx, lookup, rootHeight, src)
	if err != nil {
		return inclusion.Witness{}, err
	}
	tree, err := receiptTree(ctx, w.chain, w.source.Height)
	if err != nil {
		return inclusion.Witness{}, err
	}
	if index >= tree.Size() {
		return inclusion.Witness{}, fmt.Errorf("%w: receipt %d is not in %s's receipt tree at height %d", errNotYet, index, FormatPath(src), w.source.Height)
	}
	acc, err := tree.Prove(index)
	if err != nil {
		return inclusion.Witness{}, err
	}
	if want := rc.Hash(); !acc.Item.Equal(&want) {
		return inclusion.Witness{}, fmt.Errorf("receipt %d of %s is another receipt", index, FormatPath(src))
	}
	return inclusion.Witness{Root: w.root, Hops: w.hops, Leaf: rc.Leaf(), Acc: acc}, nil
}
