package types_test

import (
	"testing"

	cmted25519 "github.com/cometbft/cometbft/crypto/ed25519"
	"github.com/stretchr/testify/require"

	"github.com/slush-tree/slush/x/tree/types"
)

// electedConsKey is a valid ed25519 consensus key of an elected root operator.
var electedConsKey = cmted25519.GenPrivKeyFromSecret([]byte("elected root")).PubKey().Bytes()

// exportedRoot is the root at epoch 2 under validium consensus since height 3, with own
// commitments at 5..8 (A, B, B, C).
func exportedRoot() types.GenesisState {
	gs := exportedChild()
	gs.Identity = types.RootIdentity()
	gs.Identity.Epoch, gs.Identity.OperatorKeyHash = 2, commitmentOf(100)
	gs.ValidiumConsensus = &types.ValidiumConsensus{
		OperatorConsensusPubkey: cmted25519.GenPrivKeyFromSecret([]byte("old root")).PubKey().Bytes(), SinceHeight: 3,
	}
	return gs
}

// TestExportedRoot: only the root's export under validium consensus, taken at its newest own
// commitment, restarts the root under an elected operator.
func TestExportedRoot(t *testing.T) {
	staking := exportedRoot()
	staking.ValidiumConsensus = nil
	empty := exportedRoot()
	empty.Commitments = nil
	for _, tc := range []struct {
		name    string
		gs      types.GenesisState
		initial int64
		want    string
	}{
		{"at its newest commitment", exportedRoot(), 9, ""},
		{"a child", exportedChild(), 9, "not of the root chain"},
		{"under x/staking", staking, 9, "not under validium consensus"},
		{"no commitment", empty, 9, "no own commitment"},
		{"another height", exportedRoot(), 8, "export with --height 8"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			newest, err := tc.gs.ExportedRoot(tc.initial)
			if tc.want != "" {
				require.ErrorContains(t, err, tc.want)
				return
			}
			require.NoError(t, err)
			require.Equal(t, int64(8), newest.Height)
			require.Equal(t, commitmentOf(3), newest.Commitment)
		})
	}
}

// TestCheckRootBase: the export must hold the election's base commitment at the base root height.
func TestCheckRootBase(t *testing.T) {
	for _, tc := range []struct {
		name   string
		height uint64
		c      []byte
		want   string
	}{
		{"the base", 6, commitmentOf(2), ""},
		{"the newest as base", 8, commitmentOf(3), ""},
		{"another commitment there", 6, commitmentOf(3), "not the root the election was about"},
		{"above the export", 9, commitmentOf(3), "below the base root height 9"},
		{"pruned", 4, commitmentOf(3), "no own commitment at the base root height 4"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := exportedRoot().CheckRootBase(tc.height, tc.c)
			if tc.want == "" {
				require.NoError(t, err)
				return
			}
			require.ErrorContains(t, err, tc.want)
		})
	}
}

// TestReelectedRoot: the restarted root runs the replaced epoch + 1 under the elected key hash.
func TestReelectedRoot(t *testing.T) {
	id := exportedRoot().Identity
	next, err := id.ReelectedRoot(2, commitmentOf(200))
	require.NoError(t, err)
	require.Equal(t, uint64(3), next.Epoch)
	require.Equal(t, commitmentOf(200), next.OperatorKeyHash)
	require.Equal(t, uint64(2), id.Epoch, "the identity itself is unchanged")
	for _, tc := range []struct {
		name  string
		id    types.TreeIdentity
		epoch uint64
		key   []byte
		want  string
	}{
		{"a child", exportedChild().Identity, 3, commitmentOf(200), "not of the root chain"},
		{"an older epoch", id, 1, commitmentOf(200), "replaced root epoch 1, the export is of epoch 2"},
		{"restarted already", id, 3, commitmentOf(200), "replaced root epoch 3"},
		{"a short key hash", id, 2, commitmentOf(200)[:31], "operator key hash"},
		{"a zero key hash", id, 2, make([]byte, 32), "zero"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tc.id.ReelectedRoot(tc.epoch, tc.key)
			require.ErrorContains(t, err, tc.want)
		})
	}
}

// TestValidiumConsensusElected: the elected key replaces the operator's, the upgrade height stays.
func TestValidiumConsensusElected(t *testing.T) {
	vc := *exportedRoot().ValidiumConsensus
	next, err := vc.Elected(electedConsKey)
	require.NoError(t, err)
	require.Equal(t, types.ValidiumConsensus{OperatorConsensusPubkey: electedConsKey, SinceHeight: 3}, next)
	_, err = vc.Elected(electedConsKey[:31])
	require.ErrorIs(t, err, types.ErrInvalidConsensusKey)
}
