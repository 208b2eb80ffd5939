package keeper_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	storetypes "cosmossdk.io/store/types"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/slush-tree/slush/circuits/commitment"
	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/ledger"
	"github.com/slush-tree/slush/internal/parentsync"
	"github.com/slush-tree/slush/testutil/lightclient"
	slushtypes "github.com/slush-tree/slush/types"
	ledgerkeeper "github.com/slush-tree/slush/x/ledger/keeper"
	ledgertypes "github.com/slush-tree/slush/x/ledger/types"
	"github.com/slush-tree/slush/x/validium/types"
)

// The child side of a forced withdrawal (issue 20): validium 1-2 (child 2 of slush-1), whose
// genesis ledger gives alice 100, executes the withdrawals its parent's state (a real IAVL store,
// app hash trusted by the light client) holds for it.

// The parent's forced withdrawals of child 2 in withdrawalExecFixture: sequence → what is stored.
const (
	wSeqValid      = 1 // alice withdraws 30 to herself on slush-1
	wSeqTooMuch    = 2 // alice withdraws 500
	wSeqProven     = 3 // a valid op whose record is no longer pending
	wSeqOtherChild = 4 // a record naming child 3, stored under child 2's key
)

var execChildVid = commitment.MustPackVid([]uint8{1, 2})

// execOp is alice's bridge-out of amount (nonce) on 1-2 to herself on slush-1.
func execOp(t *testing.T, amount, nonce uint64) ledger.Op {
	op, err := ledger.NewBridgeOut(execChildVid, aliceKey, 0, wAsset, amount, nonce, parentVid, aliceSelf, 1000)
	require.NoError(t, err)
	return op
}

// withdrawalRecord is the parent's record of op forced on child index at seq.
func withdrawalRecord(index uint32, seq uint64, op ledger.Op, status types.ForcedWithdrawalStatus) types.ForcedWithdrawal {
	return types.ForcedWithdrawal{ChildIndex: index, Sequence: seq, Op: op.Bytes(), OpHash: hash.EncodeElement(op.SigningHash(execChildVid)),
		Requester: "requester", Deadline: 80, QueuedOutboxRoot: payload(1), Status: status}
}

type withdrawalExecFixture struct {
	parent *parentChain
	client []byte
}

func newWithdrawalExecFixture(t *testing.T) *withdrawalExecFixture {
	p := newParentChain(t, newStack(t, stackGenesis{}).env.Codec)
	pending := types.ForcedWithdrawalStatus_FORCED_WITHDRAWAL_STATUS_PENDING
	store := func(index uint32, seq uint64, w types.ForcedWithdrawal) {
		key, err := types.ForcedWithdrawalStoreKey(index, seq)
		require.NoError(t, err)
		bz, err := p.cdc.Marshal(&w)
		require.NoError(t, err)
		p.rms.GetCommitKVStore(p.validium).Set(key, bz)
	}
	store(2, wSeqValid, withdrawalRecord(2, wSeqValid, execOp(t, 30, 0), pending))
	store(2, wSeqTooMuch, withdrawalRecord(2, wSeqTooMuch, execOp(t, 500, 0), pending))
	store(2, wSeqProven, withdrawalRecord(2, wSeqProven, execOp(t, 30, 0), types.ForcedWithdrawalStatus_FORCED_WITHDRAWAL_STATUS_EXECUTED))
	store(2, wSeqOtherChild, withdrawalRecord(3, wSeqOtherChild, execOp(t, 30, 0), pending))
	latest := p.commit()
	signer := lightclient.NewSigner(t, "slush-1", 2)
	return &withdrawalExecFixture{parent: p, client: signer.Trusted(t, 51, parentTime(51), latest)}
}

// msg is MsgExecuteForcedWithdrawal of sequence seq with the record stored at (2, at) and its proof.
func (f *withdrawalExecFixture) msg(t *testing.T, c *forcedChain, seq, at uint64) *types.MsgExecuteForcedWithdrawal {
	key, err := types.ForcedWithdrawalStoreKey(2, at)
	require.NoError(t, err)
	res, err := f.parent.rms.Query(&storetypes.RequestQuery{Path: "/" + types.StoreKey + "/key", Data: key,
		Height: f.parent.rms.LastCommitID().Version, Prove: true})
	require.NoError(t, err)
	require.NotEmpty(t, res.Value)
	proof, err := res.ProofOps.Marshal()
	require.NoError(t, err)
	return &types.MsgExecuteForcedWithdrawal{Sender: c.st.env.OtherAddress(t), Sequence: seq, Record: res.Value, Proof: proof}
}

// TestExecuteForcedWithdrawal proves the child executes a pending forced withdrawal of its own
// parent queue, proven by ICS23, as a bridge-out of its ledger (burn, outbox append, logged,
// recorded as a claimable outgoing message), even while the account waits for a confirmation;
// exactly once (the nonce); and refuses a tampered or foreign record, a record no longer pending
// and an op its ledger cannot execute (the parent is then shown a no-op), leaving the ledger as it was.
func TestExecuteForcedWithdrawal(t *testing.T) {
	f := newWithdrawalExecFixture(t)
	cases := []struct {
		name    string
		before  func(t *testing.T, c *forcedChain)
		msg     func(t *testing.T, c *forcedChain) *types.MsgExecuteForcedWithdrawal
		wantErr error
		wantMsg string
	}{
		{name: "a pending withdrawal of this chain, proven"},
		{name: "while the account waits for a confirmation", before: func(t *testing.T, c *forcedChain) {
			require.NoError(t, c.st.bridge.FrozenSender.Set(c.st.env.Ctx, 0))
		}},
		{name: "executed twice", before: func(t *testing.T, c *forcedChain) {
			_, err := c.msgs.ExecuteForcedWithdrawal(c.st.env.Ctx, f.msg(t, c, wSeqValid, wSeqValid))
			require.NoError(t, err)
		}, wantErr: ledgertypes.ErrLedgerRejected, wantMsg: "nonce"},
		{name: "tampered record", msg: func(t *testing.T, c *forcedChain) *types.MsgExecuteForcedWithdrawal {
			m := f.msg(t, c, wSeqValid, wSeqValid)
			w := withdrawalRecord(2, wSeqValid, execOp(t, 30, 0), types.ForcedWithdrawalStatus_FORCED_WITHDRAWAL_STATUS_PENDING)
			w.Requester = "someone else"
			bz, err := w.Marshal()
			require.NoError(t, err)
			m.Record = bz
			return m
		}, wantErr: types.ErrInvalidForcedOp, wantMsg: parentsync.ErrProofMismatch.Error()},
		{name: "another sequence than the record's key", msg: func(t *testing.T, c *forcedChain) *types.MsgExecuteForcedWithdrawal {
			return f.msg(t, c, wSeqTooMuch, wSeqValid)
		}, wantErr: types.ErrInvalidForcedOp, wantMsg: parentsync.ErrKeyMismatch.Error()},
		{name: "another child's record under this chain's key", msg: func(t *testing.T, c *forcedChain) *types.MsgExecuteForcedWithdrawal {
			return f.msg(t, c, wSeqOtherChild, wSeqOtherChild)
		}, wantErr: types.ErrInvalidForcedOp, wantMsg: "not a forced withdrawal of this chain"},
		{name: "no longer pending on the parent", msg: func(t *testing.T, c *forcedChain) *types.MsgExecuteForcedWithdrawal {
			return f.msg(t, c, wSeqProven, wSeqProven)
		}, wantErr: types.ErrWithdrawalNotPending},
		{name: "more than the balance", msg: func(t *testing.T, c *forcedChain) *types.MsgExecuteForcedWithdrawal {
			return f.msg(t, c, wSeqTooMuch, wSeqTooMuch)
		}, wantErr: ledgertypes.ErrLedgerRejected, wantMsg: "insufficient balance"},
		{name: "malformed proof", msg: func(t *testing.T, c *forcedChain) *types.MsgExecuteForcedWithdrawal {
			m := f.msg(t, c, wSeqValid, wSeqValid)
			m.Proof = []byte("garbage")
			return m
		}, wantErr: types.ErrInvalidForcedOp},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := (&forcedFixture{}).chain(t, []uint32{1, 2}, f.client, stackGenesis{ledger: &ledgertypes.GenesisState{Params: testLedger,
				Deposits: []ledgertypes.GenesisDeposit{{Recipient: hash.EncodeElement(aliceSelf), AssetId: hash.EncodeElement(wAsset), Amount: 100}}}})
			if tc.before != nil {
				tc.before(t, c)
			}
			msg := f.msg(t, c, wSeqValid, wSeqValid)
			if tc.msg != nil {
				msg = tc.msg(t, c)
			}
			before := c.ledgerState(t)
			ctx := c.st.env.Ctx.WithGasMeter(storetypes.NewInfiniteGasMeter()).WithEventManager(sdk.NewEventManager())
			res, err := c.msgs.ExecuteForcedWithdrawal(ctx, msg)
			if tc.wantErr != nil {
				require.ErrorIs(t, err, tc.wantErr)
				require.ErrorContains(t, err, tc.wantMsg)
				require.Equal(t, before, c.ledgerState(t), "nothing burnt or logged")
				return
			}
			require.NoError(t, err)
			op := execOp(t, 30, 0)
			m := types.WithdrawalMessage(op, execChildVid, 0)
			require.Equal(t, hash.EncodeElement(m.Hash()), res.MessageHash)
			require.Equal(t, uint64(0), res.OutboxIndex)
			acc, err := ledgerkeeper.NewQueryServerImpl(&c.st.ledger).Account(ctx, &ledgertypes.QueryAccountRequest{Index: 0})
			require.NoError(t, err)
			require.Equal(t, uint64(70), acc.Balance)
			require.Equal(t, uint64(1), acc.Nonce)
			out, err := c.st.bridge.Outgoing.Get(ctx, res.MessageHash)
			require.NoError(t, err)
			require.Equal(t, slushtypes.MessageStatus_MESSAGE_STATUS_SENT, out.Status, "claimable, confirmable, routable as any bridge-out")
			frozen, err := c.st.bridge.FrozenSender.Has(ctx, 0)
			require.NoError(t, err)
			require.True(t, frozen)
			state, err := c.st.ledger.Open(ctx)
			require.NoError(t, err)
			item, err := state.Outbox().Get(0)
			require.NoError(t, err)
			require.Equal(t, m.Hash(), item, "the message the parent's inclusion proof expects")
		})
	}
}
