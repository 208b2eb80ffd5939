package planner

import (
	"bytes"
	"context"
	"fmt"

	ledgertypes "github.com/slush-tree/slush/x/ledger/types"
	treetypes "github.com/slush-tree/slush/x/tree/types"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"

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

// proveUpdate replays the child's log from pos to the target commitment's log length, cut at
// ends into chained batches (DESIGN §5 "Bursts"; none when nothing was logged), proves each
// batch's claims under the target's anchor, checks the replay ends at the target's roots, proves
// the batches and returns the update (without operator, index and prev), with the exit proofs of
// its exit entries. With transfer, the batches that claim nothing are proven with the transfer
// circuit (issue 15).
func (pl *Planner) proveUpdate(ctx context.Context, c *tree.Node, target treetypes.OwnCommitment, pos uint64, ends []uint64, transfer bool, hc int64,
) (*validiumtypes.MsgSubmitUpdate, error) {
	ops, err := replay.FetchLog(ctx, c, pos, target.LogLength, hc)
	if err != nil {
		return nil, err
	}
	anchor, err := hash.DecodeElement(target.Fields.AnchorCommitment)
	if err != nil {
		return nil, err
	}
	msg := &validiumtypes.MsgSubmitUpdate{NewCommitment: target.Fields}
	witnesses := make([]ledger.Witness, len(ends))
	entries := make([]int, len(ends))
	from := pos
	for i, end := range ends {
		if witnesses[i], entries[i], err = pl.buildBatch(ctx, c, msg, ops[from-pos:end-pos], target, anchor); err != nil {
			return nil, err
		}
		from = end
	}
	if err := replayReaches(c.Replica.State(), target); err != nil {
		return nil, fmt.Errorf("replaying %d operations of %s: %w", len(ops), c.Name, err)
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
	for i, w := range witnesses {
		proof, used, err := pl.prover.ProveBatch(w, transfer, "chain", c.Name, "batch", fmt.Sprintf("%d/%d", i+1, len(witnesses)),
			"entries", entries[i], "claims", len(w.Claims), "batch_size", c.LedgerParams.BatchSize, "anchor", target.Fields.AnchorHeight)
		if err != nil {
			return nil, err
		}
		b := validiumtypes.NewLedgerBatch(w.Public, entries[i], proof)
		b.Transfer = used
		msg.Batches = append(msg.Batches, b)
	}
	return msg, nil
}

// buildBatch records ops through one batch on c's replica, adds their inbox entries (and the
// proofs of its exits) to msg, and builds the batch's witness, its claims proven under the
// target's anchor. It returns the witness and how many inbox entries the batch consumed.
func (pl *Planner) buildBatch(ctx context.Context, c *tree.Node, msg *validiumtypes.MsgSubmitUpdate, ops []ledgertypes.LoggedOp,
	target treetypes.OwnCommitment, anchor fr.Element,
) (ledger.Witness, int, error) {
	batch, err := ledger.NewBatchBuilder(c.Replica.State())
	if err != nil {
		return ledger.Witness{}, 0, err
	}
	entries := 0
	for _, logged := range ops {
		op, err := c.Replica.Record(batch, logged)
		if err != nil {
			return ledger.Witness{}, 0, err
		}
		if op.Kind != ledger.OpBridgeIn {
			continue
		}
		entries++
		msg.InboxEntries = append(msg.InboxEntries, validiumtypes.InboxEntry{MessageHash: hash.EncodeElement(op.Msg.Hash()), Source: uint32(op.Source)})
		if op.Source == ledger.SourceExit {
			proof, err := exitProof(ctx, c, op.Msg, target.Height)
			if err != nil {
				return ledger.Witness{}, 0, err
			}
			msg.Exits = append(msg.Exits, proof)
		}
	}
	claims, err := pl.claimWitnesses(ctx, batch.Claims(), target.Fields.AnchorHeight)
	if err != nil {
		return ledger.Witness{}, 0, err
	}
	w, err := batch.Build(target.Fields.AnchorHeight, anchor, claims)
	return w, entries, err
}

// replayReaches checks the replica holds the target commitment's ledger, outbox and receipt roots.
func replayReaches(st *ledger.State, target treetypes.OwnCommitment) error {
	for _, r := range []struct {
		name string
		get  func() (fr.Element, error)
		want []byte
	}{
		{"ledger", st.Root, target.Fields.LedgerRoot},
		{"outbox", st.OutboxRoot, target.Fields.OutboxRoot},
		{"receipt", st.ReceiptRoot, target.Fields.ReceiptRoot},
	} {
		got, err := r.get()
		if err != nil {
			return err
		}
		if !bytes.Equal(hash.EncodeElement(got), r.want) {
			return fmt.Errorf("the %s root is not the one of the commitment at %d", r.name, target.Height)
		}
	}
	return nil
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
