package replay

import (
	"context"
	"testing"

	ledgertypes "github.com/slush-tree/slush/x/ledger/types"

	"github.com/stretchr/testify/require"

	"github.com/slush-tree/slush/circuits/ledger"
)

// TestBatchEnds: from a log position, up to maxBatches batches of at most batch_size operations,
// claim_slots claimed bridge-ins and (when bounded) so many forced and exit ones each, and not
// both sources in one batch when so bounded (the next entry past a bound starts the next batch),
// as far as the log goes.
func TestBatchEnds(t *testing.T) {
	ctx := context.Background()
	c := newFunded(t, []uint8{1, 1})
	claim := func(nonce uint64) ledger.Op {
		return ledger.NewBridgeIn(c.messageFrom([]uint8{2}, nonce), ledger.SourceClaim)
	}
	forced := func(nonce uint64) ledger.Op {
		return ledger.NewBridgeIn(c.messageFrom([]uint8{1}, nonce), ledger.SourceForced)
	}
	exit := func(account uint64) ledger.Op { // an exit credit from the frozen child 1-1-3
		return ledger.NewBridgeIn(c.messageFrom([]uint8{1, 1, 3}, account), ledger.SourceExit)
	}
	// claim, forced, claim, claim, forced, forced, forced, exit, forced, exit, exit, exit, exit
	for i, op := range []ledger.Op{claim(0), forced(0), claim(1), claim(2), forced(1), forced(2), forced(3),
		exit(0), forced(4), exit(1), exit(2), exit(3), exit(4)} {
		c.execute(t, op, int64(i+1))
	}
	lp := ledgertypes.Params{AccountDepth: 4, OutboxDepth: 20, BatchSize: 4, ClaimSlots: 1}
	none, budgeted := ledger.BatchBounds{}, ledger.BatchBounds{Forced: 6, Exits: 3, OneSource: true}
	for _, tc := range []struct {
		name           string
		pos, logLength uint64
		slots, batches uint32
		bounds         ledger.BatchBounds
		want           []uint64
	}{
		{"one claim slot: a claim starts each batch", 0, 7, 1, 8, none, []uint64{2, 3, 7}},
		{"two claim slots", 0, 7, 2, 8, none, []uint64{3, 7}},
		{"four claim slots: by batch size", 0, 7, 4, 8, none, []uint64{4, 7}},
		{"bounded by max batches", 0, 7, 1, 2, none, []uint64{2, 3}},
		{"from the middle", 2, 7, 1, 8, none, []uint64{3, 7}},
		{"the log's end cuts the last batch", 0, 5, 1, 8, none, []uint64{2, 3, 5}},
		{"nothing logged past pos", 7, 7, 1, 8, none, []uint64{}},
		{"at most two forced entries a batch (a forced leaf step above)", 0, 7, 4, 8, ledger.BatchBounds{Forced: 2}, []uint64{4, 6, 7}},
		{"four exits in a batch without a bound", 9, 13, 4, 8, none, []uint64{13}},
		{"at most three exits a batch (an exit step above)", 9, 13, 4, 8, ledger.BatchBounds{Exits: 3}, []uint64{12, 13}},
		{"forced and exit entries in batches apart (a budgeted parent)", 4, 13, 4, 8, budgeted, []uint64{7, 8, 9, 12, 13}},
	} {
		lp.ClaimSlots = tc.slots
		ends, err := BatchEnds(ctx, c, tc.pos, tc.logLength, lp, int(tc.batches), tc.bounds, 0)
		require.NoError(t, err)
		require.Equal(t, tc.want, ends, tc.name)
	}
}

// TestEndsUpTo: the batches proving the log up to a position are the ends before it, then it.
func TestEndsUpTo(t *testing.T) {
	ends := []uint64{2, 3, 7}
	require.Equal(t, []uint64{2, 3, 7}, EndsUpTo(ends, 0, 7))
	require.Equal(t, []uint64{2, 3, 5}, EndsUpTo(ends, 0, 5), "a prefix of the third batch")
	require.Equal(t, []uint64{2, 3}, EndsUpTo(ends, 0, 3))
	require.Equal(t, []uint64{1}, EndsUpTo(ends, 0, 1))
	require.Empty(t, EndsUpTo(ends, 0, 0), "nothing to prove: no batch")
}
