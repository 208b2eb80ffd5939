package keeper

import (
	"context"
	"errors"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"

	"github.com/slush-tree/slush/circuits/hash"

	"github.com/slush-tree/slush/x/validium/types"
)

// InitGenesis stores the validated genesis state and rebuilds the deadline index of the
// forced operations of active children.
func (k Keeper) InitGenesis(ctx context.Context, gs *types.GenesisState) error {
	if err := gs.Validate(); err != nil {
		return err
	}
	if err := k.Params.Set(ctx, gs.Params); err != nil {
		return err
	}
	if err := k.checkChildIndices(ctx, gs.Children); err != nil {
		return err
	}
	active := make(map[uint32]bool, len(gs.Children))
	for _, c := range gs.Children {
		active[c.Index] = c.Status == types.ChildStatus_CHILD_STATUS_ACTIVE
		if err := k.Children.Set(ctx, c.Index, c); err != nil {
			return err
		}
		if err := k.restoreChildLeaf(ctx, c); err != nil {
			return err
		}
	}
	heads := make(map[uint32]uint64, len(gs.NextForcedSequences))
	for _, s := range gs.NextForcedSequences {
		if err := k.NextForcedSeq.Set(ctx, s.ChildIndex, s.NextSequence); err != nil {
			return err
		}
		heads[s.ChildIndex] = s.NextSequence
	}
	for _, op := range gs.ForcedOperations { // operations are exported in (child, sequence) order
		heads[op.ChildIndex] = min(heads[op.ChildIndex], op.Sequence)
	}
	for _, s := range gs.NextForcedSequences {
		if err := k.ForcedHead.Set(ctx, s.ChildIndex, heads[s.ChildIndex]); err != nil {
			return err
		}
	}
	for _, op := range gs.ForcedOperations {
		if err := k.ForcedOps.Set(ctx, collections.Join(op.ChildIndex, op.Sequence), op); err != nil {
			return err
		}
		if err := k.ForcedPayloads.Set(ctx, collections.Join3(op.ChildIndex, op.PayloadHash, op.Sequence)); err != nil {
			return err
		}
		if !active[op.ChildIndex] {
			continue
		}
		if err := k.ForcedDeadlines.Set(ctx, collections.Join3(op.Deadline, op.ChildIndex, op.Sequence)); err != nil {
			return err
		}
	}
	for _, c := range gs.Snapshots {
		if err := k.Snapshots.Set(ctx, collections.Join(c.Index, c.LatestCommitment), c); err != nil {
			return err
		}
	}
	for _, so := range gs.SnapshotOperations {
		key := collections.Join3(so.Operation.ChildIndex, so.Commitment, so.Operation.Sequence)
		if err := k.SnapshotOps.Set(ctx, key, so.Operation); err != nil {
			return err
		}
	}
	for _, e := range gs.SnapshotEntries {
		if err := k.SnapshotEntries.Set(ctx, collections.Join3(e.ChildIndex, e.Commitment, e.PayloadHash)); err != nil {
			return err
		}
	}
	for _, e := range gs.ConsumedEntries {
		if err := k.ConsumedEntries.Set(ctx, collections.Join(e.ChildIndex, e.PayloadHash)); err != nil {
			return err
		}
	}
	for _, l := range gs.ProvenLeaves {
		if err := k.ProvenLeaves.Set(ctx, collections.Join3(l.ChildIndex, l.Index, l.Commitment), l.AnchorHeight); err != nil {
			return err
		}
	}
	for _, r := range gs.GrandchildReports {
		if err := k.GrandchildReports.Set(ctx, collections.Join(r.ChildIndex, r.Index), r); err != nil {
			return err
		}
	}
	if err := k.importFrozenDepartures(ctx, gs); err != nil {
		return err
	}
	for _, e := range gs.Exits {
		depth, err := k.accountDepth(ctx)
		if err != nil {
			return err
		}
		if _, _, err := e.Opening.Open(depth); err != nil {
			return errorsmod.Wrapf(types.ErrInvalidGenesis, "exit of child %d account %d: %v", e.ChildIndex, e.AccountIndex, err)
		}
		if err := k.Exits.Set(ctx, collections.Join(e.ChildIndex, e.AccountIndex), e.Opening); err != nil {
			return err
		}
	}
	for _, h := range gs.History {
		if err := k.History.Set(ctx, collections.Join(h.ChildIndex, h.Entry.RootHeight), h.Entry.Commitment); err != nil {
			return err
		}
	}
	for _, r := range gs.Routes {
		if err := k.Routes.Set(ctx, r.MessageHash, r); err != nil {
			return err
		}
	}
	if err := k.importRootBond(ctx, gs.RootBond); err != nil {
		return err
	}
	for _, a := range gs.Arrivals {
		if err := k.Arrivals.Set(ctx, a.OldVid, a.Index); err != nil {
			return err
		}
	}
	return k.importWithdrawals(ctx, gs.ForcedWithdrawals, active)
}

// importRootBond stores the root operator's bond, which must be the root's under validium
// consensus and for its identity's current epoch and operator key hash (x/tree, imported first):
// a root restarted after a re-election replaced the bond's epoch has it slashed in its genesis
// (DESIGN §10), so an old epoch's bond carried into a restarted root is refused.
func (k Keeper) importRootBond(ctx context.Context, bond *types.RootBond) error {
	if bond == nil {
		return nil
	}
	if err := k.checkRootBondTarget(ctx, bond.Epoch, bond.OperatorKeyHash); err != nil {
		return errorsmod.Wrapf(types.ErrInvalidGenesis, "root bond: %v", err)
	}
	return k.RootBond.Set(ctx, *bond)
}

// importWithdrawals stores the forced withdrawals (validated, in (child, sequence) order) and
// rebuilds their indexes: next sequences, replay keys, pending counts, deadlines (of active
// children only, as for forced operations), proven anchors and spent outbox positions.
func (k Keeper) importWithdrawals(ctx context.Context, ws []types.ForcedWithdrawal, active map[uint32]bool) error {
	for _, w := range ws {
		if err := k.NextWithdrawalSeq.Set(ctx, w.ChildIndex, w.Sequence+1); err != nil {
			return err
		}
		if err := k.WithdrawalOps.Set(ctx, collections.Join(w.ChildIndex, w.OpHash)); err != nil {
			return err
		}
		switch w.Status {
		case types.ForcedWithdrawalStatus_FORCED_WITHDRAWAL_STATUS_PENDING:
			if err := k.setPendingWithdrawal(ctx, w); err != nil {
				return err
			}
			if !active[w.ChildIndex] { // a frozen child's deadline already fired
				if err := k.WithdrawalDeadlines.Remove(ctx, collections.Join3(w.Deadline, w.ChildIndex, w.Sequence)); err != nil {
					return err
				}
			}
			continue
		case types.ForcedWithdrawalStatus_FORCED_WITHDRAWAL_STATUS_EXECUTED:
			if err := k.WithdrawalPositions.Set(ctx, collections.Join(w.ChildIndex, w.OutboxPosition), w.Sequence); err != nil {
				return err
			}
			fallthrough
		case types.ForcedWithdrawalStatus_FORCED_WITHDRAWAL_STATUS_NO_OP:
			if err := k.WithdrawalProven.Set(ctx, collections.Join3(w.ChildIndex, w.ProvenAnchorHeight, w.Sequence)); err != nil {
				return err
			}
		}
		if err := k.ForcedWithdrawals.Set(ctx, collections.Join(w.ChildIndex, w.Sequence), w); err != nil {
			return err
		}
	}
	return nil
}

// checkChildIndices requires every child's index within this chain's max_children (x/tree's
// identity, imported first).
func (k Keeper) checkChildIndices(ctx context.Context, children []types.Child) error {
	id, err := k.tree.GetIdentity(ctx)
	if err != nil {
		return err
	}
	for _, c := range children {
		if c.Index > id.MaxChildren {
			return errorsmod.Wrapf(types.ErrInvalidGenesis, "child index %d above max_children %d", c.Index, id.MaxChildren)
		}
	}
	return nil
}

// ExportGenesis reads the whole module state back into a genesis state.
func (k Keeper) ExportGenesis(ctx context.Context) (*types.GenesisState, error) {
	params, err := k.Params.Get(ctx)
	if err != nil {
		return nil, err
	}
	gs := &types.GenesisState{Params: params}
	if gs.Children, err = collectValues(ctx, k.Children); err != nil {
		return nil, err
	}
	if gs.ForcedOperations, err = collectValues(ctx, k.ForcedOps); err != nil {
		return nil, err
	}
	err = k.NextForcedSeq.Walk(ctx, nil, func(index uint32, seq uint64) (bool, error) {
		gs.NextForcedSequences = append(gs.NextForcedSequences, types.ChildSequence{ChildIndex: index, NextSequence: seq})
		return false, nil
	})
	if err != nil {
		return nil, err
	}
	err = k.History.Walk(ctx, nil, func(key collections.Pair[uint32, uint64], c []byte) (bool, error) {
		gs.History = append(gs.History, types.HistoryRecord{
			ChildIndex: key.K1(), Entry: types.HistoryEntry{RootHeight: key.K2(), Commitment: c},
		})
		return false, nil
	})
	if err != nil {
		return nil, err
	}
	err = k.Exits.Walk(ctx, nil, func(key collections.Pair[uint32, uint64], o types.AccountOpening) (bool, error) {
		gs.Exits = append(gs.Exits, types.ExitRecord{ChildIndex: key.K1(), AccountIndex: key.K2(), Opening: o})
		return false, nil
	})
	if err != nil {
		return nil, err
	}
	if gs.Snapshots, err = collectValues(ctx, k.Snapshots); err != nil {
		return nil, err
	}
	err = k.SnapshotOps.Walk(ctx, nil, func(key collections.Triple[uint32, []byte, uint64], op types.ForcedOperation) (bool, error) {
		gs.SnapshotOperations = append(gs.SnapshotOperations, types.SnapshotOperation{Commitment: key.K2(), Operation: op})
		return false, nil
	})
	if err != nil {
		return nil, err
	}
	err = k.SnapshotEntries.Walk(ctx, nil, func(key collections.Triple[uint32, []byte, []byte]) (bool, error) {
		gs.SnapshotEntries = append(gs.SnapshotEntries, types.SnapshotEntry{
			ChildIndex: key.K1(), Commitment: key.K2(), PayloadHash: key.K3(),
		})
		return false, nil
	})
	if err != nil {
		return nil, err
	}
	err = k.ConsumedEntries.Walk(ctx, nil, func(key collections.Pair[uint32, []byte]) (bool, error) {
		gs.ConsumedEntries = append(gs.ConsumedEntries, types.ConsumedEntry{ChildIndex: key.K1(), PayloadHash: key.K2()})
		return false, nil
	})
	if err != nil {
		return nil, err
	}
	if gs.Routes, err = collectValues(ctx, k.Routes); err != nil {
		return nil, err
	}
	if gs.ForcedWithdrawals, err = collectValues(ctx, k.ForcedWithdrawals); err != nil {
		return nil, err
	}
	if gs.FrozenDepartures, err = collectValues(ctx, k.FrozenDepartures); err != nil {
		return nil, err
	}
	if gs.GrandchildReports, err = collectValues(ctx, k.GrandchildReports); err != nil {
		return nil, err
	}
	err = k.ProvenLeaves.Walk(ctx, nil, func(key collections.Triple[uint32, uint32, []byte], anchor uint64) (bool, error) {
		gs.ProvenLeaves = append(gs.ProvenLeaves, types.ProvenLeaf{ChildIndex: key.K1(), Index: key.K2(), Commitment: key.K3(), AnchorHeight: anchor})
		return false, nil
	})
	if err != nil {
		return nil, err
	}
	err = k.Arrivals.Walk(ctx, nil, func(oldVid []byte, index uint32) (bool, error) {
		gs.Arrivals = append(gs.Arrivals, types.Arrival{OldVid: oldVid, Index: index})
		return false, nil
	})
	if err != nil {
		return nil, err
	}
	bond, err := k.RootBond.Get(ctx)
	switch {
	case err == nil:
		gs.RootBond = &bond
	case !errors.Is(err, collections.ErrNotFound):
		return nil, err
	}
	return gs, nil
}

// restoreChildLeaf rebuilds a child's children-SMT leaf from its latest accepted commitment, or
// its genesis leaf before its first update: the tree is derived state, so an exported chain keeps
// the same children root (DESIGN §3).
func (k Keeper) restoreChildLeaf(ctx context.Context, c types.Child) error {
	leaf, name := c.LatestCommitment, "latest commitment"
	if len(leaf) == 0 {
		leaf, name = c.GenesisLeaf, "genesis leaf"
	}
	if len(leaf) == 0 {
		return nil
	}
	h, err := hash.DecodeElement(leaf)
	if err != nil {
		return errorsmod.Wrapf(types.ErrInvalidField, "child %d %s: %v", c.Index, name, err)
	}
	return k.setChildLeaf(ctx, c.Index, h)
}

// importFrozenDepartures stores the departures from frozen children and marks each such
// child's leaf (derived state, as every children-SMT leaf), in child order.
func (k Keeper) importFrozenDepartures(ctx context.Context, gs *types.GenesisState) error {
	for _, d := range gs.FrozenDepartures {
		if err := k.FrozenDepartures.Set(ctx, collections.Join(d.ChildIndex, d.GrandchildIndex), d); err != nil {
			return err
		}
	}
	for _, c := range gs.Children {
		if c.Status != types.ChildStatus_CHILD_STATUS_FROZEN {
			continue
		}
		deps, err := k.frozenDepartures(ctx, c.Index)
		if err != nil {
			return err
		}
		if len(deps) == 0 {
			continue
		}
		if err := k.markFrozenLeaf(ctx, c); err != nil {
			return err
		}
	}
	return nil
}

// collectValues returns every value of a map in key order.
func collectValues[K, V any](ctx context.Context, m collections.Map[K, V]) ([]V, error) {
	var out []V
	err := m.Walk(ctx, nil, func(_ K, v V) (bool, error) {
		out = append(out, v)
		return false, nil
	})
	return out, err
}
