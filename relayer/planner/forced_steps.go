package planner

import (
	"context"
	"errors"
	"fmt"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"

	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/inclusion"
	"github.com/slush-tree/slush/circuits/ledger"
	"github.com/slush-tree/slush/circuits/smt"
	"github.com/slush-tree/slush/circuits/subtree"
	"github.com/slush-tree/slush/relayer/tree"
	"github.com/slush-tree/slush/relayer/witness"
	slushtypes "github.com/slush-tree/slush/types"
	treetypes "github.com/slush-tree/slush/x/tree/types"
	validiumtypes "github.com/slush-tree/slush/x/validium/types"
)

// forcedDeposits opens the forced deposits one child update consumed (subtree.KindLeafForced
// steps): each in the outbox of the chain c that accepted the update, at the block that accepted
// it. A forced deposit is a bridge-out c's ledger burnt for the grandchild (x/bridge
// BurnForChild), so its message is in c's outbox at the position its nonce names.
type forcedDeposits struct {
	// outbox is c's outbox root at that block: the steps' ParentOutbox.
	outbox fr.Element
	// byHash are the openings by entry hash, their slots unset (addEntry sets them).
	byHash map[fr.Element]subtree.DepositOpening
}

// forcedReader is what forced deposits are opened from on the chain c that accepted them: its
// forced queue for a child (x/validium Child, with each queued message's preimage) and its
// ledger store (the outbox), at a block.
type forcedReader interface {
	witness.StoreReader
	Child(ctx context.Context, index uint32, atHeight int64) (*validiumtypes.QueryChildResponse, error)
}

// forcedKeys say whether a relayer whose keys_dir holds the forced leaf and node ledger step
// verifying keys leafVK and nodeVK (nil: absent) can prove forced steps (kinds 9 and 10) for a
// parent with params: nil for a key exactly the parent's leaf_forced_step_key or
// node_ledger_forced_step_key, else why not (wrapping errUnprovableMove: a grandchild batch that
// consumed forced deposits stops the plan before it).
func forcedKeys(params validiumtypes.Params, leafVK, nodeVK []byte) (leaf, node error) {
	return stepKeyCheck("leaf_forced_step_key", params.LeafForcedStepKey, leafVK, subtree.KindLeafForced),
		stepKeyCheck("node_ledger_forced_step_key", params.NodeLedgerForcedStepKey, nodeVK, subtree.KindNodeLedgerForced)
}

// forcedEntries are the hashes of the forced entries msg consumed, in order.
func forcedEntries(msg *validiumtypes.MsgSubmitUpdate) ([]fr.Element, error) {
	var out []fr.Element
	for _, e := range msg.InboxEntries {
		h, src, err := e.Decode()
		if err != nil {
			return nil, err
		}
		if src == ledger.SourceForced {
			out = append(out, h)
		}
	}
	return out, nil
}

// withDeposits is mv with the forced deposits it consumed opened in c's outbox (mv as is when it
// consumed none). Without the keys of the forced step kind that proves mv's batches (keyErr says
// why: plan.leafForced, plan.nodeLedgerForced) the move is unprovable, and nothing is read.
func (pl *Planner) withDeposits(ctx context.Context, c *tree.Node, keyErr error, mv childMove) (childMove, error) {
	forced, err := forcedEntries(mv.msg)
	if err != nil || len(forced) == 0 {
		return mv, err
	}
	if keyErr != nil {
		return childMove{}, keyErr
	}
	if mv.deposits, err = readDeposits(ctx, c, c.Vid, c.LedgerParams.Ledger(), mv, forced); err != nil {
		return childMove{}, fmt.Errorf("%s's forced deposits into its child %d: %w", c.Name, mv.msg.ChildIndex, err)
	}
	return mv, nil
}

// readDeposits opens each forced entry of mv (forced) in the outbox of the chain c (of vid vid,
// ledger shape params) that accepted mv: the message's preimage from c's forced queue for the
// grandchild at the block before (an update's block drops what it consumed from the queue), its
// path in c's outbox at the accepting block, whose root the openings share. An entry that is not
// a deposit c burnt for the grandchild — a routed message (another chain sent it), a message
// addressed elsewhere, one c's outbox does not hold at its position — is errUnprovableMove.
func readDeposits(ctx context.Context, c forcedReader, vid fr.Element, params ledger.Params, mv childMove, forced []fr.Element) (*forcedDeposits, error) {
	if mv.height < 2 {
		return nil, fmt.Errorf("a child update accepted at block %d", mv.height)
	}
	index := uint8(mv.msg.ChildIndex)
	dst, err := subtree.ChildVid(vid, index)
	if err != nil {
		return nil, err
	}
	queued, err := queuedMessages(ctx, c, uint32(index), mv.height-1)
	if err != nil {
		return nil, err
	}
	st, err := witness.LedgerAt(ctx, c, vid, params, mv.height)
	if err != nil {
		return nil, fmt.Errorf("the ledger at %d: %w", mv.height, err)
	}
	out := st.Outbox()
	d := &forcedDeposits{byHash: map[fr.Element]subtree.DepositOpening{}}
	if d.outbox, err = out.Root(); err != nil {
		return nil, err
	}
	for _, h := range forced {
		m, ok := queued[h]
		if !ok {
			return nil, fmt.Errorf("forced entry %X is not among the first operations of the queue for child %d at block %d (the query lists at most 100)",
				hash.EncodeElement(h), index, mv.height-1)
		}
		if d.byHash[h], err = openDeposit(out, vid, dst, m); err != nil {
			return nil, fmt.Errorf("forced entry %X: %w", hash.EncodeElement(h), err)
		}
	}
	return d, nil
}

// queuedMessages are the messages c's forced queue for child index holds at block h to be minted
// by the child (not forwarded further down), by hash.
func queuedMessages(ctx context.Context, c forcedReader, index uint32, h int64) (map[fr.Element]inclusion.Message, error) {
	res, err := c.Child(ctx, index, h)
	if err != nil {
		return nil, fmt.Errorf("the forced queue of child %d at %d: %w", index, h, err)
	}
	out := map[fr.Element]inclusion.Message{}
	for _, op := range res.ForcedOperations {
		if op.Forward {
			continue
		}
		m, err := ledger.DecodeMessage(op.Message)
		if err != nil {
			return nil, fmt.Errorf("queued operation %d of child %d: %w", op.Sequence, index, err)
		}
		out[m.Hash()] = m
	}
	return out, nil
}

// openDeposit opens m, a forced message queued for the grandchild of vid dst, in out, the outbox
// of the chain of vid vid that queued it: m must have been sent by that chain to dst, and be the
// item at its nonce (a bridge-out's position in its sender's outbox).
func openDeposit(out *smt.Accumulator, vid, dst fr.Element, m inclusion.Message) (subtree.DepositOpening, error) {
	switch {
	case !m.SrcVid.Equal(&vid):
		return subtree.DepositOpening{}, fmt.Errorf("%w: a message from %s routed through the forced queue, not a deposit its parent burnt (it is in no outbox of the parent)",
			errUnprovableMove, slushtypes.VidName(m.SrcVid))
	case !m.DstVid.Equal(&dst):
		return subtree.DepositOpening{}, fmt.Errorf("%w: a deposit addressed to %s, not to the grandchild %s", errUnprovableMove,
			slushtypes.VidName(m.DstVid), slushtypes.VidName(dst))
	case m.Nonce >= out.Size():
		return subtree.DepositOpening{}, fmt.Errorf("%w: its position %d is not in the parent's outbox of %d messages", errUnprovableMove, m.Nonce, out.Size())
	}
	p, err := out.Prove(m.Nonce)
	if err != nil {
		return subtree.DepositOpening{}, err
	}
	if h := m.Hash(); !p.Item.Equal(&h) {
		return subtree.DepositOpening{}, fmt.Errorf("%w: the parent's outbox holds another message at its position %d", errUnprovableMove, m.Nonce)
	}
	return subtree.DepositOpening{Message: m, Proof: p}, nil
}

// outboxGrowth proves that an outbox root of the updating chain holding size items (a forced
// step's ParentOutbox) is an earlier state of the outbox root of the commitment the update
// targets: what the parent checks of a kind-9 step (x/validium forcedOutbox).
type outboxGrowth func(earlier fr.Element, size uint64) (*validiumtypes.OutboxGrowth, error)

// growthTo is the outboxGrowth to c's commitment target: c's outbox at target's block (of ledger
// shape params), opened on first use and checked against target's outbox root. It is made when
// the update is assembled, since the steps are proven before their target is chosen (readyCut).
func growthTo(ctx context.Context, c witness.StoreReader, vid fr.Element, params ledger.Params, target treetypes.OwnCommitment) outboxGrowth {
	var out *smt.Accumulator
	return func(earlier fr.Element, size uint64) (*validiumtypes.OutboxGrowth, error) {
		if out == nil {
			var err error
			if out, err = targetOutbox(ctx, c, vid, params, target); err != nil {
				return nil, err
			}
		}
		return proveGrowth(out, earlier, size)
	}
}

// targetOutbox is c's outbox at target's block, whose root must be target's outbox root.
func targetOutbox(ctx context.Context, c witness.StoreReader, vid fr.Element, params ledger.Params, target treetypes.OwnCommitment) (*smt.Accumulator, error) {
	fields, err := target.Fields.Decode()
	if err != nil {
		return nil, err
	}
	st, err := witness.LedgerAt(ctx, c, vid, params, target.Height)
	if err != nil {
		return nil, fmt.Errorf("the ledger at %d: %w", target.Height, err)
	}
	root, err := st.Outbox().Root()
	if err != nil {
		return nil, err
	}
	if !root.Equal(&fields.OutboxRoot) {
		return nil, fmt.Errorf("the outbox at %d has root %X, its commitment %X", target.Height, hash.EncodeElement(root), hash.EncodeElement(fields.OutboxRoot))
	}
	return st.Outbox(), nil
}

// proveGrowth is the proof that earlier, out's root when it held size items, is an earlier state
// of out's root, checked as the parent checks it (smt.VerifyAccumulatorGrowth).
func proveGrowth(out *smt.Accumulator, earlier fr.Element, size uint64) (*validiumtypes.OutboxGrowth, error) {
	g, err := out.ProveGrowth(size)
	if err != nil {
		return nil, err
	}
	later, err := out.Root()
	if err != nil {
		return nil, err
	}
	if err := smt.VerifyAccumulatorGrowth(earlier, later, out.Depth(), g); err != nil {
		return nil, fmt.Errorf("the outbox root %X of %d messages against the target's: %w", hash.EncodeElement(earlier), size, err)
	}
	return &validiumtypes.OutboxGrowth{EarlierSize: g.EarlierSize, LaterSize: g.LaterSize, Last: hash.EncodeElement(g.Last),
		Siblings: hash.EncodeElements(g.Siblings)}, nil
}

// forcedFields are what a forced step (kinds 9 and 10) carries beside its proof: the outbox root
// its deposits were opened under and the proof (growth) that it is an earlier state of the
// target's.
func forcedFields(st plannedStep, growth outboxGrowth) ([]byte, *validiumtypes.OutboxGrowth, error) {
	w, ok := st.w.(subtree.LeafStepWitness)
	if n, isNode := st.w.(subtree.NodeLedgerStepWitness); isNode {
		w, ok = n.Move, true
	}
	if !ok || len(w.Deposits) == 0 {
		return nil, nil, errors.New("a forced step without deposits")
	}
	g, err := growth(w.ParentOutbox, w.Deposits[0].Proof.Size)
	if err != nil {
		return nil, nil, err
	}
	return hash.EncodeElement(w.ParentOutbox), g, nil
}
