package election

import (
	autocliv1 "cosmossdk.io/api/cosmos/autocli/v1"
)

// AutoCLIOptions implements autocli.HasAutoCLIConfig: the CLI is generated from the services.
func (am AppModule) AutoCLIOptions() *autocliv1.ModuleOptions {
	return &autocliv1.ModuleOptions{
		Query: &autocliv1.ServiceCommandDescriptor{
			Service: "slush.election.v1.Query",
			RpcCommandOptions: []*autocliv1.RpcCommandOptions{
				{RpcMethod: "Params", Use: "params", Short: "Show the x/election parameters"},
				{
					RpcMethod: "Round", Use: "round [round-id]", Short: "Show an emergency round and its tallies",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "round_id"}},
				},
				{
					RpcMethod: "OpenRound", Use: "open-round [child-index]", Short: "Show a child's open emergency round",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "child_index"}},
				},
				{
					RpcMethod: "Votes", Use: "votes [round-id]", Short: "List the votes of an emergency round",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "round_id"}},
				},
			},
		},
		Tx: &autocliv1.ServiceCommandDescriptor{
			Service: "slush.election.v1.Msg",
			RpcCommandOptions: []*autocliv1.RpcCommandOptions{
				{RpcMethod: "UpdateParams", Skip: true}, // authority (gov) gated
				// reports and votes carry commitment chains and operator-key signatures that the
				// relayer builds; autocli exposes them with JSON flags
				{RpcMethod: "ReportWithholding", Use: "report-withholding", Short: "Report a child that withholds data (opens an emergency round)"},
				{RpcMethod: "EmergencyVote", Use: "emergency-vote", Short: "Vote for a child's new operator in an emergency round"},
			},
		},
	}
}
