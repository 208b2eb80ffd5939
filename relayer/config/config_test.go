package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// localnetConfig is the shape scripts/localnet.sh writes.
const localnetConfig = `
keys_dir = "/abs/keys"
poll_interval = "2s"
metrics_listen = "127.0.0.1:26690"

[[chain]]
path = "root"
chain_id = "slush-root"
rpc = "tcp://127.0.0.1:26600"
grpc = "127.0.0.1:26602"
home = "/abs/slush-root"
key = "operator"

[[chain]]
path = "1"
chain_id = "slush-1"
rpc = "tcp://127.0.0.1:26610"
home = "/abs/slush-1"
key = "operator"

[[chain]]
path = "1-2"
chain_id = "slush-1-2"
rpc = "tcp://127.0.0.1:26620"
home = "/abs/slush-1-2"
key = "operator"
`

func TestParse(t *testing.T) {
	cfg, err := Parse([]byte(localnetConfig))
	require.NoError(t, err)
	require.Equal(t, "/abs/keys", cfg.KeysDir)
	require.Equal(t, 2*time.Second, time.Duration(cfg.PollInterval))
	require.Equal(t, DefaultTxTimeout, time.Duration(cfg.TxTimeout), "default")
	require.Equal(t, uint64(DefaultGasLimit), cfg.GasLimit, "default")
	require.Len(t, cfg.Chains, 3)
	require.Equal(t, ChainConfig{Path: "1-2", ChainID: "slush-1-2", RPC: "tcp://127.0.0.1:26620", Home: "/abs/slush-1-2", Key: "operator"}, cfg.Chains[2])
	require.False(t, cfg.NoClaims, "claims by default")
	require.Equal(t, uint64(DefaultStepAnchorInterval), cfg.StepAnchorInterval, "default")

	cfg, err = Parse([]byte("no_claims = true\nstep_anchor_interval = 7\n" + localnetConfig))
	require.NoError(t, err)
	require.True(t, cfg.NoClaims)
	require.Equal(t, uint64(7), cfg.StepAnchorInterval)
}

func TestParseConfigRejects(t *testing.T) {
	for _, tc := range []struct {
		name, edit, want string
	}{
		{"no keys dir", `keys_dir = "/abs/keys"` + "\n", "keys_dir is required"},
		{"unknown key", `poll_interval = "2s"`, "strict mode"},
		{"bad duration", `"2s"`, "unknown unit"},
		{"no root", `path = "root"`, "no root chain"},
		{"orphan", `path = "1"` + "\n", "chain 1-2: its parent 1 is not in the config"},
		{"duplicate path", `path = "1-2"`, "appears twice"},
		{"duplicate chain-id", `chain_id = "slush-1-2"`, "appears twice"},
		{"index 0", `path = "1-2"`, "not in 1..255"},
		{"no rpc", `rpc = "tcp://127.0.0.1:26610"` + "\n", "rpc is required"},
		{"no key", "home = \"/abs/slush-1-2\"\nkey = \"operator\"", "home and key are required"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc := localnetConfig
			switch tc.name {
			case "unknown key":
				doc = strings.Replace(doc, tc.edit, tc.edit+"\npoll_intervall = \"1s\"", 1)
			case "bad duration":
				doc = strings.Replace(doc, tc.edit, `"2 seconds"`, 1)
			case "no root":
				doc = strings.Replace(doc, tc.edit, `path = "2"`, 1)
			case "duplicate path":
				doc = strings.Replace(doc, tc.edit, `path = "1"`, 1)
			case "duplicate chain-id":
				doc = strings.Replace(doc, tc.edit, `chain_id = "slush-1"`, 1)
			case "orphan":
				doc = strings.Replace(doc, tc.edit, `path = "3"`+"\n", 1)
			case "no key":
				doc = strings.Replace(doc, tc.edit, `home = "/abs/slush-1-2"`, 1)
			case "index 0":
				doc = strings.Replace(doc, tc.edit, `path = "1-0"`, 1)
			default:
				doc = strings.Replace(doc, tc.edit, "", 1)
			}
			_, err := Parse([]byte(doc))
			require.ErrorContains(t, err, tc.want)
		})
	}
}

func TestLoadConfigRelativeKeysDir(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "tree.toml")
	doc := strings.Replace(localnetConfig, `"/abs/keys"`, `"keys"`, 1)
	require.NoError(t, os.WriteFile(path, []byte(doc), 0o600))
	cfg, err := Load(path)
	require.NoError(t, err)
	require.Equal(t, filepath.Join(dir, "keys"), cfg.KeysDir, "relative to the config file")
}
