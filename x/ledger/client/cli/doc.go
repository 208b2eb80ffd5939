// Package cli holds the hand-written x/ledger commands: the genesis editors of the ledger's shape
// and deposits, the reader of what a parent needs to register this chain's ledger, and the user
// tools that sign ledger operations offline (`slushchaind ledger`). Queries and the transfer tx
// come from autocli.
package cli
