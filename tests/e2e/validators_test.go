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
// finality advance and another transfer, 1-2 -> 2, is claimed and confirmed. Then a fifth
// validator joins the root by a staking tx, and the root's children's parent clients follow the
// validator-set change with no manual step.
func TestMultiValidator(t *testing.T) {
	if os.Getenv(ValidatorsEnv) == "" {
		t.Skipf("set %s=1: 4 validators per chain of the default tree", ValidatorsEnv)
	}
	s := newSuite(t)
	s.env = append(s.env, "SLUSH_LOCALNET_VALIDATORS=4") // demo.sh's reset + up keeps it
	stepDemo(s)
	stepValidatorKill(s)
	stepValidatorJoin(s)
}

// rootValidators is the number of validators in the root's CometBFT set.
func (s *suite) rootValidators() int {
	var set struct {
		Validators []struct {
			VotingPower string `json:"voting_power"`
		} `json:"validators"`
	}
	if s.query("root", &set, "consensus", "comet", "validator-set") != nil {
		return 0
	}
	return len(set.Validators)
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
	require.Equal(t, 4, s.rootValidators(), "the root runs 4 validators")

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

// stepValidatorJoin adds a fifth root validator by `tx staking create-validator` (localnet.sh
// add-validator root; validator 3 is still down, so 4 of 5 sign): the root's set grows to 5, the
// parent clients of 1 and 2 follow it through the relayer's MsgSyncParent (skipping
// verification: the 4 old validators sign the header naming the new set), and root finality
// keeps advancing.
func stepValidatorJoin(s *suite) {
	out := s.localnet("add-validator", "root")
	s.t.Logf("add-validator root: %s", out)
	s.eventually(2*time.Minute, "the root's validator set at 5", func() bool { return s.rootValidators() == 5 })
	for _, child := range []string{"1", "2"} {
		s.eventually(5*time.Minute, child+"'s parent client tracking the 5 root validators", func() bool {
			var pc struct {
				Validators int `json:"validators"`
			}
			return s.query(child, &pc, "tree", "parent-client") == nil && pc.Validators == 5
		})
	}
	f0 := s.rootFinality()
	s.eventually(5*time.Minute, "root finality advancing under the 5-validator set", func() bool { return s.rootFinality() > f0 })
}
