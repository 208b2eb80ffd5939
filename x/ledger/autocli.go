package ledger

import (
	autocliv1 "cosmossdk.io/api/cosmos/autocli/v1"
)

// AutoCLIOptions implements autocli.HasAutoCLIConfig: the CLI is generated from the services.
func (am AppModule) AutoCLIOptions() *autocliv1.ModuleOptions {
	return &autocliv1.ModuleOptions{
		Query: &autocliv1.ServiceCommandDescriptor{
			Service: "slush.ledger.v1.Query",
			RpcCommandOptions: []*autocliv1.RpcCommandOptions{
				{RpcMethod: "Params", Use: "params", Short: "Show the ledger's shape"},
				{RpcMethod: "State", Use: "state", Short: "Show the own-state ledger's roots and counters"},
				{
					RpcMethod: "Account", Use: "account [index]", Short: "Show a ledger account",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "index"}},
				},
				{
					RpcMethod: "BatchLog", Use: "batch-log [from] [limit]", Short: "Show logged ledger operations from a sequence on",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "from"}, {ProtoField: "limit"}},
				},
			},
		},
		Tx: &autocliv1.ServiceCommandDescriptor{
			Service: "slush.ledger.v1.Msg",
			RpcCommandOptions: []*autocliv1.RpcCommandOptions{
				{
					RpcMethod: "Transfer", Use: "transfer [op]",
					Short: "Submit an EdDSA-signed ledger transfer (encoded ledger operation)",
					Long: `Submits a transfer made with 'slushchaind ledger transfer' (hex, or base64). The op is refused before
a block (CheckTx) unless it is exactly one canonical transfer; in the block the ledger checks the
signature (made for this chain's --path), the nonce and the balance, and names the one that
fails. The signer only pays the fee. Pass --gas auto --gas-adjustment 1.5 (or --gas 400000): the
SDK's default 200,000 can run out.`,
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "op"}},
				},
			},
		},
	}
}
