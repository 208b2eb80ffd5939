// Package logfile is the relayer's log file (tree.toml log_file): appended to, and rotated once it
// grows past a size so a relayer that runs for weeks never fills the disk (issue 19).
package logfile

import (
	"fmt"
	"os"
	"sync"
)

// Rotating is an io.Writer over a file that, before a write would take it past max bytes, renames
// it to path.1 (path.1 to path.2, ..., dropping path.keep) and starts a new one.
type Rotating struct {
	mu   sync.Mutex
	path string
	max  int64
	keep int
	f    *os.File
	size int64
}

// Open appends to path, rotating at maxMB megabytes and keeping keep older files (at least 1).
func Open(path string, maxMB, keep int) (*Rotating, error) {
	if maxMB <= 0 || keep <= 0 {
		return nil, fmt.Errorf("log file %s: max size %d MB and %d kept files must be positive", path, maxMB, keep)
	}
	r := &Rotating{path: path, max: int64(maxMB) << 20, keep: keep}
	return r, r.open()
}

// open opens (or creates) the current file for appending.
func (r *Rotating) open() error {
	f, err := os.OpenFile(r.path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	st, err := f.Stat()
	if err != nil {
		_ = f.Close()
		return err
	}
	r.f, r.size = f, st.Size()
	return nil
}

// Write appends p, rotating first if p would take the file past its size (a write larger than
// the limit still goes whole into a fresh file).
func (r *Rotating) Write(p []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.size > 0 && r.size+int64(len(p)) > r.max {
		if err := r.rotate(); err != nil {
			return 0, err
		}
	}
	n, err := r.f.Write(p)
	r.size += int64(n)
	return n, err
}

// rotate shifts path.i to path.i+1 (dropping the oldest), path to path.1, and opens a new path.
func (r *Rotating) rotate() error {
	if err := r.f.Close(); err != nil {
		return err
	}
	_ = os.Remove(fmt.Sprintf("%s.%d", r.path, r.keep))
	for i := r.keep - 1; i >= 1; i-- {
		_ = os.Rename(fmt.Sprintf("%s.%d", r.path, i), fmt.Sprintf("%s.%d", r.path, i+1)) // a missing one is fine
	}
	if err := os.Rename(r.path, r.path+".1"); err != nil {
		return err
	}
	return r.open()
}

// Close closes the current file.
func (r *Rotating) Close() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.f.Close()
}
