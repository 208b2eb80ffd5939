package inspect

import (
	"context"
	"encoding/hex"

	"github.com/slush-tree/slush/relayer/tree"
	validiumtypes "github.com/slush-tree/slush/x/validium/types"
)

// TreeView is the whole tree at one moment: every chain, and what is pending (the explorer's
// JSON).
type TreeView struct {
	// Chains are the served chains, parents first.
	Chains []ChainView `json:"chains"`
	*Pending
}

// ChainView is one chain as the explorer draws it.
type ChainView struct {
	// Path is the chain's tree path; Parent its parent's ("" at the root).
	Path    string `json:"path"`
	Parent  string `json:"parent"`
	ChainID string `json:"chain_id"`
	// Reachable is false for a chain that did not answer (Error says why).
	Reachable bool   `json:"reachable"`
	Error     string `json:"error,omitempty"`
	// Height is the chain's latest block; RootClock the newest root height it knows.
	Height    int64  `json:"height"`
	RootClock uint64 `json:"root_clock"`
	// Commitment is its latest own commitment (hex), made at CommitmentHeight with anchor Anchor.
	Commitment       string `json:"commitment"`
	CommitmentHeight int64  `json:"commitment_height"`
	Anchor           uint64 `json:"anchor"`
	// Finalized is how far its state is final: at the root the finalized root height, elsewhere
	// its own block height of the commitment its parent finalized; Lag is Height - Finalized
	// (blocks not final yet; 0 when nothing is final).
	Finalized uint64 `json:"finalized"`
	Lag       int64  `json:"lag"`
	// Status is root, active, frozen or unregistered (the parent's record); Epoch and Operator
	// come from it too; Stalled mirrors its edge.
	Status   string `json:"status"`
	Epoch    uint64 `json:"epoch"`
	Operator string `json:"operator,omitempty"`
	Stalled  bool   `json:"stalled"`
	// SubtreeProofs is what the chain requires of its children's children roots (x/validium
	// subtree_proofs: ATTESTED or RECURSIVE; empty if unread).
	SubtreeProofs string `json:"subtree_proofs,omitempty"`
}

// SubtreeProofsLabel is the tree's subtree-proof label (validiumtypes.SubtreeProofsLabelOf): the
// RECURSIVE one only if there are chains and every one runs RECURSIVE, else the ATTESTED one,
// which proves less and says so (issue 16).
func (v *TreeView) SubtreeProofsLabel() string {
	mode := validiumtypes.SubtreeProofs_SUBTREE_PROOFS_ATTESTED
	if len(v.Chains) > 0 {
		mode = validiumtypes.SubtreeProofs_SUBTREE_PROOFS_RECURSIVE
	}
	for _, c := range v.Chains {
		if c.SubtreeProofs != validiumtypes.SubtreeProofs_SUBTREE_PROOFS_RECURSIVE.String() {
			mode = validiumtypes.SubtreeProofs_SUBTREE_PROOFS_ATTESTED
		}
	}
	return validiumtypes.SubtreeProofsLabelOf(mode)
}

// ReadTree reads every chain of t and what the tree has pending (unreadable chains are marked,
// not fatal).
func ReadTree(ctx context.Context, t *tree.Tree, stall uint64) *TreeView {
	v := &TreeView{Pending: ReadPending(ctx, t, stall)}
	edges := map[string]Edge{}
	for _, e := range v.Edges {
		edges[e.Child] = e
	}
	for _, name := range t.Names() {
		n := t.Node(name)
		c := ChainView{Path: name, ChainID: n.ChainID, Status: "root"}
		if n.Parent != nil {
			c.Parent, c.Status = n.Parent.Name, "unregistered"
			if e, ok := edges[name]; ok {
				c.Status, c.Epoch, c.Operator, c.Stalled = e.Status, e.Epoch, e.Operator, e.Stalled
				c.Finalized = uint64(e.FinalizedHeight)
			}
		}
		if err := c.read(ctx, n); err != nil {
			c.Error = err.Error()
		} else {
			c.Reachable = true
		}
		if c.Finalized > 0 {
			if n.Parent == nil {
				c.Lag = int64(c.RootClock) - int64(c.Finalized)
			} else {
				c.Lag = c.Height - int64(c.Finalized)
			}
		}
		v.Chains = append(v.Chains, c)
	}
	return v
}

// read fills what the chain itself answers: height, root clock, latest commitment, and at the
// root the finalized root height.
func (c *ChainView) read(ctx context.Context, n *tree.Node) error {
	var err error
	if c.Height, err = n.Height(ctx); err != nil {
		return err
	}
	now, err := n.RootCommitment(ctx, 0, 0)
	if err != nil {
		return err
	}
	c.RootClock = now.RootHeight
	own, err := n.Commitment(ctx, 0, 0)
	if err == nil {
		c.Commitment, c.CommitmentHeight, c.Anchor = hex.EncodeToString(own.Commitment), own.Height, own.Fields.AnchorHeight
	}
	if n.Parent == nil {
		if fin, err := n.Finality(ctx, 0); err == nil && fin.Found {
			c.Finalized = fin.Height
		}
	}
	if p, err := n.ValidiumParams(ctx, 0); err == nil {
		c.SubtreeProofs = p.SubtreeProofs.String()
	}
	return nil
}
