package planner

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	sdkerrors "github.com/cosmos/cosmos-sdk/types/errors"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"

	"github.com/slush-tree/slush/circuits/commitment"
	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/ledger"
	"github.com/slush-tree/slush/circuits/smt"
	"github.com/slush-tree/slush/relayer/chainclient"
	"github.com/slush-tree/slush/relayer/replay"
	"github.com/slush-tree/slush/relayer/tree"
	slushtypes "github.com/slush-tree/slush/types"
	ledgertypes "github.com/slush-tree/slush/x/ledger/types"
	treetypes "github.com/slush-tree/slush/x/tree/types"
	validiumtypes "github.com/slush-tree/slush/x/validium/types"
)

// movingLog is a child's log and commitment records as its chain keeps them.
type movingLog struct {
	log         []ledgertypes.LoggedOp
	commitments map[string]treetypes.OwnCommitment
}

func (f *movingLog) BatchLog(_ context.Context, from uint64, limit uint32, _ int64) ([]ledgertypes.LoggedOp, error) {
	var out []ledgertypes.LoggedOp
	for _, op := range f.log {
		if op.Sequence >= from && len(out) < int(limit) {
			out = append(out, op)
		}
	}
	return out, nil
}

func (f *movingLog) CommitmentByHash(_ context.Context, h []byte, _ int64) (treetypes.OwnCommitment, error) {
	if rec, ok := f.commitments[string(h)]; ok {
		return rec, nil
	}
	return treetypes.OwnCommitment{}, sdkerrors.ErrKeyNotFound // pruned
}

var (
	movingLedger   = ledgertypes.Params{AccountDepth: 4, OutboxDepth: 20, BatchSize: 2}
	oldVid, newVid = commitment.MustPackVid([]uint8{1, 2}), commitment.MustPackVid([]uint8{2, 1})
)

// newMovingLog is a chain funded at genesis that logged two transfers as 1-2, moved to 2-1
// (docs/PROTOCOL.md "Re-parenting") and logged one more, with its ledger root after each
// prefix, and its origins under the relayer's tree after the move (vid 2-1), with and without
// the move, and before it (vid 1-2, as if it never moved: the two first operations only).
func newMovingLog(t *testing.T) (f *movingLog, roots [][]byte, moved, notTold, before replay.Origin, held validiumtypes.Child) {
	alice := ledger.KeyFromSeed([]byte("alice"))
	deposits := []ledgertypes.GenesisDeposit{{Recipient: hash.EncodeElement(ledger.OwnerHash(alice.PublicKey)),
		AssetId: hash.EncodeElement(hash.Uint64(7)), Amount: 1000}}
	store := smt.NewMemStore()
	open := func(vid fr.Element) *ledger.State {
		st, err := ledger.NewState(store, vid, movingLedger.Ledger())
		require.NoError(t, err)
		return st
	}
	require.NoError(t, ledgertypes.FundLedger(open(oldVid), deposits))
	f = &movingLog{commitments: map[string]treetypes.OwnCommitment{}}
	root := func(vid fr.Element) []byte {
		r, err := open(vid).Root()
		require.NoError(t, err)
		return hash.EncodeElement(r)
	}
	roots = [][]byte{root(oldVid)}
	for nonce, vid := range []fr.Element{oldVid, oldVid, newVid} {
		op, err := ledger.NewTransfer(vid, alice, 0, hash.Uint64(5), hash.Uint64(7), 10, uint64(nonce))
		require.NoError(t, err)
		require.NoError(t, open(vid).Apply(op))
		f.log = append(f.log, ledgertypes.LoggedOp{Sequence: uint64(nonce), Op: op.Bytes()})
		roots = append(roots, root(vid))
	}
	notTold = replay.Origin{Vid: newVid, Params: movingLedger, Deposits: deposits}
	moved = notTold
	moved.Moved = &replay.Move{From: oldVid, LedgerRoot: roots[2]}
	before = notTold
	before.Vid = oldVid
	st := open(newVid) // transfers only: the outbox, receipts and inbox are as genesis left them
	out, err := st.OutboxRoot()
	require.NoError(t, err)
	rcpt, err := st.ReceiptRoot()
	require.NoError(t, err)
	held = validiumtypes.Child{OutboxRoot: hash.EncodeElement(out), ReceiptRoot: hash.EncodeElement(rcpt)}
	return f, roots, moved, notTold, before, held
}

// TestProvenPosition proves the proven position of a child: by its accepted commitment, by its
// root when the child pruned it, and for a child that arrived with its state and has no
// commitment accepted at its new parent, the move's, found by the departed root.
func TestProvenPosition(t *testing.T) {
	ctx := context.Background()
	f, roots, moved, notTold, before, held := newMovingLog(t)
	accepted, pruned := []byte{9}, []byte{8}
	// record is the parent's record: the held outbox and receipt roots, no inbox entry consumed
	record := func(latest, ledgerRoot []byte, arrivedFrom []uint32) validiumtypes.Child {
		c := held
		c.LatestCommitment, c.LedgerRoot, c.ArrivedFrom = latest, ledgerRoot, arrivedFrom
		return c
	}
	otherOutbox := record(nil, roots[2], []uint32{1, 2})
	otherOutbox.OutboxRoot = roots[0]
	f.commitments[string(accepted)] = treetypes.OwnCommitment{LogLength: 3}
	for _, tc := range []struct {
		name   string
		origin replay.Origin
		child  validiumtypes.Child
		log    uint64 // the log's length at the height
		pos    uint64
		err    string
	}{
		{"never moved, before its first update", before, record(nil, roots[0], nil), 2, 0, ""},
		{"never moved, a pruned commitment", before, record(pruned, roots[1], nil), 2, 1, ""},
		{"never moved, a genesis record with another root", before, record(nil, roots[1], nil), 2, 0, "the parent accepted"},
		{"arrived: the move's position", moved, record(nil, roots[2], []uint32{1, 2}), 3, 2, ""},
		{"arrived, not told the move: position 0 does not hold the departed root", notTold, record(nil, roots[2], []uint32{1, 2}), 3, 0, "the parent accepted"},
		{"arrived, after its first update here", moved, record(accepted, roots[3], []uint32{1, 2}), 3, 3, ""},
		{"arrived, a pruned commitment", moved, record(pruned, roots[3], []uint32{1, 2}), 3, 3, ""},
		{"arrived, the departed root not in the log", moved, record(nil, roots[1], []uint32{1, 2}), 3, 0, "departed ledger root"},
		{"arrived, a record with another outbox root", moved, otherOutbox, 3, 0, "outbox root"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var rp replay.Replica
			pos, err := provenPosition(ctx, f, &rp, tc.origin, tc.child, tc.log, 0)
			if tc.err != "" {
				require.ErrorContains(t, err, tc.err)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tc.pos, pos)
			require.Equal(t, tc.pos, rp.Pos())
		})
	}
}

// TestChildOrigin proves the origin of a child's replica carries its move when its parent's
// record says it arrived, and refuses a relayer tree that still has it at its old path.
func TestChildOrigin(t *testing.T) {
	node := func(path []uint8) *tree.Node {
		return &tree.Node{Client: &chainclient.Client{Name: "v"}, Path: path, Vid: commitment.MustPackVid(path)}
	}
	departed := hash.EncodeElement(hash.Uint64(77))
	o, err := childOrigin(node([]uint8{2, 1}), validiumtypes.Child{GenesisLedgerRoot: departed}, nil)
	require.NoError(t, err)
	require.Nil(t, o.Moved, "never moved")

	o, err = childOrigin(node([]uint8{2, 1}), validiumtypes.Child{GenesisLedgerRoot: departed, ArrivedFrom: []uint32{1, 2}}, &treetypes.MovedFrom{Path: []uint32{1, 2}, Height: 40})
	require.NoError(t, err)
	require.Equal(t, newVid, o.Vid)
	require.Equal(t, &replay.Move{From: oldVid, LedgerRoot: departed}, o.Moved, "arrived: the new parent's record says where it moved")

	o, err = childOrigin(node([]uint8{2, 1}), validiumtypes.Child{}, &treetypes.MovedFrom{Path: []uint32{1, 2}, Height: 40})
	require.NoError(t, err)
	require.Equal(t, &replay.Move{From: oldVid, Height: 40}, o.Moved, "followed a moved ancestor: the block of its move")

	_, err = childOrigin(node([]uint8{1, 2}), validiumtypes.Child{ArrivedFrom: []uint32{1, 2}}, nil)
	require.ErrorContains(t, err, "restart the relayer with the tree after the move")
	_, err = childOrigin(node([]uint8{1, 2}), validiumtypes.Child{}, &treetypes.MovedFrom{Path: []uint32{1, 2}, Height: 40})
	require.ErrorContains(t, err, "restart the relayer with the tree after the move")
	_, err = childOrigin(node([]uint8{2, 1}), validiumtypes.Child{ArrivedFrom: []uint32{1, 0}}, nil)
	require.ErrorContains(t, err, "old path")
}

// TestBeforeMove proves an update of a moved child skips the commitments it made under its old
// vid, and a child that never moved skips none.
func TestBeforeMove(t *testing.T) {
	_, _, moved, notTold, _, _ := newMovingLog(t)
	at := func(vid fr.Element) treetypes.OwnCommitment {
		return treetypes.OwnCommitment{Fields: slushtypes.CommitmentFields{Vid: hash.EncodeElement(vid)}}
	}
	require.True(t, beforeMove(moved, newVid, at(oldVid)))
	require.False(t, beforeMove(moved, newVid, at(newVid)))
	require.False(t, beforeMove(notTold, newVid, at(oldVid)), "never moved: the parent judges the vid")
}
