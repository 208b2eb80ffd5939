package relayer

import (
	"bytes"
	"context"
	"errors"
	"fmt"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/slush-tree/slush/circuits/commitment"
	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/inclusion"
	"github.com/slush-tree/slush/circuits/ledger"
	bridgetypes "github.com/slush-tree/slush/x/bridge/types"
	validiumtypes "github.com/slush-tree/slush/x/validium/types"
)

// planMessages reads every chain's pending messages once and plans the message jobs: routes
// down, claims (with forced deposits) and confirmations.
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
	return jobs
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
			if c == nil {
				continue
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
			if errors.Is(err, errNotYet) {
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
		if errors.Is(err, errNotYet) {
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
	for _, m := range r.forcedDeposits(ctx) {
		h := m.Hash()
		claim(m, hash.EncodeElement(h))
	}
	return jobs
}

// forcedDeposits are the forced deposits parents hold for served children (DESIGN §8): a
// user's bridge-out on the parent addressed to the child, queued as a forced operation. It is
// an ordinary message in the parent's outbox, so the child mints it by a claim, and the mint's
// inbox entry consumes the operation in the child's next update. (Routed messages in the same
// queues come from other senders and are delivered by planRoutes.)
func (r *Relayer) forcedDeposits(ctx context.Context) []inclusion.Message {
	var out []inclusion.Message
	for _, name := range r.names {
		c := r.nodes[name]
		if c.Parent == nil || !r.backoff.Ready("messages "+c.Parent.Name, r.now()) {
			continue
		}
		rec, err := c.Parent.Child(ctx, c.Index, 0)
		if err != nil {
			r.fail("deposits "+name, "deposits", name, err)
			continue
		}
		for _, op := range rec.ForcedOperations {
			if op.Forward {
				continue
			}
			m, err := ledger.DecodeMessage(op.Message)
			if err != nil || !m.SrcVid.Equal(&c.Parent.Vid) {
				continue
			}
			out = append(out, m)
		}
	}
	return out
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
		return nil, fmt.Errorf("%w: %s knows no root commitment", errNotYet, d.Name)
	}
	if rc.RootHeight > m.Deadline {
		return nil, nil // expired: the fallback route delivers it
	}
	w, err := messageWitness(ctx, r.lookup, rc.RootHeight, m)
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
			if errors.Is(err, errNotYet) {
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
		return nil, fmt.Errorf("%w: %s knows no root commitment", errNotYet, s.Name)
	}
	rcpt, index, err := r.findReceipt(ctx, d, m)
	if err != nil {
		return nil, err
	}
	w, err := receiptWitness(ctx, r.lookup, rc.RootHeight, rcpt, index)
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
		msgs: []sdk.Msg{&bridgetypes.MsgConfirm{
			Sender: s.Address().String(), MessageHash: msgHash, ClaimRootHeight: rcpt.Height, RootHeight: rootHeight, Proof: proof,
		}},
		done: func(res *TxResult) {
			r.log.Info("confirmed", "src", s.Name, "msg", short(msgHash), "claim_root_height", rcpt.Height, "root_height", rootHeight, "block", res.Height)
		},
	}, nil
}

// mintIndex remembers where a chain's log minted each message (the bridge-ins after genesis):
// a cache of the chain's log, extended as the log grows and rebuilt from it after a restart.
type mintIndex struct {
	next  uint64                  // log entries read so far
	mints map[string]loggedMint   // message hash → where it was minted
	found map[string]receiptMatch // message hash → its receipt, once found
}

type loggedMint struct {
	height int64 // block height of the mint
}

type receiptMatch struct {
	index  uint64
	height uint64
}

// update reads the chain's new log entries.
func (mi *mintIndex) update(ctx context.Context, c *Chain) error {
	if mi.mints == nil {
		mi.mints, mi.found = map[string]loggedMint{}, map[string]receiptMatch{}
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
				mi.mints[string(hash.EncodeElement(op.Msg.Hash()))] = loggedMint{height: logged.Height}
			}
			mi.next = logged.Sequence + 1
		}
	}
	return nil
}

// findReceipt finds d's receipt of m and its index in d's receipt tree, from chain state alone:
// the log says in which block d minted m; the receipts appended in that block are the items
// between the tree's sizes before and after it; the receipt binds the root height the claim (or
// route) was verified against, which is among the root heights d knew in that block.
func (r *Relayer) findReceipt(ctx context.Context, d *Node, m inclusion.Message) (inclusion.Receipt, uint64, error) {
	msgHash := m.Hash()
	key := string(hash.EncodeElement(msgHash))
	receipt := func(h uint64) inclusion.Receipt {
		return inclusion.Receipt{SrcVid: m.DstVid, DstVid: m.SrcVid, MsgHash: msgHash, Height: h}
	}
	if f, ok := d.mints.found[key]; ok {
		return receipt(f.height), f.index, nil
	}
	if err := d.mints.update(ctx, d.Chain); err != nil {
		return inclusion.Receipt{}, 0, err
	}
	mint, ok := d.mints.mints[key]
	if !ok {
		return inclusion.Receipt{}, 0, fmt.Errorf("%w: %s's log has no mint of the message", errNotYet, d.Name)
	}
	before, err := receiptTree(ctx, d.Chain, mint.height-1)
	if err != nil {
		return inclusion.Receipt{}, 0, err
	}
	after, err := receiptTree(ctx, d.Chain, mint.height)
	if err != nil {
		return inclusion.Receipt{}, 0, err
	}
	var candidates []uint64 // root heights: a route's proof height first, then what d knew
	if st, err := d.MessageStatus(ctx, hash.EncodeElement(msgHash), mint.height); err == nil && st.Route != nil {
		candidates = append(candidates, st.Route.RootHeight)
	}
	clock, err := d.RootCommitment(ctx, 0, mint.height)
	if err != nil {
		return inclusion.Receipt{}, 0, err
	}
	window, err := r.rootHistorySize(ctx, d)
	if err != nil {
		return inclusion.Receipt{}, 0, err
	}
	for h := clock.RootHeight; h >= 1 && clock.RootHeight-h < window; h-- {
		candidates = append(candidates, h)
	}
	for i := before.Size(); i < after.Size(); i++ {
		item, err := after.Get(i)
		if err != nil {
			return inclusion.Receipt{}, 0, err
		}
		if h, ok := matchReceipt(item, receipt, candidates); ok {
			d.mints.found[key] = receiptMatch{index: i, height: h}
			return receipt(h), i, nil
		}
	}
	return inclusion.Receipt{}, 0, fmt.Errorf("%s minted the message at block %d but none of its receipts there matches", d.Name, mint.height)
}

// matchReceipt finds the root height h among candidates whose receipt hashes to item.
func matchReceipt(item fr.Element, receipt func(uint64) inclusion.Receipt, candidates []uint64) (uint64, bool) {
	for _, h := range candidates {
		if rh := receipt(h).Hash(); bytes.Equal(hash.EncodeElement(rh), hash.EncodeElement(item)) {
			return h, true
		}
	}
	return 0, false
}
