package election

import (
	autocliv1 "cosmossdk.io/api/cosmos/autocli/v1"
)

// AutoCLIOptions implements autocli.HasAutoCLIConfig: the CLI is generated from the services.
func (am AppModule) AutoCLIOptions() *autocliv1.ModuleOptions {
	return &autocliv1.ModuleOptions{
		Query: &autocliv1.ServiceCommandDescriptor{
			Service: "slush.election.v1.Query",
			Short:   "Emergency re-elections of a withholding child: rounds, tallies and votes",
			RpcCommandOptions: []*autocliv1.RpcCommandOptions{
				{
					RpcMethod: "Params", Use: "params", Short: "Show the x/election parameters",
					Long:    `Prints x/election's parameters (how many root heights a round stays open, the share of the bond slashed on re-election, in basis points). Use it before a failover to know how long a round stays open.`,
					Example: "slushchaind q election params --node tcp://127.0.0.1:26600",
				},
				{
					RpcMethod: "Round", Use: "round [round-id]", Short: "Show an emergency round and its tallies",
					Long: `Prints emergency round <round-id>: the child and epoch, the finalized commitment and subtree size
it was opened against, the reporter, its deadline and status, and the elected candidate. Use it to follow a
failover ('scripts/failover.sh') after the report.`,
					Example:        "slushchaind q election round 1 --node tcp://127.0.0.1:26600",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "round_id"}},
				},
				{
					RpcMethod: "OpenRound", Use: "open-round [child-index]", Short: "Show a child's open emergency round",
					Long: `Prints the open emergency round of child <child-index> (NotFound if none is open), with its id for
'slushchaind election vote --round'. Use it after 'slushchaind election report' to find the
round to vote in.`,
					Example:        "slushchaind q election open-round 1 --node tcp://127.0.0.1:26600",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "child_index"}},
				},
				{
					RpcMethod: "Votes", Use: "votes [round-id]", Short: "List the votes of an emergency round",
					Long:           `Lists the votes cast in round <round-id>: each voter's vid, candidate and weight (its subtree size) and how much of it counted. Use it to see who is missing when a round does not reach its majority.`,
					Example:        "slushchaind q election votes 1 --node tcp://127.0.0.1:26600",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "round_id"}},
				},
			},
		},
		Tx: &autocliv1.ServiceCommandDescriptor{
			Service: "slush.election.v1.Msg",
			Short:   "x/election's reports and votes carry descendant proofs and operator-key signatures: 'slushchaind election report|vote' build and send them",
			RpcCommandOptions: []*autocliv1.RpcCommandOptions{
				{RpcMethod: "UpdateParams", Skip: true}, // authority (gov) gated
				// a report or vote is a descendant proof read from several chains and signed with the
				// operator key: `slushchaind election report|vote` (x/election/client/cli) build them;
				// no one can type the raw message's JSON flags
				{RpcMethod: "ReportWithholding", Skip: true},
				{RpcMethod: "EmergencyVote", Skip: true},
			},
		},
	}
}
