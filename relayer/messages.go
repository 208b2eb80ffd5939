package relayer

import (
	"context"
	"errors"
	"fmt"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/slush-tree/slush/circuits/commitment"
	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/inclusion"
	"github.com/slush-tree/slush/circuits/ledger"
	"github.com/slush-tree/slush/relayer/witness"
	bridgetypes "github.com/slush-tree/slush/x/bridge/types"
	validiumtypes "github.com/slush-tree/slush/x/validium/types"
)

// planMessages reads every chain's pending messages once and plans the message jobs: routes
// down, claims, confirmations and the children's forced operations.
func (r *Relayer) planMessages(ctx context.Context) []job {
	pending := map[string]*bridgetypes.QueryPendingMessagesResponse{}
	for _, name := range r.names {
		key := "messages " + name
		if !r.backoff.Ready(key, r.now()) {
			continue
		}
		pend, err := r.nodes[name].PendingMessages(ctx, 0)
		if err != nil {
			r.fail(key, "messages", name, err)
			continue
		}
		r.backoff.Succeed(key)
		pending[name] = pend
	}
	var jobs []job
	for _, plan := range []func(context.Context, map[string]*bridgetypes.QueryPendingMessagesResponse) []job{r.planRoutes, r.planClaims, r.planConfirms} {
		if ctx.Err() != nil {
			return nil
		}
		jobs = append(jobs, plan(ctx, pending)...)
	}
	return append(jobs, r.planForced(ctx)...)
}

// destination is the served chain a message goes to (nil if the relayer does not serve it).
func (r *Relayer) destination(m inclusion.Message) *Node {
	path, err := commitment.UnpackVid(m.DstVid)
	if err != nil {
		return nil
	}
	return r.node(path)
}

// ready reports whether a message task may run now (backoff), under its backoff key.
func (r *Relayer) ready(task string, msgHash []byte) (string, bool) {
	key := fmt.Sprintf("%s %X", task, msgHash)
	return key, r.backoff.Ready(key, r.now())
}

// planRoutes carries routed messages down (DESIGN §7.5): for every route record an ancestor
// holds as ROUTED_DOWN for a child, MsgRouteMessage on that child with the record's proof
// (the child mints it, or queues it further down), once the child's root clock is past the
// deadline and it knows the proof's root height. A chain's own expired message bound for its
// own subtree is routed down from the chain itself.
func (r *Relayer) planRoutes(ctx context.Context, pending map[string]*bridgetypes.QueryPendingMessagesResponse) []job {
	var jobs []job
	for _, name := range r.names {
		p, pend := r.nodes[name], pending[name]
		if pend == nil {
			continue
		}
		for _, rt := range pend.Routes {
			if rt.Status != bridgetypes.MessageStatus_MESSAGE_STATUS_ROUTED_DOWN || rt.AlreadyDelivered {
				continue
			}
			if rt.ChildIndex == 0 || rt.ChildIndex > validiumtypes.MaxChildIndex {
				r.log.Warn("route record for an impossible child index", "chain", p.Name, "child", rt.ChildIndex)
				continue
			}
			c := r.node(append(append([]uint8{}, p.Path...), uint8(rt.ChildIndex)))
			if c == nil || isDestination(c, rt.Message) {
				continue // a mint on c itself is a forced operation: planForced receives it
			}
			key, ok := r.ready("route "+c.Name, rt.MessageHash)
			if !ok {
				continue
			}
			j, err := r.planRouteTo(ctx, c, rt.Message, rt.MessageHash, validiumtypes.RoutedMessage{RootHeight: rt.RootHeight, Proof: rt.Proof})
			if err != nil {
				r.fail(key, "route", c.Name, err)
				continue
			}
			if j != nil {
				j.task = key
				jobs = append(jobs, *j)
			}
		}
		for _, o := range pend.Outgoing {
			if o.Status != bridgetypes.MessageStatus_MESSAGE_STATUS_ROUTED_UP {
				continue
			}
			m, err := o.Message.Decode()
			if err != nil {
				continue
			}
			if dst, err := commitment.UnpackVid(m.DstVid); err != nil || !isAncestor(p.Path, dst) {
				continue // carried up by p's update (routedUp)
			}
			key, ok := r.ready("route "+p.Name, o.MessageHash)
			if !ok {
				continue
			}
			st, err := p.MessageStatus(ctx, o.MessageHash, 0)
			if err != nil || st.Route != nil {
				continue
			}
			rm, err := r.routedProof(ctx, p, m)
			if errors.Is(err, witness.ErrNotYet) {
				continue
			}
			if err != nil {
				r.fail(key, "route", p.Name, err)
				continue
			}
			jobs = append(jobs, r.routeJob(p, key, rm, o.MessageHash))
		}
	}
	return jobs
}

// planRouteTo prepares MsgRouteMessage on c for a message some ancestor routed down to it.
func (r *Relayer) planRouteTo(ctx context.Context, c *Node, bm bridgetypes.BridgeMessage, msgHash []byte, proof validiumtypes.RoutedMessage) (*job, error) {
	st, err := c.MessageStatus(ctx, msgHash, 0)
	if err != nil {
		return nil, err
	}
	if st.Route != nil || st.Status == bridgetypes.MessageStatus_MESSAGE_STATUS_CLAIMED {
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
	j := r.routeJob(c, "", proof, msgHash)
	return &j, nil
}

// routeJob is MsgRouteMessage on n.
func (r *Relayer) routeJob(n *Node, key string, rm validiumtypes.RoutedMessage, msgHash []byte) job {
	return job{
		node: n, task: key, kind: "MsgRouteMessage", msgs: []sdk.Msg{&bridgetypes.MsgRouteMessage{Sender: n.Address().String(), Routed: rm}},
		done: func(res *TxResult) {
			r.log.Info("routed", "chain", n.Name, "msg", short(msgHash), "root_height", rm.RootHeight, "block", res.Height)
		},
	}
}

// planClaims claims every SENT message whose destination the relayer serves (DESIGN §7.3):
// proven against the newest root commitment the destination knows, once that commitment binds
// the message, and never for a message the destination has minted (its nullifier) or whose
// deadline its root clock has passed (then it is routed instead).
func (r *Relayer) planClaims(ctx context.Context, pending map[string]*bridgetypes.QueryPendingMessagesResponse) []job {
	var jobs []job
	claim := func(m inclusion.Message, msgHash []byte) {
		d := r.destination(m)
		if d == nil {
			return
		}
		key, ok := r.ready("claim "+d.Name, msgHash)
		if !ok {
			return
		}
		j, err := r.planClaim(ctx, d, m, msgHash)
		if errors.Is(err, witness.ErrNotYet) {
			r.log.Debug("claim waits", "dst", d.Name, "msg", short(msgHash), "why", err)
			return
		}
		if err != nil {
			r.fail(key, "claim", d.Name, err)
			return
		}
		if j != nil {
			j.task = key
			jobs = append(jobs, *j)
		}
	}
	for _, name := range r.names {
		pend := pending[name]
		if pend == nil {
			continue
		}
		for _, o := range pend.Outgoing {
			if o.Status != bridgetypes.MessageStatus_MESSAGE_STATUS_SENT {
				continue
			}
			if m, err := o.Message.Decode(); err == nil {
				claim(m, o.MessageHash)
			}
		}
	}
	return jobs
}

// isDestination tells whether c is the destination of a wire message.
func isDestination(c *Node, bm bridgetypes.BridgeMessage) bool {
	m, err := bm.Decode()
	return err == nil && m.DstVid.Equal(&c.Vid)
}

// planForced receives, on every served child, the mints its parent's forced queue holds for it
// (DESIGN §8: forced deposits, and routed messages for the child itself, §7.5): each one by
// MsgReceiveForced with the queue record proven under the parent app hash the child trusts. An
// operation queued after that header waits for the next parent sync.
func (r *Relayer) planForced(ctx context.Context) []job {
	var jobs []job
	for _, name := range r.names {
		c := r.nodes[name]
		if c.Parent == nil || !r.backoff.Ready("messages "+c.Parent.Name, r.now()) {
			continue
		}
		rec, err := c.Parent.Child(ctx, c.Index, 0)
		if err != nil {
			r.fail("forced "+name, "forced", name, err)
			continue
		}
		for _, op := range rec.ForcedOperations {
			if op.Forward {
				continue
			}
			key, ok := r.ready("forced "+c.Name, op.PayloadHash)
			if !ok {
				continue
			}
			j, err := r.planReceiveForced(ctx, c, op)
			if errors.Is(err, witness.ErrNotYet) {
				r.log.Debug("forced operation waits", "chain", c.Name, "seq", op.Sequence, "why", err)
				continue
			}
			if err != nil {
				r.fail(key, "forced", c.Name, err)
				continue
			}
			if j != nil {
				j.task = key
				jobs = append(jobs, *j)
			}
		}
	}
	return jobs
}

// planReceiveForced proves op in c's queue on its parent at the height c's light client trusts.
func (r *Relayer) planReceiveForced(ctx context.Context, c *Node, op validiumtypes.ForcedOperation) (*job, error) {
	minted, err := c.Nullifier(ctx, op.PayloadHash, 0)
	if err != nil || minted {
		return nil, err
	}
	client, err := c.ParentClient(ctx, 0)
	if err != nil {
		return nil, err
	}
	key, err := validiumtypes.ForcedOpStoreKey(c.Index, op.Sequence)
	if err != nil {
		return nil, err
	}
	value, proof, err := c.Parent.StoreProof(ctx, validiumtypes.StoreKey, key, client.Height-1)
	if err != nil {
		return nil, err
	}
	if len(value) == 0 {
		return nil, fmt.Errorf("%w: operation %d is newer than the parent height %s trusts", witness.ErrNotYet, op.Sequence, c.Name)
	}
	seq := op.Sequence
	return &job{
		node: c, kind: "MsgReceiveForced",
		msgs: []sdk.Msg{&bridgetypes.MsgReceiveForced{Sender: c.Address().String(), Sequence: seq, Operation: value, Proof: proof}},
		done: func(res *TxResult) {
			r.log.Info("forced operation received", "chain", c.Name, "seq", seq, "msg", short(op.PayloadHash), "block", res.Height)
		},
	}, nil
}

// planClaim proves message m for its destination d.
func (r *Relayer) planClaim(ctx context.Context, d *Node, m inclusion.Message, msgHash []byte) (*job, error) {
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
	w, err := witness.Message(ctx, r.lookup, rc.RootHeight, m)
	if err != nil {
		return nil, err
	}
	proof, err := r.proveInclusion(w, "claim", "dst", d.Name, "msg", short(msgHash), "root_height", rc.RootHeight)
	if err != nil {
		return nil, err
	}
	rootHeight := rc.RootHeight
	return &job{
		node: d, kind: "MsgClaim",
		msgs: []sdk.Msg{&bridgetypes.MsgClaim{Sender: d.Address().String(), Message: bridgetypes.NewBridgeMessage(m), RootHeight: rootHeight, Proof: proof}},
		done: func(res *TxResult) {
			r.log.Info("claimed", "dst", d.Name, "msg", short(msgHash), "amount", m.Amount, "root_height", rootHeight, "block", res.Height)
		},
	}, nil
}

// planConfirms confirms every SENT or ROUTED_UP message its destination has minted (DESIGN
// §7.4): the destination's receipt, found in its receipt tree, proven against the newest root
// commitment the sender knows once that commitment binds it.
func (r *Relayer) planConfirms(ctx context.Context, pending map[string]*bridgetypes.QueryPendingMessagesResponse) []job {
	var jobs []job
	for _, name := range r.names {
		s, pend := r.nodes[name], pending[name]
		if pend == nil {
			continue
		}
		for _, o := range pend.Outgoing {
			m, err := o.Message.Decode()
			if err != nil {
				continue
			}
			d := r.destination(m)
			if d == nil {
				continue
			}
			key, ok := r.ready("confirm "+s.Name, o.MessageHash)
			if !ok {
				continue
			}
			j, err := r.planConfirm(ctx, s, d, m, o.MessageHash)
			if errors.Is(err, witness.ErrNotYet) {
				r.log.Debug("confirm waits", "src", s.Name, "msg", short(o.MessageHash), "why", err)
				continue
			}
			if err != nil {
				r.fail(key, "confirm", s.Name, err)
				continue
			}
			if j != nil {
				j.task = key
				jobs = append(jobs, *j)
			}
		}
	}
	return jobs
}

// planConfirm proves d's receipt of m back to its sender s.
func (r *Relayer) planConfirm(ctx context.Context, s, d *Node, m inclusion.Message, msgHash []byte) (*job, error) {
	minted, err := d.Nullifier(ctx, msgHash, 0)
	if err != nil || !minted {
		return nil, err
	}
	if err := r.ledgerParams(ctx, d); err != nil {
		return nil, err
	}
	rc, err := s.RootCommitment(ctx, 0, 0)
	if err != nil {
		return nil, err
	}
	if !rc.Known {
		return nil, fmt.Errorf("%w: %s knows no root commitment", witness.ErrNotYet, s.Name)
	}
	rcpt, index, err := r.findReceipt(ctx, d, m)
	if err != nil {
		return nil, err
	}
	w, err := witness.Receipt(ctx, r.lookup, rc.RootHeight, rcpt, index)
	if err != nil {
		return nil, err
	}
	proof, err := r.proveInclusion(w, "confirm", "src", s.Name, "msg", short(msgHash), "root_height", rc.RootHeight)
	if err != nil {
		return nil, err
	}
	rootHeight := rc.RootHeight
	return &job{
		node: s, kind: "MsgConfirm",
		msgs: []sdk.Msg{&bridgetypes.MsgConfirm{Sender: s.Address().String(), MessageHash: msgHash, RootHeight: rootHeight, Proof: proof}},
		done: func(res *TxResult) {
			r.log.Info("confirmed", "src", s.Name, "msg", short(msgHash), "root_height", rootHeight, "block", res.Height)
		},
	}, nil
}

// mintIndex remembers where a chain minted each message: every bridge-in appends exactly one
// receipt (DESIGN §7.3, proven by the ledger circuit), so a message's receipt index is the number
// of bridge-ins logged before its mint. A cache of the chain's log, extended as the log grows and
// rebuilt from it after a restart.
type mintIndex struct {
	next     uint64            // log entries read so far
	receipts uint64            // bridge-ins among them
	mints    map[string]uint64 // message hash → receipt index
}

// update reads the chain's new log entries.
func (mi *mintIndex) update(ctx context.Context, c *Chain) error {
	if mi.mints == nil {
		mi.mints = map[string]uint64{}
	}
	l, err := c.Ledger(ctx, 0)
	if err != nil {
		return err
	}
	for mi.next < l.LogLength {
		ops, err := c.BatchLog(ctx, mi.next, logPage, 0)
		if err != nil {
			return err
		}
		if len(ops) == 0 {
			break
		}
		for _, logged := range ops {
			op, err := ledger.DecodeOp(logged.Op)
			if err != nil {
				return err
			}
			if op.Kind == ledger.OpBridgeIn {
				mi.mints[string(hash.EncodeElement(op.Msg.Hash()))] = mi.receipts
				mi.receipts++
			}
			mi.next = logged.Sequence + 1
		}
	}
	return nil
}

// findReceipt is d's receipt of m and its index in d's receipt tree, from d's log.
func (r *Relayer) findReceipt(ctx context.Context, d *Node, m inclusion.Message) (inclusion.Receipt, uint64, error) {
	key := string(hash.EncodeElement(m.Hash()))
	if err := d.mints.update(ctx, d.Chain); err != nil {
		return inclusion.Receipt{}, 0, err
	}
	index, ok := d.mints.mints[key]
	if !ok {
		return inclusion.Receipt{}, 0, fmt.Errorf("%w: %s's log has no mint of the message", witness.ErrNotYet, d.Name)
	}
	return inclusion.ReceiptFor(m), index, nil
}
