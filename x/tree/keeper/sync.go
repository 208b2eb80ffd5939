package keeper

import (
	"bytes"
	"context"
	"errors"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/internal/parentsync"
	"github.com/slush-tree/slush/x/tree/types"
)

// learnedRoot is one root commitment a parent sync proved.
type learnedRoot struct {
	height     uint64
	commitment []byte
}

// syncParent verifies an optional new parent header with the light client, then each record
// under the trusted app hash, and only then records the root commitments it proves (DESIGN §5
// downward flow). Gas for all the verification is charged first.
func (k Keeper) syncParent(ctx context.Context, msg *types.MsgSyncParent) (*types.MsgSyncParentResponse, error) {
	if len(msg.Records) == 0 || len(msg.Records) > types.MaxSyncRecords {
		return nil, errorsmod.Wrapf(types.ErrInvalidRecordProof, "%d records: 1..%d per sync", len(msg.Records), types.MaxSyncRecords)
	}
	trusted, params, err := k.parentClient(ctx)
	if err != nil {
		return nil, err
	}
	// DESIGN §10 fork choice: a frozen client verifies nothing, not even records under its trusted header
	if err := k.requireNotFrozen(ctx); err != nil {
		return nil, err
	}
	sdkCtx := sdk.UnwrapSDKContext(ctx)
	chargeSyncGas(sdkCtx, msg, trusted)
	next := trusted
	if len(msg.Header) > 0 {
		if next, err = verifyParentHeader(trusted, msg, params, sdkCtx); err != nil {
			return nil, err
		}
	}
	learned, err := k.verifyRecords(ctx, next.AppHash, msg.Records)
	if err != nil {
		return nil, err
	}
	fresh, err := k.recordLearned(ctx, learned)
	if err != nil {
		return nil, err
	}
	if len(msg.Header) > 0 {
		bz, err := next.Marshal()
		if err != nil {
			return nil, err
		}
		if err := k.ParentClient.Set(ctx, bz); err != nil {
			return nil, err
		}
	}
	rootHeight, err := k.RootHeight(ctx)
	if err != nil {
		return nil, err
	}
	res := &types.MsgSyncParentResponse{ParentHeight: next.Height, Learned: fresh, RootHeight: rootHeight}
	return res, sdkCtx.EventManager().EmitTypedEvent(&types.EventParentSynced{
		ParentHeight: res.ParentHeight, Learned: res.Learned, RootHeight: res.RootHeight,
	})
}

// chargeSyncGas prices the verification before it runs: the commit signatures a new header may
// need checked (bounded by the larger of the trusted and the header's set, twice for skipping)
// and every proof byte.
func chargeSyncGas(ctx sdk.Context, msg *types.MsgSyncParent, trusted parentsync.TrustedState) {
	gas := uint64(types.SyncGasFlat)
	if len(msg.Header) > 0 {
		sigs := uint64(len(msg.ValidatorSet)/32 + 1) // an upper bound on the set size before decoding
		if trusted.Validators != nil {
			sigs += uint64(trusted.Validators.Size())
		}
		gas += types.SyncGasPerSignature * sigs
	}
	for _, r := range msg.Records {
		gas += types.SyncGasPerProofByte * uint64(len(r.Proof)+len(r.Value))
	}
	ctx.GasMeter().ConsumeGas(gas, "parent sync verification")
}

// verifyParentHeader decodes and verifies the new header against the trusted validators at
// this chain's block time (never a wall clock).
func verifyParentHeader(trusted parentsync.TrustedState, msg *types.MsgSyncParent, params parentsync.Params, ctx sdk.Context) (parentsync.TrustedState, error) {
	header, err := parentsync.DecodeSignedHeader(msg.Header)
	if err != nil {
		return parentsync.TrustedState{}, errorsmod.Wrap(types.ErrInvalidHeader, err.Error())
	}
	vals, err := parentsync.DecodeValidatorSet(msg.ValidatorSet)
	if err != nil {
		return parentsync.TrustedState{}, errorsmod.Wrap(types.ErrInvalidHeader, err.Error())
	}
	next, err := parentsync.VerifyHeader(trusted, header, vals, params, ctx.BlockTime())
	if err != nil {
		return parentsync.TrustedState{}, errorsmod.Wrap(types.ErrInvalidHeader, err.Error())
	}
	return next, nil
}

// verifyRecords proves each record under appHash and returns the root commitments they carry.
// The store key is derived here from the root height, never taken from the message.
func (k Keeper) verifyRecords(ctx context.Context, appHash []byte, records []types.ParentRecord) ([]learnedRoot, error) {
	parentIsRoot, err := k.parentIsRoot(ctx)
	if err != nil {
		return nil, err
	}
	learned := make([]learnedRoot, 0, len(records))
	for i, r := range records {
		key, commitment, err := k.parentRecord(parentIsRoot, r)
		if err != nil {
			return nil, errorsmod.Wrapf(types.ErrInvalidRecordProof, "record %d: %v", i, err)
		}
		proof, err := parentsync.DecodeProofOps(r.Proof)
		if err != nil {
			return nil, errorsmod.Wrapf(types.ErrInvalidRecordProof, "record %d: %v", i, err)
		}
		if err := parentsync.VerifyMembership(appHash, proof, types.StoreKey, key, r.Value); err != nil {
			return nil, errorsmod.Wrapf(types.ErrInvalidRecordProof, "record %d: %v", i, err)
		}
		learned = append(learned, learnedRoot{height: r.RootHeight, commitment: commitment})
	}
	return learned, nil
}

// parentIsRoot reports whether this chain's parent is the root (its path has one index).
func (k Keeper) parentIsRoot(ctx context.Context) (bool, error) {
	path, err := k.OwnPath(ctx)
	if err != nil {
		return false, err
	}
	if len(path) == 0 {
		return false, types.ErrNoParentClient
	}
	return len(path) == 1, nil
}

// parentRecord is the parent store key of a record and the root commitment it carries: the
// root's own commitment at that height (parent = root) or the parent's root-history entry.
func (k Keeper) parentRecord(parentIsRoot bool, r types.ParentRecord) ([]byte, []byte, error) {
	if r.RootHeight == 0 || r.RootHeight > types.MaxRecordRootHeight {
		return nil, nil, errors.New("root height out of range")
	}
	if !parentIsRoot {
		if _, err := hash.DecodeElement(r.Value); err != nil {
			return nil, nil, err
		}
		key, err := types.ParentRecordKey(false, r.RootHeight)
		return key, r.Value, err
	}
	var own types.OwnCommitment
	if err := k.cdc.Unmarshal(r.Value, &own); err != nil {
		return nil, nil, err
	}
	if own.Height != int64(r.RootHeight) {
		return nil, nil, errors.New("commitment record is for another height")
	}
	if _, err := hash.DecodeElement(own.Commitment); err != nil {
		return nil, nil, err
	}
	key, err := types.ParentRecordKey(true, r.RootHeight)
	return key, own.Commitment, err
}

// recordLearned records the proven root commitments this chain did not know yet.
func (k Keeper) recordLearned(ctx context.Context, learned []learnedRoot) (uint64, error) {
	var fresh []learnedRoot
	inSync := make(map[uint64][]byte, len(learned)) // looked up only, never iterated
	for _, l := range learned {                     // read everything first: a conflict writes nothing
		held, err := k.RootHistory.Get(ctx, l.height)
		if before, ok := inSync[l.height]; ok { // the same height twice in one sync
			held, err = before, nil
		}
		switch {
		case errors.Is(err, collections.ErrNotFound):
			fresh = append(fresh, l)
			inSync[l.height] = l.commitment
		case err != nil:
			return 0, err
		case !bytes.Equal(held, l.commitment): // DESIGN §10 fork choice: never follow a conflicting root history
			return 0, errorsmod.Wrapf(types.ErrConflictingRootCommitment, "root height %d: the parent proves %X, this chain holds %X",
				l.height, l.commitment, held)
		}
	}
	for _, l := range fresh {
		if err := k.RecordRootCommitment(ctx, l.height, l.commitment); err != nil {
			return 0, err
		}
	}
	return uint64(len(fresh)), nil
}
