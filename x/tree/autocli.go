package tree

import (
	autocliv1 "cosmossdk.io/api/cosmos/autocli/v1"
)

// AutoCLIOptions implements autocli.HasAutoCLIConfig: the CLI is generated from the services.
func (am AppModule) AutoCLIOptions() *autocliv1.ModuleOptions {
	return &autocliv1.ModuleOptions{
		Query: &autocliv1.ServiceCommandDescriptor{
			Service: "slush.tree.v1.Query",
			Short:   "Where this chain sits in the tree, its commitments, the root commitments it knows and its parent client",
			RpcCommandOptions: []*autocliv1.RpcCommandOptions{
				{
					RpcMethod: "Params", Use: "params", Short: "Show the x/tree parameters",
					Long:    `Prints x/tree's parameters (how many root commitments the chain keeps in its root history). Use it to check how far back claims and anchors can reach on this chain.`,
					Example: "slushchaind q tree params --node tcp://127.0.0.1:26610",
				},
				{
					RpcMethod: "TreeIdentity", Use: "identity", Short: "Show where this chain sits in the tree, and its root clock",
					Long: `Prints the chain's tree identity (path from the root, parent chain-id, max children and depth,
operator key hash and epoch), its conventional chain-id and depth, and the root height it has
synced (its root clock). Use it first on an unknown node: every other answer is about this path.`,
					Example: "slushchaind q tree identity --node tcp://127.0.0.1:26640",
				},
				{
					RpcMethod: "ParentClient", Use: "parent-client", Short: "Show the parent light-client state this chain trusts",
					Long: `Prints the parent header this chain trusts (chain-id, height, time, app hash, validator count),
the sync parameters, and whether misbehaviour evidence froze the client (frozen, and the parent
height and evidence hash). Use it when syncs fail or 'relayer health-check' warns that the parent
client expires: a client older than its trusting period, or a frozen one, needs
'slushchaind parent-client proposal'.`,
					Example: "slushchaind q tree parent-client --node tcp://127.0.0.1:26630",
				},
				{
					RpcMethod: "RootCommitment", Use: "root-commitment [root-height]",
					Short: "Show the root commitment this chain knows at a root height (0: the newest)",
					Long: `Prints the root commitment this chain holds for a root height (its own at the root; elsewhere
what MsgSyncParent brought down), with known=false for a height not synced yet. Claims and
updates anchor to these: use it when a claim waits for a root commitment ('bridge track' says
which height).`,
					Example:        "slushchaind q tree root-commitment 0 --node tcp://127.0.0.1:26620",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "root_height"}},
				},
				{
					RpcMethod: "CommitmentByHash", Use: "commitment-by-hash [commitment]",
					Short: "Show this chain's commitment record with a given hash",
					Long: `Finds this chain's own commitment record by its hash (hex or base64; NotFound once pruned) and
prints its block height, root height and the committed fields. Use it to turn a hash a parent
accepted or finalized ('q acceptance finalized', 'q validium child') into this chain's height.`,
					Example:        "slushchaind q tree commitment-by-hash 0f3a...9c --node tcp://127.0.0.1:26640",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "commitment"}},
				},
				{
					// positional: a --height flag would collide with the query's own --height
					RpcMethod: "Commitment", Use: "commitment [block-height]",
					Short: "Show this chain's commitment at a block height (0: the latest)",
					Long: `Prints this chain's own commitment at a block height (0: the latest) with its hash and fields
(ledger, outbox and receipt roots, children roots, subtree report, anchor, operator). Use it to
see what the chain's next update to its parent will carry.`,
					Example:        "slushchaind q tree commitment 0 --node tcp://127.0.0.1:26640",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "height"}},
				},
			},
		},
		Tx: &autocliv1.ServiceCommandDescriptor{
			Service:              "slush.tree.v1.Msg",
			EnhanceCustomCommand: true, // GetTxCmd's submit-misbehaviour reads two light-block files
			RpcCommandOptions: []*autocliv1.RpcCommandOptions{
				{RpcMethod: "UpdateParams", Skip: true},        // authority (gov) gated
				{RpcMethod: "SyncParent", Skip: true},          // built from the parent's header and store proofs by the relayer
				{RpcMethod: "RecoverParentClient", Skip: true}, // authority (gov) gated: slushchaind parent-client proposal
				{RpcMethod: "SubmitMisbehaviour", Skip: true},  // hand-written: client/cli.SubmitMisbehaviourCmd
				{RpcMethod: "PrepareDeparture", Skip: true},    // authority (gov) gated (issue 20)
				{RpcMethod: "MarkDeparture", Skip: true},       // authority (gov) gated (issue 20)
				{RpcMethod: "MovePath", Skip: true},            // authority (gov) gated (issue 20)
				{RpcMethod: "CancelDeparture", Skip: true},     // authority (gov) gated (issue 20)
				{RpcMethod: "PrepareFollow", Skip: true},       // authority (gov) gated (issue 20)
			},
		},
	}
}
