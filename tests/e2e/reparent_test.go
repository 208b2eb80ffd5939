//go:build e2e

package e2e

import (
	"os"
	"testing"

	"github.com/stretchr/testify/require"
)

// ReparentEnv opts in to TestReparent: a second localnet after the suite's would take the CI
// run past its 30 minutes.
const ReparentEnv = "SLUSH_E2E_REPARENT"

// reparentSummary is what scripts/reparent.sh writes to SLUSH_REPARENT_SUMMARY.
type reparentSummary struct {
	Chain     string `json:"chain"`
	OldPath   string `json:"old_path"`
	NewPath   string `json:"new_path"`
	NewParent string `json:"new_parent"`
	Seconds   struct {
		FinalAtRoot float64 `json:"final_at_root"`
		FirstUpdate float64 `json:"first_update"`
		Out         float64 `json:"transfer_out_claimed"`
		In          float64 `json:"transfer_in_claimed"`
	} `json:"seconds"`
}

// TestReparent runs the demo (alice funded on 1-2, 30 of it sent to bob on 2), then moves 1-2
// under 2 with its state (issue 20, scripts/reparent.sh, docs/PROTOCOL.md "Re-parenting"):
// 1-2 departs from 1, the departure becomes final, 2 registers it by an arrival proof, 1-2 takes
// the path 2-1, and 2 accepts its updates. Then alice's balance, carried over, moves again: a
// transfer from 2-1 to 1-1 (signed for the new path) and one back from 1-1 to 2-1 are claimed.
// The old position is closed: 1 holds 1-2 as departed and refuses its updates, and the new one
// holds it with its old path.
func TestReparent(t *testing.T) {
	if os.Getenv(ReparentEnv) == "" {
		t.Skipf("set %s=1: the demo, then 1-2 moved under 2 (make test-e2e-reparent)", ReparentEnv)
	}
	s := newSuite(t)
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
}
