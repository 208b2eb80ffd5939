package planner

import (
	"context"
	"errors"
	"fmt"

	slushtypes "github.com/slush-tree/slush/types"

	"github.com/slush-tree/slush/circuits/commitment"
	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/inclusion"
	"github.com/slush-tree/slush/circuits/ledger"
	"github.com/slush-tree/slush/relayer/tree"
	"github.com/slush-tree/slush/relayer/witness"
	validiumtypes "github.com/slush-tree/slush/x/validium/types"
)

// routedUp is what c's update carries up by the fallback route (DESIGN §7.5): c's own expired
// messages (proven here against a root commitment the parent knows) and the routed messages c
// received from its children, each unless the parent has routed it already.
func (pl *Planner) routedUp(ctx context.Context, c, p *tree.Node, hc, hp int64) ([]slushtypes.RoutedMessage, error) {
	pend, err := c.PendingMessages(ctx, hc)
	if err != nil {
		return nil, err
	}
	var out []slushtypes.RoutedMessage
	seen := func(h []byte) (bool, error) {
		st, err := p.MessageStatus(ctx, h, hp)
		return err == nil && st.Route != nil, err
	}
	for _, rt := range pend.Routes {
		if rt.Status != slushtypes.MessageStatus_MESSAGE_STATUS_ROUTED_UP || len(out) >= validiumtypes.MaxRoutedPerUpdate {
			continue
		}
		if done, err := seen(rt.MessageHash); err != nil || done {
			if err != nil {
				return nil, err
			}
			continue
		}
		m, err := rt.Message.Decode()
		if err != nil {
			return nil, err
		}
		out = append(out, slushtypes.RoutedMessage{Message: ledger.EncodeMessage(m), RootHeight: rt.RootHeight, Proof: rt.Proof})
	}
	for _, o := range pend.Outgoing {
		if o.Status != slushtypes.MessageStatus_MESSAGE_STATUS_ROUTED_UP || len(out) >= validiumtypes.MaxRoutedPerUpdate {
			continue
		}
		m, err := o.Message.Decode()
		if err != nil {
			return nil, err
		}
		if dst, err := commitment.UnpackVid(m.DstVid); err != nil || slushtypes.Path(c.Path).IsAncestorOf(dst) {
			continue // routed down from c itself (planRoutes)
		}
		if done, err := seen(o.MessageHash); err != nil || done {
			if err != nil {
				return nil, err
			}
			continue
		}
		rm, err := pl.routedProof(ctx, p, m)
		if errors.Is(err, witness.ErrNotYet) {
			pl.log.Debug("routed message not provable yet", "chain", c.Name, "msg", short(o.MessageHash), "err", err)
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, rm)
	}
	return out, nil
}

// routedProof proves m against the newest root commitment verifier knows (the first chain of
// the route checks it; the later ones know that root height too once they have synced).
func (pl *Planner) routedProof(ctx context.Context, verifier *tree.Node, m inclusion.Message) (slushtypes.RoutedMessage, error) {
	rc, err := verifier.RootCommitment(ctx, 0, 0)
	if err != nil {
		return slushtypes.RoutedMessage{}, err
	}
	if !rc.Known {
		return slushtypes.RoutedMessage{}, fmt.Errorf("%w: %s knows no root commitment", witness.ErrNotYet, verifier.Name)
	}
	w, err := witness.Message(ctx, pl.tree.Lookup, rc.RootHeight, m)
	if err != nil {
		return slushtypes.RoutedMessage{}, err
	}
	proof, err := pl.prover.ProveInclusion(w, "route", "msg", short(hash.EncodeElement(m.Hash())), "root_height", rc.RootHeight)
	if err != nil {
		return slushtypes.RoutedMessage{}, err
	}
	return slushtypes.RoutedMessage{Message: ledger.EncodeMessage(m), RootHeight: rc.RootHeight, Proof: proof}, nil
}

// forwardedDown lists the parent's forward-kind forced operations for c that c has queued for
// its own child (MessageStatus ROUTED_DOWN on c): the update consumes them by forwarding.
func (pl *Planner) forwardedDown(ctx context.Context, c *tree.Node, ops []validiumtypes.ForcedOperation, hc int64) ([][]byte, error) {
	var out [][]byte
	for _, op := range ops {
		if !op.Forward || len(out) >= validiumtypes.MaxInboxEntriesPerUpdate {
			continue
		}
		st, err := c.MessageStatus(ctx, op.PayloadHash, hc)
		if err != nil {
			return nil, err
		}
		if st.Route != nil && st.Route.Status == slushtypes.MessageStatus_MESSAGE_STATUS_ROUTED_DOWN {
			out = append(out, op.PayloadHash)
		}
	}
	return out, nil
}
