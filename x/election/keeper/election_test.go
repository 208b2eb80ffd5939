package keeper_test

import (
	"testing"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/stretchr/testify/require"

	"cosmossdk.io/collections"
	sdkmath "cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"

	"github.com/slush-tree/slush/circuits/commitment"
	"github.com/slush-tree/slush/circuits/hash"
	slushtypes "github.com/slush-tree/slush/types"
	acceptancekeeper "github.com/slush-tree/slush/x/acceptance/keeper"
	acceptancetypes "github.com/slush-tree/slush/x/acceptance/types"
	"github.com/slush-tree/slush/x/election/testutil"
	"github.com/slush-tree/slush/x/election/types"
	validiumtypes "github.com/slush-tree/slush/x/validium/types"
)

// TestReportOpensRound: a descendant's report opens a round about v's finalized commitment with
// b_v and a deadline; a second report while it is open is refused.
func TestReportOpensRound(t *testing.T) {
	f := newFixture(t)
	gasBefore := f.ctx.GasMeter().GasConsumed()
	res, err := f.report(1, 1, 1)
	require.NoError(t, err)
	require.GreaterOrEqual(t, f.ctx.GasMeter().GasConsumed()-gasBefore, types.GasSignature+3*types.GasPerHop,
		"verification gas charged: v's preimage and two hops")
	require.Equal(t, uint64(1), res.RoundId)
	require.Equal(t, uint64(10+types.DefaultRoundDuration), res.Deadline)
	round := f.round(1).Round
	require.Equal(t, types.Round{
		Id: 1, ChildIndex: 1, ChildRegisteredHeight: 1, Epoch: 0, Commitment: f.finalized, Subtree: 8,
		OpenedAt: 10, Deadline: 110, Status: types.RoundStatus_ROUND_STATUS_OPEN, ReporterVid: vid(1, 1, 1),
	}, round)
	open, err := f.query.OpenRound(f.ctx, &types.QueryOpenRoundRequest{ChildIndex: 1})
	require.NoError(t, err)
	require.True(t, open.Found)
	require.Equal(t, round, open.Round)
	requireEvent(t, f.ctx, "slush.election.v1.EventWithholdingReported")

	_, err = f.report(1, 2)
	require.ErrorIs(t, err, types.ErrRoundOpen)
}

// TestReportRejections: every check of a report fails with its own error and opens nothing.
func TestReportRejections(t *testing.T) {
	cases := []struct {
		name    string
		setup   func(f *fixture)
		edit    func(f *fixture, m *types.MsgReportWithholding)
		wantErr error
	}{
		{"unknown child", nil, func(_ *fixture, m *types.MsgReportWithholding) { m.ChildIndex = 3 }, validiumtypes.ErrUnknownChild},
		{"child with no finalized commitment", func(f *fixture) {
			f.registerChild(2, f.subtree)
			other, err := testutil.NewTree([]uint8{2}, shape, 4, 0)
			require.NoError(t, err)
			f.push(2, other) // one update: (0, b), not final
		}, func(_ *fixture, m *types.MsgReportWithholding) { m.ChildIndex = 2 }, types.ErrNotFinalized},
		{"frozen child", func(f *fixture) {
			c := f.child()
			c.Status = validiumtypes.ChildStatus_CHILD_STATUS_FROZEN
			require.NoError(t, f.validium.Children.Set(f.ctx, 1, c))
		}, nil, types.ErrChildFrozen},
		{"chain to the withheld commitment, not the finalized one", nil, func(f *fixture, m *types.MsgReportWithholding) {
			p, err := f.withheld.Proof(1, 1, 1)
			require.NoError(t, err)
			m.Proof = p
		}, types.ErrNotDescendant},
		{"bad commitment chain", nil, func(_ *fixture, m *types.MsgReportWithholding) {
			m.Proof.Hops[1].Siblings[0] = testutil.Element(3)
		}, types.ErrNotDescendant},
		{"v reports itself", nil, func(_ *fixture, m *types.MsgReportWithholding) { m.Proof.Hops = nil }, types.ErrNotDescendant},
		{"key of another descendant", nil, func(f *fixture, m *types.MsgReportWithholding) {
			m.PublicKey = f.subtree.Node(1, 1).Key.PublicKey.Bytes()
		}, types.ErrWrongKey},
		{"signature over another report", nil, func(f *fixture, m *types.MsgReportWithholding) {
			sig, err := testutil.Resign(f.subtree.Node(1, 1, 1).Key, types.ReportMessage(f.subtree.Root.Commitment.Vid, 1, f.subtree.Root.Commitment.Hash()))
			require.NoError(t, err)
			m.Signature = sig
		}, types.ErrInvalidSignature},
		{"bad submitter", nil, func(_ *fixture, m *types.MsgReportWithholding) { m.Submitter = "nobody" }, types.ErrInvalidAddress},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			if tc.setup != nil {
				tc.setup(f)
			}
			msg, err := f.subtree.Report(f.submitter, 1, 0, 1, 1, 1)
			require.NoError(t, err)
			if tc.edit != nil {
				tc.edit(f, msg)
			}
			_, err = f.msgs.ReportWithholding(f.ctx, msg)
			require.ErrorIs(t, err, tc.wantErr)
			_, err = f.k.Rounds.Get(f.ctx, 1)
			require.ErrorIs(t, err, collections.ErrNotFound, "nothing opened")
		})
	}
}

// TestMajorityReached: b (weight 4 of b_v − 1 = 7) votes: 2·4 > 7, so p rolls v back to its
// finalized commitment, installs the candidate, bumps the epoch, slashes the old operator and
// drops the withheld hash from x/acceptance.
func TestMajorityReached(t *testing.T) {
	f := newFixture(t)
	id := f.open()
	res, err := f.vote(id, f.x, 1, 2)
	require.NoError(t, err)
	require.Equal(t, types.MsgEmergencyVoteResponse{Counted: 4, Tally: 4, Elected: true}, *res)

	round := f.round(id).Round
	require.Equal(t, types.RoundStatus_ROUND_STATUS_ELECTED, round.Status)
	require.Equal(t, f.x, round.Elected)
	require.Equal(t, uint64(10), round.ClosedAt)
	_, err = f.query.OpenRound(f.ctx, &types.QueryOpenRoundRequest{ChildIndex: 1})
	require.True(t, slushtypes.IsNotFound(err), "no open round after the election: %v", err)

	child := f.child()
	require.Equal(t, f.x.Operator, child.Operator)
	require.Equal(t, f.x.OperatorKeyHash, child.OperatorKeyHash)
	require.Equal(t, uint64(1), child.Epoch)
	require.Equal(t, f.finalized, child.LatestCommitment, "rolled back to the finalized commitment")
	require.Equal(t, uint64(4), child.AnchorHeight)
	require.Equal(t, hash.EncodeElement(f.subtree.Root.Commitment.LedgerRoot), child.LedgerRoot)
	require.Equal(t, testutil.Element(4), child.InboxHead)
	_, err = f.validium.History.Get(f.ctx, collections.Join(uint32(1), uint64(8)))
	require.ErrorIs(t, err, collections.ErrNotFound, "the withheld update left the history")
	proof, err := f.validium.ChildProof(f.ctx, 1)
	require.NoError(t, err)
	require.Equal(t, commitment.ChildLeaf(1, f.subtree.Root.Commitment.Hash()), proof.Value, "p's children SMT holds the finalized commitment")

	pairs, err := acceptanceQuery(f).Pairs(f.ctx, &acceptancetypes.QueryPairsRequest{ChildIndex: 1})
	require.NoError(t, err)
	require.Len(t, pairs.Pairs, 1, "the withheld hash is gone from x/acceptance")
	require.Equal(t, f.finalized, pairs.Pairs[0].Hash.Commitment)
	require.True(t, pairs.Pairs[0].Finalized)

	require.Equal(t, sdk.NewCoins(sdk.NewCoin("stake", sdkmath.NewInt(500_000))), f.bank.burnt, "slash_bps 5000 of the bond burnt")
	require.Equal(t, sdk.NewCoins(sdk.NewCoin("stake", sdkmath.NewInt(500_000))), f.bank.balances[f.oldOperator.String()], "the rest refunded")
	require.True(t, f.bank.balances[authtypes.NewModuleAddress(validiumtypes.ModuleName).String()].IsZero())
	require.True(t, child.Bond.Amount.IsZero())
	requireEvent(t, f.ctx, "slush.election.v1.EventOperatorReplaced")
}

// TestMajorityNotReachedThenExpired: a (weight 3) is not a majority of 7; after the deadline
// votes are refused, EndBlock closes the round and v keeps its operator, epoch and state.
func TestMajorityNotReachedThenExpired(t *testing.T) {
	f := newFixture(t)
	id := f.open()
	res, err := f.vote(id, f.x, 1, 1)
	require.NoError(t, err)
	require.Equal(t, types.MsgEmergencyVoteResponse{Counted: 3, Tally: 3}, *res)
	require.Equal(t, types.RoundStatus_ROUND_STATUS_OPEN, f.round(id).Round.Status)

	f.atHeight(110) // the deadline itself still counts
	require.NoError(t, f.k.EndBlocker(f.ctx))
	require.Equal(t, types.RoundStatus_ROUND_STATUS_OPEN, f.round(id).Round.Status)
	f.atHeight(111)
	_, err = f.vote(id, f.x, 1, 2)
	require.ErrorIs(t, err, types.ErrRoundExpired)
	require.NoError(t, f.k.EndBlocker(f.ctx))
	round := f.round(id).Round
	require.Equal(t, types.RoundStatus_ROUND_STATUS_EXPIRED, round.Status)
	require.Equal(t, uint64(111), round.ClosedAt)
	requireEvent(t, f.ctx, "slush.election.v1.EventRoundExpired")

	child := f.child()
	require.Equal(t, f.oldOperator.String(), child.Operator)
	require.Equal(t, uint64(0), child.Epoch)
	require.Equal(t, f.withheldHash, child.LatestCommitment, "no change")
	require.True(t, f.bank.burnt.IsZero())

	_, err = f.vote(id, f.x, 1, 2)
	require.ErrorIs(t, err, types.ErrRoundClosed)
	res2, err := f.report(1, 2)
	require.NoError(t, err, "a new round can open")
	require.Equal(t, uint64(2), res2.RoundId)
}

// TestDoubleVote: one vote per voter per round, whatever the candidate.
func TestDoubleVote(t *testing.T) {
	f := newFixture(t)
	id := f.open()
	_, err := f.vote(id, f.x, 1, 1)
	require.NoError(t, err)
	_, err = f.vote(id, f.y, 1, 1)
	require.ErrorIs(t, err, types.ErrAlreadyVoted)
	_, err = f.vote(id, f.x, 1, 1)
	require.ErrorIs(t, err, types.ErrAlreadyVoted)
	require.Equal(t, uint64(3), f.tally(id, f.x))
	require.Equal(t, uint64(0), f.tally(id, f.y))
}

// TestNestedVotersCountedOnce: every node of v's subtree counts once, for the first vote that
// covers it, in either order of an ancestor and its descendants.
func TestNestedVotersCountedOnce(t *testing.T) {
	type cast struct {
		path    []uint8
		y       bool // votes for y, else x
		counted uint64
	}
	cases := []struct {
		name   string
		votes  []cast
		x, y   uint64
		elects bool
	}{
		{"ancestor first: its descendants add nothing", []cast{
			{[]uint8{1, 1}, false, 3}, {[]uint8{1, 1, 1}, false, 0}, {[]uint8{1, 1, 2}, true, 0},
		}, 3, 0, false},
		{"descendants first: the ancestor adds only the rest", []cast{
			{[]uint8{1, 1, 1}, true, 1}, {[]uint8{1, 1, 2}, true, 1}, {[]uint8{1, 1}, false, 1},
		}, 1, 2, false},
		{"descendant first, then ancestor, reaching the majority", []cast{
			{[]uint8{1, 2, 1}, false, 1}, {[]uint8{1, 2}, false, 3},
		}, 4, 0, true},
		{"descendant first in one branch, ancestor first in the other", []cast{
			{[]uint8{1, 1, 2}, true, 1}, {[]uint8{1, 2, 3}, false, 1}, {[]uint8{1, 2}, true, 3},
		}, 1, 4, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			id := f.open()
			var elected bool
			for _, v := range tc.votes {
				c := f.x
				if v.y {
					c = f.y
				}
				res, err := f.vote(id, c, v.path...)
				require.NoError(t, err)
				require.Equal(t, v.counted, res.Counted, "vote of %v", v.path)
				elected = res.Elected
			}
			require.Equal(t, tc.elects, elected)
			require.Equal(t, tc.x, f.tally(id, f.x))
			require.Equal(t, tc.y, f.tally(id, f.y))
			votes, err := f.query.Votes(f.ctx, &types.QueryVotesRequest{RoundId: id})
			require.NoError(t, err)
			require.Len(t, votes.Votes, len(tc.votes))
			var sum uint64
			for _, v := range votes.Votes {
				sum += v.Counted
			}
			require.LessOrEqual(t, sum, uint64(7), "never more than v's descendants")
		})
	}
}

// TestVoteRejections: every check of a vote fails with its own error and counts nothing.
func TestVoteRejections(t *testing.T) {
	cases := []struct {
		name    string
		edit    func(f *fixture, m *types.MsgEmergencyVote)
		wantErr error
	}{
		{"unknown round", func(_ *fixture, m *types.MsgEmergencyVote) { m.RoundId = 9 }, types.ErrUnknownRound},
		{"non-descendant: bad sibling", func(_ *fixture, m *types.MsgEmergencyVote) {
			m.Proof.Hops[0].Siblings[2] = testutil.Element(9)
		}, types.ErrNotDescendant},
		{"non-descendant: chain from the withheld commitment", func(f *fixture, m *types.MsgEmergencyVote) {
			p, err := f.withheld.Proof(1, 2)
			require.NoError(t, err)
			m.Proof = p
		}, types.ErrNotDescendant},
		{"non-descendant: v itself", func(_ *fixture, m *types.MsgEmergencyVote) { m.Proof.Hops = nil }, types.ErrNotDescendant},
		{"wrong key: another descendant's", func(f *fixture, m *types.MsgEmergencyVote) {
			m.PublicKey = f.subtree.Node(1, 1).Key.PublicKey.Bytes()
		}, types.ErrWrongKey},
		{"wrong key: signed and presented by a key not in the commitment", func(f *fixture, m *types.MsgEmergencyVote) {
			_, k := testutil.KeyHash("intruder")
			msg, err := types.VoteMessage(1, f.subtree.Root.Commitment.Vid, 0, f.xAddr, f.xKey())
			require.NoError(t, err)
			m.Signature, err = testutil.Resign(k, msg)
			require.NoError(t, err)
			m.PublicKey = k.PublicKey.Bytes()
		}, types.ErrWrongKey},
		{"malformed key", func(_ *fixture, m *types.MsgEmergencyVote) { m.PublicKey = m.PublicKey[1:] }, types.ErrWrongKey},
		{"signature for another candidate", func(f *fixture, m *types.MsgEmergencyVote) { m.Candidate = f.y }, types.ErrInvalidSignature},
		{"signature for another round", func(f *fixture, m *types.MsgEmergencyVote) {
			msg, err := types.VoteMessage(2, f.subtree.Root.Commitment.Vid, 0, f.xAddr, f.xKey())
			require.NoError(t, err)
			m.Signature, err = testutil.Resign(f.subtree.Node(1, 2).Key, msg)
			require.NoError(t, err)
		}, types.ErrInvalidSignature},
		{"histogram of another node", func(f *fixture, m *types.MsgEmergencyVote) {
			m.Histogram = acceptancetypes.HistogramToProto(f.subtree.Node(1, 1).Histogram)
		}, types.ErrInvalidHistogram},
		{"inflated histogram", func(_ *fixture, m *types.MsgEmergencyVote) { m.Histogram[0].Count += 4 }, types.ErrInvalidHistogram},
		{"candidate with a zero key hash", func(_ *fixture, m *types.MsgEmergencyVote) {
			m.Candidate.OperatorKeyHash = make([]byte, 32)
		}, types.ErrInvalidCandidate},
		{"candidate with a bad address", func(_ *fixture, m *types.MsgEmergencyVote) { m.Candidate.Operator = "nobody" }, types.ErrInvalidCandidate},
		{"frozen child", func(f *fixture, _ *types.MsgEmergencyVote) {
			c := f.child()
			c.Status = validiumtypes.ChildStatus_CHILD_STATUS_FROZEN
			require.NoError(t, f.validium.Children.Set(f.ctx, 1, c))
		}, types.ErrChildFrozen},
		{"child changed epoch since the round opened", func(f *fixture, _ *types.MsgEmergencyVote) {
			c := f.child()
			c.Epoch++
			require.NoError(t, f.validium.Children.Set(f.ctx, 1, c))
		}, types.ErrChildChanged},
		{"bad submitter", func(_ *fixture, m *types.MsgEmergencyVote) { m.Submitter = "nobody" }, types.ErrInvalidAddress},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			id := f.open()
			msg := f.voteMsg(id, f.x, 1, 2)
			tc.edit(f, msg)
			_, err := f.msgs.EmergencyVote(f.ctx, msg)
			require.ErrorIs(t, err, tc.wantErr)
			votes, err := f.query.Votes(f.ctx, &types.QueryVotesRequest{RoundId: id})
			require.NoError(t, err)
			require.Empty(t, votes.Votes)
			require.Equal(t, f.oldOperator.String(), f.child().Operator)
		})
	}
}

// TestReplayFinishedRound: once a round elected, its votes (and any other) are refused; a vote
// of round 1 presented in a later round fails its signature.
func TestReplayFinishedRound(t *testing.T) {
	f := newFixture(t)
	id := f.open()
	winning := f.voteMsg(id, f.x, 1, 2)
	_, err := f.msgs.EmergencyVote(f.ctx, winning)
	require.NoError(t, err)
	_, err = f.msgs.EmergencyVote(f.ctx, winning)
	require.ErrorIs(t, err, types.ErrRoundClosed)
	_, err = f.vote(id, f.x, 1, 1)
	require.ErrorIs(t, err, types.ErrRoundClosed)

	// the elected operator withholds too: a new round for epoch 1 opens on the same finalized state
	msg, err := f.subtree.Report(f.submitter, 1, 1, 1, 1, 1)
	require.NoError(t, err)
	res, err := f.msgs.ReportWithholding(f.ctx, msg)
	require.NoError(t, err)
	require.Equal(t, uint64(2), res.RoundId)
	replay := *winning
	replay.RoundId = res.RoundId
	_, err = f.msgs.EmergencyVote(f.ctx, &replay)
	require.ErrorIs(t, err, types.ErrInvalidSignature)
	// an epoch-0 report cannot reopen a round either once the epoch moved
	old, err := f.subtree.Report(f.submitter, 1, 0, 1, 1, 1)
	require.NoError(t, err)
	f.atHeight(500)
	require.NoError(t, f.k.EndBlocker(f.ctx))
	_, err = f.msgs.ReportWithholding(f.ctx, old)
	require.ErrorIs(t, err, types.ErrInvalidSignature)
}

// TestSlashingAmount: slash_bps of the bond is burnt, the rest goes back to the old operator.
func TestSlashingAmount(t *testing.T) {
	for _, tc := range []struct {
		bps             uint32
		burnt, refunded int64
	}{{0, 0, 1_000_000}, {2_500, 250_000, 750_000}, {5_000, 500_000, 500_000}, {9_999, 999_900, 100}, {10_000, 1_000_000, 0}} {
		f := newFixture(t)
		p := types.DefaultParams()
		p.SlashBps = tc.bps
		require.NoError(t, f.k.Params.Set(f.ctx, p))
		id := f.open()
		_, err := f.vote(id, f.x, 1, 2)
		require.NoError(t, err)
		require.Equal(t, sdkmath.NewInt(tc.burnt), f.bank.burnt.AmountOf("stake"), "bps %d", tc.bps)
		require.Equal(t, sdkmath.NewInt(tc.refunded), f.bank.balances[f.oldOperator.String()].AmountOf("stake"), "bps %d", tc.bps)
	}
}

// TestElectionWithNoSnapshotFails: if the finalized state is no longer kept, the majority vote
// fails as a whole (nothing half-installed) and the round stays open.
func TestElectionWithNoSnapshotFails(t *testing.T) {
	f := newFixture(t)
	id := f.open()
	require.NoError(t, f.validium.Snapshots.Remove(f.ctx, collections.Join(uint32(1), f.finalized)))
	cache, _ := f.ctx.CacheContext()
	_, err := f.msgs.EmergencyVote(cache, f.voteMsg(id, f.x, 1, 2))
	require.ErrorIs(t, err, validiumtypes.ErrNoSnapshot)
	require.Equal(t, types.RoundStatus_ROUND_STATUS_OPEN, f.round(id).Round.Status)
}

// TestEndBlockBounded: EndBlock closes at most MaxRoundsClosedPerBlock expired rounds a block.
func TestEndBlockBounded(t *testing.T) {
	f := newFixture(t)
	n := types.MaxRoundsClosedPerBlock + 50
	for i := 1; i <= n; i++ {
		r := types.Round{Id: uint64(i), ChildIndex: 1, Commitment: f.finalized, Subtree: 8, OpenedAt: 1,
			Deadline: uint64(i), Status: types.RoundStatus_ROUND_STATUS_OPEN}
		require.NoError(t, f.k.Rounds.Set(f.ctx, r.Id, r))
		require.NoError(t, f.k.Deadlines.Set(f.ctx, collections.Join(r.Deadline, r.Id)))
	}
	f.atHeight(int64(n) + 1)
	expired := func() int {
		count := 0
		require.NoError(t, f.k.Rounds.Walk(f.ctx, nil, func(_ uint64, r types.Round) (bool, error) {
			if r.Status == types.RoundStatus_ROUND_STATUS_EXPIRED {
				count++
			}
			return false, nil
		}))
		return count
	}
	require.NoError(t, f.k.EndBlocker(f.ctx))
	require.Equal(t, types.MaxRoundsClosedPerBlock, expired())
	require.NoError(t, f.k.EndBlocker(f.ctx))
	require.Equal(t, n, expired())
	var left int
	require.NoError(t, f.k.Deadlines.Walk(f.ctx, nil, func(collections.Pair[uint64, uint64]) (bool, error) {
		left++
		return false, nil
	}))
	require.Zero(t, left)
}

// xKey is candidate x's key hash as an element.
func (f *fixture) xKey() fr.Element {
	f.t.Helper()
	e, err := hash.DecodeElement(f.x.OperatorKeyHash)
	require.NoError(f.t, err)
	return e
}

// acceptanceQuery is x/acceptance's query service over the fixture's keeper.
func acceptanceQuery(f *fixture) acceptancetypes.QueryServer {
	return acceptancekeeper.NewQueryServerImpl(&f.acceptance)
}

// requireEvent asserts that the context's event manager holds a typed event of that type.
func requireEvent(t *testing.T, ctx sdk.Context, typ string) {
	t.Helper()
	for _, e := range ctx.EventManager().Events() {
		if e.Type == typ {
			return
		}
	}
	t.Fatalf("no %s event", typ)
}
