package app_test

import (
	"context"
	"encoding/hex"
	"errors"
	"strings"
	"testing"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/stretchr/testify/require"

	"github.com/slush-tree/slush/app/apptesting"
	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/inclusion"
	"github.com/slush-tree/slush/circuits/ledger"
	"github.com/slush-tree/slush/relayer/chainclient"
	"github.com/slush-tree/slush/relayer/inspect"
	rtree "github.com/slush-tree/slush/relayer/tree"
	slushtypes "github.com/slush-tree/slush/types"
	bridgetypes "github.com/slush-tree/slush/x/bridge/types"
)

// relayerTree is the relayer's tree of read-only clients over the in-process chains: what
// `bridge track`, `relayer pending` and the explorer read on a running tree.
func (tr *tree) relayerTree() *rtree.Tree {
	tr.t.Helper()
	var clients []*chainclient.Client
	for _, id := range sortedPaths(tr.nodes) {
		chain := tr.nodes[id].chain
		clients = append(clients, chainclient.Over(slushtypes.Path(tr.nodes[id].path).String(), chain.ChainID,
			func(_ context.Context, req abci.RequestQuery) (abci.ResponseQuery, error) {
				return chain.QueryABCI(req)
			},
			func(context.Context) (int64, error) { return chain.App.LastBlockHeight(), nil }))
	}
	t, err := rtree.New(clients)
	require.NoError(tr.t, err)
	return t
}

// TestTrackTransfer follows a transfer from the grandchild 1-1 to its cousin 2 with inspect.Track
// (`slushchaind bridge track`) at every stage of its life: sent and waiting for finality along
// 1-1 -> 1 -> root, final and waiting for the claim on 2, claimed and waiting for the confirmation
// on 1-1, confirmed. Each answer lists the hops source -> root -> destination.
func TestTrackTransfer(t *testing.T) {
	tr := newFourChainTree(t)
	alice, bob := ledger.KeyFromSeed([]byte("alice")), ledger.KeyFromSeed([]byte("bob"))
	src, dst := tr.node(1, 1), tr.node(2)
	tr.tick()
	rt := tr.relayerTree()
	ctx := context.Background()

	_, err := inspect.Track(ctx, rt, hash.EncodeElement(hash.Uint64(0x27fa)), inspect.DefaultStallRootBlocks)
	require.ErrorContains(t, err, "no chain of the tree sent or routed it")
	_, err = inspect.Track(ctx, rt, []byte{0x27, 0xfa}, inspect.DefaultStallRootBlocks)
	require.ErrorContains(t, err, "must be 32 bytes")

	m := tr.bridgeOut(src, alice, 0, 0, dst, ledger.OwnerHash(bob.PublicKey), 30, 10_000)
	msgHash := hash.EncodeElement(m.Hash())
	track := func() *inspect.Trace {
		t.Helper()
		trace, err := inspect.Track(ctx, rt, msgHash, inspect.DefaultStallRootBlocks)
		require.NoError(t, err)
		var text strings.Builder
		require.NoError(t, trace.WriteText(&text))
		t.Log("\n" + text.String())
		return trace
	}

	sent := track()
	require.Equal(t, hex.EncodeToString(msgHash), sent.Hash)
	require.Equal(t, "1-1", sent.Source)
	require.Equal(t, "2", sent.Destination)
	require.Equal(t, uint64(30), sent.Amount)
	require.Equal(t, "7", sent.Asset)
	require.Equal(t, "SENT", sent.Status)
	require.Equal(t, "sent", sent.Stage)
	require.Contains(t, sent.Waiting, "finality")
	var roles []string
	for _, h := range sent.Hops {
		roles = append(roles, h.Chain+":"+h.Role)
	}
	require.Equal(t, []string{"1-1:source", "1:up", "root:root", "2:destination"}, roles)

	// `relayer pending` lists it on its source with its deadline, and every edge
	pending := inspect.ReadPending(ctx, rt, inspect.DefaultStallRootBlocks)
	require.Empty(t, pending.Errors)
	require.Len(t, pending.Messages, 1)
	pm := pending.Messages[0]
	require.Equal(t, inspect.Message{Hash: hex.EncodeToString(msgHash), Source: "1-1", Destination: "2", Amount: 30, SentHeight: sent.SentHeight,
		Status: "SENT", Deadline: 10_000, Left: pm.Left, WaitingFor: "claim", Waiting: "the claim on 2"}, pm)
	require.Positive(t, pm.Left)
	var edges []string
	for _, e := range pending.Edges {
		edges = append(edges, e.Child+"->"+e.Parent+":"+e.Status)
	}
	require.Equal(t, []string{"1->root:active", "2->root:active", "1-1->1:active"}, edges)
	var text strings.Builder
	require.NoError(t, pending.WriteText(&text))
	require.Contains(t, text.String(), hex.EncodeToString(msgHash))

	h := tr.settle(m.Leaf(), 6)
	final := track()
	require.Equal(t, "final", final.Stage)
	require.Contains(t, final.Waiting, "the claim on 2")
	require.False(t, final.Claimed)

	tr.ok(dst, 0, tr.claim(dst, m, h, tr.proveMessage(m, h)))
	claimed := track()
	require.Equal(t, "claimed", claimed.Stage)
	require.True(t, claimed.Claimed)
	require.Contains(t, claimed.Waiting, "the confirmation on 1-1")
	require.Contains(t, claimed.Hops[len(claimed.Hops)-1].Note, "minted")

	receipt := inclusion.ReceiptFor(m)
	index := tr.receiptIndex(dst, m)
	h2 := tr.settle(receipt.Leaf(), 4)
	tr.ok(src, 0, &bridgetypes.MsgConfirm{Sender: src.chain.Address(0).String(), MessageHash: msgHash,
		RootHeight: h2, Proof: tr.proveReceipt(m, h2, index)})
	done := track()
	require.Equal(t, "confirmed", done.Stage)
	require.Equal(t, "CONFIRMED", done.Status)
	require.Empty(t, done.Waiting)
}

// TestHealthCheck: inspect.Health (`relayer health-check`) finds nothing wrong with a healthy
// tree, and reports a chain that does not answer, with its fix, without failing the others.
func TestHealthCheck(t *testing.T) {
	tr := newFourChainTree(t)
	tr.round()
	ctx := context.Background()
	opts := inspect.HealthOptions{Stall: inspect.DefaultStallRootBlocks, Now: apptesting.GenesisTime}
	require.Empty(t, inspect.Health(ctx, tr.relayerTree(), opts))

	var clients []*chainclient.Client
	for _, name := range tr.relayerTree().Names() {
		c := tr.relayerTree().Node(name).Client
		if name == "2" { // chain 2 is stopped
			c = chainclient.Over("2", "slush-2", func(context.Context, abci.RequestQuery) (abci.ResponseQuery, error) {
				return abci.ResponseQuery{}, errors.New("connection refused")
			}, func(context.Context) (int64, error) { return 0, errors.New("connection refused") })
		}
		clients = append(clients, c)
	}
	stopped, err := rtree.New(clients)
	require.NoError(t, err)
	findings := inspect.Health(ctx, stopped, opts)
	require.Len(t, findings, 1, "%v", findings)
	require.Equal(t, "2: unreachable: connection refused — fix: start the node (scripts/localnet.sh start 2) or correct its rpc in tree.toml",
		findings[0].String())
}
