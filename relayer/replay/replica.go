// Package replay rebuilds a chain's ledger from its operation log, as the chain executed it:
// the replica of a child's ledger an update is proven from, the room one batch has, and the
// index of where each message was minted. Everything here is a cache of chain data.
package replay

import (
	"bytes"
	"context"
	"errors"
	"fmt"

	ledgertypes "github.com/slush-tree/slush/x/ledger/types"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"

	"github.com/slush-tree/slush/circuits/commitment"
	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/ledger"
	"github.com/slush-tree/slush/circuits/smt"
)

// Replica is the prover's copy of a child's ledger after its first Pos logged operations. It is
// only a cache: it is rebuilt from the chain's log whenever it does not sit exactly where the
// parent's record of the child says the proven ledger is.
type Replica struct {
	state *ledger.State
	store smt.Store // the state's store: a moved chain's ledger is reopened in it under its new vid
	pos   uint64
	// vid and move are the origin the replica was built for (a replica built for another is rebuilt).
	vid  fr.Element
	move *Move
	// switched: the state runs under vid (from the start for a chain that never moved, from
	// the move's position for one that did).
	switched bool
}

// Origin is what a replica of a chain's ledger starts from: its vid, its shape and the
// deposits that funded it at genesis, and where it moved if it did.
type Origin struct {
	// Vid is the chain's packed tree path.
	Vid fr.Element
	// Params is the chain's ledger shape.
	Params ledgertypes.Params
	// Deposits funded the chain's ledger at genesis.
	Deposits []ledgertypes.GenesisDeposit
	// Moved is set for a chain that moved here with its state (docs/PROTOCOL.md
	// "Re-parenting"): its log is replayed under the old vid up to the move's position.
	Moved *Move
}

// Move is where a chain that moved with its state changed vid (docs/PROTOCOL.md
// "Re-parenting"): the operations it logged before the move were signed for, and sent their
// messages from, its old vid; the ones after, for its current one. The move's position is the
// first log position whose ledger root is the departed root and whose next operation (if any)
// is not a mint to the old vid: the ledger was frozen from before the departure until the move,
// and every operation changes the ledger root (a signed one its account's nonce, a mint — even
// of 0 — the consumed set), so the departed root marks one position; the mint test is kept for
// logs whose ledger roots did not cover the consumed set (a mint of 0 left them unchanged).
type Move struct {
	// From is the chain's vid before the move (the new parent's record's arrived_from).
	From fr.Element
	// LedgerRoot is the ledger root the chain departed with (the record's genesis_ledger_root).
	LedgerRoot []byte
	// Height, when set, is the block of the move instead (a descendant that followed a moved
	// ancestor, its identity's moved_from): the operations logged up to it are the old vid's, the
	// later ones the new vid's.
	Height int64
}

// startVid is the vid the chain's log starts under: the old one for a chain that moved.
func (o Origin) startVid() fr.Element {
	if o.Moved != nil {
		return o.Moved.From
	}
	return o.Vid
}

// Genesis is the chain's ledger as its genesis left it, under the vid its log starts with (the
// old one for a chain that moved).
func (o Origin) Genesis() (*ledger.State, error) {
	st, _, err := o.genesis()
	return st, err
}

func (o Origin) genesis() (*ledger.State, smt.Store, error) {
	store := smt.NewMemStore()
	st, err := ledger.NewState(store, o.startVid(), o.Params.Ledger())
	if err != nil {
		return nil, nil, err
	}
	return st, store, ledgertypes.FundLedger(st, o.Deposits)
}

// State is the replicated ledger (nil when it must be rebuilt).
func (rp *Replica) State() *ledger.State { return rp.state }

// Pos is how many logged operations the replica has applied.
func (rp *Replica) Pos() uint64 { return rp.pos }

// Drop forgets the replica: it may have moved past what its position says, so the next At
// rebuilds it from the genesis ledger.
func (rp *Replica) Drop() { rp.state = nil }

// Record applies the next logged operation through batch b (which records it for the proof)
// and advances the replica's position. A replica of a moved chain still before its move records
// nothing: a batch proven at the new position proves only what was logged after the move.
func (rp *Replica) Record(b *ledger.BatchBuilder, logged ledgertypes.LoggedOp) (ledger.Op, error) {
	if rp.state == nil {
		return ledger.Op{}, errors.New("no replica to record on: bring it to a position with At first")
	}
	if !rp.switched {
		return ledger.Op{}, fmt.Errorf("the replica is at log position %d, before the chain's move (docs/PROTOCOL.md \"Re-parenting\"): no batch is proven under its new vid from there", rp.pos)
	}
	op, err := ApplyLogged(rp.state, b, logged)
	if err != nil {
		return op, rp.explain(err)
	}
	rp.pos++
	return op, nil
}

// fits tells whether the replica was built for origin o's vids.
func (rp *Replica) fits(o Origin) bool {
	if rp.vid != o.Vid || (rp.move == nil) != (o.Moved == nil) {
		return false
	}
	return rp.move == nil || (rp.move.From == o.Moved.From && bytes.Equal(rp.move.LedgerRoot, o.Moved.LedgerRoot) && rp.move.Height == o.Moved.Height)
}

// start sets the replica to o's genesis ledger.
func (rp *Replica) start(o Origin) error {
	st, store, err := o.genesis()
	if err != nil {
		rp.state = nil
		return err
	}
	rp.state, rp.store, rp.pos, rp.vid, rp.switched = st, store, 0, o.Vid, o.Moved == nil
	rp.move = nil
	if o.Moved != nil {
		m := *o.Moved
		rp.move = &m
	}
	return nil
}

// rootIs tells whether the replica's ledger root is want.
func (rp *Replica) rootIs(want []byte) (bool, error) {
	root, err := rp.state.Root()
	if err != nil {
		return false, err
	}
	return bytes.Equal(hash.EncodeElement(root), want), nil
}

// settle reopens the replica's ledger under the chain's current vid when it sits at the move's
// position (see Move). next is the operation logged at the replica's position; nil reads it
// from the log at height (none when the log ends there).
func (rp *Replica) settle(ctx context.Context, c LogReader, next *ledgertypes.LoggedOp, height int64) error {
	if rp.switched {
		return nil
	}
	if rp.move.Height == 0 {
		if ok, err := rp.rootIs(rp.move.LedgerRoot); err != nil || !ok {
			return err
		}
	}
	if next == nil {
		ops, err := c.BatchLog(ctx, rp.pos, 1, height)
		if err != nil {
			return err
		}
		if len(ops) > 0 && ops[0].Sequence == rp.pos {
			next = &ops[0]
		}
	}
	if rp.move.Height > 0 { // the next operation (or, at the log's end, the block read) is after the move
		if (next != nil && next.Height <= rp.move.Height) || (next == nil && height != 0 && height <= rp.move.Height) {
			return nil
		}
	} else if next != nil {
		op, err := ledger.DecodeOp(next.Op)
		if err != nil {
			return fmt.Errorf("log %d: %w", next.Sequence, err)
		}
		if op.Kind == ledger.OpBridgeIn && op.Msg.DstVid == rp.move.From {
			return nil // a mint to the old vid: still before the move
		}
	}
	st, err := ledger.NewState(rp.store, rp.vid, rp.state.Params())
	if err != nil {
		return err
	}
	rp.state, rp.switched = st, true
	return nil
}

// apply replays the logged operation at the replica's position (switching vid first at the move).
func (rp *Replica) apply(ctx context.Context, c LogReader, logged ledgertypes.LoggedOp, height int64) error {
	if err := rp.settle(ctx, c, &logged, height); err != nil {
		return err
	}
	if _, err := ApplyLogged(rp.state, nil, logged); err != nil {
		return rp.explain(err)
	}
	rp.pos++
	return nil
}

// explain adds to a replay error that reads as an operation of another vid which vid the
// replica replays under, and why a moved chain's does change.
func (rp *Replica) explain(err error) error {
	if !errors.Is(err, ledger.ErrBadSignature) && !errors.Is(err, ledger.ErrWrongDestination) {
		return err
	}
	vid := rp.state.Vid()
	path, perr := commitment.UnpackVid(vid)
	name := fmt.Sprintf("%X", hash.EncodeElement(vid))
	if perr == nil {
		name = fmt.Sprint(path)
	}
	if rp.move == nil {
		return fmt.Errorf("%w (replayed for path %s; if the chain moved with its state, its log before the move is for its old vid, docs/PROTOCOL.md \"Re-parenting\")", err, name)
	}
	which := "old"
	if rp.switched {
		which = "new"
	}
	if rp.move.Height > 0 {
		return fmt.Errorf("%w (replayed for path %s, the chain's %s vid: its move is at block %d, docs/PROTOCOL.md \"Re-parenting\")",
			err, name, which, rp.move.Height)
	}
	return fmt.Errorf("%w (replayed for path %s, the chain's %s vid: its move is at the first position with ledger root %X, docs/PROTOCOL.md \"Re-parenting\")",
		err, name, which, rp.move.LedgerRoot)
}

// At brings the replica to log position pos and checks its ledger root is wantRoot. It replays
// forward from where it is, or from the genesis ledger when it is ahead of pos, was built for
// another origin or does not match. For a moved chain it switches vid at the move (see Move).
func (rp *Replica) At(ctx context.Context, c LogReader, o Origin, pos uint64, wantRoot []byte, height int64) error {
	if rp.state != nil && (rp.pos > pos || !rp.fits(o)) {
		rp.state = nil
	}
	if rp.state == nil {
		if err := rp.start(o); err != nil {
			return err
		}
	}
	ops, err := FetchLog(ctx, c, rp.pos, pos, height)
	if err != nil {
		rp.state = nil
		return err
	}
	for _, logged := range ops {
		if err := rp.apply(ctx, c, logged, height); err != nil {
			rp.state = nil
			return err
		}
	}
	if err := rp.settle(ctx, c, nil, height); err != nil {
		rp.state = nil
		return err
	}
	ok, err := rp.rootIs(wantRoot)
	if err != nil || !ok {
		root, _ := rp.state.Root()
		rp.state = nil
		if err != nil {
			return err
		}
		return fmt.Errorf("replayed ledger root after %d operations is %X, the parent accepted %X", pos, hash.EncodeElement(root), wantRoot)
	}
	return nil
}

// Seek brings the replica to the first log position whose ledger root is wantRoot (for a parent
// record whose commitment the child no longer keeps, or a chain that arrived with its state and
// has no commitment accepted here: the position is then found by the root alone), replaying
// from the genesis ledger unless the replica already sits there. It stops at logLength (the
// log's end in height's state). For a moved chain only positions from its move on count (see
// Move): that is where the new parent's record starts.
func (rp *Replica) Seek(ctx context.Context, c LogReader, o Origin, logLength uint64, wantRoot []byte, height int64) error {
	found := func(next *ledgertypes.LoggedOp) (bool, error) {
		if err := rp.settle(ctx, c, next, height); err != nil {
			return false, err
		}
		if !rp.switched {
			return false, nil
		}
		return rp.rootIs(wantRoot)
	}
	if rp.state != nil && rp.fits(o) && rp.switched && rp.pos <= logLength {
		if ok, err := rp.rootIs(wantRoot); err == nil && ok {
			return nil
		}
	}
	if err := rp.start(o); err != nil {
		return err
	}
	for {
		ops, err := FetchLog(ctx, c, rp.pos, min(rp.pos+LogPage, logLength), height)
		if err != nil {
			rp.state = nil
			return err
		}
		for i := range ops {
			ok, err := found(&ops[i])
			if err == nil && !ok {
				err = rp.apply(ctx, c, ops[i], height)
			}
			if err != nil || ok {
				if err != nil {
					rp.state = nil
				}
				return err
			}
		}
		if rp.pos >= logLength {
			ok, err := found(nil)
			if err == nil && !ok {
				err = fmt.Errorf("no prefix of the %d logged operations has the accepted ledger root %X", logLength, wantRoot)
			}
			if err != nil {
				rp.state = nil
			}
			return err
		}
	}
}
