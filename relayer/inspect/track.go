package inspect

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"github.com/slush-tree/slush/circuits/commitment"
	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/inclusion"
	"github.com/slush-tree/slush/relayer/chainclient"
	"github.com/slush-tree/slush/relayer/tree"
	"github.com/slush-tree/slush/relayer/witness"
	slushtypes "github.com/slush-tree/slush/types"
	validiumtypes "github.com/slush-tree/slush/x/validium/types"
)

// Trace is where a bridge message is in the tree and what it waits for.
type Trace struct {
	// Hash is the message hash, hex.
	Hash string `json:"hash"`
	// Source and Destination are tree paths; Amount, Asset (decimal), Recipient (hex) and
	// Deadline (a root height) come from the message.
	Source      string `json:"source"`
	Destination string `json:"destination"`
	Amount      uint64 `json:"amount"`
	Asset       string `json:"asset"`
	Recipient   string `json:"recipient"`
	Deadline    uint64 `json:"deadline"`
	// SentHeight is the source block that burnt it; Status its status on the source.
	SentHeight int64  `json:"sent_height"`
	Status     string `json:"status"`
	// Claimed tells that the destination minted it (by claim or by route).
	Claimed bool `json:"claimed"`
	// Hops are the chains on its way, source first, with what each holds of it.
	Hops []Hop `json:"hops"`
	// Stage is where it is: sent, final, claimed, confirmed, routed or delivered.
	Stage string `json:"stage"`
	// Waiting says what it waits for now (empty once confirmed).
	Waiting string `json:"waiting,omitempty"`
}

// Hop is one chain on a message's way.
type Hop struct {
	// Chain is the chain's path; Role is source, up (carries the source's state up), root,
	// down (learns root commitments) or destination.
	Chain string `json:"chain"`
	Role  string `json:"role"`
	// Note says what the chain holds of the message, or of the state that carries it.
	Note string `json:"note"`
}

// Track follows a message across the tree served by t: it finds the chain that sent it, and reads
// every chain on its way (up from the source to the root, down to the destination) for what it
// holds, and the root's newest commitment for whether the burn is final there yet (the same
// inclusion walk the relayer proves claims with). stall is the edge stall threshold (root heights).
func Track(ctx context.Context, t *tree.Tree, msgHash []byte, stall uint64) (*Trace, error) {
	if err := slushtypes.CheckHashArg("message hash", msgHash); err != nil {
		return nil, err
	}
	tr := &Trace{Hash: hex.EncodeToString(msgHash)}
	var (
		src   *tree.Node
		m     inclusion.Message
		found bool
	)
	routes := map[string]string{} // chain -> what its route record says
	for _, name := range t.Names() {
		n := t.Node(name)
		st, err := n.MessageStatus(ctx, msgHash, 0)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		if st.Outgoing != nil {
			if m, err = st.Outgoing.Message.Decode(); err != nil {
				return nil, err
			}
			src, found = n, true
			tr.SentHeight, tr.Status = st.Outgoing.SentHeight, statusName(st.Outgoing.Status)
		}
		if st.Route != nil {
			if !found {
				if m, err = st.Route.Message.Decode(); err != nil {
					return nil, err
				}
			}
			routes[name] = routeNote(st.Route)
			found = true
		}
	}
	if !found {
		return nil, fmt.Errorf("message %x: no chain of the tree sent or routed it (a wrong hash, or its source is not in tree.toml)", msgHash)
	}
	if h := m.Hash(); !strings.EqualFold(hex.EncodeToString(hash.EncodeElement(h)), tr.Hash) {
		return nil, fmt.Errorf("the record of %x holds another message", msgHash)
	}
	srcPath, err := commitment.UnpackVid(m.SrcVid)
	if err != nil {
		return nil, err
	}
	dstPath, err := commitment.UnpackVid(m.DstVid)
	if err != nil {
		return nil, err
	}
	tr.Source, tr.Destination = slushtypes.Path(srcPath).String(), slushtypes.Path(dstPath).String()
	tr.Amount, tr.Deadline = m.Amount, m.Deadline
	tr.Asset, tr.Recipient = m.AssetID.Text(10), hex.EncodeToString(hash.EncodeElement(m.Recipient))
	dst := t.At(dstPath)
	if dst != nil {
		if tr.Claimed, err = dst.Nullifier(ctx, msgHash, 0); err != nil {
			return nil, fmt.Errorf("%s: %w", dst.Name, err)
		}
	}
	if err := tr.hops(ctx, t, src, srcPath, dstPath, routes, stall); err != nil {
		return nil, err
	}
	return tr, tr.verdict(ctx, t, src, dst, m, routes)
}

// hops lists the chains on the message's way: the source and its ancestors up to the root (whose
// accepted and finalized records of the child below carry the burn up), then the root's
// descendants down to the destination (which learn root commitments), with any route records.
func (tr *Trace) hops(ctx context.Context, t *tree.Tree, src *tree.Node, srcPath, dstPath []uint8, routes map[string]string, stall uint64) error {
	add := func(name, role, note string) {
		if r, ok := routes[name]; ok {
			note += "; " + r
		}
		tr.Hops = append(tr.Hops, Hop{Chain: name, Role: role, Note: note})
	}
	if src != nil {
		add(src.Name, "source", fmt.Sprintf("%s, burnt at height %d", tr.Status, tr.SentHeight))
	}
	for i := len(srcPath); i > 0; i-- { // each edge from the source up to the root
		c := t.At(srcPath[:i])
		if c == nil {
			return fmt.Errorf("%s is not in tree.toml", slushtypes.Path(srcPath[:i]))
		}
		e, err := ReadEdge(ctx, c, stall)
		if err != nil {
			return fmt.Errorf("edge %s -> %s: %w", c.Name, c.Parent.Name, err)
		}
		role := "up"
		if i == 1 {
			role = "root"
		}
		add(c.Parent.Name, role, edgeNote(e))
	}
	for i := 1; i <= len(dstPath); i++ { // each chain from the root down to the destination
		d := t.At(dstPath[:i])
		if d == nil {
			add(slushtypes.Path(dstPath[:i]).String(), "destination", "not in tree.toml: nothing here can claim it")
			break
		}
		now, err := d.RootCommitment(ctx, 0, 0)
		if err != nil {
			return fmt.Errorf("%s: %w", d.Name, err)
		}
		role, note := "down", fmt.Sprintf("knows root commitments up to root height %d", now.RootHeight)
		if i == len(dstPath) {
			role = "destination"
			if tr.Claimed {
				note += "; minted (nullifier set)"
			}
		}
		add(d.Name, role, note)
	}
	if len(dstPath) == 0 && tr.Claimed { // the root is the destination
		tr.Hops[len(tr.Hops)-1].Note += "; minted (nullifier set)"
	}
	return nil
}

// edgeNote says how far a parent holds its child's state.
func edgeNote(e Edge) string {
	if e.Status != "active" {
		return fmt.Sprintf("holds %s as %s (%s)", e.Child, e.Status, e.FreezeReason)
	}
	if e.Accepted == "" {
		return fmt.Sprintf("no update of %s accepted yet", e.Child)
	}
	fin := "none finalized yet"
	if e.FinalizedHeight > 0 {
		fin = fmt.Sprintf("finalized to height %d", e.FinalizedHeight)
	}
	note := fmt.Sprintf("holds %s accepted to height %d, %s", e.Child, e.AcceptedHeight, fin)
	if e.Stalled {
		note += fmt.Sprintf("; STALLED: no update accepted for %d root blocks", e.AnchorLag)
	}
	return note
}

// verdict sets the stage and what the message waits for.
func (tr *Trace) verdict(ctx context.Context, t *tree.Tree, src, dst *tree.Node, m inclusion.Message, routes map[string]string) error {
	switch {
	case tr.Status == "CONFIRMED":
		tr.Stage = "confirmed"
		return nil
	case tr.Claimed && len(routes) > 0:
		tr.Stage = "delivered"
		tr.Waiting = "nothing: delivered by the fallback route"
		if src != nil && tr.Status != "CONFIRMED" {
			tr.Waiting = fmt.Sprintf("the confirmation on %s (a route delivery can still be confirmed by its receipt)", src.Name)
		}
		return nil
	case tr.Claimed:
		tr.Stage = "claimed"
		tr.Waiting = fmt.Sprintf("the confirmation on %s: the receipt must become final along %s -> root and %s learn that root commitment (the relayer confirms then)",
			src.Name, dst.Name, src.Name)
		return nil
	case len(routes) > 0 || tr.Status == "ROUTED_UP":
		tr.Stage = "routed"
		tr.Waiting = "the fallback route: each hop takes it in its parent's update or by MsgRouteMessage, down the destination's branch as a forced operation"
		return nil
	}
	if src == nil {
		return errors.New("no source record")
	}
	now, err := src.RootCommitment(ctx, 0, 0)
	if err != nil {
		return err
	}
	if now.RootHeight > tr.Deadline {
		tr.Stage = "sent"
		tr.Waiting = fmt.Sprintf("its expiry on %s (root clock %d is past the deadline %d): then the fallback route", src.Name, now.RootHeight, tr.Deadline)
		return nil
	}
	left := fmt.Sprintf("deadline in %d root blocks", tr.Deadline-now.RootHeight)
	if dst == nil {
		tr.Stage = "sent"
		tr.Waiting = fmt.Sprintf("the claim on %s, which is not in tree.toml: nothing here claims it (the fallback route after the deadline); %s",
			tr.Destination, left)
		return nil
	}
	root, err := t.Root().RootCommitment(ctx, 0, 0)
	if err != nil {
		return err
	}
	_, werr := witness.Message(ctx, t.Lookup, root.RootHeight, m)
	switch {
	case errors.Is(werr, witness.ErrNotYet) || chainclient.IsNotFound(werr):
		tr.Stage = "sent"
		tr.Waiting = fmt.Sprintf("finality along %s -> root: the root commitment at %d does not bind the burn yet (%s); %s",
			src.Name, root.RootHeight, firstClause(werr), left)
		return nil
	case werr != nil:
		return werr
	}
	known, err := dst.RootCommitment(ctx, root.RootHeight, 0)
	if err != nil {
		return err
	}
	tr.Stage = "final"
	if !known.Known {
		tr.Waiting = fmt.Sprintf("%s to sync root commitment %d (its parent sync), then the claim; %s", dst.Name, root.RootHeight, left)
		return nil
	}
	tr.Waiting = fmt.Sprintf("the claim on %s (final under root commitment %d, which %s knows: the relayer claims it next round); %s",
		dst.Name, root.RootHeight, dst.Name, left)
	return nil
}

// firstClause is an error's message without the transport details in parentheses (which chain
// answered what, at which query path).
func firstClause(err error) string {
	msg := err.Error()
	if i := strings.Index(msg, " ("); i > 0 {
		msg = msg[:i]
	}
	return strings.ReplaceAll(msg, ": "+witness.ErrNotYet.Error(), "")
}

// statusName is a message status without its enum prefix.
func statusName(s slushtypes.MessageStatus) string {
	return strings.TrimPrefix(s.String(), "MESSAGE_STATUS_")
}

// routeNote says what a chain's route record holds.
func routeNote(r *validiumtypes.RouteRecord) string {
	note := fmt.Sprintf("route record %s at height %d", statusName(r.Status), r.Height)
	if r.Status == slushtypes.MessageStatus_MESSAGE_STATUS_ROUTED_DOWN {
		note += fmt.Sprintf(" (queued for child %d)", r.ChildIndex)
	}
	if r.AlreadyDelivered {
		note += " (already delivered)"
	}
	return note
}
