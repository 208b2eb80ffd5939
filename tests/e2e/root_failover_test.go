//go:build e2e

package e2e

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// RootFailoverEnv opts in to TestRootFailover: a live upgrade, a root outage of the liveness
// timeout and a restart from an export are several minutes on top of the demo.
const RootFailoverEnv = "SLUSH_E2E_ROOT_FAILOVER"

// rootLivenessTimeout is root_liveness_timeout_seconds on every chain of the run (localnet.sh
// SLUSH_ROOT_LIVENESS_TIMEOUT): how long the children of the root wait for a root header.
const rootLivenessTimeout = 30

// rootFailoverSummary is what scripts/root-failover.sh writes to SLUSH_ROOT_FAILOVER_SUMMARY.
type rootFailoverSummary struct {
	BaseRootHeight  uint64  `json:"base_root_height"`
	BRoot           uint64  `json:"b_root"`
	RootLastHeight  int64   `json:"root_last_height"`
	InitialHeight   int64   `json:"initial_height"`
	Epoch           uint64  `json:"epoch"`
	OperatorKeyHash string  `json:"operator_key_hash"`
	Message         string  `json:"message"`
	LivenessTimeout float64 `json:"liveness_timeout_s"`
	// RootBond is the root operator's bond of epoch 0 and what the restarted genesis did with it.
	RootBond struct {
		Bond     string `json:"bond"`
		Slashed  string `json:"slashed"`
		Refunded string `json:"refunded"`
	} `json:"root_bond"`
	Seconds struct {
		Detection           float64 `json:"detection"`
		Majority            float64 `json:"majority"`
		Restart             float64 `json:"restart"`
		Adoption            float64 `json:"adoption"`
		FirstAcceptedUpdate float64 `json:"first_accepted_update"`
		BridgeOut           float64 `json:"bridge_out"`
		Claim               float64 `json:"claim"`
		Confirmation        float64 `json:"confirmation"`
	} `json:"seconds_since_root_stopped"`
}

// TestRootFailover runs the demo on a tree whose chains time the root out after 30 s, then
// scripts/root-failover.sh (DESIGN §10, issue 17): the validium-consensus upgrade by governance on
// the live root, the root operator stopped, the root reported silent on 1 and 2, the descendants'
// votes electing a new operator on both replicas, the root restarted from its export under it,
// both replicas adopting it by the result, and a transfer 1-2 -> 2 completing across it. It then
// checks the outcome on the chains themselves.
func TestRootFailover(t *testing.T) {
	if os.Getenv(RootFailoverEnv) == "" {
		t.Skipf("set %s=1: the root failover on the five-chain localnet", RootFailoverEnv)
	}
	s := newSuite(t)
	previous := filepath.Join(filepath.Dir(s.bin), "slushchaind-previous")
	build := exec.Command("go", "build", "-tags", "slush_previous_release", "-o", previous, "./cmd/slushchaind")
	build.Dir = s.root
	out, err := build.CombinedOutput()
	require.NoError(t, err, string(out))
	s.env = append(s.env, "SLUSH_ROOT_LIVENESS_TIMEOUT="+strconv.Itoa(rootLivenessTimeout), "SLUSHCHAIND_PREVIOUS="+previous)
	stepDemo(s)

	sumFile := filepath.Join(s.dir, "root-failover-summary.json")
	begin := time.Now()
	cmd := exec.Command(filepath.Join(s.root, "scripts", "root-failover.sh"))
	cmd.Env = append(append([]string{}, s.env...), "SLUSH_ROOT_FAILOVER_SUMMARY="+sumFile)
	out, err = cmd.CombinedOutput()
	t.Logf("scripts/root-failover.sh (%s):\n%s", time.Since(begin).Round(time.Second), out)
	require.NoError(t, err, "the root failover failed")
	b, err := os.ReadFile(sumFile)
	require.NoError(t, err)
	var sum rootFailoverSummary
	require.NoError(t, json.Unmarshal(b, &sum))
	require.Equal(t, uint64(5), sum.BRoot, "b_root: the whole default tree")
	require.Equal(t, sum.RootLastHeight+1, sum.InitialHeight, "the restarted root continues from the exported state")
	require.Greater(t, sum.RootLastHeight, int64(sum.BaseRootHeight), "exported above the base: its last state")
	// the timeout runs from the newest root header the child trusts, synced a few seconds before
	// the root stopped: detection comes at most the timeout after the stop, plus the polling
	require.Positive(t, sum.Seconds.Detection)
	require.Equal(t, float64(rootLivenessTimeout), sum.LivenessTimeout)
	// the old operator's bond is slashed in the restarted root's genesis (DESIGN §10): slashed +
	// refunded is the bond, in the bond's denom (the script checked the owner's refund on the root)
	coinAmount := func(c string) int64 {
		n, err := strconv.ParseInt(strings.TrimSuffix(c, "stake"), 10, 64)
		require.NoError(t, err, "coin %q", c)
		return n
	}
	require.Positive(t, coinAmount(sum.RootBond.Slashed), "the root bond is slashed: %+v", sum.RootBond)
	require.Equal(t, coinAmount(sum.RootBond.Bond), coinAmount(sum.RootBond.Slashed)+coinAmount(sum.RootBond.Refunded))
	for _, pair := range [][2]float64{
		{sum.Seconds.Detection, sum.Seconds.Majority}, {sum.Seconds.Majority, sum.Seconds.Restart},
		{sum.Seconds.Restart, sum.Seconds.Adoption}, {sum.Seconds.BridgeOut, sum.Seconds.Claim},
		{sum.Seconds.Claim, sum.Seconds.Confirmation},
	} {
		require.LessOrEqual(t, pair[0], pair[1], "the timeline is in order")
	}

	// the restarted root: epoch 1 under the elected key hash, one validator at power 1
	var own struct {
		Commitment struct {
			Height string `json:"height"`
			Fields struct {
				OperatorKeyHash []byte `json:"operator_key_hash"`
				Epoch           string `json:"epoch"`
			} `json:"fields"`
		} `json:"commitment"`
	}
	s.mustQuery("root", &own, "tree", "commitment", "0")
	require.Equal(t, "1", own.Commitment.Fields.Epoch)
	require.Equal(t, sum.OperatorKeyHash, hexOf(own.Commitment.Fields.OperatorKeyHash))
	var set struct {
		Validators []struct {
			VotingPower string `json:"voting_power"`
		} `json:"validators"`
	}
	s.mustQuery("root", &set, "consensus", "comet", "validator-set")
	require.Len(t, set.Validators, 1)
	require.Equal(t, "1", set.Validators[0].VotingPower)
	_, err = os.Stat(filepath.Join(s.dir, "slush-root.epoch0"))
	require.NoError(t, err, "the old root operator's home is kept")

	// every replica elected the same operator and adopted the restarted root
	for _, kid := range []string{"1", "2"} {
		var res struct {
			Result struct {
				Elected struct {
					OperatorKeyHash []byte `json:"operator_key_hash"`
				} `json:"elected"`
				BaseRootHeight string `json:"base_root_height"`
				Adopted        bool   `json:"adopted"`
			} `json:"result"`
		}
		s.mustQuery(kid, &res, "election", "root-result", "0")
		require.Equal(t, sum.OperatorKeyHash, hexOf(res.Result.Elected.OperatorKeyHash), kid)
		require.Equal(t, strconv.FormatUint(sum.BaseRootHeight, 10), res.Result.BaseRootHeight, kid)
		require.True(t, res.Result.Adopted, kid)
	}

	// the transfer across the restarted root: minted once on 2, confirmed on 1-2; the tree goes on
	require.True(t, s.claimed("2", sum.Message))
	require.Equal(t, "MESSAGE_STATUS_CONFIRMED", s.messageStatus("1-2", sum.Message))
	require.Equal(t, uint64(5), s.balance("2", s.owner("frank")).Balance)
	h := s.height("root")
	s.eventually(2*time.Minute, "the restarted root keeps producing blocks", func() bool { return s.height("root") > h+5 })
}
