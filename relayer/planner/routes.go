package planner

import (
	"context"
	"errors"

	slushtypes "github.com/slush-tree/slush/types"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/slush-tree/slush/circuits/commitment"
	"github.com/slush-tree/slush/circuits/ledger"
	"github.com/slush-tree/slush/relayer/chainclient"
	"github.com/slush-tree/slush/relayer/tree"
	"github.com/slush-tree/slush/relayer/witness"
	validiumtypes "github.com/slush-tree/slush/x/validium/types"
)

// planRoutes carries routed messages down (DESIGN §7.5): for every route record an ancestor
// holds as ROUTED_DOWN for a child, MsgRouteMessage on that child with the record's proof
// (the child mints it, or queues it further down), once the child's root clock is past the
// deadline and it knows the proof's root height. A chain's own expired message bound for its
// own subtree is routed down from the chain itself.
func (pl *Planner) planRoutes(ctx context.Context, pending map[string]*chainclient.Pending) []Job {
	var jobs []Job
	for _, name := range pl.tree.Names() {
		p, pend := pl.tree.Node(name), pending[name]
		if pend == nil {
			continue
		}
		for _, rt := range pend.Routes {
			if rt.Status != slushtypes.MessageStatus_MESSAGE_STATUS_ROUTED_DOWN || rt.AlreadyDelivered {
				continue
			}
			if rt.ChildIndex == 0 || rt.ChildIndex > slushtypes.MaxChildIndex {
				pl.log.Warn("route record for an impossible child index", "chain", p.Name, "child", rt.ChildIndex)
				continue
			}
			c := pl.tree.At(append(append([]uint8{}, p.Path...), uint8(rt.ChildIndex)))
			if c == nil {
				continue
			}
			if isDestination(c, rt.Message) && !pl.mintsByRoute(ctx, c, rt.Message) {
				continue // a mint on c itself is a forced operation: planForced receives it
			}
			t, ok := pl.ready("route", c.Name, rt.MessageHash)
			if !ok {
				continue
			}
			j, err := pl.planRouteTo(ctx, c, rt.Message, rt.MessageHash, slushtypes.RoutedMessage{RootHeight: rt.RootHeight, Proof: rt.Proof})
			jobs = pl.add(jobs, t, j, err, "route waits", "chain", c.Name, "msg", short(rt.MessageHash))
		}
		for _, o := range pend.Outgoing {
			if o.Status != slushtypes.MessageStatus_MESSAGE_STATUS_ROUTED_UP {
				continue
			}
			m, err := o.Message.Decode()
			if err != nil {
				continue
			}
			if dst, err := commitment.UnpackVid(m.DstVid); err != nil || !slushtypes.Path(p.Path).IsAncestorOf(dst) {
				continue // carried up by p's update (routedUp)
			}
			t, ok := pl.ready("route", p.Name, o.MessageHash)
			if !ok {
				continue
			}
			st, err := p.MessageStatus(ctx, o.MessageHash, 0)
			if err != nil || st.Route != nil {
				continue
			}
			rm, err := pl.routedProof(ctx, p, m)
			if errors.Is(err, witness.ErrNotYet) {
				continue
			}
			if err != nil {
				pl.tasks.Fail(t.key, t.task, t.chain, err)
				continue
			}
			jobs = append(jobs, pl.routeJob(p, t.key, rm, o.MessageHash))
		}
	}
	return jobs
}

// mintsByRoute tells whether c, the destination of bm, mints it by MsgRouteMessage rather than
// as a forced operation (routedMintByRoute; false when that cannot be told yet).
func (pl *Planner) mintsByRoute(ctx context.Context, c *tree.Node, bm slushtypes.BridgeMessage) bool {
	m, err := bm.Decode()
	if err != nil {
		return false
	}
	byRoute, err := pl.routedMintByRoute(ctx, c, m)
	return err == nil && byRoute
}

// planRouteTo prepares MsgRouteMessage on c for a message some ancestor routed down to it.
func (pl *Planner) planRouteTo(ctx context.Context, c *tree.Node, bm slushtypes.BridgeMessage, msgHash []byte, proof slushtypes.RoutedMessage) (*Job, error) {
	st, err := c.MessageStatus(ctx, msgHash, 0)
	if err != nil {
		return nil, err
	}
	if st.Route != nil || st.Status == slushtypes.MessageStatus_MESSAGE_STATUS_CLAIMED {
		return nil, nil // routed here already, or minted by a claim (its update consumes the operation)
	}
	m, err := bm.Decode()
	if err != nil {
		return nil, err
	}
	now, err := c.RootCommitment(ctx, 0, 0)
	if err != nil {
		return nil, err
	}
	if now.RootHeight <= m.Deadline {
		return nil, nil // not expired on c's root clock yet
	}
	known, err := c.RootCommitment(ctx, proof.RootHeight, 0)
	if err != nil {
		return nil, err
	}
	if !known.Known {
		return nil, nil // c has not synced that root height yet
	}
	proof.Message = ledger.EncodeMessage(m)
	j := pl.routeJob(c, "", proof, msgHash)
	return &j, nil
}

// routeJob is MsgRouteMessage on n.
func (pl *Planner) routeJob(n *tree.Node, key string, rm slushtypes.RoutedMessage, msgHash []byte) Job {
	return Job{
		Node: n, Task: key, Kind: "MsgRouteMessage", Msgs: []sdk.Msg{&validiumtypes.MsgRouteMessage{Sender: n.Address().String(), Routed: rm}},
		Done: func(res *chainclient.TxResult) {
			pl.log.Info("routed", "chain", n.Name, "msg", short(msgHash), "root_height", rm.RootHeight, "block", res.Height)
		},
	}
}
