package app_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/ledger"
	validiumtypes "github.com/slush-tree/slush/x/validium/types"
)

// TestUpdateCarriesBurstOfBatches (issue 15, DESIGN §5 "Bursts"): chain 1 logs 3 × batch_size
// transfers while its anchor stands still — more than one batch proves, which used to leave no
// commitment of 1 its parent could accept — and the root accepts them all in one update carrying
// three chained batch proofs under the update's one anchor (not with a batch left out). The next
// update of the then idle chain carries no proof and still moves the anchor.
func TestUpdateCarriesBurstOfBatches(t *testing.T) {
	tr := newTree(t, [][]uint8{{}, {1}}, fundedOn([]uint8{1}, 1000))
	root, one := tr.root(), tr.node(1)
	tr.round()
	anchor := func() uint64 {
		own, err := one.chain.App.TreeKeeper.Commitments.Get(one.chain.Context(), one.chain.App.LastBlockHeight())
		require.NoError(t, err)
		return own.Fields.AnchorHeight
	}
	before := anchor()

	alice, bob := ledger.KeyFromSeed([]byte("alice")), ledger.OwnerHash(ledger.KeyFromSeed([]byte("bob")).PublicKey)
	burst := 3 * int(tr.lp.BatchSize)
	for i := 0; i < burst; i++ {
		tr.transfer(one, alice, 0, uint64(i), bob, 10)
	}
	require.Equal(t, before, anchor(), "every transfer logged under one anchor")
	ledgerNow, err := one.chain.App.LedgerKeeper.CurrentRoots(one.chain.Context())
	require.NoError(t, err)

	tr.tick() // the anchor steps
	msg := tr.prepareUpdate(one)
	require.Len(t, msg.Batches, 3, "%d transfers in batches of %d", burst, tr.lp.BatchSize)
	require.Greater(t, msg.NewCommitment.AnchorHeight, before)

	dropped := *msg
	dropped.Batches = append(msg.Batches[:1:1], msg.Batches[2])
	tr.fails(root, operatorAccount(one), &dropped, validiumtypes.ErrBatchChainBroken)

	res, gas := tr.submit(one, msg)
	require.Equal(t, uint32(3), res.Batches)
	rec, err := root.chain.App.ValidiumKeeper.GetChild(root.chain.Context(), one.index())
	require.NoError(t, err)
	require.Equal(t, res.Commitment, rec.LatestCommitment)
	require.Equal(t, msg.NewCommitment.LedgerRoot, rec.LedgerRoot, "the root holds 1's ledger after the whole burst")
	require.Equal(t, hash.EncodeElement(ledgerNow.Ledger), rec.LedgerRoot)
	require.Equal(t, uint64(1000-10*burst), tr.balance(one, ledger.OwnerHash(alice.PublicKey)))
	require.Equal(t, uint64(10*burst), tr.balance(one, bob))

	tr.tick()
	idle := tr.prepareUpdate(one)
	require.Empty(t, idle.Batches, "nothing logged since: no proof")
	idleRes, idleGas := tr.submit(one, idle)
	require.Zero(t, idleRes.Batches)
	rec, err = root.chain.App.ValidiumKeeper.GetChild(root.chain.Context(), one.index())
	require.NoError(t, err)
	require.Equal(t, idle.NewCommitment.AnchorHeight, rec.AnchorHeight, "the idle update moved the anchor")
	require.Equal(t, msg.NewCommitment.LedgerRoot, rec.LedgerRoot)
	t.Logf("gas: update with 3 batch proofs %d, proof-less update %d", gas, idleGas)
}
