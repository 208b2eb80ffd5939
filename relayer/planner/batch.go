package planner

import (
	"bytes"
	"context"
	"fmt"

	treetypes "github.com/slush-tree/slush/x/tree/types"

	"github.com/slush-tree/slush/circuits/commitment"
	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/inclusion"
	"github.com/slush-tree/slush/circuits/ledger"
	"github.com/slush-tree/slush/relayer/replay"
	"github.com/slush-tree/slush/relayer/tree"
	"github.com/slush-tree/slush/relayer/witness"
	acceptancetypes "github.com/slush-tree/slush/x/acceptance/types"
	validiumtypes "github.com/slush-tree/slush/x/validium/types"
)

// proveUpdate replays the child's log from pos to the target commitment's log length into one
// batch, proves its claims under the target's anchor, proves the batch and returns the update
// (without operator, index and prev), with the exit proofs of its exit entries.
func (pl *Planner) proveUpdate(ctx context.Context, c *tree.Node, target treetypes.OwnCommitment, pos uint64, hc int64) (*validiumtypes.MsgSubmitUpdate, error) {
	ops, err := replay.FetchLog(ctx, c, pos, target.LogLength, hc)
	if err != nil {
		return nil, err
	}
	batch, err := ledger.NewBatchBuilder(c.Replica.State())
	if err != nil {
		return nil, err
	}
	msg := &validiumtypes.MsgSubmitUpdate{NewCommitment: target.Fields}
	for _, logged := range ops {
		op, err := c.Replica.Record(batch, logged)
		if err != nil {
			return nil, err
		}
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
	claims, err := pl.claimWitnesses(ctx, batch.Claims(), target.Fields.AnchorHeight)
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
	msg.Histogram, msg.Subtree = report.Histogram, report.Subtree
	if len(ops) == 0 { // DESIGN §5 "Bursts": an unchanged ledger carries no proof
		return msg, nil
	}
	proof, err := pl.prover.ProveBatch(w, "chain", c.Name, "ops", len(ops), "claims", len(claims), "batch", c.LedgerParams.BatchSize,
		"anchor", target.Fields.AnchorHeight)
	if err != nil {
		return nil, err
	}
	msg.Batches = []validiumtypes.LedgerBatch{validiumtypes.NewLedgerBatch(w.Public, len(msg.InboxEntries), proof)}
	return msg, nil
}

// claimWitnesses proves each claimed message of a batch in its sender's outbox under the root
// commitment of the batch's anchor, along finalized commitments (DESIGN §7.3: the ledger proof
// proves every claim; an outbox only grows and finality only advances, so a message claimed
// under an older root commitment is also under the anchor).
func (pl *Planner) claimWitnesses(ctx context.Context, claims []inclusion.Message, anchorHeight uint64) ([]inclusion.Witness, error) {
	out := make([]inclusion.Witness, 0, len(claims))
	for _, m := range claims {
		w, err := witness.Message(ctx, pl.tree.Lookup, anchorHeight, m)
		if err != nil {
			return nil, fmt.Errorf("claimed message %X under the anchor at %d: %w", hash.EncodeElement(m.Hash()), anchorHeight, err)
		}
		out = append(out, w)
	}
	return out, nil
}

// exitProof is the proof of an exit c paid on its ledger: the opening c's exit record holds and
// the exited child's path in c's finalized children SMT at the target commitment's block.
func exitProof(ctx context.Context, c *tree.Node, m inclusion.Message, height int64) (validiumtypes.ExitProof, error) {
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
