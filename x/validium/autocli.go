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
			Short:   "x/validium transactions: register and bond children, force deposits, exit frozen children (updates and routes are the relayer's)",
			RpcCommandOptions: []*autocliv1.RpcCommandOptions{
				{RpcMethod: "UpdateParams", Skip: true},  // authority (gov) gated
				{RpcMethod: "SubmitUpdate", Skip: true},  // built and signed by the relayer
				{RpcMethod: "RouteMessage", Skip: true},  // built from an inclusion proof by the relayer
				{RpcMethod: "ReceiveForced", Skip: true}, // built from the parent's store proof by the relayer
				{
					RpcMethod: "RegisterChild", Use: "register-child [verifying-key] [bond] [genesis-ledger-root] [genesis-outbox-root] [genesis-receipt-root]",
					Short: "Register a child validium (the signer becomes its operator and pays the bond)",
					Long: `Registers a child under the next free index (the child's path must end with that index): the
signer becomes the child's operator (it submits the child's updates: in a localnet the relayer's
key) and pays the bond (at least params.min_child_bond). verifying-key is the ledger circuit's
ledger.vk (a file); the three genesis roots come from 'slushchaind genesis registration-info' on
the child's home (hex). --operator-key-hash is the hash of the child's operator EdDSA key
('slushchaind operator-key show --hash-only'). Needs about 500,000 gas (--gas 600000 or --gas auto).`,
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{
						{ProtoField: "verifying_key"}, {ProtoField: "bond"},
						{ProtoField: "genesis_ledger_root"}, {ProtoField: "genesis_outbox_root"}, {ProtoField: "genesis_receipt_root"},
					},
				},
				{
					RpcMethod: "Exit", Use: "exit [child-index] [opening]",
					Short: "Pay out an account of a frozen child on this chain's ledger, from the child's finalized state (DESIGN §8)",
					Long: `Proves an account's balance in a frozen child's last finalized ledger and mints it to the same
owner on this chain's ledger. Anyone may submit it (the payout only goes to the account's owner).
opening is the account's AccountOpening, inline JSON or a .json file: commitment (the child's
finalized commitment preimage, as 'query validium child' and the child's 'query tree
commitment-by-hash' show it), accounts_root and num_accounts (the ledger root's preimage),
account_index, owner, asset_id, balance, nonce, and siblings (the account's path in the child's
accounts SMT, leaf level first, account_depth of them). Bytes are base64 in JSON. It fails with
a named error (child not frozen, account already exited, wrong root, wrong path) otherwise. No
tool assembles the opening yet: read it from the child's ledger store at the finalized height.`,
					Example:        "slushchaind tx validium exit 2 opening.json --from user --gas 600000",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "child_index"}, {ProtoField: "opening"}},
				},
				{
					RpcMethod: "DeregisterChild", Use: "deregister-child [child-index]",
					Short:          "Remove a child with no pending forced operations and return its bond",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "child_index"}},
				},
				{
					RpcMethod: "ForceOperation", Use: "force-operation [child-index] [op]",
					Short: "Force a deposit (a signed ledger bridge-out to the child) the child must mint before the deadline",
					Long: `Burns a signed bridge-out on this chain's ledger (made with 'slushchaind ledger bridge-out --path
<this chain> --dst <the child>', hex) and queues its message for the child: the child must mint it
(the relayer's MsgReceiveForced) and its next update must consume it before root height + params
.forced_op_deadline, or this chain freezes the child. Prints the queue sequence, the deadline and
the message hash. Needs about 300,000 gas (--gas auto --gas-adjustment 1.5).`,
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
