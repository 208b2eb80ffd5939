package planner

import (
	"context"
	"fmt"

	slushtypes "github.com/slush-tree/slush/types"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/slush-tree/slush/circuits/inclusion"
	"github.com/slush-tree/slush/relayer/chainclient"
	"github.com/slush-tree/slush/relayer/tree"
	"github.com/slush-tree/slush/relayer/witness"
	bridgetypes "github.com/slush-tree/slush/x/bridge/types"
)

// planClaims claims every SENT message whose destination the relayer serves (DESIGN §7.3):
// proven against the newest root commitment the destination knows, once that commitment binds
// the message, and never for a message the destination has minted (its nullifier) or whose
// deadline its root clock has passed (then it is routed instead).
func (pl *Planner) planClaims(ctx context.Context, pending map[string]*chainclient.Pending) []Job {
	var jobs []Job
	claim := func(m inclusion.Message, msgHash []byte) {
		d := pl.destination(m)
		if d == nil {
			return
		}
		t, ok := pl.ready("claim", d.Name, msgHash)
		if !ok {
			return
		}
		j, err := pl.planClaim(ctx, d, m, msgHash)
		jobs = pl.add(jobs, t, j, err, "claim waits", "dst", d.Name, "msg", short(msgHash))
	}
	for _, name := range pl.tree.Names() {
		pend := pending[name]
		if pend == nil {
			continue
		}
		for _, o := range pend.Outgoing {
			if o.Status != slushtypes.MessageStatus_MESSAGE_STATUS_SENT {
				continue
			}
			if m, err := o.Message.Decode(); err == nil {
				claim(m, o.MessageHash)
			}
		}
	}
	return jobs
}

// planClaim proves message m for its destination d.
func (pl *Planner) planClaim(ctx context.Context, d *tree.Node, m inclusion.Message, msgHash []byte) (*Job, error) {
	claimed, err := d.Nullifier(ctx, msgHash, 0)
	if err != nil || claimed {
		return nil, err
	}
	rc, err := d.RootCommitment(ctx, 0, 0)
	if err != nil {
		return nil, err
	}
	if !rc.Known {
		return nil, fmt.Errorf("%w: %s knows no root commitment", witness.ErrNotYet, d.Name)
	}
	if rc.RootHeight > m.Deadline {
		return nil, nil // expired: the fallback route delivers it
	}
	w, err := witness.Message(ctx, pl.tree.Lookup, rc.RootHeight, m)
	if err != nil {
		return nil, err
	}
	proof, err := pl.prover.ProveInclusion(w, "claim", "dst", d.Name, "msg", short(msgHash), "root_height", rc.RootHeight)
	if err != nil {
		return nil, err
	}
	rootHeight := rc.RootHeight
	return &Job{
		Node: d, Kind: "MsgClaim",
		Msgs: []sdk.Msg{&bridgetypes.MsgClaim{Sender: d.Address().String(), Message: slushtypes.NewBridgeMessage(m), RootHeight: rootHeight, Proof: proof}},
		Done: func(res *chainclient.TxResult) {
			pl.log.Info("claimed", "dst", d.Name, "msg", short(msgHash), "amount", m.Amount, "root_height", rootHeight, "block", res.Height)
		},
	}, nil
}
