package keeper

import (
	"bytes"
	"context"
	"errors"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"

	slushtypes "github.com/slush-tree/slush/types"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/slush-tree/slush/circuits/commitment"
	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/keys"
	"github.com/slush-tree/slush/circuits/ledger"
	"github.com/slush-tree/slush/internal/smtstore"
	"github.com/slush-tree/slush/x/validium/types"
)

// registerChild assigns the next free index (DESIGN §3: 1..max_children), escrows the bond
// and stores the child as active. The verifying keys (claim circuit, and the optional transfer
// circuit) must pass keys.CheckVerifyingKey.
func (k Keeper) registerChild(ctx context.Context, operator sdk.AccAddress, msg *types.MsgRegisterChild) (uint32, []uint32, error) {
	vk, bond := msg.VerifyingKey, msg.Bond
	id, err := k.tree.GetIdentity(ctx)
	if err != nil {
		return 0, nil, err
	}
	if id.Depth()+1 > id.MaxDepth {
		return 0, nil, errorsmod.Wrapf(types.ErrMaxDepth, "a child of depth %d exceeds max_depth %d", id.Depth()+1, id.MaxDepth)
	}
	if _, err := keys.CheckVerifyingKey(vk, types.UpdatePublicInputs); err != nil {
		return 0, nil, errorsmod.Wrap(types.ErrInvalidVerifyingKey, err.Error())
	}
	params, err := k.Params.Get(ctx)
	if err != nil {
		return 0, nil, err
	}
	if err := types.CheckProvenDepth(params, id.Depth()+1); err != nil {
		return 0, nil, err
	}
	if err := types.CheckRegisteredKey("verifying_key", params.LedgerKeyHash, vk); err != nil {
		return 0, nil, err
	}
	if len(msg.TransferVerifyingKey) > 0 {
		if err := types.CheckRegisteredKey("transfer_verifying_key", params.TransferKeyHash, msg.TransferVerifyingKey); err != nil {
			return 0, nil, err
		}
		if _, err := keys.CheckVerifyingKey(msg.TransferVerifyingKey, types.UpdatePublicInputs); err != nil {
			return 0, nil, errorsmod.Wrapf(types.ErrInvalidVerifyingKey, "transfer key: %v", err)
		}
	}
	if _, err := hash.DecodeElement(msg.GenesisLedgerRoot); err != nil {
		return 0, nil, errorsmod.Wrapf(types.ErrInvalidField, "genesis_ledger_root: %v", err)
	}
	if _, err := hash.DecodeElement(msg.GenesisOutboxRoot); err != nil {
		return 0, nil, errorsmod.Wrapf(types.ErrInvalidField, "genesis_outbox_root: %v", err)
	}
	if _, err := hash.DecodeElement(msg.GenesisReceiptRoot); err != nil {
		return 0, nil, errorsmod.Wrapf(types.ErrInvalidField, "genesis_receipt_root: %v", err)
	}
	if _, err := slushtypes.DecodeOperatorKeyHash(msg.OperatorKeyHash); err != nil {
		return 0, nil, err
	}
	var arrived *types.Arrived
	if msg.Arrival != nil {
		a, err := k.checkArrival(ctx, params, operator, msg)
		if err != nil {
			return 0, nil, err
		}
		arrived = &a
	} else if err := k.checkGenesisRule(ctx, params, msg); err != nil {
		return 0, nil, err
	}
	index, err := k.nextFreeIndex(ctx, id.MaxChildren)
	if err != nil {
		return 0, nil, err
	}
	if err := k.bank.SendCoinsFromAccountToModule(ctx, operator, types.ModuleName, sdk.NewCoins(bond)); err != nil {
		return 0, nil, err
	}
	operatorStr, err := k.addressCodec.BytesToString(operator)
	if err != nil {
		return 0, nil, err
	}
	child := types.Child{
		Index:                index,
		Operator:             operatorStr,
		VerifyingKey:         vk,
		TransferVerifyingKey: msg.TransferVerifyingKey,
		Bond:                 bond,
		Status:               types.ChildStatus_CHILD_STATUS_ACTIVE,
		RegisteredHeight:     sdk.UnwrapSDKContext(ctx).BlockHeight(),
		LedgerRoot:           msg.GenesisLedgerRoot,
		GenesisLedgerRoot:    msg.GenesisLedgerRoot,
		OutboxRoot:           msg.GenesisOutboxRoot,
		ReceiptRoot:          msg.GenesisReceiptRoot,
		OperatorKeyHash:      msg.OperatorKeyHash,
	}
	if arrived != nil {
		startFromArrival(&child, *arrived, msg.Arrival.InboxHead)
	} else if params.Recursive() { // a registered child counts from now on (issue 16)
		if child.GenesisLeaf, err = k.setGenesisLeaf(ctx, index, msg.OperatorKeyHash); err != nil {
			return 0, nil, err
		}
	}
	if err := k.Children.Set(ctx, index, child); err != nil {
		return 0, nil, err
	}
	if arrived != nil {
		if err := k.recordArrival(ctx, index, *arrived); err != nil {
			return 0, nil, err
		}
	}
	if err := k.acceptance.OnChildRegistered(ctx, index); err != nil {
		return 0, nil, err
	}
	return index, append(append([]uint32{}, id.Path...), index), nil
}

// checkGenesisRule requires, in RECURSIVE mode, that a child starts from an empty ledger, outbox
// and receipts, so all of its value arrives through the bridge and is proven (THREAT-MODEL
// "registered supply"; a grandchild's first step proves the same rule to the chains above).
func (k Keeper) checkGenesisRule(ctx context.Context, params types.Params, msg *types.MsgRegisterChild) error {
	if !params.Recursive() {
		return nil
	}
	shape, err := k.ledger.GetParams(ctx)
	if err != nil {
		return err
	}
	empty := ledger.EmptyRoots(shape.Ledger())
	name, got, want, ok := genesisRootsAre(msg, empty.Ledger, empty.Outbox, empty.Receipts)
	if !ok {
		return errorsmod.Wrapf(types.ErrNonEmptyGenesis, "%s %X: a child under RECURSIVE subtree proofs starts empty (%X)", name, got, want)
	}
	return nil
}

// genesisRootsAre reports whether a registration's genesis ledger, outbox and receipt roots are
// exactly ledgerRoot, outboxRoot and receiptRoot, else the first that differs (its name, what the
// message says, what it should say).
func genesisRootsAre(msg *types.MsgRegisterChild, ledgerRoot, outboxRoot, receiptRoot fr.Element) (name string, got, want []byte, ok bool) {
	for _, r := range []struct {
		name      string
		got, want []byte
	}{
		{"genesis_ledger_root", msg.GenesisLedgerRoot, hash.EncodeElement(ledgerRoot)},
		{"genesis_outbox_root", msg.GenesisOutboxRoot, hash.EncodeElement(outboxRoot)},
		{"genesis_receipt_root", msg.GenesisReceiptRoot, hash.EncodeElement(receiptRoot)},
	} {
		if !bytes.Equal(r.got, r.want) {
			return r.name, r.got, r.want, false
		}
	}
	return "", nil, nil, true
}

// nextFreeIndex is the lowest unused child index, so a deregistered slot is reused.
func (k Keeper) nextFreeIndex(ctx context.Context, maxChildren uint32) (uint32, error) {
	for i := uint32(1); i <= maxChildren; i++ {
		has, err := k.Children.Has(ctx, i)
		if err != nil {
			return 0, err
		}
		if !has {
			return i, nil
		}
	}
	return 0, errorsmod.Wrapf(types.ErrNoFreeChildIndex, "all %d child slots are taken", maxChildren)
}

// GetChild returns a registered child or ErrUnknownChild.
func (k Keeper) GetChild(ctx context.Context, index uint32) (types.Child, error) {
	child, err := k.Children.Get(ctx, index)
	if errors.Is(err, collections.ErrNotFound) {
		return types.Child{}, errorsmod.Wrapf(types.ErrUnknownChild, "index %d", index)
	}
	return child, err
}

// deregisterChild removes a child that has no pending forced operations and returns its bond.
// A frozen child keeps its bond until its users have exited (its queue is then empty).
func (k Keeper) deregisterChild(ctx context.Context, operator string, index uint32) error {
	child, err := k.GetChild(ctx, index)
	if err != nil {
		return err
	}
	if child.Operator != operator {
		return errorsmod.Wrapf(types.ErrWrongOperator, "child %d is operated by %s", index, child.Operator)
	}
	if child.Departure != nil {
		return k.releaseDepartedBond(ctx, child)
	}
	if deps, err := k.frozenDepartures(ctx, index); err != nil || len(deps) > 0 {
		if err == nil { // its leaf carries where they went, its position their old messages
			err = errorsmod.Wrapf(types.ErrChildDeparted, "frozen child %d has %d departed children: its record stays", index, len(deps))
		}
		return err
	}
	pending, err := k.hasPendingForcedOps(ctx, index)
	if err != nil {
		return err
	}
	if pending {
		return errorsmod.Wrapf(types.ErrPendingForcedOps, "child %d", index)
	}
	withdrawals, err := k.pendingWithdrawals(ctx, index)
	if err != nil {
		return err
	}
	if withdrawals > 0 { // issue 20: its users' forced withdrawals must be proven first
		return errorsmod.Wrapf(types.ErrPendingForcedOps, "child %d has %d pending forced withdrawals", index, withdrawals)
	}
	if err := k.checkRemovable(ctx, child); err != nil { // before emptiness: under RECURSIVE proofs no update can be undone
		return err
	}
	if err := k.checkFinalizedAndEmpty(ctx, child); err != nil {
		return err
	}
	operatorAddr, err := k.addressCodec.StringToBytes(child.Operator)
	if err != nil {
		return err
	}
	if err := k.bank.SendCoinsFromModuleToAccount(ctx, types.ModuleName, operatorAddr, sdk.NewCoins(child.Bond)); err != nil {
		return err
	}
	if err := k.removeChildLeaf(ctx, index); err != nil {
		return err
	}
	if err := k.acceptance.OnChildRemoved(ctx, index); err != nil {
		return err
	}
	if err := k.Snapshots.Clear(ctx, collections.NewPrefixedPairRange[uint32, []byte](index)); err != nil {
		return err
	}
	if err := k.SnapshotOps.Clear(ctx, collections.NewPrefixedTripleRange[uint32, []byte, uint64](index)); err != nil {
		return err
	}
	if err := k.SnapshotEntries.Clear(ctx, collections.NewPrefixedTripleRange[uint32, []byte, []byte](index)); err != nil {
		return err
	}
	if err := k.ConsumedEntries.Clear(ctx, collections.NewPrefixedPairRange[uint32, []byte](index)); err != nil {
		return err
	}
	if err := k.ProvenLeaves.Clear(ctx, collections.NewPrefixedTripleRange[uint32, uint32, []byte](index)); err != nil {
		return err
	}
	if err := k.GrandchildReports.Clear(ctx, collections.NewPrefixedPairRange[uint32, uint32](index)); err != nil {
		return err
	}
	if err := k.Exits.Clear(ctx, collections.NewPrefixedPairRange[uint32, uint64](index)); err != nil { // a reused index starts fresh
		return err
	}
	if err := k.History.Clear(ctx, collections.NewPrefixedPairRange[uint32, uint64](index)); err != nil {
		return err
	}
	if err := k.clearWithdrawals(ctx, index); err != nil { // a reused index starts fresh
		return err
	}
	if err := k.NextForcedSeq.Remove(ctx, index); err != nil {
		return err
	}
	if err := k.ForcedHead.Remove(ctx, index); err != nil {
		return err
	}
	return k.Children.Remove(ctx, index)
}

// checkRemovable refuses, under RECURSIVE subtree proofs, to drop an updated child's leaf from
// this chain's children root: the chains above accept this chain's children root only as the
// end of steps, and only a genesis leaf (a child that never updated) leaves by one (kind 7,
// checked natively above; docs/PROTOCOL.md "Registered descendants count").
func (k Keeper) checkRemovable(ctx context.Context, child types.Child) error {
	params, err := k.Params.Get(ctx)
	if err != nil {
		return err
	}
	if params.Recursive() && len(child.LatestCommitment) > 0 {
		return errorsmod.Wrapf(types.ErrRemovalUnprovable, "child %d updated: no step proves the removal of its leaf from the children root the chains above hold", child.Index)
	}
	return nil
}

// freezeChild marks a child frozen (idempotent) and emits EventChildFrozen.
func (k Keeper) freezeChild(ctx context.Context, index uint32, reason string) error {
	child, err := k.GetChild(ctx, index)
	if err != nil {
		return err
	}
	if child.Status == types.ChildStatus_CHILD_STATUS_FROZEN {
		return nil
	}
	rootHeight, err := k.tree.RootHeight(ctx)
	if err != nil {
		return err
	}
	child.Status = types.ChildStatus_CHILD_STATUS_FROZEN
	child.FrozenAtRootHeight = rootHeight
	child.FreezeReason = reason
	if err := k.Children.Set(ctx, index, child); err != nil {
		return err
	}
	slushtypes.Log(ctx, types.ModuleName, "child frozen", "child", index, "root_height", rootHeight, "reason", reason)
	return sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventChildFrozen{
		ChildIndex: index, RootHeight: rootHeight, Reason: reason,
	})
}

// appendHistory records (root height, commitment) for a child, dropping entries beyond MaxHistoryEntries.
func (k Keeper) appendHistory(ctx context.Context, index uint32, rootHeight uint64, commitment []byte) error {
	if err := k.History.Set(ctx, collections.Join(index, rootHeight), commitment); err != nil {
		return err
	}
	var heights []uint64
	err := k.History.Walk(ctx, collections.NewPrefixedPairRange[uint32, uint64](index),
		func(key collections.Pair[uint32, uint64], _ []byte) (bool, error) {
			heights = append(heights, key.K2())
			return false, nil
		})
	if err != nil {
		return err
	}
	for i := 0; i+types.MaxHistoryEntries < len(heights); i++ {
		if err := k.History.Remove(ctx, collections.Join(index, heights[i])); err != nil {
			return err
		}
	}
	return nil
}

// checkFinalizedAndEmpty allows removing a child only when no user can still need it: its
// ledger is back at its genesis root (nothing held that was not there at registration) and its
// latest commitment is finalized. Removing a child ends its users' exits, so this errs on the
// side of keeping the bond locked.
func (k Keeper) checkFinalizedAndEmpty(ctx context.Context, child types.Child) error {
	if len(child.LatestCommitment) == 0 {
		return nil // never updated: its ledger is its genesis
	}
	if !bytes.Equal(child.LedgerRoot, child.GenesisLedgerRoot) {
		return errorsmod.Wrapf(types.ErrChildNotEmpty, "child %d ledger moved since registration", child.Index)
	}
	finalized, ok, err := k.finalizedCommitment(ctx, child.Index)
	if err != nil {
		return err
	}
	if !ok || !bytes.Equal(finalized, child.LatestCommitment) {
		return errorsmod.Wrapf(types.ErrChildNotEmpty, "child %d latest commitment is not finalized", child.Index)
	}
	return nil
}

// removeChildLeaf drops a deregistered child from this chain's children SMT.
func (k Keeper) removeChildLeaf(ctx context.Context, index uint32) error {
	tree, err := commitment.NewChildrenTree(smtstore.New(ctx, k.ChildrenTree))
	if err != nil {
		return err
	}
	return tree.RemoveChild(uint8(index))
}
