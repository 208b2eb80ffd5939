package acceptance

import (
	autocliv1 "cosmossdk.io/api/cosmos/autocli/v1"
)

// AutoCLIOptions implements autocli.HasAutoCLIConfig: the CLI is generated from the services.
func (am AppModule) AutoCLIOptions() *autocliv1.ModuleOptions {
	return &autocliv1.ModuleOptions{
		Query: &autocliv1.ServiceCommandDescriptor{
			Service: "slush.acceptance.v1.Query",
			Short:   "Finality: what this chain's children accepted and finalized, its subtree report, and the root's finality",
			RpcCommandOptions: []*autocliv1.RpcCommandOptions{
				{
					RpcMethod: "Params", Use: "params", Short: "Show the x/acceptance parameters",
					Long:    `Prints x/acceptance's parameters (the histogram buckets a subtree report may carry, how many pending hashes per child it keeps). Use it when finality behaves unexpectedly on a chain with many updates.`,
					Example: "slushchaind q acceptance params --node tcp://127.0.0.1:26610",
				},
				{
					RpcMethod: "Pairs", Use: "pairs [child-index]",
					Short: "Every stored hash of a child with its acceptance pair (a, b)",
					Long: `Lists every commitment hash of child <child-index> this chain still holds, each with its acceptance
pair (a: descendants that accepted it, b: the subtree size it was measured against). A hash is
final once a > b/2 (DESIGN §6). Use it to see why a child's finality lags.`,
					Example:        "slushchaind q acceptance pairs 2 --node tcp://127.0.0.1:26610",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "child_index"}},
				},
				{
					RpcMethod: "Finalized", Use: "finalized [child-index]", Short: "A child's finalized hash",
					Long: `Prints the newest commitment hash of child <child-index> that a majority of its subtree accepted
(hex; NotFound while none is). Claims of messages from that child's branch wait for it: use it
with 'q tree commitment-by-hash <hash>' on the child to find the finalized height.`,
					Example:        "slushchaind q acceptance finalized 2 --node tcp://127.0.0.1:26610",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "child_index"}},
				},
				{
					RpcMethod: "Subtree", Use: "subtree", Short: "This chain's last subtree histogram and size",
					Long:    `Prints the subtree report this chain last bound into its commitment (histogram of its descendants' acceptance and the subtree size b); with --anchor-height the report an update at that root height would make. Use it to check what the parent will measure finality against.`,
					Example: "slushchaind q acceptance subtree --node tcp://127.0.0.1:26610",
				},
				{
					RpcMethod: "Finality", Use: "finality", Short: "At the root: the finalized root height and commitment",
					Long: `At the root only (FailedPrecondition elsewhere): the newest root height whose commitment a majority
of the whole tree accepted, that commitment (hex), and the accepted and subtree counts. Use it to
see root finality advance; 'relayer status' prints its lag.`,
					Example: "slushchaind q acceptance finality --node tcp://127.0.0.1:26600",
				},
				{
					RpcMethod: "FinalizedChildProof", Use: "finalized-child-proof [child-index]",
					Short: "A child's finalized commitment with its proof in the finalized-children SMT",
					Long: `Prints child <child-index>'s finalized commitment with its path in this chain's finalized-children
SMT and the SMT's root: the hop an inclusion proof takes through this chain. Query it with
--height at the block whose commitment the proof goes through; the relayer does this itself.`,
					Example:        "slushchaind q acceptance finalized-child-proof 1 --height 120 --node tcp://127.0.0.1:26600",
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
