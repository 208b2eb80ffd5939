package keeper_test

import (
	"context"
	"testing"
	"time"

	dbm "github.com/cosmos/cosmos-db"
	"github.com/stretchr/testify/require"

	"cosmossdk.io/log"
	"cosmossdk.io/store/metrics"
	"cosmossdk.io/store/rootmulti"
	storetypes "cosmossdk.io/store/types"

	"github.com/cosmos/cosmos-sdk/codec"
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/testutil/keepertest"
	"github.com/slush-tree/slush/testutil/lightclient"
	slushtypes "github.com/slush-tree/slush/types"
	acceptancetypes "github.com/slush-tree/slush/x/acceptance/types"
	"github.com/slush-tree/slush/x/election/keeper"
	"github.com/slush-tree/slush/x/election/testutil"
	"github.com/slush-tree/slush/x/election/types"
	treekeeper "github.com/slush-tree/slush/x/tree/keeper"
	treetypes "github.com/slush-tree/slush/x/tree/types"
)

// rootShape is the whole tree below the root: children 1 {1-1, 1-2}, 2 {2-1 {2-1-1}} and 3.
// b_root = 8, so a candidate needs 2·votes > 7, i.e. 4. Weights: 1 → 3, 2 → 3, 2-1 → 2, leaves 1.
var rootShape = [][]uint8{{1}, {1, 1}, {1, 2}, {2}, {2, 1}, {2, 1, 1}, {3}}

// baseHeight is the root height of the base root commitment every replica holds.
const baseHeight = 90

// trustedHeight is the root height of the header the replica's parent client trusts.
const trustedHeight = 100

// rootHeaderTime is the root's header time at height h: the trusted header (100) is exactly
// DefaultRootLivenessTimeoutSeconds before keepertest.BlockTime.
func rootHeaderTime(h int64) time.Time {
	return keepertest.BlockTime.Add(-time.Duration(types.DefaultRootLivenessTimeoutSeconds)*time.Second +
		time.Duration(h-trustedHeight)*time.Second)
}

// replica is one child of the root with real x/tree and x/election keepers over one multistore:
// its parent client trusts the root's header at 100 and it verified the base root commitment at 90.
type replica struct {
	t         *testing.T
	ctx       sdk.Context
	tree      treekeeper.Keeper
	treeMsgs  treetypes.MsgServer
	k         keeper.Keeper
	msgs      types.MsgServer
	query     types.QueryServer
	submitter string
	cdc       codec.Codec
}

// rootSetup is what every replica shares: the tree under the base root commitment, the root's
// validators and two candidates.
type rootSetup struct {
	root      *testutil.Tree
	signer    *lightclient.Signer // the root's (old) validator set
	x, y      types.RootCandidate
	xCons     *lightclient.Signer // x's consensus key, as the restarted root's one validator
	submitter string
}

func newRootSetup(t *testing.T) *rootSetup {
	t.Helper()
	root, err := testutil.NewTree(nil, rootShape, baseHeight, 7)
	require.NoError(t, err)
	s := &rootSetup{root: root, signer: lightclient.NewSigner(t, treetypes.RootChainID, 1)}
	s.xCons = lightclient.NewSignerWithSeed(t, treetypes.RootChainID, "candidate-x", 1)
	yCons := lightclient.NewSignerWithSeed(t, treetypes.RootChainID, "candidate-y", 1)
	xKey, _ := testutil.KeyHash("root-x")
	yKey, _ := testutil.KeyHash("root-y")
	s.x = types.RootCandidate{OperatorKeyHash: xKey, ConsensusPubkey: s.xCons.Vals.Validators[0].PubKey.Bytes()}
	s.y = types.RootCandidate{OperatorKeyHash: yKey, ConsensusPubkey: yCons.Vals.Validators[0].PubKey.Bytes()}
	return s
}

// replica builds a chain at path (a child of the root: one index) whose parent client trusts the
// root's header at 100 and whose root history holds the base commitment at 90.
func (s *rootSetup) replica(t *testing.T, path ...uint32) *replica {
	t.Helper()
	envs := keepertest.NewMulti(t, keepertest.Registers(treetypes.RegisterInterfaces, types.RegisterInterfaces),
		treetypes.StoreKey, types.StoreKey)
	parentID := treetypes.RootChainID
	if len(path) > 1 {
		parentID = "slush-1"
	}
	gs := treetypes.DefaultGenesisState()
	gs.Identity = treetypes.TreeIdentity{Path: path, ParentChainId: parentID, MaxChildren: 3, MaxDepth: slushtypes.MaxDepth}
	signer := s.signer
	if parentID != treetypes.RootChainID {
		signer = lightclient.NewSigner(t, parentID, 1)
	}
	gs.ParentClient = signer.Trusted(t, trustedHeight, rootHeaderTime(trustedHeight), []byte("apphash-100"))
	tk := treekeeper.NewKeeper(envs[0].Codec, envs[0].StoreService, envs[0].AddressCodec, envs[0].Authority, log.NewNopLogger())
	require.NoError(t, tk.InitGenesis(envs[0].Ctx, gs))
	require.NoError(t, tk.RecordRootCommitment(envs[0].Ctx, baseHeight, s.root.RootHash()))
	env := envs[1]
	k := keeper.NewKeeper(env.Codec, env.StoreService, env.AddressCodec, env.Authority, noChildren{}, tk)
	require.NoError(t, k.InitGenesis(env.Ctx, types.DefaultGenesisState()))
	return &replica{
		t: t, ctx: env.Ctx.WithEventManager(sdk.NewEventManager()), tree: tk, treeMsgs: treekeeper.NewMsgServerImpl(&tk),
		k: k, msgs: keeper.NewMsgServerImpl(&k), query: keeper.NewQueryServerImpl(&k), submitter: env.OtherAddress(t),
		cdc: env.Codec,
	}
}

// noChildren stands in for x/validium on a replica that has no emergency round: EndBlock only
// reads the root clock to expire rounds (none); anything else would panic on the nil keeper.
type noChildren struct{ types.ValidiumKeeper }

// RootHeight is the root clock; no round expires at 0.
func (noChildren) RootHeight(context.Context) (uint64, error) { return 0, nil }

// reportMsg is the report naming the base (root height 90, its preimage and histogram).
func (s *rootSetup) reportMsg(submitter string) *types.MsgReportRootSilent {
	return &types.MsgReportRootSilent{
		Submitter: submitter, BaseRootHeight: baseHeight, Root: slushtypes.NewCommitmentFields(s.root.Root.Commitment),
		RootHistogram: acceptancetypes.HistogramToProto(s.root.Root.Histogram),
	}
}

// voteMsg is the node at path's vote for c in the election of root epoch 0 on the base.
func (s *rootSetup) voteMsg(t *testing.T, submitter string, c types.RootCandidate, path ...uint8) *types.MsgRootVote {
	t.Helper()
	msg, err := s.root.RootVote(submitter, 0, baseHeight, c, path...)
	require.NoError(t, err)
	return msg
}

// at moves the replica's block time (and height).
func (r *replica) at(when time.Time, height int64) {
	r.ctx = r.ctx.WithBlockTime(when).WithBlockHeight(height)
}

// open opens the replica's election at the liveness timeout; it returns the election.
func (r *replica) open(s *rootSetup) types.RootElection {
	r.t.Helper()
	r.at(keepertest.BlockTime, 10)
	res, err := r.msgs.ReportRootSilent(r.ctx, s.reportMsg(r.submitter))
	require.NoError(r.t, err)
	got, err := r.query.RootElection(r.ctx, &types.QueryRootElectionRequest{ElectionId: res.ElectionId})
	require.NoError(r.t, err)
	return got.Election
}

// vote casts the node at path's vote for c.
func (r *replica) vote(s *rootSetup, c types.RootCandidate, path ...uint8) (*types.MsgRootVoteResponse, error) {
	r.t.Helper()
	return r.msgs.RootVote(r.ctx, s.voteMsg(r.t, r.submitter, c, path...))
}

// tally is c's tally in election id (zero if none).
func (r *replica) tally(id uint64, c types.RootCandidate) types.RootTally {
	r.t.Helper()
	res, err := r.query.RootElection(r.ctx, &types.QueryRootElectionRequest{ElectionId: id})
	require.NoError(r.t, err)
	for _, t := range res.Tallies {
		if string(t.Candidate.OperatorKeyHash) == string(c.OperatorKeyHash) {
			return t
		}
	}
	return types.RootTally{}
}

// result is the root election result of epoch 0, if any.
func (r *replica) result() (types.RootElectionResult, bool) {
	r.t.Helper()
	res, err := r.query.RootElectionResult(r.ctx, &types.QueryRootElectionResultRequest{Epoch: 0})
	if err != nil {
		return types.RootElectionResult{}, false
	}
	return res.Result, true
}

// restartedRoot is the restarted root's x/tree store: a real IAVL store in a real multistore, so
// its proofs are exactly the SDK's.
type restartedRoot struct {
	rms *rootmulti.Store
	key *storetypes.KVStoreKey
}

func newRestartedRoot(t *testing.T) *restartedRoot {
	t.Helper()
	rms := rootmulti.NewStore(dbm.NewMemDB(), log.NewNopLogger(), metrics.NewNoOpMetrics())
	key := storetypes.NewKVStoreKey(treetypes.StoreKey)
	rms.MountStoreWithDB(key, storetypes.StoreTypeIAVL, nil)
	require.NoError(t, rms.LoadLatestVersion())
	return &restartedRoot{rms: rms, key: key}
}

// commit writes the root's own commitment record at rootHeight (as the root's x/tree keeps it)
// and commits; it returns the app hash and the record proven under it.
func (p *restartedRoot) commit(t *testing.T, r *replica, rootHeight uint64, commitment []byte) ([]byte, treetypes.ParentRecord) {
	t.Helper()
	value, err := r.cdc.Marshal(&treetypes.OwnCommitment{Height: int64(rootHeight), Commitment: commitment})
	require.NoError(t, err)
	key, err := treetypes.ParentRecordKey(true, rootHeight)
	require.NoError(t, err)
	p.rms.GetCommitKVStore(p.key).Set(key, value)
	id := p.rms.Commit()
	res, err := p.rms.Query(&storetypes.RequestQuery{Path: "/" + treetypes.StoreKey + "/key", Data: key, Height: id.Version, Prove: true})
	require.NoError(t, err)
	proof, err := res.ProofOps.Marshal()
	require.NoError(t, err)
	return id.Hash, treetypes.ParentRecord{RootHeight: rootHeight, Value: res.Value, Proof: proof}
}

// TestRootGenesisRoundTrip proves the root re-election state (an elected election with its votes,
// tallies and result, and an open one) exports and imports unchanged, and that the imported
// replica goes on: the open election takes votes (the imported ones still cover their subtrees)
// and is decided at its deadline by EndBlock.
func TestRootGenesisRoundTrip(t *testing.T) {
	s := newRootSetup(t)
	r := s.replica(t, 1)
	r.open(s)
	for _, v := range []cast{{[]uint8{1}, "x"}, {[]uint8{3}, "x"}} {
		_, err := r.vote(s, s.candidate(v.who), v.path...)
		require.NoError(t, err)
	}
	// a second election, about the next root epoch, stays open
	next, err := testutil.NewTree(nil, rootShape, baseHeight+5, 3)
	require.NoError(t, err)
	next.Root.Commitment.Epoch = 1
	require.NoError(t, r.tree.RecordRootCommitment(r.ctx, baseHeight+5, hash.EncodeElement(next.Root.Commitment.Hash())))
	msg := s.reportMsg(r.submitter)
	msg.BaseRootHeight, msg.Root = baseHeight+5, slushtypes.NewCommitmentFields(next.Root.Commitment)
	msg.RootHistogram = acceptancetypes.HistogramToProto(next.Root.Histogram)
	opened, err := r.msgs.ReportRootSilent(r.ctx, msg)
	require.NoError(t, err)
	vote, err := next.RootVote(r.submitter, 1, baseHeight+5, s.y, 2)
	require.NoError(t, err)
	_, err = r.msgs.RootVote(r.ctx, vote)
	require.NoError(t, err)

	exported, err := r.k.ExportGenesis(r.ctx)
	require.NoError(t, err)
	require.Equal(t, uint64(3), exported.NextRootElectionId)
	require.Len(t, exported.RootElections, 2)
	require.Len(t, exported.RootVotes, 3)
	require.Len(t, exported.RootTallies, 2)
	require.Len(t, exported.RootResults, 1)

	g := s.replica(t, 2)
	require.NoError(t, g.k.InitGenesis(g.ctx, exported))
	again, err := g.k.ExportGenesis(g.ctx)
	require.NoError(t, err)
	require.Equal(t, exported, again)
	open, err := g.query.OpenRootElection(g.ctx, &types.QueryOpenRootElectionRequest{})
	require.NoError(t, err)
	require.Equal(t, opened.ElectionId, open.Election.Id)
	// the imported vote of 2 covers 2-1: its vote counts nothing
	vote, err = next.RootVote(g.submitter, 1, baseHeight+5, s.x, 2, 1)
	require.NoError(t, err)
	res, err := g.msgs.RootVote(g.ctx, vote)
	require.NoError(t, err)
	require.Zero(t, res.Counted)
	g.at(time.Unix(open.Election.DeadlineUnix, 0), 20)
	require.NoError(t, g.k.EndBlocker(g.ctx))
	closed, err := g.query.RootElection(g.ctx, &types.QueryRootElectionRequest{ElectionId: opened.ElectionId})
	require.NoError(t, err)
	require.Equal(t, types.RootElectionStatus_ROOT_ELECTION_STATUS_EXPIRED, closed.Election.Status)
}
