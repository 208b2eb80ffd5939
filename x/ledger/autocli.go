package ledger

import (
	autocliv1 "cosmossdk.io/api/cosmos/autocli/v1"
)

// AutoCLIOptions implements autocli.HasAutoCLIConfig: the CLI is generated from the services.
func (am AppModule) AutoCLIOptions() *autocliv1.ModuleOptions {
	return &autocliv1.ModuleOptions{
		Query: &autocliv1.ServiceCommandDescriptor{
			Service: "slush.ledger.v1.Query",
			Short:   "The chain's own-state ledger: its shape, roots, accounts and operation log ('slushchaind ledger balance' finds an owner's balance)",
			RpcCommandOptions: []*autocliv1.RpcCommandOptions{
				{
					RpcMethod: "Params", Use: "params", Short: "Show the ledger's shape",
					Long:    `Prints the ledger's shape (account, outbox and receipt tree depths, batch size, claim slots and depth), fixed at genesis. The relayer's ledger keys must have the same shape: use it when a relayer refuses its keys.`,
					Example: "slushchaind q ledger params --node tcp://127.0.0.1:26640",
				},
				{
					RpcMethod: "State", Use: "state", Short: "Show the own-state ledger's roots and counters",
					Long: `Prints the ledger's roots (accounts, outbox, receipts), its counters (accounts, inbox length and
consumed, log length) and the genesis deposits. Use it to see how far the chain has logged
operations (log_length) against what its parent accepted ('relayer pending').`,
					Example: "slushchaind q ledger state --node tcp://127.0.0.1:26640",
				},
				{
					RpcMethod: "Account", Use: "account [index]", Short: "Show a ledger account",
					Long:           `Prints ledger account <index>: owner hash, asset, balance and nonce (NotFound past the last account). 'slushchaind ledger balance --owner <hash>' finds an owner's accounts by owner instead; use this when an op names an account index.`,
					Example:        "slushchaind q ledger account 0 --node tcp://127.0.0.1:26640",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "index"}},
				},
				{
					RpcMethod: "BatchLog", Use: "batch-log [from] [limit]", Short: "Show logged ledger operations from a sequence on",
					Long: `Prints up to <limit> logged operations from sequence <from> on (each with its block height and the
encoded op, hex), what the relayer replays and proves. Use it to see which operations a stalled
edge has not proven yet (from = the parent's proven position, 'relayer pending').`,
					Example:        "slushchaind q ledger batch-log 0 10 --node tcp://127.0.0.1:26640",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "from"}, {ProtoField: "limit"}},
				},
			},
		},
		Tx: &autocliv1.ServiceCommandDescriptor{
			Service: "slush.ledger.v1.Msg",
			Short:   "Submit EdDSA-signed ledger operations made with 'slushchaind ledger transfer'",
			RpcCommandOptions: []*autocliv1.RpcCommandOptions{
				{
					RpcMethod: "Transfer", Use: "transfer [op]",
					Short: "Submit an EdDSA-signed ledger transfer (encoded ledger operation)",
					Long: `Submits a transfer made with 'slushchaind ledger transfer' (hex, or base64). The op is refused before
a block (CheckTx) unless it is exactly one canonical transfer whose signature verifies for this
chain (an op made with another chain's --path is refused naming both chains); in the block the
ledger checks that the key owns the account, the nonce and the balance, and names the one that
fails. The signer only pays the fee. Pass --gas auto --gas-adjustment 1.5 (or --gas 400000): the
SDK's default 200,000 can run out.`,
					Example: `op=$(slushchaind ledger transfer --seed alice --path 1-2 --account 0 --nonce 0 --to $(slushchaind ledger owner --seed bob) --asset 7 --amount 5)
slushchaind tx ledger transfer $op --from user --gas auto --gas-adjustment 1.5 --node tcp://127.0.0.1:26640 --yes`,
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "op"}},
				},
			},
		},
	}
}
