package bridge

import (
	autocliv1 "cosmossdk.io/api/cosmos/autocli/v1"
)

// AutoCLIOptions implements autocli.HasAutoCLIConfig: the CLI is generated from the services.
func (am AppModule) AutoCLIOptions() *autocliv1.ModuleOptions {
	return &autocliv1.ModuleOptions{
		Query: &autocliv1.ServiceCommandDescriptor{
			Service: "slush.bridge.v1.Query",
			Short:   "Bridge messages as this chain sees them: sent, claimed, confirmed; find a transfer with 'slushchaind bridge track'",
			RpcCommandOptions: []*autocliv1.RpcCommandOptions{
				{
					RpcMethod: "Params", Use: "params", Short: "Show the x/bridge parameters",
					Long:    `Prints x/bridge's parameters (how many root heights a message may stay unconfirmed before it is routed through the common ancestor, the flat gas of a claim or confirmation). Use it to know when a stuck message falls back to routing.`,
					Example: "slushchaind q bridge params --node tcp://127.0.0.1:26640",
				},
				{
					RpcMethod: "Nullifier", Use: "nullifier [message-hash]", Short: "Tell whether a message was claimed here",
					Long: `Tells whether message <message-hash> (hex or base64) was minted on this chain (claimed, routed or
forced: one nullifier set behind every mint). Use it on the destination to check that a transfer
arrived exactly once.`,
					Example:        "slushchaind q bridge nullifier 145698011314893291ec4cde40aae7243526df08a1f9f21adf8828c9e3b16f88 --node tcp://127.0.0.1:26620",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "message_hash"}},
				},
				{
					RpcMethod: "Message", Use: "message [message-hash]", Short: "Show an outgoing message's record and status",
					Long: `Prints the sender's record of message <message-hash> (hex or base64): the message (source,
destination, recipient, asset, amount, deadline), its hash, the debited account, the status and
the block it was sent in. NotFound if it was not sent from this chain: query the sender.`,
					Example:        "slushchaind q bridge message 145698011314893291ec4cde40aae7243526df08a1f9f21adf8828c9e3b16f88 --node tcp://127.0.0.1:26640",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "message_hash"}},
				},
				{
					RpcMethod: "MessageStatus", Use: "message-status [message-hash]",
					Short: "Show where a message is in its life cycle as this chain sees it",
					Long: `Prints the status of message <message-hash> (hex or base64) on this chain: SENT or CONFIRMED on the
sender, CLAIMED or DELIVERED on the destination, ROUTED_UP while it falls back; with the
sender's record when it was sent from here. NotFound if this chain never saw it. One chain's
view: 'slushchaind bridge track <hash>' follows it across the tree.`,
					Example:        "slushchaind q bridge message-status 145698011314893291ec4cde40aae7243526df08a1f9f21adf8828c9e3b16f88 --node tcp://127.0.0.1:26640",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "message_hash"}},
				},
				{
					RpcMethod: "PendingMessages", Use: "pending-messages", Short: "List this chain's own messages not yet confirmed",
					Long: `Lists the messages sent from this chain that no receipt has confirmed yet (SENT, ROUTED_UP), with
their hashes (hex) and sent heights, at most --limit per list (0: 100). Use it to find the hash
of a transfer sent from here; 'relayer pending' lists them for the whole tree with deadlines.`,
					Example: "slushchaind q bridge pending-messages --limit 20 --node tcp://127.0.0.1:26640",
				},
				{
					RpcMethod: "InclusionParams", Use: "inclusion-params", Short: "Show the claim verifier's parameters",
					Long:    `Prints the inclusion circuit's verifying key (size and sha256; --full-keys for the key) and the tree depth it proves. Every chain of a tree needs the same key: compare the sha256 across chains when claims fail to verify.`,
					Example: "slushchaind q bridge inclusion-params --node tcp://127.0.0.1:26620",
				},
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
