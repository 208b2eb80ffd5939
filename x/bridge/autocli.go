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
				{RpcMethod: "PendingMessages", Use: "pending-messages", Short: "List this chain's own messages not yet confirmed"},
				{RpcMethod: "InclusionParams", Use: "inclusion-params", Short: "Show the claim verifier's parameters"},
			},
		},
		Tx: &autocliv1.ServiceCommandDescriptor{
			Service:              "slush.bridge.v1.Msg",
			EnhanceCustomCommand: true, // GetTxCmd's bridge-out waits for its block and prints the message hash
			RpcCommandOptions: []*autocliv1.RpcCommandOptions{
				{RpcMethod: "UpdateParams", Skip: true}, // authority (gov) gated
				{RpcMethod: "Claim", Skip: true},        // built from an inclusion proof by the relayer
				{RpcMethod: "Confirm", Skip: true},      // built from a receipt inclusion proof by the relayer
				{RpcMethod: "BridgeOut", Skip: true},    // hand-written: client/cli.BridgeOutCmd
			},
		},
	}
}
