package chainclient

import (
	"context"

	cmttypes "github.com/cometbft/cometbft/types"
)

// SignedHeader is the chain's signed header at height h (the commit of the latest height is
// the node's seen commit, signed by +2/3 like any other).
func (c *Client) SignedHeader(ctx context.Context, h int64) (*cmttypes.SignedHeader, error) {
	res, err := c.rpc.Commit(ctx, &h)
	if err != nil {
		return nil, err
	}
	return &res.SignedHeader, nil
}

// ValidatorSet is the chain's full validator set at height h (every page).
func (c *Client) ValidatorSet(ctx context.Context, h int64) (*cmttypes.ValidatorSet, error) {
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
