package chainclient

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"

	sdk "github.com/cosmos/cosmos-sdk/types"
	gogoproto "github.com/cosmos/gogoproto/proto"

	"github.com/slush-tree/slush/circuits/hash"
	validiumtypes "github.com/slush-tree/slush/x/validium/types"
)

// Bounds of one executed-messages read: transactions are read a page at a time, and a range
// that holds more than maxExecutedTxs is refused rather than read without end.
const (
	executedTxsPerPage = 50
	maxExecutedTxs     = 1000
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

// Deregistration is one child the chain deregistered (MsgDeregisterChild executed), with the
// block that did it: it leaves no record, so a removal step is planned from it (issue 16).
type Deregistration struct {
	// Height is the block that deregistered the child.
	Height int64
	// ChildIndex is the deregistered child's index (free again from then on).
	ChildIndex uint32
}

// AcceptedUpdates lists the child updates (MsgSubmitUpdate) the chain accepted in blocks from..to,
// inclusive, in the order it executed them, read from the node's transaction index. Failed
// transactions are skipped: the chain did not accept their updates.
func (c *Client) AcceptedUpdates(ctx context.Context, from, to int64) ([]AcceptedUpdate, error) {
	var out []AcceptedUpdate
	err := c.executedMsgs(ctx, &validiumtypes.MsgSubmitUpdate{}, "child updates", from, to, func(height int64, m sdk.Msg) {
		if u, ok := m.(*validiumtypes.MsgSubmitUpdate); ok {
			out = append(out, AcceptedUpdate{Height: height, Msg: u})
		}
	})
	return out, err
}

// Deregistrations lists the children the chain deregistered (MsgDeregisterChild) in blocks
// from..to, inclusive, in the order it executed them, read from the node's transaction index.
// Failed transactions are skipped: they deregistered nothing.
func (c *Client) Deregistrations(ctx context.Context, from, to int64) ([]Deregistration, error) {
	var out []Deregistration
	err := c.executedMsgs(ctx, &validiumtypes.MsgDeregisterChild{}, "child deregistrations", from, to, func(height int64, m sdk.Msg) {
		if d, ok := m.(*validiumtypes.MsgDeregisterChild); ok {
			out = append(out, Deregistration{Height: height, ChildIndex: d.ChildIndex})
		}
	})
	return out, err
}

// executedMsgs visits, in execution order, every message of the successful transactions of
// blocks from..to (inclusive) that hold a message of kind's type (message.action); what names
// the kind in errors.
func (c *Client) executedMsgs(ctx context.Context, kind sdk.Msg, what string, from, to int64, visit func(height int64, m sdk.Msg)) error {
	if from > to {
		return nil
	}
	query := fmt.Sprintf("message.action='%s' AND tx.height>=%d AND tx.height<=%d", sdk.MsgTypeURL(kind), from, to)
	return c.searchMsgs(ctx, query, what, visit)
}

// searchMsgs visits, in execution order, every message of the successful transactions the
// node's transaction index finds for query, a page at a time (at most maxExecutedTxs); what
// names them in errors.
func (c *Client) searchMsgs(ctx context.Context, query, what string, visit func(height int64, m sdk.Msg)) error {
	if c.rpc == nil {
		return ErrNoTxIndex
	}
	for page := 1; ; page++ {
		p, per := page, executedTxsPerPage
		res, err := c.rpc.TxSearch(ctx, query, false, &p, &per, "asc")
		if err != nil {
			return fmt.Errorf("%w: %s: %v", ErrNoTxIndex, c.Name, err)
		}
		if res.TotalCount > maxExecutedTxs {
			return fmt.Errorf("%s executed %d transactions of %s, more than %d read at once (%s)", c.Name, res.TotalCount, what, maxExecutedTxs, query)
		}
		for _, r := range res.Txs {
			if r.TxResult.Code != 0 {
				continue
			}
			tx, err := c.txCfg.TxDecoder()(r.Tx)
			if err != nil {
				return fmt.Errorf("%s: tx %X at %d: %w", c.Name, r.Hash, r.Height, err)
			}
			for _, m := range tx.GetMsgs() {
				visit(r.Height, m)
			}
		}
		if len(res.Txs) == 0 || page*executedTxsPerPage >= res.TotalCount {
			return nil
		}
	}
}

// ErrUpdateNotFound is returned when the chain's transaction index holds no accepted update of
// a child with a given commitment.
var ErrUpdateNotFound = errors.New("no accepted child update with that commitment")

// AcceptedUpdateByCommitment is the child update (MsgSubmitUpdate) of child index idx whose new
// commitment hashes to h, as the chain accepted it, found in the node's transaction index by its
// EventChildUpdated: the parent's own copy of a child commitment's preimage, so a child's past
// state is read without the child's node (which may be stopped or withholding, DESIGN §8).
func (c *Client) AcceptedUpdateByCommitment(ctx context.Context, idx uint32, h []byte) (AcceptedUpdate, error) {
	var found *AcceptedUpdate
	err := c.searchMsgs(ctx, updateByCommitmentQuery(h), "child updates", func(height int64, m sdk.Msg) {
		if u, ok := m.(*validiumtypes.MsgSubmitUpdate); ok && found == nil && u.ChildIndex == idx && updateCommits(u, h) {
			found = &AcceptedUpdate{Height: height, Msg: u}
		}
	})
	switch {
	case err != nil:
		return AcceptedUpdate{}, err
	case found == nil:
		return AcceptedUpdate{}, fmt.Errorf("%w: %s, child %d, commitment %X", ErrUpdateNotFound, c.Name, idx, h)
	}
	return *found, nil
}

// updateByCommitmentQuery is the transaction search for the EventChildUpdated of commitment h:
// typed event attributes are their fields' proto JSON, bytes as a quoted base64 string.
func updateByCommitmentQuery(h []byte) string {
	return fmt.Sprintf(`%s.commitment='"%s"'`, gogoproto.MessageName(&validiumtypes.EventChildUpdated{}), base64.StdEncoding.EncodeToString(h))
}

// updateCommits reports whether u's new commitment hashes to h.
func updateCommits(u *validiumtypes.MsgSubmitUpdate, h []byte) bool {
	next, err := u.NewCommitment.Decode()
	if err != nil {
		return false
	}
	return bytes.Equal(hash.EncodeElement(next.Hash()), h)
}
