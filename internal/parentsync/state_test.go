package parentsync_test

import (
	"testing"
	"time"

	cmtmath "github.com/cometbft/cometbft/libs/math"
	"github.com/stretchr/testify/require"

	"github.com/slush-tree/slush/internal/parentsync"
)

// TestTrustedStateEncoding checks the stored encoding round-trips, is deterministic, and that
// only the canonical bytes decode.
func TestTrustedStateEncoding(t *testing.T) {
	f := newHeaderFixture(t)
	bz, err := f.trusted.Marshal()
	require.NoError(t, err)
	again, err := f.trusted.Marshal()
	require.NoError(t, err)
	require.Equal(t, bz, again)

	got, err := parentsync.UnmarshalTrustedState(bz)
	require.NoError(t, err)
	require.Equal(t, f.trusted.ChainID, got.ChainID)
	require.Equal(t, f.trusted.Height, got.Height)
	require.True(t, f.trusted.Time.Equal(got.Time))
	require.Equal(t, f.trusted.AppHash, got.AppHash)
	require.Equal(t, f.trusted.NextValidatorsHash, got.NextValidatorsHash)
	require.Equal(t, f.trusted.Validators.Hash(), got.Validators.Hash())
	gotBz, err := got.Marshal()
	require.NoError(t, err)
	require.Equal(t, bz, gotBz)

	// The decoded state verifies the next header exactly like the original.
	sh := signedBy(t, makeHeader(parentChainID, 11, f.vA, f.vA, nil), f.vA, f.A)
	_, err = parentsync.VerifyHeader(got, sh, f.vA, parentsync.DefaultParams(), f.now)
	require.NoError(t, err)

	// A non-UTC time in memory encodes to the same bytes.
	local := f.trusted
	local.Time = f.trusted.Time.In(time.FixedZone("x", 3600))
	localBz, err := local.Marshal()
	require.NoError(t, err)
	require.Equal(t, bz, localBz)

	for name, bad := range map[string][]byte{
		"empty":            nil,
		"truncated":        bz[:len(bz)-1],
		"unknown field":    append(append([]byte{}, bz...), 0x78, 0x01), // field 15, varint 1
		"oversized":        make([]byte, parentsync.MaxStateBytes+1),
		"garbage":          {0xff, 0xff, 0xff},
		"duplicate header": append(append([]byte{}, bz...), bz[:2]...),
	} {
		t.Run(name, func(t *testing.T) {
			_, err := parentsync.UnmarshalTrustedState(bad)
			require.ErrorIs(t, err, parentsync.ErrInvalidTrustedState)
		})
	}

	invalid := f.trusted
	invalid.Height = 0
	_, err = invalid.Marshal()
	require.ErrorIs(t, err, parentsync.ErrInvalidTrustedState)
}

// TestParamsValidate pins the parameter ranges.
func TestParamsValidate(t *testing.T) {
	require.NoError(t, parentsync.DefaultParams().Validate())
	for name, edit := range map[string]func(*parentsync.Params){
		"zero trusting period":     func(p *parentsync.Params) { p.TrustingPeriod = 0 },
		"negative trusting period": func(p *parentsync.Params) { p.TrustingPeriod = -time.Second },
		"negative drift":           func(p *parentsync.Params) { p.MaxClockDrift = -time.Second },
		"trust below 1/3":          func(p *parentsync.Params) { p.TrustLevel = cmtmath.Fraction{Numerator: 1, Denominator: 4} },
		"trust above 1":            func(p *parentsync.Params) { p.TrustLevel = cmtmath.Fraction{Numerator: 4, Denominator: 3} },
		"zero denominator":         func(p *parentsync.Params) { p.TrustLevel = cmtmath.Fraction{Numerator: 1, Denominator: 0} },
	} {
		t.Run(name, func(t *testing.T) {
			p := parentsync.DefaultParams()
			edit(&p)
			require.ErrorIs(t, p.Validate(), parentsync.ErrInvalidParams)
		})
	}
}
