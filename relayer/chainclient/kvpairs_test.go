package chainclient

import (
	"testing"

	dbm "github.com/cosmos/cosmos-db"
	"github.com/stretchr/testify/require"

	"cosmossdk.io/log"
	"cosmossdk.io/store/iavl"
	"cosmossdk.io/store/metrics"
	storetypes "cosmossdk.io/store/types"
)

// TestDecodeKVPairs decodes what a real IAVL store answers to a subspace query.
func TestDecodeKVPairs(t *testing.T) {
	st, err := iavl.LoadStore(dbm.NewMemDB(), log.NewNopLogger(), storetypes.NewKVStoreKey("bridge"), storetypes.CommitID{},
		iavl.DefaultIAVLCacheSize, false, metrics.NewNoOpMetrics())
	require.NoError(t, err)
	st.Set([]byte("\x06a"), []byte("one"))
	st.Set([]byte("\x06b"), []byte{0})
	st.Set([]byte("\x07c"), []byte("other prefix"))
	id := st.Commit()
	subspace := func(prefix string) []byte {
		res, err := st.(storetypes.Queryable).Query(&storetypes.RequestQuery{Path: "/subspace", Data: []byte(prefix), Height: id.Version})
		require.NoError(t, err)
		return res.Value
	}

	pairs, err := decodeKVPairs(subspace("\x06"))
	require.NoError(t, err)
	require.Len(t, pairs, 2)
	require.Equal(t, "\x06a", string(pairs[0].Key))
	require.Equal(t, "one", string(pairs[0].Value))
	require.Equal(t, []byte{0}, pairs[1].Value)

	empty, err := decodeKVPairs(subspace("\x09"))
	require.NoError(t, err)
	require.Empty(t, empty)
	bz := subspace("\x06")
	_, err = decodeKVPairs(bz[:len(bz)-1])
	require.Error(t, err, "truncated")
}
