package parentsync_test

import (
	"testing"
	"time"

	"github.com/cometbft/cometbft/crypto/tmhash"
	cmtmath "github.com/cometbft/cometbft/libs/math"
	cmttypes "github.com/cometbft/cometbft/types"
	"github.com/stretchr/testify/require"

	"github.com/slush-tree/slush/internal/parentsync"
)

const parentChainID = "slush-1"

// headerFixture is a parent with validators A (4 × power 10) and a child that trusts its
// header at height 10.
type headerFixture struct {
	A, B, C, D []cmttypes.PrivValidator
	vA         *cmttypes.ValidatorSet
	trusted    parentsync.TrustedState
	now        time.Time
}

// newHeaderFixture builds the parent's validator keys and the child's trusted state at height 10.
// B keeps half of A's power (2 of 4) and C a quarter (1 of 4); D shares nothing with A.
func newHeaderFixture(t *testing.T) headerFixture {
	t.Helper()
	f := headerFixture{A: newPVs("a", 4), now: blockTime(60)}
	newcomers := newPVs("new", 3)
	f.B = concat(f.A[:2], newcomers[:2])
	f.C = concat(f.A[:1], newcomers)
	f.D = newPVs("d", 4)
	f.vA = valSet(t, f.A, 10)
	sh := signedBy(t, makeHeader(parentChainID, 10, f.vA, f.vA, tmhash.Sum([]byte("app-9"))), f.vA, f.A)
	var err error
	f.trusted, err = parentsync.NewTrustedState(sh, f.vA)
	require.NoError(t, err)
	return f
}

// verifyCase is one VerifyHeader call and its expected outcome.
type verifyCase struct {
	name    string
	header  *cmttypes.SignedHeader
	vals    *cmttypes.ValidatorSet
	trusted *parentsync.TrustedState // nil: the fixture's
	params  *parentsync.Params       // nil: DefaultParams
	now     time.Time                // zero: the fixture's
	wantErr error                    // nil: accepted
}

func (f headerFixture) run(t *testing.T, tc verifyCase) (parentsync.TrustedState, error) {
	t.Helper()
	trusted, params, now := f.trusted, parentsync.DefaultParams(), f.now
	if tc.trusted != nil {
		trusted = *tc.trusted
	}
	if tc.params != nil {
		params = *tc.params
	}
	if !tc.now.IsZero() {
		now = tc.now
	}
	var got parentsync.TrustedState
	var err error
	require.NotPanics(t, func() { got, err = parentsync.VerifyHeader(trusted, tc.header, tc.vals, params, now) })
	return got, err
}

func TestVerifyHeader(t *testing.T) {
	f := newHeaderFixture(t)
	vA, vB, vC, vD := f.vA, valSet(t, f.B, 10), valSet(t, f.C, 10), valSet(t, f.D, 10)
	app := tmhash.Sum([]byte("app"))
	hdr := func(h int64, vals, next *cmttypes.ValidatorSet) *cmttypes.Header {
		return makeHeader(parentChainID, h, vals, next, app)
	}
	tp := parentsync.DefaultParams().TrustingPeriod
	drift := parentsync.DefaultParams().MaxClockDrift

	tampered := signedBy(t, hdr(11, vA, vA), vA, f.A)
	tampered.AppHash = tmhash.Sum([]byte("forged state"))

	badSig := signedBy(t, hdr(11, vA, vA), vA, f.A)
	badSig.Commit.Signatures[0].Signature = append([]byte{}, badSig.Commit.Signatures[0].Signature...)
	badSig.Commit.Signatures[0].Signature[0] ^= 1

	short := signedBy(t, hdr(11, vA, vA), vA, f.A)
	short.Commit.Signatures = short.Commit.Signatures[:3]

	// A header naming A's set whose signatures come from D's keys at A's indices.
	foreign := hdr(11, vA, vA)
	foreignSigned := &cmttypes.SignedHeader{Header: foreign, Commit: commitFor(t, foreign, 4,
		map[int]cmttypes.PrivValidator{0: f.D[0], 1: f.D[1], 2: f.D[2], 3: f.D[3]})}

	future := hdr(11, vA, vA)
	future.Time = f.now.Add(drift)
	almostFuture := hdr(11, vA, vA)
	almostFuture.Time = f.now.Add(drift - time.Nanosecond)
	sameTime := hdr(11, vA, vA)
	sameTime.Time = f.trusted.Time

	expired := f.trusted.Time.Add(tp)
	lowTrust := parentsync.DefaultParams()
	lowTrust.TrustLevel = cmtmath.Fraction{Numerator: 1, Denominator: 4}
	zeroPeriod := parentsync.DefaultParams()
	zeroPeriod.TrustingPeriod = 0
	badState := f.trusted
	badState.NextValidatorsHash = nil

	nilValidator := vA.Copy()
	nilValidator.Validators[1] = nil
	zeroPower := vA.Copy()
	zeroPower.Validators[1] = cmttypes.NewValidator(zeroPower.Validators[1].PubKey, 0)
	tooMany := valSet(t, newPVs("many", parentsync.MaxValidators+1), 1)

	cases := []verifyCase{
		{name: "adjacent, all sign", header: signedBy(t, hdr(11, vA, vA), vA, f.A), vals: vA},
		{name: "adjacent, 3 of 4 sign", header: signedBy(t, hdr(11, vA, vA), vA, f.A[:3]), vals: vA},
		{name: "adjacent, 2 of 4 sign: not +2/3", header: signedBy(t, hdr(11, vA, vA), vA, f.A[:2]), vals: vA,
			wantErr: parentsync.ErrInvalidCommit},
		{name: "skipping to a changed set with 1/2 overlap", header: signedBy(t, hdr(20, vB, vB), vB, f.B), vals: vB},
		{name: "skipping: trusted 1/2 signed but only 1/2 of the new set", header: signedBy(t, hdr(20, vB, vB), vB, f.B[:2]),
			vals: vB, wantErr: parentsync.ErrInvalidCommit},
		{name: "skipping to a changed set with 1/4 overlap", header: signedBy(t, hdr(20, vC, vC), vC, f.C), vals: vC,
			wantErr: parentsync.ErrInsufficientTrust},
		{name: "skipping to a disjoint set", header: signedBy(t, hdr(20, vD, vD), vD, f.D), vals: vD,
			wantErr: parentsync.ErrInsufficientTrust},
		{name: "trust level below 1/3", header: signedBy(t, hdr(20, vC, vC), vC, f.C), vals: vC, params: &lowTrust,
			wantErr: parentsync.ErrInvalidParams},
		{name: "adjacent header naming another set than the trusted next", header: signedBy(t, hdr(11, vB, vB), vB, f.B),
			vals: vB, wantErr: parentsync.ErrNextValidatorsMismatch},
		{name: "trust expired exactly at the trusting period", header: signedBy(t, hdr(11, vA, vA), vA, f.A), vals: vA,
			now: expired, wantErr: parentsync.ErrTrustExpired},
		{name: "trust alive 1 ns before expiry", header: signedBy(t, hdr(11, vA, vA), vA, f.A), vals: vA,
			now: expired.Add(-time.Nanosecond)},
		{name: "wrong chain-id", header: signedBy(t, makeHeader("slush-2", 11, vA, vA, app), vA, f.A), vals: vA,
			wantErr: parentsync.ErrWrongChainID},
		{name: "same height", header: signedBy(t, hdr(10, vA, vA), vA, f.A), vals: vA,
			wantErr: parentsync.ErrNonAdvancingHeight},
		{name: "lower height", header: signedBy(t, hdr(9, vA, vA), vA, f.A), vals: vA,
			wantErr: parentsync.ErrNonAdvancingHeight},
		{name: "time not after the trusted time", header: signedBy(t, sameTime, vA, f.A), vals: vA,
			wantErr: parentsync.ErrNonIncreasingTime},
		{name: "tampered app hash after signing", header: tampered, vals: vA, wantErr: parentsync.ErrHeaderNotSigned},
		{name: "commit signed by a different set", header: foreignSigned, vals: vA, wantErr: parentsync.ErrInvalidCommit},
		{name: "one corrupted signature among 4 (3 valid would suffice)", header: badSig, vals: vA,
			wantErr: parentsync.ErrInvalidCommit},
		{name: "header at now + max drift", header: signedBy(t, future, vA, f.A), vals: vA,
			wantErr: parentsync.ErrHeaderFromFuture},
		{name: "header 1 ns inside the drift", header: signedBy(t, almostFuture, vA, f.A), vals: vA},
		{name: "supplied set is not the header's", header: signedBy(t, hdr(11, vA, vA), vA, f.A), vals: vB,
			wantErr: parentsync.ErrValidatorsHashMismatch},
		{name: "fewer commit signatures than validators", header: short, vals: vA, wantErr: parentsync.ErrInvalidCommit},
		{name: "nil header", header: nil, vals: vA, wantErr: parentsync.ErrMalformedHeader},
		{name: "nil inner header", header: &cmttypes.SignedHeader{Commit: short.Commit}, vals: vA,
			wantErr: parentsync.ErrMalformedHeader},
		{name: "nil commit", header: &cmttypes.SignedHeader{Header: hdr(11, vA, vA)}, vals: vA,
			wantErr: parentsync.ErrMalformedHeader},
		{name: "empty commit", header: &cmttypes.SignedHeader{Header: hdr(11, vA, vA), Commit: &cmttypes.Commit{}}, vals: vA,
			wantErr: parentsync.ErrMalformedHeader},
		{name: "nil validator set", header: signedBy(t, hdr(11, vA, vA), vA, f.A), vals: nil,
			wantErr: parentsync.ErrInvalidValidatorSet},
		{name: "empty validator set", header: signedBy(t, hdr(11, vA, vA), vA, f.A), vals: &cmttypes.ValidatorSet{},
			wantErr: parentsync.ErrInvalidValidatorSet},
		{name: "nil validator in set", header: signedBy(t, hdr(11, vA, vA), vA, f.A), vals: nilValidator,
			wantErr: parentsync.ErrInvalidValidatorSet},
		{name: "zero-power validator in set", header: signedBy(t, hdr(11, vA, vA), vA, f.A), vals: zeroPower,
			wantErr: parentsync.ErrInvalidValidatorSet},
		{name: "commit of more than MaxValidators", header: signedBy(t, hdr(20, tooMany, tooMany), tooMany, nil),
			vals: tooMany, wantErr: parentsync.ErrMalformedHeader},
		{name: "set of more than MaxValidators", header: signedBy(t, hdr(11, vA, vA), vA, f.A), vals: tooMany,
			wantErr: parentsync.ErrInvalidValidatorSet},
		{name: "zero trusting period", header: signedBy(t, hdr(11, vA, vA), vA, f.A), vals: vA, params: &zeroPeriod,
			wantErr: parentsync.ErrInvalidParams},
		{name: "malformed trusted state", header: signedBy(t, hdr(11, vA, vA), vA, f.A), vals: vA, trusted: &badState,
			wantErr: parentsync.ErrInvalidTrustedState},
		{name: "zero trusted state", header: signedBy(t, hdr(11, vA, vA), vA, f.A), vals: vA,
			trusted: &parentsync.TrustedState{}, wantErr: parentsync.ErrInvalidTrustedState},
	}
	sentinels := allSentinels()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := f.run(t, tc)
			if tc.wantErr != nil {
				require.ErrorIs(t, err, tc.wantErr)
				for _, s := range sentinels { // exactly one sentinel: each failure is distinct
					if s != tc.wantErr {
						require.NotErrorIs(t, err, s)
					}
				}
				require.Zero(t, got)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tc.header.Height, got.Height)
			require.True(t, tc.header.Time.Equal(got.Time))
			require.Equal(t, []byte(tc.header.AppHash), got.AppHash)
			require.Equal(t, tc.vals.Hash(), got.Validators.Hash())
			require.Equal(t, []byte(tc.header.NextValidatorsHash), got.NextValidatorsHash)
		})
	}
}

// TestVerifyHeaderFollowsValidatorChanges walks the parent through a hand-over from A to B
// announced in NextValidatorsHash, adjacently and by skipping, and checks the old set loses
// its power to move the child once it has been replaced.
func TestVerifyHeaderFollowsValidatorChanges(t *testing.T) {
	f := newHeaderFixture(t)
	vA, vB := f.vA, valSet(t, f.B, 10)
	params := parentsync.DefaultParams()
	app := tmhash.Sum([]byte("app"))

	// 11: signed by A, announces B as the next set.
	s11, err := parentsync.VerifyHeader(f.trusted, signedBy(t, makeHeader(parentChainID, 11, vA, vB, app), vA, f.A),
		vA, params, f.now)
	require.NoError(t, err)
	require.Equal(t, vB.Hash(), []byte(s11.NextValidatorsHash))

	// 12 adjacent: A alone can no longer sign it (its set is not the announced one) ...
	_, err = parentsync.VerifyHeader(s11, signedBy(t, makeHeader(parentChainID, 12, vA, vA, app), vA, f.A), vA, params, f.now)
	require.ErrorIs(t, err, parentsync.ErrNextValidatorsMismatch)
	// ... B does.
	s12, err := parentsync.VerifyHeader(s11, signedBy(t, makeHeader(parentChainID, 12, vB, vB, app), vB, f.B), vB, params, f.now)
	require.NoError(t, err)
	require.Equal(t, vB.Hash(), s12.Validators.Hash())

	// Skipping from 12 (trusting B) to 30 signed by B's newcomers and a fresh key: B's newcomers
	// hold half of B's power, enough for trust 1/3.
	fresh := newPVs("fresh", 2)
	vE := valSet(t, concat(f.B[2:], fresh), 10)
	s30, err := parentsync.VerifyHeader(s12, signedBy(t, makeHeader(parentChainID, 30, vE, vE, app), vE, concat(f.B[2:], fresh)),
		vE, params, f.now)
	require.NoError(t, err)
	require.Equal(t, int64(30), s30.Height)

	// The same skip from the state trusting A (before the hand-over) fails: A and E are disjoint.
	_, err = parentsync.VerifyHeader(f.trusted, signedBy(t, makeHeader(parentChainID, 30, vE, vE, app), vE, concat(f.B[2:], fresh)),
		vE, params, f.now)
	require.ErrorIs(t, err, parentsync.ErrInsufficientTrust)
}

// TestVerifyHeaderTrustLevel checks a stricter trust level refuses what 1/3 accepts.
func TestVerifyHeaderTrustLevel(t *testing.T) {
	f := newHeaderFixture(t)
	vB := valSet(t, f.B, 10)
	sh := signedBy(t, makeHeader(parentChainID, 20, vB, vB, tmhash.Sum([]byte("app"))), vB, f.B)
	strict := parentsync.DefaultParams()
	strict.TrustLevel = cmtmath.Fraction{Numerator: 2, Denominator: 3}
	_, err := parentsync.VerifyHeader(f.trusted, sh, vB, parentsync.DefaultParams(), f.now)
	require.NoError(t, err)
	_, err = parentsync.VerifyHeader(f.trusted, sh, vB, strict, f.now)
	require.ErrorIs(t, err, parentsync.ErrInsufficientTrust)
}

// TestNewTrustedState checks the bootstrap state needs a complete header signed by +2/3 of vals.
func TestNewTrustedState(t *testing.T) {
	f := newHeaderFixture(t)
	vB := valSet(t, f.B, 10)
	h := makeHeader(parentChainID, 10, f.vA, f.vA, nil)
	_, err := parentsync.NewTrustedState(signedBy(t, h, f.vA, f.A[:2]), f.vA)
	require.ErrorIs(t, err, parentsync.ErrInvalidCommit)
	_, err = parentsync.NewTrustedState(signedBy(t, h, f.vA, f.A), vB)
	require.ErrorIs(t, err, parentsync.ErrValidatorsHashMismatch)
	_, err = parentsync.NewTrustedState(nil, f.vA)
	require.ErrorIs(t, err, parentsync.ErrMalformedHeader)
	_, err = parentsync.NewTrustedState(signedBy(t, h, f.vA, f.A), nil)
	require.ErrorIs(t, err, parentsync.ErrInvalidValidatorSet)
	s, err := parentsync.NewTrustedState(signedBy(t, h, f.vA, f.A), f.vA)
	require.NoError(t, err)
	require.Equal(t, int64(10), s.Height)
	require.Equal(t, parentChainID, s.ChainID)
}

// TestHeaderMutationsNeverPass flips every bit of an encoded valid signed header and truncates
// it at every length: each result fails to decode, is refused, or — when the flip only touches
// commit data light verification may ignore (e.g. one of 4 votes turned "nil": 3 of 4 still
// commit the block) — yields exactly the state of the unmutated header. Nothing panics.
func TestHeaderMutationsNeverPass(t *testing.T) {
	f := newHeaderFixture(t)
	sh := signedBy(t, makeHeader(parentChainID, 11, f.vA, f.vA, tmhash.Sum([]byte("app"))), f.vA, f.A)
	bz, err := sh.ToProto().Marshal()
	require.NoError(t, err)
	decoded, err := parentsync.DecodeSignedHeader(bz)
	require.NoError(t, err)
	want, err := parentsync.VerifyHeader(f.trusted, decoded, f.vA, parentsync.DefaultParams(), f.now)
	require.NoError(t, err, "the unmutated header is valid")
	wantBz, err := want.Marshal()
	require.NoError(t, err)
	accepted := 0

	for i := range bz {
		for bit := 0; bit < 8; bit++ {
			mutated := append([]byte{}, bz...)
			mutated[i] ^= 1 << bit
			require.NotPanics(t, func() {
				h, err := parentsync.DecodeSignedHeader(mutated)
				if err != nil {
					require.ErrorIs(t, err, parentsync.ErrMalformedHeader)
					return
				}
				got, err := parentsync.VerifyHeader(f.trusted, h, f.vA, parentsync.DefaultParams(), f.now)
				if err == nil {
					accepted++
					gotBz, err := got.Marshal()
					require.NoError(t, err)
					require.Equal(t, wantBz, gotBz, "byte %d bit %d changed the verified state", i, bit)
				}
			})
		}
		h, err := parentsync.DecodeSignedHeader(bz[:i]) // every truncation
		if err == nil {
			_, err = parentsync.VerifyHeader(f.trusted, h, f.vA, parentsync.DefaultParams(), f.now)
		}
		require.Error(t, err, "truncation to %d bytes accepted", i)
	}
	// Light verification stops once +2/3 have signed, so flips in the 4th vote pass (same state).
	require.Less(t, accepted, 8*len(bz)/5, "most mutations are refused")
	_, err = parentsync.DecodeSignedHeader(make([]byte, parentsync.MaxHeaderBytes+1))
	require.ErrorIs(t, err, parentsync.ErrMalformedHeader)
}

// TestDecodeValidatorSet checks the decoder round-trips a set and refuses junk and oversize input.
func TestDecodeValidatorSet(t *testing.T) {
	f := newHeaderFixture(t)
	pb, err := f.vA.ToProto()
	require.NoError(t, err)
	bz, err := pb.Marshal()
	require.NoError(t, err)
	got, err := parentsync.DecodeValidatorSet(bz)
	require.NoError(t, err)
	require.Equal(t, f.vA.Hash(), got.Hash())
	for _, bad := range [][]byte{nil, {0xff}, bz[:len(bz)/2], make([]byte, parentsync.MaxValidatorSetBytes+1)} {
		_, err := parentsync.DecodeValidatorSet(bad)
		require.ErrorIs(t, err, parentsync.ErrInvalidValidatorSet)
	}
}

// allSentinels lists every exported sentinel error, for the exactly-one-sentinel check.
func allSentinels() []error {
	return []error{
		parentsync.ErrInvalidParams, parentsync.ErrInvalidTrustedState, parentsync.ErrMalformedHeader,
		parentsync.ErrWrongChainID, parentsync.ErrNonAdvancingHeight, parentsync.ErrNonIncreasingTime,
		parentsync.ErrTrustExpired, parentsync.ErrHeaderFromFuture, parentsync.ErrInvalidValidatorSet,
		parentsync.ErrValidatorsHashMismatch, parentsync.ErrNextValidatorsMismatch, parentsync.ErrHeaderNotSigned,
		parentsync.ErrInvalidCommit, parentsync.ErrInsufficientTrust, parentsync.ErrMalformedProof,
		parentsync.ErrProofTooLarge, parentsync.ErrInvalidPath, parentsync.ErrKeyMismatch,
		parentsync.ErrProofMismatch, parentsync.ErrAppHashMismatch, parentsync.ErrNotMisbehaviour,
	}
}
