package parentsync_test

import (
	"bytes"
	"testing"
	"time"

	"github.com/cometbft/cometbft/crypto/tmhash"
	cmttypes "github.com/cometbft/cometbft/types"
	"github.com/stretchr/testify/require"

	"github.com/slush-tree/slush/internal/parentsync"
)

// evidenceSide is one header of a misbehaviour pair with the validator set it names.
type evidenceSide struct {
	sh   *cmttypes.SignedHeader
	vals *cmttypes.ValidatorSet
}

// encode is the side in MsgSyncParent's encoding.
func (s evidenceSide) encode(t *testing.T) ([]byte, []byte) {
	t.Helper()
	hp := s.sh.ToProto()
	header, err := hp.Marshal()
	require.NoError(t, err)
	vp, err := s.vals.ToProto()
	require.NoError(t, err)
	vals, err := vp.Marshal()
	require.NoError(t, err)
	return header, vals
}

// side is the header of chainID at height over appHash naming vals (next: vals), signed by pvs;
// edit, when given, changes the header before it is signed.
func side(t *testing.T, chainID string, height int64, vals *cmttypes.ValidatorSet, pvs []cmttypes.PrivValidator,
	appHash string, edit func(*cmttypes.Header),
) evidenceSide {
	h := makeHeader(chainID, height, vals, vals, tmhash.Sum([]byte(appHash)))
	if edit != nil {
		edit(h)
	}
	return evidenceSide{sh: signedBy(t, h, vals, pvs), vals: vals}
}

// TestVerifyMisbehaviour: two headers at one height with different hashes are evidence exactly
// when each would have convinced the light client trusting A at height 10: above the trusted
// height with VerifyHeader's rules, at or below it with +2/3 of its own set and more than the
// trust level of the trusted validators (issue 17, DESIGN §10). Anything else wraps one sentinel.
func TestVerifyMisbehaviour(t *testing.T) {
	f := newHeaderFixture(t)
	vB, vC, vD := valSet(t, f.B, 10), valSet(t, f.C, 10), valSet(t, f.D, 10)
	at := func(h int64, vals *cmttypes.ValidatorSet, pvs []cmttypes.PrivValidator, app string) evidenceSide {
		return side(t, parentChainID, h, vals, pvs, app, nil)
	}
	forged := at(15, f.vA, f.A, "fork-b")
	forged.sh.Commit.Signatures[0].Signature[3] ^= 1
	expired := f.trusted.Time.Add(parentsync.DefaultParams().TrustingPeriod)

	cases := []struct {
		name    string
		one     evidenceSide
		two     evidenceSide
		now     time.Time // zero: the fixture's
		wantErr error     // nil: evidence
	}{
		{"fork above the trusted height (skipping)", at(15, f.vA, f.A, "fork-a"), at(15, f.vA, f.A, "fork-b"), time.Time{}, nil},
		{"fork at the adjacent height", at(11, f.vA, f.A, "fork-a"), at(11, f.vA, f.A, "fork-b"), time.Time{}, nil},
		{"fork at the trusted height, one side the trusted header", at(10, f.vA, f.A, "app-9"), at(10, f.vA, f.A, "fork-b"), time.Time{}, nil},
		{"fork below the trusted height", at(4, f.vA, f.A, "fork-a"), at(4, f.vA, f.A, "fork-b"), time.Time{}, nil},
		{"fork above, signed by a changed set holding half the trusted power", at(15, vB, f.B, "fork-a"), at(15, vB, f.B, "fork-b"), time.Time{}, nil},
		{"fork below, signed by a changed set holding half the trusted power", at(4, vB, f.B, "fork-a"), at(4, f.vA, f.A, "fork-b"), time.Time{}, nil},
		{"just inside the trusting period", at(4, f.vA, f.A, "fork-a"), at(4, f.vA, f.A, "fork-b"), expired.Add(-time.Second), nil},

		{"forged signature", at(15, f.vA, f.A, "fork-a"), forged, time.Time{}, parentsync.ErrInvalidCommit},
		{"forged signature below the trusted height", at(4, f.vA, f.A, "fork-a"), func() evidenceSide {
			s := at(4, f.vA, f.A, "fork-b")
			s.sh.Commit.Signatures[0].Signature[3] ^= 1
			return s
		}(), time.Time{}, parentsync.ErrInvalidCommit},
		{"one side with a quarter of the trusted power", at(15, f.vA, f.A, "fork-a"), at(15, vC, f.C, "fork-b"), time.Time{}, parentsync.ErrInsufficientTrust},
		{"below the trusted height with a quarter of the trusted power", at(4, vC, f.C, "fork-a"), at(4, f.vA, f.A, "fork-b"), time.Time{}, parentsync.ErrInsufficientTrust},
		{"signed by validators the client never trusted", at(4, vD, f.D, "fork-a"), at(4, vD, f.D, "fork-b"), time.Time{}, parentsync.ErrInsufficientTrust},
		{"less than +2/3 of its own set", at(4, f.vA, f.A, "fork-a"), at(4, f.vA, f.A[:2], "fork-b"), time.Time{}, parentsync.ErrInvalidCommit},
		{"adjacent, not the trusted next validators", at(11, vB, f.B, "fork-a"), at(11, vB, f.B, "fork-b"), time.Time{}, parentsync.ErrNextValidatorsMismatch},
		{"another chain", side(t, "slush-2", 15, f.vA, f.A, "fork-a", nil), side(t, "slush-2", 15, f.vA, f.A, "fork-b", nil), time.Time{}, parentsync.ErrWrongChainID},
		{"another chain below the trusted height", side(t, "slush-2", 4, f.vA, f.A, "fork-a", nil), side(t, "slush-2", 4, f.vA, f.A, "fork-b", nil), time.Time{}, parentsync.ErrWrongChainID},
		{"trust expired", at(15, f.vA, f.A, "fork-a"), at(15, f.vA, f.A, "fork-b"), expired, parentsync.ErrTrustExpired},
		{"trust expired below the trusted height", at(4, f.vA, f.A, "fork-a"), at(4, f.vA, f.A, "fork-b"), expired, parentsync.ErrTrustExpired},
		{"above the trusted height, not after the trusted time", at(15, f.vA, f.A, "fork-a"), side(t, parentChainID, 15, f.vA, f.A, "fork-b", func(h *cmttypes.Header) {
			h.Time = blockTime(9)
		}), time.Time{}, parentsync.ErrNonIncreasingTime},
		{"above the trusted height, from the future", at(15, f.vA, f.A, "fork-a"), side(t, parentChainID, 15, f.vA, f.A, "fork-b", func(h *cmttypes.Header) {
			h.Time = f.now.Add(time.Minute)
		}), time.Time{}, parentsync.ErrHeaderFromFuture},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			now := f.now
			if !tc.now.IsZero() {
				now = tc.now
			}
			h1, v1 := tc.one.encode(t)
			h2, v2 := tc.two.encode(t)
			var ev parentsync.Evidence
			var err error
			require.NotPanics(t, func() {
				var m parentsync.Misbehaviour
				if m, err = parentsync.DecodeMisbehaviour(h1, v1, h2, v2); err == nil {
					ev, err = parentsync.VerifyMisbehaviour(f.trusted, m, parentsync.DefaultParams(), now)
				}
			})
			if tc.wantErr != nil {
				require.ErrorIs(t, err, tc.wantErr)
				for _, other := range allSentinels() {
					if other != tc.wantErr {
						require.NotErrorIs(t, err, other, "exactly one sentinel")
					}
				}
				return
			}
			require.NoError(t, err)
			require.Equal(t, parentChainID, ev.ChainID)
			require.Equal(t, tc.one.sh.Height, ev.Height)
			a, b := tc.one.sh.Hash(), tc.two.sh.Hash()
			if bytes.Compare(a, b) > 0 {
				a, b = b, a
			}
			require.Equal(t, []byte(a), ev.HeaderHash1)
			require.Equal(t, []byte(b), ev.HeaderHash2)
			require.Equal(t, parentsync.EvidenceHash(parentChainID, ev.Height, a, b), ev.Hash)

			// the same evidence in the other order is the same evidence
			m, err := parentsync.DecodeMisbehaviour(h2, v2, h1, v1)
			require.NoError(t, err)
			swapped, err := parentsync.VerifyMisbehaviour(f.trusted, m, parentsync.DefaultParams(), now)
			require.NoError(t, err)
			require.Equal(t, ev, swapped)
		})
	}
}

// TestDecodeMisbehaviour: everything that is not a fork, or not a well-formed pair, is refused
// before any signature is checked (MsgSubmitMisbehaviour.ValidateBasic).
func TestDecodeMisbehaviour(t *testing.T) {
	f := newHeaderFixture(t)
	a := side(t, parentChainID, 15, f.vA, f.A, "fork-a", nil)
	b := side(t, parentChainID, 15, f.vA, f.A, "fork-b", nil)
	ha, va := a.encode(t)
	hb, vb := b.encode(t)
	h16, v16 := side(t, parentChainID, 16, f.vA, f.A, "fork-b", nil).encode(t)
	hOther, vOther := side(t, "slush-2", 15, f.vA, f.A, "fork-b", nil).encode(t)
	_, vD := evidenceSide{sh: a.sh, vals: valSet(t, f.D, 10)}.encode(t)
	tampered := side(t, parentChainID, 15, f.vA, f.A, "fork-b", nil)
	tampered.sh.AppHash = tmhash.Sum([]byte("edited after signing"))
	hTampered, _ := tampered.encode(t)

	for _, tc := range []struct {
		name           string
		h1, v1, h2, v2 []byte
		wantErr        error
	}{
		{"no second header", ha, va, nil, vb, parentsync.ErrMalformedHeader},
		{"no first validator set", ha, nil, hb, vb, parentsync.ErrMalformedHeader},
		{"junk header", []byte("header"), va, hb, vb, parentsync.ErrMalformedHeader},
		{"junk validator set", ha, []byte("vals"), hb, vb, parentsync.ErrInvalidValidatorSet},
		{"oversized header", make([]byte, parentsync.MaxHeaderBytes+1), va, hb, vb, parentsync.ErrMalformedHeader},
		{"oversized validator set", ha, va, hb, make([]byte, parentsync.MaxValidatorSetBytes+1), parentsync.ErrInvalidValidatorSet},
		{"header edited after signing", ha, va, hTampered, vb, parentsync.ErrHeaderNotSigned},
		{"validator set not the header's", ha, va, hb, vD, parentsync.ErrValidatorsHashMismatch},
		{"same header twice", ha, va, ha, va, parentsync.ErrNotMisbehaviour},
		{"different heights", ha, va, h16, v16, parentsync.ErrNotMisbehaviour},
		{"different chains", ha, va, hOther, vOther, parentsync.ErrNotMisbehaviour},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var err error
			require.NotPanics(t, func() { _, err = parentsync.DecodeMisbehaviour(tc.h1, tc.v1, tc.h2, tc.v2) })
			require.ErrorIs(t, err, tc.wantErr)
		})
	}
	m, err := parentsync.DecodeMisbehaviour(ha, va, hb, vb)
	require.NoError(t, err)
	require.Equal(t, a.sh.Hash(), m.Header1.Hash())
	require.Equal(t, b.sh.Hash(), m.Header2.Hash())

	// VerifyMisbehaviour re-checks the pair itself (a caller may build it without decoding)
	for name, bad := range map[string]parentsync.Misbehaviour{
		"nil header":      {Header1: a.sh, Vals1: a.vals},
		"same header":     {Header1: a.sh, Vals1: a.vals, Header2: a.sh, Vals2: a.vals},
		"different chain": {Header1: a.sh, Vals1: a.vals, Header2: side(t, "slush-2", 15, f.vA, f.A, "x", nil).sh, Vals2: f.vA},
	} {
		t.Run(name, func(t *testing.T) {
			var err error
			require.NotPanics(t, func() { _, err = parentsync.VerifyMisbehaviour(f.trusted, bad, parentsync.DefaultParams(), f.now) })
			require.Error(t, err)
		})
	}
}

// TestEvidenceHash: the hash is independent of the order of the two headers and binds the
// chain-id, the height and both header hashes.
func TestEvidenceHash(t *testing.T) {
	a, b := tmhash.Sum([]byte("a")), tmhash.Sum([]byte("b"))
	h := parentsync.EvidenceHash("slush-1", 7, a, b)
	require.Len(t, h, 32)
	require.Equal(t, h, parentsync.EvidenceHash("slush-1", 7, b, a))
	for _, other := range [][]byte{
		parentsync.EvidenceHash("slush-2", 7, a, b),
		parentsync.EvidenceHash("slush-1", 8, a, b),
		parentsync.EvidenceHash("slush-1", 7, a, tmhash.Sum([]byte("c"))),
		parentsync.EvidenceHash("slush-1x", 7, a, b),
	} {
		require.NotEqual(t, h, other)
	}
}
