package types_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	acceptancetypes "github.com/slush-tree/slush/x/acceptance/types"
)

func commitmentBytes(b byte) [32]byte {
	var c [32]byte
	c[31] = b
	return c
}

// finalizedWithPending is a record whose hash at 4 is final and whose hashes at 6 and 8 are
// pending (the withheld states).
func finalizedWithPending(t *testing.T) acceptancetypes.ChildAcceptance {
	t.Helper()
	var rec acceptancetypes.ChildAcceptance
	_, err := rec.ApplyUpdate(4, commitmentBytes(4), acceptancetypes.Histogram{{Height: 2, Count: 5}, {Height: 3, Count: 2}, {Height: 4, Count: 1}}, 8)
	require.NoError(t, err)
	_, err = rec.ApplyUpdate(6, commitmentBytes(6), acceptancetypes.Histogram{{Height: 5, Count: 7}, {Height: 6, Count: 1}}, 8)
	require.NoError(t, err)
	_, err = rec.ApplyUpdate(8, commitmentBytes(8), acceptancetypes.Histogram{{Height: 3, Count: 4}, {Height: 7, Count: 1}, {Height: 8, Count: 1}}, 8)
	require.NoError(t, err)
	f, ok := rec.FinalizedHash()
	require.True(t, ok)
	require.Equal(t, uint64(4), f.Height)
	require.Len(t, rec.Hashes, 3)
	return rec
}

func TestRollbackToFinalized(t *testing.T) {
	rec := finalizedWithPending(t)
	rolled, err := rec.RollbackToFinalized()
	require.NoError(t, err)
	require.NoError(t, rolled.Validate())
	require.Equal(t, []acceptancetypes.StateHash{{Height: 4, Commitment: commitmentBytes(4)}}, rolled.Hashes)
	require.True(t, rolled.HasFinalized)
	require.Equal(t, uint64(8), rolled.Subtree)
	// below the finalized height the compacted buckets stay; the child itself counts at 4; the
	// buckets of the dropped updates (7, 8) are gone
	require.Equal(t, acceptancetypes.Histogram{{Height: 3, Count: 4}, {Height: 4, Count: 1}}, rolled.Reported)

	// the elected operator's first update (anchored later) is accepted; with a majority after the
	// dropped heights only its own states can finalize — never a dropped one
	res, err := rolled.ApplyUpdate(10, commitmentBytes(10), acceptancetypes.Histogram{{Height: 9, Count: 7}, {Height: 10, Count: 1}}, 8)
	require.NoError(t, err)
	require.True(t, res.HasFinalized)
	require.Equal(t, commitmentBytes(4), res.Finalized.Commitment, "the fresh hash has a = 0; the finalized one stays")
	res, err = rolled.ApplyUpdate(12, commitmentBytes(12), acceptancetypes.Histogram{{Height: 11, Count: 7}, {Height: 12, Count: 1}}, 8)
	require.NoError(t, err)
	require.Equal(t, commitmentBytes(10), res.Finalized.Commitment)

	// the same updates on the record without the rollback finalize a withheld state
	res, err = rec.ApplyUpdate(10, commitmentBytes(10), acceptancetypes.Histogram{{Height: 9, Count: 7}, {Height: 10, Count: 1}}, 8)
	require.NoError(t, err)
	require.Equal(t, commitmentBytes(8), res.Finalized.Commitment, "without the rollback the withheld hash at 8 becomes final")
}

func TestRollbackToFinalizedNothingPendingOrNothingFinal(t *testing.T) {
	var rec acceptancetypes.ChildAcceptance
	_, err := rec.RollbackToFinalized()
	require.ErrorIs(t, err, acceptancetypes.ErrNotFinalized)
	_, err = rec.ApplyUpdate(4, commitmentBytes(4), acceptancetypes.Histogram{{Height: 4, Count: 1}}, 3)
	require.NoError(t, err)
	_, err = rec.RollbackToFinalized()
	require.ErrorIs(t, err, acceptancetypes.ErrNotFinalized, "a fresh hash is not final")

	final := finalizedWithPending(t)
	final.Hashes = final.Hashes[:1]
	final.Reported = acceptancetypes.Histogram{{Height: 4, Count: 3}}
	same, err := final.RollbackToFinalized()
	require.NoError(t, err)
	require.Equal(t, final, same)
}
