package keeper_test

import (
	"testing"

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
	"github.com/slush-tree/slush/x/bridge/keeper"
	"github.com/slush-tree/slush/x/bridge/types"
	validiumtypes "github.com/slush-tree/slush/x/validium/types"
)

// parentChain is the parent's state as its app commits it: real IAVL stores for x/bridge and
// x/validium in a real multistore, so proofs are exactly what an ABCI query with prove=true
// returns and the app hash is the one the parent's header carries.
type parentChain struct {
	rms      *rootmulti.Store
	validium *storetypes.KVStoreKey
	cdc      codec.Codec
}

func newParentChain(t *testing.T, cdc codec.Codec) *parentChain {
	rms := rootmulti.NewStore(dbm.NewMemDB(), log.NewNopLogger(), metrics.NewNoOpMetrics())
	rms.MountStoreWithDB(storetypes.NewKVStoreKey(types.StoreKey), storetypes.StoreTypeIAVL, nil)
	vkey := storetypes.NewKVStoreKey(validiumtypes.StoreKey)
	rms.MountStoreWithDB(vkey, storetypes.StoreTypeIAVL, nil)
	require.NoError(t, rms.LoadLatestVersion())
	return &parentChain{rms: rms, validium: vkey, cdc: cdc}
}

// queue stores op in the parent's forced queue at (index, seq): where x/validium keeps child
// index's operation of that sequence (a well-formed parent stores op there only when
// op.ChildIndex == index and op.Sequence == seq; some tests need a parent that does not).
func (p *parentChain) queue(t *testing.T, index uint32, seq uint64, op validiumtypes.ForcedOperation) {
	key, err := validiumtypes.ForcedOpStoreKey(index, seq)
	require.NoError(t, err)
	bz, err := p.cdc.Marshal(&op)
	require.NoError(t, err)
	p.rms.GetCommitKVStore(p.validium).Set(key, bz)
}

// commit commits the parent's block and returns its app hash.
func (p *parentChain) commit() []byte { return p.rms.Commit().Hash }

// prove returns the stored record at (index, seq) and its ICS23 proof at the latest version.
func (p *parentChain) prove(t *testing.T, index uint32, seq uint64) ([]byte, []byte) {
	key, err := validiumtypes.ForcedOpStoreKey(index, seq)
	require.NoError(t, err)
	res, err := p.rms.Query(&storetypes.RequestQuery{Path: "/" + validiumtypes.StoreKey + "/key", Data: key,
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
		AssetID: asset, Amount: 40 + n, Deadline: 900}
}

// forcedOp is the queue record of m for child index at seq, as x/validium stores it.
func forcedOp(index uint32, seq uint64, m inclusion.Message) validiumtypes.ForcedOperation {
	return validiumtypes.ForcedOperation{ChildIndex: index, Sequence: seq, PayloadHash: hash.EncodeElement(m.Hash()),
		Deadline: 50, Depositor: "depositor", Message: ledger.EncodeMessage(m)}
}

// forcedFixture: validium 1-2 (child 2 of slush-1) trusts a parent header whose app hash commits
// the parent's forced queue below.
type forcedFixture struct {
	parent *parentChain
	// client trusts the parent's latest app hash; staleClient the one before the last block.
	client, staleClient []byte
	// valid is child 2's first queued operation (a mint of forcedMsg(1, 1, 2)).
	valid validiumtypes.ForcedOperation
}

// The parent's queue in forcedFixture: (child, sequence) → what is stored there.
const (
	seqValid        = 1 // a mint for 1-2
	seqForward      = 2 // a routed message for 1-2-5, to forward
	seqOtherChild   = 3 // a record naming child 3, stored under child 2's key
	seqOtherSeq     = 4 // a record naming sequence 1, stored under sequence 4
	seqOtherChain   = 5 // a mint of a message addressed to 1-3
	seqBadPayload   = 6 // a payload hash that is not its message's
	seqSecond       = 7 // another valid mint for 1-2
	seqUncommitted  = 8 // a valid mint queued after the stale client's header
	otherChildIndex = 3
)

func newForcedFixture(t *testing.T) *forcedFixture {
	p := newParentChain(t, keepertest.New(t, types.StoreKey, types.RegisterInterfaces).Codec)
	valid := forcedOp(2, seqValid, forcedMsg(1, 1, 2))
	p.queue(t, 2, seqValid, valid)
	forward := forcedOp(2, seqForward, forcedMsg(2, 1, 2, 5))
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
	stale := p.commit()
	p.queue(t, 2, seqUncommitted, forcedOp(2, seqUncommitted, forcedMsg(8, 1, 2)))
	latest := p.commit()

	signer := lightclient.NewSigner(t, parentChainID, 2)
	return &forcedFixture{
		parent: p, valid: valid,
		client:      signer.Trusted(t, 51, parentTime(51), latest),
		staleClient: signer.Trusted(t, 50, parentTime(50), stale),
	}
}

// keeper is chain tree (1-2 unless told) trusting client (none when empty).
func (f *forcedFixture) keeper(t *testing.T, tree fakeTree, client []byte) (keepertest.Env, keeper.Keeper) {
	env := keepertest.New(t, types.StoreKey, types.RegisterInterfaces)
	k := keeper.NewKeeper(env.Codec, env.StoreService, env.AddressCodec, env.Authority, tree, fakeAcceptance{}, log.NewNopLogger())
	gs := types.DefaultGenesisState()
	gs.LedgerParams = testLedger
	gs.ParentClient = client
	require.NoError(t, k.InitGenesis(env.Ctx, gs))
	return env, k
}

// msg is MsgReceiveForced for child 2's sequence seq, with the stored record of (index, at) and its proof.
func (f *forcedFixture) msg(t *testing.T, env keepertest.Env, seq uint64, index uint32, at uint64) *types.MsgReceiveForced {
	op, proof := f.parent.prove(t, index, at)
	return &types.MsgReceiveForced{Sender: env.OtherAddress(t), Sequence: seq, Operation: op, Proof: proof}
}

// TestReceiveForced: a child mints a forced operation of its own queue on its parent, proven by
// ICS23 under the parent app hash its light client trusts (DESIGN §8), exactly once; every other
// record, proof or chain is refused for its own reason, with the proof's gas charged first and
// nothing minted.
func TestReceiveForced(t *testing.T) {
	f := newForcedFixture(t)
	child := fakeTree{rootHeight: 3} // 1-2: child 2 of its parent
	cases := []struct {
		name    string
		tree    *fakeTree                                                      // nil: child
		client  func() []byte                                                  // nil: f.client
		before  func(t *testing.T, env keepertest.Env, k keeper.Keeper)        // state before the message
		msg     func(t *testing.T, env keepertest.Env) *types.MsgReceiveForced // nil: the valid one
		wantErr error
		wantMsg string
	}{
		{name: "a mint queued for this chain, proven"},
		{name: "tampered record", msg: func(t *testing.T, env keepertest.Env) *types.MsgReceiveForced {
			m := f.msg(t, env, seqValid, 2, seqValid)
			op := forcedOp(2, seqValid, forcedMsg(1, 1, 2))
			inflated := forcedMsg(1, 1, 2)
			inflated.Amount = 1_000_000
			op.Message, op.PayloadHash = ledger.EncodeMessage(inflated), hash.EncodeElement(inflated.Hash())
			bz, err := op.Marshal()
			require.NoError(t, err)
			m.Operation = bz
			return m
		}, wantErr: types.ErrInvalidForcedOp, wantMsg: parentsync.ErrProofMismatch.Error()},
		{name: "proof of another key", msg: func(t *testing.T, env keepertest.Env) *types.MsgReceiveForced {
			m := f.msg(t, env, seqValid, 2, seqValid)
			_, m.Proof = f.parent.prove(t, 2, seqSecond)
			return m
		}, wantErr: types.ErrInvalidForcedOp, wantMsg: parentsync.ErrKeyMismatch.Error()},
		{name: "garbage proof", msg: func(t *testing.T, env keepertest.Env) *types.MsgReceiveForced {
			m := f.msg(t, env, seqValid, 2, seqValid)
			m.Proof = []byte("garbage")
			return m
		}, wantErr: types.ErrInvalidForcedOp, wantMsg: parentsync.ErrMalformedProof.Error()},
		{name: "a record the trusted header does not commit yet", client: func() []byte { return f.staleClient },
			msg: func(t *testing.T, env keepertest.Env) *types.MsgReceiveForced {
				return f.msg(t, env, seqUncommitted, 2, seqUncommitted)
			}, wantErr: types.ErrInvalidForcedOp, wantMsg: parentsync.ErrAppHashMismatch.Error()},
		{name: "a forward operation", msg: func(t *testing.T, env keepertest.Env) *types.MsgReceiveForced {
			return f.msg(t, env, seqForward, 2, seqForward)
		}, wantErr: types.ErrInvalidForcedOp, wantMsg: "not a mint queued"},
		{name: "another child's operation (its own key)", msg: func(t *testing.T, env keepertest.Env) *types.MsgReceiveForced {
			return f.msg(t, env, 1, otherChildIndex, 1)
		}, wantErr: types.ErrInvalidForcedOp, wantMsg: parentsync.ErrKeyMismatch.Error()},
		{name: "another child's operation under this chain's key", msg: func(t *testing.T, env keepertest.Env) *types.MsgReceiveForced {
			return f.msg(t, env, seqOtherChild, 2, seqOtherChild)
		}, wantErr: types.ErrInvalidForcedOp, wantMsg: "not a mint queued"},
		{name: "another sequence than the record's key", msg: func(t *testing.T, env keepertest.Env) *types.MsgReceiveForced {
			return f.msg(t, env, seqSecond, 2, seqValid)
		}, wantErr: types.ErrInvalidForcedOp, wantMsg: parentsync.ErrKeyMismatch.Error()},
		{name: "a record naming another sequence", msg: func(t *testing.T, env keepertest.Env) *types.MsgReceiveForced {
			return f.msg(t, env, seqOtherSeq, 2, seqOtherSeq)
		}, wantErr: types.ErrInvalidForcedOp, wantMsg: "not a mint queued"},
		{name: "a message for another chain", msg: func(t *testing.T, env keepertest.Env) *types.MsgReceiveForced {
			return f.msg(t, env, seqOtherChain, 2, seqOtherChain)
		}, wantErr: types.ErrInvalidForcedOp, wantMsg: "not this chain's or not its payload"},
		{name: "a payload that is not the message's", msg: func(t *testing.T, env keepertest.Env) *types.MsgReceiveForced {
			return f.msg(t, env, seqBadPayload, 2, seqBadPayload)
		}, wantErr: types.ErrInvalidForcedOp, wantMsg: "not this chain's or not its payload"},
		{name: "already minted", before: func(t *testing.T, env keepertest.Env, k keeper.Keeper) {
			_, err := keeper.NewMsgServerImpl(&k).ReceiveForced(env.Ctx, f.msg(t, env, seqValid, 2, seqValid))
			require.NoError(t, err)
		}, wantErr: types.ErrAlreadyClaimed},
		{name: "already delivered by a claim (shared nullifier)", before: func(t *testing.T, env keepertest.Env, k keeper.Keeper) {
			require.NoError(t, k.Nullifiers.Set(env.Ctx, hash.EncodeElement(forcedMsg(1, 1, 2).Hash())))
		}, wantErr: types.ErrAlreadyClaimed},
		{name: "no parent client", client: func() []byte { return nil }, wantErr: types.ErrNoParentClient},
		{name: "the root has no parent", tree: &fakeTree{root: true}, wantErr: types.ErrNoParentClient},
		{name: "bad sender address", msg: func(t *testing.T, env keepertest.Env) *types.MsgReceiveForced {
			m := f.msg(t, env, seqValid, 2, seqValid)
			m.Sender = "nobody"
			return m
		}, wantErr: types.ErrInvalidAddress},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tree, client := child, f.client
			if tc.tree != nil {
				tree = *tc.tree
			}
			if tc.client != nil {
				client = tc.client()
			}
			env, k := f.keeper(t, tree, client)
			if tc.before != nil {
				tc.before(t, env, k)
			}
			msg := f.msg(t, env, seqValid, 2, seqValid)
			if tc.msg != nil {
				msg = tc.msg(t, env)
			}
			q := keeper.NewQueryServerImpl(&k)
			before, err := q.Ledger(env.Ctx, &types.QueryLedgerRequest{})
			require.NoError(t, err)
			ctx := env.Ctx.WithGasMeter(storetypes.NewInfiniteGasMeter()).WithEventManager(sdk.NewEventManager())

			res, err := keeper.NewMsgServerImpl(&k).ReceiveForced(ctx, msg)
			if tc.wantErr != types.ErrInvalidAddress { // the proof's gas is charged before anything is checked
				require.GreaterOrEqual(t, ctx.GasMeter().GasConsumed(),
					storetypes.Gas(types.SyncGasFlat+types.SyncGasPerProofByte*(len(msg.Proof)+len(msg.Operation))))
			}
			if tc.wantErr != nil {
				require.ErrorIs(t, err, tc.wantErr)
				require.ErrorContains(t, err, tc.wantMsg)
				after, err := q.Ledger(env.Ctx, &types.QueryLedgerRequest{})
				require.NoError(t, err)
				require.Equal(t, before, after, "nothing minted, logged or receipted")
				require.Empty(t, ctx.EventManager().Events())
				return
			}
			require.NoError(t, err)
			m := forcedMsg(1, 1, 2)
			require.Equal(t, hash.EncodeElement(m.Hash()), res.MessageHash)
			require.Equal(t, uint64(0), res.ReceiptIndex)
			acc, err := q.Account(env.Ctx, &types.QueryAccountRequest{Index: 0})
			require.NoError(t, err)
			require.Equal(t, hash.EncodeElement(carol), acc.Owner)
			require.Equal(t, m.Amount, acc.Balance)
			requireMinted(t, env.Ctx, k, m, ledger.SourceForced)

			events := ctx.EventManager().Events()
			require.Len(t, events, 1)
			ev, err := sdk.ParseTypedEvent(abci.Event(events[0]))
			require.NoError(t, err)
			require.Equal(t, &types.EventForcedReceived{MessageHash: res.MessageHash, Amount: m.Amount, Sequence: seqValid, ReceiptIndex: 0}, ev)
		})
	}
}

// TestReceiveForcedThenNext: operations of the queue are minted independently, each once, with
// receipts in mint order; the minted ones survive export and import.
func TestReceiveForcedThenNext(t *testing.T) {
	f := newForcedFixture(t)
	env, k := f.keeper(t, fakeTree{rootHeight: 3}, f.client)
	msgs := keeper.NewMsgServerImpl(&k)
	for i, seq := range []uint64{seqSecond, seqValid} {
		res, err := msgs.ReceiveForced(env.Ctx, f.msg(t, env, seq, 2, seq))
		require.NoError(t, err, "sequence %d", seq)
		require.Equal(t, uint64(i), res.ReceiptIndex)
	}
	acc, err := keeper.NewQueryServerImpl(&k).Account(env.Ctx, &types.QueryAccountRequest{Index: 0})
	require.NoError(t, err)
	require.Equal(t, forcedMsg(7, 1, 2).Amount+forcedMsg(1, 1, 2).Amount, acc.Balance, "carol holds both")

	exported, err := k.ExportGenesis(env.Ctx)
	require.NoError(t, err)
	env2 := keepertest.New(t, types.StoreKey, types.RegisterInterfaces)
	k2 := keeper.NewKeeper(env2.Codec, env2.StoreService, env2.AddressCodec, env2.Authority, fakeTree{rootHeight: 3}, fakeAcceptance{}, log.NewNopLogger())
	require.NoError(t, k2.InitGenesis(env2.Ctx, exported))
	_, err = keeper.NewMsgServerImpl(&k2).ReceiveForced(env2.Ctx, f.msg(t, env2, seqValid, 2, seqValid))
	require.ErrorIs(t, err, types.ErrAlreadyClaimed, "minted once, across export and import")
}
