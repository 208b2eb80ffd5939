package replay

import (
	"context"
	"fmt"

	ledgertypes "github.com/slush-tree/slush/x/ledger/types"

	"github.com/slush-tree/slush/circuits/ledger"
)

// BatchRoom is how many logged operations from pos one batch can prove: at most the batch size,
// and no more claimed bridge-ins than the batch has claim sections.
func BatchRoom(ctx context.Context, c LogReader, pos, logLength uint64, lp ledgertypes.Params, height int64) (uint64, error) {
	ops, err := FetchLog(ctx, c, pos, min(logLength, pos+uint64(lp.BatchSize)), height)
	if err != nil {
		return 0, err
	}
	claims := uint32(0)
	for i, logged := range ops {
		op, err := ledger.DecodeOp(logged.Op)
		if err != nil {
			return 0, fmt.Errorf("log %d: %w", logged.Sequence, err)
		}
		if op.Kind == ledger.OpBridgeIn && op.Source == ledger.SourceClaim {
			if claims == lp.ClaimSlots {
				return uint64(i), nil
			}
			claims++
		}
	}
	return uint64(lp.BatchSize), nil
}
