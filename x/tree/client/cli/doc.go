// Package cli holds the hand-written x/tree commands: the genesis editors of the chain's place
// in the tree and of its parent light client, and the parent-client recovery proposal. Queries
// come from autocli.
package cli
