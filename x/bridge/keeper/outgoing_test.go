package keeper_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"cosmossdk.io/log"

	"github.com/slush-tree/slush/circuits/commitment"
	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/inclusion"
	"github.com/slush-tree/slush/circuits/ledger"
	"github.com/slush-tree/slush/circuits/prover"
	"github.com/slush-tree/slush/testutil/keepertest"
	"github.com/slush-tree/slush/x/bridge/keeper"
	"github.com/slush-tree/slush/x/bridge/types"
)

// setupSender is validium 1-2 with alice funded and claims/confirmations enabled.
func setupSender(t *testing.T) (keepertest.Env, keeper.Keeper, types.MsgServer, types.QueryServer) {
	return setupSenderAt(t, fakeTree{rootHeight: 3})
}

// setupSenderAt is setupSender with a chosen tree view (e.g. a movable clock).
func setupSenderAt(t *testing.T, tree fakeTree) (keepertest.Env, keeper.Keeper, types.MsgServer, types.QueryServer) {
	env := keepertest.New(t, types.StoreKey, types.RegisterInterfaces)
	k := keeper.NewKeeper(env.Codec, env.StoreService, env.AddressCodec, env.Authority,
		tree, fakeAcceptance{}, log.NewNopLogger())
	gs := types.DefaultGenesisState()
	gs.LedgerParams = testLedger
	gs.InclusionParams = types.InclusionParams{VerifyingKey: inclusionKeys(t).vk, MaxDepth: claimDepth}
	gs.Deposits = []types.GenesisDeposit{
		{Recipient: hash.EncodeElement(ledger.OwnerHash(alice.PublicKey)), AssetId: hash.EncodeElement(asset), Amount: 1000},
	}
	require.NoError(t, k.InitGenesis(env.Ctx, gs))
	return env, k, keeper.NewMsgServerImpl(&k), keeper.NewQueryServerImpl(&k)
}

func bridgeOutOp(t *testing.T, amount, nonce uint64) []byte {
	op, err := ledger.NewBridgeOut(childVid, alice, 0, asset, amount, nonce, commitment.MustPackVid([]uint8{2}),
		ledger.OwnerHash(bob.PublicKey), 500)
	require.NoError(t, err)
	return op.Bytes()
}

// receiptProof proves that validium 2 holds the receipt of msgHash for validium 1-2 (what its
// ledger appends when it mints the message) under a root commitment at rootHeight, and returns
// that commitment.
func receiptProof(t *testing.T, msgHash []byte, rootHeight uint64) ([]byte, []byte) {
	h, err := hash.DecodeElement(msgHash)
	require.NoError(t, err)
	return proveReceipt(t, inclusion.Receipt{SrcVid: commitment.MustPackVid([]uint8{2}), DstVid: childVid, MsgHash: h}, []uint8{2}, rootHeight)
}

// proveReceipt proves receipt in the receipt tree of the validium at path, along its parents'
// finalized children roots, under a root commitment at rootHeight; it returns the proof and
// that commitment.
func proveReceipt(t *testing.T, receipt inclusion.Receipt, path []uint8, rootHeight uint64) ([]byte, []byte) {
	rec, acc, err := inclusion.SourceRecord(path, receipt.Leaf(), 7)
	require.NoError(t, err)
	root, hops, err := inclusion.BuildChain(rec, path, rootHeight, 7)
	require.NoError(t, err)
	sys := inclusionKeys(t)
	proof, _, err := prover.ProveInclusion(sys.ccs, sys.pk, claimDepth,
		inclusion.Witness{Root: root, Hops: hops, Leaf: receipt.Leaf(), Acc: acc})
	require.NoError(t, err)
	return proof, hash.EncodeElement(root.Hash())
}

// TestBridgeOutFreezesUntilConfirmed: a bridge-out is recorded and freezes its account for
// bridge-outs (not transfers) until the destination's receipt is proven here.
func TestBridgeOutFreezesUntilConfirmed(t *testing.T) {
	env, k, msgs, q := setupSender(t)
	sender := env.OtherAddress(t)
	res, err := msgs.BridgeOut(env.Ctx, &types.MsgBridgeOut{Sender: sender, Op: bridgeOutOp(t, 30, 0)})
	require.NoError(t, err)
	rec, err := q.Message(env.Ctx, &types.QueryMessageRequest{MessageHash: res.MessageHash})
	require.NoError(t, err)
	require.Equal(t, types.MessageStatus_MESSAGE_STATUS_SENT, rec.Message.Status)
	require.Equal(t, uint64(30), rec.Message.Message.Amount)

	_, err = msgs.BridgeOut(env.Ctx, &types.MsgBridgeOut{Sender: sender, Op: bridgeOutOp(t, 1, 1)})
	require.ErrorIs(t, err, types.ErrAccountFrozen)
	_, err = msgs.LedgerTransfer(env.Ctx, &types.MsgLedgerTransfer{Sender: sender, Op: transfer(t, childVid, 0, 5, 1)})
	require.NoError(t, err, "transfers are not frozen")

	proof, root := receiptProof(t, res.MessageHash, 20)
	require.NoError(t, k.RecordRootCommitment(env.Ctx, 20, root))
	confirm := &types.MsgConfirm{Sender: sender, MessageHash: res.MessageHash, RootHeight: 20, Proof: proof}

	// a receipt binds the message hash and both chains (no claim height since issue 13: the
	// receipt tree is the ledger's, which appends one per mint whatever proved it)
	msgHash, err := hash.DecodeElement(res.MessageHash)
	require.NoError(t, err)
	for i, wrong := range []struct {
		name    string
		receipt inclusion.Receipt
		path    []uint8
	}{
		{"the receipt of another message", inclusion.Receipt{SrcVid: commitment.MustPackVid([]uint8{2}), DstVid: childVid, MsgHash: hash.Uint64(1)}, []uint8{2}},
		{"a receipt issued by another chain", inclusion.Receipt{SrcVid: commitment.MustPackVid([]uint8{3}), DstVid: childVid, MsgHash: msgHash}, []uint8{3}},
		{"a receipt for another sender", inclusion.Receipt{SrcVid: commitment.MustPackVid([]uint8{2}), DstVid: commitment.MustPackVid([]uint8{1, 3}), MsgHash: msgHash}, []uint8{2}},
	} {
		height := uint64(30 + i)
		wrongProof, wrongRoot := proveReceipt(t, wrong.receipt, wrong.path, height)
		require.NoError(t, k.RecordRootCommitment(env.Ctx, height, wrongRoot))
		bad := *confirm
		bad.RootHeight, bad.Proof = height, wrongProof
		_, err = msgs.Confirm(env.Ctx, &bad)
		require.ErrorIs(t, err, types.ErrInvalidProof, wrong.name)
	}
	bad := *confirm
	bad.RootHeight = 21
	_, err = msgs.Confirm(env.Ctx, &bad)
	require.ErrorIs(t, err, types.ErrUnknownRoot)
	bad = *confirm
	bad.MessageHash = hash.EncodeElement(hash.Uint64(1))
	_, err = msgs.Confirm(env.Ctx, &bad)
	require.ErrorIs(t, err, types.ErrUnknownMessage)

	_, err = msgs.Confirm(env.Ctx, confirm)
	require.NoError(t, err)
	rec, err = q.Message(env.Ctx, &types.QueryMessageRequest{MessageHash: res.MessageHash})
	require.NoError(t, err)
	require.Equal(t, types.MessageStatus_MESSAGE_STATUS_CONFIRMED, rec.Message.Status)
	_, err = msgs.Confirm(env.Ctx, confirm)
	require.ErrorIs(t, err, types.ErrAlreadyConfirmed)

	_, err = msgs.BridgeOut(env.Ctx, &types.MsgBridgeOut{Sender: sender, Op: bridgeOutOp(t, 1, 2)})
	require.NoError(t, err, "confirmation unfroze the sender")

	exported, err := k.ExportGenesis(env.Ctx)
	require.NoError(t, err)
	require.Len(t, exported.Outgoing, 2)
}

// TestBurnForChild: a forced deposit is a real burn on this ledger, addressed to the child it
// is queued for; its message is what the child must mint.
func TestBurnForChild(t *testing.T) {
	env, k, _, q := setupSender(t)
	child := commitment.MustPackVid([]uint8{1, 2, 1})
	op, err := ledger.NewBridgeOut(childVid, alice, 0, asset, 40, 0, child, ledger.OwnerHash(bob.PublicKey), 900)
	require.NoError(t, err)

	_, err = k.BurnForChild(env.Ctx, op.Bytes(), commitment.MustPackVid([]uint8{1, 2, 2}))
	require.ErrorIs(t, err, types.ErrWrongDestination, "queued for another child")
	_, err = k.BurnForChild(env.Ctx, transfer(t, childVid, 0, 1, 0), child)
	require.ErrorIs(t, err, types.ErrWrongOpKind)

	m, err := k.BurnForChild(env.Ctx, op.Bytes(), child)
	require.NoError(t, err)
	require.Equal(t, child, m.DstVid)
	require.Equal(t, uint64(40), m.Amount)
	acc, err := q.Account(env.Ctx, &types.QueryAccountRequest{Index: 0})
	require.NoError(t, err)
	require.Equal(t, uint64(960), acc.Balance, "burnt here")
	_, err = k.BurnForChild(env.Ctx, op.Bytes(), child)
	require.ErrorIs(t, err, types.ErrLedgerRejected, "a replayed deposit (same nonce) burns nothing")
}

// TestExpiredMessageRoutedUp: unconfirmed at its deadline (500), a message goes onto the
// fallback route in EndBlock and its sender is unfrozen; a late confirmation is still accepted
// (a claim can have beaten the route).
func TestExpiredMessageRoutedUp(t *testing.T) {
	clock := uint64(3)
	env, k, msgs, q := setupSenderAt(t, fakeTree{clock: &clock})
	sender := env.OtherAddress(t)
	res, err := msgs.BridgeOut(env.Ctx, &types.MsgBridgeOut{Sender: sender, Op: bridgeOutOp(t, 30, 0)})
	require.NoError(t, err)

	clock = 500 // at the deadline the message can still be claimed: nothing moves
	require.NoError(t, k.EndBlocker(env.Ctx))
	st, err := q.MessageStatus(env.Ctx, &types.QueryMessageStatusRequest{MessageHash: res.MessageHash})
	require.NoError(t, err)
	require.Equal(t, types.MessageStatus_MESSAGE_STATUS_SENT, st.Status)

	clock = 501
	require.NoError(t, k.EndBlocker(env.Ctx))
	st, err = q.MessageStatus(env.Ctx, &types.QueryMessageStatusRequest{MessageHash: res.MessageHash})
	require.NoError(t, err)
	require.Equal(t, types.MessageStatus_MESSAGE_STATUS_ROUTED_UP, st.Status)
	pending, err := q.PendingMessages(env.Ctx, &types.QueryPendingMessagesRequest{})
	require.NoError(t, err)
	require.Len(t, pending.Outgoing, 1, "the relayer carries it up with an inclusion proof")
	_, err = msgs.BridgeOut(env.Ctx, &types.MsgBridgeOut{Sender: sender, Op: bridgeOutOp(t, 1, 1)})
	require.NoError(t, err, "routing unfroze the sender")

	proof, root := receiptProof(t, res.MessageHash, 20)
	require.NoError(t, k.RecordRootCommitment(env.Ctx, 20, root))
	_, err = msgs.Confirm(env.Ctx, &types.MsgConfirm{Sender: sender, MessageHash: res.MessageHash, RootHeight: 20, Proof: proof})
	require.NoError(t, err, "a routed-up message the destination had claimed is confirmed")
	st, err = q.MessageStatus(env.Ctx, &types.QueryMessageStatusRequest{MessageHash: res.MessageHash})
	require.NoError(t, err)
	require.Equal(t, types.MessageStatus_MESSAGE_STATUS_CONFIRMED, st.Status)
}
