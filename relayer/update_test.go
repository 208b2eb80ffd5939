package relayer

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/slush-tree/slush/circuits/commitment"
	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/inclusion"
	"github.com/slush-tree/slush/circuits/ledger"
	bridgetypes "github.com/slush-tree/slush/x/bridge/types"
	validiumtypes "github.com/slush-tree/slush/x/validium/types"
)

// rec is a child commitment record at block h with an anchor and a log length.
func rec(h int64, anchor, logLength uint64) bridgetypes.OwnCommitment {
	return bridgetypes.OwnCommitment{Height: h, LogLength: logLength,
		Fields: validiumtypes.CommitmentFields{AnchorHeight: anchor, AnchorCommitment: []byte{byte(anchor)}}}
}

// records yields recs (newest first) like the chain's Commitment walk, counting reads.
func records(recs []bridgetypes.OwnCommitment, reads *int) func() (bridgetypes.OwnCommitment, bool, error) {
	i := 0
	return func() (bridgetypes.OwnCommitment, bool, error) {
		if i == len(recs) {
			return bridgetypes.OwnCommitment{}, false, nil
		}
		*reads++
		i++
		return recs[i-1], true, nil
	}
}

func TestSelectCommitment(t *testing.T) {
	all := func(bridgetypes.OwnCommitment) (bool, error) { return true, nil }
	anchorsUpTo := func(max uint64) func(bridgetypes.OwnCommitment) (bool, error) {
		return func(r bridgetypes.OwnCommitment) (bool, error) { return r.Fields.AnchorHeight <= max, nil }
	}
	// blocks 20..14: anchors and log lengths as a child's history gives them (newest first)
	history := []bridgetypes.OwnCommitment{
		rec(20, 12, 9), rec(19, 12, 7), rec(18, 11, 6), rec(17, 11, 4), rec(16, 10, 4), rec(15, 10, 3), rec(14, 9, 3),
	}
	for _, tc := range []struct {
		name             string
		pos, last, batch uint64
		known            func(bridgetypes.OwnCommitment) (bool, error)
		want             int64 // chosen block, 0: none
		stalled          bool
	}{
		{"newest fits", 5, 9, 4, all, 20, false},
		{"newest holds too many ops: an older one", 3, 9, 4, all, 19, false},
		{"parent does not know the newest anchors", 3, 9, 4, anchorsUpTo(11), 18, false},
		{"anchor must advance", 3, 12, 4, all, 0, false},
		{"nothing new at all", 9, 12, 4, all, 0, false},
		{"every new anchor too far: stalled", 0, 10, 2, all, 0, true},
		{"unknown anchors and too far", 3, 10, 1, anchorsUpTo(10), 0, true},
		{"empty batch advancing the anchor", 9, 11, 4, all, 20, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			reads := 0
			got, ok, err := selectCommitment(records(history, &reads), tc.pos, tc.last, tc.batch, tc.known)
			if tc.stalled {
				require.True(t, errors.Is(err, errStalled), "%v", err)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tc.want != 0, ok)
			if ok {
				require.Equal(t, tc.want, got.Height)
			}
		})
	}
	t.Run("walk stops at the accepted anchor", func(t *testing.T) {
		reads := 0
		_, ok, err := selectCommitment(records(history, &reads), 3, 11, 0, all)
		require.False(t, ok)
		require.ErrorIs(t, err, errStalled)
		require.Equal(t, 3, reads, "records at or below the accepted anchor are never older than needed")
	})
	t.Run("known errors propagate", func(t *testing.T) {
		reads := 0
		boom := errors.New("boom")
		_, _, err := selectCommitment(records(history, &reads), 5, 9, 4, func(bridgetypes.OwnCommitment) (bool, error) { return false, boom })
		require.ErrorIs(t, err, boom)
	})
}

// TestBatchRoom: a batch takes at most batch_size operations and no more claimed bridge-ins
// than it has claim sections; the next claim starts the next batch.
func TestBatchRoom(t *testing.T) {
	ctx := context.Background()
	c := newFunded(t, []uint8{1, 1})
	vid := commitment.MustPackVid(c.path)
	claim := func(nonce uint64) ledger.Op {
		return ledger.NewBridgeIn(inclusion.Message{SrcVid: commitment.MustPackVid([]uint8{2}), DstVid: vid, Nonce: nonce,
			Recipient: hash.Uint64(5), AssetID: hash.Uint64(7), Amount: 1}, ledger.SourceClaim)
	}
	forced := ledger.NewBridgeIn(inclusion.Message{SrcVid: commitment.MustPackVid([]uint8{1}), DstVid: vid,
		Recipient: hash.Uint64(5), AssetID: hash.Uint64(7), Amount: 1}, ledger.SourceForced)
	for i, op := range []ledger.Op{claim(0), forced, claim(1), claim(2)} {
		c.execute(t, op, int64(i+1))
	}
	lp := bridgetypes.LedgerParams{AccountDepth: 4, OutboxDepth: 20, BatchSize: 4, ClaimSlots: 1}
	for _, tc := range []struct {
		pos, want uint64
		slots     uint32
	}{
		{0, 2, 1}, // claim, forced | claim
		{0, 3, 2}, // claim, forced, claim | claim
		{0, 4, 4},
		{2, 1, 1}, // claim | claim
		{3, 4, 1}, // the log's end: room is the batch size
	} {
		lp.ClaimSlots = tc.slots
		room, err := batchRoom(ctx, c, tc.pos, uint64(len(c.log)), lp, 0)
		require.NoError(t, err)
		require.Equal(t, tc.want, room, "from %d with %d claim slots", tc.pos, tc.slots)
	}
}
