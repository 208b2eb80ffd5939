package replay

import (
	"context"
	"fmt"

	ledgertypes "github.com/slush-tree/slush/x/ledger/types"

	"github.com/slush-tree/slush/circuits/ledger"
)

// LogPage is how many logged operations one BatchLog query fetches.
const LogPage = 1000

// LogReader reads a chain's operation log (chainclient.Queries.BatchLog).
type LogReader interface {
	// BatchLog is up to limit logged operations from sequence from, at a height.
	BatchLog(ctx context.Context, from uint64, limit uint32, height int64) ([]ledgertypes.LoggedOp, error)
}

// ApplyLogged replays one logged operation as the chain executed it: a bridge-in's message is
// pushed to the inbox first, with its source (claims, routes, forced operations and exits all
// do that), then applied.
// With a batch builder the operation is also recorded in the batch.
func ApplyLogged(st *ledger.State, b *ledger.BatchBuilder, logged ledgertypes.LoggedOp) (op ledger.Op, err error) {
	if op, err = ledger.DecodeOp(logged.Op); err != nil {
		return op, fmt.Errorf("log %d: %w", logged.Sequence, err)
	}
	if op.Kind == ledger.OpBridgeIn {
		if err := st.PushInbox(op.Msg, op.Source); err != nil {
			return op, fmt.Errorf("log %d: %w", logged.Sequence, err)
		}
	}
	if b != nil {
		err = b.Add(op)
	} else {
		err = st.Apply(op)
	}
	if err != nil {
		return op, fmt.Errorf("log %d (%s): %w", logged.Sequence, op.Kind, err)
	}
	return op, nil
}

// FetchLog reads logged operations [from, to) at a height.
func FetchLog(ctx context.Context, c LogReader, from, to uint64, height int64) ([]ledgertypes.LoggedOp, error) {
	var out []ledgertypes.LoggedOp
	for from < to {
		ops, err := c.BatchLog(ctx, from, uint32(min(to-from, LogPage)), height)
		if err != nil {
			return nil, err
		}
		if len(ops) == 0 {
			return nil, fmt.Errorf("log ends at %d, want %d", from, to)
		}
		for _, op := range ops {
			if op.Sequence != from {
				return nil, fmt.Errorf("log entry %d where %d was expected", op.Sequence, from)
			}
			out = append(out, op)
			from++
			if from == to {
				break
			}
		}
	}
	return out, nil
}
