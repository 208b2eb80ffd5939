package tree

import (
	autocliv1 "cosmossdk.io/api/cosmos/autocli/v1"
)

// AutoCLIOptions implements autocli.HasAutoCLIConfig: the CLI is generated from the services.
func (am AppModule) AutoCLIOptions() *autocliv1.ModuleOptions {
	return &autocliv1.ModuleOptions{
		Query: &autocliv1.ServiceCommandDescriptor{
			Service: "slush.tree.v1.Query",
			RpcCommandOptions: []*autocliv1.RpcCommandOptions{
				{RpcMethod: "Params", Use: "params", Short: "Show the x/tree parameters"},
				{RpcMethod: "TreeIdentity", Use: "identity", Short: "Show where this chain sits in the tree, and its root clock"},
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
			Short:   "x/tree has no user transactions: the relayer syncs parents (MsgSyncParent); a parent client is recovered by governance ('slushchaind parent-client proposal')",
			Service: "slush.tree.v1.Msg",
			RpcCommandOptions: []*autocliv1.RpcCommandOptions{
				{RpcMethod: "UpdateParams", Skip: true},        // authority (gov) gated
				{RpcMethod: "SyncParent", Skip: true},          // built from the parent's header and store proofs by the relayer
				{RpcMethod: "RecoverParentClient", Skip: true}, // authority (gov) gated: slushchaind parent-client proposal
			},
		},
	}
}
