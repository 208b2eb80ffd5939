package chainclient

import (
	"context"
	"errors"
	"fmt"

	sdk "github.com/cosmos/cosmos-sdk/types"

	validiumtypes "github.com/slush-tree/slush/x/validium/types"
)

// Bounds of one AcceptedUpdates read: updates are read a page at a time, and a range that holds
// more than maxAcceptedUpdates is refused rather than read without end.
const (
	acceptedUpdatesPerPage = 50
	maxAcceptedUpdates     = 1000
)

// ErrNoTxIndex is returned when the chain's node cannot search its transactions (an in-process
// client, or a node with tx_index indexer "null").
var ErrNoTxIndex = errors.New("the node's transaction index is not available")

// AcceptedUpdate is one child update the chain accepted: a child's move as its parent saw it,
// with the block it was accepted in. A subtree step proof is made from it (issue 16).
type AcceptedUpdate struct {
	// Height is the block that accepted the update.
	Height int64
	// Msg is the update as the chain executed it.
	Msg *validiumtypes.MsgSubmitUpdate
}

// AcceptedUpdates lists the child updates (MsgSubmitUpdate) the chain accepted in blocks from..to,
// inclusive, in the order it executed them, read from the node's transaction index. Failed
// transactions are skipped: the chain did not accept their updates.
func (c *Client) AcceptedUpdates(ctx context.Context, from, to int64) ([]AcceptedUpdate, error) {
	if c.rpc == nil {
		return nil, ErrNoTxIndex
	}
	if from > to {
		return nil, nil
	}
	query := fmt.Sprintf("message.action='%s' AND tx.height>=%d AND tx.height<=%d", sdk.MsgTypeURL(&validiumtypes.MsgSubmitUpdate{}), from, to)
	var out []AcceptedUpdate
	for page := 1; ; page++ {
		p, per := page, acceptedUpdatesPerPage
		res, err := c.rpc.TxSearch(ctx, query, false, &p, &per, "asc")
		if err != nil {
			return nil, fmt.Errorf("%w: %s: %v", ErrNoTxIndex, c.Name, err)
		}
		if res.TotalCount > maxAcceptedUpdates {
			return nil, fmt.Errorf("%s accepted %d child updates in blocks %d..%d, more than %d read at once", c.Name, res.TotalCount, from, to, maxAcceptedUpdates)
		}
		for _, r := range res.Txs {
			if r.TxResult.Code != 0 {
				continue
			}
			tx, err := c.txCfg.TxDecoder()(r.Tx)
			if err != nil {
				return nil, fmt.Errorf("%s: tx %X at %d: %w", c.Name, r.Hash, r.Height, err)
			}
			for _, m := range tx.GetMsgs() {
				if u, ok := m.(*validiumtypes.MsgSubmitUpdate); ok {
					out = append(out, AcceptedUpdate{Height: r.Height, Msg: u})
				}
			}
		}
		if len(res.Txs) == 0 || page*acceptedUpdatesPerPage >= res.TotalCount {
			return out, nil
		}
	}
}
