package planner

import (
	"bytes"
	"context"
	"errors"
	"fmt"

	treetypes "github.com/slush-tree/slush/x/tree/types"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"

	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/ledger"
	"github.com/slush-tree/slush/relayer/chainclient"
	"github.com/slush-tree/slush/relayer/replay"
	"github.com/slush-tree/slush/relayer/tree"
	"github.com/slush-tree/slush/relayer/witness"
	slushtypes "github.com/slush-tree/slush/types"
	validiumtypes "github.com/slush-tree/slush/x/validium/types"
)

// maxCommitmentWalk bounds how many of the child's commitment records one selection reads.
const maxCommitmentWalk = 512

// errStalled: every commitment with a new anchor holds more unproven operations than one update's
// batches can prove.
var errStalled = errors.New("stalled")

// selectCommitment picks the child commitment an update proves (DESIGN §5): the newest record
// whose anchor is above the parent's record of the child (anchors must advance), whose log
// length is between the proven position pos and reach (as far as max_batches_per_update batches
// from pos go, "Bursts"), and whose anchor the parent knows. next yields the child's records
// newest first (ok=false at the end); known checks an anchor on the parent. It returns ok=false
// with a nil error when there is nothing new to prove, and errStalled when new anchors exist but
// all of them are beyond reach.
func selectCommitment(next func() (treetypes.OwnCommitment, bool, error), pos, lastAnchor, reach uint64,
	known func(treetypes.OwnCommitment) (bool, error),
) (treetypes.OwnCommitment, bool, error) {
	tooFar := 0
	for i := 0; i < maxCommitmentWalk; i++ {
		rec, ok, err := next()
		if err != nil || !ok {
			break
		}
		if rec.Fields.AnchorHeight <= lastAnchor || rec.LogLength < pos {
			break // older records only get older
		}
		if rec.LogLength > reach {
			tooFar++
			continue
		}
		ok, err = known(rec)
		if err != nil {
			return treetypes.OwnCommitment{}, false, err
		}
		if ok {
			return rec, true, nil
		}
	}
	if tooFar > 0 {
		return treetypes.OwnCommitment{}, false, fmt.Errorf("%w: %d commitments with an anchor above %d are past log position %d, as far as one update proves from %d",
			errStalled, tooFar, lastAnchor, reach, pos)
	}
	return treetypes.OwnCommitment{}, false, nil
}

// Update prepares the next MsgSubmitUpdate of c on its parent, proving the child's log since the
// accepted position as chained ledger batches, or none when nothing was logged (DESIGN §5
// "Bursts"): everything is read from the two chains (the parent's record of c says what is proven).
func (pl *Planner) Update(ctx context.Context, c *tree.Node) ([]Job, error) {
	p := c.Parent
	if !pl.prover.HasLedger() {
		return nil, errors.New("no ledger circuit")
	}
	if err := c.LoadLedgerParams(ctx); err != nil {
		return nil, err
	}
	if c.LedgerParams != pl.prover.LedgerParams() {
		return nil, fmt.Errorf("ledger params %+v are not the proving key's %+v", c.LedgerParams, pl.prover.LedgerParams())
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
	if rec.Departed { // it left this parent (issue 20): nothing here takes its updates again
		pl.log.Debug("child departed", "chain", c.Name, "parent", p.Name, "new_parent", child.Departure.GetNewParent())
		return nil, nil
	}
	if child.Status != validiumtypes.ChildStatus_CHILD_STATUS_ACTIVE {
		pl.log.Debug("child not active", "chain", c.Name, "status", child.Status.String(), "reason", child.FreezeReason)
		return nil, nil
	}
	if child.Operator != p.Address().String() {
		return nil, fmt.Errorf("%s is operated by %s on %s, the relayer's key there is %s", c.Name, child.Operator, p.Name, p.Address())
	}
	if !bytes.Equal(child.VerifyingKey, pl.prover.LedgerVK()) {
		return nil, fmt.Errorf("%s registered another ledger verifying key than keys_dir/ledger.vk", c.Name)
	}
	transfer, err := pl.transferCircuit(c.Name, child)
	if err != nil {
		return nil, err
	}
	stepped, err := pl.provenByStep(ctx, c)
	if err != nil {
		return nil, err
	}
	if stepped { // the step embeds the claim circuit's key, and needs a proof of every update
		transfer = false
	}

	ledgerNow, err := c.Ledger(ctx, hc)
	if err != nil {
		return nil, err
	}
	id, err := c.TreeIdentity(ctx, hc)
	if err != nil {
		return nil, err
	}
	origin, err := childOrigin(c, child, id.MovedFrom)
	if err != nil {
		return nil, err
	}
	pos, err := provenPosition(ctx, c, c.Replica, origin, child, ledgerNow.LogLength, hc)
	if err != nil {
		return nil, err
	}

	params, err := p.ValidiumParams(ctx, hp)
	if err != nil {
		return nil, err
	}
	plan, err := pl.subtreePlanFor(ctx, c, params, child, hc)
	if err != nil {
		return nil, err
	}

	// the newest commitment the parent can accept (with at most max_steps_per_update steps, and
	// within the parent's step budget when a chain above steps the parent's children)
	caps := newUpdateCaps(params, len(p.Path))
	h := hc
	var planned []plannedStep
	if plan != nil {
		var stop int64
		if planned, stop, err = pl.planSteps(ctx, c, plan); err != nil {
			return nil, err
		}
		if n := stepsInFirstBlock(planned); n > caps.steps {
			return nil, fmt.Errorf("%w: %s's block %d accepted child updates of %d steps, more than the %d an update to %s may carry",
				errStalled, c.Name, planned[0].height, n, caps.steps, p.Name)
		}
		cut := pl.subtreeSteps(c, planned, stop, caps.steps, hc)
		h = min(cut, hc-1) // one block below c's head: its transaction index may not hold that block yet
	}
	next := func() (treetypes.OwnCommitment, bool, error) {
		if h < 1 {
			return treetypes.OwnCommitment{}, false, nil
		}
		rec, err := c.Commitment(ctx, h, hc)
		h--
		if chainclient.IsNoCommitment(err) {
			return treetypes.OwnCommitment{}, false, nil
		}
		if err == nil && beforeMove(origin, c.Vid, rec) {
			return treetypes.OwnCommitment{}, false, nil // as is every older one
		}
		return rec, err == nil, err
	}
	known := func(rec treetypes.OwnCommitment) (bool, error) {
		rc, err := p.RootCommitment(ctx, rec.Fields.AnchorHeight, hp)
		if err != nil {
			return false, err
		}
		return rc.Known && bytes.Equal(rc.Commitment, rec.Fields.AnchorCommitment), nil
	}
	ends, err := replay.BatchEnds(ctx, c, pos, ledgerNow.LogLength, c.LedgerParams, caps.batches(stepsUpTo(planned, h)), caps.batchBounds(), hc)
	if err != nil {
		return nil, err
	}
	reach := pos
	if len(ends) > 0 {
		reach = ends[len(ends)-1]
	}
	target, ok, err := selectCommitment(next, pos, child.AnchorHeight, reach, known)
	if err != nil || !ok {
		return nil, err
	}
	pl.log.Debug("update target", "child", c.Name, "pos", pos, "logged", ledgerNow.LogLength, "reach", reach,
		"target_log_length", target.LogLength, "target_anchor", target.Fields.AnchorHeight, "last_anchor", child.AnchorHeight, "height", hc)
	ends = replay.EndsUpTo(ends, pos, target.LogLength)
	if (stepped || caps.budgeted) && len(ends) == 0 { // the parent requires a batch (ErrUpdateWithoutBatch)
		if !isZero(child.LatestCommitment) && (target.Fields.AnchorHeight < child.AnchorHeight+pl.stepAnchorInterval || pl.steps.busy()) {
			return nil, nil // an anchor-only update costs a step above: spaced (config step_anchor_interval), and not while steps wait
		}
		ends = []uint64{pos} // its anchor batch: the inner proof of the step above
	}

	departure, err := markedDeparture(ctx, c, child, target)
	if err != nil {
		return nil, err
	}
	var routed []slushtypes.RoutedMessage
	var forwarded [][]byte
	if departure == nil { // a departing update carries neither (docs/PROTOCOL.md "Re-parenting")
		if routed, err = pl.routedUp(ctx, c, p, hc, hp); err != nil {
			return nil, err
		}
		if forwarded, err = pl.forwardedDown(ctx, c, rec.ForcedOperations, hc); err != nil {
			return nil, err
		}
	}

	msg, err := pl.proveUpdate(ctx, c, target, pos, ends, transfer, hc)
	if err != nil {
		c.Replica.Drop()                       // it may have moved: rebuild next time
		if errors.Is(err, witness.ErrNotYet) { // a claim is not final under the anchor yet: try later
			pl.log.Debug("update waits", "child", c.Name, "why", err)
			return nil, nil
		}
		return nil, err
	}
	if plan != nil {
		if msg.Steps, msg.FinalizedMoves, err = pl.stepsUpTo(ctx, c, plan, planned, child, target); err != nil {
			return nil, err
		}
	}
	msg.Operator = p.Address().String()
	msg.ChildIndex = c.Index
	msg.PrevCommitment = child.LatestCommitment
	msg.Routed, msg.Forwarded, msg.Departure = routed, forwarded, departure
	ops := target.LogLength - pos
	verifyGas := (params.VerifyGasFlat + params.VerifyGasPerPublicInput*validiumtypes.UpdatePublicInputs) * uint64(len(msg.Batches))
	proven := validiumtypes.ProvenSteps(msg.Steps)
	verifyGas += (params.VerifyGasFlat+params.VerifyGasPerPublicInput)*uint64(proven) +
		validiumtypes.NativeStepGas*uint64(len(msg.Steps)-proven)
	return []Job{{
		Node: p, Kind: "MsgSubmitUpdate", Gas: pl.gasLimit + 300_000*uint64(len(routed)) + verifyGas, Msgs: []sdk.Msg{msg},
		Done: func(res *chainclient.TxResult) {
			pl.log.Info("update accepted", "child", c.Name, "parent", p.Name, "anchor", target.Fields.AnchorHeight,
				"ops", ops, "batches", len(msg.Batches), "steps", len(msg.Steps), "log_length", target.LogLength, "routed", len(routed), "forwarded", len(forwarded),
				"block", res.Height)
		},
	}}, nil
}

// markedDeparture is the departure an update of c to its parent must name (issue 20,
// docs/PROTOCOL.md "Re-parenting"): c's own departure once governance marked it, as c's tree
// identity holds it at the block of the target commitment; nil otherwise. Only a commitment
// whose operator field is not the key hash the parent holds (the mark), or a child the parent
// already holds as departing, costs the identity query: the usual update asks nothing more.
func markedDeparture(ctx context.Context, c *tree.Node, child validiumtypes.Child, target treetypes.OwnCommitment) (*validiumtypes.Departure, error) {
	if child.Departure == nil {
		held, herr := slushtypes.DecodeOperatorKeyHash(child.OperatorKeyHash)
		field, ferr := slushtypes.DecodeOperatorKeyHash(target.Fields.OperatorKeyHash)
		if herr == nil && ferr == nil && held.Equal(&field) {
			return nil, nil
		}
	}
	id, err := c.TreeIdentity(ctx, target.Height)
	if err != nil {
		return nil, fmt.Errorf("%s's tree identity at %d: %w", c.Name, target.Height, err)
	}
	if id.Departure == nil || !id.Departure.Marked {
		return nil, nil
	}
	return &validiumtypes.Departure{NewParent: id.Departure.NewParent, NewOperator: id.Departure.NewOperator}, nil
}

// childLog is what provenPosition reads of a child: its log and its commitment records.
type childLog interface {
	replay.LogReader
	// CommitmentByHash is the child's own commitment record with that hash, at a height.
	CommitmentByHash(ctx context.Context, hash []byte, atHeight int64) (treetypes.OwnCommitment, error)
}

// provenPosition brings the child's replica rp to the log position the parent's record of it
// says is proven, and returns it: the log length of the accepted commitment (found by its
// ledger root when the child pruned that commitment); for a child that arrived with its state
// and has no commitment accepted here yet, the position of its move, found by the departed
// ledger root the record starts from (docs/PROTOCOL.md "Re-parenting"); 0 before a first
// update otherwise. logLength is the child's log length at hc.
func provenPosition(ctx context.Context, c childLog, rp *replay.Replica, o replay.Origin, child validiumtypes.Child, logLength uint64, hc int64) (uint64, error) {
	pos := uint64(0)
	switch {
	case !isZero(child.LatestCommitment):
		acc, err := c.CommitmentByHash(ctx, child.LatestCommitment, hc)
		switch {
		case err == nil:
			pos = acc.LogLength
		case chainclient.IsNoCommitment(err): // pruned from the child's history: find the position by its root
			if err := rp.Seek(ctx, c, o, logLength, child.LedgerRoot, hc); err != nil {
				return 0, err
			}
			pos = rp.Pos()
		default:
			return 0, err
		}
	case o.Moved != nil: // arrived: the record starts at the departed roots, at the move's position
		if err := rp.Seek(ctx, c, o, logLength, child.LedgerRoot, hc); err != nil {
			return 0, fmt.Errorf("the position of the arrived child's departed ledger root: %w", err)
		}
		pos = rp.Pos()
	}
	if err := rp.At(ctx, c, o, pos, child.LedgerRoot, hc); err != nil {
		return 0, err
	}
	if o.Moved != nil {
		if err := holdsRecord(rp.State(), child); err != nil {
			return 0, fmt.Errorf("the replica of the moved child at log position %d: %w", pos, err)
		}
	}
	return pos, nil
}

// holdsRecord checks a replica holds the outbox and receipt roots and the consumed inbox head
// of the parent's record (the ledger root At checks): where the next batch starts. For a moved
// child, whose record started from its departed commitment and the inbox head its departure mark
// bound (docs/PROTOCOL.md "Re-parenting"), a replica at the wrong position or replayed under the
// wrong vid is refused here, before any proving.
func holdsRecord(st *ledger.State, child validiumtypes.Child) error {
	inbox := func() (fr.Element, error) { return st.InboxHead(st.InboxConsumed()) }
	head := child.InboxHead
	if len(head) == 0 { // none consumed at the parent yet: the zero head
		head = hash.EncodeElement(fr.Element{})
	}
	for _, r := range []struct {
		name string
		get  func() (fr.Element, error)
		want []byte
	}{
		{"outbox root", st.OutboxRoot, child.OutboxRoot},
		{"receipt root", st.ReceiptRoot, child.ReceiptRoot},
		{"inbox head", inbox, head},
	} {
		got, err := r.get()
		if err != nil {
			return err
		}
		if !bytes.Equal(hash.EncodeElement(got), r.want) {
			return fmt.Errorf("its %s %X is not the parent's record's %X", r.name, hash.EncodeElement(got), r.want)
		}
	}
	return nil
}

// beforeMove tells whether rec is a commitment a child that moved with its state made before
// its move (docs/PROTOCOL.md "Re-parenting": under its old vid, marked for the departure): no
// update at its new parent can carry it. Never for a child that did not move.
func beforeMove(o replay.Origin, vid fr.Element, rec treetypes.OwnCommitment) bool {
	return o.Moved != nil && !bytes.Equal(rec.Fields.Vid, hash.EncodeElement(vid))
}

// childOrigin is what a replica of c's ledger starts from, as the parent's record of c and c's
// own identity say: for a child that arrived with its state (arrived_from set, docs/PROTOCOL.md
// "Re-parenting"), the operations it logged before its move are replayed under its old path's
// vid, up to the departed ledger root its record started from (genesis_ledger_root); for a
// descendant that followed a moved ancestor (its identity's moved_from), the ones it logged up to
// the block of its move.
func childOrigin(c *tree.Node, child validiumtypes.Child, movedFrom *treetypes.MovedFrom) (replay.Origin, error) {
	o := c.Origin()
	var from []uint32
	switch {
	case len(child.ArrivedFrom) > 0:
		from = child.ArrivedFrom
	case movedFrom != nil:
		from = movedFrom.Path
	default:
		return o, nil
	}
	old, err := slushtypes.PathFromIndices(from)
	if err != nil {
		return o, fmt.Errorf("%s's old path: %w", c.Name, err)
	}
	vid, err := old.Vid()
	if err != nil {
		return o, fmt.Errorf("%s's old path: %w", c.Name, err)
	}
	if vid == c.Vid {
		return o, fmt.Errorf("%s moved from %s, its path in the relayer's tree: restart the relayer with the tree after the move", c.Name, old)
	}
	if len(child.ArrivedFrom) > 0 {
		o.Moved = &replay.Move{From: vid, LedgerRoot: child.GenesisLedgerRoot}
	} else {
		o.Moved = &replay.Move{From: vid, Height: movedFrom.Height}
	}
	return o, nil
}

// transferCircuit tells whether c's claim-free batches are proven with the transfer circuit:
// when c registered a transfer verifying key, which must then be keys_dir/ledger-transfer.vk.
func (pl *Planner) transferCircuit(name string, child validiumtypes.Child) (bool, error) {
	if len(child.TransferVerifyingKey) == 0 {
		return false, nil
	}
	if !bytes.Equal(child.TransferVerifyingKey, pl.prover.TransferVK()) {
		return false, fmt.Errorf("%s registered another transfer verifying key than keys_dir/ledger-transfer.vk", name)
	}
	return true, nil
}
