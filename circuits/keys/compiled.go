package keys

import (
	"bytes"
	"crypto/sha256"
	"debug/elf"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/backend/groth16"
	"github.com/consensys/gnark/constraint"
)

// ErrCompiledEntry is returned (and the entry compiled again) for a cached constraint system
// whose bytes do not hash to the circuit digest its index names, or that does not decode.
var ErrCompiledEntry = errors.New("keys: compiled circuit entry does not match its digest")

// CompiledCache keeps compiled constraint systems on disk, so a process that needs a circuit
// (the relayer, at every start) reads it back in seconds instead of compiling it again (about
// 50 s for the localnet's circuits on 2 cores; issue 19). Entries are stored by circuit digest:
// Dir/ccs/<digest>.ccs holds the serialization whose SHA-256 is the digest (CircuitDigest), so
// reading an entry checks it. Since the digest is only known once compiled, an index maps the
// code that compiles (Build: BuildID, the running executable) and the circuit's name (its
// parameters) to the digest: Dir/index/<sha256(build, name)>.json. A new binary compiles each
// circuit once; one whose index or entry is missing, unreadable or does not hash to its digest
// is compiled again and its entry rewritten.
type CompiledCache struct {
	// Dir is the cache root (DefaultCompiledCacheDir).
	Dir string
	// Build identifies the code that compiles the circuits (BuildID): a cached circuit is found
	// only by the build that compiled it (or one that compiled the same digest).
	Build string
}

// compiledIndex is one index entry: which digest a build's circuit compiled to.
type compiledIndex struct {
	Name           string  `json:"name"`
	Build          string  `json:"build"`
	CircuitDigest  string  `json:"circuit_digest"`
	Constraints    int     `json:"constraints"`
	CompileSeconds float64 `json:"compile_seconds"`
}

// DefaultCompiledCacheDir is the compiled circuits' directory in the key cache
// (DefaultCacheDir()/compiled).
func DefaultCompiledCacheDir() (string, error) {
	d, err := DefaultCacheDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(d, "compiled"), nil
}

// BuildID identifies the running program's code: the Go build ID of its executable (its ELF
// note, which the linker derives from the binary's content), else the SHA-256 of the
// executable (hex; about 0.8 s for slushchaind on 2 shared cores). Any change to the code, the
// circuits' included, changes it.
func BuildID() (string, error) {
	exe, err := os.Executable()
	if err != nil {
		return "", err
	}
	if id, err := goBuildID(exe); err == nil {
		return id, nil
	}
	f, err := os.Open(exe)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// goBuildID reads the Go build ID note of an ELF executable ("go:<action id>/<content id>").
func goBuildID(exe string) (string, error) {
	f, err := elf.Open(exe)
	if err != nil {
		return "", err
	}
	defer f.Close()
	sec := f.Section(".note.go.buildid")
	if sec == nil {
		return "", errors.New("no Go build ID note")
	}
	note, err := sec.Data()
	if err != nil {
		return "", err
	}
	// an ELF note: name size, descriptor size, type (4 bytes each), the name "Go\x00\x00", the ID
	if len(note) < 16 || string(note[12:16]) != "Go\x00\x00" {
		return "", errors.New("malformed Go build ID note")
	}
	size := int(f.ByteOrder.Uint32(note[4:8]))
	if size == 0 || 16+size > len(note) {
		return "", errors.New("malformed Go build ID note")
	}
	return "go:" + string(note[16:16+size]), nil
}

// CompileResult says where a constraint system came from.
type CompileResult struct {
	// Hit is true when the circuit was read from the cache.
	Hit bool
	// Digest is the circuit digest (hex).
	Digest string
	// Refused is why a cached entry was not used and the circuit compiled again (nil if there
	// was none, or it served): ErrCompiledEntry for an entry that does not match its digest.
	Refused error
	// NotCached is why the compiled circuit could not be stored (nil once stored).
	NotCached error
}

// Compile returns the constraint system of circuit name (a name that fixes every parameter
// of the circuit, e.g. "ledger a8 o20 b4 c2 d2"), read from the cache when this build cached
// it, else compiled by compile and cached. A cache that cannot be written is not an error: the
// circuit is returned compiled.
func (c CompiledCache) Compile(name string, compile func() (constraint.ConstraintSystem, error)) (constraint.ConstraintSystem, CompileResult, error) {
	ccs, digest, err := c.load(name)
	if err == nil {
		return ccs, CompileResult{Hit: true, Digest: digest}, nil
	}
	var res CompileResult
	if !errors.Is(err, fs.ErrNotExist) {
		res.Refused = err
	}
	start := time.Now()
	if ccs, err = compile(); err != nil {
		return nil, res, err
	}
	if res.Digest, res.NotCached = c.store(name, ccs, time.Since(start)); res.NotCached != nil {
		d, err := CircuitDigest(ccs)
		if err != nil {
			return nil, res, err
		}
		res.Digest = hex.EncodeToString(d[:])
	}
	return ccs, res, nil
}

// indexPath is the index entry of (build, name).
func (c CompiledCache) indexPath(name string) string {
	sum := sha256.Sum256([]byte(c.Build + "\x00" + name))
	return filepath.Join(c.Dir, "index", hex.EncodeToString(sum[:])+".json")
}

// entryPath is the constraint system of a digest.
func (c CompiledCache) entryPath(digest string) string {
	return filepath.Join(c.Dir, "ccs", digest+".ccs")
}

// load reads the circuit (build, name) indexes (fs.ErrNotExist when it indexes none) and checks
// it against its digest.
func (c CompiledCache) load(name string) (constraint.ConstraintSystem, string, error) {
	raw, err := os.ReadFile(c.indexPath(name))
	if err != nil {
		return nil, "", err
	}
	var idx compiledIndex
	if err := json.Unmarshal(raw, &idx); err != nil {
		return nil, "", fmt.Errorf("%w: index of %q: %v", ErrCompiledEntry, name, err)
	}
	if idx.Name != name || idx.Build != c.Build {
		return nil, "", fmt.Errorf("%w: index of %q names %q of build %.12s", ErrCompiledEntry, name, idx.Name, idx.Build)
	}
	b, err := os.ReadFile(c.entryPath(idx.CircuitDigest))
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, "", fmt.Errorf("%w: %s is missing", ErrCompiledEntry, c.entryPath(idx.CircuitDigest))
		}
		return nil, "", err
	}
	if sum := sha256.Sum256(b); hex.EncodeToString(sum[:]) != idx.CircuitDigest {
		return nil, "", fmt.Errorf("%w: %s hashes to %x", ErrCompiledEntry, c.entryPath(idx.CircuitDigest), sum)
	}
	ccs := groth16.NewCS(ecc.BN254)
	if _, err := ccs.ReadFrom(bytes.NewReader(b)); err != nil {
		return nil, "", fmt.Errorf("%w: %s: %v", ErrCompiledEntry, c.entryPath(idx.CircuitDigest), err)
	}
	if ccs.GetNbConstraints() != idx.Constraints {
		return nil, "", fmt.Errorf("%w: %s has %d constraints, its index %d", ErrCompiledEntry, c.entryPath(idx.CircuitDigest),
			ccs.GetNbConstraints(), idx.Constraints)
	}
	return ccs, idx.CircuitDigest, nil
}

// store writes ccs under its digest and indexes it for (build, name); each file is written
// aside and renamed into place, so a reader never sees half a file. It returns the digest.
func (c CompiledCache) store(name string, ccs constraint.ConstraintSystem, took time.Duration) (string, error) {
	var buf bytes.Buffer
	if _, err := ccs.WriteTo(&buf); err != nil {
		return "", err
	}
	sum := sha256.Sum256(buf.Bytes())
	digest := hex.EncodeToString(sum[:])
	idx, err := json.MarshalIndent(compiledIndex{Name: name, Build: c.Build, CircuitDigest: digest,
		Constraints: ccs.GetNbConstraints(), CompileSeconds: took.Seconds()}, "", "  ")
	if err != nil {
		return "", err
	}
	if err := writeAtomic(c.entryPath(digest), buf.Bytes()); err != nil {
		return "", err
	}
	return digest, writeAtomic(c.indexPath(name), idx)
}

// writeAtomic writes b to path through a temporary file in the same directory.
func writeAtomic(path string, b []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	f, err := os.CreateTemp(filepath.Dir(path), ".partial-")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name()) // gone after the rename
	if _, err := f.Write(b); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}
