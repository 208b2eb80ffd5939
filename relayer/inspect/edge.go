// Package inspect reads a running tree for its operators (issue 19): where a transfer is and what
// it waits for (Track), what every edge and chain has pending (Snapshot, behind `relayer pending`
// and the explorer) and what is unhealthy (Health). It only reads chains, through the relayer's
// tree of clients (tree.toml), and decides nothing: the relayer acts, this tells.
package inspect

import (
	"bytes"
	"context"
	"encoding/hex"
	"fmt"

	"github.com/slush-tree/slush/relayer/chainclient"
	"github.com/slush-tree/slush/relayer/config"
	"github.com/slush-tree/slush/relayer/tree"
	validiumtypes "github.com/slush-tree/slush/x/validium/types"
)

// Edge is what a parent holds of a child, read from both: how far the child's state is accepted
// and finalized on the parent, in the child's own block heights and log positions.
type Edge struct {
	// Child and Parent are the chains' paths.
	Child  string `json:"child"`
	Parent string `json:"parent"`
	// Status is the parent's record of the child: active, frozen, or unregistered.
	Status string `json:"status"`
	// FreezeReason says why a frozen child was frozen.
	FreezeReason string `json:"freeze_reason,omitempty"`
	// Epoch and Operator are the child's operator epoch and account on the parent.
	Epoch    uint64 `json:"epoch"`
	Operator string `json:"operator,omitempty"`
	// Accepted is the child's latest commitment the parent accepted (hex), AcceptedHeight the
	// child's block height that made it, AcceptedLog its log length (the proven position) and
	// AcceptedAnchor its anchor root height; all zero before the first update.
	Accepted       string `json:"accepted,omitempty"`
	AcceptedHeight int64  `json:"accepted_height"`
	AcceptedLog    uint64 `json:"accepted_log"`
	AcceptedAnchor uint64 `json:"accepted_anchor"`
	// FinalizedHeight is the child's block height of the commitment the parent finalized (0: none).
	FinalizedHeight int64 `json:"finalized_height"`
	// ChildHeight and ChildLog are the child's latest height and log length now.
	ChildHeight int64  `json:"child_height"`
	ChildLog    uint64 `json:"child_log"`
	// ChildRootClock is the child's root clock (the newest root height it learned).
	ChildRootClock uint64 `json:"child_root_clock"`
	// Unproven is how many of the child's logged operations no accepted update covers yet.
	Unproven uint64 `json:"unproven"`
	// AnchorLag is how many root heights the child's clock is ahead of its accepted anchor: how
	// long (in root blocks) no update of it was accepted.
	AnchorLag uint64 `json:"anchor_lag"`
	// Stalled is set when AnchorLag exceeds the stall threshold.
	Stalled bool `json:"stalled"`
	// Forced are the forced operations the parent holds for the child.
	Forced []Forced `json:"forced,omitempty"`
}

// Forced is one forced operation a parent holds for a child.
type Forced struct {
	Sequence uint64 `json:"sequence"`
	// Hash is the payload hash (the message's hash), hex.
	Hash string `json:"hash"`
	// Deadline is the root height by which the child must consume it; Left the root heights left
	// on the parent's clock (negative: past, the child is frozen at the next block).
	Deadline uint64 `json:"deadline"`
	Left     int64  `json:"left"`
	// Forward is set for a routed message the child must pass to its own child.
	Forward bool `json:"forward"`
}

// DefaultStallRootBlocks is how many root heights an edge may go without an accepted update
// before it reads as stalled (tree.toml's stall_root_blocks default).
const DefaultStallRootBlocks = config.DefaultStallRootBlocks

// ReadEdge reads the edge above c (c must not be the root). stall is the anchor lag from which it
// reads as stalled.
func ReadEdge(ctx context.Context, c *tree.Node, stall uint64) (Edge, error) {
	p := c.Parent
	e := Edge{Child: c.Name, Parent: p.Name, Status: "unregistered"}
	rec, err := p.Child(ctx, c.Index, 0)
	if chainclient.IsNotFound(err) {
		return e, nil
	}
	if err != nil {
		return e, err
	}
	child := rec.Child
	e.Status, e.FreezeReason, e.Epoch, e.Operator = childStatus(child.Status), child.FreezeReason, child.Epoch, child.Operator
	e.AcceptedAnchor = child.AnchorHeight
	if e.ChildHeight, err = c.Height(ctx); err != nil {
		return e, err
	}
	ledger, err := c.Ledger(ctx, e.ChildHeight)
	if err != nil {
		return e, err
	}
	e.ChildLog = ledger.LogLength
	now, err := c.RootCommitment(ctx, 0, e.ChildHeight)
	if err != nil {
		return e, err
	}
	e.ChildRootClock = now.RootHeight
	if len(bytes.Trim(child.LatestCommitment, "\x00")) > 0 { // all zero before the first update
		e.Accepted = hex.EncodeToString(child.LatestCommitment)
		acc, err := c.CommitmentByHash(ctx, child.LatestCommitment, 0)
		switch {
		case err == nil:
			e.AcceptedHeight, e.AcceptedLog = acc.Height, acc.LogLength
		case !chainclient.IsNotFound(err): // pruned from the child's history: heights unknown
			return e, err
		}
	}
	if e.ChildLog > e.AcceptedLog {
		e.Unproven = e.ChildLog - e.AcceptedLog
	}
	if e.ChildRootClock > e.AcceptedAnchor {
		e.AnchorLag = e.ChildRootClock - e.AcceptedAnchor
	}
	e.Stalled = e.Status == "active" && e.AnchorLag > stall
	fin, err := p.Finalized(ctx, c.Index, 0)
	if err != nil {
		return e, err
	}
	if fin.Found {
		rec, err := c.CommitmentByHash(ctx, fin.Hash.Commitment, 0)
		switch {
		case err == nil:
			e.FinalizedHeight = rec.Height
		case !chainclient.IsNotFound(err):
			return e, err
		}
	}
	parentNow, err := p.RootCommitment(ctx, 0, 0)
	if err != nil {
		return e, err
	}
	for _, op := range rec.ForcedOperations {
		e.Forced = append(e.Forced, Forced{Sequence: op.Sequence, Hash: hex.EncodeToString(op.PayloadHash), Deadline: op.Deadline,
			Left: int64(op.Deadline) - int64(parentNow.RootHeight), Forward: op.Forward})
	}
	return e, nil
}

// childStatus names a child status for people.
func childStatus(s validiumtypes.ChildStatus) string {
	switch s {
	case validiumtypes.ChildStatus_CHILD_STATUS_ACTIVE:
		return "active"
	case validiumtypes.ChildStatus_CHILD_STATUS_FROZEN:
		return "frozen"
	default:
		return fmt.Sprintf("status %d", s)
	}
}
