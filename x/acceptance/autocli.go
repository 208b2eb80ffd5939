package acceptance

import (
	autocliv1 "cosmossdk.io/api/cosmos/autocli/v1"
)

// AutoCLIOptions implements autocli.HasAutoCLIConfig: the CLI is generated from the services.
func (am AppModule) AutoCLIOptions() *autocliv1.ModuleOptions {
	return &autocliv1.ModuleOptions{
		Query: &autocliv1.ServiceCommandDescriptor{
			Service: "slush.acceptance.v1.Query",
			RpcCommandOptions: []*autocliv1.RpcCommandOptions{
				{RpcMethod: "Params", Use: "params", Short: "Show the x/acceptance parameters"},
				{
					RpcMethod: "Pairs", Use: "pairs [child-index]",
					Short:          "Every stored hash of a child with its acceptance pair (a, b)",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "child_index"}},
				},
				{
					RpcMethod: "Finalized", Use: "finalized [child-index]", Short: "A child's finalized hash",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "child_index"}},
				},
				{RpcMethod: "Subtree", Use: "subtree", Short: "This chain's last subtree histogram and size"},
				{RpcMethod: "Finality", Use: "finality", Short: "At the root: the finalized root height and commitment"},
				{
					RpcMethod: "FinalizedChildProof", Use: "finalized-child-proof [child-index]",
					Short:          "A child's finalized commitment with its proof in the finalized-children SMT",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "child_index"}},
				},
			},
		},
		Tx: &autocliv1.ServiceCommandDescriptor{
			Short:   "x/acceptance has no user transactions: finality moves with the children's updates (x/validium); params change by governance",
			Service: "slush.acceptance.v1.Msg",
			RpcCommandOptions: []*autocliv1.RpcCommandOptions{
				{RpcMethod: "UpdateParams", Skip: true}, // authority (gov) gated
			},
		},
	}
}
