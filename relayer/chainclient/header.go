package chainclient

import (
	"context"
	"time"

	cmttypes "github.com/cometbft/cometbft/types"
)

// SignedHeader is the chain's signed header at height h (the commit of the latest height is
// the node's seen commit, signed by +2/3 like any other).
func (c *Client) SignedHeader(ctx context.Context, h int64) (*cmttypes.SignedHeader, error) {
	if c.rpc == nil {
		return nil, errNoRPC
	}
	res, err := c.rpc.Commit(ctx, &h)
	if err != nil {
		return nil, err
	}
	return &res.SignedHeader, nil
}

// NodeStatus is what the node says of itself: whether it is still catching up, and the time of
// its latest block.
type NodeStatus struct {
	CatchingUp      bool
	LatestBlockTime time.Time
}

// Status reads the node's sync status.
func (c *Client) Status(ctx context.Context) (NodeStatus, error) {
	if c.rpc == nil {
		return NodeStatus{}, errNoRPC
	}
	res, err := c.rpc.Status(ctx)
	if err != nil {
		return NodeStatus{}, err
	}
	return NodeStatus{CatchingUp: res.SyncInfo.CatchingUp, LatestBlockTime: res.SyncInfo.LatestBlockTime}, nil
}

// ValidatorSet is the chain's full validator set at height h (every page).
func (c *Client) ValidatorSet(ctx context.Context, h int64) (*cmttypes.ValidatorSet, error) {
	if c.rpc == nil {
		return nil, errNoRPC
	}
	var vals []*cmttypes.Validator
	perPage := 100
	for page := 1; ; page++ {
		res, err := c.rpc.Validators(ctx, &h, &page, &perPage)
		if err != nil {
			return nil, err
		}
		vals = append(vals, res.Validators...)
		if len(vals) >= res.Total || len(res.Validators) == 0 {
			break
		}
	}
	return cmttypes.NewValidatorSet(vals), nil
}
