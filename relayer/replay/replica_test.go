package replay

import (
	"context"
	"testing"

	ledgertypes "github.com/slush-tree/slush/x/ledger/types"

	"github.com/stretchr/testify/require"

	"github.com/slush-tree/slush/circuits/commitment"
	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/inclusion"
	"github.com/slush-tree/slush/circuits/ledger"
	"github.com/slush-tree/slush/circuits/smt"
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
	st, err := c.origin().Genesis()
	require.NoError(t, err)
	root := func() []byte {
		r, err := st.Root()
		require.NoError(t, err)
		return hash.EncodeElement(r)
	}
	roots := [][]byte{root()}
	for _, logged := range c.log {
		_, err := ApplyLogged(st, nil, logged)
		require.NoError(t, err)
		roots = append(roots, root())
	}
	return c, roots
}

func TestReplica(t *testing.T) {
	ctx := context.Background()
	c, roots := replayLog(t)
	var rp Replica
	require.NoError(t, rp.At(ctx, c, c.origin(), 2, roots[2], 0))
	require.Equal(t, uint64(2), rp.pos)
	require.NoError(t, rp.At(ctx, c, c.origin(), 3, roots[3], 0), "moves forward")
	require.NoError(t, rp.At(ctx, c, c.origin(), 1, roots[1], 0), "rebuilt when ahead")
	require.Equal(t, uint64(1), rp.pos)

	err := rp.At(ctx, c, c.origin(), 2, roots[3], 0)
	require.ErrorContains(t, err, "the parent accepted")
	require.Nil(t, rp.state, "a replica that does not match is dropped")
	require.ErrorContains(t, rp.At(ctx, c, c.origin(), 5, roots[3], 0), "log ends at 3")

	require.NoError(t, rp.Seek(ctx, c, c.origin(), 3, roots[2], 0))
	require.Equal(t, uint64(2), rp.pos, "found by its root")
	require.NoError(t, rp.Seek(ctx, c, c.origin(), 3, roots[0], 0))
	require.Equal(t, uint64(0), rp.pos)
	require.ErrorContains(t, rp.Seek(ctx, c, c.origin(), 3, hash.EncodeElement(hash.Uint64(1)), 0), "no prefix")
}

func TestFetchLogGap(t *testing.T) {
	c, _ := replayLog(t)
	c.log = append(c.log[:1], c.log[2:]...) // entry 1 missing
	_, err := FetchLog(context.Background(), c, 0, 3, 0)
	require.ErrorContains(t, err, "log entry 2 where 1 was expected")
}

func TestApplyLoggedRejectsWhatTheChainWouldNot(t *testing.T) {
	c, _ := replayLog(t)
	st, err := ledger.NewState(smt.NewMemStore(), commitment.MustPackVid(c.path), testLedger.Ledger())
	require.NoError(t, err)
	_, err = ApplyLogged(st, nil, c.log[0]) // the bridge-out on a ledger without its genesis funding
	require.Error(t, err)
	other := ledger.NewBridgeIn(inclusion.Message{SrcVid: hash.Uint64(1), DstVid: hash.Uint64(2)}, ledger.SourceClaim)
	_, err = ApplyLogged(st, nil, ledgertypes.LoggedOp{Op: other.Bytes()})
	require.Error(t, err, "a mint for another validium")
}
