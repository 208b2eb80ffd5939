package keeper_test

import (
	"bytes"
	"errors"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"cosmossdk.io/collections"

	"github.com/slush-tree/slush/x/election/testutil"
	"github.com/slush-tree/slush/x/election/types"
)

// TestSwitchReroutesUnconsumed: the switch hands x/bridge exactly the inbox entries the rollback
// un-consumed (those first consumed by the dropped withheld update), sorted, for the elected
// child, so a message recorded as already delivered because of them is routed again (DESIGN
// §7.5, §9); entries consumed at or before the finalized commitment are not handed over, and a
// refusal by x/bridge fails the switch.
func TestSwitchReroutesUnconsumed(t *testing.T) {
	final, pruned := testutil.Element(101), testutil.Element(102)
	dropped := [][]byte{testutil.Element(203), testutil.Element(201), testutil.Element(202)}
	sorted := slices.Clone(dropped)
	slices.SortFunc(sorted, bytes.Compare)
	bridgeErr := errors.New("bridge refused")
	for _, tc := range []struct {
		name      string
		withheld  [][]byte // entries the withheld (dropped) update consumed first
		bridgeErr error
		want      [][]byte
	}{
		{"dropped entries are handed over, sorted", dropped, nil, sorted},
		{"nothing un-consumed", nil, nil, nil},
		{"a bridge error fails the switch", dropped, bridgeErr, sorted},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			f.bridge.err = tc.bridgeErr
			consume := func(snapshot []byte, entries ...[]byte) {
				for _, e := range entries {
					require.NoError(t, f.validium.ConsumedEntries.Set(f.ctx, collections.Join(uint32(1), e)))
					if snapshot != nil {
						require.NoError(t, f.validium.SnapshotEntries.Set(f.ctx, collections.Join3(uint32(1), snapshot, e)))
					}
				}
			}
			consume(nil, pruned) // filed under a pruned snapshot: final
			consume(f.finalized, final)
			consume(f.withheldHash, tc.withheld...)

			id := f.open()
			res, err := f.vote(id, f.x, 1, 2)
			if tc.bridgeErr != nil {
				require.ErrorIs(t, err, tc.bridgeErr)
			} else {
				require.NoError(t, err)
				require.True(t, res.Elected)
				require.Equal(t, types.RoundStatus_ROUND_STATUS_ELECTED, f.round(id).Round.Status)
			}
			require.Len(t, f.bridge.calls, 1, "x/bridge is called once, right after the switch")
			require.Equal(t, uint32(1), f.bridge.calls[0].child)
			require.Equal(t, tc.want, f.bridge.calls[0].hashes)
			for _, e := range tc.withheld {
				has, err := f.validium.ConsumedEntries.Has(f.ctx, collections.Join(uint32(1), e))
				require.NoError(t, err)
				require.False(t, has, "un-consumed by the rollback")
			}
			for _, e := range [][]byte{final, pruned} {
				has, err := f.validium.ConsumedEntries.Has(f.ctx, collections.Join(uint32(1), e))
				require.NoError(t, err)
				require.True(t, has, "a final consumption stays")
			}
		})
	}
}
