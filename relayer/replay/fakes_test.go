package replay

import (
	"context"
	"testing"

	ledgertypes "github.com/slush-tree/slush/x/ledger/types"

	"github.com/stretchr/testify/require"

	"github.com/slush-tree/slush/circuits/commitment"
	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/inclusion"
	"github.com/slush-tree/slush/circuits/ledger"
	"github.com/slush-tree/slush/circuits/smt"
)

// testLedger is the ledger shape of these tests (the outbox depth is the inclusion circuit's).
var testLedger = ledgertypes.Params{AccountDepth: 4, OutboxDepth: 20, BatchSize: 2}

// fakeChain answers logReader queries from in-memory state: its ledger (funded by deposits at
// genesis) and its operation log, as x/bridge keeps them.
type fakeChain struct {
	path     []uint8
	store    *smt.MemStore
	deposits []ledgertypes.GenesisDeposit
	log      []ledgertypes.LoggedOp
}

// newFunded is the chain at path with alice funded with 1000 of asset 7 at genesis.
func newFunded(t *testing.T, path []uint8) *fakeChain {
	alice := ledger.OwnerHash(ledger.KeyFromSeed([]byte("alice")).PublicKey)
	f := &fakeChain{path: path, store: smt.NewMemStore(), deposits: []ledgertypes.GenesisDeposit{
		{Recipient: hash.EncodeElement(alice), AssetId: hash.EncodeElement(hash.Uint64(7)), Amount: 1000}}}
	require.NoError(t, ledgertypes.FundLedger(f.ledgerState(t), f.deposits))
	return f
}

func (f *fakeChain) BatchLog(_ context.Context, from uint64, limit uint32, _ int64) ([]ledgertypes.LoggedOp, error) {
	var out []ledgertypes.LoggedOp
	for _, op := range f.log {
		if op.Sequence >= from && len(out) < int(limit) {
			out = append(out, op)
		}
	}
	return out, nil
}

// origin is what a replica of the chain's ledger starts from.
func (f *fakeChain) origin() Origin {
	return Origin{Vid: commitment.MustPackVid(f.path), Params: testLedger, Deposits: f.deposits}
}

// ledgerState opens the chain's ledger in its store.
func (f *fakeChain) ledgerState(t *testing.T) *ledger.State {
	st, err := ledger.NewState(f.store, commitment.MustPackVid(f.path), testLedger.Ledger())
	require.NoError(t, err)
	return st
}

// execute applies op to the chain's ledger and logs it, as x/bridge does.
func (f *fakeChain) execute(t *testing.T, op ledger.Op, height int64) {
	st := f.ledgerState(t)
	if op.Kind == ledger.OpBridgeIn {
		require.NoError(t, st.PushInbox(op.Msg, op.Source))
	}
	require.NoError(t, st.Apply(op))
	f.log = append(f.log, ledgertypes.LoggedOp{Sequence: uint64(len(f.log)), Height: height, Op: op.Bytes()})
}

// messageFrom is a message of 1 of asset 7 to owner 5 on this chain, sent by the chain at src
// with nonce.
func (f *fakeChain) messageFrom(src []uint8, nonce uint64) inclusion.Message {
	return inclusion.Message{SrcVid: commitment.MustPackVid(src), DstVid: commitment.MustPackVid(f.path), Nonce: nonce,
		Recipient: hash.Uint64(5), AssetID: hash.Uint64(7), Amount: 1}
}
