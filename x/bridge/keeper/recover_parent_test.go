package keeper_test

import (
	"context"
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
	"github.com/slush-tree/slush/x/bridge/keeper"
	"github.com/slush-tree/slush/x/bridge/types"
	validiumkeeper "github.com/slush-tree/slush/x/validium/keeper"
)

// the production validium keeper is what parent-client recovery asks for the parent chain-id
var _ types.ValidiumKeeper = validiumkeeper.Keeper{}

// parentChainID is the parent the recovery tests' child names in its tree identity.
const parentChainID = "slush-1"

// recoverTree is fakeTree plus the parent chain-id of the tree identity.
type recoverTree struct {
	fakeTree
	parent string
}

func (r recoverTree) ParentChainID(context.Context) (string, error) { return r.parent, nil }

// childTree is the default non-root child 1-2 of parentChainID.
var childTree = recoverTree{parent: parentChainID}

// parentTime is the parent's header time at height h: an hour before the child's block time, plus h seconds.
func parentTime(h int64) time.Time {
	return keepertest.BlockTime.Add(-time.Hour + time.Duration(h)*time.Second)
}

// newRecoverKeeper is a child keeper whose genesis trusts client (none when empty).
func newRecoverKeeper(t *testing.T, tree recoverTree, client []byte) (keepertest.Env, keeper.Keeper) {
	env := keepertest.New(t, types.StoreKey, types.RegisterInterfaces)
	k := keeper.NewKeeper(env.Codec, env.StoreService, env.AddressCodec, env.Authority, tree, fakeAcceptance{}, log.NewNopLogger())
	gs := types.DefaultGenesisState()
	gs.ParentClient = client
	require.NoError(t, k.InitGenesis(env.Ctx, gs))
	return env, k
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

// TestRecoverParentClientRules: only governance replaces the parent client, only on a chain
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
		tree      recoverTree
		authority string // empty: the gov authority
		client    []byte
		wantErr   error
		wantMsg   string
	}{
		{"not the authority", childTree, "other", good, types.ErrInvalidSigner, "expected"},
		{"the root has no parent", recoverTree{fakeTree: fakeTree{root: true}}, "", good, types.ErrNoParentClient, "no parent"},
		{"empty client", childTree, "", nil, types.ErrInvalidParentClient, "0 bytes"},
		{"oversized client", childTree, "", make([]byte, types.MaxParentClientBytes+1), types.ErrInvalidParentClient, "bytes: 1.."},
		{"not a trusted state", childTree, "", []byte("client"), types.ErrInvalidParentClient, "invalid trusted state"},
		{"non-canonical encoding", childTree, "", append(append([]byte{}, good...), 0x78, 0x01), types.ErrInvalidParentClient, "non-canonical"},
		{"no next validators hash", childTree, "", editClient(t, good, func(lb *cmtproto.LightBlock) {
			lb.SignedHeader.Header.NextValidatorsHash = nil
		}), types.ErrInvalidParentClient, "next validators hash"},
		{"empty validator set", childTree, "", editClient(t, good, func(lb *cmtproto.LightBlock) {
			lb.ValidatorSet.Validators = nil
		}), types.ErrInvalidParentClient, "validator set"},
		{"zero-power validator", childTree, "", editClient(t, good, func(lb *cmtproto.LightBlock) {
			lb.ValidatorSet.Validators[1].VotingPower = 0
		}), types.ErrInvalidParentClient, "power"},
		{"zero height", childTree, "", editClient(t, good, func(lb *cmtproto.LightBlock) {
			lb.SignedHeader.Header.Height = 0
		}), types.ErrInvalidParentClient, "height 0"},
		{"another chain", childTree, "", lightclient.NewSignerWithSeed(t, "slush-2", "restarted", 2).Trusted(t, 60, parentTime(60), []byte("h")),
			types.ErrWrongParentChain, `"slush-2"`},
		{"the parent's parent", childTree, "", lightclient.NewSigner(t, "slush-root", 2).Trusted(t, 60, parentTime(60), []byte("h")),
			types.ErrWrongParentChain, `"slush-root"`},
		{"header at the end of the trusting period", childTree, "", at(now.Add(-trusting)), types.ErrParentClientNotCurrent, "expired"},
		{"header just inside the trusting period", childTree, "", at(now.Add(-trusting + time.Second)), nil, ""},
		{"header at the clock drift limit", childTree, "", at(now.Add(drift)), types.ErrParentClientNotCurrent, "limit"},
		{"header just inside the clock drift", childTree, "", at(now.Add(drift - time.Second)), nil, ""},
		{"a restarted parent's header", childTree, "", good, nil, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			env, k := newRecoverKeeper(t, tc.tree, oldClient)
			authority := env.Authority
			if tc.authority != "" {
				authority = env.OtherAddress(t)
			}
			res, err := keeper.NewMsgServerImpl(&k).RecoverParentClient(env.Ctx,
				&types.MsgRecoverParentClient{Authority: authority, Client: tc.client})
			stored, getErr := k.ParentClient.Get(env.Ctx)
			require.NoError(t, getErr)
			if tc.wantErr != nil {
				require.ErrorIs(t, err, tc.wantErr)
				require.ErrorContains(t, err, tc.wantMsg)
				require.Equal(t, oldClient, stored, "the old client stays")
				return
			}
			require.NoError(t, err)
			require.Equal(t, int64(60), res.ParentHeight)
			require.Equal(t, tc.client, stored)
		})
	}
}

// TestRecoverParentClientInstalls: the recovered client is stored as given, the event names
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
			env, k := newRecoverKeeper(t, childTree, tc.previous)
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
			env2 := keepertest.New(t, types.StoreKey, types.RegisterInterfaces)
			k2 := keeper.NewKeeper(env2.Codec, env2.StoreService, env2.AddressCodec, env2.Authority, childTree, fakeAcceptance{}, log.NewNopLogger())
			require.NoError(t, k2.InitGenesis(env2.Ctx, exported))
			again, err := k2.ExportGenesis(env2.Ctx)
			require.NoError(t, err)
			require.Equal(t, exported, again)
		})
	}
}

// parentStore is the restarted parent's x/bridge store: a real IAVL store in a real multistore,
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
	key, err := types.ParentRecordKey(false, rootHeight)
	require.NoError(t, err)
	p.rms.GetCommitKVStore(p.key).Set(key, commitment)
	id := p.rms.Commit()
	res, err := p.rms.Query(&storetypes.RequestQuery{Path: "/" + types.StoreKey + "/key", Data: key, Height: id.Version, Prove: true})
	require.NoError(t, err)
	require.Equal(t, commitment, res.Value)
	proof, err := res.ProofOps.Marshal()
	require.NoError(t, err)
	return id.Hash, types.ParentRecord{RootHeight: rootHeight, Value: res.Value, Proof: proof}
}

// TestRecoverParentClientAfterRestart is the point of recovery (DESIGN §9): the parent chain
// restarted from an export under a new validator set, at heights below the one this child
// trusts. No MsgSyncParent can follow it (a lower height does not advance; a higher one is not
// signed by the validators the child trusts). After governance trusts the restarted chain's
// header, the next header of the new chain and its records verify, and the old validators can
// no longer move the client.
func TestRecoverParentClientAfterRestart(t *testing.T) {
	old := lightclient.NewSigner(t, parentChainID, 2)
	restarted := lightclient.NewSignerWithSeed(t, parentChainID, "restarted", 2)
	env, k := newRecoverKeeper(t, childTree, old.Trusted(t, 100, parentTime(100), []byte("old-apphash")))
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
