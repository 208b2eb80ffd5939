package types_test

import (
	"bytes"
	"testing"

	"github.com/cometbft/cometbft/crypto/ed25519"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/stretchr/testify/require"

	"github.com/slush-tree/slush/circuits/hash"
	slushtypes "github.com/slush-tree/slush/types"
	acceptancetypes "github.com/slush-tree/slush/x/acceptance/types"
	"github.com/slush-tree/slush/x/election/testutil"
	"github.com/slush-tree/slush/x/election/types"
	treetypes "github.com/slush-tree/slush/x/tree/types"
)

// TestRootVoteMessageBindsEveryField: changing any input changes the signed message, so a root
// vote signature is valid for exactly one (epoch, base, candidate), and never as another kind of
// election message.
func TestRootVoteMessageBindsEveryField(t *testing.T) {
	base, key := hash.Uint64(1234), hash.Uint64(99)
	cons := ed25519.GenPrivKeyFromSecret([]byte("c")).PubKey().Bytes()
	msg, err := types.RootVoteMessage(0, 90, base, key, cons)
	require.NoError(t, err)
	flipped := bytes.Clone(cons)
	flipped[31] ^= 1
	flippedHigh := bytes.Clone(cons)
	flippedHigh[0] ^= 1
	for name, f := range map[string]func() (fr.Element, error){
		"epoch":              func() (fr.Element, error) { return types.RootVoteMessage(1, 90, base, key, cons) },
		"base height":        func() (fr.Element, error) { return types.RootVoteMessage(0, 91, base, key, cons) },
		"base commitment":    func() (fr.Element, error) { return types.RootVoteMessage(0, 90, hash.Uint64(1235), key, cons) },
		"key hash":           func() (fr.Element, error) { return types.RootVoteMessage(0, 90, base, hash.Uint64(98), cons) },
		"consensus key, low": func() (fr.Element, error) { return types.RootVoteMessage(0, 90, base, key, flipped) },
		"consensus key, high": func() (fr.Element, error) {
			return types.RootVoteMessage(0, 90, base, key, flippedHigh)
		},
		"as an emergency vote": func() (fr.Element, error) { return types.VoteMessage(0, base, 90, cons[:20], key) },
	} {
		m, err := f()
		require.NoError(t, err, name)
		require.False(t, m.Equal(&msg), name)
	}
	_, err = types.RootVoteMessage(0, 90, base, key, cons[:31])
	require.ErrorIs(t, err, types.ErrInvalidCandidate)
}

// TestDecodeRootCandidate refuses a key hash that is not 32 canonical non-zero bytes and a
// consensus key x/tree would refuse as the root's validator.
func TestDecodeRootCandidate(t *testing.T) {
	good := types.RootCandidate{OperatorKeyHash: hash.EncodeElement(hash.Uint64(7)), ConsensusPubkey: ed25519.GenPrivKeyFromSecret([]byte("c")).PubKey().Bytes()}
	_, err := types.DecodeRootCandidate(good)
	require.NoError(t, err)
	identity := make([]byte, 32)
	identity[0] = 1 // the ed25519 identity point: small order
	for name, edit := range map[string]func(c *types.RootCandidate){
		"zero key hash":         func(c *types.RootCandidate) { c.OperatorKeyHash = make([]byte, 32) },
		"key hash above p":      func(c *types.RootCandidate) { c.OperatorKeyHash = bytes.Repeat([]byte{0xff}, 32) },
		"short key hash":        func(c *types.RootCandidate) { c.OperatorKeyHash = c.OperatorKeyHash[1:] },
		"short consensus key":   func(c *types.RootCandidate) { c.ConsensusPubkey = c.ConsensusPubkey[1:] },
		"small-order consensus": func(c *types.RootCandidate) { c.ConsensusPubkey = identity },
	} {
		c := good
		edit(&c)
		_, err := types.DecodeRootCandidate(c)
		require.ErrorIs(t, err, types.ErrInvalidCandidate, name)
	}
}

// TestRootMsgsValidateBasic proves the stateless checks of the three root messages.
func TestRootMsgsValidateBasic(t *testing.T) {
	root, err := testutil.NewTree(nil, [][]uint8{{1}, {2}}, 9, 1)
	require.NoError(t, err)
	c := types.RootCandidate{OperatorKeyHash: hash.EncodeElement(hash.Uint64(7)), ConsensusPubkey: ed25519.GenPrivKeyFromSecret([]byte("c")).PubKey().Bytes()}
	report := func() *types.MsgReportRootSilent {
		return &types.MsgReportRootSilent{BaseRootHeight: 9, Root: slushtypes.NewCommitmentFields(root.Root.Commitment),
			RootHistogram: acceptancetypes.HistogramToProto(root.Root.Histogram)}
	}
	vote := func() *types.MsgRootVote {
		m, err := root.RootVote("", 0, 9, c, 1)
		require.NoError(t, err)
		return m
	}
	require.NoError(t, report().ValidateBasic())
	require.NoError(t, vote().ValidateBasic())
	for _, tc := range []struct {
		name string
		msg  interface{ ValidateBasic() error }
		want error
	}{
		{"report: base 0", func() *types.MsgReportRootSilent { m := report(); m.BaseRootHeight = 0; return m }(), types.ErrInvalidRootBase},
		{"report: preimage above p", func() *types.MsgReportRootSilent {
			m := report()
			m.Root.LedgerRoot = bytes.Repeat([]byte{0xff}, 32)
			return m
		}(), types.ErrInvalidField},
		{"report: no histogram", func() *types.MsgReportRootSilent { m := report(); m.RootHistogram = nil; return m }(), types.ErrInvalidHistogram},
		{"report: oversized histogram", func() *types.MsgReportRootSilent {
			m := report()
			m.RootHistogram = make([]acceptancetypes.HistogramBucket, types.MaxHistogramBuckets+1)
			return m
		}(), types.ErrInvalidHistogram},
		{"vote: base 0", func() *types.MsgRootVote { m := vote(); m.BaseRootHeight = 0; return m }(), types.ErrInvalidRootBase},
		{"vote: bad candidate", func() *types.MsgRootVote { m := vote(); m.Candidate.OperatorKeyHash = nil; return m }(), types.ErrInvalidCandidate},
		{"vote: no histogram", func() *types.MsgRootVote { m := vote(); m.Histogram = nil; return m }(), types.ErrInvalidHistogram},
		{"vote: no hop", func() *types.MsgRootVote { m := vote(); m.Proof.Hops = nil; return m }(), types.ErrNotDescendant},
		{"vote: bad key", func() *types.MsgRootVote { m := vote(); m.PublicKey = m.PublicKey[1:]; return m }(), types.ErrWrongKey},
		{"vote: short signature", func() *types.MsgRootVote { m := vote(); m.Signature = m.Signature[1:]; return m }(), types.ErrInvalidSignature},
		{"adopt: no header", &types.MsgAdoptElectedRoot{}, treetypes.ErrInvalidHeader},
		{"adopt: garbage header", &types.MsgAdoptElectedRoot{Header: []byte{1, 2, 3}}, treetypes.ErrInvalidHeader},
	} {
		require.ErrorIs(t, tc.msg.ValidateBasic(), tc.want, tc.name)
	}
}

// TestRootParams proves the root durations are bounded and 0 is allowed (off).
func TestRootParams(t *testing.T) {
	p := types.DefaultParams()
	require.Equal(t, types.DefaultRootLivenessTimeoutSeconds, p.RootLivenessTimeoutSeconds)
	require.NoError(t, p.Validate())
	p.RootLivenessTimeoutSeconds, p.RootElectionPeriodSeconds = 0, 0
	require.NoError(t, p.Validate())
	p.RootLivenessTimeoutSeconds = types.MaxRootDurationSeconds + 1
	require.ErrorIs(t, p.Validate(), types.ErrInvalidParams)
	p.RootLivenessTimeoutSeconds, p.RootElectionPeriodSeconds = 0, types.MaxRootDurationSeconds+1
	require.ErrorIs(t, p.Validate(), types.ErrInvalidParams)
}
