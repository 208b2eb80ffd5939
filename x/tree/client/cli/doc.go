// Package cli holds the hand-written x/tree commands: the genesis editors of the chain's place
// in the tree and of its parent light client, the parent-client recovery proposal, and parent
// misbehaviour evidence (parent-client light-block, tx tree submit-misbehaviour). Queries come
// from autocli.
package cli
