package keeper

import (
	"bytes"
	"context"
	"time"

	"github.com/cometbft/cometbft/crypto/ed25519"

	errorsmod "cosmossdk.io/errors"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/slush-tree/slush/internal/parentsync"
	"github.com/slush-tree/slush/x/tree/types"
)

// TrustedParentHeader is the height and time of the newest parent header the parent client
// trusts (ErrNoParentClient without a client). It answers while the client is frozen: the root
// re-election's liveness check (DESIGN §10) measures how old that header is.
func (k Keeper) TrustedParentHeader(ctx context.Context) (int64, time.Time, error) {
	trusted, _, err := k.parentClient(ctx)
	if err != nil {
		return 0, time.Time{}, err
	}
	return trusted.Height, trusted.Time, nil
}

// AdoptElectedParent re-points the parent client at a restarted parent chain on the authority of
// an election result (DESIGN §10: the children of the root trust the restarted root "by the
// election result itself, with no governance vote"). The caller (x/election, above this module)
// passes what the result fixed: the elected operator's consensus key and the base (root height,
// commitment) the restart continues from. Checked here, in order:
//   - the header and its validator set decode, the set is exactly the elected key (power > 0),
//     the header names it as this and the next set, and the commit carries +2/3 of it
//     (parentsync.NewTrustedState): the elected operator signed it (ErrNotElectedParent /
//     ErrInvalidHeader);
//   - it is a header of this chain's parent chain-id (ErrWrongParentChain) and current at this
//     chain's block time (ErrParentClientNotCurrent), as a governance recovery must be;
//   - its app hash proves the parent's record at baseHeight (the root's own commitment record
//     when the parent is the root) (ErrInvalidRecordProof), and that record is baseCommitment
//     (ErrNotElectionBase): the restarted chain continues from the state the election was about.
//
// Then the client is replaced and a freeze by misbehaviour evidence lifted, exactly as
// MsgRecoverParentClient does; the root history learned so far stays.
func (k Keeper) AdoptElectedParent(
	ctx context.Context, header, validatorSet []byte, record types.ParentRecord, consensusKey []byte, baseHeight uint64,
	baseCommitment []byte,
) (int64, bool, error) {
	parentChainID, err := k.parentChainID(ctx)
	if err != nil {
		return 0, false, err
	}
	state, err := electedState(header, validatorSet, consensusKey)
	if err != nil {
		return 0, false, err
	}
	if state.ChainID != parentChainID {
		return 0, false, errorsmod.Wrapf(types.ErrWrongParentChain, "header of %q, this chain's parent is %q", state.ChainID, parentChainID)
	}
	sp, err := k.ParentSync.Get(ctx)
	if err != nil {
		return 0, false, err
	}
	params, err := sp.LightClientParams()
	if err != nil {
		return 0, false, err
	}
	sdkCtx := sdk.UnwrapSDKContext(ctx)
	if err := types.CheckClientCurrent(state, params, sdkCtx.BlockTime()); err != nil {
		return 0, false, err
	}
	if record.RootHeight != baseHeight {
		return 0, false, errorsmod.Wrapf(types.ErrNotElectionBase, "record at root height %d, the base is at %d", record.RootHeight, baseHeight)
	}
	learned, err := k.verifyRecords(ctx, state.AppHash, []types.ParentRecord{record})
	if err != nil {
		return 0, false, err
	}
	if !bytes.Equal(learned[0].commitment, baseCommitment) {
		return 0, false, errorsmod.Wrapf(types.ErrNotElectionBase, "root height %d: the restarted parent holds %X, the base is %X",
			baseHeight, learned[0].commitment, baseCommitment)
	}
	bz, err := state.Marshal()
	if err != nil {
		return 0, false, err
	}
	previous, err := k.trustedParentHeight(ctx)
	if err != nil {
		return 0, false, err
	}
	if err := k.ParentClient.Set(ctx, bz); err != nil {
		return 0, false, err
	}
	unfrozen, err := k.ParentClientFrozen.Has(ctx)
	if err != nil {
		return 0, false, err
	}
	if err := k.ParentClientFrozen.Remove(ctx); err != nil {
		return 0, false, err
	}
	k.logger.Info("parent client re-pointed by an election result", "chain_id", state.ChainID,
		"previous_height", previous, "height", state.Height, "unfrozen", unfrozen)
	return state.Height, unfrozen, sdkCtx.EventManager().EmitTypedEvent(&types.EventParentClientRecovered{
		ChainId: state.ChainID, PreviousHeight: previous, Height: state.Height, AppHash: state.AppHash, Unfrozen: unfrozen,
	})
}

// electedState decodes a restarted parent's header and validator set and returns the trusted
// state they make, if the set is exactly the elected consensus key, now and for the next height,
// and +2/3 of it (the key) signed the header.
func electedState(header, validatorSet, consensusKey []byte) (parentsync.TrustedState, error) {
	sh, err := parentsync.DecodeSignedHeader(header)
	if err != nil {
		return parentsync.TrustedState{}, errorsmod.Wrap(types.ErrInvalidHeader, err.Error())
	}
	vals, err := parentsync.DecodeValidatorSet(validatorSet)
	if err != nil {
		return parentsync.TrustedState{}, errorsmod.Wrap(types.ErrInvalidHeader, err.Error())
	}
	if vals.Size() != 1 {
		return parentsync.TrustedState{}, errorsmod.Wrapf(types.ErrNotElectedParent, "%d validators, want the elected key alone", vals.Size())
	}
	pk, ok := vals.Validators[0].PubKey.(ed25519.PubKey)
	if !ok || !bytes.Equal(pk.Bytes(), consensusKey) {
		return parentsync.TrustedState{}, errorsmod.Wrapf(types.ErrNotElectedParent, "validator key %X, elected %X",
			vals.Validators[0].PubKey.Bytes(), consensusKey)
	}
	if sh.Header == nil || !bytes.Equal(sh.Header.NextValidatorsHash, vals.Hash()) {
		return parentsync.TrustedState{}, errorsmod.Wrap(types.ErrNotElectedParent, "the next validator set is not the elected key alone")
	}
	state, err := parentsync.NewTrustedState(sh, vals)
	if err != nil {
		return parentsync.TrustedState{}, errorsmod.Wrap(types.ErrInvalidHeader, err.Error())
	}
	return state, nil
}
