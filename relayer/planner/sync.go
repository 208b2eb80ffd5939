package planner

import (
	"context"
	"fmt"
	"sort"

	treetypes "github.com/slush-tree/slush/x/tree/types"

	"cosmossdk.io/collections"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/slush-tree/slush/relayer/chainclient"
	"github.com/slush-tree/slush/relayer/tree"
)

// Sync sizes: a transaction carries up to maxSyncRecordsPerTx records (MsgSyncParent takes at
// most treetypes.MaxSyncRecords each; the first message of the round carries the header, the
// later ones prove against it once it is verified), a round up to maxSyncTxsPerRound
// transactions. A chain further behind catches up over several rounds, oldest first.
const (
	maxSyncRecordsPerTx = 3 * treetypes.MaxSyncRecords
	maxSyncTxsPerRound  = 4
)

// Sync prepares the MsgSyncParent(s) that teach c every root commitment its parent knows
// and c does not (DESIGN §5 downward flow), oldest first so c's root history has no gaps: a
// proof or a route made against any root height then verifies on every chain that has synced
// past it. Records are proven at parent height H-1 under the parent's header H
// (internal/parentsync/README.md): H is the parent's latest height when it moved past the
// height c trusts, else the trusted height itself (no header).
func (pl *Planner) Sync(ctx context.Context, c *tree.Node) ([]Job, error) {
	p := c.Parent
	client, err := c.ParentClient(ctx, 0)
	if err != nil {
		return nil, fmt.Errorf("%s's parent client (bridge genesis parent_client must be set): %w", c.Name, err)
	}
	if client.ChainId != p.ChainID {
		return nil, fmt.Errorf("%s tracks parent chain %q, the config says %q", c.Name, client.ChainId, p.ChainID)
	}
	mine, err := c.RootCommitment(ctx, 0, 0)
	if err != nil {
		return nil, err
	}
	newest := uint64(0)
	if mine.Known {
		newest = mine.RootHeight
	}
	hp, err := p.Height(ctx)
	if err != nil {
		return nil, err
	}
	header := hp > client.Height
	at := client.Height
	if header {
		at = hp
	}
	heights, err := pl.parentRootHeights(ctx, p, newest, at-1)
	if err != nil {
		return nil, err
	}
	if len(heights) == 0 {
		return nil, nil
	}
	if n := maxSyncRecordsPerTx * maxSyncTxsPerRound; len(heights) > n { // far behind: oldest first, no gaps
		pl.log.Info("sync catching up", "chain", c.Name, "behind", len(heights), "this_round", n)
		heights = heights[:n]
	}
	parentIsRoot := p.Parent == nil
	var records []treetypes.ParentRecord
	for _, h := range heights {
		key, err := treetypes.ParentRecordKey(parentIsRoot, h)
		if err != nil {
			return nil, err
		}
		value, proof, err := p.StoreProof(ctx, treetypes.StoreKey, key, at-1)
		if err != nil {
			return nil, err
		}
		if len(value) == 0 {
			return nil, fmt.Errorf("%s has no record of root height %d at height %d", p.Name, h, at-1)
		}
		records = append(records, treetypes.ParentRecord{RootHeight: h, Value: value, Proof: proof})
	}
	var msgs []*treetypes.MsgSyncParent
	for i := 0; i < len(records); i += treetypes.MaxSyncRecords {
		msgs = append(msgs, &treetypes.MsgSyncParent{
			Sender: c.Address().String(), Records: records[i:min(i+treetypes.MaxSyncRecords, len(records))],
		})
	}
	if header {
		sh, err := p.SignedHeader(ctx, at)
		if err != nil {
			return nil, err
		}
		vals, err := p.ValidatorSet(ctx, at)
		if err != nil {
			return nil, err
		}
		if msgs[0].Header, err = sh.ToProto().Marshal(); err != nil {
			return nil, err
		}
		vp, err := vals.ToProto()
		if err != nil {
			return nil, err
		}
		if msgs[0].ValidatorSet, err = vp.Marshal(); err != nil {
			return nil, err
		}
	}
	perTx := maxSyncRecordsPerTx / treetypes.MaxSyncRecords
	var jobs []Job
	for i := 0; i < len(msgs); i += perTx {
		batch := msgs[i:min(i+perTx, len(msgs))]
		var sdkMsgs []sdk.Msg
		n := 0
		for _, m := range batch {
			sdkMsgs = append(sdkMsgs, m)
			n += len(m.Records)
		}
		from, to := batch[0].Records[0].RootHeight, batch[len(batch)-1].Records[len(batch[len(batch)-1].Records)-1].RootHeight
		jobs = append(jobs, Job{
			Node: c, Kind: "MsgSyncParent", Gas: pl.gasLimit + 300_000*uint64(n), Msgs: sdkMsgs,
			Done: func(res *chainclient.TxResult) {
				pl.log.Info("synced", "chain", c.Name, "parent_height", at, "root_heights", fmt.Sprintf("%d..%d", from, to),
					"records", n, "block", res.Height)
			},
		})
	}
	return jobs, nil
}

// parentRootHeights are the root heights above `after` whose records p holds at height `at`,
// ascending: every root height (while the root keeps its commitment) when p is the root, p's
// root-history entries otherwise.
func (pl *Planner) parentRootHeights(ctx context.Context, p *tree.Node, after uint64, at int64) ([]uint64, error) {
	if at < 1 {
		return nil, nil
	}
	if p.Parent == nil {
		params, err := pl.rootHistorySize(ctx, p)
		if err != nil {
			return nil, err
		}
		first := after + 1
		if uint64(at) > params && first < uint64(at)-params+1 {
			first = uint64(at) - params + 1
		}
		var out []uint64
		for h := first; h <= uint64(at); h++ {
			out = append(out, h)
		}
		return out, nil
	}
	pairs, err := p.StoreSubspace(ctx, treetypes.StoreKey, treetypes.RootHistoryKey.Bytes(), at)
	if err != nil {
		return nil, err
	}
	var out []uint64
	prefix := len(treetypes.RootHistoryKey.Bytes())
	for _, kv := range pairs {
		_, h, err := collections.Uint64Key.Decode(kv.Key[prefix:])
		if err != nil {
			return nil, err
		}
		if h > after {
			out = append(out, h)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out, nil
}

// rootHistorySize is how many of its own commitments the root keeps (x/tree params).
func (pl *Planner) rootHistorySize(ctx context.Context, root *tree.Node) (uint64, error) {
	params, err := root.TreeParams(ctx, 0)
	if err != nil {
		return 0, err
	}
	return uint64(params.RootHistorySize), nil
}
