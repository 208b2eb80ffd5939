// Package localnet runs scripts/localnet.sh for real: one root chain on loopback ports.
package localnet

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// repoRoot is the repository root (this file lives in tests/localnet).
func repoRoot(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs(filepath.Join("..", ".."))
	require.NoError(t, err)
	return dir
}

// TestLocalnetRoot brings the root chain up, waits for height 3, reads its tree identity
// over the CLI and brings it down.
func TestLocalnetRoot(t *testing.T) {
	if os.Getenv("SLUSH_SKIP_LOCALNET") == "1" {
		t.Skip("SLUSH_SKIP_LOCALNET=1")
	}
	if _, err := exec.LookPath("jq"); err != nil {
		t.Fatal("jq is required by scripts/localnet.sh (apt-get install jq)")
	}
	root := repoRoot(t)
	bin := filepath.Join(t.TempDir(), "slushchaind")
	build := exec.Command("go", "build", "-o", bin, "./cmd/slushchaind")
	build.Dir = root
	out, err := build.CombinedOutput()
	require.NoError(t, err, string(out))

	netDir := t.TempDir()
	script := filepath.Join(root, "scripts", "localnet.sh")
	run := func(args ...string) string {
		cmd := exec.Command(script, args...)
		cmd.Env = append(os.Environ(), "SLUSHCHAIND="+bin, "SLUSH_LOCALNET_DIR="+netDir, "SLUSH_LOCALNET_PORT=27700")
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, "localnet.sh %s: %s", strings.Join(args, " "), out)
		return string(out)
	}
	run("up")
	t.Cleanup(func() { run("down") })
	run("wait", "3", "90")

	status := run("status")
	require.Contains(t, status, "slush-root")

	query := exec.Command(bin, "query", "validium", "tree-identity", "--node", "tcp://127.0.0.1:27700", "-o", "json")
	out, err = query.CombinedOutput()
	require.NoError(t, err, string(out))
	var res struct {
		Identity struct {
			Path          []uint32 `json:"path"`
			ParentChainID string   `json:"parent_chain_id"`
			MaxChildren   uint32   `json:"max_children"`
			MaxDepth      uint32   `json:"max_depth"`
		} `json:"identity"`
		ConventionalChainID string `json:"conventional_chain_id"`
	}
	require.NoError(t, json.Unmarshal(out, &res), string(out))
	require.Empty(t, res.Identity.Path)
	require.Empty(t, res.Identity.ParentChainID)
	require.Equal(t, uint32(3), res.Identity.MaxChildren)
	require.Equal(t, uint32(16), res.Identity.MaxDepth)
	require.Equal(t, "slush-root", res.ConventionalChainID)
}
