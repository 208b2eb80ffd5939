package proving

import (
	"crypto/sha256"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime/debug"
	"sync"
	"time"

	"github.com/consensys/gnark/backend/groth16"
	"github.com/consensys/gnark/constraint"

	"github.com/slush-tree/slush/circuits/keys"
	"github.com/slush-tree/slush/circuits/subtree"
)

// stepCircuit holds the prover P of one step circuit: its compiled constraint system and decoded
// proving key, 1.5 to 3 GiB at the step circuits' 1 to 1.5M constraints. It exists because the
// relayer cannot keep every step circuit in memory: the plain kinds (1/2, 3 and 4), which prove
// nearly every batch, stay resident, but the forced kinds (9, 10 and 11) prove only the batches
// that minted forced deposits and the exit kind (12) only those that credited exits (DESIGN §8),
// so they are loaded on demand instead — once at start-up with every check (a bad key still
// refuses start-up) and released, then for each proof from the compiled-circuit and raw proving
// key caches that load filled, and released after it. Such a proof pays the load's seconds
// (logged "step circuit loaded"); the relayer saves their memory the rest of the time.
type stepCircuit[P any] struct {
	// name is the keys_dir file name of its keys: its kind in the log and in errors.
	name string
	// resident is the prover of a resident circuit, nil for one loaded on demand.
	resident *P
	// loaded is the prover of an on-demand circuit while a proof uses it, nil otherwise.
	loaded *P
	// load loads the prover again (an on-demand circuit's), with the start-up load's checks.
	load func() (P, loadStats, error)
	// pkPath is the on-demand circuit's proving key file, which hashed to pkSum at start-up: a
	// key that changed since is refused (it may no longer be the key of the resident vk).
	pkPath string
	pkSum  [sha256.Size]byte
	// mu is shared by a Prover's on-demand circuits: one is loaded at a time.
	mu  *sync.Mutex
	log *slog.Logger
}

// loadStats is what a step circuit's load reports: its size and whether the compiled circuit
// came from the cache.
type loadStats struct {
	constraints int
	cached      bool
}

// newStepCircuit loads a step circuit's prover at start-up with load, which makes every check a
// key gets (so a bad key refuses start-up), and keeps it resident, or — onDemand — pins its
// proving key file pkPath by hash and releases the prover, to load it again for each proof.
func newStepCircuit[P any](p *Prover, name, pkPath string, onDemand bool, load func() (P, loadStats, error)) (*stepCircuit[P], loadStats, error) {
	c := &stepCircuit[P]{name: name, log: p.log}
	if !onDemand {
		sp, stats, err := load()
		if err != nil {
			return nil, stats, err
		}
		c.resident = &sp
		return c, stats, nil
	}
	sum, err := hashFile(pkPath)
	if err != nil {
		return nil, loadStats{}, fmt.Errorf("%s.pk: %w", name, err)
	}
	_, stats, err := load()
	if err != nil {
		return nil, stats, err
	}
	c.load, c.pkPath, c.pkSum, c.mu = load, pkPath, sum, &p.onDemand
	debug.FreeOSMemory() // the prover load returned is garbage now
	return c, stats, nil
}

// onDemand tells whether the circuit is loaded for each proof rather than kept resident.
func (c *stepCircuit[P]) onDemand() bool { return c.resident == nil }

// use calls prove with the circuit's prover: the resident one, or, for an on-demand circuit, the
// one it loads first (one on-demand circuit at a time) and releases when prove returns, its
// memory given back to the OS so the process's resident size falls. A failed load is an error
// (wrapped) without calling prove; prove's error is returned as is.
func (c *stepCircuit[P]) use(prove func(P) error) error {
	if !c.onDemand() {
		return prove(*c.resident)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	start := time.Now()
	sum, err := hashFile(c.pkPath)
	if err != nil {
		return fmt.Errorf("loading %s on demand: %s.pk: %w", c.name, c.name, err)
	}
	if sum != c.pkSum {
		return fmt.Errorf("loading %s on demand: %s changed since start-up (sha256 %x, now %x): it may no longer be the key of the verifying key loaded then; restart the relayer",
			c.name, c.pkPath, c.pkSum[:8], sum[:8])
	}
	sp, stats, err := c.load()
	if err != nil {
		return fmt.Errorf("loading %s on demand: %w", c.name, err)
	}
	c.log.Info("step circuit loaded", "kind", c.name, "seconds", fmt.Sprintf("%.2f", time.Since(start).Seconds()),
		"constraints", stats.constraints, "cached", stats.cached)
	c.loaded = &sp
	defer func() {
		var none P
		sp, c.loaded = none, nil // every reference to the circuit and its key dropped
		debug.FreeOSMemory()
	}()
	return prove(sp)
}

// proveOn proves with c's prover (loaded first when on demand) and returns the proof, what it
// states and when the proof itself began (an on-demand load is logged apart, not timed with it).
func proveOn[P any](c *stepCircuit[P], prove func(P) ([]byte, subtree.StepPublic, error)) (proof []byte, pub subtree.StepPublic, start time.Time, err error) {
	start = time.Now()
	err = c.use(func(sp P) error {
		start = time.Now()
		var err error
		proof, pub, err = prove(sp)
		return err
	})
	return proof, pub, start, err
}

// hashFile is the SHA-256 of a file, streamed (a proving key is hundreds of MB).
func hashFile(path string) ([sha256.Size]byte, error) {
	var sum [sha256.Size]byte
	f, err := os.Open(path)
	if err != nil {
		return sum, err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return sum, err
	}
	copy(sum[:], h.Sum(nil))
	return sum, nil
}

// loadStepKeys compiles a step circuit (or reads it from the compiled-circuit cache under name,
// which holds its parameters) and reads keys_dir/file.pk (through the raw key cache), checked
// against the circuit's shape (a key of another circuit is refused as not circuit, a description):
// the heavy part of a step circuit's load, which an on-demand circuit repeats for each proof.
func (p *Prover) loadStepKeys(dir, file, name, circuit string, compile func() (constraint.ConstraintSystem, error),
) (constraint.ConstraintSystem, groth16.ProvingKey, loadStats, error) {
	ccs, cached, err := p.compile(name, compile)
	if err != nil {
		return nil, nil, loadStats{}, err
	}
	stats := loadStats{constraints: ccs.GetNbConstraints(), cached: cached}
	pk, err := p.readProvingKey(dir, file) // raw after the first start: ~2 min less per load
	if err != nil {
		return nil, nil, stats, fmt.Errorf("%s.pk: %w", file, err)
	}
	if err := keys.CheckProvingKeyShape(ccs, pk); err != nil {
		return nil, nil, stats, fmt.Errorf("%s.pk is not %s: %w", file, circuit, err)
	}
	return ccs, pk, stats, nil
}
