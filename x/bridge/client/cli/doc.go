// Package cli holds the hand-written x/bridge commands: the genesis editor of the claim
// verifier's inclusion key, and `tx bridge bridge-out`, which waits for its block and prints the
// message hash. The other queries and txs come from autocli.
package cli
