//go:build e2e

package e2e

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// RecursiveEnv opts in to TestRecursiveTree (make test-e2e-recursive): the leaf step's setup
// takes minutes the first time (then the development key cache has it) and each step proof
// ~15 s on 2 cores, too heavy for every CI run.
const RecursiveEnv = "SLUSH_E2E_RECURSIVE"

// TestRecursiveTree runs the demo with RECURSIVE subtree proofs on every chain (scripts/demo.sh
// --full-validity, issue 16) and checks on the chains that validity was proven one level
// further up: the root holds proven commitments of both grandchildren, made by leaf steps the
// relayer proved inside chain 1's updates; alice's tokens came down from the root (children
// register empty) and crossed from 1-2 to 2, claimed and confirmed; and the root's record of
// chain 1 holds a children root and a finalized children root that only steps could move.
func TestRecursiveTree(t *testing.T) {
	if os.Getenv(RecursiveEnv) == "" {
		t.Skipf("set %s=1 (make test-e2e-recursive): minutes of leaf step setup the first time", RecursiveEnv)
	}
	s := newSuite(t)
	out, sum := s.fullValidityDemo()

	var params struct {
		Params struct {
			SubtreeProofs string `json:"subtree_proofs"`
		} `json:"params"`
	}
	for _, path := range defaultTree {
		s.mustQuery(path, &params, "validium", "params")
		require.Equal(t, "SUBTREE_PROOFS_RECURSIVE", params.Params.SubtreeProofs, "chain %s", path)
	}

	alice, bob := s.owner("alice"), s.owner("bob")
	require.Equal(t, uint64(0), s.balance("root", alice).Balance, "alice's 1000 left the root")
	require.Equal(t, uint64(970), s.balance("1-2", alice).Balance)
	require.Equal(t, uint64(30), s.balance("2", bob).Balance)
	require.Equal(t, "MESSAGE_STATUS_CONFIRMED", s.messageStatus("1-2", sum.Message))

	// both grandchildren's moves were proven at the root by leaf steps inside chain 1's updates
	type provenLeaves struct {
		Leaves []struct {
			Commitment   []byte `json:"commitment"`
			AnchorHeight string `json:"anchor_height"`
		} `json:"leaves"`
	}
	waitFor(t, 5*time.Minute, "proven commitments of 1-1 and 1-2 on the root", func() bool {
		for _, g := range []string{"1", "2"} {
			var pl provenLeaves
			if s.query("root", &pl, "validium", "proven-leaves", "1", g) != nil || len(pl.Leaves) == 0 {
				return false
			}
		}
		return true
	})
	log, err := os.ReadFile(filepath.Join(s.dir, "relayer.log"))
	require.NoError(t, err)
	proofs := regexp.MustCompile(`msg=proof kind=leaf-step seconds=([0-9.]+) peak_rss_mib=([0-9]+)`).FindAllStringSubmatch(string(log), -1)
	require.NotEmpty(t, proofs, "the relayer proved leaf steps")
	var secs float64
	peak := 0
	for _, p := range proofs {
		v, _ := strconv.ParseFloat(p[1], 64)
		secs += v
		if m, _ := strconv.Atoi(p[2]); m > peak {
			peak = m
		}
	}
	stepped := regexp.MustCompile(`update accepted" child=1 parent=root .* steps=[1-9]`).FindAllString(string(log), -1)
	require.NotEmpty(t, stepped, "the root accepted updates of chain 1 carrying steps")
	t.Logf("leaf steps: %d proofs, %.1f s each on average, relayer peak RSS %d MiB; %d updates of 1 carried steps; claim %0.f s, confirmation %.0f s after the bridge-out",
		len(proofs), secs/float64(len(proofs)), peak, len(stepped), sum.ClaimSeconds, sum.ConfirmSeconds)

	// the root's record of chain 1: children roots that only steps and finalized moves move
	var rec struct {
		Child struct {
			ChildrenRoot          []byte `json:"children_root"`
			FinalizedChildrenRoot []byte `json:"finalized_children_root"`
		} `json:"child"`
	}
	s.mustQuery("root", &rec, "validium", "child", "1")
	require.Len(t, rec.Child.ChildrenRoot, 32, "chain 1's children root moved by steps")
	require.Len(t, rec.Child.FinalizedChildrenRoot, 32, "chain 1's finalized children root moved to proven commitments")
	require.NotContains(t, string(log), "no step kind proves this grandchild update", "no grandchild update was unprovable")
	require.False(t, strings.Contains(out, "FAILED"))

	s.phantomComesAndGoes("root", "1", "1-2", 3, nil)
	s.forcedDepositIntoGrandchild("1-2", "leaf-forced-step")
}

// phantomComesAndGoes (issue 16, removal steps): chain parent (a child of above) registers a
// child at index that never runs, sharing the genesis roots of sibling (every child under
// RECURSIVE starts empty), then deregisters it. above sees both through parent's updates — the
// genesis leaf entered by a native register step (kind 5) and left by a native unregister step
// (kind 7), which the relayer planned — so it holds a report of the phantom in between and none
// after; then counted reports the subtree parent's update to above's parent proved (nil: above
// is the root) at each stage, and parent keeps updating above.
func (s *suite) phantomComesAndGoes(above, parent, sibling string, index int, counted func() int) {
	t := s.t
	var info struct {
		Ledger   string `json:"genesis_ledger_root"`
		Outbox   string `json:"genesis_outbox_root"`
		Receipts string `json:"genesis_receipt_root"`
	}
	out, err := s.cli("genesis", "registration-info", "--home", filepath.Join(s.dir, chainID(sibling)))
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal([]byte(out), &info), out)
	var params struct {
		Params struct {
			MinChildBond struct{ Denom, Amount string } `json:"min_child_bond"`
		} `json:"params"`
	}
	s.mustQuery(parent, &params, "validium", "params")
	keys := filepath.Join(s.dir, "keys")
	var size int
	if counted != nil {
		size = counted()
	}
	s.tx(parent, "validium", "register-child", filepath.Join(keys, "ledger.vk"), params.Params.MinChildBond.Amount+params.Params.MinChildBond.Denom,
		info.Ledger, info.Outbox, info.Receipts, "--transfer-verifying-key", filepath.Join(keys, "ledger-transfer.vk"),
		"--operator-key-hash", strings.Repeat("0", 62)+"2a")
	require.NotEmpty(t, s.child(parent, index).Child.Status, "the phantom is registered at index %d", index)
	pos, idx := parent[strings.LastIndex(parent, "-")+1:], strconv.Itoa(index)
	hasReport := func() bool { return s.query(above, &struct{}{}, "validium", "grandchild-report", pos, idx) == nil }
	s.eventually(5*time.Minute, above+" holding the phantom's genesis report (kind 5 in an update of "+parent+")", hasReport)
	if counted != nil {
		s.eventually(5*time.Minute, "the phantom counted one level further up (kind 6)", func() bool { return counted() == size+1 })
	}
	s.tx(parent, "validium", "deregister-child", idx)
	s.eventually(5*time.Minute, above+" forgetting the phantom (kind 7 in an update of "+parent+")", func() bool { return !hasReport() })
	if counted != nil {
		s.eventually(5*time.Minute, "the phantom uncounted one level further up (kind 8)", func() bool { return counted() == size })
	}
	before := s.child(above, mustAtoi(t, pos)).Child.LatestCommitment
	s.eventually(3*time.Minute, "another update of "+parent+" accepted at "+above, func() bool {
		return string(s.child(above, mustAtoi(t, pos)).Child.LatestCommitment) != string(before)
	})
}

// mustAtoi is a decimal path element as a number.
func mustAtoi(t *testing.T, s string) int {
	n, err := strconv.Atoi(s)
	require.NoError(t, err)
	return n
}

// reportTotal is the number of nodes the report of grandchild index under child holds on chain
// at (what a step proved), 0 when it holds none.
func (s *suite) reportTotal(at, child, index string) int {
	var report struct {
		Report struct {
			Report []struct {
				Count string `json:"count"`
			} `json:"report"`
		} `json:"report"`
	}
	if s.query(at, &report, "validium", "grandchild-report", child, index) != nil {
		return 0
	}
	total := 0
	for _, b := range report.Report.Report {
		total += mustAtoi(s.t, b.Count)
	}
	return total
}

// waitFor polls check every second until it holds or the timeout passes.
func waitFor(t *testing.T, timeout time.Duration, what string, check func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !check() {
		require.True(t, time.Now().Before(deadline), "timed out after %s waiting for %s", timeout, what)
		time.Sleep(time.Second)
	}
}

// TestRecursiveDeepTree runs the depth-3 demo with RECURSIVE subtree proofs on every chain
// (scripts/demo.sh --deep --full-validity, issue 16): root → 1 → 1-1 → 1-1-1. Chain 1-1 has a
// child, so the root verifies its moves inside chain 1's updates by node steps — a node child
// step verifying 1-1-1's leaf step, which verifies 1-1-1's batch proof —, and bounds chain 1's
// report by 1-1's proven report, which counts 1-1-1. Alice's tokens come down from the root to
// 1-1-1 and 30 go back up to bob on the root, claimed there through three finalized children
// roots and confirmed on 1-1-1.
func TestRecursiveDeepTree(t *testing.T) {
	if os.Getenv(RecursiveEnv) == "" {
		t.Skipf("set %s=1 (make test-e2e-recursive): minutes of step setups the first time", RecursiveEnv)
	}
	s := newSuite(t)
	s.tree = deepTree
	_, sum := s.fullValidityDemo("--deep")

	var params struct {
		Params struct {
			SubtreeProofs     string `json:"subtree_proofs"`
			NodeChildStepKey  []byte `json:"node_child_step_key"`
			NodeLedgerStepKey []byte `json:"node_ledger_step_key"`
		} `json:"params"`
	}
	for _, path := range deepTree {
		s.mustQuery(path, &params, "validium", "params")
		require.Equal(t, "SUBTREE_PROOFS_RECURSIVE", params.Params.SubtreeProofs, "chain %s", path)
		require.NotEmpty(t, params.Params.NodeChildStepKey, "chain %s has the node child step key", path)
		require.NotEmpty(t, params.Params.NodeLedgerStepKey, "chain %s has the node ledger step key", path)
	}

	alice, bob := s.owner("alice"), s.owner("bob")
	require.Equal(t, uint64(970), s.balance("1-1-1", alice).Balance)
	require.Equal(t, uint64(30), s.balance("root", bob).Balance)
	require.Equal(t, "MESSAGE_STATUS_CONFIRMED", s.messageStatus("1-1-1", sum.Message))

	// the root holds 1-1's report as a node step proved it: 1-1 and 1-1-1 counted
	require.GreaterOrEqual(t, s.reportTotal("root", "1", "1"), 2, "1-1's proven report counts 1-1 and 1-1-1")

	log, err := os.ReadFile(filepath.Join(s.dir, "relayer.log"))
	require.NoError(t, err)
	for _, kind := range []string{"leaf-step", "node-ledger-step", "node-child-step"} {
		proofs := regexp.MustCompile(`msg=proof kind=`+kind+` seconds=([0-9.]+) peak_rss_mib=([0-9]+)`).FindAllStringSubmatch(string(log), -1)
		require.NotEmpty(t, proofs, "the relayer proved %s proofs", kind)
		var secs float64
		for _, p := range proofs {
			v, _ := strconv.ParseFloat(p[1], 64)
			secs += v
		}
		t.Logf("%s: %d proofs, %.1f s each on average", kind, len(proofs), secs/float64(len(proofs)))
	}
	require.NotContains(t, string(log), "no step kind proves this grandchild update", "no grandchild update was unprovable")
	t.Logf("claim on the root %.0f s, confirmation on 1-1-1 %.0f s after the bridge-out", sum.ClaimSeconds, sum.ConfirmSeconds)

	// 1-1 registers and removes a phantom 1-1-2: kinds 5 and 7 at 1, kinds 6 and 8 at the root
	s.phantomComesAndGoes("1", "1-1", "1-1-1", 2, func() int { return s.reportTotal("root", "1", "1") })
	s.forcedDepositIntoGrandchild("1-1-1", "node-ledger-forced-step")
	s.forcedDepositIntoGreatGrandchild()
	s.exitFromFrozenGreatGrandchild()
}

// fullValidityDemo runs scripts/demo.sh --full-validity with args, in the demo's shape (batch 4,
// whose step keys the key cache holds after one demo; only the root may start funded under
// RECURSIVE mode), requires it to pass labelled RECURSIVE, and returns its output and summary.
func (s *suite) fullValidityDemo(args ...string) (string, demoSummary) {
	t := s.t
	t.Helper()
	// steps of 20–40 s each, a dozen in one update of 1 on the depth-3 tree: the suite's 600 s a
	// demo step timed out once on a slower machine waiting for the claim (session 36)
	s.env = append(s.env, "SLUSH_LEDGER_BATCH_SIZE=4", "SLUSH_DEPOSITS=", "SLUSH_DEMO_TIMEOUT=1200")
	begin := time.Now()
	out, err := s.script(append([]string{"demo", "--full-validity"}, args...)...)
	t.Logf("scripts/demo.sh --full-validity %s (%s):\n%s", strings.Join(args, " "), time.Since(begin).Round(time.Second), out)
	require.NoError(t, err, "the full-validity demo failed")
	require.Contains(t, out, "subtree proofs: RECURSIVE")
	b, err := os.ReadFile(filepath.Join(s.dir, "demo-summary.json"))
	require.NoError(t, err)
	var sum demoSummary
	require.NoError(t, json.Unmarshal(b, &sum))
	require.Len(t, sum.Message, 64)
	return out, sum
}

// forcedDepositIntoGrandchild (issue 16, forced deposits into grandchildren): alice brings 20
// from chain from up to 1 (a claim on 1), then forces a deposit of 5 from 1's ledger into 1-1
// (DESIGN §8). 1-1 mints it as a forced entry, which only 1 can match natively; the root verifies
// that move by a forced step of kind (leaf-forced-step, kind 9, or node-ledger-forced-step, kind
// 10, when 1-1 has children: the deposit opened in 1's outbox, which 1's proven ledger grew)
// inside 1's update, and keeps accepting 1's updates after it.
func (s *suite) forcedDepositIntoGrandchild(from, kind string) {
	t := s.t
	alice := s.owner("alice")
	msg := s.bridgeOut(from, "alice", s.balance(from, alice), "20", "1", alice)
	sent := time.Now()
	s.eventually(15*time.Minute, "alice's claim on 1", func() bool { return s.claimed("1", msg) })
	on1 := s.balance("1", alice)
	require.Equal(t, uint64(20), on1.Balance)
	t.Logf("%s -> 1 claimed after %s", from, time.Since(sent).Round(time.Second))

	s.forceDeposit("1", 1, "alice", on1, alice)
	forced := time.Now()
	require.Equal(t, uint64(15), s.balance("1", alice).Balance, "the deposit is burnt on 1")
	s.eventually(5*time.Minute, "the forced deposit minted on 1-1", func() bool { return s.balance("1-1", alice).Balance == 5 })
	s.eventually(5*time.Minute, "1 matching 1-1's forced entry", func() bool { return len(s.child("1", 1).ForcedOperations) == 0 })
	t.Logf("forced deposit minted on 1-1 and consumed at 1 after %s", time.Since(forced).Round(time.Second))
	s.requireForcedStepAccepted(kind, forced)
}

// forcedDepositIntoGreatGrandchild (forced deposits into grandchildren, kind 11): alice, holding
// the 5 forcedDepositIntoGrandchild brought to 1-1, forces them on 1-1 into 1-1-1. 1-1-1 mints
// them, 1-1's update to 1 carries a forced leaf step (kind 9: the deposit opened in 1-1's
// outbox), and 1's update to the root a forced node child step (kind 11) verifying it, whose
// circuit shows that outbox an earlier state of 1-1's proven one.
func (s *suite) forcedDepositIntoGreatGrandchild() {
	t := s.t
	alice := s.owner("alice")
	on11 := s.balance("1-1", alice)
	require.Equal(t, uint64(5), on11.Balance)
	below := s.balance("1-1-1", alice).Balance // the demo's funds, less what she sent on
	s.forceDeposit("1-1", 1, "alice", on11, alice)
	forced := time.Now()
	require.Zero(t, s.balance("1-1", alice).Balance, "the deposit is burnt on 1-1")
	s.eventually(5*time.Minute, "the forced deposit minted on 1-1-1", func() bool { return s.balance("1-1-1", alice).Balance == below+5 })
	s.eventually(5*time.Minute, "1-1 matching 1-1-1's forced entry", func() bool { return len(s.child("1-1", 1).ForcedOperations) == 0 })
	t.Logf("forced deposit minted on 1-1-1 and consumed at 1-1 after %s", time.Since(forced).Round(time.Second))
	s.requireForcedStepAccepted("node-child-forced-step", forced)
}

// exitFromFrozenGreatGrandchild (exits below a grandchild, kind 12): alice forces 5 more from 1
// into 1-1; then, with 1-1-1's chain stopped, those 5 from 1-1 into 1-1-1, which nobody consumes,
// so once the deadline passes 1-1 freezes 1-1-1 (DESIGN §8). Her account on 1-1-1 exits on 1-1
// from 1-1-1's finalized state (`ledger opening --finalized`, `tx validium exit`): 1-1's next batch
// credits it as an exit entry, which 1 checks natively, and 1's update to the root carries a node
// ledger exit step (kind 12) opening it under 1-1's finalized children root.
func (s *suite) exitFromFrozenGreatGrandchild() {
	t := s.t
	alice := s.owner("alice")
	s.forceDeposit("1", 1, "alice", s.balance("1", alice), alice)
	s.eventually(5*time.Minute, "the second forced deposit minted on 1-1", func() bool { return s.balance("1-1", alice).Balance == 5 })
	// matched at 1 before 1-1-1 stops, so 1 has nothing to freeze 1-1 for (session 37's run froze
	// 1-1 while the relayer read 1-1-1's commitments from 1-1-1's own node; it now reads them from
	// the updates 1-1 accepted, checked below)
	s.eventually(5*time.Minute, "1 matching 1-1's second forced entry", func() bool { return len(s.child("1", 1).ForcedOperations) == 0 })

	s.localnet("stop", "1-1-1")
	s.forceDeposit("1-1", 1, "alice", s.balance("1-1", alice), alice)
	require.Zero(t, s.balance("1-1", alice).Balance, "the deposit is burnt on 1-1")
	s.eventually(10*time.Minute, "1-1 freezing 1-1-1", func() bool {
		return s.child("1-1", 1).Child.Status == "CHILD_STATUS_FROZEN"
	})
	// a stopped great-grandchild stalls nothing above it: 1 and the root keep accepting updates
	// (their steps open 1-1-1's commitments from 1-1's transaction index, not 1-1-1's node)
	held1, heldRoot := s.child("1", 1).Child.LatestCommitment, s.child("root", 1).Child.LatestCommitment
	s.eventually(5*time.Minute, "1 and the root accepting updates while 1-1-1 is down", func() bool {
		return !bytes.Equal(s.child("1", 1).Child.LatestCommitment, held1) && !bytes.Equal(s.child("root", 1).Child.LatestCommitment, heldRoot)
	})
	s.localnet("start", "1-1-1") // its node answers for the opening; 1-1 takes no update of it now
	s.eventually(2*time.Minute, "1-1-1's node answering again", func() bool { return s.height("1-1-1") > 0 })

	index := strconv.FormatUint(s.balance("1-1-1", alice).Index, 10)
	opening, err := s.cli("ledger", "opening", "--finalized", "--account", index, "--node", s.rpc("1-1-1"), "--node-parent", s.rpc("1-1"))
	require.NoError(t, err)
	var opened struct {
		Balance string `json:"balance"`
	}
	require.NoError(t, json.Unmarshal([]byte(opening), &opened), opening)
	balance, err := strconv.ParseUint(opened.Balance, 10, 64)
	require.NoError(t, err)
	require.NotZero(t, balance, "alice's finalized balance on 1-1-1")
	file := filepath.Join(s.dir, "exit-opening.json")
	require.NoError(t, os.WriteFile(file, []byte(opening), 0o600))
	s.tx("1-1", "validium", "exit", "1", file)
	exited := time.Now()
	s.eventually(5*time.Minute, "the exit credited on 1-1", func() bool { return s.balance("1-1", alice).Balance == balance })
	t.Logf("alice's %d exited from frozen 1-1-1 and credited on 1-1 after %s", balance, time.Since(exited).Round(time.Second))
	s.requireForcedStepAccepted("node-ledger-exit-step", exited)
}

// requireForcedStepAccepted waits for the relayer's proof of a step of kind (its log name: a
// forced or an exit step) and for an update of 1 carrying steps that the root accepted after it,
// and requires that no grandchild update was unprovable.
func (s *suite) requireForcedStepAccepted(kind string, forced time.Time) {
	t := s.t
	proofLine := regexp.MustCompile(`msg=proof kind=` + kind + ` seconds=([0-9.]+) peak_rss_mib=([0-9]+)`)
	accepted := regexp.MustCompile(`update accepted" child=1 parent=root .* steps=[1-9]`)
	var proof []int
	s.eventually(15*time.Minute, "a forced step in an update of 1 the root accepted", func() bool {
		log, err := os.ReadFile(filepath.Join(s.dir, "relayer.log"))
		require.NoError(t, err)
		if proof = proofLine.FindSubmatchIndex(log); proof == nil {
			return false
		}
		return accepted.Match(log[proof[1]:])
	})
	log, err := os.ReadFile(filepath.Join(s.dir, "relayer.log"))
	require.NoError(t, err)
	m := proofLine.FindSubmatch(log)
	t.Logf("%s: %s s, relayer peak %s MiB; in an update the root accepted %s after the forced operation",
		kind, m[1], m[2], time.Since(forced).Round(time.Second))
	require.NotContains(t, string(log), "no step kind proves this grandchild update", "no grandchild update was unprovable")
}
