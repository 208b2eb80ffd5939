package validium

import (
	autocliv1 "cosmossdk.io/api/cosmos/autocli/v1"
)

// AutoCLIOptions implements autocli.HasAutoCLIConfig: the CLI is generated from the services.
func (am AppModule) AutoCLIOptions() *autocliv1.ModuleOptions {
	return &autocliv1.ModuleOptions{
		Query: &autocliv1.ServiceCommandDescriptor{
			Service: "slush.validium.v1.Query",
			RpcCommandOptions: []*autocliv1.RpcCommandOptions{
				{RpcMethod: "Params", Use: "params", Short: "Show the x/validium parameters"},
				{RpcMethod: "Children", Use: "children", Short: "List the registered child validiums"},
				{
					RpcMethod: "Child", Use: "child [index]", Short: "Show a child with its history and forced-operation queue",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "index"}},
				},
				{RpcMethod: "FrozenChildren", Use: "frozen-children", Short: "List the frozen children"},
				{
					RpcMethod: "ChildProof", Use: "child-proof [index]", Short: "Show a child's path in this chain's children SMT",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "index"}},
				},
				{
					RpcMethod: "Route", Use: "route [message-hash]", Short: "Show this chain's fallback-route record of a message",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "message_hash"}},
				},
				{RpcMethod: "PendingRoutes", Use: "pending-routes", Short: "List the routed messages this chain passes up or has queued down"},
			},
		},
		Tx: &autocliv1.ServiceCommandDescriptor{
			Service: "slush.validium.v1.Msg",
			RpcCommandOptions: []*autocliv1.RpcCommandOptions{
				{RpcMethod: "UpdateParams", Skip: true},  // authority (gov) gated
				{RpcMethod: "SubmitUpdate", Skip: true},  // built and signed by the relayer
				{RpcMethod: "RouteMessage", Skip: true},  // built from an inclusion proof by the relayer
				{RpcMethod: "ReceiveForced", Skip: true}, // built from the parent's store proof by the relayer
				{
					RpcMethod: "RegisterChild", Use: "register-child [verifying-key] [bond] [genesis-ledger-root] [genesis-outbox-root] [genesis-receipt-root]",
					Short: "Register a child validium (the signer becomes its operator and pays the bond)",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{
						{ProtoField: "verifying_key"}, {ProtoField: "bond"},
						{ProtoField: "genesis_ledger_root"}, {ProtoField: "genesis_outbox_root"}, {ProtoField: "genesis_receipt_root"},
					},
				},
				{
					RpcMethod: "DeregisterChild", Use: "deregister-child [child-index]",
					Short:          "Remove a child with no pending forced operations and return its bond",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "child_index"}},
				},
				{
					RpcMethod: "ForceOperation", Use: "force-operation [child-index] [op]",
					Short:          "Force a deposit (a signed ledger bridge-out to the child) the child must mint before the deadline",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "child_index"}, {ProtoField: "op"}},
				},
				{
					RpcMethod: "PostBond", Use: "post-bond [child-index] [amount]",
					Short:          "Add to a child's bond (its operator only; e.g. an operator installed by a re-election)",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "child_index"}, {ProtoField: "amount"}},
				},
			},
		},
	}
}
