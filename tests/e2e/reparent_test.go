//go:build e2e

package e2e

import (
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// ReparentEnv opts in to TestReparent: a second localnet after the suite's would take the CI
// run past its 30 minutes.
const ReparentEnv = "SLUSH_E2E_REPARENT"

// reparentSummary is what scripts/reparent.sh writes to SLUSH_REPARENT_SUMMARY.
type reparentSummary struct {
	Chain     string   `json:"chain"`
	OldPath   string   `json:"old_path"`
	NewPath   string   `json:"new_path"`
	NewParent string   `json:"new_parent"`
	Route     string   `json:"route"`
	Followers []string `json:"followers"`
	Seconds   struct {
		FinalAtRoot float64 `json:"final_at_root"`
		FirstUpdate float64 `json:"first_update"`
		Out         float64 `json:"transfer_out_claimed"`
		In          float64 `json:"transfer_in_claimed"`
		Follower    float64 `json:"follower_transfer_claimed"`
	} `json:"seconds"`
}

// TestReparent runs the demo (alice funded on 1-2, 30 of it sent to bob on 2), then moves 1-2
// under 2 with its state (issue 20, scripts/reparent.sh, docs/PROTOCOL.md "Re-parenting"):
// 1-2 departs from 1, the departure becomes final, 2 registers it by an arrival proof, 1-2 takes
// the path 2-1, and 2 accepts its updates. Then alice's balance, carried over, moves again: a
// transfer from 2-1 to 1-1 (signed for the new path) and one back from 1-1 to 2-1 are claimed.
// The old position is closed: 1 holds 1-2 as departed and refuses its updates, and the new one
// holds it with its old path. Then 1 is frozen by the root (stopped past a forced operation's
// deadline) and 1-1 leaves it for 2 with the state the root's finalized commitment of 1 holds
// for it (scripts/reparent.sh --from-frozen-parent): erin's genesis balance on 1-1 moves to 2 and
// back.
func TestReparent(t *testing.T) {
	if os.Getenv(ReparentEnv) == "" {
		t.Skipf("set %s=1: the demo, then 1-2 moved under 2 (make test-e2e-reparent)", ReparentEnv)
	}
	s := newSuite(t)
	// frank on the root forces an operation for 1 (to freeze it), erin on 1-1 moves with it
	s.env = append(s.env, "SLUSH_DEPOSITS=1:"+s.owner("carol")+":"+asset+":500 1:"+s.owner("dave")+":"+asset+":100 "+
		"root:"+s.owner("frank")+":"+asset+":100 1-1:"+s.owner("erin")+":"+asset+":100")
	stepDemo(s)
	aliceBefore := s.balance("1-2", s.owner("alice"))
	require.True(t, aliceBefore.Found)

	var sum reparentSummary
	s.runSummarized("reparent.sh", "SLUSH_REPARENT_SUMMARY", &sum, "1-2", "2")
	require.Equal(t, "slush-1-2", sum.Chain)
	require.Equal(t, "2-1", sum.NewPath)
	require.Equal(t, "slush-2", sum.NewParent)

	var moved struct {
		Child struct {
			ArrivedFrom []uint32 `json:"arrived_from"`
			LedgerRoot  []byte   `json:"ledger_root"`
		} `json:"child"`
	}
	s.mustQuery("2", &moved, "validium", "child", "1")
	require.Equal(t, []uint32{1, 2}, moved.Child.ArrivedFrom, "2 holds the chain with its old path")
	var old struct {
		Child struct {
			Departure *struct {
				NewParent []uint32 `json:"new_parent"`
			} `json:"departure"`
		} `json:"child"`
	}
	s.mustQuery("1", &old, "validium", "child", "2")
	require.NotNil(t, old.Child.Departure, "1 keeps the departed record")
	require.Equal(t, []uint32{2}, old.Child.Departure.NewParent)
	var id struct {
		Identity struct {
			Path          []uint32 `json:"path"`
			ParentChainID string   `json:"parent_chain_id"`
		} `json:"identity"`
	}
	s.mustQuery("1-2", &id, "tree", "identity")
	require.Equal(t, []uint32{2, 1}, id.Identity.Path)
	require.Equal(t, "slush-2", id.Identity.ParentChainID)

	// the carried balance moved: 30 out and 10 back
	alice := s.balance("1-2", s.owner("alice"))
	require.Equal(t, aliceBefore.Balance-30+10, alice.Balance, "alice's balance on the moved chain")

	leaveFrozenParent(s)
}

// leaveFrozenParent freezes 1 at the root (its node stopped past the deadline of frank's forced
// deposit, then started again: a frozen chain's node still answers) and moves 1-1 under 2 from
// the frozen 1: the root records the departure, 2 registers 1-1 by the frozen arrival proof, 1-1
// restarts from its export at the commitment it left with, and erin's balance moves out and back.
func leaveFrozenParent(s *suite) {
	t := s.t
	s.localnet("stop", "1")
	f := s.balance("root", s.owner("frank"))
	require.Equal(t, uint64(100), f.Balance, "frank's genesis deposit on the root")
	s.forceDeposit("root", 1, "frank", f, s.owner("frank"))
	s.eventually(5*time.Minute, "the root freezing 1", func() bool {
		return s.child("root", 1).Child.Status == "CHILD_STATUS_FROZEN"
	})
	s.localnet("start", "1")
	erin := s.balance("1-1", s.owner("erin"))
	require.Equal(t, uint64(100), erin.Balance, "erin's genesis deposit on 1-1")

	s.env = append(s.env, "SLUSH_REPARENT_SEED=erin", "SLUSH_REPARENT_PEER=2")
	var sum reparentSummary
	s.runSummarized("reparent.sh", "SLUSH_REPARENT_SUMMARY", &sum, "--from-frozen-parent", "1-1", "2")
	require.Equal(t, "from_frozen_parent", sum.Route)
	require.Equal(t, "2-2", sum.NewPath, "2's next free index: its child 1 is the 1-2 moved before")
	t.Logf("1-1 left the frozen 1: arrival proof at %.0f s, first update at 2 at %.0f s, transfers claimed at %.0f s and %.0f s",
		sum.Seconds.FinalAtRoot, sum.Seconds.FirstUpdate, sum.Seconds.Out, sum.Seconds.In)

	var departure struct {
		Departure struct {
			NewParent []uint32 `json:"new_parent"`
		} `json:"departure"`
	}
	s.mustQuery("root", &departure, "validium", "frozen-departure", "1", "1")
	require.Equal(t, []uint32{2}, departure.Departure.NewParent, "the root records where 1-1 went")
	var moved struct {
		Child struct {
			ArrivedFrom []uint32 `json:"arrived_from"`
		} `json:"child"`
	}
	s.mustQuery("2", &moved, "validium", "child", "2")
	require.Equal(t, []uint32{1, 1}, moved.Child.ArrivedFrom)
	var id struct {
		Identity struct {
			Path          []uint32 `json:"path"`
			ParentChainID string   `json:"parent_chain_id"`
		} `json:"identity"`
	}
	s.mustQuery("1-1", &id, "tree", "identity")
	require.Equal(t, []uint32{2, 2}, id.Identity.Path, "the restarted 1-1 runs under its new path")
	require.Equal(t, "slush-2", id.Identity.ParentChainID)
	require.Equal(t, uint64(100-30+10), s.balance("1-1", s.owner("erin")).Balance, "erin's carried balance: 30 out, 10 back")
}

// TestReparentSubtree runs the deep demo (root -> 1 -> 1-1 -> 1-1-1, alice funded on 1-1-1 sends
// to bob on the root), then moves 1-1 with its child under the root (scripts/reparent.sh 1-1
// root): 1-1-1 follows (its ledger frozen until its path moves), 1-1 becomes 2 and 1-1-1 becomes
// 2-1 without losing their state: erin's balance on 1-1 moves out and back, and alice's on 1-1-1,
// carried over, is spent from 2-1 and claimed on 1.
func TestReparentSubtree(t *testing.T) {
	if os.Getenv(ReparentEnv) == "" {
		t.Skipf("set %s=1: the deep demo, then 1-1 moved with its child under the root (make test-e2e-reparent)", ReparentEnv)
	}
	s := newSuite(t)
	s.tree = deepTree
	s.env = append(s.env, "SLUSH_DEPOSITS=1:"+s.owner("carol")+":"+asset+":500 1-1:"+s.owner("erin")+":"+asset+":100",
		"SLUSH_REPARENT_SEED=erin", "SLUSH_REPARENT_PEER=1", "SLUSH_REPARENT_FOLLOWER=1-1-1")
	out, err := s.script("demo", "--deep")
	t.Logf("scripts/demo.sh --deep:\n%s", out)
	require.NoError(t, err, "the deep demo failed")
	aliceBefore := s.balance("1-1-1", s.owner("alice"))
	require.True(t, aliceBefore.Found)

	var sum reparentSummary
	s.runSummarized("reparent.sh", "SLUSH_REPARENT_SUMMARY", &sum, "1-1", "root")
	require.Equal(t, "2", sum.NewPath, "the root's next free index")
	require.Equal(t, []string{"1-1-1"}, sum.Followers)
	require.Positive(t, sum.Seconds.Follower, "the follower's transfer was claimed")

	var id struct {
		Identity struct {
			Path      []uint32 `json:"path"`
			MovedFrom struct {
				Path []uint32 `json:"path"`
			} `json:"moved_from"`
			Departure any `json:"departure"`
		} `json:"identity"`
	}
	s.mustQuery("1-1-1", &id, "tree", "identity")
	require.Equal(t, []uint32{2, 1}, id.Identity.Path, "the follower's path is under its moved parent")
	require.Equal(t, []uint32{1, 1, 1}, id.Identity.MovedFrom.Path)
	require.Nil(t, id.Identity.Departure, "its ledger thawed")
	require.Equal(t, aliceBefore.Balance-30, s.balance("1-1-1", s.owner("alice")).Balance, "alice's carried balance, 30 spent from 2-1")
	require.Equal(t, uint64(100-30+10), s.balance("1-1", s.owner("erin")).Balance, "erin's carried balance: 30 out, 10 back")
}
