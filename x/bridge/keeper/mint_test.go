package keeper_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/inclusion"
	"github.com/slush-tree/slush/circuits/ledger"
	slushtypes "github.com/slush-tree/slush/types"
	"github.com/slush-tree/slush/x/bridge/types"
	ledgertypes "github.com/slush-tree/slush/x/ledger/types"
)

// requireMinted checks that m was the last mint on c's ledger, from source src: the last logged
// operation is its bridge-in with that source (what the prover proves, as the source says), the
// last inbox entry is (m, src) and consumed, the last receipt is m's, committed in the ledger's
// receipt root, and m's hash is a nullifier.
func requireMinted(t testing.TB, c *chain, m inclusion.Message, src ledger.Source) {
	t.Helper()
	l := c.ledgerState(t)
	require.NotZero(t, l.LogLength)
	logRes, err := c.lq.BatchLog(c.env.Ctx, &ledgertypes.QueryBatchLogRequest{From: l.LogLength - 1})
	require.NoError(t, err)
	require.Len(t, logRes.Ops, 1)
	require.Equal(t, ledger.NewBridgeIn(m, src).Bytes(), logRes.Ops[0].Op, "logged as a %s bridge-in", src)

	state, err := c.ledger.Open(c.env.Ctx)
	require.NoError(t, err)
	require.NotZero(t, state.InboxLen())
	require.Equal(t, state.InboxLen(), state.InboxConsumed(), "pushed and minted together")
	got, gotSrc, err := state.InboxEntry(state.InboxLen() - 1)
	require.NoError(t, err)
	require.Equal(t, m, got)
	require.Equal(t, src, gotSrc)

	receipts := state.Receipts()
	require.Equal(t, state.InboxConsumed(), receipts.Size(), "one receipt per mint")
	receipt, err := receipts.Get(receipts.Size() - 1)
	require.NoError(t, err)
	require.Equal(t, inclusion.ReceiptFor(m).Hash(), receipt)
	root, err := state.ReceiptRoot()
	require.NoError(t, err)
	require.Equal(t, hash.EncodeElement(root), l.ReceiptRoot)

	nf, err := c.q.Nullifier(c.env.Ctx, &types.QueryNullifierRequest{MessageHash: hash.EncodeElement(m.Hash())})
	require.NoError(t, err)
	require.True(t, nf.Claimed)
}

// deliveryPath is one way a message is minted on this chain.
type deliveryPath struct {
	name string
	src  ledger.Source
	// deliver mints f's message (or refuses: err) and reports whether the path says it was
	// delivered before (only DeliverRouted does).
	deliver func(t *testing.T, f *claimFixture) (before bool, err error)
}

// deliveryPaths are the four ways a message is minted here (DESIGN §5, §7, §8): a claim and a
// routed delivery (both carry an inclusion proof: source claim), a forced operation of this
// chain's queue on its parent (source forced) and an exit from a frozen child (source exit).
var deliveryPaths = []deliveryPath{
	{"claim", ledger.SourceClaim, func(t *testing.T, f *claimFixture) (bool, error) {
		_, err := f.msgs.Claim(f.env.Ctx, &f.msg)
		return false, err
	}},
	{"routed delivery", ledger.SourceClaim, func(t *testing.T, f *claimFixture) (bool, error) {
		return f.k.DeliverRouted(f.env.Ctx, f.message(t))
	}},
	{"forced operation", ledger.SourceForced, func(t *testing.T, f *claimFixture) (bool, error) {
		_, err := f.k.Deliver(f.env.Ctx, f.message(t), ledger.SourceForced)
		return false, err
	}},
	{"exit", ledger.SourceExit, func(t *testing.T, f *claimFixture) (bool, error) {
		_, err := f.k.Deliver(f.env.Ctx, f.message(t), ledger.SourceExit)
		return false, err
	}},
}

// TestMintSources proves every way a message is minted (claim, routed delivery, forced
// operation, exit) lands in the log, the inbox and the receipt tree with its source and leaves
// its nullifier, which the MessageStatus query reports as CLAIMED.
func TestMintSources(t *testing.T) {
	for _, path := range deliveryPaths {
		t.Run(path.name, func(t *testing.T) {
			f := newClaimFixture(t, destinationPath, true)
			msgHash := hash.EncodeElement(f.message(t).Hash())
			_, err := f.q.MessageStatus(f.env.Ctx, &types.QueryMessageStatusRequest{MessageHash: msgHash})
			require.True(t, slushtypes.IsNotFound(err), "unknown before: NotFound (%v)", err)

			before, err := path.deliver(t, f)
			require.NoError(t, err)
			require.False(t, before)
			requireMinted(t, f.chain, f.message(t), path.src)
			st, err := f.q.MessageStatus(f.env.Ctx, &types.QueryMessageStatusRequest{MessageHash: msgHash})
			require.NoError(t, err)
			require.Equal(t, &types.QueryMessageStatusResponse{Status: slushtypes.MessageStatus_MESSAGE_STATUS_CLAIMED}, st)
		})
	}
}

// TestMintedOnce proves the nullifier is shared by every path (DESIGN §7.3: a message is minted
// here at most once, forever): once minted one way, claims and deliveries are refused and a
// routed delivery reports it delivered, and none of them mints again.
func TestMintedOnce(t *testing.T) {
	for _, first := range deliveryPaths {
		t.Run("first by "+first.name, func(t *testing.T) {
			f := newClaimFixture(t, destinationPath, true)
			_, err := first.deliver(t, f)
			require.NoError(t, err)
			minted := f.ledgerState(t)
			for _, again := range deliveryPaths {
				before, err := again.deliver(t, f)
				if again.name == "routed delivery" {
					require.NoError(t, err)
					require.True(t, before, "a routed delivery reports the earlier mint")
				} else {
					require.ErrorIs(t, err, types.ErrAlreadyClaimed, "then by %s", again.name)
				}
				require.Equal(t, minted, f.ledgerState(t), "nothing minted again by %s", again.name)
			}
		})
	}
}

// TestDeliverReceiptIndex proves Deliver returns the index of the receipt it appended, and a
// mint the ledger refuses (addressed elsewhere) leaves no nullifier, so it may be delivered
// where it belongs.
func TestDeliverReceiptIndex(t *testing.T) {
	c := newChain(t, destinationPath)
	for i := uint64(0); i < 3; i++ {
		index, err := c.k.Deliver(c.env.Ctx, inMsg(carol, 5, i), ledger.SourceForced)
		require.NoError(t, err)
		require.Equal(t, i, index)
	}
	elsewhere := inMsg(carol, 5, 9)
	elsewhere.DstVid = senderVid
	_, err := c.k.Deliver(c.env.Ctx, elsewhere, ledger.SourceExit)
	require.ErrorIs(t, err, ledgertypes.ErrLedgerRejected)
	delivered, err := c.k.DeliverRouted(c.env.Ctx, elsewhere)
	require.ErrorIs(t, err, ledgertypes.ErrLedgerRejected)
	require.False(t, delivered)
	nf, err := c.q.Nullifier(c.env.Ctx, &types.QueryNullifierRequest{MessageHash: hash.EncodeElement(elsewhere.Hash())})
	require.NoError(t, err)
	require.False(t, nf.Claimed, "a refused mint uses no nullifier")
	require.Equal(t, uint64(3), c.ledgerState(t).InboxLength)
}
