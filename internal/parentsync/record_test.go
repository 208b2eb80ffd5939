package parentsync_test

import (
	"fmt"
	"testing"

	treetypes "github.com/slush-tree/slush/x/tree/types"

	cmttypes "github.com/cometbft/cometbft/types"
	"github.com/stretchr/testify/require"

	"github.com/slush-tree/slush/internal/parentsync"
)

// signedParentHeader is the parent's header at height h as its consensus would sign it: its
// AppHash is the app hash block h-1 committed (p.appHashes[h-1]); the app's chain-id.
func (p *parentApp) signedParentHeader(t testing.TB, h int64, vals, next *cmttypes.ValidatorSet,
	pvs []cmttypes.PrivValidator,
) *cmttypes.SignedHeader {
	t.Helper()
	appHash, ok := p.appHashes[h-1]
	require.True(t, ok, "block %d was committed", h-1)
	return signedBy(t, makeHeader(p.chain.ChainID, h, vals, next, appHash), vals, pvs)
}

// trustedAt is the child's bootstrap trust in the parent header at h.
func (p *parentApp) trustedAt(t testing.TB, h int64, vals *cmttypes.ValidatorSet, pvs []cmttypes.PrivValidator) parentsync.TrustedState {
	t.Helper()
	s, err := parentsync.NewTrustedState(p.signedParentHeader(t, h, vals, vals, pvs), vals)
	require.NoError(t, err)
	return s
}

// TestVerifyParentRecord verifies a real commitment record of a running app under a header
// signed with that app's real app hash, by skipping and then adjacently, and pins the height
// rule: header H carries the state of block H-1, so the proof is queried at H-1.
func TestVerifyParentRecord(t *testing.T) {
	p := newParentApp(t, 6)
	pvs := newPVs("parent", 4)
	vals := valSet(t, pvs, 10)
	params := parentsync.DefaultParams()
	now := blockTime(30)
	trusted := p.trustedAt(t, 2, vals, pvs)

	// Header 5 (skipping from 2) proves block 4's record, queried at height 4.
	h5 := p.signedParentHeader(t, 5, vals, vals, pvs)
	key4, value4 := p.commitmentRecord(t, 4)
	proof4, _ := p.query(t, key4, 4)
	s5, err := parentsync.VerifyParentRecord(trusted, h5, vals, params, now, proof4, treetypes.StoreKey, key4, value4)
	require.NoError(t, err)
	require.Equal(t, int64(5), s5.Height)
	require.Equal(t, p.appHashes[4], s5.AppHash)

	// Off by one: the proof queried at the header's own height does not verify under it.
	key5, value5 := p.commitmentRecord(t, 5)
	proof5, _ := p.query(t, key5, 5)
	_, err = parentsync.VerifyParentRecord(trusted, h5, vals, params, now, proof5, treetypes.StoreKey, key5, value5)
	require.ErrorIs(t, err, parentsync.ErrAppHashMismatch)

	// Further records of the same parent state verify against the stored app hash, no new header:
	// this is how the keeper learns several pairs (e.g. root-history entries) from one header.
	key3, value3 := p.commitmentRecord(t, 3)
	proof3at4, _ := p.query(t, key3, 4)
	require.NoError(t, parentsync.VerifyMembership(s5.AppHash, proof3at4, treetypes.StoreKey, key3, value3))

	// Adjacent: header 6 proves block 5's record.
	h6 := p.signedParentHeader(t, 6, vals, vals, pvs)
	s6, err := parentsync.VerifyParentRecord(s5, h6, vals, params, now, proof5, treetypes.StoreKey, key5, value5)
	require.NoError(t, err)
	require.Equal(t, int64(6), s6.Height)

	// A valid header does not carry a wrong value, and a good proof does not carry a bad header.
	_, err = parentsync.VerifyParentRecord(s5, h6, vals, params, now, proof5, treetypes.StoreKey, key5, value4)
	require.ErrorIs(t, err, parentsync.ErrProofMismatch)
	forged := p.signedParentHeader(t, 6, vals, vals, pvs)
	forged.AppHash = p.appHashes[4]
	_, err = parentsync.VerifyParentRecord(s5, forged, vals, params, now, proof4, treetypes.StoreKey, key4, value4)
	require.ErrorIs(t, err, parentsync.ErrHeaderNotSigned)
	_, err = parentsync.VerifyParentRecord(s5, h6, vals, params, now.Add(params.TrustingPeriod), proof5,
		treetypes.StoreKey, key5, value5)
	require.ErrorIs(t, err, parentsync.ErrTrustExpired)
	_, err = parentsync.VerifyParentRecord(s6, h6, vals, params, now, proof5, treetypes.StoreKey, key5, value5)
	require.ErrorIs(t, err, parentsync.ErrNonAdvancingHeight, "a header is used once")

	// The proof's shape is checked before any signature: a junk proof with a junk header is a proof error.
	_, err = parentsync.VerifyParentRecord(s5, nil, nil, params, now, nil, treetypes.StoreKey, key5, value5)
	require.ErrorIs(t, err, parentsync.ErrMalformedProof)
	_, err = parentsync.VerifyParentRecord(s5, nil, vals, params, now, proof5, treetypes.StoreKey, key5, value5)
	require.ErrorIs(t, err, parentsync.ErrMalformedHeader)
}

// BenchmarkVerifyParentRecord measures MsgSyncParent's verification with a real 2-op proof:
// adjacent (one +2/3 check) and skipping (a trust check and a +2/3 check) for 1 and 4 validators.
func BenchmarkVerifyParentRecord(b *testing.B) {
	p := newParentApp(b, 5)
	key, value := p.commitmentRecord(b, 4)
	proof, _ := p.query(b, key, 4)
	params := parentsync.DefaultParams()
	now := blockTime(30)
	for _, n := range []int{1, 4} {
		pvs := newPVs(fmt.Sprintf("bench%d", n), n)
		vals := valSet(b, pvs, 10)
		header := p.signedParentHeader(b, 5, vals, vals, pvs)
		for _, mode := range []struct {
			name string
			from int64
		}{{"adjacent", 4}, {"skipping", 2}} {
			trusted := p.trustedAt(b, mode.from, vals, pvs)
			b.Run(fmt.Sprintf("%s/vals=%d", mode.name, n), func(b *testing.B) {
				for b.Loop() {
					if _, err := parentsync.VerifyParentRecord(trusted, header, vals, params, now, proof,
						treetypes.StoreKey, key, value); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
