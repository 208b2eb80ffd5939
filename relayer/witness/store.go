package witness

import (
	"context"
	"errors"

	ledgertypes "github.com/slush-tree/slush/x/ledger/types"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"

	"github.com/slush-tree/slush/circuits/inclusion"
	"github.com/slush-tree/slush/circuits/ledger"
	"github.com/slush-tree/slush/circuits/smt"
)

// errReadOnly is returned by remoteStore's writers: remote trees are opened to be read.
var errReadOnly = errors.New("witness: remote store is read-only")

// StoreReader reads raw keys of a module store at a height.
type StoreReader interface {
	// StoreGet reads one raw key of a module store at a height (nil if absent).
	StoreGet(ctx context.Context, store string, key []byte, height int64) ([]byte, error)
}

// remoteStore is an smt.Store over a chain's module store at a fixed height, read through
// abci_query: the relayer opens the chain's own trees (ledger outbox, receipt accumulator) as
// they were at the block of a commitment and proves items in them, without replaying anything.
// Reads are cached (a past height never changes).
type remoteStore struct {
	ctx    context.Context
	chain  StoreReader
	store  string
	prefix []byte
	height int64
	cache  map[string][]byte
}

var _ smt.Store = (*remoteStore)(nil)

// newRemoteStore opens prefix of module store `store` at height.
func newRemoteStore(ctx context.Context, chain StoreReader, store string, prefix []byte, height int64) *remoteStore {
	return &remoteStore{ctx: ctx, chain: chain, store: store, prefix: prefix, height: height, cache: map[string][]byte{}}
}

// Get reads a key (nil if absent).
func (s *remoteStore) Get(key []byte) ([]byte, error) {
	if v, ok := s.cache[string(key)]; ok {
		return v, nil
	}
	full := append(append([]byte{}, s.prefix...), key...)
	v, err := s.chain.StoreGet(s.ctx, s.store, full, s.height)
	if err != nil {
		return nil, err
	}
	if len(v) == 0 {
		v = nil
	}
	s.cache[string(key)] = v
	return v, nil
}

// Set refuses: the store is read-only.
func (s *remoteStore) Set(_, _ []byte) error { return errReadOnly }

// Delete refuses: the store is read-only.
func (s *remoteStore) Delete(_ []byte) error { return errReadOnly }

// OutboxProof proves message nonce in chain's outbox as of block height (nil, false when the
// outbox did not hold it yet). Only the outbox is opened, at the inclusion circuit's accumulator
// depth, so the sender's own ledger shape (e.g. the root's account depth) does not matter.
func OutboxProof(ctx context.Context, chain StoreReader, height int64, nonce uint64) (smt.AccumulatorProof, bool, error) {
	out, err := ledger.OpenOutbox(newRemoteStore(ctx, chain, ledgertypes.StoreKey, ledgertypes.StateKey.Bytes(), height), inclusion.AccumulatorDepth)
	if err != nil {
		return smt.AccumulatorProof{}, false, err
	}
	if nonce >= out.Size() {
		return smt.AccumulatorProof{}, false, nil
	}
	p, err := out.Prove(nonce)
	return p, err == nil, err
}

// ReceiptTree opens chain's receipt accumulator (in its ledger) as of block height, at the
// inclusion circuit's accumulator depth like the outbox.
func ReceiptTree(ctx context.Context, chain StoreReader, height int64) (*smt.Accumulator, error) {
	return ledger.OpenReceipts(newRemoteStore(ctx, chain, ledgertypes.StoreKey, ledgertypes.StateKey.Bytes(), height), inclusion.AccumulatorDepth)
}

// LedgerAt opens chain's ledger (read-only) as of block height: what an exit's account opening
// is read from (DESIGN §8).
func LedgerAt(ctx context.Context, chain StoreReader, vid fr.Element, p ledger.Params, height int64) (*ledger.State, error) {
	return ledger.NewState(newRemoteStore(ctx, chain, ledgertypes.StoreKey, ledgertypes.StateKey.Bytes(), height), vid, p)
}
