package keys

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/consensys/gnark/backend/groth16"
	"github.com/consensys/gnark/constraint"
)

// ErrCacheEntry is returned for a cached key that does not belong to the circuit asking for it
// (another circuit digest, a file that changed since it was written, another shape).
var ErrCacheEntry = errors.New("keys: cache entry does not match its circuit")

// Cache keeps development keys outside the work tree by circuit digest (issue 16), so a setup
// that takes minutes runs once per machine, circuit and setup kind, and the localnet, tests and
// CI reuse it. It is for development keys only: a production key comes from a ceremony.
type Cache struct {
	// Dir is the cache root; an entry lives in Dir/<circuit digest>/<setup kind>/.
	Dir string
	// Progress, if set, gets a line when a setup starts, every ProgressEvery while it runs and
	// when it ends.
	Progress io.Writer
	// ProgressEvery is the progress period (10 s when zero).
	ProgressEvery time.Duration
}

// manifest binds a cache entry to its circuit and its files.
type manifest struct {
	CircuitDigest string `json:"circuit_digest"`
	Constraints   int    `json:"constraints"`
	Kind          string `json:"kind"`
	ProvingKey    string `json:"proving_key_sha256"`
	VerifyingKey  string `json:"verifying_key_sha256"`
	SetupSeconds  int64  `json:"setup_seconds"`
}

// DefaultCacheDir is $SLUSH_KEY_CACHE, else $XDG_CACHE_HOME/slush/keys, else the user cache
// directory's slush/keys (~/.cache/slush/keys on Linux).
func DefaultCacheDir() (string, error) {
	if d := os.Getenv("SLUSH_KEY_CACHE"); d != "" {
		return d, nil
	}
	base, err := os.UserCacheDir() // honours XDG_CACHE_HOME
	if err != nil {
		return "", err
	}
	return filepath.Join(base, "slush", "keys"), nil
}

// CircuitDigest is the SHA-256 of the constraint system's serialization: equal circuits (same
// code, same parameters, same gnark) have equal digests.
func CircuitDigest(ccs constraint.ConstraintSystem) ([sha256.Size]byte, error) {
	h := sha256.New()
	if _, err := ccs.WriteTo(h); err != nil {
		return [sha256.Size]byte{}, err
	}
	var d [sha256.Size]byte
	copy(d[:], h.Sum(nil))
	return d, nil
}

// Setup returns the keys of ccs for setup kind (e.g. "random" or "beacon-<hash>") from the
// cache, or runs setup, stores its keys and returns them. hit says whether they came from the
// cache. A cached entry is used only if its manifest names this circuit's digest and kind and
// its files hash to what the manifest recorded; otherwise ErrCacheEntry (remove the entry to
// make it again).
func (c Cache) Setup(ccs constraint.ConstraintSystem, kind string, setup func() (groth16.ProvingKey, groth16.VerifyingKey, error),
) (pk groth16.ProvingKey, vk groth16.VerifyingKey, hit bool, err error) {
	digest, err := CircuitDigest(ccs)
	if err != nil {
		return nil, nil, false, err
	}
	dir := c.entryDir(digest, kind)
	pk, vk, err = c.load(dir, ccs, digest, kind)
	if err == nil {
		return pk, vk, true, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return nil, nil, false, err
	}
	start := time.Now()
	stop := c.progress(ccs.GetNbConstraints(), kind, start)
	pk, vk, err = setup()
	stop(err)
	if err != nil {
		return nil, nil, false, err
	}
	if err := c.store(dir, ccs, digest, kind, pk, vk, time.Since(start)); err != nil {
		return nil, nil, false, err
	}
	return pk, vk, false, nil
}

// entryDir is where the keys of a circuit digest and setup kind are cached.
func (c Cache) entryDir(digest [sha256.Size]byte, kind string) string {
	return filepath.Join(c.Dir, hex.EncodeToString(digest[:]), kind)
}

// load reads and checks an entry (fs.ErrNotExist when there is none).
func (c Cache) load(dir string, ccs constraint.ConstraintSystem, digest [sha256.Size]byte, kind string) (groth16.ProvingKey, groth16.VerifyingKey, error) {
	raw, err := os.ReadFile(filepath.Join(dir, "manifest.json"))
	if err != nil {
		return nil, nil, err
	}
	var m manifest
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, nil, fmt.Errorf("%w: %s: %v", ErrCacheEntry, dir, err)
	}
	if m.CircuitDigest != hex.EncodeToString(digest[:]) || m.Kind != kind {
		return nil, nil, fmt.Errorf("%w: %s names circuit %s (%s)", ErrCacheEntry, dir, m.CircuitDigest, m.Kind)
	}
	pkb, err := readHashed(filepath.Join(dir, "key.pk"), m.ProvingKey)
	if err != nil {
		return nil, nil, err
	}
	vkb, err := readHashed(filepath.Join(dir, "key.vk"), m.VerifyingKey)
	if err != nil {
		return nil, nil, err
	}
	pk, err := ReadProvingKey(bytes.NewReader(pkb))
	if err != nil {
		return nil, nil, fmt.Errorf("%w: %v", ErrCacheEntry, err)
	}
	if err := CheckProvingKeyShape(ccs, pk); err != nil {
		return nil, nil, fmt.Errorf("%w: %v", ErrCacheEntry, err)
	}
	vk, err := CheckCircuitVerifyingKey(ccs, vkb)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: %v", ErrCacheEntry, err)
	}
	return pk, vk, nil
}

// CheckCircuitVerifyingKey checks vkb as the verifying key of ccs: its public input count, and
// one Pedersen commitment if the circuit has one (CheckCommittedVerifyingKey) or none.
func CheckCircuitVerifyingKey(ccs constraint.ConstraintSystem, vkb []byte) (groth16.VerifyingKey, error) {
	inputs := ccs.GetNbPublicVariables() - 1
	switch n := len(ccs.GetCommitments().CommitmentIndexes()); n {
	case 0:
		return CheckVerifyingKey(vkb, inputs)
	case 1:
		return CheckCommittedVerifyingKey(vkb, inputs)
	default:
		return nil, fmt.Errorf("%w: a circuit with %d commitments", ErrInvalidVerifyingKey, n)
	}
}

// readHashed reads a file whose SHA-256 must be want (hex).
func readHashed(path, want string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(b)
	if hex.EncodeToString(sum[:]) != want {
		return nil, fmt.Errorf("%w: %s changed since it was cached", ErrCacheEntry, path)
	}
	return b, nil
}

// store writes an entry into a scratch directory and renames it into place, so an interrupted
// setup never leaves half an entry.
func (c Cache) store(dir string, ccs constraint.ConstraintSystem, digest [sha256.Size]byte, kind string,
	pk groth16.ProvingKey, vk groth16.VerifyingKey, took time.Duration,
) error {
	pkb, vkb, err := marshalKeys(pk, vk)
	if err != nil {
		return err
	}
	pkSum, vkSum := sha256.Sum256(pkb), sha256.Sum256(vkb)
	m, err := json.MarshalIndent(manifest{
		CircuitDigest: hex.EncodeToString(digest[:]), Constraints: ccs.GetNbConstraints(), Kind: kind,
		ProvingKey: hex.EncodeToString(pkSum[:]), VerifyingKey: hex.EncodeToString(vkSum[:]), SetupSeconds: int64(took.Seconds()),
	}, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp(filepath.Dir(dir), ".partial-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp) // gone after the rename
	for _, f := range []struct {
		name string
		b    []byte
	}{{"key.pk", pkb}, {"key.vk", vkb}, {"manifest.json", m}} {
		if err := os.WriteFile(filepath.Join(tmp, f.name), f.b, 0o644); err != nil {
			return err
		}
	}
	if err := os.Rename(tmp, dir); err != nil && !errors.Is(err, fs.ErrExist) {
		if _, statErr := os.Stat(filepath.Join(dir, "manifest.json")); statErr == nil {
			return nil // another process cached the same circuit meanwhile
		}
		return err
	}
	return nil
}

// progress reports a running setup every ProgressEvery (setups of large circuits take
// minutes) and returns the function that ends the report.
func (c Cache) progress(constraints int, kind string, start time.Time) func(error) {
	if c.Progress == nil {
		return func(error) {}
	}
	every := c.ProgressEvery
	if every <= 0 {
		every = 10 * time.Second
	}
	fmt.Fprintf(c.Progress, "setup (%s) of %d constraints started; keys will be cached in %s\n", kind, constraints, c.Dir)
	done := make(chan struct{})
	ended := make(chan struct{})
	go func() {
		defer close(ended)
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				fmt.Fprintf(c.Progress, "setup (%s) of %d constraints: %s so far\n", kind, constraints, time.Since(start).Round(time.Second))
			}
		}
	}()
	return func(err error) {
		close(done)
		<-ended
		if err == nil {
			fmt.Fprintf(c.Progress, "setup (%s) of %d constraints done in %s\n", kind, constraints, time.Since(start).Round(time.Second))
		}
	}
}
