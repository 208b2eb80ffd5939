// Package witness builds bridge inclusion witnesses (DESIGN §7.2) from chain state alone: the
// walk from a root commitment down to a source validium through the parents' finalized
// children, and the item's accumulator proof in the source's ledger store. The relayer and the
// in-process tree tests use it over their own Chain implementations.
package witness

import (
	"bytes"
	"context"
	"errors"
	"fmt"

	treetypes "github.com/slush-tree/slush/x/tree/types"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"

	"github.com/slush-tree/slush/circuits/commitment"
	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/inclusion"
	acceptancetypes "github.com/slush-tree/slush/x/acceptance/types"
)

// ErrNotYet means the item is not (yet) bound by the root commitment asked about: a commitment
// on the way down does not carry it yet (not final yet). Callers try again later.
var ErrNotYet = errors.New("not bound by that root commitment yet")

// Chain is what an inclusion witness reads from one chain of the path.
type Chain interface {
	StoreReader
	// Commitment is the chain's own commitment at block height h, read at atHeight (0: latest).
	Commitment(ctx context.Context, h, atHeight int64) (treetypes.OwnCommitment, error)
	// CommitmentByHash is the chain's commitment record with a given hash.
	CommitmentByHash(ctx context.Context, hash []byte, atHeight int64) (treetypes.OwnCommitment, error)
	// FinalizedChildProof is a child's finalized commitment and its finalized-children path at a height.
	FinalizedChildProof(ctx context.Context, index uint32, atHeight int64) (*acceptancetypes.QueryFinalizedChildProofResponse, error)
}

// Lookup returns the chain at a path (nil if the caller cannot read it).
type Lookup func(path []uint8) Chain

// walk is the chain of finalized commitments from a root commitment down to a source validium:
// what an inclusion witness needs besides the item's accumulator proof.
type walk struct {
	root   commitment.Commitment
	hops   []inclusion.Hop
	source treetypes.OwnCommitment // the source's record (its block height opens its trees)
	chain  Chain                   // the source chain
}

// walkDown follows the root commitment at rootHeight down to src through finalized commitments
// (DESIGN §7.2): at each chain, the child's finalized commitment and its finalized-children-SMT
// path at the block of the commitment being walked (so they are the ones that commitment's
// finalized children root binds), then the child's commitment record by hash. A source whose
// state is not final along the whole path yet is ErrNotYet.
func walkDown(ctx context.Context, lookup Lookup, rootHeight uint64, src []uint8) (walk, error) {
	cur := lookup(nil)
	if cur == nil {
		return walk{}, errors.New("cannot read the root")
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
			return walk{}, fmt.Errorf("cannot read %s", commitment.ChainID(path))
		}
		hop, crec, err := finalizedHop(ctx, cur, next, idx, rec.Height, parent)
		if err != nil {
			return walk{}, fmt.Errorf("%s under %s at height %d: %w", commitment.ChainID(path), commitment.ChainID(src[:i]), rec.Height, err)
		}
		w.hops = append(w.hops, hop)
		cur, rec, parent = next, crec, hop.Record
		w.source, w.chain = crec, next
	}
	return w, nil
}

// finalizedHop is the hop from the parent commitment (made at block height on chain cur) to its
// child idx's finalized commitment, whose record is read from the child chain.
func finalizedHop(ctx context.Context, cur, child Chain, idx uint8, height int64, parent commitment.Commitment) (inclusion.Hop, treetypes.OwnCommitment, error) {
	fp, err := cur.FinalizedChildProof(ctx, uint32(idx), height)
	if err != nil {
		return inclusion.Hop{}, treetypes.OwnCommitment{}, fmt.Errorf("%w: no finalized commitment yet (%v)", ErrNotYet, err)
	}
	if !bytes.Equal(fp.FinalizedChildrenRoot, hash.EncodeElement(parent.FinalizedChildrenRoot)) {
		return inclusion.Hop{}, treetypes.OwnCommitment{}, errors.New("the parent's finalized children root is not the one its commitment binds")
	}
	siblings := make([]fr.Element, len(fp.Siblings))
	for j, s := range fp.Siblings {
		if siblings[j], err = hash.DecodeElement(s); err != nil {
			return inclusion.Hop{}, treetypes.OwnCommitment{}, err
		}
	}
	crec, err := child.CommitmentByHash(ctx, fp.Commitment, 0)
	if err != nil {
		return inclusion.Hop{}, treetypes.OwnCommitment{}, fmt.Errorf("commitment %X: %w", fp.Commitment, err)
	}
	c, err := crec.Fields.Decode()
	if err != nil {
		return inclusion.Hop{}, treetypes.OwnCommitment{}, err
	}
	if h := c.Hash(); !bytes.Equal(hash.EncodeElement(h), fp.Commitment) {
		return inclusion.Hop{}, treetypes.OwnCommitment{}, fmt.Errorf("record at %d does not hash to the finalized commitment", crec.Height)
	}
	return inclusion.Hop{Index: idx, Record: c, Siblings: siblings}, crec, nil
}

// Message builds the witness that message m (in its sender's outbox) is bound by the root
// commitment at rootHeight.
func Message(ctx context.Context, lookup Lookup, rootHeight uint64, m inclusion.Message) (inclusion.Witness, error) {
	src, err := commitment.UnpackVid(m.SrcVid)
	if err != nil {
		return inclusion.Witness{}, err
	}
	w, err := walkDown(ctx, lookup, rootHeight, src)
	if err != nil {
		return inclusion.Witness{}, err
	}
	acc, ok, err := OutboxProof(ctx, w.chain, w.source.Height, m.Nonce)
	if err != nil {
		return inclusion.Witness{}, err
	}
	if !ok {
		return inclusion.Witness{}, fmt.Errorf("%w: message %d is not in %s's outbox at height %d", ErrNotYet, m.Nonce, commitment.ChainID(src), w.source.Height)
	}
	return inclusion.Witness{Root: w.root, Hops: w.hops, Leaf: m.Leaf(), Acc: acc}, nil
}

// Receipt builds the witness that receipt rc, at index of its minter's receipt tree, is bound
// by the root commitment at rootHeight.
func Receipt(ctx context.Context, lookup Lookup, rootHeight uint64, rc inclusion.Receipt, index uint64) (inclusion.Witness, error) {
	src, err := commitment.UnpackVid(rc.SrcVid)
	if err != nil {
		return inclusion.Witness{}, err
	}
	w, err := walkDown(ctx, lookup, rootHeight, src)
	if err != nil {
		return inclusion.Witness{}, err
	}
	tree, err := ReceiptTree(ctx, w.chain, w.source.Height)
	if err != nil {
		return inclusion.Witness{}, err
	}
	if index >= tree.Size() {
		return inclusion.Witness{}, fmt.Errorf("%w: receipt %d is not in %s's receipt tree at height %d", ErrNotYet, index, commitment.ChainID(src), w.source.Height)
	}
	acc, err := tree.Prove(index)
	if err != nil {
		return inclusion.Witness{}, err
	}
	if want := rc.Hash(); !acc.Item.Equal(&want) {
		return inclusion.Witness{}, fmt.Errorf("receipt %d of %s is another receipt", index, commitment.ChainID(src))
	}
	return inclusion.Witness{Root: w.root, Hops: w.hops, Leaf: rc.Leaf(), Acc: acc}, nil
}
