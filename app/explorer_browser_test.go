package app_test

import (
	"context"
	"encoding/hex"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/ledger"
	"github.com/slush-tree/slush/relayer/explorer"
	"github.com/slush-tree/slush/relayer/inspect"
)

// chromium finds the OS's Chromium. Without it the browser test skips, unless
// SLUSH_REQUIRE_BROWSER is set (.ci/run installs Chromium and sets it), where it fails.
func chromium(t *testing.T) string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("SLUSH_REQUIRE_BROWSER") != "" {
		t.Fatal("no chromium on PATH (apt-get install -y chromium)")
	}
	t.Skip("no chromium on PATH: apt-get install -y chromium (.ci/run installs it)")
	return ""
}

// headless runs Chromium headless on url with args, giving the page's script 8 s of virtual
// time to fetch and draw the tree.
func headless(t *testing.T, browser, url string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	full := append([]string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
		"--user-data-dir=" + t.TempDir(), "--virtual-time-budget=8000"}, args...)
	out, err := exec.CommandContext(ctx, browser, append(full, url)...).Output()
	require.NoError(t, err, "chromium %v", args)
	return string(out)
}

// TestExplorerInBrowser loads the explorer page (`slushchaind explorer`) in a real headless
// Chromium over an in-process four-chain tree with a message in flight: the page's script
// fetches /api/tree and draws a node per chain and a row for the message. The screenshot is the
// test's artifact: build/artifacts/explorer.png (or $SLUSH_ARTIFACTS/explorer.png).
func TestExplorerInBrowser(t *testing.T) {
	browser := chromium(t)
	tr := newFourChainTree(t)
	alice, bob := ledger.KeyFromSeed([]byte("alice")), ledger.KeyFromSeed([]byte("bob"))
	tr.round()
	m := tr.bridgeOut(tr.node(1, 1), alice, 0, 0, tr.node(2), ledger.OwnerHash(bob.PublicKey), 30, 10_000)
	tr.round()
	msgHash := hex.EncodeToString(hash.EncodeElement(m.Hash()))

	srv := httptest.NewServer(explorer.Handler(tr.relayerTree(), inspect.DefaultStallRootBlocks))
	defer srv.Close()

	dom := headless(t, browser, srv.URL+"/", "--dump-dom")
	for _, path := range []string{"root", "1", "2", "1-1"} {
		require.Contains(t, dom, `data-path="`+path+`"`, "a node for chain %s", path)
	}
	require.Contains(t, dom, `class="message" data-hash="`+msgHash+`"`, "a row for the message in flight")
	require.Contains(t, dom, "the claim on 2")
	require.NotContains(t, dom, "loading…", "the script replaced the placeholder")
	require.Contains(t, dom, "subtree proofs: ATTESTED", "the page labels the mode that proves less (issue 16)")

	dir := os.Getenv("SLUSH_ARTIFACTS")
	if dir == "" {
		dir = filepath.Join(repoRootDir(t), "build", "artifacts")
	}
	require.NoError(t, os.MkdirAll(dir, 0o755))
	shot := filepath.Join(dir, "explorer.png")
	headless(t, browser, srv.URL+"/", "--screenshot="+shot, "--window-size=1280,1100", "--hide-scrollbars")
	st, err := os.Stat(shot)
	require.NoError(t, err)
	require.Positive(t, st.Size())
	t.Logf("screenshot: %s (%d bytes)", shot, st.Size())
}

// repoRootDir is the repository root (app tests run in app/).
func repoRootDir(t *testing.T) string {
	dir, err := filepath.Abs("..")
	require.NoError(t, err)
	require.FileExists(t, filepath.Join(dir, "go.mod"))
	return strings.TrimSuffix(dir, string(filepath.Separator))
}
