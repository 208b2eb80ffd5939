// Package config is the relayer's tree.toml: the chains of one tree, where to reach them, the
// keys that sign for them, and the paths that place them in the tree.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/pelletier/go-toml/v2"
)

// Config is the relayer's tree.toml: every key and its default is documented here and in relayer/README.md.
type Config struct {
	// KeysDir holds ledger.pk and inclusion.pk (and their .vk and inclusion.depth).
	KeysDir string `toml:"keys_dir"`
	// PollInterval is the pause between two rounds over the tree.
	PollInterval Duration `toml:"poll_interval"`
	// MetricsListen is the Prometheus /metrics address; empty disables it.
	MetricsListen string `toml:"metrics_listen"`
	// TxTimeout bounds the wait for a broadcast transaction to be included (default 30s).
	TxTimeout Duration `toml:"tx_timeout"`
	// GasLimit is the base gas limit of every transaction (default 3,000,000; zero fees).
	GasLimit uint64 `toml:"gas_limit"`
	// StallRootBlocks is the anchor lag (root heights without an accepted update) from which an
	// edge reads as stalled in /healthz, `relayer pending` and the explorer (default 30).
	StallRootBlocks uint64 `toml:"stall_root_blocks"`
	// LogFile, when set, is where the relayer writes its log instead of stderr, rotated at
	// LogMaxMB (default 100) keeping LogKeep older files (default 5): file.1 is the newest.
	LogFile  string `toml:"log_file"`
	LogMaxMB int    `toml:"log_max_mb"`
	LogKeep  int    `toml:"log_keep"`
	// NoClaims leaves claims and confirmations to nobody: every message then travels by the
	// fallback route once its deadline passes (DESIGN §7.5). For tests of that path, and for a
	// relayer that serves only updates, syncs, routes and forced operations (default false).
	NoClaims bool `toml:"no_claims"`
	// StepAnchorInterval is, for a chain whose grandparent runs RECURSIVE subtree proofs, how
	// many root heights its anchor must lag before the relayer updates it with no operation to
	// prove: each such update costs a leaf step proof (~12 s on 2 cores) in its parent's next
	// update, so anchor-only updates are spaced; updates that prove operations are not (issue
	// 16, default 20).
	StepAnchorInterval uint64 `toml:"step_anchor_interval"`
	// Chains are the tree's chains, one per path.
	Chains []ChainConfig `toml:"chain"`
}

// ChainConfig is one chain of the tree and the key the relayer signs its transactions with.
type ChainConfig struct {
	// Path is "root" or the dash-separated child indices from the root ("1", "1-2").
	Path string `toml:"path"`
	// ChainID is the chain's chain-id.
	ChainID string `toml:"chain_id"`
	// RPC is the CometBFT RPC address (tcp:// or http://).
	RPC string `toml:"rpc"`
	// GRPC is the gRPC address (unused: every query goes over RPC abci_query).
	GRPC string `toml:"grpc"`
	// Home holds the keyring (test backend) of Key.
	Home string `toml:"home"`
	// Key signs every transaction on this chain.
	Key string `toml:"key"`
}

// Duration is a time.Duration written as a Go duration string in TOML ("1s", "500ms").
type Duration time.Duration

// UnmarshalText parses a Go duration string.
func (d *Duration) UnmarshalText(b []byte) error {
	v, err := time.ParseDuration(string(b))
	if err != nil {
		return err
	}
	*d = Duration(v)
	return nil
}

// MarshalText writes the duration as a Go duration string.
func (d Duration) MarshalText() ([]byte, error) { return []byte(time.Duration(d).String()), nil }

// Defaults applied by Parse to unset fields.
const (
	DefaultPollInterval = time.Second
	DefaultTxTimeout    = 30 * time.Second
	DefaultGasLimit     = 3_000_000
	// DefaultStepAnchorInterval spaces the anchor-only updates a leaf step must prove.
	DefaultStepAnchorInterval = 20
	// DefaultStallRootBlocks: a healthy edge is updated every round, a few root blocks apart.
	DefaultStallRootBlocks = 30
	DefaultLogMaxMB        = 100
	DefaultLogKeep         = 5
)

// Load reads, completes and validates a tree.toml. Unknown keys are refused so a typo
// never silently disables something.
func Load(path string) (Config, error) {
	bz, err := os.ReadFile(path)
	if err != nil {
		return Config{}, err
	}
	cfg, err := Parse(bz)
	if err != nil {
		return Config{}, fmt.Errorf("%s: %w", path, err)
	}
	if cfg.KeysDir != "" && !filepath.IsAbs(cfg.KeysDir) {
		cfg.KeysDir = filepath.Join(filepath.Dir(path), cfg.KeysDir)
	}
	if cfg.LogFile != "" && !filepath.IsAbs(cfg.LogFile) {
		cfg.LogFile = filepath.Join(filepath.Dir(path), cfg.LogFile)
	}
	return cfg, nil
}

// Parse decodes and validates a tree.toml document.
func Parse(bz []byte) (Config, error) {
	var cfg Config
	dec := toml.NewDecoder(bytes.NewReader(bz)).DisallowUnknownFields()
	if err := dec.Decode(&cfg); err != nil {
		return Config{}, err
	}
	if cfg.PollInterval == 0 {
		cfg.PollInterval = Duration(DefaultPollInterval)
	}
	if cfg.TxTimeout == 0 {
		cfg.TxTimeout = Duration(DefaultTxTimeout)
	}
	if cfg.GasLimit == 0 {
		cfg.GasLimit = DefaultGasLimit
	}
	if cfg.StepAnchorInterval == 0 {
		cfg.StepAnchorInterval = DefaultStepAnchorInterval
	}
	if cfg.StallRootBlocks == 0 {
		cfg.StallRootBlocks = DefaultStallRootBlocks
	}
	if cfg.LogMaxMB == 0 {
		cfg.LogMaxMB = DefaultLogMaxMB
	}
	if cfg.LogKeep == 0 {
		cfg.LogKeep = DefaultLogKeep
	}
	return cfg, cfg.Validate()
}

// Validate checks the config describes one tree: a root, unique paths and chain-ids, and every
// chain's parent present.
func (c Config) Validate() error {
	if c.KeysDir == "" {
		return errors.New("keys_dir is required")
	}
	if c.PollInterval < 0 || c.TxTimeout < 0 {
		return errors.New("poll_interval and tx_timeout must not be negative")
	}
	if c.LogMaxMB < 0 || c.LogKeep < 0 {
		return errors.New("log_max_mb and log_keep must not be negative")
	}
	if len(c.Chains) == 0 {
		return errors.New("no [[chain]]")
	}
	paths := map[string]bool{}
	ids := map[string]bool{}
	for i, ch := range c.Chains {
		if _, err := ParsePath(ch.Path); err != nil {
			return fmt.Errorf("chain %d: %w", i, err)
		}
		if paths[ch.Path] {
			return fmt.Errorf("chain %d: path %q appears twice", i, ch.Path)
		}
		paths[ch.Path] = true
		switch {
		case ch.ChainID == "":
			return fmt.Errorf("chain %s: chain_id is required", ch.Path)
		case ids[ch.ChainID]:
			return fmt.Errorf("chain %s: chain_id %q appears twice", ch.Path, ch.ChainID)
		case ch.RPC == "":
			return fmt.Errorf("chain %s: rpc is required", ch.Path)
		case ch.Home == "" || ch.Key == "":
			return fmt.Errorf("chain %s: home and key are required (the keyring that signs its txs)", ch.Path)
		}
		ids[ch.ChainID] = true
	}
	if !paths["root"] {
		return errors.New("the tree has no root chain (path \"root\")")
	}
	for _, ch := range c.Chains {
		if parent := ParentPath(ch.Path); ch.Path != "root" && !paths[parent] {
			return fmt.Errorf("chain %s: its parent %s is not in the config", ch.Path, parent)
		}
	}
	return nil
}
