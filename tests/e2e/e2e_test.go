//go:build e2e

// Package e2e runs the whole Slush tree for real: five slushchaind chains and the relayer,
// driven through scripts/localnet.sh, scripts/demo.sh and the CLI (`make test-e2e`).
//
// One localnet serves the suite, in order: the demo's cross-branch transfer; a burst of
// transfers on one chain, four batches' worth in one block (an update carries several chained
// batch proofs); a relayer crash
// in the middle of a transfer (exactly one mint); a chain's node killed and restarted (it
// catches up with no app-hash mismatch); the emergency re-election of chain 1
// (scripts/failover.sh) followed by a transfer through the restarted chain; two withdrawals
// forced on 1-2 through 1, one executed and one a no-op, both proven by the relayer; a stopped
// child whose forced operation expires (its parent freezes it). The last step freezes 1-2, so it
// runs last.
package e2e

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// basePort keeps the suite off the default localnet (26600) and the localnet tests
// (277xx-279xx); SLUSH_E2E_PORT moves it.
var basePort = func() int {
	if p, err := strconv.Atoi(os.Getenv("SLUSH_E2E_PORT")); err == nil && p > 0 {
		return p
	}
	return 30600
}()

const (
	// forcedOpDeadline is x/validium's forced_op_deadline on every chain of the suite (root
	// heights): small, so an expired forced operation is seen within two minutes, yet long
	// enough for a live child to consume a routed mint — the root queues it, the child syncs the
	// root header, receives it and proves an update, about 15 root blocks at the suite's pace on
	// an idle machine (with 6, chain 2 was frozen before its update could carry the mint; with
	// 30, once in CI, on 2 cores right after make test).
	forcedOpDeadline = 90
	asset            = "7"
)

// defaultTree is localnet.sh's default SPEC: a chain's position fixes its ports.
var defaultTree = []string{"root", "1", "2", "1-1", "1-2"}

// deepTree is the SPEC of demo.sh --deep.
var deepTree = []string{"root", "1", "1-1", "1-1-1"}

// rpc is the CometBFT RPC address of a chain of the default tree.
func rpc(path string) string { return rpcIn(defaultTree, path) }

// rpcIn is the CometBFT RPC address of a chain of the tree spec (localnet.sh: a chain's position
// in the SPEC fixes its ports).
func rpcIn(spec []string, path string) string {
	for i, p := range spec {
		if p == path {
			return "tcp://127.0.0.1:" + strconv.Itoa(basePort+10*i)
		}
	}
	panic("no chain " + path)
}

func chainID(path string) string {
	if path == "root" {
		return "slush-root"
	}
	return "slush-" + path
}

// suite is the running localnet and the binary that drives it.
type suite struct {
	t    *testing.T
	root string // repository root
	bin  string
	dir  string // SLUSH_LOCALNET_DIR
	env  []string
	tree []string // the running tree's SPEC (defaultTree unless a test runs another)
}

// rpc is the CometBFT RPC address of a chain of the suite's tree.
func (s *suite) rpc(path string) string {
	if s.tree == nil {
		return rpc(path)
	}
	return rpcIn(s.tree, path)
}

func repoRoot(t *testing.T) string {
	dir, err := filepath.Abs(filepath.Join("..", ".."))
	require.NoError(t, err)
	return dir
}

// newSuite builds slushchaind and prepares the localnet environment: alice is funded on 1-2
// by the demo, carol on 1 (she forces an operation for 1-2 in the last step).
func newSuite(t *testing.T) *suite {
	if _, err := exec.LookPath("jq"); err != nil {
		t.Fatal("jq is required by scripts/localnet.sh (apt-get install jq)")
	}
	s := &suite{t: t, root: repoRoot(t)}
	binDir := t.TempDir()
	s.bin = filepath.Join(binDir, "slushchaind")
	build := exec.Command("go", "build", "-o", s.bin, "./cmd/slushchaind")
	build.Dir = s.root
	out, err := build.CombinedOutput()
	require.NoError(t, err, string(out))

	s.dir = os.Getenv("SLUSH_E2E_DIR") // keep the localnet's files for inspection
	if s.dir == "" {
		s.dir = t.TempDir()
	}
	s.env = append(os.Environ(),
		"SLUSHCHAIND="+s.bin, "SLUSH_LOCALNET_DIR="+s.dir, "SLUSH_LOCALNET_PORT="+strconv.Itoa(basePort),
		"SLUSH_FORCED_OP_DEADLINE="+strconv.Itoa(forcedOpDeadline),
		"SLUSH_DEPOSITS=1:"+s.owner("carol")+":"+asset+":500 1:"+s.owner("dave")+":"+asset+":100",
		"SLUSH_DEMO_SUMMARY="+filepath.Join(s.dir, "demo-summary.json"),
		"SLUSH_DEMO_TIMEOUT=600",
	)
	if os.Getenv("SLUSH_LEDGER_BATCH_SIZE") == "" {
		// batch 2 halves every proof against the localnet's default 4; each step's ledger
		// operations still span more than one batch where it matters (the demo's deposit and
		// bridge-out on 1-2 fill one batch, the second transfer opens the next)
		s.env = append(s.env, "SLUSH_LEDGER_BATCH_SIZE=2")
	}
	if deadline, ok := t.Deadline(); ok {
		// a `go test -timeout` panic runs no cleanup: stop the chains and the relayer before it
		stop := time.AfterFunc(time.Until(deadline)-time.Minute, func() { _, _ = s.script("down") })
		t.Cleanup(func() { stop.Stop() })
	}
	t.Cleanup(func() {
		if t.Failed() {
			s.dumpLogs()
		}
		_, _ = s.script("down")
	})
	return s
}

// dumpLogs prints the tail of the relayer's and every chain's log.
func (s *suite) dumpLogs() {
	for _, f := range append([]string{"relayer.log"}, func() []string {
		var logs []string
		tree := s.tree
		if tree == nil {
			tree = defaultTree
		}
		for _, p := range tree {
			logs = append(logs, filepath.Join(chainID(p), "node.log"))
		}
		return logs
	}()...) {
		b, err := os.ReadFile(filepath.Join(s.dir, f))
		if err != nil {
			s.t.Logf("%s: %v", f, err)
			continue
		}
		lines := strings.Split(string(b), "\n")
		if len(lines) > 60 {
			lines = lines[len(lines)-60:]
		}
		s.t.Logf("--- last lines of %s ---\n%s", f, strings.Join(lines, "\n"))
	}
}

// runSummarized runs a script of the repository that writes a JSON summary to the file its
// summaryVar names, logs its output and time, fails the test if it fails, and decodes the summary
// into sum.
func (s *suite) runSummarized(script, summaryVar string, sum any, args ...string) {
	s.t.Helper()
	file := filepath.Join(s.dir, strings.TrimSuffix(script, ".sh")+"-summary.json")
	begin := time.Now()
	cmd := exec.Command(filepath.Join(s.root, "scripts", script), args...)
	cmd.Env = append(append([]string{}, s.env...), summaryVar+"="+file)
	out, err := cmd.CombinedOutput()
	s.t.Logf("scripts/%s %s (%s):\n%s", script, strings.Join(args, " "), time.Since(begin).Round(time.Second), out)
	require.NoError(s.t, err, "scripts/%s failed", script)
	b, err := os.ReadFile(file)
	require.NoError(s.t, err)
	require.NoError(s.t, json.Unmarshal(b, sum))
}

// script runs a script of the repository with the suite's environment.
func (s *suite) script(args ...string) (string, error) {
	name := "localnet.sh"
	if args[0] == "demo" {
		name, args = "demo.sh", args[1:]
	}
	cmd := exec.Command(filepath.Join(s.root, "scripts", name), args...)
	cmd.Env = s.env
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// localnetWith runs scripts/localnet.sh with extra environment and fails the test on error.
func (s *suite) localnetWith(env []string, args ...string) string {
	s.t.Helper()
	cmd := exec.Command(filepath.Join(s.root, "scripts", "localnet.sh"), args...)
	cmd.Env = append(append([]string{}, s.env...), env...)
	out, err := cmd.CombinedOutput()
	require.NoError(s.t, err, "localnet.sh %s: %s", strings.Join(args, " "), out)
	return string(out)
}

// localnet runs scripts/localnet.sh and fails the test on error.
func (s *suite) localnet(args ...string) string {
	s.t.Helper()
	out, err := s.script(args...)
	require.NoError(s.t, err, "localnet.sh %s: %s", strings.Join(args, " "), out)
	return out
}

// cli runs slushchaind and returns its stdout.
func (s *suite) cli(args ...string) (string, error) {
	cmd := exec.Command(s.bin, args...)
	cmd.Env = s.env
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return string(out), fmt.Errorf("%s: %w: %s", strings.Join(args, " "), err, stderr.String())
	}
	return string(out), nil
}

// owner is the hex owner hash of a seed's ledger key.
func (s *suite) owner(seed string) string {
	out, err := exec.Command(s.bin, "ledger", "owner", "--seed", seed).Output()
	require.NoError(s.t, err)
	return strings.TrimSpace(string(out))
}

// query runs `slushchaind query ...` on a chain and decodes its JSON into v.
func (s *suite) query(path string, v any, args ...string) error {
	out, err := s.cli(append(append([]string{"query"}, args...), "--node", s.rpc(path), "-o", "json")...)
	if err != nil {
		return err
	}
	return json.Unmarshal([]byte(out), v)
}

// mustQuery is query that fails the test.
func (s *suite) mustQuery(path string, v any, args ...string) {
	s.t.Helper()
	require.NoError(s.t, s.query(path, v, args...))
}

// height is a chain's latest block height (0 if its node does not answer).
func (s *suite) height(path string) int64 {
	out, err := s.cli("status", "--node", s.rpc(path))
	if err != nil {
		return 0
	}
	var st struct {
		SyncInfo struct {
			Height string `json:"latest_block_height"`
		} `json:"sync_info"`
	}
	if json.Unmarshal([]byte(out), &st) != nil {
		return 0
	}
	h, _ := strconv.ParseInt(st.SyncInfo.Height, 10, 64)
	return h
}

// account is `slushchaind ledger balance`'s answer.
type account struct {
	Found   bool   `json:"found"`
	Index   uint64 `json:"index"`
	Balance uint64 `json:"balance"`
	Nonce   uint64 `json:"nonce"`
}

// balance is an owner's account of the suite's asset on a chain's ledger.
func (s *suite) balance(path, owner string) account {
	s.t.Helper()
	out, err := s.cli("ledger", "balance", "--owner", owner, "--asset", asset, "--node", s.rpc(path))
	require.NoError(s.t, err)
	var a account
	require.NoError(s.t, json.Unmarshal([]byte(out), &a), out)
	return a
}

// ownLedger is x/ledger's state query.
type ownLedger struct {
	LedgerRoot    []byte `json:"ledger_root"`
	OutboxRoot    []byte `json:"outbox_root"`
	InboxLength   string `json:"inbox_length"`
	InboxConsumed string `json:"inbox_consumed"`
}

func (s *suite) ledger(path string) ownLedger {
	s.t.Helper()
	var l ownLedger
	s.mustQuery(path, &l, "ledger", "state")
	return l
}

// childRecord is the part of x/validium's child query the suite checks.
type childRecord struct {
	Child struct {
		Status           string `json:"status"`
		LatestCommitment []byte `json:"latest_commitment"`
		OperatorKeyHash  []byte `json:"operator_key_hash"`
		Epoch            string `json:"epoch"`
		Bond             struct {
			Amount string `json:"amount"`
		} `json:"bond"`
		LedgerRoot         []byte `json:"ledger_root"`
		OutboxRoot         []byte `json:"outbox_root"`
		AnchorHeight       string `json:"anchor_height"`
		FrozenAtRootHeight string `json:"frozen_at_root_height"`
		FreezeReason       string `json:"freeze_reason"`
	} `json:"child"`
	ForcedOperations []struct {
		Sequence    string `json:"sequence"`
		PayloadHash []byte `json:"payload_hash"`
		Deadline    string `json:"deadline"`
	} `json:"forced_operations"`
}

func (s *suite) child(parent string, index int) childRecord {
	s.t.Helper()
	var c childRecord
	s.mustQuery(parent, &c, "validium", "child", strconv.Itoa(index))
	return c
}

// messageStatus is a message's status on a chain.
func (s *suite) messageStatus(path, msgHash string) string {
	s.t.Helper()
	var res struct {
		Status string `json:"status"`
	}
	s.mustQuery(path, &res, "bridge", "message-status", msgHash)
	return res.Status
}

// claimed tells whether a chain holds the message's nullifier.
func (s *suite) claimed(path, msgHash string) bool {
	s.t.Helper()
	var res struct {
		Claimed bool `json:"claimed"`
	}
	s.mustQuery(path, &res, "bridge", "nullifier", msgHash)
	return res.Claimed
}

// successfulTxs counts a chain's successful txs carrying a message type.
func (s *suite) successfulTxs(path, msgType string) int {
	s.t.Helper()
	var res struct {
		Txs []struct {
			Code int `json:"code"`
		} `json:"txs"`
	}
	s.mustQuery(path, &res, "txs", "--query", fmt.Sprintf("message.action='%s'", msgType), "--limit", "100")
	n := 0
	for _, tx := range res.Txs {
		if tx.Code == 0 {
			n++
		}
	}
	return n
}

// txResult is the part of a tx query the suite reads.
type txResult struct {
	Height string `json:"height"`
	Code   int    `json:"code"`
	RawLog string `json:"raw_log"`
	TxHash string `json:"txhash"`
	// MessageHash is what tx bridge bridge-out prints (hex).
	MessageHash string `json:"message_hash"`
}

// tx signs args (a `tx` subcommand) with the chain's `user` account, waits for its block and
// requires it to succeed.
func (s *suite) tx(path string, args ...string) txResult {
	s.t.Helper()
	home := filepath.Join(s.dir, chainID(path))
	full := append(append([]string{"tx"}, args...), "--from", "user", "--home", home, "--keyring-backend", "test",
		"--chain-id", chainID(path), "--node", s.rpc(path), "--gas", "800000", "--yes", "-o", "json")
	out, err := s.cli(full...)
	require.NoError(s.t, err)
	return s.included(path, out)
}

// included reads a broadcast's answer (CheckTx), waits for the tx's block and requires it to
// succeed there.
func (s *suite) included(path, out string) txResult {
	s.t.Helper()
	var res txResult
	require.NoError(s.t, json.Unmarshal([]byte(out), &res), out)
	require.Zero(s.t, res.Code, "CheckTx: %s", out)
	msgHash := res.MessageHash
	s.eventually(30*time.Second, "tx "+res.TxHash+" in a block", func() bool {
		return s.query(path, &res, "tx", res.TxHash) == nil
	})
	res.MessageHash = msgHash
	require.Zero(s.t, res.Code, "tx failed: %s", res.RawLog)
	return res
}

// eventually polls cond every second until it holds; the relayer must stay up meanwhile.
func (s *suite) eventually(timeout time.Duration, what string, cond func() bool) {
	s.t.Helper()
	start := time.Now()
	for !cond() {
		if s.relayerPID() == 0 {
			s.t.Fatalf("the relayer is not running while waiting for %s", what)
		}
		if time.Since(start) > timeout {
			s.t.Fatalf("timed out after %s waiting for %s", timeout, what)
		}
		time.Sleep(time.Second)
	}
	s.t.Logf("%s: after %s", what, time.Since(start).Round(100*time.Millisecond))
}

// relayerPID is the running relayer's pid (0 if none).
func (s *suite) relayerPID() int {
	b, err := os.ReadFile(filepath.Join(s.dir, "relayer.pid"))
	if err != nil {
		return 0
	}
	pid, _ := strconv.Atoi(strings.TrimSpace(string(b)))
	if pid == 0 || exec.Command("kill", "-0", strconv.Itoa(pid)).Run() != nil {
		return 0
	}
	return pid
}

// uintOf reads a JSON uint64 (a string; empty when zero and omitted).
func uintOf(v string) uint64 {
	n, _ := strconv.ParseUint(v, 10, 64)
	return n
}

// hexOf is the hex of a JSON (base64) bytes field.
func hexOf(b []byte) string { return hex.EncodeToString(b) }

// outgoingHash finds the hash of the message sent on a chain at a height for an amount.
func (s *suite) outgoingHash(path, height, amount string) string {
	s.t.Helper()
	var res struct {
		Outgoing []struct {
			Message struct {
				Amount string `json:"amount"`
			} `json:"message"`
			MessageHash []byte `json:"message_hash"`
			SentHeight  string `json:"sent_height"`
		} `json:"outgoing"`
	}
	s.mustQuery(path, &res, "bridge", "pending-messages")
	for _, o := range res.Outgoing {
		if o.SentHeight == height && o.Message.Amount == amount {
			return hexOf(o.MessageHash)
		}
	}
	s.t.Fatalf("no outgoing message of %s sent on %s at height %s", amount, path, height)
	return ""
}

// bridgeOut sends amount of the suite's asset from the seed's account on path to recipient on
// dst (deadline far ahead: no routing) and returns the message hash.
func (s *suite) bridgeOut(path, seed string, from account, amount, dst, recipient string) string {
	s.t.Helper()
	return s.bridgeOutDue(path, seed, from, amount, dst, recipient, 1000000)
}

// bridgeOutDue is bridgeOut with the message's deadline (a root height): unclaimed by then, it
// travels by the fallback route.
func (s *suite) bridgeOutDue(path, seed string, from account, amount, dst, recipient string, deadline uint64) string {
	s.t.Helper()
	op, err := s.cli("ledger", "bridge-out", "--seed", seed, "--path", path, "--account", strconv.FormatUint(from.Index, 10),
		"--nonce", strconv.FormatUint(from.Nonce, 10), "--asset", asset, "--amount", amount, "--dst", dst,
		"--recipient", recipient, "--deadline", strconv.FormatUint(deadline, 10))
	require.NoError(s.t, err)
	res := s.tx(path, "bridge", "bridge-out", strings.TrimSpace(op))
	require.Len(s.t, res.MessageHash, 64, "tx bridge bridge-out prints the message hash")
	require.Equal(s.t, res.MessageHash, s.outgoingHash(path, res.Height, amount), "the message the chain recorded")
	return res.MessageHash
}

// demoSummary is what scripts/demo.sh writes to SLUSH_DEMO_SUMMARY.
type demoSummary struct {
	Message         string            `json:"message"`
	ClaimSeconds    float64           `json:"bridge_out_to_claim_s"`
	ConfirmSeconds  float64           `json:"bridge_out_to_confirm_s"`
	FinalityBefore  string            `json:"finality_before"`
	FinalityAfter   int64             `json:"finality_after"`
	RootHeightAfter int64             `json:"root_height_after"`
	LagRootBlocks   int64             `json:"finality_lag_root_blocks"`
	SentHeight      int64             `json:"sent_height"`
	RSS             map[string]string `json:"rss_mib"`
}

// TestE2E runs the suite's steps in order on one localnet.
func TestE2E(t *testing.T) {
	s := newSuite(t)
	start := time.Now()
	steps := []struct {
		name string
		run  func(*suite)
	}{
		{"demo", stepDemo},
		{"burst of transfers on 1-2", stepBurst},
		{"operator tools: pending, track, health-check", stepOperatorTools},
		{"relayer crash mid-transfer", stepRelayerCrash},
		{"fallback route 1-2 -> 2 with nobody claiming", stepFallbackRoute},
		{"node kill and restart", stepNodeRestart},
		{"failover of chain 1", stepFailover},
		{"forced withdrawal from 1-2 through 1", stepForcedWithdrawal},
		{"stopped child frozen", stepFrozenChild},
	}
	for _, step := range steps {
		stepStart := time.Now()
		ok := t.Run(step.name, func(t *testing.T) {
			sub := *s
			sub.t = t
			step.run(&sub)
		})
		t.Logf("step %q took %s", step.name, time.Since(stepStart).Round(time.Second))
		if !ok {
			t.Fatalf("step %q failed: the later steps build on it", step.name)
		}
	}
	t.Logf("suite took %s", time.Since(start).Round(time.Second))
}

// stepDemo runs scripts/demo.sh (the README's main command) and checks its outcome on the
// chains themselves: alice's 30 left 1-2 once, bob holds them on 2 through one claim, 1-2
// recorded the confirmation, and root finality passed the root height of the transfer.
func stepDemo(s *suite) {
	t := s.t
	begin := time.Now()
	out, err := s.script("demo")
	t.Logf("scripts/demo.sh (%s):\n%s", time.Since(begin).Round(time.Second), out)
	require.NoError(t, err, "the demo failed")
	require.Contains(t, out, "=== Slush demo summary ===")

	b, err := os.ReadFile(filepath.Join(s.dir, "demo-summary.json"))
	require.NoError(t, err)
	var sum demoSummary
	require.NoError(t, json.Unmarshal(b, &sum))
	require.Len(t, sum.Message, 64)
	require.Positive(t, sum.ConfirmSeconds)
	require.GreaterOrEqual(t, sum.ConfirmSeconds, sum.ClaimSeconds, "the confirmation needs the claim's receipt")
	require.Positive(t, sum.FinalityAfter, "root finality found")

	alice, bob := s.owner("alice"), s.owner("bob")
	require.Equal(t, account{Found: true, Index: 0, Balance: 970, Nonce: 1}, s.balance("1-2", alice))
	require.Equal(t, uint64(30), s.balance("2", bob).Balance)
	require.False(t, s.balance("1-2", bob).Found, "nothing minted back on the sender")
	require.True(t, s.claimed("2", sum.Message), "the nullifier is set on 2")
	require.False(t, s.claimed("1", sum.Message), "and nowhere else")
	require.Equal(t, "MESSAGE_STATUS_CONFIRMED", s.messageStatus("1-2", sum.Message))
	require.Equal(t, "MESSAGE_STATUS_CLAIMED", s.messageStatus("2", sum.Message))
	require.Equal(t, "1", s.ledger("2").InboxLength, "one mint on 2")
	require.Equal(t, 1, s.successfulTxs("2", "/slush.bridge.v1.MsgClaim"))
	require.Equal(t, 1, s.successfulTxs("1-2", "/slush.bridge.v1.MsgConfirm"))

	var fin struct {
		Found  bool   `json:"found"`
		Height string `json:"height"`
	}
	s.mustQuery("root", &fin, "acceptance", "finality")
	require.True(t, fin.Found)
	h, _ := strconv.ParseInt(fin.Height, 10, 64)
	require.GreaterOrEqual(t, h, sum.FinalityAfter, "root finality never goes back")
	require.NotZero(t, s.relayerPID(), "the relayer still runs")
}

// stepBurst: alice pays henry on 1-2 in 4 × batch_size transfers, all in one block (one tx),
// so under one anchor of 1-2: before issue 15 no commitment of 1-2 was provable in one batch any
// more and the edge stalled until 1 froze 1-2. Now 1 accepts an update of 1-2 carrying at least
// four chained batch proofs, the root's record of 1 comes to cover 1's record of 1-2 covering the
// whole burst (every transfer reaches the root), and the edge keeps advancing afterwards.
func stepBurst(s *suite) {
	t := s.t
	var lp struct {
		Params struct {
			BatchSize int `json:"batch_size"`
		} `json:"params"`
	}
	s.mustQuery("1-2", &lp, "ledger", "params")
	require.Positive(t, lp.Params.BatchSize)
	n := 4 * lp.Params.BatchSize
	alice, henry := s.owner("alice"), s.owner("henry")
	a := s.balance("1-2", alice)
	require.True(t, a.Found)
	ops := make([]string, n)
	for i := range ops {
		op, err := s.cli("ledger", "transfer", "--seed", "alice", "--path", "1-2", "--account", strconv.FormatUint(a.Index, 10),
			"--nonce", strconv.FormatUint(a.Nonce+uint64(i), 10), "--asset", asset, "--amount", "1", "--to", henry)
		require.NoError(t, err)
		ops[i] = strings.TrimSpace(op)
	}
	from1 := s.height("1")
	res := s.txAll("1-2", "ledger", "transfer", ops)
	sent := time.Now()
	burstHeight, err := strconv.ParseInt(res.Height, 10, 64)
	require.NoError(t, err)
	t.Logf("%d transfers (batch size %d) logged on 1-2 in block %d", n, lp.Params.BatchSize, burstHeight)
	require.Equal(t, account{Found: true, Index: a.Index, Balance: a.Balance - uint64(n), Nonce: a.Nonce + uint64(n)}, s.balance("1-2", alice))
	require.Equal(t, uint64(n), s.balance("1-2", henry).Balance)

	// covered reports whether chain path's record of child index, read at height (0: latest),
	// holds a commitment the child made at or after block since
	covered := func(path string, index int, height, since int64) bool {
		var rec childRecord
		if s.query(path, &rec, "validium", "child", strconv.Itoa(index), "--height", strconv.FormatInt(height, 10)) != nil {
			return false
		}
		return s.commitmentHeight(childPath(path, index), rec.Child.LatestCommitment) >= since
	}
	s.eventually(10*time.Minute, "1's record of 1-2 covering the burst", func() bool { return covered("1", 2, 0, burstHeight) })
	t.Logf("burst -> proven to 1: %s", time.Since(sent).Round(time.Second))
	s.eventually(10*time.Minute, "the root's record of 1 covering 1's record of 1-2 covering the burst", func() bool {
		h1 := s.commitmentHeight("1", s.child("root", 1).Child.LatestCommitment)
		return h1 > 0 && covered("1", 2, h1, burstHeight)
	})
	t.Logf("burst -> bound by the root's record of 1: %s", time.Since(sent).Round(time.Second))

	batches, gas := s.largestUpdate("1", 2, from1)
	t.Logf("largest update of 1-2 on 1 since the burst: %d batch proofs, %d gas", batches, gas)
	require.GreaterOrEqual(t, batches, 4, "the burst was proven as chained batches in one update")

	anchor := uintOf(s.child("1", 2).Child.AnchorHeight)
	s.eventually(2*time.Minute, "1-2's edge advancing past the burst", func() bool {
		return uintOf(s.child("1", 2).Child.AnchorHeight) > anchor
	})
	require.Equal(t, "CHILD_STATUS_ACTIVE", s.child("1", 2).Child.Status)
}

// childPath is the path of child index of the chain at path.
func childPath(path string, index int) string {
	if path == "root" {
		return strconv.Itoa(index)
	}
	return path + "-" + strconv.Itoa(index)
}

// commitmentHeight is the block at which the chain at path made a commitment (its first stored
// copy; 0 when it answers nothing).
func (s *suite) commitmentHeight(path string, commitment []byte) int64 {
	if len(commitment) == 0 {
		return 0
	}
	var res struct {
		Commitment struct {
			Height string `json:"height"`
		} `json:"commitment"`
	}
	if s.query(path, &res, "tree", "commitment-by-hash", hexOf(commitment)) != nil {
		return 0
	}
	h, _ := strconv.ParseInt(res.Commitment.Height, 10, 64)
	return h
}

// largestUpdate is the most batch proofs an accepted MsgSubmitUpdate of child index carried on
// the chain at path from block from on, and that transaction's gas.
func (s *suite) largestUpdate(path string, index uint32, from int64) (int, int64) {
	s.t.Helper()
	var res struct {
		Txs []struct {
			Code    int    `json:"code"`
			GasUsed string `json:"gas_used"`
			Tx      struct {
				Body struct {
					Messages []struct {
						ChildIndex uint32            `json:"child_index"`
						Batches    []json.RawMessage `json:"batches"`
					} `json:"messages"`
				} `json:"body"`
			} `json:"tx"`
		} `json:"txs"`
	}
	s.mustQuery(path, &res, "txs", "--query", fmt.Sprintf("message.action='/slush.validium.v1.MsgSubmitUpdate' AND tx.height>=%d", from),
		"--limit", "100")
	most, gas := 0, int64(0)
	for _, tx := range res.Txs {
		for _, m := range tx.Tx.Body.Messages {
			if tx.Code == 0 && m.ChildIndex == index && len(m.Batches) > most {
				most = len(m.Batches)
				gas, _ = strconv.ParseInt(tx.GasUsed, 10, 64)
			}
		}
	}
	return most, gas
}

// txAll signs one transaction of the chain's `user` account carrying a `tx MODULE MSG ARG`
// message per arg (each generated by the CLI), broadcasts it, waits for its block and requires it
// to succeed: every message lands in the same block.
func (s *suite) txAll(path, module, msg string, args []string) txResult {
	s.t.Helper()
	home := filepath.Join(s.dir, chainID(path))
	common := []string{"--from", "user", "--home", home, "--keyring-backend", "test", "--chain-id", chainID(path), "--node", s.rpc(path)}
	var tx map[string]any
	var msgs []any
	for _, arg := range args {
		out, err := s.cli(append([]string{"tx", module, msg, arg, "--generate-only", "--gas", strconv.Itoa(400_000 * len(args))}, common...)...)
		require.NoError(s.t, err)
		require.NoError(s.t, json.Unmarshal([]byte(out), &tx), out)
		msgs = append(msgs, tx["body"].(map[string]any)["messages"].([]any)...)
	}
	tx["body"].(map[string]any)["messages"] = msgs
	unsigned := filepath.Join(s.t.TempDir(), "unsigned.json")
	b, err := json.Marshal(tx)
	require.NoError(s.t, err)
	require.NoError(s.t, os.WriteFile(unsigned, b, 0o600))
	signed, err := s.cli(append([]string{"tx", "sign", unsigned}, common...)...)
	require.NoError(s.t, err)
	signedFile := filepath.Join(s.t.TempDir(), "signed.json")
	require.NoError(s.t, os.WriteFile(signedFile, []byte(signed), 0o600))
	out, err := s.cli("tx", "broadcast", signedFile, "--node", s.rpc(path), "-o", "json")
	require.NoError(s.t, err)
	return s.included(path, out)
}

// stepRelayerCrash: alice sends 20 to dave, and the relayer is killed (SIGKILL) twice: once
// right after the bridge-out is in a block (before anything is proven), and once as soon as
// 1-2's burn is proven to 1 (mid-pipeline: 1's update to the root, 2's sync, the inclusion
// proof and the claim are still to come). Each time it is restarted. The message is claimed
// and confirmed, and minted exactly once (DESIGN §11: a restart loses nothing and submits
// nothing twice that counts; §7.3: the nullifier).
func stepRelayerCrash(s *suite) {
	t := s.t
	alice, dave := s.owner("alice"), s.owner("dave")
	before := s.ledger("2")
	claimsBefore := s.successfulTxs("2", "/slush.bridge.v1.MsgClaim")
	a := s.balance("1-2", alice)
	require.True(t, a.Found)

	msg := s.bridgeOut("1-2", "alice", a, "20", "2", dave)
	s.localnet("relayer-stop", "--kill")
	require.Zero(t, s.relayerPID())
	require.False(t, s.claimed("2", msg), "killed between the bridge-out and the claim")
	time.Sleep(3 * time.Second)
	require.False(t, s.claimed("2", msg), "nobody claims while the relayer is down")
	s.localnet("relayer-start")

	// the burn is proven to 1 when 1's record of child 2 (1-2) carries 1-2's outbox root
	s.eventually(10*time.Minute, "1-2's burn proven to 1", func() bool {
		return hexOf(s.child("1", 2).Child.OutboxRoot) == hexOf(s.ledger("1-2").OutboxRoot)
	})
	s.localnet("relayer-stop", "--kill")
	t.Logf("second kill, mid-pipeline: claimed on 2 already: %v", s.claimed("2", msg))
	s.localnet("relayer-start")
	require.NotZero(t, s.relayerPID())

	s.eventually(10*time.Minute, "dave's claim on 2 after the restarts", func() bool { return s.claimed("2", msg) })
	s.eventually(10*time.Minute, "the confirmation on 1-2", func() bool {
		return s.messageStatus("1-2", msg) == "MESSAGE_STATUS_CONFIRMED"
	})
	// a few more relayer rounds: nothing is claimed or minted again
	time.Sleep(10 * time.Second)
	require.Equal(t, uint64(20), s.balance("2", dave).Balance, "minted exactly once")
	after := s.ledger("2")
	inBefore, _ := strconv.Atoi(before.InboxLength)
	inAfter, _ := strconv.Atoi(after.InboxLength)
	require.Equal(t, inBefore+1, inAfter, "one more inbox entry (mint) on 2")
	require.Equal(t, claimsBefore+1, s.successfulTxs("2", "/slush.bridge.v1.MsgClaim"), "one more successful claim")
	require.Equal(t, a.Balance-20, s.balance("1-2", alice).Balance)
	require.Equal(t, "MESSAGE_STATUS_CLAIMED", s.messageStatus("2", msg))
}

// stepFallbackRoute is issue 18's fallback routing between live chains: with a relayer that
// claims and confirms nothing, a message from 1-2 to 2 expires, travels up inside 1-2's and 1's
// proven updates to the root, is queued down to 2 as a forced operation and minted there exactly
// once; the sender's account, frozen for bridge-outs while the message waited, is unfrozen at
// expiry. The relayer then claims again for the later steps.
func stepFallbackRoute(s *suite) {
	t := s.t
	alice, ivan := s.owner("alice"), s.owner("ivan")
	claimsBefore := s.successfulTxs("2", "/slush.bridge.v1.MsgClaim")
	inboxBefore, _ := strconv.Atoi(s.ledger("2").InboxLength)
	s.localnet("relayer-stop")
	s.localnetWith([]string{"SLUSH_RELAYER_NO_CLAIMS=1"}, "relayer-start")
	cfg, err := os.ReadFile(filepath.Join(s.dir, "tree.toml"))
	require.NoError(t, err)
	require.Contains(t, string(cfg), "no_claims = true")

	a := s.balance("1-2", alice)
	deadline := uint64(s.height("root")) + 15
	msg := s.bridgeOutDue("1-2", "alice", a, "9", "2", ivan, deadline)
	t.Logf("message %s from 1-2 to 2, deadline root height %d, nobody claims it", msg, deadline)
	s.eventually(10*time.Minute, "the message expired on 1-2 and routed up", func() bool {
		return s.messageStatus("1-2", msg) == "MESSAGE_STATUS_ROUTED_UP"
	})
	s.eventually(15*time.Minute, "ivan's mint on 2 by the route", func() bool { return s.balance("2", ivan).Found })
	var route struct {
		Route struct {
			Status string `json:"status"`
		} `json:"route"`
	}
	s.mustQuery("root", &route, "validium", "route", msg)
	require.Equal(t, "MESSAGE_STATUS_ROUTED_DOWN", route.Route.Status, "the root, common ancestor, queued it down to 2")
	time.Sleep(10 * time.Second) // more relayer rounds: nothing is minted again
	require.Equal(t, uint64(9), s.balance("2", ivan).Balance, "minted exactly once")
	require.True(t, s.claimed("2", msg), "the shared nullifier is set on 2")
	inboxAfter, _ := strconv.Atoi(s.ledger("2").InboxLength)
	require.Equal(t, inboxBefore+1, inboxAfter, "one more inbox entry (mint) on 2")
	require.Equal(t, claimsBefore, s.successfulTxs("2", "/slush.bridge.v1.MsgClaim"), "no claim: the route delivered it")
	require.Equal(t, a.Balance-9, s.balance("1-2", alice).Balance, "burnt once on 1-2")
	// the root's forced operation for 2 (the routed mint) is consumed by 2's next proven update,
	// well before its deadline (a later step stops 2)
	s.eventually(5*time.Minute, "2's proven update consuming the routed mint at the root", func() bool {
		return len(s.child("root", 2).ForcedOperations) == 0
	})
	require.Equal(t, "CHILD_STATUS_ACTIVE", s.child("root", 2).Child.Status)

	s.localnet("relayer-stop")
	s.localnet("relayer-start")
	cfg, err = os.ReadFile(filepath.Join(s.dir, "tree.toml"))
	require.NoError(t, err)
	require.NotContains(t, string(cfg), "no_claims", "claims again for the later steps")
	// alice's account is unfrozen: a new bridge-out from it is accepted (to 2-1, which the tree
	// does not have, so nothing claims it and the later steps see no new mint)
	a = s.balance("1-2", alice)
	s.bridgeOut("1-2", "alice", a, "1", "2-1", ivan)
}

// stepNodeRestart: chain 2's node is killed (SIGKILL) and restarted. It catches up (its height
// grows past where it stopped), its log shows no app-hash mismatch or consensus failure, and
// the relayer carries its next proven update to the root.
func stepNodeRestart(s *suite) {
	t := s.t
	logPath := filepath.Join(s.dir, chainID("2"), "node.log")
	st, err := os.Stat(logPath)
	require.NoError(t, err)
	offset := st.Size()
	h0 := s.height("2")
	require.Positive(t, h0)

	s.localnet("stop", "2", "--kill")
	require.Zero(t, s.height("2"), "the node is down")
	time.Sleep(5 * time.Second)
	s.localnet("start", "2")
	s.eventually(2*time.Minute, "2 past its height before the kill", func() bool { return s.height("2") > h0+3 })

	// a new operation on 2 (bob pays erin 5), which only a proven update of 2 carries to the root
	bob, erin := s.owner("bob"), s.owner("erin")
	b := s.balance("2", bob)
	require.True(t, b.Found)
	op, err := s.cli("ledger", "transfer", "--seed", "bob", "--path", "2", "--account", strconv.FormatUint(b.Index, 10),
		"--nonce", strconv.FormatUint(b.Nonce, 10), "--asset", asset, "--amount", "5", "--to", erin)
	require.NoError(t, err)
	s.tx("2", "ledger", "transfer", strings.TrimSpace(op))
	require.Equal(t, uint64(5), s.balance("2", erin).Balance)
	want := hexOf(s.ledger("2").LedgerRoot)
	s.eventually(10*time.Minute, "the root accepting 2's update with the transfer", func() bool {
		return hexOf(s.child("root", 2).Child.LedgerRoot) == want
	})

	b2, err := os.ReadFile(logPath)
	require.NoError(t, err)
	restarted := strings.ToLower(string(b2[offset:]))
	// CometBFT's words for a replayed block that does not reproduce the app hash, a failed
	// handshake with the app, or a crash
	for _, bad := range []string{"wrong block.header.apphash", "app hash mismatch", "apphash mismatch",
		"error during handshake", "consensus failure", "panic"} {
		require.NotContains(t, restarted, bad, "2's log after the restart")
	}
}

// failoverSummary is what scripts/failover.sh writes to SLUSH_FAILOVER_SUMMARY.
type failoverSummary struct {
	Round               uint64 `json:"round"`
	OldEpoch            uint64 `json:"old_epoch"`
	NewEpoch            uint64 `json:"new_epoch"`
	OperatorKeyHash     string `json:"operator_key_hash"`
	FinalizedCommitment string `json:"finalized_commitment"`
	ExportHeight        int64  `json:"export_height"`
	InitialHeight       int64  `json:"initial_height"`
	Seconds             struct {
		Elected          float64 `json:"elected"`
		Restarted        float64 `json:"restarted"`
		ParentAccepted   float64 `json:"parent_accepted"`
		ChildrenAccepted float64 `json:"children_accepted"`
	} `json:"seconds"`
}

// stepFailover runs scripts/failover.sh on chain 1 (DESIGN §9): 1 withholds from 1-1 and 1-2,
// they report and vote on the root, the root installs the elected operator, and 1 restarts from
// its state at its finalized commitment under that operator. The root then holds 1 at the new
// epoch with a commitment 1 made for that epoch and operator key, the round is closed with a
// majority, and a transfer from 1-2 to 2 (up through the restarted 1, and its receipt back
// down through it) completes.
func stepFailover(s *suite) {
	t := s.t
	before := s.child("root", 1)
	var sum failoverSummary
	s.runSummarized("failover.sh", "SLUSH_FAILOVER_SUMMARY", &sum, "1")
	require.Equal(t, sum.OldEpoch+1, sum.NewEpoch)
	require.Equal(t, sum.OldEpoch, uintOf(before.Child.Epoch))
	require.Equal(t, sum.ExportHeight+1, sum.InitialHeight, "the new chain continues from the export")

	// the root: 1 at the new epoch, the elected key, and an update made for them accepted
	rec := s.child("root", 1)
	require.Equal(t, sum.NewEpoch, uintOf(rec.Child.Epoch))
	require.Equal(t, sum.OperatorKeyHash, hexOf(rec.Child.OperatorKeyHash))
	require.Equal(t, before.Child.Bond.Amount, rec.Child.Bond.Amount, "the elected operator posted a bond like the old one")
	require.NotEqual(t, sum.FinalizedCommitment, hexOf(rec.Child.LatestCommitment), "an update after the switch")
	var own struct {
		Commitment struct {
			Height string `json:"height"`
			Fields struct {
				OperatorKeyHash []byte `json:"operator_key_hash"`
				Epoch           string `json:"epoch"`
			} `json:"fields"`
		} `json:"commitment"`
	}
	s.mustQuery("1", &own, "tree", "commitment-by-hash", hexOf(rec.Child.LatestCommitment))
	require.Equal(t, sum.NewEpoch, uintOf(own.Commitment.Fields.Epoch), "made by the restarted chain")
	require.Equal(t, sum.OperatorKeyHash, hexOf(own.Commitment.Fields.OperatorKeyHash))
	h, _ := strconv.ParseInt(own.Commitment.Height, 10, 64)
	require.Greater(t, h, sum.ExportHeight)
	var round struct {
		Round struct {
			Status string `json:"status"`
		} `json:"round"`
	}
	s.mustQuery("root", &round, "election", "round", strconv.FormatUint(sum.Round, 10))
	require.Contains(t, round.Round.Status, "ELECTED")
	_, err := os.Stat(filepath.Join(s.dir, "slush-1.epoch"+strconv.FormatUint(sum.OldEpoch, 10)))
	require.NoError(t, err, "the old operator's home is kept")

	// a transfer through the restarted chain: 1-2 -> 1 -> root -> 2, and the receipt back
	alice, grace := s.owner("alice"), s.owner("grace")
	a := s.balance("1-2", alice)
	require.True(t, a.Found)
	msg := s.bridgeOut("1-2", "alice", a, "7", "2", grace)
	sent := time.Now()
	s.eventually(10*time.Minute, "grace's claim on 2 through the restarted 1", func() bool { return s.claimed("2", msg) })
	t.Logf("bridge-out -> claim after the failover: %s", time.Since(sent).Round(time.Second))
	s.eventually(10*time.Minute, "the confirmation on 1-2 through the restarted 1", func() bool {
		return s.messageStatus("1-2", msg) == "MESSAGE_STATUS_CONFIRMED"
	})
	t.Logf("bridge-out -> confirmation after the failover: %s", time.Since(sent).Round(time.Second))
	require.Equal(t, uint64(7), s.balance("2", grace).Balance)
	require.Equal(t, a.Balance-7, s.balance("1-2", alice).Balance)
}

// forceDeposit has seed (holding account from on parent's ledger) force a deposit of 5 for child
// index of parent, to recipient (DESIGN §8): burnt on parent at once, to be consumed by the child
// before the operation's deadline.
func (s *suite) forceDeposit(parent string, index int, seed string, from account, recipient string) {
	s.t.Helper()
	dst := strconv.Itoa(index)
	if parent != "root" {
		dst = parent + "-" + dst
	}
	op, err := s.cli("ledger", "bridge-out", "--seed", seed, "--path", parent, "--account", strconv.FormatUint(from.Index, 10),
		"--nonce", strconv.FormatUint(from.Nonce, 10), "--asset", asset, "--amount", "5", "--dst", dst,
		"--recipient", recipient, "--deadline", "1000000")
	require.NoError(s.t, err)
	s.tx(parent, "validium", "force-operation", strconv.Itoa(index), strings.TrimSpace(op))
}

// stepFrozenChild: 1-2's chain stops. Carol (funded on 1's ledger) forces a deposit for child 2
// (1-2) on 1 (DESIGN §8). Nobody can consume it, so once 1's root clock passes the operation's
// deadline, 1 freezes 1-2.
func stepFrozenChild(s *suite) {
	t := s.t
	s.localnet("stop", "1-2")
	require.Zero(t, s.height("1-2"))
	c := s.balance("1", s.owner("carol"))
	require.Equal(t, uint64(500), c.Balance, "carol's genesis deposit on 1")

	s.forceDeposit("1", 2, "carol", c, s.owner("frank"))
	rec := s.child("1", 2)
	require.Equal(t, "CHILD_STATUS_ACTIVE", rec.Child.Status)
	require.Len(t, rec.ForcedOperations, 1)
	deadline, err := strconv.ParseUint(rec.ForcedOperations[0].Deadline, 10, 64)
	require.NoError(t, err)
	require.Equal(t, uint64(495), s.balance("1", s.owner("carol")).Balance, "the deposit is burnt on 1")
	t.Logf("forced operation for 1-2 on 1 with deadline root height %d", deadline)

	s.eventually(5*time.Minute, "1 freezing 1-2", func() bool {
		return s.child("1", 2).Child.Status == "CHILD_STATUS_FROZEN"
	})
	rec = s.child("1", 2)
	frozenAt, err := strconv.ParseUint(rec.Child.FrozenAtRootHeight, 10, 64)
	require.NoError(t, err)
	require.Greater(t, frozenAt, deadline, "frozen only once the deadline passed")
	require.NotEmpty(t, rec.Child.FreezeReason)
	var frozen struct {
		Children []struct {
			Index int `json:"index"`
		} `json:"children"`
	}
	s.mustQuery("1", &frozen, "validium", "frozen-children")
	require.Len(t, frozen.Children, 1)
	require.Equal(t, 2, frozen.Children[0].Index)
	require.Equal(t, "CHILD_STATUS_ACTIVE", s.child("1", 1).Child.Status, "1-1 is untouched")
}

// stepOperatorTools is issue 19's acceptance on the running tree: health-check passes on the
// healthy tree (and the relayer's /healthz says so); dave's message from 1 to 2-1, a chain the
// tree does not have (so nothing claims it), is listed by `relayer pending` with its deadline and
// located by `bridge track` on its source, waiting for its claim; with chain 2 stopped,
// health-check fails with one line naming 2 and its fix, and /healthz turns 503.
func stepOperatorTools(s *suite) {
	t := s.t
	cfg := filepath.Join(s.dir, "tree.toml")
	healthz := func() (int, string) {
		res, err := http.Get("http://127.0.0.1:" + strconv.Itoa(basePort+9) + "/healthz")
		if err != nil {
			return 0, err.Error()
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}
	var out string
	s.eventually(3*time.Minute, "relayer health-check passing", func() bool {
		var err error
		out, err = s.cli("relayer", "health-check", "--config", cfg)
		return err == nil
	})
	require.Contains(t, out, "ok: 5 chains healthy")
	s.eventually(time.Minute, "/healthz 200", func() bool { code, _ := healthz(); return code == http.StatusOK })

	dave := s.balance("1", s.owner("dave"))
	require.True(t, dave.Found)
	msg := s.bridgeOut("1", "dave", dave, "5", "2-1", s.owner("bob"))

	var pending struct {
		Messages []struct {
			Hash        string `json:"hash"`
			Source      string `json:"source"`
			Destination string `json:"destination"`
			Deadline    uint64 `json:"deadline"`
			Left        int64  `json:"left"`
			WaitingFor  string `json:"waiting_for"`
		} `json:"messages"`
		Edges []struct {
			Child  string `json:"child"`
			Status string `json:"status"`
		} `json:"edges"`
	}
	out, err := s.cli("relayer", "pending", "--config", cfg, "-o", "json")
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal([]byte(out), &pending), out)
	require.Len(t, pending.Edges, 4)
	var listed bool
	for _, m := range pending.Messages {
		if m.Hash == msg {
			listed = true
			require.Equal(t, "1", m.Source)
			require.Equal(t, "2-1", m.Destination)
			require.Equal(t, uint64(1_000_000), m.Deadline)
			require.Positive(t, m.Left)
			require.Equal(t, "claim", m.WaitingFor)
		}
	}
	require.True(t, listed, "relayer pending lists %s: %s", msg, out)
	text, err := s.cli("relayer", "pending", "--config", cfg)
	require.NoError(t, err)
	t.Logf("relayer pending:\n%s", text)
	require.Contains(t, text, msg)

	track, err := s.cli("bridge", "track", msg, "--config", cfg)
	require.NoError(t, err)
	t.Logf("bridge track:\n%s", track)
	require.Contains(t, track, "1 -> 2-1")
	require.Contains(t, track, "SENT, burnt at height")
	require.Contains(t, track, "the claim on 2-1, which is not in tree.toml")
	require.Contains(t, track, "deadline in")

	s.localnet("stop", "2")
	out, err = s.cli("relayer", "health-check", "--config", cfg)
	require.Error(t, err, "health-check fails on a stopped chain")
	t.Logf("health-check with 2 stopped:\n%s", out)
	require.Contains(t, out, "FAIL 2: unreachable: ")
	require.Contains(t, out, "fix: start the node (scripts/localnet.sh start 2)")
	s.eventually(time.Minute, "/healthz 503 naming 2", func() bool {
		code, body := healthz()
		return code == http.StatusServiceUnavailable && strings.Contains(body, `"2:`)
	})
	s.localnet("start", "2")
	s.eventually(2*time.Minute, "2 back", func() bool { return s.height("2") > 0 })
}
