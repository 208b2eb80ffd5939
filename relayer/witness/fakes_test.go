package witness

import (
	"context"
	"fmt"
	"testing"

	slushtypes "github.com/slush-tree/slush/types"
	ledgertypes "github.com/slush-tree/slush/x/ledger/types"
	treetypes "github.com/slush-tree/slush/x/tree/types"

	"github.com/stretchr/testify/require"

	"github.com/slush-tree/slush/circuits/commitment"
	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/inclusion"
	"github.com/slush-tree/slush/circuits/ledger"
	"github.com/slush-tree/slush/circuits/smt"
	acceptancetypes "github.com/slush-tree/slush/x/acceptance/types"
)

// testLedger is the ledger shape of these tests (the outbox depth is the inclusion circuit's).
var testLedger = ledgertypes.Params{AccountDepth: 4, OutboxDepth: 20, BatchSize: 2}

// errNoCommitment stands for x/bridge's "no commitment" refusal.
var errNoCommitment = fmt.Errorf("no commitment at that height")

// fakeChain answers Chain queries from in-memory state: one snapshot of its bridge store,
// commitment records by height and, per block height, its finalized-children SMT.
type fakeChain struct {
	path        []uint8
	store       *smt.MemStore // raw ledger store keys (module prefixes included)
	commitments map[int64]treetypes.OwnCommitment
	finalized   map[int64]*commitment.ChildrenTree // finalized-children SMT as of a block
	leaves      map[int64]map[uint8][]byte         // child index → finalized commitment, as of a block
}

func newFakeChain(path []uint8) *fakeChain {
	return &fakeChain{path: path, store: smt.NewMemStore(), commitments: map[int64]treetypes.OwnCommitment{},
		finalized: map[int64]*commitment.ChildrenTree{}, leaves: map[int64]map[uint8][]byte{}}
}

func (f *fakeChain) StoreGet(_ context.Context, store string, key []byte, _ int64) ([]byte, error) {
	if store != ledgertypes.StoreKey {
		return nil, fmt.Errorf("store %s", store)
	}
	return f.store.Get(key)
}

func (f *fakeChain) Commitment(_ context.Context, h, _ int64) (treetypes.OwnCommitment, error) {
	c, ok := f.commitments[h]
	if !ok {
		return c, errNoCommitment
	}
	return c, nil
}

func (f *fakeChain) CommitmentByHash(_ context.Context, want []byte, _ int64) (treetypes.OwnCommitment, error) {
	first := int64(-1)
	for h, c := range f.commitments {
		if string(c.Commitment) == string(want) && (first < 0 || h < first) {
			first = h
		}
	}
	if first < 0 {
		return treetypes.OwnCommitment{}, errNoCommitment
	}
	return f.commitments[first], nil
}

func (f *fakeChain) FinalizedChildProof(_ context.Context, index uint32, at int64) (*acceptancetypes.QueryFinalizedChildProofResponse, error) {
	leaf := f.leaves[at][uint8(index)]
	if leaf == nil {
		return nil, fmt.Errorf("child %d has no finalized commitment at %d", index, at)
	}
	tree := f.finalized[at]
	p, err := tree.Prove(uint8(index))
	if err != nil {
		return nil, err
	}
	root, err := tree.Root()
	if err != nil {
		return nil, err
	}
	res := &acceptancetypes.QueryFinalizedChildProofResponse{Commitment: leaf, FinalizedChildrenRoot: hash.EncodeElement(root)}
	for _, s := range p.Siblings {
		res.Siblings = append(res.Siblings, hash.EncodeElement(s))
	}
	return res, nil
}

// ledgerState opens the chain's ledger in its raw store, as x/ledger keeps it.
func (f *fakeChain) ledgerState(t *testing.T) *ledger.State {
	st, err := ledger.NewState(smt.NewPrefixStore(f.store, ledgertypes.StateKey.Bytes()), commitment.MustPackVid(f.path), testLedger.Ledger())
	require.NoError(t, err)
	return st
}

// commit records the chain's commitment at block h from its current state.
func (f *fakeChain) commit(t *testing.T, h int64, anchorHeight uint64) treetypes.OwnCommitment {
	st := f.ledgerState(t)
	c := commitment.Commitment{Vid: commitment.MustPackVid(f.path), AnchorHeight: anchorHeight, AnchorCommitment: hash.Uint64(anchorHeight * 7),
		ChildrenRoot: hash.Uint64(uint64(h)), FinalizedChildrenRoot: commitment.EmptyChildrenRoot()}
	var err error
	c.LedgerRoot, err = st.Root()
	require.NoError(t, err)
	c.OutboxRoot, err = st.OutboxRoot()
	require.NoError(t, err)
	c.ReceiptRoot, err = st.ReceiptRoot()
	require.NoError(t, err)
	if tree := f.finalized[h]; tree != nil {
		c.FinalizedChildrenRoot, err = tree.Root()
		require.NoError(t, err)
	}
	rec := treetypes.OwnCommitment{Height: h, Commitment: hash.EncodeElement(c.Hash()), Fields: slushtypes.NewCommitmentFields(c)}
	f.commitments[h] = rec
	return rec
}

// finalize records, as of parent block h, that child index's finalized commitment is rec.
func (f *fakeChain) finalize(t *testing.T, h int64, index uint8, rec treetypes.OwnCommitment) {
	tree, err := commitment.NewChildrenTree(smt.NewMemStore())
	require.NoError(t, err)
	f.leaves[h] = map[uint8][]byte{}
	for i, c := range f.leaves[h-1] { // children finalized before keep their leaves
		f.leaves[h][i] = c
	}
	f.leaves[h][index] = rec.Commitment
	for i := uint8(1); i != 0; i++ { // ascending child index
		if c, ok := f.leaves[h][i]; ok {
			e, err := hash.DecodeElement(c)
			require.NoError(t, err)
			require.NoError(t, tree.SetChild(i, e))
		}
	}
	f.finalized[h] = tree
}

// fakeTree is root → {1, 2}, 1 → {1-1}: alice (funded at genesis on 1-1) sent a message to 2,
// which 2 minted; 1 finalized 1-1's state holding the message, and the root finalized 1's and
// 2's states, at root height 12.
type fakeTree struct {
	chains  map[string]*fakeChain
	msg     inclusion.Message
	receipt inclusion.Receipt
}

func newFakeTree(t *testing.T) *fakeTree {
	ft := &fakeTree{chains: map[string]*fakeChain{}}
	for _, p := range [][]uint8{{}, {1}, {2}, {1, 1}} {
		ft.chains[commitment.ChainID(p)] = newFakeChain(p)
	}
	src, dst := ft.chains[commitment.ChainID([]uint8{1, 1})], ft.chains[commitment.ChainID([]uint8{2})]
	key := ledger.KeyFromSeed([]byte("alice"))
	asset := hash.Uint64(7)
	srcVid, dstVid := commitment.MustPackVid(src.path), commitment.MustPackVid(dst.path)
	st := src.ledgerState(t)
	require.NoError(t, st.Fund(ledger.OwnerHash(key.PublicKey), asset, 1000))
	out, err := ledger.NewBridgeOut(srcVid, key, 0, asset, 30, 0, dstVid, hash.Uint64(99), 1000)
	require.NoError(t, err)
	require.NoError(t, st.Apply(out))
	ft.msg = inclusion.Message{SrcVid: srcVid, DstVid: dstVid, Nonce: 0, Recipient: hash.Uint64(99), AssetID: asset, Amount: 30, Deadline: 1000}
	ft.receipt = inclusion.ReceiptFor(ft.msg)
	dl := dst.ledgerState(t)
	require.NoError(t, dl.PushInbox(ft.msg, ledger.SourceClaim))
	require.NoError(t, dl.Apply(ledger.NewBridgeIn(ft.msg, ledger.SourceClaim)))

	c11 := src.commit(t, 5, 10)
	ft.chains["slush-1"].finalize(t, 7, 1, c11)
	c1 := ft.chains["slush-1"].commit(t, 7, 10)
	c2 := dst.commit(t, 4, 10)
	root := ft.chains["slush-root"]
	root.finalize(t, 11, 1, c1)
	root.finalize(t, 12, 2, c2)
	root.commit(t, 12, 12)
	return ft
}

func (ft *fakeTree) lookup(path []uint8) Chain {
	if c, ok := ft.chains[commitment.ChainID(path)]; ok {
		return c
	}
	return nil
}
