package proving

import (
	"bytes"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/consensys/gnark/backend/groth16"
	"github.com/consensys/gnark/constraint"
	"github.com/stretchr/testify/require"

	"github.com/slush-tree/slush/circuits/keys"
	"github.com/slush-tree/slush/circuits/ledger"
	"github.com/slush-tree/slush/circuits/prover"
	ledgertypes "github.com/slush-tree/slush/x/ledger/types"
)

// TestCompileCached: a relayer start compiles its circuits once into keys_dir/compiled and
// the next start reads them back (the same circuit digest); an entry that no longer matches
// its digest is refused with a warning and compiled again; without a cache every start compiles.
func TestCompileCached(t *testing.T) {
	keysDir := t.TempDir()
	var logs bytes.Buffer
	cache := &keys.CompiledCache{Dir: filepath.Join(keysDir, CompiledDir), Build: "test-build"}
	compiles := 0
	compile := func() (constraint.ConstraintSystem, error) { compiles++; return prover.CompileInclusion(2) }
	want, err := prover.CompileInclusion(2)
	require.NoError(t, err)
	wantDigest, err := keys.CircuitDigest(want)
	require.NoError(t, err)

	corrupt := func(t *testing.T) {
		entries, err := filepath.Glob(filepath.Join(keysDir, CompiledDir, "ccs", "*.ccs"))
		require.NoError(t, err)
		require.Len(t, entries, 1)
		require.NoError(t, os.WriteFile(entries[0], []byte("not a circuit"), 0o644))
	}
	for _, s := range []struct {
		name     string
		cache    *keys.CompiledCache
		before   func(t *testing.T)
		cached   bool
		compiles int
		warn     string
	}{
		{name: "first start compiles", cache: cache, compiles: 1},
		{name: "restart reads it back", cache: cache, cached: true, compiles: 1},
		{name: "a changed entry is refused and compiled again", cache: cache, before: corrupt, compiles: 2, warn: "cached circuit refused"},
		{name: "then read back", cache: cache, cached: true, compiles: 2},
		{name: "no cache: compiled", cache: nil, compiles: 3},
	} {
		t.Run(s.name, func(t *testing.T) {
			logs.Reset()
			if s.before != nil {
				s.before(t)
			}
			p := &Prover{log: slog.New(slog.NewTextHandler(&logs, nil)), compiled: s.cache}
			ccs, cached, err := p.compile("inclusion depth 2", compile)
			require.NoError(t, err)
			require.Equal(t, s.cached, cached)
			require.Equal(t, s.compiles, compiles)
			digest, err := keys.CircuitDigest(ccs)
			require.NoError(t, err)
			require.Equal(t, wantDigest, digest, "the same circuit, compiled or cached")
			if s.warn != "" {
				require.Contains(t, logs.String(), s.warn)
			} else {
				require.NotContains(t, logs.String(), "WARN")
			}
		})
	}
}

// TestLoadLedgerCached: the ledger circuit and key load as a relayer start loads them; the
// second start reads both from keys_dir/compiled, and the circuit it gets is the one the key
// was made for (loadLedger checks the key's shape against it).
func TestLoadLedgerCached(t *testing.T) {
	dir := t.TempDir()
	shape := ledgertypes.Params{AccountDepth: 1, OutboxDepth: 1, BatchSize: 1}
	ccs, err := ledger.Compile(shape.Ledger())
	require.NoError(t, err)
	pk, vk, err := groth16.Setup(ccs)
	require.NoError(t, err)
	require.NoError(t, keys.WriteKeys(dir, "ledger", pk, vk))
	want, err := keys.CircuitDigest(ccs)
	require.NoError(t, err)
	for _, s := range []struct {
		name   string
		cached string
	}{
		{"first start", "cached=false"},
		{"restart", "cached=true"},
	} {
		t.Run(s.name, func(t *testing.T) {
			var logs bytes.Buffer
			p := &Prover{log: slog.New(slog.NewTextHandler(&logs, nil))}
			p.useCache(dir)
			require.NoError(t, p.loadLedger(dir, shape))
			got, err := keys.CircuitDigest(p.ledgerCCS)
			require.NoError(t, err)
			require.Equal(t, want, got)
			require.Contains(t, logs.String(), `msg="ledger circuit ready" constraints=`)
			for _, line := range strings.Split(logs.String(), "\n") {
				if strings.Contains(line, "ledger circuit ready") || strings.Contains(line, "proving key loaded") {
					require.Contains(t, line, s.cached, line)
				}
			}
			require.NotContains(t, logs.String(), "WARN")
			t.Log(logs.String())
		})
	}
}
