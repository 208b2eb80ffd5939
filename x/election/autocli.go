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
				{
					RpcMethod: "RootElection", Use: "root-election [election-id]", Short: "Show a root re-election replica and its tallies",
					Long: `Prints this chain's replica <election-id> of a virtual-L0 root re-election (DESIGN §10): the root epoch
being replaced, why it opened (silent root or misbehaviour), its base root height and commitment, b_root, its
deadline (Unix seconds of this chain's block time), status, and every candidate's full and settled tally.
Only children of the root keep replicas.`,
					Example:        "slushchaind q election root-election 1 --node tcp://127.0.0.1:26610",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "election_id"}},
				},
				{
					RpcMethod: "OpenRootElection", Use: "open-root-election", Short: "Show the open root re-election replica",
					Long:    `Prints the open root re-election replica of this chain (NotFound if none is open), with the epoch and base root height a root vote must name.`,
					Example: "slushchaind q election open-root-election --node tcp://127.0.0.1:26610",
				},
				{
					RpcMethod: "RootElectionResult", Use: "root-result [epoch]", Short: "Show the result of a root re-election",
					Long: `Prints the result of the root re-election that replaced root epoch <epoch> on this chain (NotFound if
none): the elected operator key hash and consensus key, the base root height and commitment the restarted root
must continue from, and whether this chain's parent client already adopted the restarted root.`,
					Example:        "slushchaind q election root-result 0 --node tcp://127.0.0.1:26610",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "epoch"}},
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
				// the root re-election messages carry a root commitment preimage and histogram, a
				// descendant proof and an operator-key signature, or a restarted root's signed header
				// and a store proof: client/cli builds them from the chains (slushchaind election
				// report-root-silent|root-vote|adopt-root, DESIGN §10, issue 17), so no raw command
				{RpcMethod: "ReportRootSilent", Skip: true},
				{RpcMethod: "RootVote", Skip: true},
				{RpcMethod: "AdoptElectedRoot", Skip: true},
			},
		},
	}
}
