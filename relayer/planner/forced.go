package planner

import (
	"context"
	"fmt"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/slush-tree/slush/circuits/inclusion"
	"github.com/slush-tree/slush/circuits/ledger"
	"github.com/slush-tree/slush/relayer/chainclient"
	"github.com/slush-tree/slush/relayer/tree"
	"github.com/slush-tree/slush/relayer/witness"
	validiumtypes "github.com/slush-tree/slush/x/validium/types"
)

// planForced receives, on every served child, the mints its parent's forced queue holds for it
// (DESIGN §8: forced deposits, and routed messages for the child itself, §7.5): each one by
// MsgReceiveForced with the queue record proven under the parent app hash the child trusts. An
// operation queued after that header waits for the next parent sync.
func (pl *Planner) planForced(ctx context.Context) []Job {
	var jobs []Job
	for _, name := range pl.tree.Names() {
		c := pl.tree.Node(name)
		if c.Parent == nil || !pl.tasks.Ready("messages "+c.Parent.Name) {
			continue
		}
		rec, err := c.Parent.Child(ctx, c.Index, 0)
		if err != nil {
			pl.tasks.Fail("forced "+name, "forced", name, err)
			continue
		}
		for _, op := range rec.ForcedOperations {
			if op.Forward {
				continue
			}
			if m, err := ledger.DecodeMessage(op.Message); err == nil {
				if byRoute, err := pl.routedMintByRoute(ctx, c, m); err != nil || byRoute {
					continue // planRoutes delivers it (or the next round reads the params again)
				}
			}
			t, ok := pl.ready("forced", c.Name, op.PayloadHash)
			if !ok {
				continue
			}
			j, err := pl.planReceiveForced(ctx, c, op)
			jobs = pl.add(jobs, t, j, err, "forced operation waits", "chain", c.Name, "seq", op.Sequence)
		}
	}
	return jobs
}

// planReceiveForced proves op in c's queue on its parent at the height c's light client trusts.
func (pl *Planner) planReceiveForced(ctx context.Context, c *tree.Node, op validiumtypes.ForcedOperation) (*Job, error) {
	minted, err := c.Nullifier(ctx, op.PayloadHash, 0)
	if err != nil || minted {
		return nil, err
	}
	client, err := c.ParentClient(ctx, 0)
	if err != nil {
		return nil, err
	}
	key, err := validiumtypes.ForcedOpStoreKey(c.Index, op.Sequence)
	if err != nil {
		return nil, err
	}
	value, proof, err := c.Parent.StoreProof(ctx, validiumtypes.StoreKey, key, client.Height-1)
	if err != nil {
		return nil, err
	}
	if len(value) == 0 {
		return nil, fmt.Errorf("%w: operation %d is newer than the parent height %s trusts", witness.ErrNotYet, op.Sequence, c.Name)
	}
	seq := op.Sequence
	return &Job{
		Node: c, Kind: "MsgReceiveForced",
		Msgs: []sdk.Msg{&validiumtypes.MsgReceiveForced{Sender: c.Address().String(), Sequence: seq, Operation: value, Proof: proof}},
		Done: func(res *chainclient.TxResult) {
			pl.log.Info("forced operation received", "chain", c.Name, "seq", seq, "msg", short(op.PayloadHash), "block", res.Height)
		},
	}, nil
}

// routedMintByRoute tells whether the mint of m on c goes by
// MsgRouteMessage rather than MsgReceiveForced: on a chain two or more levels down a tree that
// runs RECURSIVE subtree proofs (c's own mode, as its x/validium checks), a message c's parent
// did not send — a routed mint — is minted as a claim, which the step above proves; c refuses it
// as a forced entry (docs/PROTOCOL.md "Forced deposits into grandchildren").
func (pl *Planner) routedMintByRoute(ctx context.Context, c *tree.Node, m inclusion.Message) (bool, error) {
	if !isRoutedMintBelow(c, m) {
		return false, nil
	}
	params, err := c.ValidiumParams(ctx, 0)
	if err != nil {
		return false, err
	}
	return params.Recursive(), nil
}

// isRoutedMintBelow tells whether m, minted on c, is a message c's parent did not send, on a
// chain two or more levels down (where a step above would have to prove the mint).
func isRoutedMintBelow(c *tree.Node, m inclusion.Message) bool {
	return c.Parent != nil && len(c.Path) >= 2 && !m.SrcVid.Equal(&c.Parent.Vid)
}
