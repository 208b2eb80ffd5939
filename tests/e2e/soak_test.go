//go:build e2e

package e2e

import (
	"encoding/csv"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// SoakMinutesEnv opts in to TestSoak and says how long it runs (`make soak`, SOAK_MINUTES).
const SoakMinutesEnv = "SLUSH_SOAK_MINUTES"

const (
	// soakOpEvery is the pace of the soak's load: one ledger transfer or bridge transfer.
	soakOpEvery = 10 * time.Second
	// soakSampleEvery is how often the soak samples memory, disk, finality, messages and supply.
	soakSampleEvery = time.Minute
	// soakDeadlineBlocks is a soak message's deadline, in root blocks after it is sent: far
	// beyond a claim's usual ~40-150 root blocks, so a claim missing it shows as a route.
	soakDeadlineBlocks = 600
	// soakStuckMarginBlocks is how many root blocks past its deadline a message may still be
	// undelivered (the fallback route: up to the root inside proven updates, down by a forced
	// operation) before the soak calls it stuck.
	soakStuckMarginBlocks = 300
	// soakFunds is each soak owner's genesis deposit on each leaf chain.
	soakFunds = 1000
)

// soakLeaves are the chains whose users the soak moves value between (every branch of the
// default tree: 1-1 and 1-2 under 1, and 2).
var soakLeaves = []string{"1-1", "1-2", "2"}

// soakSeeds are the soak's users: each is funded on every leaf chain at genesis.
var soakSeeds = []string{"soak-a", "soak-b", "soak-c", "soak-d"}

// soakMessage is a bridge transfer the soak sent and follows until it is delivered.
type soakMessage struct {
	hash       string
	src, dst   string
	seed       string
	amount     uint64
	sentHeight int64 // src height of the burn
	deadline   uint64
	sentAt     time.Time
}

// soak is TestSoak's state: the messages in flight, which users wait for a confirmation, and
// the totals written to the CSV.
type soak struct {
	*suite
	rng       *rand.Rand
	owners    map[string]string // seed -> owner hash
	inFlight  []soakMessage
	busy      map[string]bool // src/seed -> waiting for its message's confirmation
	delivered int
	transfers int
	maxAge    time.Duration
	supply    map[string]uint64 // asset (hex) -> amount at the first sample
}

// TestSoak runs the default five-chain tree for SLUSH_SOAK_MINUTES under a steady load (issue
// 18): every 10 s one ledger transfer or bridge transfer between the leaves 1-1, 1-2 and 2, in
// both directions; every minute it samples each process's RSS and disk, root finality lag,
// messages in flight, stuck messages and the supply per asset over every ledger (ledgers read
// at one height each, plus the messages burnt and not yet minted at those heights). It writes
// soak.csv, soak.png and heap profiles of the root and 1-2 (at minutes 5, 30, 60, ... and at the end) to
// SLUSH_SOAK_OUT (default build/soak), and fails on a stuck message or a supply change.
func TestSoak(t *testing.T) {
	minutes, err := strconv.Atoi(os.Getenv(SoakMinutesEnv))
	if err != nil || minutes <= 0 {
		t.Skipf("set %s=<minutes> (make soak): the tree under load for that long", SoakMinutesEnv)
	}
	out := os.Getenv("SLUSH_SOAK_OUT")
	if out == "" {
		out = filepath.Join(repoRoot(t), "build", "soak")
	}
	require.NoError(t, os.MkdirAll(out, 0o755))

	s := &soak{suite: newSuite(t), rng: rand.New(rand.NewPCG(18, 60)), owners: map[string]string{}, busy: map[string]bool{}}
	var deposits []string
	for _, seed := range soakSeeds {
		s.owners[seed] = s.owner(seed)
		for _, leaf := range soakLeaves {
			deposits = append(deposits, fmt.Sprintf("%s:%s:%s:%d", leaf, s.owners[seed], asset, soakFunds))
		}
	}
	for i, e := range s.env {
		if strings.HasPrefix(e, "SLUSH_DEPOSITS=") {
			s.env[i] = e + " " + strings.Join(deposits, " ")
		}
	}
	demo, err := s.script("demo")
	require.NoError(t, err, "the demo (which brings the tree up) failed:\n%s", demo)
	t.Logf("tree up and the demo's transfer done; soaking for %d min (output in %s)", minutes, out)

	f, err := os.Create(filepath.Join(out, "soak.csv"))
	require.NoError(t, err)
	defer f.Close()
	w := csv.NewWriter(f)
	require.NoError(t, w.Write(soakHeader()))

	var rows []soakSample
	begin := time.Now()
	nextSample, op := begin, 0
	nextProfile := 5 // heap profiles at minutes 5, 30, 60, ...
	for time.Since(begin) < time.Duration(minutes)*time.Minute {
		if s.relayerPID() == 0 {
			t.Fatal("the relayer died during the soak")
		}
		if !time.Now().Before(nextSample) {
			row := s.sample(time.Since(begin))
			rows = append(rows, row)
			require.NoError(t, w.Write(row.record()))
			w.Flush()
			t.Logf("minute %2d: %s", row.minute, row.summary())
			if row.minute >= nextProfile { // the first sample at or past each mark: a loaded machine skips minutes
				s.heapProfiles(out, fmt.Sprintf("minute%d", row.minute)) // compared with -diff_base
				nextProfile = (row.minute/30 + 1) * 30
			}
			require.Zero(t, row.stuck, "a message is stuck past its deadline + %d root blocks", soakStuckMarginBlocks)
			require.Equal(t, s.supply, row.supply, "the supply over every ledger changed")
			nextSample = nextSample.Add(soakSampleEvery)
		}
		s.act(op)
		op++
		time.Sleep(soakOpEvery)
	}
	row := s.sample(time.Since(begin))
	rows = append(rows, row)
	require.NoError(t, w.Write(row.record()))
	w.Flush()
	require.NoError(t, w.Error())
	s.heapProfiles(out, "end")
	require.NoError(t, plotSoak(filepath.Join(out, "soak.png"), rows))
	t.Logf("soak done: %d ledger transfers, %d bridge transfers delivered, %d in flight, oldest delivery %s; %s",
		s.transfers, s.delivered, len(s.inFlight), s.maxAge.Round(time.Second), rssSlopes(rows))
	require.Zero(t, row.stuck)
	require.Equal(t, s.supply, row.supply, "the supply over every ledger changed")
}

// act makes the soak's op-th operation: even ones a ledger transfer, odd ones a bridge
// transfer, between random users not waiting for a confirmation.
func (s *soak) act(op int) {
	t := s.t
	src := soakLeaves[s.rng.IntN(len(soakLeaves))]
	seed := s.idleSeed(src)
	if seed == "" {
		t.Logf("every soak user on %s waits for a confirmation: no operation this round", src)
		return
	}
	from := s.balance(src, s.owners[seed])
	amount := 1 + s.rng.Uint64N(5)
	require.GreaterOrEqual(t, from.Balance, amount, "%s's balance on %s", seed, src)
	to := soakSeeds[s.rng.IntN(len(soakSeeds))]
	if op%2 == 0 {
		signed, err := s.cli("ledger", "transfer", "--seed", seed, "--path", src, "--account", strconv.FormatUint(from.Index, 10),
			"--nonce", strconv.FormatUint(from.Nonce, 10), "--asset", asset, "--amount", strconv.FormatUint(amount, 10), "--to", s.owners[to])
		require.NoError(t, err)
		s.tx(src, "ledger", "transfer", strings.TrimSpace(signed))
		s.transfers++
		return
	}
	dst := soakLeaves[s.rng.IntN(len(soakLeaves))]
	for dst == src {
		dst = soakLeaves[s.rng.IntN(len(soakLeaves))]
	}
	deadline := uint64(s.height("root")) + soakDeadlineBlocks
	hash := s.bridgeOutDue(src, seed, from, strconv.FormatUint(amount, 10), dst, s.owners[to], deadline)
	var rec struct {
		Message struct {
			SentHeight string `json:"sent_height"`
		} `json:"message"`
	}
	s.mustQuery(src, &rec, "bridge", "message", hash)
	s.inFlight = append(s.inFlight, soakMessage{hash: hash, src: src, dst: dst, seed: seed, amount: amount,
		sentHeight: int64(uintOf(rec.Message.SentHeight)), deadline: deadline, sentAt: time.Now()})
	s.busy[src+"/"+seed] = true
}

// idleSeed is a random soak user on a chain with no message waiting for a confirmation ("" if
// none): a sender is frozen until its message is confirmed (DESIGN §7.4).
func (s *soak) idleSeed(path string) string {
	start := s.rng.IntN(len(soakSeeds))
	for i := range soakSeeds {
		seed := soakSeeds[(start+i)%len(soakSeeds)]
		if !s.busy[path+"/"+seed] {
			return seed
		}
	}
	return ""
}

// soakSample is one row of soak.csv.
type soakSample struct {
	minute      int
	elapsed     time.Duration
	load1       string
	rss         []float64 // VmRSS in MiB: soakProcesses order
	anon        []float64 // RssAnon in MiB (RSS less the mapped binary and files): soakProcesses order
	disk        []float64 // MiB: the chains' homes, defaultTree order
	rootHeight  int64
	finality    int64
	inFlight    int
	delivered   int
	stuck       int
	oldestBlock int64 // root blocks since the oldest message in flight was sent (0 if none)
	supply      map[string]uint64
}

// soakProcesses names the sampled processes: the five chains, then the relayer.
var soakProcesses = append(append([]string{}, defaultTree...), "relayer")

func soakHeader() []string {
	h := []string{"minute", "elapsed_s", "load1"}
	for _, p := range soakProcesses {
		h = append(h, "rss_mib_"+p)
	}
	for _, p := range soakProcesses {
		h = append(h, "anon_mib_"+p)
	}
	for _, p := range defaultTree {
		h = append(h, "disk_mib_"+p)
	}
	return append(h, "root_height", "root_finality", "finality_lag_blocks", "in_flight", "delivered", "stuck",
		"oldest_in_flight_root_blocks", "supply")
}

func (r soakSample) record() []string {
	rec := []string{strconv.Itoa(r.minute), strconv.FormatInt(int64(r.elapsed.Seconds()), 10), r.load1}
	for _, v := range append(append([]float64{}, r.rss...), r.anon...) {
		rec = append(rec, strconv.FormatFloat(v, 'f', 1, 64))
	}
	for _, v := range r.disk {
		rec = append(rec, strconv.FormatFloat(v, 'f', 1, 64))
	}
	return append(rec, strconv.FormatInt(r.rootHeight, 10), strconv.FormatInt(r.finality, 10),
		strconv.FormatInt(r.rootHeight-r.finality, 10), strconv.Itoa(r.inFlight), strconv.Itoa(r.delivered),
		strconv.Itoa(r.stuck), strconv.FormatInt(r.oldestBlock, 10), supplyString(r.supply))
}

func (r soakSample) summary() string {
	return fmt.Sprintf("load %s, RSS root %.0f MiB relayer %.0f MiB, finality lag %d, in flight %d, delivered %d, stuck %d, supply %s",
		r.load1, r.rss[0], r.rss[len(r.rss)-1], r.rootHeight-r.finality, r.inFlight, r.delivered, r.stuck, supplyString(r.supply))
}

// supplyString prints a supply map in asset order (one asset in the soak).
func supplyString(m map[string]uint64) string {
	var parts []string
	for _, a := range sortedKeys(m) {
		parts = append(parts, fmt.Sprintf("%s=%d", strings.TrimLeft(a, "0"), m[a]))
	}
	return strings.Join(parts, ";")
}

// sample reads every figure of one CSV row and retires the messages delivered since the last.
func (s *soak) sample(elapsed time.Duration) soakSample {
	r := soakSample{minute: int(elapsed / time.Minute), elapsed: elapsed, load1: load1()}
	for _, p := range soakProcesses {
		pid := s.pidOf(p)
		r.rss = append(r.rss, procMiB(pid, "VmRSS:"))
		r.anon = append(r.anon, procMiB(pid, "RssAnon:"))
	}
	for _, p := range defaultTree {
		r.disk = append(r.disk, duMiB(filepath.Join(s.dir, chainID(p), "data")))
	}
	r.rootHeight, r.finality = s.height("root"), s.rootFinality()
	r.supply = s.supplyNow()
	if s.supply == nil {
		s.supply = r.supply
	}
	s.retireDelivered()
	r.inFlight, r.delivered = len(s.inFlight), s.delivered
	for _, m := range s.inFlight {
		if uint64(r.rootHeight) > m.deadline+soakStuckMarginBlocks {
			r.stuck++
			s.t.Logf("stuck: %s %s -> %s of %d, sent %s ago, deadline root height %d, status on %s: %s",
				m.hash, m.src, m.dst, m.amount, time.Since(m.sentAt).Round(time.Second), m.deadline, m.src, s.messageStatus(m.src, m.hash))
		}
		if age := r.rootHeight - int64(m.deadline-soakDeadlineBlocks); age > r.oldestBlock {
			r.oldestBlock = age
		}
	}
	return r
}

// retireDelivered drops the messages whose round trip is over: minted on the destination and
// confirmed (or routed up, the fallback route's end) on the source, which unfreezes the sender.
func (s *soak) retireDelivered() {
	kept := s.inFlight[:0]
	for _, m := range s.inFlight {
		status := s.messageStatus(m.src, m.hash)
		if s.claimed(m.dst, m.hash) && (status == "MESSAGE_STATUS_CONFIRMED" || status == "MESSAGE_STATUS_ROUTED_UP") {
			s.delivered++
			delete(s.busy, m.src+"/"+m.seed)
			if age := time.Since(m.sentAt); age > s.maxAge {
				s.maxAge = age
			}
			continue
		}
		kept = append(kept, m)
	}
	s.inFlight = kept
}

// supplyNow sums every account of every ledger per asset, each chain read at one height, plus
// the soak's messages burnt at their source's height and not minted at their destination's.
func (s *soak) supplyNow() map[string]uint64 {
	heights := map[string]int64{}
	total := map[string]uint64{}
	for _, p := range defaultTree {
		heights[p] = s.height(p) - 1 // a committed height every query can read
		for i := 0; ; i++ {
			var acc struct {
				Asset   []byte `json:"asset_id"`
				Balance string `json:"balance"`
			}
			err := s.query(p, &acc, "ledger", "account", strconv.Itoa(i), "--height", strconv.FormatInt(heights[p], 10))
			if err != nil {
				require.Contains(s.t, err.Error(), "NotFound", "reading %s's ledger account %d", p, i)
				break
			}
			total[hex.EncodeToString(acc.Asset)] += uintOf(acc.Balance)
		}
	}
	assetID := fmt.Sprintf("%064x", uintOf(asset))
	for _, m := range s.inFlight {
		if m.sentHeight > heights[m.src] {
			continue // not burnt yet at the height read
		}
		var n struct {
			Claimed bool `json:"claimed"`
		}
		s.mustQuery(m.dst, &n, "bridge", "nullifier", m.hash, "--height", strconv.FormatInt(heights[m.dst], 10))
		if !n.Claimed {
			total[assetID] += m.amount
		}
	}
	return total
}

// pidOf is the pid of a chain's node (validator 0) or of the relayer (0 if not running).
func (s *soak) pidOf(process string) int {
	file := filepath.Join(s.dir, chainID(process), "pid")
	if process == "relayer" {
		file = filepath.Join(s.dir, "relayer.pid")
	}
	b, err := os.ReadFile(file)
	if err != nil {
		return 0
	}
	pid, _ := strconv.Atoi(strings.TrimSpace(string(b)))
	return pid
}

// heapProfiles saves the Go heap profiles of the root's and 1-2's nodes (localnet.sh serves
// pprof on each chain's port + 5) for `go tool pprof -diff_base`.
func (s *soak) heapProfiles(dir, tag string) {
	for _, p := range []string{"root", "1-2"} {
		port, _ := strconv.Atoi(rpc(p)[strings.LastIndex(rpc(p), ":")+1:])
		res, err := http.Get(fmt.Sprintf("http://127.0.0.1:%d/debug/pprof/heap", port+5))
		require.NoError(s.t, err)
		b, err := readAll(res)
		require.NoError(s.t, err)
		require.NoError(s.t, os.WriteFile(filepath.Join(dir, fmt.Sprintf("heap-%s-%s.pb.gz", p, tag)), b, 0o644))
	}
}

// rssSlopes is the least-squares slope of each process's RSS and anonymous RSS over the second
// half of the soak (after warm-up), in MiB per hour.
func rssSlopes(rows []soakSample) string {
	half := rows[len(rows)/2:]
	var parts []string
	for i, p := range soakProcesses {
		var xs, rss, anon []float64
		for _, r := range half {
			xs = append(xs, r.elapsed.Hours())
			rss = append(rss, r.rss[i])
			anon = append(anon, r.anon[i])
		}
		parts = append(parts, fmt.Sprintf("%s %+.1f (anon %+.1f)", p, slope(xs, rss), slope(xs, anon)))
	}
	return "RSS slope over the second half (MiB/h): " + strings.Join(parts, ", ")
}

// slope is the least-squares slope of ys over xs (0 with fewer than two distinct xs).
func slope(xs, ys []float64) float64 {
	n := float64(len(xs))
	var sx, sy, sxx, sxy float64
	for i := range xs {
		sx += xs[i]
		sy += ys[i]
		sxx += xs[i] * xs[i]
		sxy += xs[i] * ys[i]
	}
	d := n*sxx - sx*sx
	if d == 0 {
		return 0
	}
	return (n*sxy - sx*sy) / d
}
