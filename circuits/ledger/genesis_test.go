package ledger

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/smt"
)

// TestEmptyRootsMatchState: EmptyRoots are the roots of a ledger opened on an empty store, and
// one deposit moves the ledger root away from them.
func TestEmptyRootsMatchState(t *testing.T) {
	p := Params{AccountDepth: 4, OutboxDepth: 4, BatchSize: 2}
	s, err := NewState(smt.NewMemStore(), hash.Uint64(7), p)
	require.NoError(t, err)
	want := EmptyRoots(p)
	ledgerRoot, err := s.Root()
	require.NoError(t, err)
	outbox, err := s.OutboxRoot()
	require.NoError(t, err)
	receipts, err := s.ReceiptRoot()
	require.NoError(t, err)
	require.Equal(t, want, GenesisRoots{Ledger: ledgerRoot, Outbox: outbox, Receipts: receipts})

	require.NoError(t, s.Fund(hash.Uint64(1), hash.Uint64(2), 5))
	funded, err := s.Root()
	require.NoError(t, err)
	require.NotEqual(t, want.Ledger, funded)
}
