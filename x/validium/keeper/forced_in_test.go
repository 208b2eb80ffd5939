package keeper_test

import (
	"encoding/hex"
	"testing"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"
	dbm "github.com/cosmos/cosmos-db"
	"github.com/stretchr/testify/require"

	"cosmossdk.io/log"
	"cosmossdk.io/store/metrics"
	"cosmossdk.io/store/rootmulti"
	storetypes "cosmossdk.io/store/types"

	"github.com/cosmos/cosmos-sdk/codec"
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/slush-tree/slush/circuits/commitment"
	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/inclusion"
	"github.com/slush-tree/slush/circuits/ledger"
	"github.com/slush-tree/slush/internal/parentsync"
	"github.com/slush-tree/slush/testutil/keepertest"
	"github.com/slush-tree/slush/testutil/lightclient"
	bridgetypes "github.com/slush-tree/slush/x/bridge/types"
	ledgerkeeper "github.com/slush-tree/slush/x/ledger/keeper"
	ledgertypes "github.com/slush-tree/slush/x/ledger/types"
	treetypes "github.com/slush-tree/slush/x/tree/types"
	"github.com/slush-tree/slush/x/validium/keeper"
	"github.com/slush-tree/slush/x/validium/types"
)

// parentChain is the parent's state as its app commits it: a real IAVL store for x/validium in
// a real multistore (with another module's beside it), so proofs are exactly what an ABCI query
// with prove=true returns and the app hash is the one the parent's header carries.
type parentChain struct {
	rms      *rootmulti.Store
	validium *storetypes.KVStoreKey
	cdc      codec.Codec
}

func newParentChain(t *testing.T, cdc codec.Codec) *parentChain {
	rms := rootmulti.NewStore(dbm.NewMemDB(), log.NewNopLogger(), metrics.NewNoOpMetrics())
	rms.MountStoreWithDB(storetypes.NewKVStoreKey(bridgetypes.StoreKey), storetypes.StoreTypeIAVL, nil)
	vkey := storetypes.NewKVStoreKey(types.StoreKey)
	rms.MountStoreWithDB(vkey, storetypes.StoreTypeIAVL, nil)
	require.NoError(t, rms.LoadLatestVersion())
	return &parentChain{rms: rms, validium: vkey, cdc: cdc}
}

// queue stores op in the parent's forced queue at (index, seq): where x/validium keeps child
// index's operation of that sequence (a well-formed parent stores op there only when
// op.ChildIndex == index and op.Sequence == seq; some tests need a parent that does not).
func (p *parentChain) queue(t *testing.T, index uint32, seq uint64, op types.ForcedOperation) {
	key, err := types.ForcedOpStoreKey(index, seq)
	require.NoError(t, err)
	bz, err := p.cdc.Marshal(&op)
	require.NoError(t, err)
	p.rms.GetCommitKVStore(p.validium).Set(key, bz)
}

// commit commits the parent's block and returns its app hash.
func (p *parentChain) commit() []byte { return p.rms.Commit().Hash }

// prove returns the stored record at (index, seq) and its ICS23 proof at the latest version.
func (p *parentChain) prove(t *testing.T, index uint32, seq uint64) ([]byte, []byte) {
	key, err := types.ForcedOpStoreKey(index, seq)
	require.NoError(t, err)
	res, err := p.rms.Query(&storetypes.RequestQuery{Path: "/" + types.StoreKey + "/key", Data: key,
		Height: p.rms.LastCommitID().Version, Prove: true})
	require.NoError(t, err)
	require.NotEmpty(t, res.Value, "record (%d, %d) is stored", index, seq)
	proof, err := res.ProofOps.Marshal()
	require.NoError(t, err)
	return res.Value, proof
}

var (
	parentVid = commitment.MustPackVid([]uint8{1})
	carol     = ledger.OwnerHash(ledger.KeyFromSeed([]byte("carol")).PublicKey)
)

// forcedMsg is a forced deposit from the parent (validium 1) to dst with nonce n.
func forcedMsg(n uint64, dst ...uint8) inclusion.Message {
	return inclusion.Message{SrcVid: parentVid, DstVid: commitment.MustPackVid(dst), Nonce: n, Recipient: carol,
		AssetID: hash.Uint64(7), Amount: 40 + n, Deadline: 900}
}

// routedMsg is a message chain 2 sent to 1-2 that fallback routing queued on 1 (DESIGN §7.5).
func routedMsg() inclusion.Message {
	m := forcedMsg(10, 1, 2)
	m.SrcVid = commitment.MustPackVid([]uint8{2})
	return m
}

// forcedOp is the queue record of m for child index at seq, as x/validium stores it.
func forcedOp(index uint32, seq uint64, m inclusion.Message) types.ForcedOperation {
	return types.ForcedOperation{ChildIndex: index, Sequence: seq, PayloadHash: hash.EncodeElement(m.Hash()),
		Deadline: 50, Depositor: "depositor", Message: ledger.EncodeMessage(m)}
}

// parentTime is the parent's header time at height h: an hour before the child's block time, plus h seconds.
func parentTime(h int64) time.Time {
	return keepertest.BlockTime.Add(-time.Hour + time.Duration(h)*time.Second)
}

// forcedFixture: validium 1-2 (child 2 of slush-1) trusts a parent header whose app hash commits
// the parent's forced queue below.
type forcedFixture struct {
	parent *parentChain
	// client trusts the parent's latest app hash; staleClient the one before the last block.
	client, staleClient []byte
	// valid is child 2's first queued operation (a mint of forcedMsg(1, 1, 2)).
	valid types.ForcedOperation
}

// The parent's queue in forcedFixture: (child, sequence) → what is stored there.
const (
	seqValid        = 1 // a mint for 1-2
	seqForward      = 2 // a routed message for 1-2-3, to forward
	seqOtherChild   = 3 // a record naming child 3, stored under child 2's key
	seqOtherSeq     = 4 // a record naming sequence 1, stored under sequence 4
	seqOtherChain   = 5 // a mint of a message addressed to 1-3
	seqBadPayload   = 6 // a payload hash that is not its message's
	seqSecond       = 7 // another valid mint for 1-2
	seqUncommitted  = 8 // a valid mint queued after the stale client's header
	seqRouted       = 9 // a routed mint for 1-2 of a message chain 2 sent
	otherChildIndex = 3
)

func newForcedFixture(t *testing.T) *forcedFixture {
	p := newParentChain(t, newStack(t, stackGenesis{}).env.Codec)
	valid := forcedOp(2, seqValid, forcedMsg(1, 1, 2))
	p.queue(t, 2, seqValid, valid)
	forward := forcedOp(2, seqForward, forcedMsg(2, 1, 2, 3))
	forward.Forward = true
	p.queue(t, 2, seqForward, forward)
	p.queue(t, 2, seqOtherChild, forcedOp(otherChildIndex, seqOtherChild, forcedMsg(3, 1, 2)))
	p.queue(t, 2, seqOtherSeq, forcedOp(2, seqValid, forcedMsg(4, 1, 2)))
	p.queue(t, 2, seqOtherChain, forcedOp(2, seqOtherChain, forcedMsg(5, 1, 3)))
	bad := forcedOp(2, seqBadPayload, forcedMsg(6, 1, 2))
	bad.PayloadHash = hash.EncodeElement(forcedMsg(60, 1, 2).Hash())
	p.queue(t, 2, seqBadPayload, bad)
	p.queue(t, 2, seqSecond, forcedOp(2, seqSecond, forcedMsg(7, 1, 2)))
	p.queue(t, otherChildIndex, 1, forcedOp(otherChildIndex, 1, forcedMsg(9, 1, 3)))
	p.queue(t, 2, seqRouted, forcedOp(2, seqRouted, routedMsg()))
	stale := p.commit()
	p.queue(t, 2, seqUncommitted, forcedOp(2, seqUncommitted, forcedMsg(8, 1, 2)))
	latest := p.commit()

	signer := lightclient.NewSigner(t, "slush-1", 2)
	return &forcedFixture{
		parent: p, valid: valid,
		client:      signer.Trusted(t, 51, parentTime(51), latest),
		staleClient: signer.Trusted(t, 50, parentTime(50), stale),
	}
}

// forcedChain is a chain receiving forced operations: every module real.
type forcedChain struct {
	st   *stack
	k    keeper.Keeper
	msgs types.MsgServer
}

// chain is the chain at path (nil: the root) trusting client (none when empty), every module
// real; g's ledger and bridge genesis are used when set.
func (f *forcedFixture) chain(t *testing.T, path []uint32, client []byte, g stackGenesis) *forcedChain {
	g.parentClient = client
	if len(path) > 0 {
		g.identity = childIdentity(path...)
	}
	st := newStack(t, g)
	c := &forcedChain{st: st, k: st.realKeeper(newFakeBank())}
	c.msgs = keeper.NewMsgServerImpl(&c.k)
	return c
}

// msg is MsgReceiveForced for child 2's sequence seq, with the stored record of (index, at) and its proof.
func (f *forcedFixture) msg(t *testing.T, c *forcedChain, seq uint64, index uint32, at uint64) *types.MsgReceiveForced {
	op, proof := f.parent.prove(t, index, at)
	return &types.MsgReceiveForced{Sender: c.st.env.OtherAddress(t), Sequence: seq, Operation: op, Proof: proof}
}

// ledgerState is the chain's x/ledger State query.
func (c *forcedChain) ledgerState(t *testing.T) *ledgertypes.QueryStateResponse {
	l, err := ledgerkeeper.NewQueryServerImpl(&c.st.ledger).State(c.st.env.Ctx, &ledgertypes.QueryStateRequest{})
	require.NoError(t, err)
	return l
}

// TestReceiveForced proves a child mints a forced operation of its own queue on its parent,
// proven by ICS23 under the parent app hash its light client (x/tree) trusts (DESIGN §8), through
// x/bridge exactly once (a forced-source mint on x/ledger behind the shared nullifier); every
// other record, proof or chain is refused for its own reason, with the proof's gas charged first
// and nothing minted.
func TestReceiveForced(t *testing.T) {
	f := newForcedFixture(t)
	child := []uint32{1, 2} // child 2 of its parent
	cases := []struct {
		name    string
		path    []uint32                                                   // nil: child
		client  func() []byte                                              // nil: f.client
		before  func(t *testing.T, c *forcedChain)                         // state before the message
		msg     func(t *testing.T, c *forcedChain) *types.MsgReceiveForced // nil: the valid one
		wantErr error
		wantMsg string
		minted  inclusion.Message // zero: forcedMsg(1, 1, 2)
	}{
		{name: "a mint queued for this chain, proven"},
		{name: "tampered record", msg: func(t *testing.T, c *forcedChain) *types.MsgReceiveForced {
			m := f.msg(t, c, seqValid, 2, seqValid)
			op := forcedOp(2, seqValid, forcedMsg(1, 1, 2))
			inflated := forcedMsg(1, 1, 2)
			inflated.Amount = 1_000_000
			op.Message, op.PayloadHash = ledger.EncodeMessage(inflated), hash.EncodeElement(inflated.Hash())
			bz, err := op.Marshal()
			require.NoError(t, err)
			m.Operation = bz
			return m
		}, wantErr: types.ErrInvalidForcedOp, wantMsg: parentsync.ErrProofMismatch.Error()},
		{name: "proof of another key", msg: func(t *testing.T, c *forcedChain) *types.MsgReceiveForced {
			m := f.msg(t, c, seqValid, 2, seqValid)
			_, m.Proof = f.parent.prove(t, 2, seqSecond)
			return m
		}, wantErr: types.ErrInvalidForcedOp, wantMsg: parentsync.ErrKeyMismatch.Error()},
		{name: "garbage proof", msg: func(t *testing.T, c *forcedChain) *types.MsgReceiveForced {
			m := f.msg(t, c, seqValid, 2, seqValid)
			m.Proof = []byte("garbage")
			return m
		}, wantErr: types.ErrInvalidForcedOp, wantMsg: parentsync.ErrMalformedProof.Error()},
		{name: "a record the trusted header does not commit yet", client: func() []byte { return f.staleClient },
			msg: func(t *testing.T, c *forcedChain) *types.MsgReceiveForced {
				return f.msg(t, c, seqUncommitted, 2, seqUncommitted)
			}, wantErr: types.ErrInvalidForcedOp, wantMsg: parentsync.ErrAppHashMismatch.Error()},
		{name: "a forward operation", msg: func(t *testing.T, c *forcedChain) *types.MsgReceiveForced {
			return f.msg(t, c, seqForward, 2, seqForward)
		}, wantErr: types.ErrInvalidForcedOp, wantMsg: "not a mint queued"},
		{name: "another child's operation (its own key)", msg: func(t *testing.T, c *forcedChain) *types.MsgReceiveForced {
			return f.msg(t, c, 1, otherChildIndex, 1)
		}, wantErr: types.ErrInvalidForcedOp, wantMsg: parentsync.ErrKeyMismatch.Error()},
		{name: "another child's operation under this chain's key", msg: func(t *testing.T, c *forcedChain) *types.MsgReceiveForced {
			return f.msg(t, c, seqOtherChild, 2, seqOtherChild)
		}, wantErr: types.ErrInvalidForcedOp, wantMsg: "not a mint queued"},
		{name: "another sequence than the record's key", msg: func(t *testing.T, c *forcedChain) *types.MsgReceiveForced {
			return f.msg(t, c, seqSecond, 2, seqValid)
		}, wantErr: types.ErrInvalidForcedOp, wantMsg: parentsync.ErrKeyMismatch.Error()},
		{name: "a record naming another sequence", msg: func(t *testing.T, c *forcedChain) *types.MsgReceiveForced {
			return f.msg(t, c, seqOtherSeq, 2, seqOtherSeq)
		}, wantErr: types.ErrInvalidForcedOp, wantMsg: "not a mint queued"},
		{name: "a message for another chain", msg: func(t *testing.T, c *forcedChain) *types.MsgReceiveForced {
			return f.msg(t, c, seqOtherChain, 2, seqOtherChain)
		}, wantErr: types.ErrInvalidForcedOp, wantMsg: "not this chain's or not its payload"},
		{name: "a payload that is not the message's", msg: func(t *testing.T, c *forcedChain) *types.MsgReceiveForced {
			return f.msg(t, c, seqBadPayload, 2, seqBadPayload)
		}, wantErr: types.ErrInvalidForcedOp, wantMsg: "not this chain's or not its payload"},
		{name: "already minted", before: func(t *testing.T, c *forcedChain) {
			_, err := c.msgs.ReceiveForced(c.st.env.Ctx, f.msg(t, c, seqValid, 2, seqValid))
			require.NoError(t, err)
		}, wantErr: bridgetypes.ErrAlreadyClaimed},
		{name: "already delivered by a claim (shared nullifier)", before: func(t *testing.T, c *forcedChain) {
			require.NoError(t, c.st.bridge.Nullifiers.Set(c.st.env.Ctx, hash.EncodeElement(forcedMsg(1, 1, 2).Hash())))
		}, wantErr: bridgetypes.ErrAlreadyClaimed},
		{name: "no parent client", client: func() []byte { return nil }, wantErr: treetypes.ErrNoParentClient},
		{name: "the root has no parent", path: []uint32{}, client: func() []byte { return nil }, wantErr: treetypes.ErrNoParentClient},
		{name: "a routed mint", msg: func(t *testing.T, c *forcedChain) *types.MsgReceiveForced {
			return f.msg(t, c, seqRouted, 2, seqRouted)
		}, minted: routedMsg()},
		{name: "a parent's deposit under RECURSIVE subtree proofs", before: recursiveChain},
		{name: "a routed mint under RECURSIVE subtree proofs", before: recursiveChain, msg: func(t *testing.T, c *forcedChain) *types.MsgReceiveForced {
			return f.msg(t, c, seqRouted, 2, seqRouted)
		}, wantErr: types.ErrInvalidForcedOp, wantMsg: "deliver it with MsgRouteMessage"},
		{name: "bad sender address", msg: func(t *testing.T, c *forcedChain) *types.MsgReceiveForced {
			m := f.msg(t, c, seqValid, 2, seqValid)
			m.Sender = "nobody"
			return m
		}, wantErr: types.ErrInvalidAddress},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			path, client := child, f.client
			if tc.path != nil {
				path = tc.path
			}
			if tc.client != nil {
				client = tc.client()
			}
			c := f.chain(t, path, client, stackGenesis{})
			if tc.before != nil {
				tc.before(t, c)
			}
			msg := f.msg(t, c, seqValid, 2, seqValid)
			if tc.msg != nil {
				msg = tc.msg(t, c)
			}
			before := c.ledgerState(t)
			ctx := c.st.env.Ctx.WithGasMeter(storetypes.NewInfiniteGasMeter()).WithEventManager(sdk.NewEventManager())

			res, err := c.msgs.ReceiveForced(ctx, msg)
			if tc.wantErr != types.ErrInvalidAddress { // the proof's gas is charged before anything is checked
				require.GreaterOrEqual(t, ctx.GasMeter().GasConsumed(),
					storetypes.Gas(treetypes.SyncGasFlat+treetypes.SyncGasPerProofByte*(len(msg.Proof)+len(msg.Operation))))
			}
			if tc.wantErr != nil {
				require.ErrorIs(t, err, tc.wantErr)
				require.ErrorContains(t, err, tc.wantMsg)
				require.Equal(t, before, c.ledgerState(t), "nothing minted, logged or receipted")
				require.Empty(t, ctx.EventManager().Events())
				return
			}
			require.NoError(t, err)
			m := forcedMsg(1, 1, 2)
			if tc.minted != (inclusion.Message{}) {
				m = tc.minted
			}
			require.Equal(t, hash.EncodeElement(m.Hash()), res.MessageHash)
			require.Equal(t, uint64(0), res.ReceiptIndex)
			acc, err := ledgerkeeper.NewQueryServerImpl(&c.st.ledger).Account(ctx, &ledgertypes.QueryAccountRequest{Index: 0})
			require.NoError(t, err)
			require.Equal(t, hash.EncodeElement(carol), acc.Owner)
			require.Equal(t, m.Amount, acc.Balance)
			requireMinted(t, ctx, c.st, m, ledger.SourceForced)

			var received []*types.EventForcedReceived
			for _, e := range ctx.EventManager().Events() {
				ev, err := sdk.ParseTypedEvent(abci.Event(e))
				require.NoError(t, err)
				if r, ok := ev.(*types.EventForcedReceived); ok {
					received = append(received, r)
				}
			}
			require.Equal(t, []*types.EventForcedReceived{{MessageHash: res.MessageHash, Amount: m.Amount, Sequence: msg.Sequence, ReceiptIndex: 0,
				MessageHashHex: hex.EncodeToString(res.MessageHash)}}, received)
		})
	}
}

// recursiveChain switches c to RECURSIVE subtree proofs (issue 16: a chain below the root's
// children mints as forced only its parent's deposits, which the step above can prove).
func recursiveChain(t *testing.T, c *forcedChain) {
	p, err := c.k.Params.Get(c.st.env.Ctx)
	require.NoError(t, err)
	p.SubtreeProofs = types.SubtreeProofs_SUBTREE_PROOFS_RECURSIVE
	require.NoError(t, c.k.Params.Set(c.st.env.Ctx, p))
}

// TestReceiveForcedThenNext proves operations of the queue are minted independently, each once,
// with receipts in mint order; the mints survive an export and import of x/ledger and x/bridge.
func TestReceiveForcedThenNext(t *testing.T) {
	f := newForcedFixture(t)
	c := f.chain(t, []uint32{1, 2}, f.client, stackGenesis{})
	for i, seq := range []uint64{seqSecond, seqValid} {
		res, err := c.msgs.ReceiveForced(c.st.env.Ctx, f.msg(t, c, seq, 2, seq))
		require.NoError(t, err, "sequence %d", seq)
		require.Equal(t, uint64(i), res.ReceiptIndex)
	}
	acc, err := ledgerkeeper.NewQueryServerImpl(&c.st.ledger).Account(c.st.env.Ctx, &ledgertypes.QueryAccountRequest{Index: 0})
	require.NoError(t, err)
	require.Equal(t, forcedMsg(7, 1, 2).Amount+forcedMsg(1, 1, 2).Amount, acc.Balance, "carol holds both")

	ledgerGenesis, err := c.st.ledger.ExportGenesis(c.st.env.Ctx)
	require.NoError(t, err)
	bridgeGenesis, err := c.st.bridge.ExportGenesis(c.st.env.Ctx)
	require.NoError(t, err)
	c2 := f.chain(t, []uint32{1, 2}, f.client, stackGenesis{ledger: ledgerGenesis, bridge: bridgeGenesis})
	_, err = c2.msgs.ReceiveForced(c2.st.env.Ctx, f.msg(t, c2, seqValid, 2, seqValid))
	require.ErrorIs(t, err, bridgetypes.ErrAlreadyClaimed, "minted once, across export and import")
	require.Equal(t, c.ledgerState(t), c2.ledgerState(t))
}
