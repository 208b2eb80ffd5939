package replay

import (
	"context"

	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/ledger"
)

// MintIndex remembers where a chain minted each message: every bridge-in appends exactly one
// receipt (DESIGN §7.3, proven by the ledger circuit), so a message's receipt index is the number
// of bridge-ins logged before its mint. A cache of the chain's log, extended as the log grows and
// rebuilt from it after a restart.
type MintIndex struct {
	next     uint64            // log entries read so far
	receipts uint64            // bridge-ins among them
	mints    map[string]uint64 // message hash → receipt index
}

// Update reads the chain's log entries it has not read yet, up to logLength (the log's length
// in the latest state).
func (mi *MintIndex) Update(ctx context.Context, c LogReader, logLength uint64) error {
	if mi.mints == nil {
		mi.mints = map[string]uint64{}
	}
	for mi.next < logLength {
		ops, err := c.BatchLog(ctx, mi.next, LogPage, 0)
		if err != nil {
			return err
		}
		if len(ops) == 0 {
			break
		}
		for _, logged := range ops {
			op, err := ledger.DecodeOp(logged.Op)
			if err != nil {
				return err
			}
			if op.Kind == ledger.OpBridgeIn {
				mi.mints[string(hash.EncodeElement(op.Msg.Hash()))] = mi.receipts
				mi.receipts++
			}
			mi.next = logged.Sequence + 1
		}
	}
	return nil
}

// ReceiptIndex is the index of the receipt the mint of the message with hash msgHash appended,
// if the log read so far has that mint.
func (mi *MintIndex) ReceiptIndex(msgHash []byte) (uint64, bool) {
	index, ok := mi.mints[string(msgHash)]
	return index, ok
}
