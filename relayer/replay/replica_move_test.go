package replay

import (
	"context"
	"testing"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/stretchr/testify/require"

	"github.com/slush-tree/slush/circuits/commitment"
	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/inclusion"
	"github.com/slush-tree/slush/circuits/ledger"
)

// movedChain is a chain that logged operations as 1-2, moved with its state and logged more as
// 2-1 (docs/PROTOCOL.md "Re-parenting"), as x/ledger would: before the move a bridge-out, a mint
// of 4 and a transfer signed for 1-2, then a mint of 0 to 1-2 (which moves the ledger root like
// any mint: its message joins the consumed set); after it a mint of 0 to 2-1, a transfer and a
// bridge-out signed for 2-1.
type movedChain struct {
	*fakeChain
	oldVid, newVid fr.Element
	// departed is the ledger root the chain left with, at move, the position of the move; first
	// is the position before it (the mint of 0 to the old vid between), with ledger root before.
	departed, before []byte
	first, move      uint64
}

func newMovedChain(t *testing.T) *movedChain {
	c := newFunded(t, []uint8{1, 2})
	oldVid, newVid := commitment.MustPackVid([]uint8{1, 2}), commitment.MustPackVid([]uint8{2, 1})
	alice := ledger.KeyFromSeed([]byte("alice"))
	mint := func(dst []uint8, amount uint64, nonce uint64) ledger.Op {
		return ledger.NewBridgeIn(inclusion.Message{SrcVid: commitment.MustPackVid([]uint8{1}), DstVid: commitment.MustPackVid(dst), Nonce: nonce,
			Recipient: hash.Uint64(5), AssetID: hash.Uint64(7), Amount: amount}, ledger.SourceForced)
	}
	out, err := ledger.NewBridgeOut(oldVid, alice, 0, hash.Uint64(7), 30, 0, commitment.MustPackVid([]uint8{2}), hash.Uint64(99), 1000)
	require.NoError(t, err)
	c.execute(t, out, 3)
	c.execute(t, mint([]uint8{1, 2}, 4, 0), 4)
	tr, err := ledger.NewTransfer(oldVid, alice, 0, hash.Uint64(5), hash.Uint64(7), 10, 1)
	require.NoError(t, err)
	c.execute(t, tr, 5)
	first := uint64(len(c.log))
	before := hash.EncodeElement(mustRoot(t, c))
	c.execute(t, mint([]uint8{1, 2}, 0, 1), 6)
	departed := hash.EncodeElement(mustRoot(t, c))
	require.NotEqual(t, before, departed, "a mint of 0 to an existing account moves the ledger root: its message is consumed")
	move := uint64(len(c.log))

	c.path = []uint8{2, 1} // MsgMovePath: x/ledger reads the new vid from x/tree from now on
	c.execute(t, mint([]uint8{2, 1}, 0, 2), 20)
	tr, err = ledger.NewTransfer(newVid, alice, 0, hash.Uint64(5), hash.Uint64(7), 1, 2)
	require.NoError(t, err)
	c.execute(t, tr, 21)
	out, err = ledger.NewBridgeOut(newVid, alice, 0, hash.Uint64(7), 2, 3, commitment.MustPackVid([]uint8{3}), hash.Uint64(98), 1000)
	require.NoError(t, err)
	c.execute(t, out, 22)
	return &movedChain{fakeChain: c, oldVid: oldVid, newVid: newVid, departed: departed, before: before, first: first, move: move}
}

// mustRoot is the chain's own ledger root now.
func mustRoot(t *testing.T, c *fakeChain) fr.Element {
	r, err := c.ledgerState(t).Root()
	require.NoError(t, err)
	return r
}

// told is the origin of the chain at its new path, told of its move from oldVid.
func (m *movedChain) told(oldVid fr.Element) Origin {
	o := m.origin()
	o.Moved = &Move{From: oldVid, LedgerRoot: m.departed}
	return o
}

// TestReplicaOfMovedChain proves a replica of a moved chain reaches the chain's own roots
// (ledger, outbox, receipts) when told the move, and fails with an error naming the vid and
// "Re-parenting" when not, or told a wrong one.
func TestReplicaOfMovedChain(t *testing.T) {
	ctx := context.Background()
	m := newMovedChain(t)
	end := uint64(len(m.log))
	chain := m.ledgerState(t)
	wantLedger, err := chain.Root()
	require.NoError(t, err)
	wantOutbox, err := chain.OutboxRoot()
	require.NoError(t, err)
	wantReceipts, err := chain.ReceiptRoot()
	require.NoError(t, err)

	neverMoved := m.origin()
	neverMoved.Vid = m.oldVid // the old tree, as if it had not moved
	for _, tc := range []struct {
		name   string
		origin Origin
		err    string
	}{
		{"told the move", m.told(m.oldVid), ""},
		{"not told: replayed under the new vid from genesis", m.origin(), "bad signature"},
		{"told a wrong old vid", m.told(commitment.MustPackVid([]uint8{1, 3})), "bad signature"},
		{"replayed under the old vid throughout", neverMoved, "message for another validium"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var rp Replica
			err := rp.At(ctx, m, tc.origin, end, hash.EncodeElement(wantLedger), 0)
			if tc.err != "" {
				require.ErrorContains(t, err, tc.err)
				require.ErrorContains(t, err, "Re-parenting")
				require.Nil(t, rp.State(), "dropped")
				return
			}
			require.NoError(t, err)
			require.Equal(t, wantLedger, must(t, rp.State().Root))
			require.Equal(t, wantOutbox, must(t, rp.State().OutboxRoot), "messages sent before the move are from the old vid, after it from the new")
			require.Equal(t, wantReceipts, must(t, rp.State().ReceiptRoot))
			require.Equal(t, m.newVid, rp.State().Vid())
		})
	}
}

// TestReplicaMovePosition proves the move's position is found by the departed root, after a
// mint of 0 to the old vid, and that a replica only records batches after it.
func TestReplicaMovePosition(t *testing.T) {
	ctx := context.Background()
	m := newMovedChain(t)
	end := uint64(len(m.log))
	o := m.told(m.oldVid)

	var rp Replica
	require.NoError(t, rp.Seek(ctx, m, o, end, m.departed, 0))
	require.Equal(t, m.move, rp.Pos(), "the arrived child's proven position: the move's")
	require.Equal(t, m.newVid, rp.State().Vid(), "the new vid from the move on")
	require.NoError(t, rp.At(ctx, m, o, m.move, m.departed, 0), "already there")

	b, err := ledger.NewBatchBuilder(rp.State())
	require.NoError(t, err)
	for _, logged := range m.log[m.move : m.move+uint64(testLedger.BatchSize)] { // one batch
		_, err := rp.Record(b, logged)
		require.NoError(t, err, "the batches at the new parent are under the new vid")
	}

	require.NoError(t, rp.At(ctx, m, o, m.first, m.before, 0), "rebuilt: before the move")
	require.Equal(t, m.oldVid, rp.State().Vid(), "a mint of 0 to the old vid is next: not moved yet")
	b, err = ledger.NewBatchBuilder(rp.State())
	require.NoError(t, err)
	_, err = rp.Record(b, m.log[m.first])
	require.ErrorContains(t, err, "before the chain's move")

	var fresh Replica
	err = fresh.Seek(ctx, m, m.origin(), end, m.departed, 0)
	require.ErrorContains(t, err, "bad signature", "not told the move, the log is replayed under the new vid")
	require.Nil(t, fresh.State())

	require.NoError(t, rp.Seek(ctx, m, o, end, m.departed, 0))
	err = rp.At(ctx, m, m.origin(), m.move, m.departed, 0)
	require.ErrorContains(t, err, "bad signature", "a replica built for the move is rebuilt for an origin without it, not reused")
}

// must returns f's result, failing the test on its error.
func must(t *testing.T, f func() (fr.Element, error)) fr.Element {
	v, err := f()
	require.NoError(t, err)
	return v
}

// TestReplicaMovedAtGenesis proves a chain that moved before logging anything replays its
// whole log under its new vid: the move is at position 0.
func TestReplicaMovedAtGenesis(t *testing.T) {
	ctx := context.Background()
	c := newFunded(t, []uint8{2, 1}) // funded as 1-2: the funding does not depend on the vid
	genesis := hash.EncodeElement(mustRoot(t, c))
	tr, err := ledger.NewTransfer(commitment.MustPackVid([]uint8{2, 1}), ledger.KeyFromSeed([]byte("alice")), 0, hash.Uint64(5), hash.Uint64(7), 10, 0)
	require.NoError(t, err)
	c.execute(t, tr, 3)
	o := c.origin()
	o.Moved = &Move{From: commitment.MustPackVid([]uint8{1, 2}), LedgerRoot: genesis}

	var rp Replica
	require.NoError(t, rp.Seek(ctx, c, o, 1, genesis, 0))
	require.Equal(t, uint64(0), rp.Pos())
	require.Equal(t, commitment.MustPackVid([]uint8{2, 1}), rp.State().Vid())
	require.NoError(t, rp.At(ctx, c, o, 1, hash.EncodeElement(mustRoot(t, c)), 0))

	var none Replica
	_, err = none.Record(nil, c.log[0])
	require.ErrorContains(t, err, "no replica")
}

// TestReplicaMovedAtHeight proves a replica told the block of a move (a descendant that followed
// a moved ancestor: its identity's moved_from) switches vid at the first operation logged after
// that block, reaches the chain's roots, records batches only after the move, and fails when told
// a block on the wrong side of the operations.
func TestReplicaMovedAtHeight(t *testing.T) {
	ctx := context.Background()
	m := newMovedChain(t) // operations at blocks 3, 4, 5, 6 under 1-2, then 20, 21, 22 under 2-1
	end := uint64(len(m.log))
	want := hash.EncodeElement(mustRoot(t, m.fakeChain))
	at := func(h int64) Origin {
		o := m.origin()
		o.Moved = &Move{From: m.oldVid, Height: h}
		return o
	}
	var rp Replica
	require.NoError(t, rp.At(ctx, m, at(10), end, want, 0))
	require.Equal(t, m.newVid, rp.State().Vid())

	require.NoError(t, rp.At(ctx, m, at(10), m.move, m.departed, 0))
	require.Equal(t, m.newVid, rp.State().Vid(), "the next operation is from block 20: after the move")
	b, err := ledger.NewBatchBuilder(rp.State())
	require.NoError(t, err)
	_, err = rp.Record(b, m.log[m.move])
	require.NoError(t, err)

	require.NoError(t, rp.At(ctx, m, at(10), m.first, m.before, 0))
	require.Equal(t, m.oldVid, rp.State().Vid(), "the next operation is from block 6: before the move")
	b, err = ledger.NewBatchBuilder(rp.State())
	require.NoError(t, err)
	_, err = rp.Record(b, m.log[m.first])
	require.ErrorContains(t, err, "before the chain's move")

	for _, h := range []int64{4, 21} {
		var fresh Replica
		err := fresh.At(ctx, m, at(h), end, want, 0)
		require.ErrorContains(t, err, "its move is at block", "moved at %d", h)
	}
}
