package keeper_test

import (
	"testing"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/stretchr/testify/require"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/slush-tree/slush/testutil/keepertest"
	slushtypes "github.com/slush-tree/slush/types"
	acceptancetypes "github.com/slush-tree/slush/x/acceptance/types"
	"github.com/slush-tree/slush/x/election/testutil"
	"github.com/slush-tree/slush/x/election/types"
	treetypes "github.com/slush-tree/slush/x/tree/types"
)

// TestRootLivenessTimeout proves the liveness rule (DESIGN §10): a child of the root may open a
// root re-election only once its newest trusted root header is root_liveness_timeout old by its
// own block time — refused a second before, opened exactly at the timeout and after it — and
// never while the check is off (timeout 0) without misbehaviour evidence.
func TestRootLivenessTimeout(t *testing.T) {
	timeout := time.Duration(types.DefaultRootLivenessTimeoutSeconds) * time.Second
	header := rootHeaderTime(trustedHeight)
	for _, tc := range []struct {
		name    string
		now     time.Time
		timeout uint64
		wantErr error
	}{
		{"a second before the timeout", header.Add(timeout - time.Second), types.DefaultRootLivenessTimeoutSeconds, types.ErrRootNotSilent},
		{"long before the timeout", header.Add(time.Minute), types.DefaultRootLivenessTimeoutSeconds, types.ErrRootNotSilent},
		{"at the timeout", header.Add(timeout), types.DefaultRootLivenessTimeoutSeconds, nil},
		{"after the timeout", header.Add(3 * timeout), types.DefaultRootLivenessTimeoutSeconds, nil},
		{"liveness check off", header.Add(100 * timeout), 0, types.ErrRootNotSilent},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newRootSetup(t)
			r := s.replica(t, 1)
			params := types.DefaultParams()
			params.RootLivenessTimeoutSeconds = tc.timeout
			require.NoError(t, r.k.Params.Set(r.ctx, params))
			r.at(tc.now, 10)
			res, err := r.msgs.ReportRootSilent(r.ctx, s.reportMsg(r.submitter))
			if tc.wantErr != nil {
				require.ErrorIs(t, err, tc.wantErr)
				_, err := r.query.OpenRootElection(r.ctx, &types.QueryOpenRootElectionRequest{})
				require.Error(t, err, "nothing opened")
				return
			}
			require.NoError(t, err)
			require.Equal(t, &types.MsgReportRootSilentResponse{
				ElectionId: 1, Reason: types.RootElectionReason_ROOT_ELECTION_REASON_SILENT, Subtree: 8,
				DeadlineUnix: tc.now.Unix() + int64(types.DefaultRootElectionPeriodSeconds),
			}, res)
			open, err := r.query.OpenRootElection(r.ctx, &types.QueryOpenRootElectionRequest{})
			require.NoError(t, err)
			require.Equal(t, types.RootElection{
				Id: 1, Epoch: 0, Reason: types.RootElectionReason_ROOT_ELECTION_REASON_SILENT, BaseRootHeight: baseHeight,
				BaseCommitment: s.root.RootHash(), Subtree: 8, OpenedHeight: 10, DeadlineUnix: res.DeadlineUnix,
				Status: types.RootElectionStatus_ROOT_ELECTION_STATUS_OPEN,
			}, open.Election)
			events := r.ctx.EventManager().Events()
			require.Len(t, events, 1)
			ev, err := sdk.ParseTypedEvent(abci.Event(events[0]))
			require.NoError(t, err)
			require.Equal(t, &types.EventRootElectionOpened{
				ElectionId: 1, Reason: types.RootElectionReason_ROOT_ELECTION_REASON_SILENT, BaseRootHeight: baseHeight,
				BaseCommitment: s.root.RootHash(), Subtree: 8, DeadlineUnix: res.DeadlineUnix,
			}, ev)
		})
	}
}

// TestMisbehaviourOpensRootElection proves misbehaviour evidence accepted by x/tree's
// MsgSubmitMisbehaviour (two root headers at one height, both signed by the root's validators)
// opens a root re-election in the same block's EndBlock, long before the liveness timeout, with
// reason MISBEHAVIOUR and the evidence's hash; it has no base, so votes wait until a report names
// one (the same report is refused without the evidence); one freeze opens one election.
func TestMisbehaviourOpensRootElection(t *testing.T) {
	s := newRootSetup(t)
	r := s.replica(t, 1)
	r.at(rootHeaderTime(trustedHeight).Add(10*time.Minute), 10) // the root is not silent
	_, err := r.msgs.ReportRootSilent(r.ctx, s.reportMsg(r.submitter))
	require.ErrorIs(t, err, types.ErrRootNotSilent)
	require.NoError(t, r.k.EndBlocker(r.ctx))
	_, err = r.query.OpenRootElection(r.ctx, &types.QueryOpenRootElectionRequest{})
	require.Error(t, err, "no evidence, no election")

	h1, v1 := s.signer.Encode(t, s.signer.Sign(t, 105, rootHeaderTime(105), []byte("fork-a")))
	h2, v2 := s.signer.Encode(t, s.signer.Sign(t, 105, rootHeaderTime(105), []byte("fork-b")))
	evidence, err := r.treeMsgs.SubmitMisbehaviour(r.ctx, &treetypes.MsgSubmitMisbehaviour{
		Sender: r.submitter, Header1: h1, ValidatorSet1: v1, Header2: h2, ValidatorSet2: v2,
	})
	require.NoError(t, err)
	require.NoError(t, r.k.EndBlocker(r.ctx))
	open, err := r.query.OpenRootElection(r.ctx, &types.QueryOpenRootElectionRequest{})
	require.NoError(t, err)
	deadline := r.ctx.BlockTime().Unix() + int64(types.DefaultRootElectionPeriodSeconds)
	require.Equal(t, types.RootElection{
		Id: 1, Reason: types.RootElectionReason_ROOT_ELECTION_REASON_MISBEHAVIOUR, OpenedHeight: 10, DeadlineUnix: deadline,
		Status: types.RootElectionStatus_ROOT_ELECTION_STATUS_OPEN, EvidenceHash: evidence.EvidenceHash,
	}, open.Election)
	requireTypedEvent(t, r.ctx, &types.EventRootElectionOpened{
		ElectionId: 1, Reason: types.RootElectionReason_ROOT_ELECTION_REASON_MISBEHAVIOUR, DeadlineUnix: deadline,
		EvidenceHash: evidence.EvidenceHash,
	})
	_, err = r.vote(s, s.x, 1)
	require.ErrorIs(t, err, types.ErrInvalidRootBase, "no base yet")
	r.at(r.ctx.BlockTime().Add(time.Second), 11)
	require.NoError(t, r.k.EndBlocker(r.ctx))
	next, err := r.k.NextRootElectionID.Peek(r.ctx)
	require.NoError(t, err)
	require.Equal(t, uint64(2), next, "one freeze, one election")

	// a report names the base: the same election, now with its epoch, base and b_root
	res, err := r.msgs.ReportRootSilent(r.ctx, s.reportMsg(r.submitter))
	require.NoError(t, err)
	require.Equal(t, &types.MsgReportRootSilentResponse{
		ElectionId: 1, Reason: types.RootElectionReason_ROOT_ELECTION_REASON_MISBEHAVIOUR, Subtree: 8, DeadlineUnix: deadline,
	}, res)
	_, err = r.msgs.ReportRootSilent(r.ctx, s.reportMsg(r.submitter))
	require.ErrorIs(t, err, types.ErrRootElectionOpen, "the base is named once")
	vote, err := r.vote(s, s.x, 1)
	require.NoError(t, err)
	require.Equal(t, uint64(3), vote.Counted)

	// expired: the same freeze opens nothing more in EndBlock, but a report may open another election
	r.at(time.Unix(deadline, 0), 12)
	require.NoError(t, r.k.EndBlocker(r.ctx))
	require.NoError(t, r.k.EndBlocker(r.ctx))
	_, err = r.query.OpenRootElection(r.ctx, &types.QueryOpenRootElectionRequest{})
	require.Error(t, err, "expired, not reopened by the same evidence")
	// so does a replica imported from this one's export (the evidence is rebuilt from the elections)
	exported, err := r.k.ExportGenesis(r.ctx)
	require.NoError(t, err)
	g := s.replica(t, 1)
	freeze, _, err := r.tree.ParentClientFreeze(r.ctx)
	require.NoError(t, err)
	require.NoError(t, g.tree.ParentClientFrozen.Set(g.ctx, freeze))
	require.NoError(t, g.k.InitGenesis(g.ctx, exported))
	require.NoError(t, g.k.EndBlocker(g.ctx))
	_, err = g.query.OpenRootElection(g.ctx, &types.QueryOpenRootElectionRequest{})
	require.Error(t, err, "the imported replica does not reopen for the same evidence")
	res, err = r.msgs.ReportRootSilent(r.ctx, s.reportMsg(r.submitter))
	require.NoError(t, err)
	require.Equal(t, uint64(2), res.ElectionId)
	require.Equal(t, types.RootElectionReason_ROOT_ELECTION_REASON_MISBEHAVIOUR, res.Reason)
}

// TestMisbehaviourOpensNothingElsewhere proves EndBlock opens no root election on a grandchild of
// the root (its frozen parent is not the root) nor while root elections are off.
func TestMisbehaviourOpensNothingElsewhere(t *testing.T) {
	for _, tc := range []struct {
		name   string
		path   []uint32
		period uint64
	}{
		{"a grandchild", []uint32{1, 2}, types.DefaultRootElectionPeriodSeconds},
		{"root elections off", []uint32{1}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newRootSetup(t)
			r := s.replica(t, tc.path...)
			params := types.DefaultParams()
			params.RootElectionPeriodSeconds = tc.period
			require.NoError(t, r.k.Params.Set(r.ctx, params))
			require.NoError(t, r.tree.ParentClientFrozen.Set(r.ctx, treetypes.ParentClientFreeze{
				Height: 105, HeaderHash1: make([]byte, 32), HeaderHash2: make([]byte, 32), EvidenceHash: make([]byte, 32),
			}))
			require.NoError(t, r.k.EndBlocker(r.ctx))
			_, err := r.query.OpenRootElection(r.ctx, &types.QueryOpenRootElectionRequest{})
			require.Error(t, err)
		})
	}
}

// TestReportRootSilentRejections proves every other check of the report, each with its error,
// and that a refused report opens nothing.
func TestReportRootSilentRejections(t *testing.T) {
	other, err := testutil.NewTree(nil, rootShape, baseHeight, 8) // another root state
	require.NoError(t, err)
	notRoot, err := testutil.NewTree([]uint8{1}, [][]uint8{{1}}, baseHeight, 9) // a commitment of validium 1
	require.NoError(t, err)
	lonely, err := testutil.NewTree(nil, nil, baseHeight, 10) // a root with no descendant
	require.NoError(t, err)
	for _, tc := range []struct {
		name    string
		path    []uint32
		setup   func(t *testing.T, s *rootSetup, r *replica)
		edit    func(msg *types.MsgReportRootSilent)
		wantErr error
	}{
		{name: "a grandchild of the root keeps no replica", path: []uint32{1, 2}, wantErr: types.ErrNotRootChild},
		{name: "root elections off", setup: func(t *testing.T, _ *rootSetup, r *replica) {
			p := types.DefaultParams()
			p.RootElectionPeriodSeconds = 0
			require.NoError(t, r.k.Params.Set(r.ctx, p))
		}, wantErr: types.ErrRootElectionOff},
		{name: "an election is open", setup: func(t *testing.T, s *rootSetup, r *replica) {
			_, err := r.msgs.ReportRootSilent(r.ctx, s.reportMsg(r.submitter))
			require.NoError(t, err)
		}, wantErr: types.ErrRootElectionOpen},
		{name: "base height not held", edit: func(m *types.MsgReportRootSilent) { m.BaseRootHeight = 91 }, wantErr: types.ErrInvalidRootBase},
		{name: "another preimage", edit: func(m *types.MsgReportRootSilent) {
			m.Root = slushtypes.NewCommitmentFields(other.Root.Commitment)
		}, wantErr: types.ErrInvalidRootBase},
		{name: "the held commitment is not the root's", setup: func(t *testing.T, _ *rootSetup, r *replica) {
			require.NoError(t, r.tree.RecordRootCommitment(r.ctx, 95, notRoot.RootHash()))
		}, edit: func(m *types.MsgReportRootSilent) {
			m.BaseRootHeight = 95
			m.Root = slushtypes.NewCommitmentFields(notRoot.Root.Commitment)
		}, wantErr: types.ErrInvalidRootBase},
		{name: "another histogram", edit: func(m *types.MsgReportRootSilent) {
			m.RootHistogram = acceptancetypes.HistogramToProto(other.Root.Histogram)
			m.RootHistogram[0].Count++
		}, wantErr: types.ErrInvalidHistogram},
		{name: "a root without descendants", setup: func(t *testing.T, _ *rootSetup, r *replica) {
			require.NoError(t, r.tree.RecordRootCommitment(r.ctx, 96, lonely.RootHash()))
		}, edit: func(m *types.MsgReportRootSilent) {
			m.BaseRootHeight = 96
			m.Root = slushtypes.NewCommitmentFields(lonely.Root.Commitment)
			m.RootHistogram = acceptancetypes.HistogramToProto(lonely.Root.Histogram)
		}, wantErr: types.ErrInvalidHistogram},
		{name: "the epoch was re-elected", setup: func(t *testing.T, s *rootSetup, r *replica) {
			require.NoError(t, r.k.RootResults.Set(r.ctx, 0, types.RootElectionResult{Epoch: 0, ElectionId: 7, Elected: s.x,
				BaseRootHeight: baseHeight, BaseCommitment: s.root.RootHash()}))
		}, wantErr: types.ErrRootEpochElected},
		{name: "malformed submitter", edit: func(m *types.MsgReportRootSilent) { m.Submitter = "nope" }, wantErr: types.ErrInvalidAddress},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newRootSetup(t)
			path := tc.path
			if path == nil {
				path = []uint32{1}
			}
			r := s.replica(t, path...)
			r.at(keepertest.BlockTime, 10)
			if tc.setup != nil {
				tc.setup(t, s, r)
			}
			before, err := r.k.NextRootElectionID.Peek(r.ctx)
			require.NoError(t, err)
			msg := s.reportMsg(r.submitter)
			if tc.edit != nil {
				tc.edit(msg)
			}
			_, err = r.msgs.ReportRootSilent(r.ctx, msg)
			require.ErrorIs(t, err, tc.wantErr)
			after, err := r.k.NextRootElectionID.Peek(r.ctx)
			require.NoError(t, err)
			require.Equal(t, before, after, "no election opened")
		})
	}
}
