package types_test

import (
	"testing"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/stretchr/testify/require"

	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/ledger"
	"github.com/slush-tree/slush/x/election/types"
)

func TestOperatorKeyHashIsDomainSeparated(t *testing.T) {
	k := ledger.KeyFromSeed([]byte("op"))
	h := types.OperatorKeyHash(k.PublicKey)
	require.Equal(t, hash.Hash(hash.DomainOperatorKey, k.PublicKey.A.X, k.PublicKey.A.Y), h)
	owner := ledger.OwnerHash(k.PublicKey)
	require.False(t, h.Equal(&owner), "an operator key hash is not a ledger owner hash")
	other := types.OperatorKeyHash(ledger.KeyFromSeed([]byte("other")).PublicKey)
	require.False(t, h.Equal(&other))
}

func TestDecodePublicKey(t *testing.T) {
	k := ledger.KeyFromSeed([]byte("op"))
	pub, err := types.DecodePublicKey(k.PublicKey.Bytes())
	require.NoError(t, err)
	require.True(t, pub.A.Equal(&k.PublicKey.A))

	garbage := make([]byte, 32)
	for i := range garbage {
		garbage[i] = 0xa5
	}
	for name, b := range map[string][]byte{
		"short": k.PublicKey.Bytes()[1:], "long": append(k.PublicKey.Bytes(), 0), "empty": nil, "not a point": garbage,
	} {
		_, err := types.DecodePublicKey(b)
		require.ErrorIs(t, err, types.ErrWrongKey, name)
	}
}

// TestVoteMessageBindsEveryField: changing any input changes the signed message, so a vote
// signature is valid for exactly one (round, child, epoch, candidate).
func TestVoteMessageBindsEveryField(t *testing.T) {
	vid, key := hash.Uint64(0x0101), hash.Uint64(99)
	addr := []byte("operator-address-20b")
	base, err := types.VoteMessage(1, vid, 0, addr, key)
	require.NoError(t, err)
	variants := map[string]func() (fr.Element, error){
		"round":     func() (fr.Element, error) { return types.VoteMessage(2, vid, 0, addr, key) },
		"child":     func() (fr.Element, error) { return types.VoteMessage(1, hash.Uint64(0x0201), 0, addr, key) },
		"epoch":     func() (fr.Element, error) { return types.VoteMessage(1, vid, 1, addr, key) },
		"address":   func() (fr.Element, error) { return types.VoteMessage(1, vid, 0, []byte("operator-address-20c"), key) },
		"key hash":  func() (fr.Element, error) { return types.VoteMessage(1, vid, 0, addr, hash.Uint64(98)) },
		"padding":   func() (fr.Element, error) { return types.VoteMessage(1, vid, 0, append([]byte{0}, addr...), key) },
		"32b addr":  func() (fr.Element, error) { return types.VoteMessage(1, vid, 0, make([]byte, 32), key) },
		"as report": func() (fr.Element, error) { return types.ReportMessage(vid, 0, key), nil },
	}
	for name, f := range variants {
		m, err := f()
		require.NoError(t, err, name)
		require.False(t, m.Equal(&base), name)
	}
	_, err = types.VoteMessage(1, vid, 0, make([]byte, 33), key)
	require.ErrorIs(t, err, types.ErrInvalidCandidate)
	_, err = types.VoteMessage(1, vid, 0, nil, key)
	require.ErrorIs(t, err, types.ErrInvalidCandidate)
}

func TestSignatureRoundTrip(t *testing.T) {
	k := ledger.KeyFromSeed([]byte("op"))
	msg := types.ReportMessage(hash.Uint64(0x0101), 3, hash.Uint64(5))
	sig, err := types.SignMessage(k, msg)
	require.NoError(t, err)
	require.NoError(t, types.VerifySignature(k.PublicKey, msg, sig))
	require.ErrorIs(t, types.VerifySignature(k.PublicKey, hash.Uint64(1), sig), types.ErrInvalidSignature)
	require.ErrorIs(t, types.VerifySignature(ledger.KeyFromSeed([]byte("x")).PublicKey, msg, sig), types.ErrInvalidSignature)
	require.ErrorIs(t, types.VerifySignature(k.PublicKey, msg, sig[1:]), types.ErrInvalidSignature)
}
