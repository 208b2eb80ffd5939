// Package parentsync is the verification core of MsgSyncParent (DESIGN §5, "Downward flow"): a
// child verifies its parent's signed header with the CometBFT light-client rules against the
// parent validator set it tracks, then an ICS23 proof of a parent store record under that
// header's app hash. Everything here is a pure function of its arguments (no clock, no
// randomness, no I/O), so a keeper can run it in DeliverTx.
package parentsync

import (
	"bytes"
	"fmt"
	"time"

	"github.com/cometbft/cometbft/crypto/tmhash"
	cmtmath "github.com/cometbft/cometbft/libs/math"
	"github.com/cometbft/cometbft/light"
	cmtproto "github.com/cometbft/cometbft/proto/tendermint/types"
	cmttypes "github.com/cometbft/cometbft/types"
)

const (
	// MaxValidators bounds every validator set and commit this package accepts, so an untrusted
	// set cannot make verification arbitrarily expensive (SDK staking defaults to 100).
	MaxValidators = 1024
	// MaxStateBytes bounds an encoded TrustedState before it is decoded.
	MaxStateBytes = 256 * 1024
	// MaxHeaderBytes bounds an encoded cmtproto.SignedHeader before it is decoded (a 1024-validator
	// commit is about 110 KiB).
	MaxHeaderBytes = 256 * 1024
	// MaxValidatorSetBytes bounds an encoded cmtproto.ValidatorSet before it is decoded.
	MaxValidatorSetBytes = 256 * 1024
)

// Params are the light-client parameters of the parent a child tracks.
type Params struct {
	// TrustingPeriod is how long a verified header stays a valid base for the next one; it MUST
	// be shorter than the parent's unbonding period (or a slashed-free equivocation is possible).
	TrustingPeriod time.Duration
	// MaxClockDrift is how far the header time may be ahead of the child's block time.
	MaxClockDrift time.Duration
	// TrustLevel is the fraction of the trusted validators' power that must sign a skipping header.
	TrustLevel cmtmath.Fraction
}

// DefaultParams are 2/3 of the SDK's default 21-day unbonding period, 10 s drift and trust 1/3.
func DefaultParams() Params {
	return Params{
		TrustingPeriod: 14 * 24 * time.Hour,
		MaxClockDrift:  10 * time.Second,
		TrustLevel:     light.DefaultTrustLevel,
	}
}

// Validate checks the parameters are usable: a positive trusting period, a non-negative drift
// and a trust level in [1/3, 1].
func (p Params) Validate() error {
	if p.TrustingPeriod <= 0 {
		return fmt.Errorf("%w: trusting period %s must be positive", ErrInvalidParams, p.TrustingPeriod)
	}
	if p.MaxClockDrift < 0 {
		return fmt.Errorf("%w: max clock drift %s must not be negative", ErrInvalidParams, p.MaxClockDrift)
	}
	if err := light.ValidateTrustLevel(p.TrustLevel); err != nil {
		return fmt.Errorf("%w: %w", ErrInvalidParams, err)
	}
	return nil
}

// TrustedState is what a child stores about its parent between syncs: the last verified
// header's identity and the validator set that signed it. Validators (the set at Height) is
// the base for skipping verification, exactly as the CometBFT light client does;
// NextValidatorsHash is the base for adjacent verification.
type TrustedState struct {
	// ChainID is the parent's chain-id; headers of any other chain are refused.
	ChainID string
	// Height is the last verified parent height; the next header must be above it.
	Height int64
	// Time is the last verified header's time; trust expires at Time + TrustingPeriod.
	Time time.Time
	// AppHash is the verified header's app hash: the parent's state after block Height-1, which
	// store proofs queried at height Height-1 verify against.
	AppHash []byte
	// Validators is the parent validator set that signed the header at Height.
	Validators *cmttypes.ValidatorSet
	// NextValidatorsHash is the hash of the validator set that signs Height+1.
	NextValidatorsHash []byte
}

// NewTrustedState builds the initial (subjectively trusted) state from a parent header and its
// validator set, e.g. at the child's genesis. It checks the header is complete and signed by
// +2/3 of vals; whoever supplies it is trusted for everything else.
func NewTrustedState(header *cmttypes.SignedHeader, vals *cmttypes.ValidatorSet) (TrustedState, error) {
	if header == nil || header.Header == nil || header.Commit == nil {
		return TrustedState{}, fmt.Errorf("%w: nil header or commit", ErrMalformedHeader)
	}
	if err := checkValidatorSet(vals); err != nil {
		return TrustedState{}, err
	}
	if err := header.ValidateBasic(header.ChainID); err != nil {
		return TrustedState{}, fmt.Errorf("%w: %w", ErrMalformedHeader, err)
	}
	if !bytes.Equal(header.ValidatorsHash, vals.Hash()) {
		return TrustedState{}, fmt.Errorf("%w: header names %X, set is %X", ErrValidatorsHashMismatch,
			header.ValidatorsHash, vals.Hash())
	}
	if len(header.Commit.Signatures) != vals.Size() {
		return TrustedState{}, fmt.Errorf("%w: %d signatures for %d validators", ErrInvalidCommit,
			len(header.Commit.Signatures), vals.Size())
	}
	if err := vals.VerifyCommitLight(header.ChainID, header.Commit.BlockID, header.Height, header.Commit); err != nil {
		return TrustedState{}, fmt.Errorf("%w: %w", ErrInvalidCommit, err)
	}
	s := stateFromHeader(header, vals)
	return s, s.Validate()
}

// stateFromHeader is the trusted state a verified header and its validator set become.
func stateFromHeader(header *cmttypes.SignedHeader, vals *cmttypes.ValidatorSet) TrustedState {
	return TrustedState{
		ChainID:            header.ChainID,
		Height:             header.Height,
		Time:               header.Time.UTC(),
		AppHash:            bytes.Clone(header.AppHash),
		Validators:         vals.Copy(),
		NextValidatorsHash: bytes.Clone(header.NextValidatorsHash),
	}
}

// Validate checks the state is complete; VerifyHeader refuses to build on anything else.
func (s TrustedState) Validate() error {
	if s.ChainID == "" || len(s.ChainID) > cmttypes.MaxChainIDLen {
		return fmt.Errorf("%w: chain-id %q", ErrInvalidTrustedState, s.ChainID)
	}
	if s.Height <= 0 {
		return fmt.Errorf("%w: height %d", ErrInvalidTrustedState, s.Height)
	}
	if s.Time.IsZero() {
		return fmt.Errorf("%w: zero time", ErrInvalidTrustedState)
	}
	if len(s.NextValidatorsHash) != tmhash.Size {
		return fmt.Errorf("%w: next validators hash of %d bytes", ErrInvalidTrustedState, len(s.NextValidatorsHash))
	}
	if len(s.AppHash) > tmhash.Size*4 {
		return fmt.Errorf("%w: app hash of %d bytes", ErrInvalidTrustedState, len(s.AppHash))
	}
	if err := checkValidatorSet(s.Validators); err != nil {
		return fmt.Errorf("%w: %w", ErrInvalidTrustedState, err)
	}
	return nil
}

// toProto encodes the state as a cmtproto.LightBlock whose header carries only the state's
// fields (and the validators' hash) and whose commit is empty.
func (s TrustedState) toProto() (*cmtproto.LightBlock, error) {
	vp, err := s.Validators.ToProto()
	if err != nil {
		return nil, err
	}
	return &cmtproto.LightBlock{
		SignedHeader: &cmtproto.SignedHeader{Header: &cmtproto.Header{
			ChainID:            s.ChainID,
			Height:             s.Height,
			Time:               s.Time.UTC(),
			AppHash:            s.AppHash,
			ValidatorsHash:     s.Validators.Hash(),
			NextValidatorsHash: s.NextValidatorsHash,
		}},
		ValidatorSet: vp,
	}, nil
}

// Marshal encodes the state deterministically (gogoproto, no maps) for the keeper's store.
func (s TrustedState) Marshal() ([]byte, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	pb, err := s.toProto()
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidTrustedState, err)
	}
	return pb.Marshal()
}

// UnmarshalTrustedState decodes bytes written by Marshal. Only the canonical encoding is
// accepted: the decoded state must validate and re-encode to exactly bz.
func UnmarshalTrustedState(bz []byte) (TrustedState, error) {
	if len(bz) > MaxStateBytes {
		return TrustedState{}, fmt.Errorf("%w: %d bytes, max %d", ErrInvalidTrustedState, len(bz), MaxStateBytes)
	}
	var pb cmtproto.LightBlock
	if err := pb.Unmarshal(bz); err != nil {
		return TrustedState{}, fmt.Errorf("%w: %w", ErrInvalidTrustedState, err)
	}
	if pb.SignedHeader == nil || pb.SignedHeader.Header == nil || pb.ValidatorSet == nil {
		return TrustedState{}, fmt.Errorf("%w: missing header or validator set", ErrInvalidTrustedState)
	}
	h := pb.SignedHeader.Header
	vals, err := cmttypes.ValidatorSetFromProto(pb.ValidatorSet)
	if err != nil {
		return TrustedState{}, fmt.Errorf("%w: %w", ErrInvalidTrustedState, err)
	}
	s := TrustedState{
		ChainID:            h.ChainID,
		Height:             h.Height,
		Time:               h.Time.UTC(),
		AppHash:            h.AppHash,
		Validators:         vals,
		NextValidatorsHash: h.NextValidatorsHash,
	}
	canonical, err := s.Marshal()
	if err != nil {
		return TrustedState{}, err
	}
	if !bytes.Equal(canonical, bz) {
		return TrustedState{}, fmt.Errorf("%w: non-canonical encoding", ErrInvalidTrustedState)
	}
	return s, nil
}

// checkValidatorSet refuses sets light verification must not see: nil, empty, above
// MaxValidators, nil or malformed entries, non-positive or overflowing power, duplicates.
func checkValidatorSet(vals *cmttypes.ValidatorSet) error {
	if vals.IsNilOrEmpty() {
		return fmt.Errorf("%w: nil or empty", ErrInvalidValidatorSet)
	}
	if n := len(vals.Validators); n > MaxValidators {
		return fmt.Errorf("%w: %d validators, max %d", ErrInvalidValidatorSet, n, MaxValidators)
	}
	seen := make(map[string]struct{}, len(vals.Validators))
	for i, v := range vals.Validators {
		if err := v.ValidateBasic(); err != nil {
			return fmt.Errorf("%w: validator %d: %w", ErrInvalidValidatorSet, i, err)
		}
		if v.VotingPower <= 0 {
			return fmt.Errorf("%w: validator %d has power %d", ErrInvalidValidatorSet, i, v.VotingPower)
		}
		if _, dup := seen[string(v.Address)]; dup {
			return fmt.Errorf("%w: duplicate validator %X", ErrInvalidValidatorSet, v.Address)
		}
		seen[string(v.Address)] = struct{}{}
	}
	if _, err := vals.TotalVotingPowerSafe(); err != nil {
		return fmt.Errorf("%w: %w", ErrInvalidValidatorSet, err)
	}
	if err := vals.ValidateBasic(); err != nil { // also requires a proposer, as ToProto/FromProto do
		return fmt.Errorf("%w: %w", ErrInvalidValidatorSet, err)
	}
	return nil
}
