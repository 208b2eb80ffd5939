package keeper_test

import (
	"encoding/hex"
	"fmt"
	"testing"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/stretchr/testify/require"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/slush-tree/slush/circuits/commitment"
	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/inclusion"
	"github.com/slush-tree/slush/circuits/ledger"
	slushtypes "github.com/slush-tree/slush/types"
	"github.com/slush-tree/slush/x/bridge/types"
	ledgertypes "github.com/slush-tree/slush/x/ledger/types"
)

// childOfSender is the sender's child 1-2-1, where its forced deposits go.
var childOfSender = commitment.MustPackVid([]uint8{1, 2, 1})

// newSender is validium 1-2 with alice (account 0) funded 1000 and claims/confirmations enabled.
func newSender(t testing.TB) *chain {
	return newChain(t, senderPath, fund(1000), withClaims(t))
}

// bridgeOutOp is alice's signed bridge-out of amount to bob on validium 2, deadline 500.
func bridgeOutOp(t testing.TB, amount, nonce uint64) []byte {
	op, err := ledger.NewBridgeOut(senderVid, alice, 0, asset, amount, nonce, destinationVid, ledger.OwnerHash(bob.PublicKey), 500)
	require.NoError(t, err)
	return op.Bytes()
}

// forcedOp is alice's signed bridge-out of amount to bob on the sender's child 1-2-1 (a forced deposit).
func forcedOp(t testing.TB, amount, nonce uint64) []byte {
	op, err := ledger.NewBridgeOut(senderVid, alice, 0, asset, amount, nonce, childOfSender, ledger.OwnerHash(bob.PublicKey), 900)
	require.NoError(t, err)
	return op.Bytes()
}

// transferOp is alice's signed transfer of amount to bob.
func transferOp(t testing.TB, amount, nonce uint64) []byte {
	op, err := ledger.NewTransfer(senderVid, alice, 0, ledger.OwnerHash(bob.PublicKey), asset, amount, nonce)
	require.NoError(t, err)
	return op.Bytes()
}

// bridgeOut sends alice's bridge-out through MsgBridgeOut.
func (c *chain) bridgeOut(t testing.TB, amount, nonce uint64) (*types.MsgBridgeOutResponse, error) {
	return c.msgs.BridgeOut(c.env.Ctx, &types.MsgBridgeOut{Sender: c.env.OtherAddress(t), Op: bridgeOutOp(t, amount, nonce)})
}

// receiptProof proves that validium 2 holds the receipt of msgHash for validium 1-2 (what its
// ledger appends when it mints the message) under a root commitment at rootHeight, and returns
// that commitment.
func receiptProof(t testing.TB, msgHash []byte, rootHeight uint64) ([]byte, []byte) {
	h, err := hash.DecodeElement(msgHash)
	require.NoError(t, err)
	return proveReceipt(t, inclusion.Receipt{SrcVid: destinationVid, DstVid: senderVid, MsgHash: h}, []uint8{2}, rootHeight)
}

// proveReceipt proves receipt in the receipt tree of the validium at path, along its parents'
// finalized children roots, under a root commitment at rootHeight; it returns the proof and
// that commitment.
func proveReceipt(t testing.TB, receipt inclusion.Receipt, path []uint8, rootHeight uint64) ([]byte, []byte) {
	rec, acc, err := inclusion.SourceRecord(path, receipt.Leaf(), 7)
	require.NoError(t, err)
	root, hops, err := inclusion.BuildChain(rec, path, rootHeight, 7)
	require.NoError(t, err)
	key := fmt.Sprintf("receipt/%v/%v/%d", receipt.Leaf().Hash(), path, rootHeight)
	return cachedProof(t, key, inclusion.Witness{Root: root, Hops: hops, Leaf: receipt.Leaf(), Acc: acc}), hash.EncodeElement(root.Hash())
}

// confirm proves the destination's receipt of msgHash under a root commitment synced at
// rootHeight and confirms the message.
func (c *chain) confirm(t testing.TB, msgHash []byte, rootHeight uint64) error {
	proof, root := receiptProof(t, msgHash, rootHeight)
	c.syncRoot(t, rootHeight, root)
	_, err := c.msgs.Confirm(c.env.Ctx, &types.MsgConfirm{Sender: c.env.OtherAddress(t), MessageHash: msgHash, RootHeight: rootHeight, Proof: proof})
	return err
}

// frozen reports whether alice's account is frozen for bridge-outs.
func (c *chain) frozen(t testing.TB) bool {
	f, err := c.k.FrozenSender.Has(c.env.Ctx, 0)
	require.NoError(t, err)
	return f
}

// TestBridgeOut proves MsgBridgeOut burns on the ledger, appends DESIGN §7.1's message to the
// outbox and records it SENT from its account at this height; anything but a valid bridge-out is
// refused without a trace.
func TestBridgeOut(t *testing.T) {
	c := newSender(t)
	ctx := c.env.Ctx.WithBlockHeight(7).WithEventManager(sdk.NewEventManager())
	res, err := c.msgs.BridgeOut(ctx, &types.MsgBridgeOut{Sender: c.env.OtherAddress(t), Op: bridgeOutOp(t, 30, 0)})
	require.NoError(t, err)
	want := inclusion.Message{SrcVid: senderVid, DstVid: destinationVid, Nonce: 0, Recipient: ledger.OwnerHash(bob.PublicKey),
		AssetID: asset, Amount: 30, Deadline: 500}
	require.Equal(t, &types.MsgBridgeOutResponse{Sequence: 0, MessageHash: hash.EncodeElement(want.Hash()), OutboxIndex: 0}, res)
	requireEvent(t, ctx, &types.EventBridgeOut{ // what a user tracks the transfer by (issue 19)
		MessageHash: res.MessageHash, MessageHashHex: hex.EncodeToString(res.MessageHash), AccountIndex: 0, OutboxIndex: 0,
		Destination: "2", Amount: 30, Deadline: 500,
	})
	require.Equal(t, uint64(970), c.balance(t, 0), "burned")
	rec, err := c.q.Message(ctx, &types.QueryMessageRequest{MessageHash: res.MessageHash})
	require.NoError(t, err)
	require.Equal(t, types.OutgoingMessage{
		Message: slushtypes.NewBridgeMessage(want), MessageHash: res.MessageHash, AccountIndex: 0,
		Status: slushtypes.MessageStatus_MESSAGE_STATUS_SENT, SentHeight: 7,
	}, rec.Message)
	roots, err := c.ledger.CurrentRoots(ctx)
	require.NoError(t, err)

	for _, tc := range []struct {
		name    string
		sender  string
		op      []byte
		wantErr error
	}{
		{"a malformed sender", "not-an-address", bridgeOutOp(t, 1, 1), types.ErrInvalidAddress},
		{"garbage bytes", c.env.OtherAddress(t), []byte("not an op"), ledgertypes.ErrInvalidOp},
		{"a transfer", c.env.OtherAddress(t), transferOp(t, 1, 1), ledgertypes.ErrWrongOpKind},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := c.msgs.BridgeOut(ctx, &types.MsgBridgeOut{Sender: tc.sender, Op: tc.op})
			require.ErrorIs(t, err, tc.wantErr)
			after, err := c.ledger.CurrentRoots(ctx)
			require.NoError(t, err)
			require.Equal(t, roots, after, "nothing burnt or logged")
			pending, err := c.q.PendingMessages(ctx, &types.QueryPendingMessagesRequest{})
			require.NoError(t, err)
			require.Len(t, pending.Outgoing, 1, "nothing recorded")
		})
	}
	_, err = c.q.Message(ctx, &types.QueryMessageRequest{MessageHash: hash.EncodeElement(hash.Uint64(1))})
	require.ErrorIs(t, err, types.ErrUnknownMessage)
}

// TestBridgeOutFreezesUntilConfirmed proves a bridge-out freezes its account for bridge-outs
// (not transfers) until the destination's receipt of exactly that message is proven here.
func TestBridgeOutFreezesUntilConfirmed(t *testing.T) {
	c := newSender(t)
	sender := c.env.OtherAddress(t)
	res, err := c.bridgeOut(t, 30, 0)
	require.NoError(t, err)
	require.True(t, c.frozen(t))

	_, err = c.bridgeOut(t, 1, 1)
	require.ErrorIs(t, err, types.ErrAccountFrozen)
	_, _, err = c.ledger.Execute(c.env.Ctx, transferOp(t, 5, 1), ledger.OpTransfer)
	require.NoError(t, err, "transfers are not frozen")

	proof, root := receiptProof(t, res.MessageHash, 20)
	c.syncRoot(t, 20, root)
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
		{"the receipt of another message", inclusion.Receipt{SrcVid: destinationVid, DstVid: senderVid, MsgHash: hash.Uint64(1)}, []uint8{2}},
		{"a receipt issued by another chain", inclusion.Receipt{SrcVid: commitment.MustPackVid([]uint8{3}), DstVid: senderVid, MsgHash: msgHash}, []uint8{3}},
		{"a receipt for another sender", inclusion.Receipt{SrcVid: destinationVid, DstVid: commitment.MustPackVid([]uint8{1, 3}), MsgHash: msgHash}, []uint8{2}},
	} {
		height := uint64(30 + i)
		wrongProof, wrongRoot := proveReceipt(t, wrong.receipt, wrong.path, height)
		c.syncRoot(t, height, wrongRoot)
		bad := *confirm
		bad.RootHeight, bad.Proof = height, wrongProof
		_, err = c.msgs.Confirm(c.env.Ctx, &bad)
		require.ErrorIs(t, err, types.ErrInvalidProof, wrong.name)
	}
	bad := *confirm
	bad.RootHeight = 21
	_, err = c.msgs.Confirm(c.env.Ctx, &bad)
	require.ErrorIs(t, err, types.ErrUnknownRoot)
	bad = *confirm
	bad.MessageHash = hash.EncodeElement(hash.Uint64(1))
	_, err = c.msgs.Confirm(c.env.Ctx, &bad)
	require.ErrorIs(t, err, types.ErrUnknownMessage)
	bad = *confirm
	bad.Sender = "not-an-address"
	_, err = c.msgs.Confirm(c.env.Ctx, &bad)
	require.ErrorIs(t, err, types.ErrInvalidAddress)
	require.True(t, c.frozen(t), "still frozen after refused confirmations")

	ctx := c.env.Ctx.WithEventManager(sdk.NewEventManager())
	_, err = c.msgs.Confirm(ctx, confirm)
	require.NoError(t, err)
	requireEvent(t, ctx, &types.EventConfirmed{MessageHash: res.MessageHash, AccountIndex: 0, MessageHashHex: hex.EncodeToString(res.MessageHash)})
	rec, err := c.q.Message(c.env.Ctx, &types.QueryMessageRequest{MessageHash: res.MessageHash})
	require.NoError(t, err)
	require.Equal(t, slushtypes.MessageStatus_MESSAGE_STATUS_CONFIRMED, rec.Message.Status)
	_, err = c.msgs.Confirm(c.env.Ctx, confirm)
	require.ErrorIs(t, err, types.ErrAlreadyConfirmed)
	require.False(t, c.frozen(t))

	_, err = c.bridgeOut(t, 1, 2)
	require.NoError(t, err, "confirmation unfroze the sender")
	exported, err := c.k.ExportGenesis(c.env.Ctx)
	require.NoError(t, err)
	require.Len(t, exported.Outgoing, 2)
}

// requireEvent checks that ctx's event manager holds exactly the typed event want.
func requireEvent(t testing.TB, ctx sdk.Context, want any) {
	t.Helper()
	events := ctx.EventManager().Events()
	require.Len(t, events, 1)
	ev, err := sdk.ParseTypedEvent(abci.Event(events[0]))
	require.NoError(t, err)
	require.Equal(t, want, ev)
}

// TestBurnForChild proves a forced deposit is a real burn on this ledger, addressed to the child
// it is queued for, whose message is what the child must mint; anything else burns nothing.
func TestBurnForChild(t *testing.T) {
	c := newSender(t)
	op := forcedOp(t, 40, 0)
	for _, tc := range []struct {
		name    string
		op      []byte
		child   fr.Element
		wantErr error
	}{
		{"queued for another child", op, commitment.MustPackVid([]uint8{1, 2, 2}), types.ErrWrongDestination},
		{"a transfer", transferOp(t, 1, 0), childOfSender, ledgertypes.ErrWrongOpKind},
		{"garbage bytes", []byte("not an op"), childOfSender, ledgertypes.ErrInvalidOp},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := c.k.BurnForChild(c.env.Ctx, tc.op, tc.child)
			require.ErrorIs(t, err, tc.wantErr)
			require.Equal(t, uint64(1000), c.balance(t, 0), "nothing burnt")
		})
	}

	m, err := c.k.BurnForChild(c.env.Ctx, op, childOfSender)
	require.NoError(t, err)
	require.Equal(t, inclusion.Message{SrcVid: senderVid, DstVid: childOfSender, Nonce: 0, Recipient: ledger.OwnerHash(bob.PublicKey),
		AssetID: asset, Amount: 40, Deadline: 900}, m)
	require.Equal(t, uint64(960), c.balance(t, 0), "burnt here")
	state, err := c.ledger.Open(c.env.Ctx)
	require.NoError(t, err)
	item, err := state.Outbox().Get(0)
	require.NoError(t, err)
	require.Equal(t, m.Hash(), item, "in the outbox, like every bridge-out")
	pending, err := c.q.PendingMessages(c.env.Ctx, &types.QueryPendingMessagesRequest{})
	require.NoError(t, err)
	require.Empty(t, pending.Outgoing, "not an outgoing message: the queue, not a receipt, delivers it")
	_, err = c.k.BurnForChild(c.env.Ctx, op, childOfSender)
	require.ErrorIs(t, err, ledgertypes.ErrLedgerRejected, "a replayed deposit (same nonce) burns nothing")
	require.Equal(t, uint64(960), c.balance(t, 0))
}

// TestFrozenSenderRule proves the frozen-sender rule holds on both bridge-out paths: a sender
// whose message is unconfirmed can neither bridge out nor force a deposit into a child, and
// after the message is confirmed or expires it can again.
func TestFrozenSenderRule(t *testing.T) {
	paths := []struct {
		name string
		send func(t *testing.T, c *chain, nonce uint64) error
	}{
		{"MsgBridgeOut", func(t *testing.T, c *chain, nonce uint64) error {
			_, err := c.bridgeOut(t, 1, nonce)
			return err
		}},
		{"BurnForChild", func(t *testing.T, c *chain, nonce uint64) error {
			_, err := c.k.BurnForChild(c.env.Ctx, forcedOp(t, 1, nonce), childOfSender)
			return err
		}},
	}
	releases := []struct {
		name    string
		release func(t *testing.T, c *chain, msgHash []byte)
	}{
		{"confirmed", func(t *testing.T, c *chain, msgHash []byte) {
			require.NoError(t, c.confirm(t, msgHash, 20))
		}},
		{"expired", func(t *testing.T, c *chain, _ []byte) {
			c.setClock(t, 501)
			require.NoError(t, c.k.EndBlocker(c.env.Ctx))
		}},
	}
	for _, path := range paths {
		for _, release := range releases {
			t.Run(path.name+" after "+release.name, func(t *testing.T) {
				c := newSender(t)
				res, err := c.bridgeOut(t, 30, 0)
				require.NoError(t, err)

				require.ErrorIs(t, path.send(t, c, 1), types.ErrAccountFrozen)
				require.Equal(t, uint64(970), c.balance(t, 0), "the frozen sender burnt nothing")
				require.Equal(t, uint64(1), c.ledgerState(t).LogLength, "and logged nothing")

				release.release(t, c, res.MessageHash)
				require.False(t, c.frozen(t))
				require.NoError(t, path.send(t, c, 1), "released by the %s message", release.name)
				require.Equal(t, uint64(969), c.balance(t, 0))
			})
		}
	}
}

// TestForcedDepositDoesNotFreeze proves a forced deposit leaves its sender free: the child's
// forced queue, not a receipt, guarantees its delivery, so the sender may force again or bridge
// out at once.
func TestForcedDepositDoesNotFreeze(t *testing.T) {
	c := newSender(t)
	_, err := c.k.BurnForChild(c.env.Ctx, forcedOp(t, 10, 0), childOfSender)
	require.NoError(t, err)
	require.False(t, c.frozen(t))
	_, err = c.k.BurnForChild(c.env.Ctx, forcedOp(t, 10, 1), childOfSender)
	require.NoError(t, err, "a second forced deposit")
	_, err = c.bridgeOut(t, 10, 2)
	require.NoError(t, err, "a bridge-out")
	require.True(t, c.frozen(t), "which freezes")
	require.Equal(t, uint64(970), c.balance(t, 0))
}

// TestExpiredMessageRoutedUp proves an own message unconfirmed past its deadline (500) goes onto
// the fallback route in EndBlock (ROUTED_UP, EventMessageExpired) and its sender is unfrozen; a
// late confirmation is still accepted (a claim can have beaten the route).
func TestExpiredMessageRoutedUp(t *testing.T) {
	c := newSender(t)
	res, err := c.bridgeOut(t, 30, 0)
	require.NoError(t, err)
	status := func() slushtypes.MessageStatus {
		st, err := c.q.MessageStatus(c.env.Ctx, &types.QueryMessageStatusRequest{MessageHash: res.MessageHash})
		require.NoError(t, err)
		require.NotNil(t, st.Outgoing)
		return st.Status
	}

	c.setClock(t, 500) // at the deadline the message can still be claimed: nothing moves
	ctx := c.env.Ctx.WithEventManager(sdk.NewEventManager())
	require.NoError(t, c.k.EndBlocker(ctx))
	require.Empty(t, ctx.EventManager().Events())
	require.Equal(t, slushtypes.MessageStatus_MESSAGE_STATUS_SENT, status())
	require.True(t, c.frozen(t))

	c.setClock(t, 501)
	require.NoError(t, c.k.EndBlocker(ctx))
	requireEvent(t, ctx, &types.EventMessageExpired{MessageHash: res.MessageHash, AccountIndex: 0, MessageHashHex: hex.EncodeToString(res.MessageHash)})
	require.Equal(t, slushtypes.MessageStatus_MESSAGE_STATUS_ROUTED_UP, status())
	pending, err := c.q.PendingMessages(c.env.Ctx, &types.QueryPendingMessagesRequest{})
	require.NoError(t, err)
	require.Len(t, pending.Outgoing, 1, "the relayer carries it up with an inclusion proof")
	require.False(t, c.frozen(t), "routing unfroze the sender")
	ctx = c.env.Ctx.WithEventManager(sdk.NewEventManager())
	require.NoError(t, c.k.EndBlocker(ctx))
	require.Empty(t, ctx.EventManager().Events(), "a message expires once")

	require.NoError(t, c.confirm(t, res.MessageHash, 20), "a routed-up message the destination had claimed is confirmed")
	require.Equal(t, slushtypes.MessageStatus_MESSAGE_STATUS_CONFIRMED, status())
	pending, err = c.q.PendingMessages(c.env.Ctx, &types.QueryPendingMessagesRequest{})
	require.NoError(t, err)
	require.Empty(t, pending.Outgoing)
}

// TestExpiryBounded proves one EndBlock routes at most MaxExpiredPerBlock expired messages,
// oldest deadline first; the next block carries on.
func TestExpiryBounded(t *testing.T) {
	n := types.MaxExpiredPerBlock + 5
	var out []types.OutgoingMessage
	for i := range n {
		m := inMsg(carol, 1, uint64(i))
		m.Deadline = uint64(100 + i)
		out = append(out, outgoing(m, uint64(i), slushtypes.MessageStatus_MESSAGE_STATUS_SENT))
	}
	c := newChain(t, senderPath, func(g *genesis) { g.bridge.Outgoing = out })
	c.setClock(t, 1000)
	routed := func() (n int, latest uint64) {
		for _, o := range out {
			rec, err := c.k.Outgoing.Get(c.env.Ctx, o.MessageHash)
			require.NoError(t, err)
			if rec.Status == slushtypes.MessageStatus_MESSAGE_STATUS_ROUTED_UP {
				n++
				latest = max(latest, rec.Message.Deadline)
			}
		}
		return n, latest
	}
	require.NoError(t, c.k.EndBlocker(c.env.Ctx))
	got, latest := routed()
	require.Equal(t, types.MaxExpiredPerBlock, got)
	require.Equal(t, uint64(100+types.MaxExpiredPerBlock-1), latest, "the oldest deadlines first")
	require.NoError(t, c.k.EndBlocker(c.env.Ctx))
	got, _ = routed()
	require.Equal(t, n, got)
}

// TestPendingMessagesQuery proves Query/PendingMessages lists exactly the own messages still to
// be carried (SENT, ROUTED_UP), at most limit of them.
func TestPendingMessagesQuery(t *testing.T) {
	statuses := []slushtypes.MessageStatus{
		slushtypes.MessageStatus_MESSAGE_STATUS_SENT, slushtypes.MessageStatus_MESSAGE_STATUS_ROUTED_UP,
		slushtypes.MessageStatus_MESSAGE_STATUS_CONFIRMED, slushtypes.MessageStatus_MESSAGE_STATUS_SENT,
	}
	var out []types.OutgoingMessage
	for i, st := range statuses {
		out = append(out, outgoing(inMsg(carol, 1, uint64(i)), uint64(i), st))
	}
	c := newChain(t, senderPath, func(g *genesis) { g.bridge.Outgoing = out })
	for _, tc := range []struct {
		limit uint32
		want  int
	}{{0, 3}, {2, 2}, {5, 3}} {
		res, err := c.q.PendingMessages(c.env.Ctx, &types.QueryPendingMessagesRequest{Limit: tc.limit})
		require.NoError(t, err)
		require.Len(t, res.Outgoing, tc.want, "limit %d", tc.limit)
		for _, o := range res.Outgoing {
			require.NotEqual(t, slushtypes.MessageStatus_MESSAGE_STATUS_CONFIRMED, o.Status)
		}
	}
}
