package chainclient

import (
	"bytes"
	"testing"

	"github.com/cometbft/cometbft/libs/pubsub/query"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/stretchr/testify/require"

	validiumtypes "github.com/slush-tree/slush/x/validium/types"
)

// TestUpdateByCommitmentQuery checks the transaction search against the attributes the chain
// indexes for an EventChildUpdated: it matches the event of that commitment and no other.
func TestUpdateByCommitmentQuery(t *testing.T) {
	events := func(commitment []byte) map[string][]string {
		ev, err := sdk.TypedEventToEvent(&validiumtypes.EventChildUpdated{ChildIndex: 1, RootHeight: 40, Commitment: commitment, Batches: 1})
		require.NoError(t, err)
		out := map[string][]string{}
		for _, a := range ev.Attributes {
			out[ev.Type+"."+a.Key] = append(out[ev.Type+"."+a.Key], a.Value)
		}
		return out
	}
	h := bytes.Repeat([]byte{0xfb}, 32) // base64 with '+' and '/'
	q, err := query.New(updateByCommitmentQuery(h))
	require.NoError(t, err, "the query parses")
	for _, tc := range []struct {
		name       string
		commitment []byte
		match      bool
	}{
		{"its commitment", h, true},
		{"another commitment", bytes.Repeat([]byte{0x0b}, 32), false},
		{"a prefix of it", h[:31], false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ok, err := q.Matches(events(tc.commitment))
			require.NoError(t, err)
			require.Equal(t, tc.match, ok)
		})
	}
}
