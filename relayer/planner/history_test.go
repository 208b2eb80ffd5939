package planner

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"testing"

	sdkerrors "github.com/cosmos/cosmos-sdk/types/errors"
	"github.com/stretchr/testify/require"

	slushtypes "github.com/slush-tree/slush/types"
	treetypes "github.com/slush-tree/slush/x/tree/types"
)

// prunedHistory is a chain of blocks 1..head whose own history keeps window blocks and whose
// node keeps state from block earliest on; block b's commitment is anchored at anchors[b] and
// hashes to {b's anchor, its run number} (a block repeats its predecessor's commitment while
// neither the anchor nor the state moved: every third block here).
type prunedHistory struct {
	head, window, earliest int64
	anchors                map[int64]uint64
	reads                  int
}

func newPrunedHistory(head, window, earliest int64) *prunedHistory {
	p := &prunedHistory{head: head, window: window, earliest: earliest, anchors: map[int64]uint64{}}
	for b := int64(1); b <= head; b++ {
		p.anchors[b] = uint64(100 + b/2) // two blocks per root height
	}
	return p
}

func (p *prunedHistory) hash(b int64) []byte {
	if b%3 == 0 && p.anchors[b-1] == p.anchors[b] { // the same commitment as the block before
		b--
	}
	return []byte(fmt.Sprintf("commitment of block %d", b))
}

// record is the history's record of block b's commitment: its first block's.
func (p *prunedHistory) record(b int64) treetypes.OwnCommitment {
	first := b
	if !bytes.Equal(p.hash(b), []byte(fmt.Sprintf("commitment of block %d", b))) {
		first = b - 1
	}
	return treetypes.OwnCommitment{Height: first, Commitment: p.hash(b), Fields: slushtypes.CommitmentFields{AnchorHeight: p.anchors[b]}}
}

func (p *prunedHistory) Commitment(_ context.Context, h, at int64) (treetypes.OwnCommitment, error) {
	p.reads++
	if at == 0 {
		at = p.head
	}
	if h == 0 {
		h = at
	}
	switch {
	case at < p.earliest || at > p.head:
		return treetypes.OwnCommitment{}, errors.New("state pruned")
	case h > at || h <= at-p.window:
		return treetypes.OwnCommitment{}, sdkerrors.ErrKeyNotFound
	}
	rec := p.record(h)
	rec.Height = h
	return rec, nil
}

func (p *prunedHistory) CommitmentByHash(_ context.Context, hash []byte, at int64) (treetypes.OwnCommitment, error) {
	p.reads++
	if at == 0 {
		at = p.head
	}
	if at < p.earliest || at > p.head {
		return treetypes.OwnCommitment{}, errors.New("state pruned")
	}
	for b := max(1, at-p.window+1); b <= at; b++ {
		if bytes.Equal(p.hash(b), hash) {
			return p.record(b), nil
		}
	}
	return treetypes.OwnCommitment{}, sdkerrors.ErrKeyNotFound
}

// TestCommitmentRecord: a commitment still in the chain's history is read there; one pruned
// from it (the relayer fell more than the window behind) is found at the block that made it, by
// its anchor; what the chain never committed, or whose state the node no longer keeps, stays
// not found.
func TestCommitmentRecord(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name     string
		block    int64 // whose commitment is looked up
		at       int64
		earliest int64
		height   int64 // the record's height, 0: not found
	}{
		{"in the history", 4990, 0, 1, 4990},
		{"in the history at a block", 4000, 4500, 1, 4000},
		{"pruned from the history", 2000, 0, 1, 2000},
		{"pruned, a repeated commitment at its first block", 2001, 0, 1, 2000},
		{"pruned, the first block", 1, 0, 1, 1},
		{"pruned, at a block", 700, 3000, 1, 700},
		{"pruned and its state too", 2000, 0, 3000, 0},
		{"never committed", -1, 0, 1, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := newPrunedHistory(5000, 1024, tc.earliest)
			h := []byte("never committed")
			anchor := uint64(100 + 2500)
			if tc.block > 0 {
				h, anchor = p.hash(tc.block), p.anchors[tc.block]
			}
			rec, err := commitmentRecord(ctx, p, h, anchor, tc.at)
			if tc.height == 0 {
				require.Error(t, err)
				require.True(t, errors.Is(err, sdkerrors.ErrKeyNotFound), "still a not-found error: %v", err)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tc.height, rec.Height)
			require.Equal(t, h, rec.Commitment)
			require.Less(t, p.reads, 40, "a binary search and a short scan, not a walk over the chain")
		})
	}
}
