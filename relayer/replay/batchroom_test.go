package replay

import (
	"context"
	"testing"

	ledgertypes "github.com/slush-tree/slush/x/ledger/types"

	"github.com/stretchr/testify/require"

	"github.com/slush-tree/slush/circuits/commitment"
	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/inclusion"
	"github.com/slush-tree/slush/circuits/ledger"
)

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
	lp := ledgertypes.Params{AccountDepth: 4, OutboxDepth: 20, BatchSize: 4, ClaimSlots: 1}
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
		room, err := BatchRoom(ctx, c, tc.pos, uint64(len(c.log)), lp, 0)
		require.NoError(t, err)
		require.Equal(t, tc.want, room, "from %d with %d claim slots", tc.pos, tc.slots)
	}
}
