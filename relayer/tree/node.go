// Package tree is the tree of chains the relayer serves: each chain's client in its place
// (parent, child index, vid) with what the relayer caches of it.
package tree

import (
	"context"

	ledgertypes "github.com/slush-tree/slush/x/ledger/types"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"

	"github.com/slush-tree/slush/relayer/chainclient"
	"github.com/slush-tree/slush/relayer/replay"
)

// Node is one chain of the tree with its place in it.
type Node struct {
	*chainclient.Client
	// Path is the chain's tree path (root = empty).
	Path []uint8
	// Vid is the packed path (DESIGN §3).
	Vid fr.Element
	// Parent is nil at the root.
	Parent *Node
	// Index is the chain's child index under its parent (0 at the root).
	Index uint32
	// LedgerParams are the chain's ledger params (read from the chain at start).
	LedgerParams ledgertypes.Params
	// GenesisDeposits funded the chain's ledger at genesis: a replica of its ledger starts from them.
	GenesisDeposits []ledgertypes.GenesisDeposit
	// Replica caches the chain's ledger at the position its parent accepted.
	Replica *replay.Replica
	// Mints caches where the chain minted each message, from its log.
	Mints *replay.MintIndex
}

// Origin is what a replica of n's ledger starts from.
func (n *Node) Origin() replay.Origin {
	return replay.Origin{Vid: n.Vid, Params: n.LedgerParams, Deposits: n.GenesisDeposits}
}

// LoadLedgerParams reads the chain's ledger params once (they never change).
func (n *Node) LoadLedgerParams(ctx context.Context) error {
	if n.LedgerParams.BatchSize != 0 {
		return nil
	}
	l, err := n.Ledger(ctx, 0)
	if err != nil {
		return err
	}
	n.LedgerParams, n.GenesisDeposits = l.Params, l.GenesisDeposits
	return nil
}
