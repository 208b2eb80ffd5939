package planner

import (
	"context"
	"fmt"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/inclusion"
	"github.com/slush-tree/slush/relayer/chainclient"
	"github.com/slush-tree/slush/relayer/tree"
	"github.com/slush-tree/slush/relayer/witness"
	bridgetypes "github.com/slush-tree/slush/x/bridge/types"
)

// planConfirms confirms every SENT or ROUTED_UP message its destination has minted (DESIGN
// §7.4): the destination's receipt, found in its receipt tree, proven against the newest root
// commitment the sender knows once that commitment binds it.
func (pl *Planner) planConfirms(ctx context.Context, pending map[string]*chainclient.Pending) []Job {
	var jobs []Job
	for _, name := range pl.tree.Names() {
		s, pend := pl.tree.Node(name), pending[name]
		if pend == nil {
			continue
		}
		for _, o := range pend.Outgoing {
			m, err := o.Message.Decode()
			if err != nil {
				continue
			}
			d := pl.destination(m)
			if d == nil {
				continue
			}
			t, ok := pl.ready("confirm", s.Name, o.MessageHash)
			if !ok {
				continue
			}
			j, err := pl.planConfirm(ctx, s, d, m, o.MessageHash)
			jobs = pl.add(jobs, t, j, err, "confirm waits", "src", s.Name, "msg", short(o.MessageHash))
		}
	}
	return jobs
}

// planConfirm proves d's receipt of m back to its sender s.
func (pl *Planner) planConfirm(ctx context.Context, s, d *tree.Node, m inclusion.Message, msgHash []byte) (*Job, error) {
	minted, err := d.Nullifier(ctx, msgHash, 0)
	if err != nil || !minted {
		return nil, err
	}
	if err := d.LoadLedgerParams(ctx); err != nil {
		return nil, err
	}
	rc, err := s.RootCommitment(ctx, 0, 0)
	if err != nil {
		return nil, err
	}
	if !rc.Known {
		return nil, fmt.Errorf("%w: %s knows no root commitment", witness.ErrNotYet, s.Name)
	}
	rcpt, index, err := pl.findReceipt(ctx, d, m)
	if err != nil {
		return nil, err
	}
	w, err := witness.Receipt(ctx, pl.tree.Lookup, rc.RootHeight, rcpt, index)
	if err != nil {
		return nil, err
	}
	proof, err := pl.prover.ProveInclusion(w, "confirm", "src", s.Name, "msg", short(msgHash), "root_height", rc.RootHeight)
	if err != nil {
		return nil, err
	}
	rootHeight := rc.RootHeight
	return &Job{
		Node: s, Kind: "MsgConfirm",
		Msgs: []sdk.Msg{&bridgetypes.MsgConfirm{Sender: s.Address().String(), MessageHash: msgHash, RootHeight: rootHeight, Proof: proof}},
		Done: func(res *chainclient.TxResult) {
			pl.log.Info("confirmed", "src", s.Name, "msg", short(msgHash), "root_height", rootHeight, "block", res.Height)
		},
	}, nil
}

// findReceipt is d's receipt of m and its index in d's receipt tree, from d's log.
func (pl *Planner) findReceipt(ctx context.Context, d *tree.Node, m inclusion.Message) (inclusion.Receipt, uint64, error) {
	key := hash.EncodeElement(m.Hash())
	l, err := d.Ledger(ctx, 0)
	if err != nil {
		return inclusion.Receipt{}, 0, err
	}
	if err := d.Mints.Update(ctx, d, l.LogLength); err != nil {
		return inclusion.Receipt{}, 0, err
	}
	index, ok := d.Mints.ReceiptIndex(key)
	if !ok {
		return inclusion.Receipt{}, 0, fmt.Errorf("%w: %s's log has no mint of the message", witness.ErrNotYet, d.Name)
	}
	return inclusion.ReceiptFor(m), index, nil
}
