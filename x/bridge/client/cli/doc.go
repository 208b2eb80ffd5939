// Package cli holds the hand-written x/bridge commands: the genesis editor of the claim
// verifier's inclusion key. Queries and txs come from autocli.
package cli
