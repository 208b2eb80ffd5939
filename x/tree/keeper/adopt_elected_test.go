package keeper_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/slush-tree/slush/x/tree/types"
)

// TestTrustedParentHeader proves the accessor the root re-election's liveness check reads (issue
// 17): the height and time of the header the parent client trusts, moved by a sync that verifies
// a newer header, still answered once misbehaviour evidence froze the client, and
// ErrNoParentClient on the root. (AdoptElectedParent is tested through x/election, whose result
// authorizes it: x/election/keeper/root_adopt_test.go.)
func TestTrustedParentHeader(t *testing.T) {
	c := newSyncChain(t, []uint32{1})
	height, at, err := c.k.TrustedParentHeader(c.env.Ctx)
	require.NoError(t, err)
	require.Equal(t, int64(100), height)
	require.True(t, parentTime(100).Equal(at))

	appHash, record := c.publish(t, 7, commitmentOf(7))
	header, vals := c.header(t, 101, appHash)
	_, err = c.msgs.SyncParent(c.env.Ctx, &types.MsgSyncParent{Sender: c.env.OtherAddress(t), Header: header, ValidatorSet: vals,
		Records: []types.ParentRecord{record}})
	require.NoError(t, err)
	height, at, err = c.k.TrustedParentHeader(c.env.Ctx)
	require.NoError(t, err)
	require.Equal(t, int64(101), height)
	require.True(t, parentTime(101).Equal(at))

	_, err = c.msgs.SubmitMisbehaviour(c.env.Ctx, evidence(t, c.env.OtherAddress(t), c.signer, 105, "fork-a", "fork-b"))
	require.NoError(t, err)
	height, _, err = c.k.TrustedParentHeader(c.env.Ctx)
	require.NoError(t, err, "answered while frozen")
	require.Equal(t, int64(101), height)

	rootEnv, root := newKeeper(t, types.DefaultGenesisState())
	_, _, err = root.TrustedParentHeader(rootEnv.Ctx)
	require.ErrorIs(t, err, types.ErrNoParentClient)
}
