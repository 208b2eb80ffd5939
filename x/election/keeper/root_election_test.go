package keeper_test

import (
	"fmt"
	"testing"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/stretchr/testify/require"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/slush-tree/slush/circuits/hash"
	acceptancetypes "github.com/slush-tree/slush/x/acceptance/types"
	"github.com/slush-tree/slush/x/election/testutil"
	"github.com/slush-tree/slush/x/election/types"
)

// cast is one vote of a scenario: the voter's path and its candidate ("x" or "y").
type cast struct {
	path []uint8
	who  string
}

func (s *rootSetup) candidate(who string) types.RootCandidate {
	if who == "x" {
		return s.x
	}
	return s.y
}

// TestRootVoteMajority proves the decision rules on one replica: the settled tally (votes of the
// root's children, which nothing can override) elects at once when it exceeds half of b_root − 1
// (4 of 7); a full-tally majority that rests on deeper votes waits for the deadline; each node
// counts once, for its highest voting ancestor-or-self; no majority expires at the deadline.
func TestRootVoteMajority(t *testing.T) {
	for _, tc := range []struct {
		name        string
		votes       []cast
		electedAt   int  // index of the vote that elects at once (-1: none)
		atDeadline  bool // the deadline elects x (else: expires, if nobody was elected)
		wantX       uint64
		wantY       uint64
		wantSettled uint64 // x's settled tally
	}{
		{"two children of the root: 3 + 1 elects", []cast{{[]uint8{1}, "x"}, {[]uint8{3}, "x"}}, 1, false, 4, 0, 4},
		{"one child of the root: 3 is no majority", []cast{{[]uint8{1}, "x"}}, -1, false, 3, 0, 3},
		{"no votes", nil, -1, false, 0, 0, 0},
		{"nested voters counted once: 2-1 then 2 then 2-1-1", []cast{{[]uint8{2, 1}, "y"}, {[]uint8{2}, "x"}, {[]uint8{2, 1, 1}, "y"}}, -1, false, 3, 0, 3},
		{"nested voters counted once: 2 then 2-1 then 2-1-1", []cast{{[]uint8{2}, "x"}, {[]uint8{2, 1}, "y"}, {[]uint8{2, 1, 1}, "y"}}, -1, false, 3, 0, 3},
		{"a deeper majority waits for the deadline", []cast{{[]uint8{1, 1}, "x"}, {[]uint8{1, 2}, "x"}, {[]uint8{2}, "x"}}, -1, true, 5, 0, 3},
		{"an ancestor's vote takes the deeper majority away", []cast{{[]uint8{1, 1}, "x"}, {[]uint8{1, 2}, "x"}, {[]uint8{2}, "x"}, {[]uint8{1}, "y"}}, -1, false, 3, 3, 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newRootSetup(t)
			r := s.replica(t, 1)
			election := r.open(s)
			for i, v := range tc.votes {
				res, err := r.vote(s, s.candidate(v.who), v.path...)
				require.NoError(t, err, "vote %d", i)
				require.Equal(t, i == tc.electedAt, res.Elected, "vote %d", i)
			}
			if tc.electedAt < 0 {
				require.Equal(t, tc.wantX, r.tally(election.Id, s.x).Votes)
				require.Equal(t, tc.wantY, r.tally(election.Id, s.y).Votes)
				require.Equal(t, tc.wantSettled, r.tally(election.Id, s.x).Settled)
				_, ok := r.result()
				require.False(t, ok, "nothing elected before the deadline")
				r.at(time.Unix(election.DeadlineUnix, 0).Add(-time.Second), 11)
				require.NoError(t, r.k.EndBlocker(r.ctx))
				_, ok = r.result()
				require.False(t, ok, "nothing decided a second before the deadline")
				r.at(time.Unix(election.DeadlineUnix, 0), 12)
				require.NoError(t, r.k.EndBlocker(r.ctx))
			}
			got, err := r.query.RootElection(r.ctx, &types.QueryRootElectionRequest{ElectionId: election.Id})
			require.NoError(t, err)
			_, err = r.query.OpenRootElection(r.ctx, &types.QueryOpenRootElectionRequest{})
			require.Error(t, err, "closed")
			result, elected := r.result()
			if tc.electedAt < 0 && !tc.atDeadline {
				require.False(t, elected)
				require.Equal(t, types.RootElectionStatus_ROOT_ELECTION_STATUS_EXPIRED, got.Election.Status)
				requireTypedEvent(t, r.ctx, &types.EventRootElectionExpired{ElectionId: election.Id})
				return
			}
			require.True(t, elected)
			require.Equal(t, types.RootElectionStatus_ROOT_ELECTION_STATUS_ELECTED, got.Election.Status)
			require.Equal(t, types.RootElectionResult{
				Epoch: 0, ElectionId: election.Id, Elected: s.x, BaseRootHeight: baseHeight, BaseCommitment: s.root.RootHash(),
				Votes: tc.wantX, Settled: !tc.atDeadline, Height: r.ctx.BlockHeight(),
			}, result)
			requireTypedEvent(t, r.ctx, &types.EventRootOperatorElected{
				ElectionId: election.Id, Elected: s.x, BaseRootHeight: baseHeight, BaseCommitment: s.root.RootHash(),
				Votes: tc.wantX, Settled: !tc.atDeadline,
			})
			// the election is closed: a late vote finds none, and the epoch cannot be re-elected
			_, err = r.vote(s, s.y, 2, 1, 1)
			require.ErrorIs(t, err, types.ErrNoRootElection)
			_, err = r.msgs.ReportRootSilent(r.ctx, s.reportMsg(r.submitter))
			require.ErrorIs(t, err, types.ErrRootEpochElected)
		})
	}
}

// requireTypedEvent requires want among the context's typed events.
func requireTypedEvent(t *testing.T, ctx sdk.Context, want any) {
	t.Helper()
	for _, e := range ctx.EventManager().Events() {
		ev, err := sdk.ParseTypedEvent(abci.Event(e))
		if err == nil && fmt.Sprint(ev) == fmt.Sprint(want) {
			return
		}
	}
	t.Fatalf("no event %v", want)
}

// TestRootVoteRejections proves every check of a root vote, each with its error; a refused vote
// changes no tally.
func TestRootVoteRejections(t *testing.T) {
	stranger, err := testutil.NewTree(nil, rootShape, baseHeight, 99) // another root state: not a descendant of the base
	require.NoError(t, err)
	for _, tc := range []struct {
		name    string
		setup   func(t *testing.T, s *rootSetup, r *replica)
		edit    func(t *testing.T, s *rootSetup, msg *types.MsgRootVote)
		wantErr error
	}{
		{name: "no open election", setup: func(t *testing.T, s *rootSetup, r *replica) {
			require.NoError(t, r.k.OpenRootElection.Remove(r.ctx))
		}, wantErr: types.ErrNoRootElection},
		{name: "expired: at the deadline", setup: func(t *testing.T, s *rootSetup, r *replica) {
			e, err := r.query.OpenRootElection(r.ctx, &types.QueryOpenRootElectionRequest{})
			require.NoError(t, err)
			r.at(time.Unix(e.Election.DeadlineUnix, 0), 11)
		}, wantErr: types.ErrRootElectionExpired},
		{name: "replayed for another epoch", edit: func(t *testing.T, s *rootSetup, m *types.MsgRootVote) {
			other, err := s.root.RootVote(m.Submitter, 1, baseHeight, s.x, 1)
			require.NoError(t, err)
			*m = *other
		}, wantErr: types.ErrRootElectionMismatch},
		{name: "signed for another epoch, relabelled", edit: func(t *testing.T, s *rootSetup, m *types.MsgRootVote) {
			other, err := s.root.RootVote(m.Submitter, 1, baseHeight, s.x, 1)
			require.NoError(t, err)
			m.Signature = other.Signature
		}, wantErr: types.ErrInvalidSignature},
		{name: "for another base", edit: func(t *testing.T, _ *rootSetup, m *types.MsgRootVote) { m.BaseRootHeight = 91 }, wantErr: types.ErrRootElectionMismatch},
		{name: "signed for another candidate", edit: func(t *testing.T, s *rootSetup, m *types.MsgRootVote) { m.Candidate = s.y }, wantErr: types.ErrInvalidSignature},
		{name: "a malformed candidate", edit: func(t *testing.T, _ *rootSetup, m *types.MsgRootVote) {
			m.Candidate.ConsensusPubkey = make([]byte, 32)
		}, wantErr: types.ErrInvalidCandidate},
		{name: "by a non-descendant", edit: func(t *testing.T, s *rootSetup, m *types.MsgRootVote) {
			other, err := stranger.RootVote(m.Submitter, 0, baseHeight, s.x, 1)
			require.NoError(t, err)
			*m = *other
		}, wantErr: types.ErrNotDescendant},
		{name: "another node's histogram", edit: func(t *testing.T, s *rootSetup, m *types.MsgRootVote) {
			m.Histogram = acceptancetypes.HistogramToProto(s.root.Node(2).Histogram)
		}, wantErr: types.ErrInvalidHistogram},
		{name: "not the voter's operator key", edit: func(t *testing.T, s *rootSetup, m *types.MsgRootVote) {
			m.PublicKey = s.root.Node(2).Key.PublicKey.Bytes()
		}, wantErr: types.ErrWrongKey},
		{name: "a forged signature", edit: func(t *testing.T, s *rootSetup, m *types.MsgRootVote) {
			key, err := hash.DecodeElement(s.x.OperatorKeyHash)
			require.NoError(t, err)
			msg, err := types.RootVoteMessage(0, baseHeight, s.root.Root.Commitment.Hash(), key, s.x.ConsensusPubkey)
			require.NoError(t, err)
			m.Signature, err = testutil.Resign(s.root.Node(2).Key, msg)
			require.NoError(t, err)
		}, wantErr: types.ErrInvalidSignature},
		{name: "the voter voted already", setup: func(t *testing.T, s *rootSetup, r *replica) {
			_, err := r.vote(s, s.y, 1)
			require.NoError(t, err)
		}, wantErr: types.ErrAlreadyVoted},
		{name: "malformed submitter", edit: func(t *testing.T, _ *rootSetup, m *types.MsgRootVote) { m.Submitter = "nope" }, wantErr: types.ErrInvalidAddress},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newRootSetup(t)
			r := s.replica(t, 1)
			election := r.open(s)
			if tc.setup != nil {
				tc.setup(t, s, r)
			}
			beforeX, beforeY := r.tally(election.Id, s.x), r.tally(election.Id, s.y)
			msg := s.voteMsg(t, r.submitter, s.x, 1)
			if tc.edit != nil {
				tc.edit(t, s, msg)
			}
			_, err := r.msgs.RootVote(r.ctx, msg)
			require.ErrorIs(t, err, tc.wantErr)
			require.Equal(t, beforeX, r.tally(election.Id, s.x))
			require.Equal(t, beforeY, r.tally(election.Id, s.y))
		})
	}
}

// TestRootReplicasAgree proves the virtual L0 is deterministic (DESIGN §10: "every replica reaches
// the same result from the same votes in any order"): two replicas with the same root state get
// the same votes in every order; they elect the same candidate on the same base, and where the
// deadline decides, they hold the very same tallies.
func TestRootReplicasAgree(t *testing.T) {
	for _, tc := range []struct {
		name  string
		votes []cast
		want  string // the candidate every replica elects
	}{
		// nested and disagreeing: in some orders y holds a full majority (5) for a while, but the
		// settled tally of x (2 and 3: 4) elects x in every order
		{"settled", []cast{{[]uint8{2}, "x"}, {[]uint8{2, 1}, "y"}, {[]uint8{1}, "y"}, {[]uint8{3}, "x"}, {[]uint8{1, 1}, "x"}}, "x"},
		// no settled majority: the deadline decides on the full tally, the same in every order
		{"at the deadline", []cast{{[]uint8{1, 1}, "x"}, {[]uint8{1, 2}, "x"}, {[]uint8{2}, "x"}, {[]uint8{2, 1}, "y"}, {[]uint8{3}, "y"}}, "x"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newRootSetup(t)
			var first *types.RootElectionResult
			var firstTallies []types.RootTally
			permute(len(tc.votes), func(order []int) {
				r := s.replica(t, uint32(1+order[0]%3)) // replicas on different children of the root
				election := r.open(s)
				for _, i := range order {
					v := tc.votes[i]
					_, err := r.vote(s, s.candidate(v.who), v.path...)
					if err != nil {
						require.ErrorIs(t, err, types.ErrNoRootElection, "only refused once elected (order %v)", order)
					}
				}
				r.at(time.Unix(election.DeadlineUnix, 0), 12)
				require.NoError(t, r.k.EndBlocker(r.ctx))
				result, ok := r.result()
				require.True(t, ok, "order %v elects", order)
				require.Equal(t, s.candidate(tc.want), result.Elected, "order %v", order)
				res, err := r.query.RootElection(r.ctx, &types.QueryRootElectionRequest{ElectionId: election.Id})
				require.NoError(t, err)
				if first == nil {
					first, firstTallies = &result, res.Tallies
					return
				}
				require.Equal(t, first.Epoch, result.Epoch)
				require.Equal(t, first.BaseRootHeight, result.BaseRootHeight)
				require.Equal(t, first.BaseCommitment, result.BaseCommitment)
				require.Equal(t, first.Settled, result.Settled, "order %v", order)
				if !result.Settled { // every vote was counted: the tallies are a function of the set
					require.Equal(t, firstTallies, res.Tallies, "order %v", order)
				}
			})
		})
	}
}

// permute calls f with every permutation of 0..n-1 (Heap's algorithm).
func permute(n int, f func([]int)) {
	a := make([]int, n)
	for i := range a {
		a[i] = i
	}
	var gen func(k int)
	gen = func(k int) {
		if k <= 1 {
			f(append([]int(nil), a...))
			return
		}
		for i := 0; i < k; i++ {
			gen(k - 1)
			if k%2 == 0 {
				a[i], a[k-1] = a[k-1], a[i]
			} else {
				a[0], a[k-1] = a[k-1], a[0]
			}
		}
	}
	gen(n)
}
