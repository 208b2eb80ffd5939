// Package replay rebuilds a chain's ledger from its operation log, as the chain executed it:
// the replica of a child's ledger an update is proven from, the room one batch has, and the
// index of where each message was minted. Everything here is a cache of chain data.
package replay

import (
	"bytes"
	"context"
	"fmt"

	ledgertypes "github.com/slush-tree/slush/x/ledger/types"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"

	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/ledger"
	"github.com/slush-tree/slush/circuits/smt"
)

// Replica is the prover's copy of a child's ledger after its first Pos logged operations. It is
// only a cache: it is rebuilt from the chain's log whenever it does not sit exactly where the
// parent's record of the child says the proven ledger is.
type Replica struct {
	state *ledger.State
	pos   uint64
}

// Origin is what a replica of a chain's ledger starts from: its vid, its shape and the
// deposits that funded it at genesis.
type Origin struct {
	// Vid is the chain's packed tree path.
	Vid fr.Element
	// Params is the chain's ledger shape.
	Params ledgertypes.Params
	// Deposits funded the chain's ledger at genesis.
	Deposits []ledgertypes.GenesisDeposit
}

// Genesis is the chain's ledger as its genesis left it.
func (o Origin) Genesis() (*ledger.State, error) {
	st, err := ledger.NewState(smt.NewMemStore(), o.Vid, o.Params.Ledger())
	if err != nil {
		return nil, err
	}
	return st, ledgertypes.FundLedger(st, o.Deposits)
}

// State is the replicated ledger (nil when it must be rebuilt).
func (rp *Replica) State() *ledger.State { return rp.state }

// Pos is how many logged operations the replica has applied.
func (rp *Replica) Pos() uint64 { return rp.pos }

// Drop forgets the replica: it may have moved past what its position says, so the next At
// rebuilds it from the genesis ledger.
func (rp *Replica) Drop() { rp.state = nil }

// Record applies the next logged operation through batch b (which records it for the proof)
// and advances the replica's position.
func (rp *Replica) Record(b *ledger.BatchBuilder, logged ledgertypes.LoggedOp) (ledger.Op, error) {
	op, err := ApplyLogged(rp.state, b, logged)
	if err != nil {
		return op, err
	}
	rp.pos++
	return op, nil
}

// At brings the replica to log position pos and checks its ledger root is wantRoot. It replays
// forward from where it is, or from the genesis ledger when it is ahead of pos or does not match.
func (rp *Replica) At(ctx context.Context, c LogReader, o Origin, pos uint64, wantRoot []byte, height int64) error {
	if rp.state != nil && rp.pos > pos {
		rp.state = nil
	}
	if rp.state == nil {
		st, err := o.Genesis()
		if err != nil {
			return err
		}
		rp.state, rp.pos = st, 0
	}
	ops, err := FetchLog(ctx, c, rp.pos, pos, height)
	if err != nil {
		rp.state = nil
		return err
	}
	for _, logged := range ops {
		if _, err := ApplyLogged(rp.state, nil, logged); err != nil {
			rp.state = nil
			return err
		}
		rp.pos++
	}
	root, err := rp.state.Root()
	if err != nil {
		rp.state = nil
		return err
	}
	if !bytes.Equal(hash.EncodeElement(root), wantRoot) {
		rp.state = nil
		return fmt.Errorf("replayed ledger root after %d operations is %X, the parent accepted %X", pos, hash.EncodeElement(root), wantRoot)
	}
	return nil
}

// Seek rebuilds the replica from the genesis ledger, replaying the log until its root is
// wantRoot (for a parent record whose commitment the child no longer keeps: the position is then
// found by the root alone). It stops at logLength (the log's end in height's state).
func (rp *Replica) Seek(ctx context.Context, c LogReader, o Origin, logLength uint64, wantRoot []byte, height int64) error {
	st, err := o.Genesis()
	if err != nil {
		return err
	}
	rp.state, rp.pos = nil, 0
	matches := func() (bool, error) {
		root, err := st.Root()
		return err == nil && bytes.Equal(hash.EncodeElement(root), wantRoot), err
	}
	for pos := uint64(0); ; {
		if ok, err := matches(); err != nil || ok {
			if ok {
				rp.state, rp.pos = st, pos
			}
			return err
		}
		if pos >= logLength {
			return fmt.Errorf("no prefix of the %d logged operations has the accepted ledger root %X", logLength, wantRoot)
		}
		ops, err := FetchLog(ctx, c, pos, min(pos+LogPage, logLength), height)
		if err != nil {
			return err
		}
		for i, logged := range ops {
			if i > 0 {
				if ok, err := matches(); err != nil || ok {
					if ok {
						rp.state, rp.pos = st, pos
					}
					return err
				}
			}
			if _, err := ApplyLogged(st, nil, logged); err != nil {
				return err
			}
			pos++
		}
	}
}
