package relayer

import (
	"bytes"
	"context"
	"errors"
	"fmt"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/slush-tree/slush/circuits/commitment"
	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/inclusion"
	"github.com/slush-tree/slush/circuits/ledger"
	"github.com/slush-tree/slush/circuits/prover"
	"github.com/slush-tree/slush/relayer/witness"
	acceptancetypes "github.com/slush-tree/slush/x/acceptance/types"
	bridgetypes "github.com/slush-tree/slush/x/bridge/types"
	validiumtypes "github.com/slush-tree/slush/x/validium/types"
)

// maxCommitmentWalk bounds how many of the child's commitment records one selection reads.
const maxCommitmentWalk = 512

// errStalled: every commitment with a new anchor holds more unproven operations than one batch.
var errStalled = errors.New("stalled")

// selectCommitment picks the child commitment an update proves (DESIGN §5): the newest record
// whose anchor is above the parent's record of the child (anchors must advance), whose log
// length is at most one batch past the proven position pos, and whose anchor the parent knows.
// next yields the child's records newest first (ok=false at the end); known checks an anchor on
// the parent. It returns ok=false with a nil error when there is nothing new to prove, and
// errStalled when new anchors exist but all of them are more than a batch ahead.
func selectCommitment(next func() (bridgetypes.OwnCommitment, bool, error), pos, lastAnchor, batch uint64,
	known func(bridgetypes.OwnCommitment) (bool, error),
) (bridgetypes.OwnCommitment, bool, error) {
	tooFar := 0
	for i := 0; i < maxCommitmentWalk; i++ {
		rec, ok, err := next()
		if err != nil || !ok {
			break
		}
		if rec.Fields.AnchorHeight <= lastAnchor || rec.LogLength < pos {
			break // older records only get older
		}
		if rec.LogLength-pos > batch {
			tooFar++
			continue
		}
		ok, err = known(rec)
		if err != nil {
			return bridgetypes.OwnCommitment{}, false, err
		}
		if ok {
			return rec, true, nil
		}
	}
	if tooFar > 0 {
		return bridgetypes.OwnCommitment{}, false, fmt.Errorf("%w: %d commitments with an anchor above %d are more than %d operations past %d",
			errStalled, tooFar, lastAnchor, batch, pos)
	}
	return bridgetypes.OwnCommitment{}, false, nil
}

// batchRoom is how many logged operations from pos one batch can prove: at most the batch size,
// and no more claimed bridge-ins than the batch has claim sections.
func batchRoom(ctx context.Context, c logReader, pos, logLength uint64, lp bridgetypes.LedgerParams, height int64) (uint64, error) {
	ops, err := fetchLog(ctx, c, pos, min(logLength, pos+uint64(lp.BatchSize)), height)
	if err != nil {
		return 0, err
	}
	claims := uint32(0)
	for i, logged := range ops {
		op, err := ledger.DecodeOp(logged.Op)
		if err != nil {
			return 0, fmt.Errorf("log %d: %w", logged.Sequence, err)
		}
		if op.Kind == ledger.OpBridgeIn && op.Source == ledger.SourceClaim {
			if claims == lp.ClaimSlots {
				return uint64(i), nil
			}
			claims++
		}
	}
	return uint64(lp.BatchSize), nil
}

// planUpdate prepares the next MsgSubmitUpdate of c on its parent, proving one ledger batch:
// everything is read from the two chains (the parent's record of c says what is proven).
func (r *Relayer) planUpdate(ctx context.Context, c *Node) ([]job, error) {
	p := c.Parent
	if r.keys.ledgerCCS == nil {
		return nil, errors.New("no ledger circuit")
	}
	if err := r.ledgerParams(ctx, c); err != nil {
		return nil, err
	}
	if c.LedgerParams != r.keys.ledgerParams {
		return nil, fmt.Errorf("ledger params %+v are not the proving key's %+v", c.LedgerParams, r.keys.ledgerParams)
	}
	hp, err := p.Height(ctx)
	if err != nil {
		return nil, err
	}
	hc, err := c.Height(ctx)
	if err != nil {
		return nil, err
	}
	rec, err := p.Child(ctx, c.Index, hp)
	if err != nil {
		return nil, fmt.Errorf("%s's record of child %d: %w", p.Name, c.Index, err)
	}
	child := rec.Child
	if child.Status != validiumtypes.ChildStatus_CHILD_STATUS_ACTIVE {
		r.log.Debug("child not active", "chain", c.Name, "status", child.Status.String(), "reason", child.FreezeReason)
		return nil, nil
	}
	if child.Operator != p.Address().String() {
		return nil, fmt.Errorf("%s is operated by %s on %s, the relayer's key there is %s", c.Name, child.Operator, p.Name, p.Address())
	}
	if !bytes.Equal(child.VerifyingKey, r.keys.ledgerVKRaw) {
		return nil, fmt.Errorf("%s registered another ledger verifying key than keys_dir/ledger.vk", c.Name)
	}

	// the proven position: the log length of the accepted commitment (or 0 before the first update)
	ledgerNow, err := c.Ledger(ctx, hc)
	if err != nil {
		return nil, err
	}
	pos := uint64(0)
	if !isZero(child.LatestCommitment) {
		acc, err := c.CommitmentByHash(ctx, child.LatestCommitment, hc)
		switch {
		case err == nil:
			pos = acc.LogLength
		case isNoCommitment(err): // pruned from the child's history: find the position by its root
			if err := c.replica.seek(ctx, c, c.origin(), ledgerNow.LogLength, child.LedgerRoot, hc); err != nil {
				return nil, err
			}
			pos = c.replica.pos
		default:
			return nil, err
		}
	}
	if err := c.replica.at(ctx, c, c.origin(), pos, child.LedgerRoot, hc); err != nil {
		return nil, err
	}

	// the newest commitment the parent can accept
	h := hc
	next := func() (bridgetypes.OwnCommitment, bool, error) {
		if h < 1 {
			return bridgetypes.OwnCommitment{}, false, nil
		}
		rec, err := c.Commitment(ctx, h, hc)
		h--
		if isNoCommitment(err) {
			return bridgetypes.OwnCommitment{}, false, nil
		}
		return rec, err == nil, err
	}
	known := func(rec bridgetypes.OwnCommitment) (bool, error) {
		rc, err := p.RootCommitment(ctx, rec.Fields.AnchorHeight, hp)
		if err != nil {
			return false, err
		}
		return rc.Known && bytes.Equal(rc.Commitment, rec.Fields.AnchorCommitment), nil
	}
	room, err := batchRoom(ctx, c, pos, ledgerNow.LogLength, c.LedgerParams, hc)
	if err != nil {
		return nil, err
	}
	target, ok, err := selectCommitment(next, pos, child.AnchorHeight, room, known)
	if err != nil || !ok {
		return nil, err
	}

	routed, err := r.routedUp(ctx, c, p, hc, hp)
	if err != nil {
		return nil, err
	}
	forwarded, err := r.forwardedDown(ctx, c, rec.ForcedOperations, hc)
	if err != nil {
		return nil, err
	}

	msg, err := r.proveUpdate(ctx, c, target, pos, hc)
	if err != nil {
		c.replica.state = nil                  // it may have moved: rebuild next time
		if errors.Is(err, witness.ErrNotYet) { // a claim is not final under the anchor yet: try later
			r.log.Debug("update waits", "child", c.Name, "why", err)
			return nil, nil
		}
		return nil, err
	}
	msg.Operator = p.Address().String()
	msg.ChildIndex = c.Index
	msg.PrevCommitment = child.LatestCommitment
	msg.Routed, msg.Forwarded = routed, forwarded
	ops := target.LogLength - pos
	return []job{{
		node: p, kind: "MsgSubmitUpdate", gas: r.cfg.GasLimit + 300_000*uint64(len(routed)), msgs: []sdk.Msg{msg},
		done: func(res *TxResult) {
			r.log.Info("update accepted", "child", c.Name, "parent", p.Name, "anchor", target.Fields.AnchorHeight,
				"ops", ops, "log_length", target.LogLength, "routed", len(routed), "forwarded", len(forwarded), "block", res.Height)
		},
	}}, nil
}

// proveUpdate replays the child's log from pos to the target commitment's log length into one
// batch, proves its claims under the target's anchor, proves the batch and returns the update
// (without operator, index and prev), with the exit proofs of its exit entries.
func (r *Relayer) proveUpdate(ctx context.Context, c *Node, target bridgetypes.OwnCommitment, pos uint64, hc int64) (*validiumtypes.MsgSubmitUpdate, error) {
	ops, err := fetchLog(ctx, c, pos, target.LogLength, hc)
	if err != nil {
		return nil, err
	}
	batch, err := ledger.NewBatchBuilder(c.replica.state)
	if err != nil {
		return nil, err
	}
	msg := &validiumtypes.MsgSubmitUpdate{NewCommitment: target.Fields}
	for _, logged := range ops {
		op, err := applyLogged(c.replica.state, batch, logged)
		if err != nil {
			return nil, err
		}
		c.replica.pos++
		if op.Kind != ledger.OpBridgeIn {
			continue
		}
		msg.InboxEntries = append(msg.InboxEntries, validiumtypes.InboxEntry{MessageHash: hash.EncodeElement(op.Msg.Hash()), Source: uint32(op.Source)})
		if op.Source == ledger.SourceExit {
			proof, err := exitProof(ctx, c, op.Msg, target.Height)
			if err != nil {
				return nil, err
			}
			msg.Exits = append(msg.Exits, proof)
		}
	}
	anchor, err := hash.DecodeElement(target.Fields.AnchorCommitment)
	if err != nil {
		return nil, err
	}
	claims, err := r.claimWitnesses(ctx, batch.Claims(), target.Fields.AnchorHeight)
	if err != nil {
		return nil, err
	}
	w, err := batch.Build(target.Fields.AnchorHeight, anchor, claims)
	if err != nil {
		return nil, err
	}
	if !bytes.Equal(hash.EncodeElement(w.Public.NewLedgerRoot), target.Fields.LedgerRoot) ||
		!bytes.Equal(hash.EncodeElement(w.Public.NewOutbox), target.Fields.OutboxRoot) ||
		!bytes.Equal(hash.EncodeElement(w.Public.NewReceipts), target.Fields.ReceiptRoot) {
		return nil, fmt.Errorf("replaying %d operations does not give the roots of %s's commitment at %d", len(ops), c.Name, target.Height)
	}
	report, err := c.SubtreeReport(ctx, target.Fields.AnchorHeight, target.Height)
	if err != nil {
		return nil, err
	}
	digest := acceptancetypes.HistogramFromProto(report.Histogram).Digest()
	if !bytes.Equal(hash.EncodeElement(digest), target.Fields.AcceptanceDigest) {
		return nil, fmt.Errorf("%s's subtree report at %d does not match its commitment's acceptance digest", c.Name, target.Height)
	}
	done := r.proofTimer("ledger", "chain", c.Name, "ops", len(ops), "claims", len(claims), "batch", c.LedgerParams.BatchSize,
		"anchor", target.Fields.AnchorHeight)
	proof, pub, err := ledger.ProveBatch(r.keys.ledgerCCS, r.keys.ledgerPK, w)
	if err == nil {
		err = ledger.VerifyBatch(r.keys.ledgerVK, proof, pub)
	}
	done(err)
	if err != nil {
		return nil, err
	}
	msg.Histogram, msg.Subtree, msg.Proof = report.Histogram, report.Subtree, proof
	return msg, nil
}

// claimWitnesses proves each claimed message of a batch in its sender's outbox under the root
// commitment of the batch's anchor, along finalized commitments (DESIGN §7.3: the ledger proof
// proves every claim; an outbox only grows and finality only advances, so a message claimed
// under an older root commitment is also under the anchor).
func (r *Relayer) claimWitnesses(ctx context.Context, claims []inclusion.Message, anchorHeight uint64) ([]inclusion.Witness, error) {
	out := make([]inclusion.Witness, 0, len(claims))
	for _, m := range claims {
		w, err := witness.Message(ctx, r.lookup, anchorHeight, m)
		if err != nil {
			return nil, fmt.Errorf("claimed message %X under the anchor at %d: %w", hash.EncodeElement(m.Hash()), anchorHeight, err)
		}
		out = append(out, w)
	}
	return out, nil
}

// exitProof is the proof of an exit c paid on its ledger: the opening c's exit record holds and
// the exited child's path in c's finalized children SMT at the target commitment's block.
func exitProof(ctx context.Context, c *Node, m inclusion.Message, height int64) (validiumtypes.ExitProof, error) {
	path, err := commitment.UnpackVid(m.SrcVid)
	if err != nil || len(path) != len(c.Path)+1 {
		return validiumtypes.ExitProof{}, fmt.Errorf("exit message from %X is not from a child of %s", hash.EncodeElement(m.SrcVid), c.Name)
	}
	index := uint32(path[len(path)-1])
	opening, err := c.Exit(ctx, index, m.Nonce, height)
	if err != nil {
		return validiumtypes.ExitProof{}, err
	}
	fp, err := c.FinalizedChildProof(ctx, index, height)
	if err != nil {
		return validiumtypes.ExitProof{}, err
	}
	return validiumtypes.ExitProof{ChildIndex: index, Opening: opening, FinalizedSiblings: fp.Siblings}, nil
}

// routedUp is what c's update carries up by the fallback route (DESIGN §7.5): c's own expired
// messages (proven here against a root commitment the parent knows) and the routed messages c
// received from its children, each unless the parent has routed it already.
func (r *Relayer) routedUp(ctx context.Context, c, p *Node, hc, hp int64) ([]validiumtypes.RoutedMessage, error) {
	pend, err := c.PendingMessages(ctx, hc)
	if err != nil {
		return nil, err
	}
	var out []validiumtypes.RoutedMessage
	seen := func(h []byte) (bool, error) {
		st, err := p.MessageStatus(ctx, h, hp)
		return err == nil && st.Route != nil, err
	}
	for _, rt := range pend.Routes {
		if rt.Status != bridgetypes.MessageStatus_MESSAGE_STATUS_ROUTED_UP || len(out) >= validiumtypes.MaxRoutedPerUpdate {
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
		out = append(out, validiumtypes.RoutedMessage{Message: ledger.EncodeMessage(m), RootHeight: rt.RootHeight, Proof: rt.Proof})
	}
	for _, o := range pend.Outgoing {
		if o.Status != bridgetypes.MessageStatus_MESSAGE_STATUS_ROUTED_UP || len(out) >= validiumtypes.MaxRoutedPerUpdate {
			continue
		}
		m, err := o.Message.Decode()
		if err != nil {
			return nil, err
		}
		if dst, err := commitment.UnpackVid(m.DstVid); err != nil || isAncestor(c.Path, dst) {
			continue // routed down from c itself (planRoutes)
		}
		if done, err := seen(o.MessageHash); err != nil || done {
			if err != nil {
				return nil, err
			}
			continue
		}
		rm, err := r.routedProof(ctx, p, m)
		if errors.Is(err, witness.ErrNotYet) {
			r.log.Debug("routed message not provable yet", "chain", c.Name, "msg", short(o.MessageHash), "err", err)
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
func (r *Relayer) routedProof(ctx context.Context, verifier *Node, m inclusion.Message) (validiumtypes.RoutedMessage, error) {
	rc, err := verifier.RootCommitment(ctx, 0, 0)
	if err != nil {
		return validiumtypes.RoutedMessage{}, err
	}
	if !rc.Known {
		return validiumtypes.RoutedMessage{}, fmt.Errorf("%w: %s knows no root commitment", witness.ErrNotYet, verifier.Name)
	}
	w, err := witness.Message(ctx, r.lookup, rc.RootHeight, m)
	if err != nil {
		return validiumtypes.RoutedMessage{}, err
	}
	proof, err := r.proveInclusion(w, "route", "msg", short(hash.EncodeElement(m.Hash())), "root_height", rc.RootHeight)
	if err != nil {
		return validiumtypes.RoutedMessage{}, err
	}
	return validiumtypes.RoutedMessage{Message: ledger.EncodeMessage(m), RootHeight: rc.RootHeight, Proof: proof}, nil
}

// forwardedDown lists the parent's forward-kind forced operations for c that c has queued for
// its own child (MessageStatus ROUTED_DOWN on c): the update consumes them by forwarding.
func (r *Relayer) forwardedDown(ctx context.Context, c *Node, ops []validiumtypes.ForcedOperation, hc int64) ([][]byte, error) {
	var out [][]byte
	for _, op := range ops {
		if !op.Forward || len(out) >= validiumtypes.MaxInboxEntriesPerUpdate {
			continue
		}
		st, err := c.MessageStatus(ctx, op.PayloadHash, hc)
		if err != nil {
			return nil, err
		}
		if st.Route != nil && st.Route.Status == bridgetypes.MessageStatus_MESSAGE_STATUS_ROUTED_DOWN {
			out = append(out, op.PayloadHash)
		}
	}
	return out, nil
}

// proveInclusion checks and proves an inclusion witness, verifying the proof before it is sent.
func (r *Relayer) proveInclusion(w inclusion.Witness, kind string, attrs ...any) ([]byte, error) {
	if err := w.Check(r.keys.inclDepth); err != nil {
		return nil, err
	}
	done := r.proofTimer(kind, append(attrs, "hops", len(w.Hops))...)
	proof, st, err := prover.ProveInclusion(r.keys.inclCCS, r.keys.inclPK, r.keys.inclDepth, w)
	if err == nil {
		err = prover.VerifyInclusion(r.keys.inclVK, proof, st)
	}
	done(err)
	return proof, err
}

// lookup is the witness.Lookup over the served chains.
func (r *Relayer) lookup(path []uint8) witness.Chain {
	if n := r.node(path); n != nil {
		return n.Chain
	}
	return nil
}

// isAncestor tells whether a is a strict ancestor of b.
func isAncestor(a, b []uint8) bool {
	return len(a) < len(b) && bytes.Equal(a, b[:len(a)])
}

// short is a hash's first bytes in hex, for logs.
func short(b []byte) string {
	if len(b) > 6 {
		b = b[:6]
	}
	return fmt.Sprintf("%X", b)
}

// isZero tells whether a stored commitment is unset (empty or all zero bytes).
func isZero(b []byte) bool {
	for _, x := range b {
		if x != 0 {
			return false
		}
	}
	return true
}
