package relayer

import (
	"context"
	"fmt"
	"testing"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/stretchr/testify/require"

	"github.com/slush-tree/slush/circuits/commitment"
	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/inclusion"
	"github.com/slush-tree/slush/circuits/ledger"
	"github.com/slush-tree/slush/circuits/smt"
	bridgetypes "github.com/slush-tree/slush/x/bridge/types"
	validiumtypes "github.com/slush-tree/slush/x/validium/types"
)

// testLedger is the ledger shape of these tests (the outbox depth is the inclusion circuit's).
var testLedger = bridgetypes.LedgerParams{AccountDepth: 4, OutboxDepth: 20, BatchSize: 2}

// fakeChain answers treeChain and logReader queries from in-memory state: one snapshot of its
// bridge store, commitment records by height and, per block height, its children records.
type fakeChain struct {
	path        []uint8
	store       *smt.MemStore // raw bridge store keys (module prefixes included)
	commitments map[int64]bridgetypes.OwnCommitment
	children    map[int64]*commitment.ChildrenTree // children SMT as of a block
	latest      map[int64]map[uint32][]byte        // child index → latest accepted commitment, as of a block
	log         []bridgetypes.LoggedOp
}

func newFakeChain(path []uint8) *fakeChain {
	return &fakeChain{path: path, store: smt.NewMemStore(), commitments: map[int64]bridgetypes.OwnCommitment{},
		children: map[int64]*commitment.ChildrenTree{}, latest: map[int64]map[uint32][]byte{}}
}

func (f *fakeChain) StoreGet(_ context.Context, store string, key []byte, _ int64) ([]byte, error) {
	if store != bridgetypes.StoreKey {
		return nil, fmt.Errorf("store %s", store)
	}
	return f.store.Get(key)
}

func (f *fakeChain) Commitment(_ context.Context, h, _ int64) (bridgetypes.OwnCommitment, error) {
	c, ok := f.commitments[h]
	if !ok {
		return c, &QueryError{Codespace: bridgetypes.ModuleName, Code: bridgetypes.ErrNoCommitment.ABCICode(), Log: "no commitment at that height"}
	}
	return c, nil
}

func (f *fakeChain) CommitmentByHash(_ context.Context, want []byte, _ int64) (bridgetypes.OwnCommitment, error) {
	first := int64(-1)
	for h, c := range f.commitments {
		if string(c.Commitment) == string(want) && (first < 0 || h < first) {
			first = h
		}
	}
	if first < 0 {
		return bridgetypes.OwnCommitment{}, &QueryError{Codespace: bridgetypes.ModuleName, Code: bridgetypes.ErrNoCommitment.ABCICode(), Log: "no commitment at that height"}
	}
	return f.commitments[first], nil
}

func (f *fakeChain) Child(_ context.Context, index uint32, at int64) (*validiumtypes.QueryChildResponse, error) {
	latest := f.latest[at][index]
	if latest == nil {
		latest = make([]byte, 32)
	}
	return &validiumtypes.QueryChildResponse{Child: validiumtypes.Child{Index: index, LatestCommitment: latest}}, nil
}

func (f *fakeChain) ChildProof(_ context.Context, index uint32, at int64) (*validiumtypes.QueryChildProofResponse, error) {
	tree := f.children[at]
	if tree == nil {
		return nil, fmt.Errorf("no children tree at %d", at)
	}
	p, err := tree.Prove(uint8(index))
	if err != nil {
		return nil, err
	}
	root, err := tree.Root()
	if err != nil {
		return nil, err
	}
	res := &validiumtypes.QueryChildProofResponse{Leaf: hash.EncodeElement(p.Value), ChildrenRoot: hash.EncodeElement(root)}
	for _, s := range p.Siblings {
		res.Siblings = append(res.Siblings, hash.EncodeElement(s))
	}
	return res, nil
}

func (f *fakeChain) BatchLog(_ context.Context, from uint64, limit uint32, _ int64) ([]bridgetypes.LoggedOp, error) {
	var out []bridgetypes.LoggedOp
	for _, op := range f.log {
		if op.Sequence >= from && len(out) < int(limit) {
			out = append(out, op)
		}
	}
	return out, nil
}

// ledgerState opens the chain's ledger in its raw store, as x/bridge keeps it.
func (f *fakeChain) ledgerState(t *testing.T) *ledger.State {
	st, err := ledger.NewState(smt.NewPrefixStore(f.store, bridgetypes.LedgerStoreKey.Bytes()), commitment.MustPackVid(f.path), testLedger.Ledger())
	require.NoError(t, err)
	return st
}

// receipts opens the chain's receipt accumulator in its raw store.
func (f *fakeChain) receipts(t *testing.T) *smt.Accumulator {
	acc, err := smt.NewAccumulator(smt.NewPrefixStore(f.store, bridgetypes.ReceiptStoreKey.Bytes()), int(testLedger.OutboxDepth))
	require.NoError(t, err)
	return acc
}

// execute applies op to the chain's ledger and logs it, as x/bridge does.
func (f *fakeChain) execute(t *testing.T, op ledger.Op, height int64) {
	st := f.ledgerState(t)
	if op.Kind == ledger.OpBridgeIn {
		require.NoError(t, st.PushInbox(op.Msg))
	}
	require.NoError(t, st.Apply(op))
	f.log = append(f.log, bridgetypes.LoggedOp{Sequence: uint64(len(f.log)), Height: height, Op: op.Bytes()})
}

// commit records the chain's commitment at block h from its current state.
func (f *fakeChain) commit(t *testing.T, h int64, anchorHeight uint64) bridgetypes.OwnCommitment {
	st := f.ledgerState(t)
	c := commitment.Commitment{Vid: commitment.MustPackVid(f.path), AnchorHeight: anchorHeight, AnchorCommitment: hash.Uint64(anchorHeight * 7)}
	var err error
	c.LedgerRoot, err = st.Root()
	require.NoError(t, err)
	c.OutboxRoot, err = st.OutboxRoot()
	require.NoError(t, err)
	c.ReceiptRoot, err = f.receipts(t).Root()
	require.NoError(t, err)
	c.ChildrenRoot = commitment.EmptyChildrenRoot()
	if tree := f.children[h]; tree != nil {
		c.ChildrenRoot, err = tree.Root()
		require.NoError(t, err)
	}
	rec := bridgetypes.OwnCommitment{Height: h, Commitment: hash.EncodeElement(c.Hash()), Fields: validiumtypes.NewCommitmentFields(c),
		LogLength: uint64(len(f.log))}
	f.commitments[h] = rec
	return rec
}

// accept records, as of parent block h, that child index's latest accepted commitment is rec.
func (f *fakeChain) accept(t *testing.T, h int64, index uint8, rec bridgetypes.OwnCommitment) {
	tree, err := commitment.NewChildrenTree(smt.NewMemStore())
	require.NoError(t, err)
	for i, c := range f.latest[h-1] { // children accepted before keep their leaves
		e, err := hash.DecodeElement(c)
		require.NoError(t, err)
		require.NoError(t, tree.SetChild(uint8(i), e))
	}
	e, err := hash.DecodeElement(rec.Commitment)
	require.NoError(t, err)
	require.NoError(t, tree.SetChild(index, e))
	f.children[h] = tree
	if f.latest[h] == nil {
		f.latest[h] = map[uint32][]byte{}
	}
	for i, c := range f.latest[h-1] {
		f.latest[h][i] = c
	}
	f.latest[h][uint32(index)] = rec.Commitment
}

// fakeTree is root → {1, 2}, 1 → {1-1}: alice (funded at genesis on 1-1) sent a message to 2,
// which 2 claimed; 1-1's update is accepted by 1, and 1's and 2's by the root at root height 12.
type fakeTree struct {
	chains  map[string]*fakeChain
	msg     inclusion.Message
	receipt inclusion.Receipt
	alice   fr.Element
}

func newFakeTree(t *testing.T) *fakeTree {
	ft := &fakeTree{chains: map[string]*fakeChain{}}
	for _, p := range [][]uint8{{}, {1}, {2}, {1, 1}} {
		ft.chains[FormatPath(p)] = newFakeChain(p)
	}
	src, dst := ft.chains["1-1"], ft.chains["2"]
	key := ledger.KeyFromSeed([]byte("alice"))
	ft.alice = ledger.OwnerHash(key.PublicKey)
	asset := hash.Uint64(7)
	srcVid, dstVid := commitment.MustPackVid(src.path), commitment.MustPackVid(dst.path)
	src.execute(t, ledger.NewBridgeIn(inclusion.Message{SrcVid: srcVid, DstVid: srcVid, Recipient: ft.alice, AssetID: asset, Amount: 1000}), 1)
	out, err := ledger.NewBridgeOut(srcVid, key, 0, asset, 30, 0, dstVid, hash.Uint64(99), 1000)
	require.NoError(t, err)
	src.execute(t, out, 3)
	ft.msg = inclusion.Message{SrcVid: srcVid, DstVid: dstVid, Nonce: 0, Recipient: hash.Uint64(99), AssetID: asset, Amount: 30, Deadline: 1000}
	ft.receipt = inclusion.Receipt{SrcVid: dstVid, DstVid: srcVid, MsgHash: ft.msg.Hash(), Height: 9}
	_, err = dst.receipts(t).Append(ft.receipt.Hash())
	require.NoError(t, err)

	c11 := src.commit(t, 5, 10)
	ft.chains["1"].accept(t, 7, 1, c11)
	c1 := ft.chains["1"].commit(t, 7, 10)
	c2 := dst.commit(t, 4, 10)
	root := ft.chains["root"]
	root.accept(t, 11, 1, c1)
	root.accept(t, 12, 2, c2)
	root.commit(t, 12, 12)
	return ft
}

func (ft *fakeTree) lookup(path []uint8) treeChain {
	if c, ok := ft.chains[FormatPath(path)]; ok {
		return c
	}
	return nil
}

// newMemLedger is an empty in-memory ledger store.
func newMemLedger() *smt.MemStore { return smt.NewMemStore() }
