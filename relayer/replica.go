package relayer

import (
	"bytes"
	"context"
	"fmt"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"

	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/ledger"
	"github.com/slush-tree/slush/circuits/smt"
	bridgetypes "github.com/slush-tree/slush/x/bridge/types"
)

// logPage is how many logged operations one BatchLog query fetches.
const logPage = 1000

// logReader reads a chain's operation log (Chain.BatchLog).
type logReader interface {
	BatchLog(ctx context.Context, from uint64, limit uint32, height int64) ([]bridgetypes.LoggedOp, error)
}

// replica is the prover's copy of a child's ledger after its first pos logged operations. It is
// only a cache: it is rebuilt from the chain's log whenever it does not sit exactly where the
// parent's record of the child says the proven ledger is.
type replica struct {
	state *ledger.State
	pos   uint64
}

// ledgerOrigin is what a replica of a chain's ledger starts from: its vid, its shape and the
// deposits that funded it at genesis.
type ledgerOrigin struct {
	vid      fr.Element
	params   bridgetypes.LedgerParams
	deposits []bridgetypes.GenesisDeposit
}

// genesis is the chain's ledger as its genesis left it.
func (o ledgerOrigin) genesis() (*ledger.State, error) {
	st, err := ledger.NewState(smt.NewMemStore(), o.vid, o.params.Ledger())
	if err != nil {
		return nil, err
	}
	return st, bridgetypes.FundLedger(st, o.deposits)
}

// applyLogged replays one logged operation as the chain executed it: a bridge-in's message is
// pushed to the inbox first, with its source (claims, routes, forced operations and exits all
// do that), then applied.
// With a batch builder the operation is also recorded in the batch.
func applyLogged(st *ledger.State, b *ledger.BatchBuilder, logged bridgetypes.LoggedOp) (op ledger.Op, err error) {
	if op, err = ledger.DecodeOp(logged.Op); err != nil {
		return op, fmt.Errorf("log %d: %w", logged.Sequence, err)
	}
	if op.Kind == ledger.OpBridgeIn {
		if err := st.PushInbox(op.Msg, op.Source); err != nil {
			return op, fmt.Errorf("log %d: %w", logged.Sequence, err)
		}
	}
	if b != nil {
		err = b.Add(op)
	} else {
		err = st.Apply(op)
	}
	if err != nil {
		return op, fmt.Errorf("log %d (%s): %w", logged.Sequence, op.Kind, err)
	}
	return op, nil
}

// fetchLog reads logged operations [from, to) at a height.
func fetchLog(ctx context.Context, c logReader, from, to uint64, height int64) ([]bridgetypes.LoggedOp, error) {
	var out []bridgetypes.LoggedOp
	for from < to {
		ops, err := c.BatchLog(ctx, from, uint32(min(to-from, logPage)), height)
		if err != nil {
			return nil, err
		}
		if len(ops) == 0 {
			return nil, fmt.Errorf("log ends at %d, want %d", from, to)
		}
		for _, op := range ops {
			if op.Sequence != from {
				return nil, fmt.Errorf("log entry %d where %d was expected", op.Sequence, from)
			}
			out = append(out, op)
			from++
			if from == to {
				break
			}
		}
	}
	return out, nil
}

// at brings the replica to log position pos and checks its ledger root is wantRoot. It replays
// forward from where it is, or from the genesis ledger when it is ahead of pos or does not match.
func (rp *replica) at(ctx context.Context, c logReader, o ledgerOrigin, pos uint64, wantRoot []byte, height int64) error {
	if rp.state != nil && rp.pos > pos {
		rp.state = nil
	}
	if rp.state == nil {
		st, err := o.genesis()
		if err != nil {
			return err
		}
		rp.state, rp.pos = st, 0
	}
	ops, err := fetchLog(ctx, c, rp.pos, pos, height)
	if err != nil {
		rp.state = nil
		return err
	}
	for _, logged := range ops {
		if _, err := applyLogged(rp.state, nil, logged); err != nil {
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

// seek rebuilds the replica from the genesis ledger, replaying the log until its root is
// wantRoot (for a parent record whose commitment the child no longer keeps: the position is then
// found by the root alone). It stops at logLength (the log's end in height's state).
func (rp *replica) seek(ctx context.Context, c logReader, o ledgerOrigin, logLength uint64, wantRoot []byte, height int64) error {
	st, err := o.genesis()
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
		ops, err := fetchLog(ctx, c, pos, min(pos+logPage, logLength), height)
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
			if _, err := applyLogged(st, nil, logged); err != nil {
				return err
			}
			pos++
		}
	}
}
