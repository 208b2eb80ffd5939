package parentsync

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	cmttypes "github.com/cometbft/cometbft/types"
)

// misbehaviourDomain separates evidence hashes from every other hash this chain computes.
const misbehaviourDomain = "slush/parent-misbehaviour/v1"

// Misbehaviour is a decoded pair of conflicting parent headers (issue 17, DESIGN §10): same
// chain, same height, different header hashes. DecodeMisbehaviour builds it without verifying
// a signature; VerifyMisbehaviour checks it against the trusted state.
type Misbehaviour struct {
	// Header1 and Vals1 are one signed header and the validator set that hashes to its ValidatorsHash.
	Header1 *cmttypes.SignedHeader
	// Vals1 is the validator set of Header1.
	Vals1 *cmttypes.ValidatorSet
	// Header2 is the conflicting signed header at the same height.
	Header2 *cmttypes.SignedHeader
	// Vals2 is the validator set of Header2.
	Vals2 *cmttypes.ValidatorSet
}

// Evidence is what verified misbehaviour establishes: where the parent forked and a hash that
// identifies the pair whichever header came first.
type Evidence struct {
	// ChainID is the parent chain-id.
	ChainID string
	// Height is the parent height both headers are at.
	Height int64
	// HeaderHash1 is the smaller of the two header hashes.
	HeaderHash1 []byte
	// HeaderHash2 is the larger of the two header hashes.
	HeaderHash2 []byte
	// Hash is EvidenceHash(ChainID, Height, HeaderHash1, HeaderHash2).
	Hash []byte
}

// EvidenceHash is SHA-256 over the domain tag, the length-prefixed chain-id, the height (8 bytes
// big-endian) and the two header hashes in ascending order: the same for either submission order.
func EvidenceHash(chainID string, height int64, hashA, hashB []byte) []byte {
	lo, hi := hashA, hashB
	if bytes.Compare(lo, hi) > 0 {
		lo, hi = hi, lo
	}
	h := sha256.New()
	h.Write([]byte(misbehaviourDomain))
	h.Write(binary.BigEndian.AppendUint32(nil, uint32(len(chainID))))
	h.Write([]byte(chainID))
	h.Write(binary.BigEndian.AppendUint64(nil, uint64(height)))
	h.Write(lo)
	h.Write(hi)
	return h.Sum(nil)
}

// DecodeMisbehaviour decodes two headers and their validator sets (the MsgSyncParent encoding)
// and runs every check that needs no state and no signature: sizes, each header complete and
// committed by its own commit's block id, each set the one its header names, both headers of
// one chain at one height with different header hashes. It is cheap enough for CheckTx.
func DecodeMisbehaviour(header1, vals1, header2, vals2 []byte) (Misbehaviour, error) {
	var m Misbehaviour
	var err error
	for i, part := range []struct {
		header, vals []byte
		sh           **cmttypes.SignedHeader
		vs           **cmttypes.ValidatorSet
	}{{header1, vals1, &m.Header1, &m.Vals1}, {header2, vals2, &m.Header2, &m.Vals2}} {
		if len(part.header) == 0 || len(part.vals) == 0 {
			return Misbehaviour{}, fmt.Errorf("%w: header %d or its validator set is missing", ErrMalformedHeader, i+1)
		}
		if *part.sh, err = DecodeSignedHeader(part.header); err != nil {
			return Misbehaviour{}, fmt.Errorf("header %d: %w", i+1, err)
		}
		if *part.vs, err = DecodeValidatorSet(part.vals); err != nil {
			return Misbehaviour{}, fmt.Errorf("header %d: %w", i+1, err)
		}
		if err := checkSignedHeader(*part.sh); err != nil {
			return Misbehaviour{}, fmt.Errorf("header %d: %w", i+1, err)
		}
		if !bytes.Equal((*part.sh).ValidatorsHash, (*part.vs).Hash()) {
			return Misbehaviour{}, fmt.Errorf("header %d: %w: header names %X, supplied %X", i+1, ErrValidatorsHashMismatch,
				(*part.sh).ValidatorsHash, (*part.vs).Hash())
		}
	}
	if m.Header1.ChainID != m.Header2.ChainID {
		return Misbehaviour{}, fmt.Errorf("%w: chain-ids %q and %q", ErrNotMisbehaviour, m.Header1.ChainID, m.Header2.ChainID)
	}
	if m.Header1.Height != m.Header2.Height {
		return Misbehaviour{}, fmt.Errorf("%w: heights %d and %d (only two headers at one height are evidence)", ErrNotMisbehaviour,
			m.Header1.Height, m.Header2.Height)
	}
	if bytes.Equal(m.Header1.Hash(), m.Header2.Hash()) {
		return Misbehaviour{}, fmt.Errorf("%w: both headers are block %X", ErrNotMisbehaviour, m.Header1.Hash())
	}
	return m, nil
}

// VerifyMisbehaviour checks that each header of m would have convinced the light client that
// trusts trusted (issue 17, DESIGN §10 fork choice; ibc-go 07-tendermint's verifyMisbehaviour),
// and returns the evidence. now is the child's block time.
//
// A header above the trusted height must pass VerifyHeader exactly as a MsgSyncParent header
// would (adjacent: the trusted next validators, +2/3 signed; skipping: TrustLevel of the trusted
// validators and +2/3 of its own set; time after the trusted time, before now + MaxClockDrift).
// A header at or below the trusted height, which the light client never goes back to, must be
// of the trusted chain, signed by +2/3 of its own set and by more than TrustLevel of the
// trusted validators' power (ibc-go's checkMisbehaviourHeader); its time is not checked. Either
// way the trusted state must not have expired at now. Two such headers at one height with
// different hashes mean more than TrustLevel of the trusted power signed a block that is not
// the parent's, which the light client's security assumption excludes.
func VerifyMisbehaviour(trusted TrustedState, m Misbehaviour, params Params, now time.Time) (Evidence, error) {
	if err := params.Validate(); err != nil {
		return Evidence{}, err
	}
	if err := trusted.Validate(); err != nil {
		return Evidence{}, err
	}
	if m.Header1 == nil || m.Header1.Header == nil || m.Header2 == nil || m.Header2.Header == nil {
		return Evidence{}, fmt.Errorf("%w: nil header", ErrMalformedHeader)
	}
	if m.Header1.Height != m.Header2.Height || m.Header1.ChainID != m.Header2.ChainID {
		return Evidence{}, fmt.Errorf("%w: headers of different chains or heights", ErrNotMisbehaviour)
	}
	h1, h2 := m.Header1.Hash(), m.Header2.Hash()
	if len(h1) == 0 || len(h2) == 0 {
		return Evidence{}, fmt.Errorf("%w: a header without a validators hash has no hash", ErrMalformedHeader)
	}
	if bytes.Equal(h1, h2) {
		return Evidence{}, fmt.Errorf("%w: both headers are block %X", ErrNotMisbehaviour, h1)
	}
	for i, part := range []struct {
		sh   *cmttypes.SignedHeader
		vals *cmttypes.ValidatorSet
	}{{m.Header1, m.Vals1}, {m.Header2, m.Vals2}} {
		if err := verifyConflictingHeader(trusted, part.sh, part.vals, params, now); err != nil {
			return Evidence{}, fmt.Errorf("header %d: %w", i+1, err)
		}
	}
	lo, hi := h1, h2
	if bytes.Compare(lo, hi) > 0 {
		lo, hi = hi, lo
	}
	return Evidence{
		ChainID: trusted.ChainID, Height: m.Header1.Height, HeaderHash1: bytes.Clone(lo), HeaderHash2: bytes.Clone(hi),
		Hash: EvidenceHash(trusted.ChainID, m.Header1.Height, lo, hi),
	}, nil
}

// verifyConflictingHeader is one header's check in VerifyMisbehaviour.
func verifyConflictingHeader(
	trusted TrustedState, sh *cmttypes.SignedHeader, vals *cmttypes.ValidatorSet, params Params, now time.Time,
) error {
	if sh == nil || sh.Header == nil || sh.Commit == nil {
		return fmt.Errorf("%w: nil header or commit", ErrMalformedHeader)
	}
	if sh.Height > trusted.Height {
		_, err := VerifyHeader(trusted, sh, vals, params, now)
		return err
	}
	if sh.ChainID != trusted.ChainID {
		return fmt.Errorf("%w: %q, tracking %q", ErrWrongChainID, sh.ChainID, trusted.ChainID)
	}
	if expiry := trusted.Time.Add(params.TrustingPeriod); !expiry.After(now) {
		return fmt.Errorf("%w: trusted height %d expired at %s, now %s", ErrTrustExpired,
			trusted.Height, expiry.UTC().Format(time.RFC3339Nano), now.UTC().Format(time.RFC3339Nano))
	}
	if err := checkSignedHeader(sh); err != nil {
		return err
	}
	if err := checkValidatorSet(vals); err != nil {
		return err
	}
	if !bytes.Equal(sh.ValidatorsHash, vals.Hash()) {
		return fmt.Errorf("%w: header names %X, supplied %X", ErrValidatorsHashMismatch, sh.ValidatorsHash, vals.Hash())
	}
	if n := len(sh.Commit.Signatures); n != vals.Size() {
		return fmt.Errorf("%w: %d signatures for %d validators", ErrInvalidCommit, n, vals.Size())
	}
	if err := vals.VerifyCommitLight(sh.ChainID, sh.Commit.BlockID, sh.Height, sh.Commit); err != nil {
		return fmt.Errorf("%w: %w", ErrInvalidCommit, err)
	}
	if err := trusted.Validators.VerifyCommitLightTrusting(sh.ChainID, sh.Commit, params.TrustLevel); err != nil {
		var notEnough cmttypes.ErrNotEnoughVotingPowerSigned
		if errors.As(err, &notEnough) {
			return fmt.Errorf("%w: %w", ErrInsufficientTrust, err)
		}
		return fmt.Errorf("%w: %w", ErrInvalidCommit, err)
	}
	return nil
}
