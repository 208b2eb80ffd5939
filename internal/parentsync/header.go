package parentsync

import (
	"bytes"
	"errors"
	"fmt"
	"time"

	"github.com/cometbft/cometbft/light"
	cmttypes "github.com/cometbft/cometbft/types"
)

// VerifyHeader verifies the parent's signed header against the trusted state with the CometBFT
// light-client rules (DESIGN §5, "Downward flow") and returns the state it establishes.
//
// vals is the parent validator set at header.Height (it must hash to header.ValidatorsHash).
// An adjacent header (trusted.Height+1) must be signed by +2/3 of vals, and vals must be the
// trusted next validators; a skipping header must be signed by TrustLevel of the trusted
// validators and by +2/3 of vals, which is how validator-set changes are followed. now is the
// CHILD's block time (a state machine never reads the wall clock): trust expires at
// trusted.Time + TrustingPeriod, and the header may not be later than now + MaxClockDrift.
// Every refusal wraps exactly one of the package's sentinel errors; malformed input never panics.
func VerifyHeader(
	trusted TrustedState, header *cmttypes.SignedHeader, vals *cmttypes.ValidatorSet, params Params, now time.Time,
) (TrustedState, error) {
	if err := params.Validate(); err != nil {
		return TrustedState{}, err
	}
	if err := trusted.Validate(); err != nil {
		return TrustedState{}, err
	}
	if header == nil || header.Header == nil || header.Commit == nil {
		return TrustedState{}, fmt.Errorf("%w: nil header or commit", ErrMalformedHeader)
	}
	if header.ChainID != trusted.ChainID {
		return TrustedState{}, fmt.Errorf("%w: %q, tracking %q", ErrWrongChainID, header.ChainID, trusted.ChainID)
	}
	if header.Height <= trusted.Height {
		return TrustedState{}, fmt.Errorf("%w: height %d, trusted %d", ErrNonAdvancingHeight, header.Height, trusted.Height)
	}
	if expiry := trusted.Time.Add(params.TrustingPeriod); !expiry.After(now) {
		return TrustedState{}, fmt.Errorf("%w: trusted height %d expired at %s, now %s", ErrTrustExpired,
			trusted.Height, expiry.UTC().Format(time.RFC3339Nano), now.UTC().Format(time.RFC3339Nano))
	}
	if err := checkSignedHeader(header); err != nil {
		return TrustedState{}, err
	}
	if !header.Time.After(trusted.Time) {
		return TrustedState{}, fmt.Errorf("%w: header time %s, trusted %s", ErrNonIncreasingTime,
			header.Time.UTC().Format(time.RFC3339Nano), trusted.Time.UTC().Format(time.RFC3339Nano))
	}
	if limit := now.Add(params.MaxClockDrift); !header.Time.Before(limit) {
		return TrustedState{}, fmt.Errorf("%w: header time %s, limit %s", ErrHeaderFromFuture,
			header.Time.UTC().Format(time.RFC3339Nano), limit.UTC().Format(time.RFC3339Nano))
	}
	if err := checkValidatorSet(vals); err != nil {
		return TrustedState{}, err
	}
	if !bytes.Equal(header.ValidatorsHash, vals.Hash()) {
		return TrustedState{}, fmt.Errorf("%w: header names %X, supplied %X", ErrValidatorsHashMismatch,
			header.ValidatorsHash, vals.Hash())
	}
	adjacent := header.Height == trusted.Height+1
	if adjacent && !bytes.Equal(header.ValidatorsHash, trusted.NextValidatorsHash) {
		return TrustedState{}, fmt.Errorf("%w: header names %X, trusted next %X", ErrNextValidatorsMismatch,
			header.ValidatorsHash, trusted.NextValidatorsHash)
	}
	if n := len(header.Commit.Signatures); n != vals.Size() {
		return TrustedState{}, fmt.Errorf("%w: %d signatures for %d validators", ErrInvalidCommit, n, vals.Size())
	}

	// light.Verify reads only these fields of the trusted header (as ibc-go's 07-tendermint does).
	trustedHeader := &cmttypes.SignedHeader{Header: &cmttypes.Header{
		ChainID:            trusted.ChainID,
		Height:             trusted.Height,
		Time:               trusted.Time,
		NextValidatorsHash: trusted.NextValidatorsHash,
	}}
	err := light.Verify(trustedHeader, trusted.Validators, header, vals,
		params.TrustingPeriod, now, params.MaxClockDrift, params.TrustLevel)
	if err != nil {
		var notTrusted light.ErrNewValSetCantBeTrusted
		if errors.As(err, &notTrusted) {
			return TrustedState{}, fmt.Errorf("%w: %w", ErrInsufficientTrust, err)
		}
		return TrustedState{}, fmt.Errorf("%w: %w", ErrInvalidCommit, err)
	}
	next := stateFromHeader(header, vals)
	if err := next.Validate(); err != nil {
		return TrustedState{}, err
	}
	return next, nil
}

// checkSignedHeader runs the header's and the commit's basic validation and checks the commit
// is for this very header (a header edited after signing fails here, not in the signatures).
func checkSignedHeader(sh *cmttypes.SignedHeader) error {
	if n := len(sh.Commit.Signatures); n > MaxValidators {
		return fmt.Errorf("%w: %d commit signatures, max %d", ErrMalformedHeader, n, MaxValidators)
	}
	if err := sh.Header.ValidateBasic(); err != nil {
		return fmt.Errorf("%w: header: %w", ErrMalformedHeader, err)
	}
	if err := sh.Commit.ValidateBasic(); err != nil {
		return fmt.Errorf("%w: commit: %w", ErrMalformedHeader, err)
	}
	if sh.Commit.Height != sh.Height {
		return fmt.Errorf("%w: commit height %d, header height %d", ErrMalformedHeader, sh.Commit.Height, sh.Height)
	}
	if hh, ch := sh.Header.Hash(), sh.Commit.BlockID.Hash; !bytes.Equal(hh, ch) {
		return fmt.Errorf("%w: commit signs block %X, header is block %X", ErrHeaderNotSigned, ch, hh)
	}
	return nil
}
