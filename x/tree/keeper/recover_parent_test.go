package keeper_test

import (
	"testing"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"
	cmtproto "github.com/cometbft/cometbft/proto/tendermint/types"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	dbm "github.com/cosmos/cosmos-db"
	"github.com/stretchr/testify/require"

	"cosmossdk.io/log"
	"cosmossdk.io/store/metrics"
	"cosmossdk.io/store/rootmulti"
	storetypes "cosmossdk.io/store/types"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/internal/parentsync"
	"github.com/slush-tree/slush/testutil/keepertest"
	"github.com/slush-tree/slush/testutil/lightclient"
	"github.com/slush-tree/slush/x/tree/keeper"
	"github.com/slush-tree/slush/x/tree/types"
)

// parentTime is the parent's header time at height h: an hour before the child's block time, plus h seconds.
func parentTime(h int64) time.Time {
	return keepertest.BlockTime.Add(-time.Hour + time.Duration(h)*time.Second)
}

// newRecoverKeeper is a keeper of identity id whose genesis trusts client (none when empty).
func newRecoverKeeper(t *testing.T, id types.TreeIdentity, client []byte) (keepertest.Env, keeper.Keeper) {
	gs := types.DefaultGenesisState()
	gs.Identity, gs.ParentClient = id, client
	if id.IsRoot() {
		gs.ParentClient = nil // the root has no parent client
	}
	return newKeeper(t, gs)
}

// editClient decodes a parent client, edits its proto form and re-encodes it (no validation).
func editClient(t *testing.T, bz []byte, edit func(lb *cmtproto.LightBlock)) []byte {
	var lb cmtproto.LightBlock
	require.NoError(t, lb.Unmarshal(bz))
	edit(&lb)
	out, err := lb.Marshal()
	require.NoError(t, err)
	return out
}

// TestRecoverParentClientRules proves only governance replaces the parent client, only on a chain
// with a parent, only with a canonical complete state of that parent whose header is current
// (DESIGN §9); every refusal leaves the old client in place.
func TestRecoverParentClientRules(t *testing.T) {
	old := lightclient.NewSigner(t, parentChainID, 2)
	restarted := lightclient.NewSignerWithSeed(t, parentChainID, "restarted", 2)
	oldClient := old.Trusted(t, 100, parentTime(100), []byte("old-apphash"))
	good := restarted.Trusted(t, 60, parentTime(60), []byte("new-apphash"))
	trusting := 14 * 24 * time.Hour // the default parent_sync params
	drift := 10 * time.Second
	now := keepertest.BlockTime
	at := func(when time.Time) []byte { return restarted.Trusted(t, 60, when, []byte("new-apphash")) }

	cases := []struct {
		name      string
		identity  types.TreeIdentity
		authority string // empty: the gov authority
		client    []byte
		wantErr   error
		wantMsg   string
	}{
		{"not the authority", childIdentity(), "other", good, types.ErrInvalidSigner, "expected"},
		{"the root has no parent", types.RootIdentity(), "", good, types.ErrNoParentClient, "no parent"},
		{"empty client", childIdentity(), "", nil, types.ErrInvalidParentClient, "0 bytes"},
		{"oversized client", childIdentity(), "", make([]byte, types.MaxParentClientBytes+1), types.ErrInvalidParentClient, "bytes: 1.."},
		{"not a trusted state", childIdentity(), "", []byte("client"), types.ErrInvalidParentClient, "invalid trusted state"},
		{"non-canonical encoding", childIdentity(), "", append(append([]byte{}, good...), 0x78, 0x01), types.ErrInvalidParentClient, "non-canonical"},
		{"no next validators hash", childIdentity(), "", editClient(t, good, func(lb *cmtproto.LightBlock) {
			lb.SignedHeader.Header.NextValidatorsHash = nil
		}), types.ErrInvalidParentClient, "next validators hash"},
		{"empty validator set", childIdentity(), "", editClient(t, good, func(lb *cmtproto.LightBlock) {
			lb.ValidatorSet.Validators = nil
		}), types.ErrInvalidParentClient, "validator set"},
		{"zero-power validator", childIdentity(), "", editClient(t, good, func(lb *cmtproto.LightBlock) {
			lb.ValidatorSet.Validators[1].VotingPower = 0
		}), types.ErrInvalidParentClient, "power"},
		{"zero height", childIdentity(), "", editClient(t, good, func(lb *cmtproto.LightBlock) {
			lb.SignedHeader.Header.Height = 0
		}), types.ErrInvalidParentClient, "height 0"},
		{"another chain", childIdentity(), "", lightclient.NewSignerWithSeed(t, "slush-2", "restarted", 2).Trusted(t, 60, parentTime(60), []byte("h")),
			types.ErrWrongParentChain, `"slush-2"`},
		{"the parent's parent", childIdentity(), "", lightclient.NewSigner(t, "slush-root", 2).Trusted(t, 60, parentTime(60), []byte("h")),
			types.ErrWrongParentChain, `"slush-root"`},
		{"header at the end of the trusting period", childIdentity(), "", at(now.Add(-trusting)), types.ErrParentClientNotCurrent, "expired"},
		{"header just inside the trusting period", childIdentity(), "", at(now.Add(-trusting + time.Second)), nil, ""},
		{"header at the clock drift limit", childIdentity(), "", at(now.Add(drift)), types.ErrParentClientNotCurrent, "limit"},
		{"header just inside the clock drift", childIdentity(), "", at(now.Add(drift - time.Second)), nil, ""},
		{"a restarted parent's header", childIdentity(), "", good, nil, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			env, k := newRecoverKeeper(t, tc.identity, oldClient)
			authority := env.Authority
			if tc.authority != "" {
				authority = env.OtherAddress(t)
			}
			res, err := keeper.NewMsgServerImpl(&k).RecoverParentClient(env.Ctx,
				&types.MsgRecoverParentClient{Authority: authority, Client: tc.client})
			if tc.wantErr != nil {
				require.ErrorIs(t, err, tc.wantErr)
				require.ErrorContains(t, err, tc.wantMsg)
				stored, getErr := k.ParentClient.Get(env.Ctx)
				if tc.identity.IsRoot() {
					require.Error(t, getErr, "the root still tracks no parent")
					return
				}
				require.NoError(t, getErr)
				require.Equal(t, oldClient, stored, "the old client stays")
				return
			}
			require.NoError(t, err)
			stored, err := k.ParentClient.Get(env.Ctx)
			require.NoError(t, err)
			require.Equal(t, int64(60), res.ParentHeight)
			require.Equal(t, tc.client, stored)
		})
	}
}

// TestRecoverParentClientInstalls proves the recovered client is stored as given, the event names
// both heights, the root history learned before stays, and genesis round-trips it. A child
// without any parent client may get one the same way.
func TestRecoverParentClientInstalls(t *testing.T) {
	old := lightclient.NewSigner(t, parentChainID, 2)
	restarted := lightclient.NewSignerWithSeed(t, parentChainID, "restarted", 2)
	client := restarted.Trusted(t, 60, parentTime(60), []byte("new-apphash"))
	known := hash.EncodeElement(fr.NewElement(77))

	for _, tc := range []struct {
		name     string
		previous []byte
		height   int64
	}{
		{"replaces the old client", old.Trusted(t, 100, parentTime(100), []byte("old-apphash")), 100},
		{"installs a first client", nil, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env, k := newRecoverKeeper(t, childIdentity(), tc.previous)
			require.NoError(t, k.RecordRootCommitment(env.Ctx, 7, known))
			ctx := env.Ctx.WithEventManager(sdk.NewEventManager())
			res, err := keeper.NewMsgServerImpl(&k).RecoverParentClient(ctx,
				&types.MsgRecoverParentClient{Authority: env.Authority, Client: client})
			require.NoError(t, err)
			require.Equal(t, int64(60), res.ParentHeight)

			events := ctx.EventManager().Events()
			require.Len(t, events, 1)
			ev, err := sdk.ParseTypedEvent(abci.Event(events[0]))
			require.NoError(t, err)
			require.Equal(t, &types.EventParentClientRecovered{
				ChainId: parentChainID, PreviousHeight: tc.height, Height: 60, AppHash: []byte("new-apphash"),
			}, ev)

			got, err := k.RootHistory.Get(env.Ctx, 7)
			require.NoError(t, err)
			require.Equal(t, known, got, "the root history is untouched")

			exported, err := k.ExportGenesis(env.Ctx)
			require.NoError(t, err)
			require.NoError(t, exported.Validate())
			require.Equal(t, client, exported.ParentClient)
			env2, k2 := newKeeper(t, exported)
			again, err := k2.ExportGenesis(env2.Ctx)
			require.NoError(t, err)
			require.Equal(t, exported, again)
		})
	}
}

// parentStore is the restarted parent's x/tree store: a real IAVL store in a real multistore,
// so its proofs are exactly the SDK's (what an ABCI query with prove=true returns).
type parentStore struct {
	rms *rootmulti.Store
	key *storetypes.KVStoreKey
}

func newParentStore(t *testing.T) *parentStore {
	rms := rootmulti.NewStore(dbm.NewMemDB(), log.NewNopLogger(), metrics.NewNoOpMetrics())
	key := storetypes.NewKVStoreKey(types.StoreKey)
	rms.MountStoreWithDB(key, storetypes.StoreTypeIAVL, nil)
	require.NoError(t, rms.LoadLatestVersion())
	return &parentStore{rms: rms, key: key}
}

// commit writes the parent's root-history entry for rootHeight and commits; it returns the app
// hash (of the next parent header) and the record proven under it.
func (p *parentStore) commit(t *testing.T, rootHeight uint64, commitment []byte) ([]byte, types.ParentRecord) {
	return p.commitRecord(t, false, rootHeight, commitment)
}

// commitRecord writes the record for rootHeight as a parent that is the root (value: its own
// commitment record) or not (value: its root-history entry) stores it, and commits; it returns
// the app hash and the record proven under it.
func (p *parentStore) commitRecord(t *testing.T, parentIsRoot bool, rootHeight uint64, value []byte) ([]byte, types.ParentRecord) {
	key, err := types.ParentRecordKey(parentIsRoot, rootHeight)
	require.NoError(t, err)
	p.rms.GetCommitKVStore(p.key).Set(key, value)
	id := p.rms.Commit()
	res, err := p.rms.Query(&storetypes.RequestQuery{Path: "/" + types.StoreKey + "/key", Data: key, Height: id.Version, Prove: true})
	require.NoError(t, err)
	require.Equal(t, value, res.Value)
	proof, err := res.ProofOps.Marshal()
	require.NoError(t, err)
	return id.Hash, types.ParentRecord{RootHeight: rootHeight, Value: res.Value, Proof: proof}
}

// TestRecoverParentClientAfterRestart proves the point of recovery (DESIGN §9): the parent chain
// restarted from an export under a new validator set, at heights below the one this child
// trusts. No MsgSyncParent can follow it (a lower height does not advance; a higher one is not
// signed by the validators the child trusts). After governance trusts the restarted chain's
// header, the next header of the new chain and its records verify, and the old validators can
// no longer move the client.
func TestRecoverParentClientAfterRestart(t *testing.T) {
	old := lightclient.NewSigner(t, parentChainID, 2)
	restarted := lightclient.NewSignerWithSeed(t, parentChainID, "restarted", 2)
	env, k := newRecoverKeeper(t, childIdentity(), old.Trusted(t, 100, parentTime(100), []byte("old-apphash")))
	msgs := keeper.NewMsgServerImpl(&k)

	parent := newParentStore(t)
	commitment := hash.EncodeElement(fr.NewElement(4242))
	appHash, record := parent.commit(t, 7, commitment)
	restartedAt := func(h int64) time.Time {
		return parentTime(100).Add(20 * time.Minute).Add(time.Duration(h) * time.Second)
	}
	sync := func(s *lightclient.Signer, h int64, at time.Time) *types.MsgSyncParent {
		header, vals := s.Encode(t, s.Sign(t, h, at, appHash))
		return &types.MsgSyncParent{Sender: env.OtherAddress(t), Header: header, ValidatorSet: vals, Records: []types.ParentRecord{record}}
	}

	_, err := msgs.SyncParent(env.Ctx, sync(restarted, 61, restartedAt(61)))
	require.ErrorIs(t, err, types.ErrInvalidHeader)
	require.ErrorContains(t, err, parentsync.ErrNonAdvancingHeight.Error(), "the restarted chain is below the trusted height")
	_, err = msgs.SyncParent(env.Ctx, sync(restarted, 150, restartedAt(150)))
	require.ErrorIs(t, err, types.ErrInvalidHeader)
	require.ErrorContains(t, err, parentsync.ErrInsufficientTrust.Error(), "the new validators are not trusted")
	_, err = k.RootHistory.Get(env.Ctx, 7)
	require.Error(t, err, "nothing learned")

	recovered := restarted.Trusted(t, 60, restartedAt(60), []byte("apphash-60"))
	_, err = msgs.RecoverParentClient(env.Ctx, &types.MsgRecoverParentClient{Authority: env.Authority, Client: recovered})
	require.NoError(t, err)

	res, err := msgs.SyncParent(env.Ctx, sync(restarted, 61, restartedAt(61)))
	require.NoError(t, err)
	require.Equal(t, int64(61), res.ParentHeight)
	require.Equal(t, uint64(1), res.Learned)
	got, err := k.RootHistory.Get(env.Ctx, 7)
	require.NoError(t, err)
	require.Equal(t, commitment, got)

	_, err = msgs.SyncParent(env.Ctx, sync(old, 102, restartedAt(102)))
	require.ErrorIs(t, err, types.ErrInvalidHeader)
	require.ErrorContains(t, err, parentsync.ErrInsufficientTrust.Error(), "the old validators no longer move the client")
}
