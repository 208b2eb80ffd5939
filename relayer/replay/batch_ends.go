package replay

import (
	"context"
	"fmt"

	ledgertypes "github.com/slush-tree/slush/x/ledger/types"

	"github.com/slush-tree/slush/circuits/ledger"
)

// BatchEnds is where each of up to maxBatches consecutive batches from log position pos ends, the
// log cut by ledger.SplitBatches (at most batch_size operations and claim_slots claims each, and
// the forced and exit bridge-ins bounds allows: what a step above opens of a batch) as far as
// logLength. The last end is as far as one update can prove (DESIGN §5 "Bursts": an update
// carries up to max_batches_per_update chained batch proofs); none when the log holds nothing
// past pos. A prefix of the ends, then any position before the next end, splits the same way.
func BatchEnds(ctx context.Context, c LogReader, pos, logLength uint64, lp ledgertypes.Params, maxBatches int, bounds ledger.BatchBounds, height int64,
) ([]uint64, error) {
	logged, err := FetchLog(ctx, c, pos, min(logLength, pos+uint64(maxBatches)*uint64(lp.BatchSize)), height)
	if err != nil {
		return nil, err
	}
	ops := make([]ledger.Op, len(logged))
	for i, l := range logged {
		if ops[i], err = ledger.DecodeOp(l.Op); err != nil {
			return nil, fmt.Errorf("log %d: %w", l.Sequence, err)
		}
	}
	sizes := ledger.SplitBatches(ops, lp.Ledger(), bounds)
	ends := make([]uint64, 0, min(len(sizes), maxBatches))
	end := pos
	for _, n := range sizes[:min(len(sizes), maxBatches)] {
		end += uint64(n)
		ends = append(ends, end)
	}
	return ends, nil
}

// EndsUpTo cuts batch ends to the batches that prove the log up to position to (an end of ends,
// or a position before the next one): the ends before to, then to itself.
func EndsUpTo(ends []uint64, from, to uint64) []uint64 {
	var out []uint64
	for _, e := range ends {
		if e >= to {
			break
		}
		out = append(out, e)
	}
	if to > from {
		out = append(out, to)
	}
	return out
}
