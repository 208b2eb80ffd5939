package planner

import (
	"bytes"
	"context"
	"errors"
	"fmt"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/ledger"
	"github.com/slush-tree/slush/circuits/smt"
	"github.com/slush-tree/slush/relayer/chainclient"
	"github.com/slush-tree/slush/relayer/tree"
	"github.com/slush-tree/slush/relayer/witness"
	slushtypes "github.com/slush-tree/slush/types"
	validiumtypes "github.com/slush-tree/slush/x/validium/types"
)

// maxOutboxScan bounds the outbox positions after a withdrawal's queueing that are searched for
// its message. Past it the withdrawal is still proven, as a no-op: an executed op has moved its
// account's nonce, which the parent accepts as unexecutable (PROTOCOL "Forced withdrawal").
const maxOutboxScan = 4096

// errNotExecuted means the child's ledger at the proving commitment can still execute the
// withdrawal: there is nothing to prove yet.
var errNotExecuted = errors.New("the child's ledger can still execute the withdrawal")

// planWithdrawals drives the forced withdrawals (issue 20) every served parent holds for a
// served child, in two steps, each once its guard allows: on the child, MsgExecuteForcedWithdrawal
// runs the user's signed bridge-out while the child's ledger can execute it (the parent's record
// proven under the parent app hash the child trusts, as planReceiveForced does); on the parent,
// MsgProveForcedWithdrawal, once the child's accepted commitment is anchored after the queueing,
// shows its message in that commitment's outbox or its op unexecutable there (a no-op).
func (pl *Planner) planWithdrawals(ctx context.Context) []Job {
	var jobs []Job
	for _, name := range pl.tree.Names() {
		c := pl.tree.Node(name)
		if c.Parent == nil || !pl.tasks.Ready("messages "+c.Parent.Name) || !pl.tasks.Ready("withdrawals "+name) {
			continue
		}
		ws, err := c.Parent.PendingForcedWithdrawals(ctx, c.Index, 0)
		if err == nil && len(ws) > 0 {
			err = c.LoadLedgerParams(ctx)
		}
		if err != nil {
			pl.tasks.Fail("withdrawals "+name, "withdrawal", name, err)
			continue
		}
		pl.tasks.Succeed("withdrawals " + name)
		if len(ws) == 0 {
			continue
		}
		jobs = append(jobs, pl.planExecutions(ctx, c, ws)...)
		jobs = append(jobs, pl.planWithdrawalProofs(ctx, c, ws)...)
	}
	return jobs
}

// planExecutions plans MsgExecuteForcedWithdrawal on c for each pending withdrawal its ledger (as
// of its latest block) can execute: an op it cannot execute is left to the no-op proof, and one
// it executed has moved its account's nonce.
func (pl *Planner) planExecutions(ctx context.Context, c *tree.Node, ws []validiumtypes.ForcedWithdrawal) []Job {
	h, err := c.Height(ctx)
	var st *ledger.State
	if err == nil {
		st, err = witness.LedgerAt(ctx, c, c.Vid, c.LedgerParams.Ledger(), h)
	}
	if err != nil {
		pl.tasks.Fail("withdrawals "+c.Name, "withdrawal", c.Name, err)
		return nil
	}
	var jobs []Job
	for _, w := range ws {
		t, ok := pl.ready("withdrawal", c.Name, w.OpHash)
		if !ok {
			continue
		}
		j, err := pl.planExecuteWithdrawal(ctx, c, st, w)
		jobs = pl.add(jobs, t, j, err, "forced withdrawal waits", "chain", c.Name, "seq", w.Sequence)
	}
	return jobs
}

// planExecuteWithdrawal proves w in c's parent's store at the height c's light client trusts, if
// c's ledger st can execute w's op.
func (pl *Planner) planExecuteWithdrawal(ctx context.Context, c *tree.Node, st *ledger.State, w validiumtypes.ForcedWithdrawal) (*Job, error) {
	op, err := validiumtypes.DecodeWithdrawalOp(w.Op)
	if err != nil {
		return nil, err
	}
	if ok, err := executable(st, op); err != nil || !ok {
		return nil, err
	}
	client, err := c.ParentClient(ctx, 0)
	if err != nil {
		return nil, err
	}
	key, err := validiumtypes.ForcedWithdrawalStoreKey(c.Index, w.Sequence)
	if err != nil {
		return nil, err
	}
	record, proof, err := c.Parent.StoreProof(ctx, validiumtypes.StoreKey, key, client.Height-1)
	if err != nil {
		return nil, err
	}
	if len(record) == 0 {
		return nil, fmt.Errorf("%w: withdrawal %d is newer than the parent height %s trusts", witness.ErrNotYet, w.Sequence, c.Name)
	}
	var held validiumtypes.ForcedWithdrawal
	if err := held.Unmarshal(record); err != nil {
		return nil, err
	}
	if held.Status != validiumtypes.ForcedWithdrawalStatus_FORCED_WITHDRAWAL_STATUS_PENDING {
		return nil, fmt.Errorf("%w: withdrawal %d is %s at the parent height %s trusts", witness.ErrNotYet, w.Sequence, held.Status, c.Name)
	}
	seq := w.Sequence
	return &Job{
		Node: c, Kind: "MsgExecuteForcedWithdrawal",
		Msgs: []sdk.Msg{&validiumtypes.MsgExecuteForcedWithdrawal{Sender: c.Address().String(), Sequence: seq, Record: record, Proof: proof}},
		Done: func(res *chainclient.TxResult) {
			pl.log.Info("forced withdrawal executed", "chain", c.Name, "seq", seq, "account", op.From, "amount", op.Amount, "block", res.Height)
		},
	}, nil
}

// planWithdrawalProofs plans MsgProveForcedWithdrawal on c's parent for each pending withdrawal
// the child's latest accepted commitment settles: anchored after the queueing, its ledger either
// holds the withdrawal's message in its outbox or cannot execute the op.
func (pl *Planner) planWithdrawalProofs(ctx context.Context, c *tree.Node, ws []validiumtypes.ForcedWithdrawal) []Job {
	p := c.Parent
	held, err := p.Child(ctx, c.Index, 0)
	if err != nil {
		pl.tasks.Fail("withdrawals "+c.Name, "withdrawal", c.Name, err)
		return nil
	}
	if held.Child.Status != validiumtypes.ChildStatus_CHILD_STATUS_ACTIVE {
		return nil // a frozen child's users exit; nothing is proven for it
	}
	var latest *provingState // read once, for the first withdrawal it can settle
	var jobs []Job
	for _, w := range ws {
		if held.Child.AnchorHeight <= w.QueuedAnchorHeight {
			continue // no accepted state after the queueing yet
		}
		t, ok := pl.ready("withdrawal-proof", p.Name, w.OpHash)
		if !ok {
			continue
		}
		if latest == nil {
			if latest, err = pl.provingState(ctx, c, held.Child.LatestCommitment, held.Child.AnchorHeight); err != nil {
				pl.tasks.Fail(t.key, t.task, t.chain, err)
				return jobs
			}
		}
		j, err := pl.planProveWithdrawal(ctx, c, held.History, latest, w)
		jobs = pl.add(jobs, t, j, err, "forced withdrawal proof waits", "chain", p.Name, "child", c.Name, "seq", w.Sequence)
	}
	return jobs
}

// provingState is the child's ledger at the block of one of its accepted commitments.
type provingState struct {
	fields slushtypes.CommitmentFields
	ledger *ledger.State
}

// provingState opens c's ledger at the block of its commitment with hash h, anchored at anchor.
func (pl *Planner) provingState(ctx context.Context, c *tree.Node, h []byte, anchor uint64) (*provingState, error) {
	rec, err := commitmentRecord(ctx, c, h, anchor, 0)
	if err != nil {
		return nil, err
	}
	st, err := witness.LedgerAt(ctx, c, c.Vid, c.LedgerParams.Ledger(), rec.Height)
	if err != nil {
		return nil, err
	}
	return &provingState{fields: rec.Fields, ledger: st}, nil
}

// planProveWithdrawal proves w against the child's accepted commitment at `latest`.
func (pl *Planner) planProveWithdrawal(ctx context.Context, c *tree.Node, history []validiumtypes.HistoryEntry, latest *provingState, w validiumtypes.ForcedWithdrawal) (*Job, error) {
	op, err := validiumtypes.DecodeWithdrawalOp(w.Op)
	if err != nil {
		return nil, err
	}
	queuedTree, queuedSize, err := pl.queuedOutbox(ctx, c, history, w)
	if err != nil {
		return nil, err
	}
	inc, noOp, err := withdrawalProof(latest.ledger, latest.fields, op, queuedTree, queuedSize)
	if errors.Is(err, errNotExecuted) {
		return nil, fmt.Errorf("%w: %s has not executed withdrawal %d in its accepted state", witness.ErrNotYet, c.Name, w.Sequence)
	}
	if err != nil {
		return nil, err
	}
	p, seq := c.Parent, w.Sequence
	return &Job{
		Node: p, Kind: "MsgProveForcedWithdrawal",
		Msgs: []sdk.Msg{&validiumtypes.MsgProveForcedWithdrawal{Sender: p.Address().String(), ChildIndex: c.Index, Sequence: seq, Inclusion: inc, NoOp: noOp}},
		Done: func(res *chainclient.TxResult) {
			pl.log.Info("forced withdrawal proven", "chain", p.Name, "child", c.Name, "seq", seq, "executed", inc != nil, "block", res.Height)
		},
	}, nil
}

// queuedOutbox opens the outbox root w recorded at its queueing, (tree root, size): the child's
// outbox at its accepted commitment anchored at w's queued anchor height, read from the child at
// that commitment's block.
func (pl *Planner) queuedOutbox(ctx context.Context, c *tree.Node, history []validiumtypes.HistoryEntry, w validiumtypes.ForcedWithdrawal) (fr.Element, uint64, error) {
	var h []byte
	for _, e := range history {
		if e.RootHeight == w.QueuedAnchorHeight {
			h = e.Commitment
		}
	}
	if h == nil {
		return fr.Element{}, 0, fmt.Errorf("%s's history on its parent no longer holds anchor %d, where withdrawal %d was queued", c.Name, w.QueuedAnchorHeight, w.Sequence)
	}
	st, err := pl.provingState(ctx, c, h, w.QueuedAnchorHeight)
	if err != nil {
		return fr.Element{}, 0, err
	}
	out := st.ledger.Outbox()
	treeRoot, err := out.TreeRoot()
	if err != nil {
		return fr.Element{}, 0, err
	}
	if root := smt.AccumulatorRoot(treeRoot, out.Size()); !bytes.Equal(hash.EncodeElement(root), w.QueuedOutboxRoot) {
		return fr.Element{}, 0, fmt.Errorf("%s's outbox at anchor %d is not the one withdrawal %d recorded", c.Name, w.QueuedAnchorHeight, w.Sequence)
	}
	return treeRoot, out.Size(), nil
}

// executable tells whether the ledger st can execute the bridge-out op now, by the rules its
// debit and the parent's no-op check share (types.NoOpReason): the account exists, the op's key
// owns it, it holds the op's asset, its nonce is the op's and its balance covers the amount.
func executable(st *ledger.State, op ledger.Op) (bool, error) {
	a, ok, err := st.Account(op.From)
	if err != nil || !ok {
		return false, err
	}
	owner := ledger.OwnerHash(op.PubKey)
	return a.Owner.Equal(&owner) && a.Asset.Equal(&op.Asset) && a.Nonce == op.Nonce && a.Balance >= op.Amount, nil
}

// withdrawalProof settles a forced withdrawal of op against the child's ledger st, read at the
// block of the accepted commitment whose preimage is fields (anchored after the queueing, when the
// child's outbox was the accumulator (queuedTree, queuedSize)): the inclusion of the message op
// appended at a position at or after queuedSize, or else, when st cannot execute op, the opening
// of op's account as a no-op. errNotExecuted while st can still execute it.
func withdrawalProof(st *ledger.State, fields slushtypes.CommitmentFields, op ledger.Op, queuedTree fr.Element, queuedSize uint64) (*validiumtypes.WithdrawalInclusion, *validiumtypes.AccountOpening, error) {
	if ok, err := executable(st, op); err != nil || ok {
		if err == nil {
			err = errNotExecuted
		}
		return nil, nil, err
	}
	out := st.Outbox()
	for pos := queuedSize; pos < out.Size() && pos-queuedSize < maxOutboxScan; pos++ {
		item, err := out.Get(pos)
		if err != nil {
			return nil, nil, err
		}
		if m := validiumtypes.WithdrawalMessage(op, st.Vid(), pos); item != m.Hash() {
			continue
		}
		p, err := out.Prove(pos)
		if err != nil {
			return nil, nil, err
		}
		inc := &validiumtypes.WithdrawalInclusion{Commitment: fields, Position: pos, OutboxSize: p.Size,
			QueuedOutboxTreeRoot: hash.EncodeElement(queuedTree), QueuedOutboxSize: queuedSize}
		inc.Siblings = hash.EncodeElements(p.Siblings)
		return inc, nil, nil
	}
	o, err := validiumtypes.NewAccountOpening(st, fields, op.From)
	if err != nil {
		return nil, nil, err
	}
	return nil, &o, nil
}
