package keys

import (
	"bufio"
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

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/backend/groth16"
)

// ErrRawKeyEntry is returned (and the entry rewritten) for a cached raw proving key whose bytes
// do not hash to what its manifest recorded, or that does not decode.
var ErrRawKeyEntry = errors.New("keys: raw proving key entry does not match its manifest")

// RawKeyCache keeps proving keys decoded once, in gnark's raw (uncompressed) form, so a
// process that loads a key at every start (the relayer) skips the point decompression and
// subgroup checks of ReadProvingKey: about 5 s per 10 MB of compressed key on 2 shared cores,
// against 0.1 s for the raw form — most of a relayer restart (issue 19). An entry is named by
// the SHA-256 of the compressed key file it was decoded from (Dir/pk/<sha256>.raw, with a
// manifest holding the raw file's SHA-256): a changed key file is decoded and checked again,
// and a raw file that does not hash to its manifest is refused and rewritten. The raw form is
// read without checks only because this process wrote it from a key that passed them.
type RawKeyCache struct {
	// Dir is the cache root.
	Dir string
}

// rawKeyManifest binds a raw entry to its source key and its bytes.
type rawKeyManifest struct {
	SourceSHA256 string `json:"source_sha256"`
	RawSHA256    string `json:"raw_sha256"`
	RawBytes     int    `json:"raw_bytes"`
}

// RawKeyResult says where a proving key came from.
type RawKeyResult struct {
	// Hit is true when the key was read from its raw entry.
	Hit bool
	// Refused is why an entry was not used and the key decoded again (nil if none was, or it served).
	Refused error
	// NotCached is why the decoded key could not be stored (nil once stored).
	NotCached error
}

// ReadProvingKey returns the proving key in the compressed file path (as ReadProvingKey
// decodes it), from its raw entry when one matches the file's SHA-256.
// Both files are streamed, so a 221 MB key costs no in-memory copy of its bytes.
func (c RawKeyCache) ReadProvingKey(path string) (groth16.ProvingKey, RawKeyResult, error) {
	name, _, err := hashFile(path)
	if err != nil {
		return nil, RawKeyResult{}, err
	}
	pk, err := c.load(name)
	if err == nil {
		return pk, RawKeyResult{Hit: true}, nil
	}
	var res RawKeyResult
	if !errors.Is(err, fs.ErrNotExist) {
		res.Refused = err
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, res, err
	}
	defer f.Close()
	if pk, err = ReadProvingKey(bufio.NewReaderSize(f, 1<<20)); err != nil {
		return nil, res, err
	}
	res.NotCached = c.store(name, pk)
	return pk, res, nil
}

// hashFile is the hex SHA-256 and the length of a file, streamed.
func hashFile(path string) (string, int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", 0, err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return "", 0, err
	}
	return hex.EncodeToString(h.Sum(nil)), n, nil
}

// paths are an entry's raw file and manifest.
func (c RawKeyCache) paths(name string) (raw, manifest string) {
	base := filepath.Join(c.Dir, "pk", name)
	return base + ".raw", base + ".json"
}

// load reads the raw entry of a source hash (fs.ErrNotExist when there is none).
func (c RawKeyCache) load(name string) (groth16.ProvingKey, error) {
	rawPath, manifestPath := c.paths(name)
	mb, err := os.ReadFile(manifestPath)
	if err != nil {
		return nil, err
	}
	var m rawKeyManifest
	if err := json.Unmarshal(mb, &m); err != nil || m.SourceSHA256 != name {
		return nil, fmt.Errorf("%w: %s: %v", ErrRawKeyEntry, manifestPath, err)
	}
	// the bytes are checked against the manifest before the unchecked decoder sees any of them
	sum, size, err := hashFile(rawPath)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("%w: %s is missing", ErrRawKeyEntry, rawPath)
		}
		return nil, err
	}
	if size != int64(m.RawBytes) || sum != m.RawSHA256 {
		return nil, fmt.Errorf("%w: %s changed since it was written", ErrRawKeyEntry, rawPath)
	}
	f, err := os.Open(rawPath)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	pk := groth16.NewProvingKey(ecc.BN254)
	if _, err := pk.UnsafeReadFrom(bufio.NewReaderSize(f, 1<<20)); err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrRawKeyEntry, rawPath, err)
	}
	return pk, nil
}

// store writes the raw form of pk and its manifest (raw file first: a manifest is only ever
// next to its complete raw file).
func (c RawKeyCache) store(name string, pk groth16.ProvingKey) error {
	var raw bytes.Buffer
	if _, err := pk.WriteRawTo(&raw); err != nil {
		return err
	}
	sum := sha256.Sum256(raw.Bytes())
	m, err := json.MarshalIndent(rawKeyManifest{SourceSHA256: name, RawSHA256: hex.EncodeToString(sum[:]), RawBytes: raw.Len()}, "", "  ")
	if err != nil {
		return err
	}
	rawPath, manifestPath := c.paths(name)
	if err := writeAtomic(rawPath, raw.Bytes()); err != nil {
		return err
	}
	return writeAtomic(manifestPath, m)
}

// LoadKeys is keys.LoadKeys (dir/name.pk and the checked dir/name.vk) reading the proving key
// through the cache.
func (c RawKeyCache) LoadKeys(dir, name string, expectedPublicInputs int) (groth16.ProvingKey, groth16.VerifyingKey, RawKeyResult, error) {
	pk, res, err := c.ReadProvingKey(filepath.Join(dir, name+".pk"))
	if err != nil {
		return nil, nil, res, err
	}
	vkb, err := os.ReadFile(filepath.Join(dir, name+".vk"))
	if err != nil {
		return nil, nil, res, err
	}
	vk, err := CheckVerifyingKey(vkb, expectedPublicInputs)
	return pk, vk, res, err
}
