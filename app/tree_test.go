package app_test

import (
	"encoding/json"
	"testing"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/consensys/gnark/backend/groth16"
	"github.com/stretchr/testify/require"

	"github.com/cosmos/cosmos-sdk/codec"

	"github.com/slush-tree/slush/app/apptesting"
	"github.com/slush-tree/slush/circuits/commitment"
	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/keys"
	"github.com/slush-tree/slush/circuits/ledger"
	"github.com/slush-tree/slush/circuits/smt"
	bridgetypes "github.com/slush-tree/slush/x/bridge/types"
	validiumtypes "github.com/slush-tree/slush/x/validium/types"
)

// TestChildUpdateAcceptedByRoot runs two real apps, the root and its child 1. The child's users
// act on its ledger; the relayer's job is done by hand: replay the child's operation log into a
// batch, prove it, and submit the child's own commitment to the root, which verifies it against
// its own commitment history. The parent sync is stood in for by writing the root commitment
// into the child's root history directly (MsgSyncParent is issue 7).
func TestChildUpdateAcceptedByRoot(t *testing.T) {
	lp := bridgetypes.LedgerParams{AccountDepth: 4, OutboxDepth: 3, BatchSize: 2}
	ccs, err := ledger.Compile(lp.Ledger())
	require.NoError(t, err)
	pk, vk, err := groth16.Setup(ccs)
	require.NoError(t, err)
	vkBytes, err := keys.MarshalVerifyingKey(vk)
	require.NoError(t, err)

	alice, bob := ledger.KeyFromSeed([]byte("alice")), ledger.KeyFromSeed([]byte("bob"))
	asset := hash.Uint64(7)
	childVid := commitment.MustPackVid([]uint8{1})
	root := apptesting.NewChain(t, validiumtypes.RootIdentity(), 2)
	childID := validiumtypes.TreeIdentity{Path: []uint32{1}, ParentChainId: "slush-root", MaxChildren: 3, MaxDepth: 16}
	child := apptesting.NewChainWithGenesis(t, childID, 1, func(cdc codec.Codec, gs map[string]json.RawMessage) {
		bgs := bridgetypes.DefaultGenesisState()
		bgs.LedgerParams = lp
		bgs.Deposits = []bridgetypes.GenesisDeposit{{
			Recipient: hash.EncodeElement(ledger.OwnerHash(alice.PublicKey)), AssetId: hash.EncodeElement(asset), Amount: 1000,
		}}
		gs[bridgetypes.ModuleName] = cdc.MustMarshalJSON(bgs)
	})

	// the root registers child 1 with the ledger circuit's key and the empty ledger as genesis
	empty, err := ledger.NewState(smt.NewMemStore(), childVid, lp.Ledger())
	require.NoError(t, err)
	emptyLedger, err := empty.Root()
	require.NoError(t, err)
	emptyOutbox, err := empty.OutboxRoot()
	require.NoError(t, err)
	operator := root.Address(1)
	requireOK(t, root, root.SignTx(1, 0, &validiumtypes.MsgRegisterChild{
		Operator: operator.String(), VerifyingKey: vkBytes, Bond: validiumtypes.DefaultMinChildBond,
		GenesisLedgerRoot: hash.EncodeElement(emptyLedger), GenesisOutboxRoot: hash.EncodeElement(emptyOutbox),
	}))

	// alice pays bob on the child
	op, err := ledger.NewTransfer(childVid, alice, 0, ledger.OwnerHash(bob.PublicKey), asset, 100, 0)
	require.NoError(t, err)
	requireOK(t, child, child.SignTx(0, 0, &bridgetypes.MsgLedgerTransfer{Sender: child.Address(0).String(), Op: op.Bytes()}))

	// "sync": the child learns the root's latest commitment and commits to it as its anchor
	rootHeight := uint64(root.App.LastBlockHeight())
	rootCommitment, err := root.App.BridgeKeeper.Commitments.Get(root.Context(), int64(rootHeight))
	require.NoError(t, err)
	require.NoError(t, child.App.BridgeKeeper.RecordRootCommitment(child.Context(), rootHeight, rootCommitment.Commitment))
	child.NextBlock()
	own, err := child.App.BridgeKeeper.Commitments.Get(child.Context(), child.App.LastBlockHeight())
	require.NoError(t, err)
	require.Equal(t, rootHeight, own.Fields.AnchorHeight)

	// the relayer replays the child's log and proves it
	replica, err := ledger.NewState(smt.NewMemStore(), childVid, lp.Ledger())
	require.NoError(t, err)
	batch, err := ledger.NewBatchBuilder(replica)
	require.NoError(t, err)
	var entries [][]byte
	err = child.App.BridgeKeeper.Log.Walk(child.Context(), nil, func(_ uint64, logged bridgetypes.LoggedOp) (bool, error) {
		op, err := ledger.DecodeOp(logged.Op)
		if err != nil {
			return true, err
		}
		if op.Kind == ledger.OpBridgeIn {
			if err := replica.PushInbox(op.Msg); err != nil {
				return true, err
			}
			entries = append(entries, hash.EncodeElement(op.Msg.Hash()))
		}
		return false, batch.Add(op)
	})
	require.NoError(t, err)
	anchor, err := hash.DecodeElement(rootCommitment.Commitment)
	require.NoError(t, err)
	w, err := batch.Build(rootHeight, anchor)
	require.NoError(t, err)
	proof, pub, err := ledger.ProveBatch(ccs, pk, w)
	require.NoError(t, err)
	require.Equal(t, own.Fields.LedgerRoot, hash.EncodeElement(pub.NewLedgerRoot), "chain and prover agree")

	report, err := child.App.AcceptanceKeeper.SubtreeReport(child.Context(), rootHeight)
	require.NoError(t, err)
	res := requireOK(t, root, root.SignTx(1, 1, &validiumtypes.MsgSubmitUpdate{
		Operator: operator.String(), ChildIndex: 1, NewCommitment: own.Fields, InboxEntries: entries,
		Histogram: report.Histogram, Subtree: report.Subtree, Proof: proof,
	}))
	require.Greater(t, res.GasUsed, int64(validiumtypes.DefaultVerifyGasFlat), "verification gas charged")

	// the root now holds the child's commitment, history and acceptance record
	ctx := root.Context()
	accepted, err := root.App.ValidiumKeeper.GetChild(ctx, 1)
	require.NoError(t, err)
	require.Equal(t, own.Commitment, accepted.LatestCommitment)
	pairs, err := root.App.AcceptanceKeeper.Children.Get(ctx, 1)
	require.NoError(t, err)
	require.Len(t, pairs.Hashes, 1)
	require.Equal(t, rootHeight, pairs.Hashes[0].Height)
	rootNow, err := root.App.BridgeKeeper.OwnCommitmentNow(ctx)
	require.NoError(t, err)
	require.NotEqual(t, hash.EncodeElement(commitment.EmptyChildrenRoot()), rootNow.Fields.ChildrenRoot,
		"the root's commitment binds the child's")

	// replaying the same update is refused (one successor per commitment)
	replay := root.SignTx(1, 2, &validiumtypes.MsgSubmitUpdate{
		Operator: operator.String(), ChildIndex: 1, NewCommitment: own.Fields, InboxEntries: entries,
		Histogram: report.Histogram, Subtree: report.Subtree, Proof: proof,
	})
	blockRes, _ := root.NextBlock(replay)
	require.Equal(t, validiumtypes.ErrStalePrev.ABCICode(), blockRes.TxResults[0].Code)
}

// requireOK delivers one tx in a block and requires it to succeed.
func requireOK(t *testing.T, c *apptesting.Chain, tx []byte) *abci.ExecTxResult {
	t.Helper()
	res, _ := c.NextBlock(tx)
	require.Len(t, res.TxResults, 1)
	require.Zerof(t, res.TxResults[0].Code, "tx failed: %s", res.TxResults[0].Log)
	return res.TxResults[0]
}
