package keeper

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"slices"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"
	sdkmath "cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/x/validium/types"
)

// MaxSlashBps is a whole bond in basis points.
const MaxSlashBps = 10_000

// bondBurner is the part of x/bank that burns a slashed bond (the app's bank keeper has it; the
// module account needs the Burner permission).
type bondBurner interface {
	BurnCoins(ctx context.Context, moduleName string, amt sdk.Coins) error
}

// ChildVid is the vid of child index under this chain (DESIGN §3), for x/election.
func (k Keeper) ChildVid(ctx context.Context, index uint32) (fr.Element, error) {
	return k.childVid(ctx, index)
}

// InstallOperator is the operator switch of an emergency re-election (DESIGN §9), called by
// x/election once a majority of the child's descendants voted for a candidate: the child is
// rolled back to its finalized commitment (its roots, inbox head, anchor and children-SMT leaf;
// the history and snapshots after it are dropped, the forced operations consumed after it are
// queued again with a fresh deadline and the inbox entries consumed after it are un-consumed), the
// candidate's address and operator key hash are installed, the epoch is bumped (so updates made
// for the old epoch fail checkOperator), and slashBps of the old operator's bond is burnt; the
// rest of the bond goes back to the old operator. It returns the child as it was, the slashed
// amount and the payload hashes of the un-consumed inbox entries, sorted, which x/election hands
// to x/bridge so a message it recorded as already delivered to the child is routed again (DESIGN
// §7.5, §9). A frozen child is refused: its users exit from the same finalized state instead.
func (k Keeper) InstallOperator(
	ctx context.Context, index uint32, operator string, operatorKeyHash []byte, slashBps uint32,
) (types.Child, sdk.Coin, [][]byte, error) {
	child, err := k.GetChild(ctx, index)
	if err != nil {
		return types.Child{}, sdk.Coin{}, nil, err
	}
	if child.Status == types.ChildStatus_CHILD_STATUS_FROZEN {
		return types.Child{}, sdk.Coin{}, nil, errorsmod.Wrapf(types.ErrChildFrozen, "child %d", index)
	}
	if _, err := k.addressCodec.StringToBytes(operator); err != nil {
		return types.Child{}, sdk.Coin{}, nil, errorsmod.Wrapf(types.ErrInvalidAddress, "operator: %v", err)
	}
	if _, err := hash.DecodeElement(operatorKeyHash); err != nil {
		return types.Child{}, sdk.Coin{}, nil, errorsmod.Wrapf(types.ErrInvalidField, "operator_key_hash: %v", err)
	}
	if slashBps > MaxSlashBps {
		return types.Child{}, sdk.Coin{}, nil, errorsmod.Wrapf(types.ErrCannotSlash, "slash share %d bps", slashBps)
	}
	finalized, ok, err := k.finalizedCommitment(ctx, index)
	if err != nil {
		return types.Child{}, sdk.Coin{}, nil, err
	}
	if !ok {
		return types.Child{}, sdk.Coin{}, nil, errorsmod.Wrapf(types.ErrNotFinalized, "child %d", index)
	}
	finalizedHash, err := hash.DecodeElement(finalized)
	if err != nil {
		return types.Child{}, sdk.Coin{}, nil, errorsmod.Wrapf(types.ErrInvalidField, "finalized commitment: %v", err)
	}
	snap, err := k.Snapshots.Get(ctx, collections.Join(index, finalized))
	if errors.Is(err, collections.ErrNotFound) {
		return types.Child{}, sdk.Coin{}, nil, errorsmod.Wrapf(types.ErrNoSnapshot, "child %d", index)
	}
	if err != nil {
		return types.Child{}, sdk.Coin{}, nil, err
	}
	unconsumed, err := k.rollBackAfter(ctx, index, snap.AnchorHeight)
	if err != nil {
		return types.Child{}, sdk.Coin{}, nil, err
	}
	previous := child
	child.LatestCommitment = bytes.Clone(finalized)
	child.LedgerRoot, child.OutboxRoot, child.InboxHead = snap.LedgerRoot, snap.OutboxRoot, snap.InboxHead
	child.ReceiptRoot = snap.ReceiptRoot
	child.AnchorHeight = snap.AnchorHeight
	child.Operator = operator
	child.OperatorKeyHash = bytes.Clone(operatorKeyHash)
	child.Epoch = previous.Epoch + 1
	slashed, err := k.slashBond(ctx, previous, slashBps)
	if err != nil {
		return types.Child{}, sdk.Coin{}, nil, err
	}
	child.Bond = sdk.Coin{Denom: previous.Bond.Denom, Amount: sdkmath.ZeroInt()}
	if err := k.Children.Set(ctx, index, child); err != nil {
		return types.Child{}, sdk.Coin{}, nil, err
	}
	if err := k.setChildLeaf(ctx, index, finalizedHash); err != nil {
		return types.Child{}, sdk.Coin{}, nil, err
	}
	return previous, slashed, unconsumed, nil
}

// slashBond burns slashBps of the old operator's bond from the module account and returns the
// rest to the old operator, which no longer operates the child (DESIGN §9: "the old operator's
// bond is slashed").
func (k Keeper) slashBond(ctx context.Context, old types.Child, slashBps uint32) (sdk.Coin, error) {
	denom := old.Bond.Denom
	if old.Bond.Amount.IsNil() || !old.Bond.Amount.IsPositive() {
		return sdk.Coin{Denom: denom, Amount: sdkmath.ZeroInt()}, nil
	}
	slashed := sdk.Coin{Denom: denom, Amount: old.Bond.Amount.MulRaw(int64(slashBps)).QuoRaw(MaxSlashBps)}
	refund := sdk.Coin{Denom: denom, Amount: old.Bond.Amount.Sub(slashed.Amount)}
	if slashed.Amount.IsPositive() {
		burner, ok := k.bank.(bondBurner)
		if !ok {
			return sdk.Coin{}, errorsmod.Wrap(types.ErrCannotSlash, "the bank keeper cannot burn")
		}
		if err := burner.BurnCoins(ctx, types.ModuleName, sdk.NewCoins(slashed)); err != nil {
			return sdk.Coin{}, errorsmod.Wrap(types.ErrCannotSlash, err.Error())
		}
	}
	if refund.Amount.IsPositive() {
		addr, err := k.addressCodec.StringToBytes(old.Operator)
		if err != nil {
			return sdk.Coin{}, errorsmod.Wrapf(types.ErrInvalidAddress, "old operator: %v", err)
		}
		if err := k.bank.SendCoinsFromModuleToAccount(ctx, types.ModuleName, addr, sdk.NewCoins(refund)); err != nil {
			return sdk.Coin{}, err
		}
	}
	return slashed, nil
}

// rollBackAfter drops what the child's updates anchored above rootHeight left: their history
// entries and snapshots; the forced operations they consumed are queued again, with a deadline
// counted from now, so the elected operator must mint them (their deposits were burnt here and
// only minted in the state that is rolled back), and the inbox entries they consumed first are
// no longer consumed, so a message minted only in the dropped state is routed to the child again
// (DESIGN §7.5, §9). It returns the un-consumed entries' payload hashes, sorted: at most
// MaxInboxEntriesPerUpdate per dropped snapshot.
func (k Keeper) rollBackAfter(ctx context.Context, index uint32, rootHeight uint64) ([][]byte, error) {
	var later []collections.Pair[uint32, []byte]
	err := k.Snapshots.Walk(ctx, collections.NewPrefixedPairRange[uint32, []byte](index),
		func(key collections.Pair[uint32, []byte], snap types.Child) (bool, error) {
			if snap.AnchorHeight > rootHeight {
				later = append(later, key)
			}
			return false, nil
		})
	if err != nil {
		return nil, err
	}
	var restored []types.ForcedOperation
	var unconsumed [][]byte
	for _, key := range later {
		ops, entries, err := k.removeSnapshot(ctx, key)
		if err != nil {
			return nil, err
		}
		restored = append(restored, ops...)
		for _, h := range entries {
			if err := k.ConsumedEntries.Remove(ctx, collections.Join(index, h)); err != nil {
				return nil, err
			}
		}
		unconsumed = append(unconsumed, entries...)
	}
	if err := k.History.Clear(ctx, new(collections.Range[collections.Pair[uint32, uint64]]).
		StartExclusive(collections.Join(index, rootHeight)).
		EndInclusive(collections.Join(index, ^uint64(0)))); err != nil {
		return nil, err
	}
	slices.SortFunc(unconsumed, bytes.Compare)
	unconsumed = slices.CompactFunc(unconsumed, bytes.Equal) // an entry is filed once; kept as a guard
	return unconsumed, k.requeueForcedOps(ctx, index, restored)
}

// requeueForcedOps puts consumed forced operations back into the child's queue with a fresh
// deadline and moves the queue head back to the oldest of them.
func (k Keeper) requeueForcedOps(ctx context.Context, index uint32, ops []types.ForcedOperation) error {
	if len(ops) == 0 {
		return nil
	}
	slices.SortFunc(ops, func(a, b types.ForcedOperation) int { return cmp.Compare(a.Sequence, b.Sequence) })
	params, err := k.Params.Get(ctx)
	if err != nil {
		return err
	}
	rootHeight, err := k.RootHeight(ctx)
	if err != nil {
		return err
	}
	for _, op := range ops {
		op.Deadline = rootHeight + params.ForcedOpDeadline
		if err := k.setForcedOp(ctx, op); err != nil {
			return err
		}
	}
	head, _, err := k.queueBounds(ctx, index)
	if err != nil {
		return err
	}
	if oldest := ops[0].Sequence; oldest < head {
		return k.ForcedHead.Set(ctx, index, oldest)
	}
	return nil
}

// recordSnapshot keeps the child record an accepted update left (without the verifying key) and
// the forced operations it consumed (recordRouting then files the inbox entries it consumed
// first, see consumeEntries), so a re-election can roll the child back to any commitment
// that may still become or be its finalized one; it prunes the snapshots older than both the
// child's finalized commitment and its oldest kept history entry. recordUpdate calls it.
func (k Keeper) recordSnapshot(ctx context.Context, child types.Child, consumed []types.ForcedOperation) error {
	snap := child
	snap.VerifyingKey = nil
	if err := k.Snapshots.Set(ctx, collections.Join(child.Index, child.LatestCommitment), snap); err != nil {
		return err
	}
	for _, op := range consumed {
		if err := k.SnapshotOps.Set(ctx, collections.Join3(child.Index, child.LatestCommitment, op.Sequence), op); err != nil {
			return err
		}
	}
	floor, err := k.snapshotFloor(ctx, child.Index)
	if err != nil {
		return err
	}
	var stale []collections.Pair[uint32, []byte]
	err = k.Snapshots.Walk(ctx, collections.NewPrefixedPairRange[uint32, []byte](child.Index),
		func(key collections.Pair[uint32, []byte], s types.Child) (bool, error) {
			if s.AnchorHeight < floor {
				stale = append(stale, key)
			}
			return false, nil
		})
	if err != nil {
		return err
	}
	for _, key := range stale {
		if _, _, err := k.removeSnapshot(ctx, key); err != nil { // its consumed entries stay consumed: it is final
			return err
		}
	}
	return nil
}

// snapshotFloor is the lowest root height whose snapshot may still be needed: the finalized
// commitment's (finality never moves back), but never below the oldest history entry kept.
func (k Keeper) snapshotFloor(ctx context.Context, index uint32) (uint64, error) {
	var floor uint64
	err := k.History.Walk(ctx, collections.NewPrefixedPairRange[uint32, uint64](index),
		func(key collections.Pair[uint32, uint64], _ []byte) (bool, error) {
			floor = key.K2()
			return true, nil
		})
	if err != nil {
		return 0, err
	}
	finalized, ok, err := k.finalizedCommitment(ctx, index)
	if err != nil || !ok {
		return floor, err
	}
	snap, err := k.Snapshots.Get(ctx, collections.Join(index, finalized))
	if errors.Is(err, collections.ErrNotFound) {
		return floor, nil
	}
	if err != nil {
		return 0, err
	}
	return max(floor, snap.AnchorHeight), nil
}

// removeSnapshot deletes one snapshot, its consumed operations and its record of the entries it
// consumed first, returning those operations and entry hashes (ConsumedEntries is left to the
// caller: a rollback un-consumes the entries, pruning keeps them).
func (k Keeper) removeSnapshot(
	ctx context.Context, key collections.Pair[uint32, []byte],
) ([]types.ForcedOperation, [][]byte, error) {
	rng := collections.NewSuperPrefixedTripleRange[uint32, []byte, uint64](key.K1(), key.K2())
	var ops []types.ForcedOperation
	err := k.SnapshotOps.Walk(ctx, rng, func(_ collections.Triple[uint32, []byte, uint64], op types.ForcedOperation) (bool, error) {
		ops = append(ops, op)
		return false, nil
	})
	if err != nil {
		return nil, nil, err
	}
	if err := k.SnapshotOps.Clear(ctx, rng); err != nil {
		return nil, nil, err
	}
	entryRng := collections.NewSuperPrefixedTripleRange[uint32, []byte, []byte](key.K1(), key.K2())
	var entries [][]byte
	err = k.SnapshotEntries.Walk(ctx, entryRng, func(e collections.Triple[uint32, []byte, []byte]) (bool, error) {
		entries = append(entries, bytes.Clone(e.K3()))
		return false, nil
	})
	if err != nil {
		return nil, nil, err
	}
	if err := k.SnapshotEntries.Clear(ctx, entryRng); err != nil {
		return nil, nil, err
	}
	return ops, entries, k.Snapshots.Remove(ctx, key)
}
