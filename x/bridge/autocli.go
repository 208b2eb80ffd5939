package bridge

import (
	autocliv1 "cosmossdk.io/api/cosmos/autocli/v1"
)

// AutoCLIOptions implements autocli.HasAutoCLIConfig: the CLI is generated from the services.
func (am AppModule) AutoCLIOptions() *autocliv1.ModuleOptions {
	return &autocliv1.ModuleOptions{
		Query: &autocliv1.ServiceCommandDescriptor{
			Service: "slush.bridge.v1.Query",
			RpcCommandOptions: []*autocliv1.RpcCommandOptions{
				{RpcMethod: "Params", Use: "params", Short: "Show the x/bridge parameters"},
				{RpcMethod: "Ledger", Use: "ledger", Short: "Show the own-state ledger's roots and counters"},
				{
					RpcMethod: "Account", Use: "account [index]", Short: "Show a ledger account",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "index"}},
				},
				{
					RpcMethod: "BatchLog", Use: "batch-log [from] [limit]", Short: "Show logged ledger operations from a sequence on",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "from"}, {ProtoField: "limit"}},
				},
				{
					RpcMethod: "Nullifier", Use: "nullifier [message-hash]", Short: "Tell whether a message was claimed here",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "message_hash"}},
				},
				{
					RpcMethod: "Message", Use: "message [message-hash]", Short: "Show an outgoing message's record and status",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "message_hash"}},
				},
				{
					RpcMethod: "MessageStatus", Use: "message-status [message-hash]",
					Short:          "Show where a message is in its life cycle as this chain sees it",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "message_hash"}},
				},
				{RpcMethod: "PendingMessages", Use: "pending-messages", Short: "List messages this chain still has to see through"},
				{RpcMethod: "ParentClient", Use: "parent-client", Short: "Show the parent light-client state this chain trusts"},
				{
					RpcMethod: "RootCommitment", Use: "root-commitment [root-height]",
					Short:          "Show the root commitment this chain knows at a root height (0: the newest)",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "root_height"}},
				},
				{
					RpcMethod: "CommitmentByHash", Use: "commitment-by-hash [commitment]",
					Short:          "Show this chain's commitment record with a given hash",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "commitment"}},
				},
				{
					// positional: a --height flag would collide with the query's own --height
					RpcMethod: "Commitment", Use: "commitment [block-height]",
					Short:          "Show this chain's commitment at a block height (0: the latest)",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "height"}},
				},
			},
		},
		Tx: &autocliv1.ServiceCommandDescriptor{
			Service: "slush.bridge.v1.Msg",
			RpcCommandOptions: []*autocliv1.RpcCommandOptions{
				{RpcMethod: "UpdateParams", Skip: true},        // authority (gov) gated
				{RpcMethod: "Claim", Skip: true},               // built from an inclusion proof by the relayer
				{RpcMethod: "Confirm", Skip: true},             // built from a receipt inclusion proof by the relayer
				{RpcMethod: "RouteMessage", Skip: true},        // built from an inclusion proof by the relayer
				{RpcMethod: "SyncParent", Skip: true},          // built from the parent's header and store proofs by the relayer
				{RpcMethod: "ReceiveForced", Skip: true},       // built from the parent's store proof by the relayer
				{RpcMethod: "RecoverParentClient", Skip: true}, // authority (gov) gated: slushchaind parent-client proposal
				{
					RpcMethod: "LedgerTransfer", Use: "ledger-transfer [op]",
					Short:          "Submit an EdDSA-signed ledger transfer (encoded ledger operation)",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "op"}},
				},
				{
					RpcMethod: "BridgeOut", Use: "bridge-out [op]",
					Short:          "Submit an EdDSA-signed bridge-out (encoded ledger operation)",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "op"}},
				},
			},
		},
	}
}
