package relayer

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/encoding/protowire"

	"github.com/slush-tree/slush/circuits/commitment"
	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/inclusion"
	"github.com/slush-tree/slush/circuits/ledger"
	"github.com/slush-tree/slush/circuits/smt"
	bridgetypes "github.com/slush-tree/slush/x/bridge/types"
)

// replayLog is 1-1's log (funded at genesis: a bridge-out, a mint forced by its parent and a
// transfer), with the ledger root after each prefix.
func replayLog(t *testing.T) (*fakeChain, [][]byte) {
	c := newFunded(t, []uint8{1, 1})
	vid := commitment.MustPackVid(c.path)
	alice := ledger.KeyFromSeed([]byte("alice"))
	out, err := ledger.NewBridgeOut(vid, alice, 0, hash.Uint64(7), 30, 0, commitment.MustPackVid([]uint8{2}), hash.Uint64(99), 1000)
	require.NoError(t, err)
	c.execute(t, out, 3)
	c.execute(t, ledger.NewBridgeIn(inclusion.Message{SrcVid: commitment.MustPackVid([]uint8{1}), DstVid: vid,
		Recipient: hash.Uint64(5), AssetID: hash.Uint64(7), Amount: 4}, ledger.SourceForced), 4)
	tr, err := ledger.NewTransfer(vid, alice, 0, hash.Uint64(5), hash.Uint64(7), 10, 1)
	require.NoError(t, err)
	c.execute(t, tr, 6)
	st, err := c.origin().genesis()
	require.NoError(t, err)
	root := func() []byte {
		r, err := st.Root()
		require.NoError(t, err)
		return hash.EncodeElement(r)
	}
	roots := [][]byte{root()}
	for _, logged := range c.log {
		_, err := applyLogged(st, nil, logged)
		require.NoError(t, err)
		roots = append(roots, root())
	}
	return c, roots
}

func TestReplica(t *testing.T) {
	ctx := context.Background()
	c, roots := replayLog(t)
	var rp replica
	require.NoError(t, rp.at(ctx, c, c.origin(), 2, roots[2], 0))
	require.Equal(t, uint64(2), rp.pos)
	require.NoError(t, rp.at(ctx, c, c.origin(), 3, roots[3], 0), "moves forward")
	require.NoError(t, rp.at(ctx, c, c.origin(), 1, roots[1], 0), "rebuilt when ahead")
	require.Equal(t, uint64(1), rp.pos)

	err := rp.at(ctx, c, c.origin(), 2, roots[3], 0)
	require.ErrorContains(t, err, "the parent accepted")
	require.Nil(t, rp.state, "a replica that does not match is dropped")
	require.ErrorContains(t, rp.at(ctx, c, c.origin(), 5, roots[3], 0), "log ends at 3")

	require.NoError(t, rp.seek(ctx, c, c.origin(), 3, roots[2], 0))
	require.Equal(t, uint64(2), rp.pos, "found by its root")
	require.NoError(t, rp.seek(ctx, c, c.origin(), 3, roots[0], 0))
	require.Equal(t, uint64(0), rp.pos)
	require.ErrorContains(t, rp.seek(ctx, c, c.origin(), 3, hash.EncodeElement(hash.Uint64(1)), 0), "no prefix")
}

func TestFetchLogGap(t *testing.T) {
	c, _ := replayLog(t)
	c.log = append(c.log[:1], c.log[2:]...) // entry 1 missing
	_, err := fetchLog(context.Background(), c, 0, 3, 0)
	require.ErrorContains(t, err, "log entry 2 where 1 was expected")
}

func TestApplyLoggedRejectsWhatTheChainWouldNot(t *testing.T) {
	c, _ := replayLog(t)
	st, err := ledger.NewState(smt.NewMemStore(), commitment.MustPackVid(c.path), testLedger.Ledger())
	require.NoError(t, err)
	_, err = applyLogged(st, nil, c.log[0]) // the bridge-out on a ledger without its genesis funding
	require.Error(t, err)
	other := ledger.NewBridgeIn(inclusion.Message{SrcVid: hash.Uint64(1), DstVid: hash.Uint64(2)}, ledger.SourceClaim)
	_, err = applyLogged(st, nil, bridgetypes.LoggedOp{Op: other.Bytes()})
	require.Error(t, err, "a mint for another validium")
}

func TestDecodeKVPairs(t *testing.T) {
	pair := func(k, v string) []byte {
		var b []byte
		b = protowire.AppendTag(b, 1, protowire.BytesType)
		b = protowire.AppendBytes(b, []byte(k))
		b = protowire.AppendTag(b, 2, protowire.BytesType)
		b = protowire.AppendBytes(b, []byte(v))
		b = protowire.AppendTag(b, 9, protowire.VarintType) // unknown fields are skipped
		return protowire.AppendVarint(b, 1)
	}
	var bz []byte
	for _, kv := range [][2]string{{"\x06a", "one"}, {"\x06b", ""}} {
		bz = protowire.AppendTag(bz, 1, protowire.BytesType)
		bz = protowire.AppendBytes(bz, pair(kv[0], kv[1]))
	}
	pairs, err := decodeKVPairs(bz)
	require.NoError(t, err)
	require.Len(t, pairs, 2)
	require.Equal(t, "\x06a", string(pairs[0].Key))
	require.Equal(t, "one", string(pairs[0].Value))
	require.Empty(t, pairs[1].Value)
	_, err = decodeKVPairs(bz[:len(bz)-1])
	require.Error(t, err, "truncated")
	empty, err := decodeKVPairs(nil)
	require.NoError(t, err)
	require.Empty(t, empty)
}
