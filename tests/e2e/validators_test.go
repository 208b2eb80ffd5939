//go:build e2e

package e2e

import (
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// ValidatorsEnv opts in to TestMultiValidator: four validators on every chain of the default
// tree (20 node processes) are heavy for 2 cores and every CI run.
const ValidatorsEnv = "SLUSH_E2E_VALIDATORS"

// TestMultiValidator runs the default tree with 4 validators per chain (localnet.sh up
// --validators 4, issue 18): the demo's transfer completes, then one root validator is
// SIGKILLed and the tree keeps going on the other three (3 of 4 > 2/3): root blocks and root
// finality advance and another transfer, 1-2 -> 2, is claimed and confirmed.
func TestMultiValidator(t *testing.T) {
	if os.Getenv(ValidatorsEnv) == "" {
		t.Skipf("set %s=1: 4 validators per chain of the default tree", ValidatorsEnv)
	}
	s := newSuite(t)
	s.env = append(s.env, "SLUSH_LOCALNET_VALIDATORS=4") // demo.sh's reset + up keeps it
	stepDemo(s)
	stepValidatorKill(s)
}

// rootFinality is the root's finalized root height (0 if none yet).
func (s *suite) rootFinality() int64 {
	var fin struct {
		Found  bool   `json:"found"`
		Height string `json:"height"`
	}
	if s.query("root", &fin, "acceptance", "finality") != nil || !fin.Found {
		return 0
	}
	h, _ := strconv.ParseInt(fin.Height, 10, 64)
	return h
}

// stepValidatorKill SIGKILLs root validator 3 of 4 and checks the tree keeps finalizing and a
// transfer completes.
func stepValidatorKill(s *suite) {
	t := s.t
	var set struct {
		Validators []struct {
			VotingPower string `json:"voting_power"`
		} `json:"validators"`
	}
	s.mustQuery("root", &set, "consensus", "comet", "validator-set")
	require.Len(t, set.Validators, 4, "the root runs 4 validators")

	s.localnet("stop", "root", "--validator", "3", "--kill")
	h0, f0 := s.height("root"), s.rootFinality()
	s.eventually(2*time.Minute, "root blocks after the kill", func() bool { return s.height("root") >= h0+10 })
	s.eventually(5*time.Minute, "root finality advancing after the kill", func() bool { return s.rootFinality() > f0+5 })

	alice, dave := s.owner("alice"), s.owner("dave")
	a := s.balance("1-2", alice)
	require.True(t, a.Found)
	d0 := s.balance("2", dave).Balance
	msg := s.bridgeOut("1-2", "alice", a, "10", "2", dave)
	s.eventually(10*time.Minute, "dave's claim on 2 with a root validator down", func() bool { return s.claimed("2", msg) })
	s.eventually(10*time.Minute, "the confirmation on 1-2", func() bool {
		return s.messageStatus("1-2", msg) == "MESSAGE_STATUS_CONFIRMED"
	})
	require.Equal(t, d0+10, s.balance("2", dave).Balance, "minted once on 2")
	require.Greater(t, s.rootFinality(), f0, "root finality advanced")
}
