package parentsync

import (
	"fmt"
	"time"

	cmtcrypto "github.com/cometbft/cometbft/proto/tendermint/crypto"
	cmtproto "github.com/cometbft/cometbft/proto/tendermint/types"
	cmttypes "github.com/cometbft/cometbft/types"
)

// VerifyParentRecord is MsgSyncParent's whole check (DESIGN §5, "Downward flow"): the parent's
// header verifies against the trusted state (VerifyHeader) and proof proves storeKey/key → value
// under that header's app hash (VerifyMembership). It returns the new trusted state to store.
//
// Heights: in CometBFT the app hash in header H is the parent's state after block H-1, so the
// proof must come from an ABCI query at height H-1 with prove=true ("/store/<storeKey>/key",
// or a node's abci_query with height H-1). A record the parent writes in block H-1 (e.g. its
// own commitment for H-1, written in EndBlock) is therefore provable with header H at the
// earliest. The proof's shape is checked before any signature is verified, so malformed
// payloads fail cheaply.
func VerifyParentRecord(
	trusted TrustedState, header *cmttypes.SignedHeader, vals *cmttypes.ValidatorSet, params Params, now time.Time,
	proof *cmtcrypto.ProofOps, storeKey string, key, value []byte,
) (TrustedState, error) {
	if _, _, err := decodeProof(proof, storeKey, key); err != nil {
		return TrustedState{}, err
	}
	next, err := VerifyHeader(trusted, header, vals, params, now)
	if err != nil {
		return TrustedState{}, err
	}
	if err := VerifyMembership(next.AppHash, proof, storeKey, key, value); err != nil {
		return TrustedState{}, fmt.Errorf("record at parent height %d: %w", next.Height-1, err)
	}
	return next, nil
}

// DecodeSignedHeader decodes a parent signed header carried as bytes (cmtproto.SignedHeader),
// refusing oversized input before decoding it. Header and commit must both be present.
func DecodeSignedHeader(bz []byte) (*cmttypes.SignedHeader, error) {
	if len(bz) > MaxHeaderBytes {
		return nil, fmt.Errorf("%w: %d bytes, max %d", ErrMalformedHeader, len(bz), MaxHeaderBytes)
	}
	var pb cmtproto.SignedHeader
	if err := pb.Unmarshal(bz); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrMalformedHeader, err)
	}
	if pb.Header == nil || pb.Commit == nil {
		return nil, fmt.Errorf("%w: missing header or commit", ErrMalformedHeader)
	}
	sh, err := cmttypes.SignedHeaderFromProto(&pb)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrMalformedHeader, err)
	}
	return sh, nil
}

// DecodeValidatorSet decodes a parent validator set carried as bytes (cmtproto.ValidatorSet),
// refusing oversized input before decoding it and checking it as VerifyHeader does.
func DecodeValidatorSet(bz []byte) (*cmttypes.ValidatorSet, error) {
	if len(bz) > MaxValidatorSetBytes {
		return nil, fmt.Errorf("%w: %d bytes, max %d", ErrInvalidValidatorSet, len(bz), MaxValidatorSetBytes)
	}
	var pb cmtproto.ValidatorSet
	if err := pb.Unmarshal(bz); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidValidatorSet, err)
	}
	if len(pb.Validators) > MaxValidators {
		return nil, fmt.Errorf("%w: %d validators, max %d", ErrInvalidValidatorSet, len(pb.Validators), MaxValidators)
	}
	vals, err := cmttypes.ValidatorSetFromProto(&pb)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidValidatorSet, err)
	}
	if err := checkValidatorSet(vals); err != nil {
		return nil, err
	}
	return vals, nil
}
