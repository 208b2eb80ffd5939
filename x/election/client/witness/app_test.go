package witness_test

import (
	"context"
	"fmt"
	"testing"

	treetypes "github.com/slush-tree/slush/x/tree/types"

	"github.com/consensys/gnark-crypto/ecc/bn254/twistededwards/eddsa"
	"github.com/stretchr/testify/require"

	addresscodec "github.com/cosmos/cosmos-sdk/codec/address"
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/slush-tree/slush/app"
	"github.com/slush-tree/slush/app/apptesting"
	"github.com/slush-tree/slush/circuits/commitment"
	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/ledger"
	"github.com/slush-tree/slush/internal/smtstore"
	acceptancetypes "github.com/slush-tree/slush/x/acceptance/types"
	"github.com/slush-tree/slush/x/election/client/witness"
	"github.com/slush-tree/slush/x/election/testutil"
	"github.com/slush-tree/slush/x/election/types"
	validiumtypes "github.com/slush-tree/slush/x/validium/types"

	"cosmossdk.io/collections"
)

// node is one in-process chain of the tree with its operator key.
type node struct {
	chain *apptesting.Chain
	key   *eddsa.PrivateKey
	own   treetypes.OwnCommitment // its commitment its parent accepted
	hist  []acceptancetypes.HistogramBucket
	b     uint64
}

func (n *node) query() witness.QueryChain {
	return witness.QueryChain{Name: n.chain.ChainID, ABCI: n.chain}
}

// newNode starts the chain at path with its operator key hash in its tree identity.
func newNode(t *testing.T, path []uint32, parentChainID string) *node {
	t.Helper()
	key := ledger.KeyFromSeed([]byte(fmt.Sprintf("operator %v", path)))
	id := treetypes.TreeIdentity{
		Path: path, ParentChainId: parentChainID, MaxChildren: 3, MaxDepth: 16,
		OperatorKeyHash: hash.EncodeElement(types.OperatorKeyHash(key.PublicKey)),
	}
	c := apptesting.NewChain(t, id, 2)
	c.NextBlock() // commits genesis: the state Context() reads and writes
	return &node{chain: c, key: key}
}

// commit syncs n to the root's commitment at rootHeight (as MsgSyncParent would), runs a block
// and keeps the commitment and report that block made: the update a relayer would submit.
func (n *node) commit(t *testing.T, root *apptesting.Chain, rootHeight uint64) {
	t.Helper()
	rc, err := root.App.TreeKeeper.Commitments.Get(root.Context(), int64(rootHeight))
	require.NoError(t, err)
	require.NoError(t, n.chain.App.TreeKeeper.RecordRootCommitment(n.chain.Context(), rootHeight, rc.Commitment))
	n.chain.NextBlock()
	ctx := n.chain.Context()
	n.own, err = n.chain.App.TreeKeeper.Commitments.Get(ctx, n.chain.App.LastBlockHeight())
	require.NoError(t, err)
	require.Equal(t, rootHeight, n.own.Fields.AnchorHeight)
	report, err := n.chain.App.AcceptanceKeeper.LastReport.Get(ctx)
	require.NoError(t, err)
	n.hist, n.b = report.Histogram, report.Subtree
}

// accept records on parent, as x/validium's recordUpdate does after verifying the child's proof,
// an accepted update of child index with commitment c (32 bytes) at root height: the child
// record, the acceptance record, the children-SMT leaf, the history and the rollback snapshot.
func accept(t *testing.T, parent *apptesting.Chain, index uint32, keyHash, c []byte, rootHeight uint64,
	hist []acceptancetypes.HistogramBucket, b uint64,
) {
	t.Helper()
	ctx := parent.Context()
	vk, acc := parent.App.ValidiumKeeper, parent.App.AcceptanceKeeper
	child, err := vk.GetChild(ctx, index)
	if err != nil {
		child = validiumtypes.Child{
			Index: index, Operator: parent.Address(0).String(), VerifyingKey: []byte{1},
			Bond: sdk.NewInt64Coin("stake", 0), Status: validiumtypes.ChildStatus_CHILD_STATUS_ACTIVE,
			RegisteredHeight: 1, LedgerRoot: testutil.Element(1), OutboxRoot: testutil.Element(2),
			GenesisLedgerRoot: testutil.Element(1), OperatorKeyHash: keyHash,
		}
		require.NoError(t, acc.OnChildRegistered(ctx, index))
	}
	require.NoError(t, acc.OnChildUpdate(ctx, index, rootHeight, c, acceptancetypes.HistogramFromProto(hist), b))
	child.LatestCommitment, child.AnchorHeight = c, rootHeight
	require.NoError(t, vk.Children.Set(ctx, index, child))
	h, err := hash.DecodeElement(c)
	require.NoError(t, err)
	tree, err := commitment.NewChildrenTree(smtstore.New(ctx, vk.ChildrenTree))
	require.NoError(t, err)
	require.NoError(t, tree.SetChild(uint8(index), h))
	require.NoError(t, vk.History.Set(ctx, collections.Join(index, rootHeight), c))
	require.NoError(t, vk.Snapshots.Set(ctx, collections.Join(index, c), child))
}

// deliver runs one tx in a block, requires it to succeed and returns the gas it used.
func deliver(t *testing.T, c *apptesting.Chain, tx []byte) int64 {
	t.Helper()
	res, _ := c.NextBlock(tx)
	require.Len(t, res.TxResults, 1)
	require.Zero(t, res.TxResults[0].Code, res.TxResults[0].Log)
	return res.TxResults[0].GasUsed
}

// TestReportAndVoteOnChains runs the operator's side of DESIGN §9 on four real in-process chains
// p (root) → v = 1 → w = 1-1 → x = 1-1-1, reading every proof input through the same ABCI
// queries a node serves (at the heights the commitments were made): x reports v, which withholds
// the state of its newer update on p; the round opens; w votes with its weight 2 of b_v = 3 and
// elects the candidate.
func TestReportAndVoteOnChains(t *testing.T) {
	p := apptesting.NewChain(t, treetypes.RootIdentity(), 2)
	v := newNode(t, []uint32{1}, "slush-root")
	w := newNode(t, []uint32{1, 1}, "slush-1")
	x := newNode(t, []uint32{1, 1, 1}, "slush-1-1")
	for p.App.LastBlockHeight() < 6 {
		p.NextBlock()
	}

	x.commit(t, p, 1)
	accept(t, w.chain, 1, x.keyHash(), x.own.Commitment, 1, x.hist, x.b)
	w.commit(t, p, 2)
	accept(t, v.chain, 1, w.keyHash(), w.own.Commitment, 2, w.hist, w.b)
	v.commit(t, p, 3)
	require.Equal(t, uint64(3), v.b, "b_v counts v, w and x")
	// p accepts v's update anchored at 3, then a newer one at 5 whose state v withholds; the
	// newer one shows every node of v's subtree updated after 3, so 3 is final
	accept(t, p, 1, v.keyHash(), v.own.Commitment, 3, v.hist, v.b)
	withheld := []acceptancetypes.HistogramBucket{{Height: 4, Count: 2}, {Height: 5, Count: 1}}
	accept(t, p, 1, v.keyHash(), testutil.Element(0xdead), 5, withheld, 3)
	p.NextBlock()
	// the chains move on: w commits again, v accepts it, so v's and w's latest states are no
	// longer the ones v's finalized commitment binds; the witness reads them at their heights
	finalizedW := *w
	w.commit(t, p, 4)
	accept(t, v.chain, 1, w.keyHash(), w.own.Commitment, 4, w.hist, w.b)
	v.chain.NextBlock()
	v.chain.NextBlock()
	x.chain.NextBlock()

	ctx := context.Background()
	pq := witness.QueryChain{Name: p.ChainID, ABCI: p}
	target, err := witness.ReportTarget(ctx, pq, 1)
	require.NoError(t, err)
	require.Equal(t, v.own.Commitment, target.Commitment, "the finalized commitment, not the withheld one")

	// x reports
	wx, err := witness.Build(ctx, target, []witness.Level{v.query(), w.query(), x.query()}, false)
	require.NoError(t, err)
	require.Equal(t, []uint8{1, 1, 1}, wx.Prover.Path)
	_, err = witness.NewReport(target, wx, w.key, p.Address(1).String())
	require.ErrorContains(t, err, "commitment carries", "w's key cannot sign x's report")
	report, err := witness.NewReport(target, wx, x.key, p.Address(1).String())
	require.NoError(t, err)
	gas := deliver(t, p, p.SignTx(1, 0, report))
	t.Logf("report with 2 hops: %d gas", gas)
	open, err := p.App.ElectionKeeper.OpenRounds.Get(p.Context(), 1)
	require.NoError(t, err)

	// w votes with the histogram its commitment binds
	vt, err := witness.VoteTarget(ctx, pq, open)
	require.NoError(t, err)
	ww, err := witness.Build(ctx, vt, []witness.Level{v.query(), w.query()}, true)
	require.NoError(t, err)
	require.Equal(t, finalizedW.hist, ww.Histogram)
	require.Equal(t, finalizedW.own.Fields, ww.Proof.Hops[0].Commitment, "w's commitment in v's finalized state")
	keyHash, _ := testutil.KeyHash("new operator")
	candidate := types.Candidate{Operator: p.Address(0).String(), OperatorKeyHash: keyHash}
	vote, err := witness.NewVote(vt, ww, candidate, addresscodec.NewBech32Codec(app.Bech32PrefixAccAddr), w.key, p.Address(1).String())
	require.NoError(t, err)
	gas = deliver(t, p, p.SignTx(1, 1, vote))
	t.Logf("vote with 1 hop and %d buckets (elects): %d gas", len(vote.Histogram), gas)

	round, err := pq.Round(ctx, open)
	require.NoError(t, err)
	require.Equal(t, types.RoundStatus_ROUND_STATUS_ELECTED, round.Status)
	child, err := pq.Child(ctx, 1)
	require.NoError(t, err)
	require.Equal(t, keyHash, child.OperatorKeyHash)
	require.Equal(t, uint64(1), child.Epoch)
	require.Equal(t, v.own.Commitment, child.LatestCommitment, "rolled back to the finalized commitment")

	// a vote after the election: the round is closed
	_, err = witness.VoteTarget(ctx, pq, open)
	require.ErrorContains(t, err, "ELECTED")
}

func (n *node) keyHash() []byte { return hash.EncodeElement(types.OperatorKeyHash(n.key.PublicKey)) }
