package inspect

import (
	"context"
	"encoding/hex"
	"fmt"

	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/relayer/tree"
	slushtypes "github.com/slush-tree/slush/types"
)

// Pending is what a tree still has to carry: per edge what the child has not had accepted and
// what the parent forces on it, and the messages and routes in flight.
type Pending struct {
	// Edges are every served edge, parents first.
	Edges []Edge `json:"edges"`
	// Messages are the messages sent and not yet confirmed, by source chain.
	Messages []Message `json:"messages"`
	// Routes are the route records not yet delivered.
	Routes []Route `json:"routes"`
	// Errors are the chains that could not be read, one line each.
	Errors []string `json:"errors,omitempty"`
}

// Message is one message waiting for its claim or confirmation.
type Message struct {
	Hash        string `json:"hash"`
	Source      string `json:"source"`
	Destination string `json:"destination"`
	Amount      uint64 `json:"amount"`
	SentHeight  int64  `json:"sent_height"`
	Status      string `json:"status"`
	// Deadline is the root height after which the message is routed instead; Left the root
	// heights left on the source's clock (negative: past).
	Deadline uint64 `json:"deadline"`
	Left     int64  `json:"left"`
	// WaitingFor is what it waits for: claim (on its destination), confirmation (on its source)
	// or route; Waiting says so for people.
	WaitingFor string `json:"waiting_for"`
	Waiting    string `json:"waiting"`
}

// Route is a routed message a chain passes up or has queued down, not delivered yet.
type Route struct {
	Chain       string `json:"chain"`
	Hash        string `json:"hash"`
	Status      string `json:"status"`
	Destination string `json:"destination"`
	// ChildIndex is the child it is queued for (ROUTED_DOWN).
	ChildIndex uint32 `json:"child_index,omitempty"`
	Height     int64  `json:"height"`
}

// ReadPending reads every chain and edge of t; a chain that cannot be read is an entry of Errors
// (the rest is still read). stall is the edge stall threshold (root heights).
func ReadPending(ctx context.Context, t *tree.Tree, stall uint64) *Pending {
	p := &Pending{Edges: []Edge{}, Messages: []Message{}, Routes: []Route{}}
	for _, name := range t.Names() {
		n := t.Node(name)
		if n.Parent != nil {
			e, err := ReadEdge(ctx, n, stall)
			if err != nil {
				p.Errors = append(p.Errors, fmt.Sprintf("edge %s -> %s: %v", n.Name, n.Parent.Name, err))
			} else {
				p.Edges = append(p.Edges, e)
			}
		}
		if err := p.readChain(ctx, t, n); err != nil {
			p.Errors = append(p.Errors, fmt.Sprintf("%s: %v", n.Name, err))
		}
	}
	return p
}

// readChain adds a chain's own unconfirmed messages and its undelivered route records.
func (p *Pending) readChain(ctx context.Context, t *tree.Tree, n *tree.Node) error {
	pend, err := n.PendingMessages(ctx, 0)
	if err != nil {
		return err
	}
	now, err := n.RootCommitment(ctx, 0, 0)
	if err != nil {
		return err
	}
	for _, o := range pend.Outgoing {
		m, err := o.Message.Decode()
		if err != nil {
			return err
		}
		msg := Message{
			Hash: hex.EncodeToString(o.MessageHash), Source: n.Name, Destination: slushtypes.VidName(m.DstVid), Amount: m.Amount,
			SentHeight: o.SentHeight, Status: statusName(o.Status), Deadline: m.Deadline, Left: int64(m.Deadline) - int64(now.RootHeight),
		}
		msg.WaitingFor, msg.Waiting, err = waiting(ctx, t, msg, o.MessageHash)
		if err != nil {
			return err
		}
		p.Messages = append(p.Messages, msg)
	}
	for _, r := range pend.Routes {
		m, err := r.Message.Decode()
		if err != nil {
			return err
		}
		p.Routes = append(p.Routes, Route{Chain: n.Name, Hash: hex.EncodeToString(hash.EncodeElement(m.Hash())), Status: statusName(r.Status),
			Destination: slushtypes.VidName(m.DstVid), ChildIndex: r.ChildIndex, Height: r.Height})
	}
	return nil
}

// waiting says what an unconfirmed message waits for: its route once routed up or past its
// deadline, its confirmation once the destination minted it, its claim otherwise.
func waiting(ctx context.Context, t *tree.Tree, m Message, msgHash []byte) (string, string, error) {
	if m.Status == "ROUTED_UP" {
		return "route", "the fallback route (expired unclaimed)", nil
	}
	if m.Left < 0 {
		return "route", "its expiry (deadline passed): then the fallback route", nil
	}
	path, err := slushtypes.ParsePath(m.Destination)
	if err != nil {
		return "", "", err
	}
	dst := t.At(path)
	if dst == nil {
		return "claim", fmt.Sprintf("the claim on %s, which is not in tree.toml: nothing here claims it (the fallback route after the deadline)", m.Destination), nil
	}
	minted, err := dst.Nullifier(ctx, msgHash, 0)
	if err != nil {
		return "", "", err
	}
	if minted {
		return "confirmation", fmt.Sprintf("the confirmation on %s (minted on %s)", m.Source, m.Destination), nil
	}
	return "claim", fmt.Sprintf("the claim on %s", m.Destination), nil
}
