package planner

import (
	"bytes"
	"context"
	"fmt"

	"github.com/slush-tree/slush/relayer/chainclient"
	treetypes "github.com/slush-tree/slush/x/tree/types"
)

// maxAnchorScan bounds the blocks commitmentRecord reads one by one from the first block
// anchored at a commitment's anchor: a chain's blocks share an anchor only while its root
// header does not advance.
const maxAnchorScan = 256

// ownHistory is what commitmentRecord reads of a chain: its own commitments by block and by
// hash, as of a block (x/tree keeps root_history_size blocks of them).
type ownHistory interface {
	Commitment(ctx context.Context, h, atHeight int64) (treetypes.OwnCommitment, error)
	CommitmentByHash(ctx context.Context, hash []byte, atHeight int64) (treetypes.OwnCommitment, error)
}

// commitmentRecord is chain c's record of its commitment h, anchored at root height anchor, as
// of block at (0: latest): from c's history there, else — pruned from it, the relayer having
// fallen more than root_history_size blocks behind the chain — from c's own record at the block
// that made it, found by its anchor (a chain's anchors never decrease) in c's historical state
// (the node keeps pruning-keep-recent blocks). Without that fallback a relayer that fell behind
// could never plan the chain's updates again (BENCHMARKS, session 37's loaded run).
func commitmentRecord(ctx context.Context, c ownHistory, h []byte, anchor uint64, at int64) (treetypes.OwnCommitment, error) {
	rec, err := c.CommitmentByHash(ctx, h, at)
	if err == nil || !chainclient.IsNoCommitment(err) {
		return rec, err
	}
	if at == 0 {
		latest, lerr := c.Commitment(ctx, 0, 0)
		if lerr != nil {
			return rec, err
		}
		at = latest.Height
	}
	first := firstAnchoredAt(ctx, c, anchor, at)
	for x := first; x <= at && x < first+maxAnchorScan; x++ {
		r, qerr := c.Commitment(ctx, x, x)
		if qerr != nil {
			return treetypes.OwnCommitment{}, fmt.Errorf("%w (and block %d of its history: %v)", err, x, qerr)
		}
		if bytes.Equal(r.Commitment, h) {
			return r, nil
		}
		if r.Fields.AnchorHeight > anchor {
			break
		}
	}
	return treetypes.OwnCommitment{}, err
}

// firstAnchoredAt is the first of c's blocks 1..at whose commitment is anchored at or above
// anchor (at+1 if none), by binary search; a block whose state the node no longer keeps counts
// as below.
func firstAnchoredAt(ctx context.Context, c ownHistory, anchor uint64, at int64) int64 {
	lo, hi := int64(1), at+1
	for lo < hi {
		mid := lo + (hi-lo)/2
		if r, err := c.Commitment(ctx, mid, mid); err == nil && r.Fields.AnchorHeight >= anchor {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	return lo
}
