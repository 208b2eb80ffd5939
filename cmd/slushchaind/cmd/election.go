package cmd

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"cosmossdk.io/core/address"

	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/client/flags"
	"github.com/cosmos/cosmos-sdk/client/tx"
	addresscodec "github.com/cosmos/cosmos-sdk/codec/address"
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/slush-tree/slush/x/election/client/witness"
	electiontypes "github.com/slush-tree/slush/x/election/types"
)

const (
	flagElectionNodeP       = "node-p"
	flagElectionNodeHop     = "node-hop"
	flagElectionNodeVoter   = "node-voter"
	flagElectionWitnessFile = "witness-file"
	flagElectionChild       = "child"
	flagElectionRound       = "round"
	flagElectionCandidate   = "candidate-operator"
	flagElectionCandKeyHash = "candidate-key-hash"
	flagElectionOut         = "out"
)

// electionChainsHelp explains the chain flags every election command shares.
const electionChainsHelp = `The proof is read from the chains: p (--node-p, default --node), then --node-hop once per
chain from v down to the prover's parent (v first: only v's state holds v's children), and
--node-voter, the prover's own chain. Each chain is queried at the height it made the
commitment the level above holds, so its node must still have that state (not pruned) and the
commitment in its bridge history. Once v stops answering, use a witness saved earlier with
'election witness' (--witness-file) instead of the chain flags.`

// electionCommand is the operator's side of an emergency re-election (DESIGN §9): withholding
// reports, votes and the witnesses they carry.
func electionCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "election",
		Short: "Emergency re-election: report a child that withholds data, vote for its new operator",
		Long: `Report a child v of p that withholds data, and vote for v's new operator (DESIGN §9). Both
are filed on p by a strict descendant of v, signed with the descendant's operator key (the one
its commitments carry, see 'operator-key show'), with a commitment chain from v's commitment on
p down to the descendant's commitment. Rounds and votes are shown by 'query election'.`,
		RunE: func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	cmd.AddCommand(electionReportCmd(), electionVoteCmd(), electionWitnessCmd())
	return cmd
}

// electionReportCmd files MsgReportWithholding on p.
func electionReportCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "report",
		Short: "Report that child --child of p withholds data: opens an emergency round on p",
		Long: `Build, sign and broadcast MsgReportWithholding on p about its child --child (v). The report
proves that the prover is a strict descendant of v in v's finalized commitment on p and is
signed with the prover's operator key (--seed or --key-file); --from pays the fees.

` + electionChainsHelp,
		Example: `slushchaind election report --node-p tcp://127.0.0.1:26657 --child 1 \
  --node-hop tcp://127.0.0.1:26667 --node-voter tcp://127.0.0.1:26677 \
  --key-file operator-1-1.key --from relayer --chain-id slush-root --keyring-backend test -y`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			clientCtx, err := client.GetClientTxContext(cmd)
			if err != nil {
				return err
			}
			if clientCtx, err = electionParentContext(cmd, clientCtx); err != nil {
				return err
			}
			key, err := loadOperatorKey(cmd)
			if err != nil {
				return err
			}
			index, _ := cmd.Flags().GetUint32(flagElectionChild)
			if index == 0 {
				return fmt.Errorf("--%s: the child's index on p is required", flagElectionChild)
			}
			ctx := cmd.Context()
			target, err := witness.ReportTarget(ctx, electionParent(clientCtx), index)
			if err != nil {
				return err
			}
			w, err := electionWitness(ctx, cmd, clientCtx, target, false)
			if err != nil {
				return err
			}
			from, err := electionSubmitter(clientCtx)
			if err != nil {
				return err
			}
			msg, err := witness.NewReport(target, w, key, from)
			if err != nil {
				return err
			}
			if clientCtx, err = electionChainID(ctx, clientCtx); err != nil {
				return err
			}
			return tx.GenerateOrBroadcastTxCLI(clientCtx, cmd.Flags(), msg)
		},
	}
	addElectionChainFlags(cmd)
	addOperatorKeyFlags(cmd)
	cmd.Flags().Uint32(flagElectionChild, 0, "index of the withholding child v on p")
	addElectionTxFlags(cmd)
	return cmd
}

// electionVoteCmd files MsgEmergencyVote on p.
func electionVoteCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "vote",
		Short: "Vote in emergency round --round on p for a new operator of its child",
		Long: `Build, sign and broadcast MsgEmergencyVote on p: the prover votes in the open round --round for
the candidate (its account --candidate-operator and operator key hash --candidate-key-hash)
with its subtree size as weight. The vote carries the prover's histogram, recomputed from its
chain at its commitment's height and checked against the commitment's acceptance digest.

` + electionChainsHelp,
		Example: `slushchaind election vote --node-p tcp://127.0.0.1:26657 --round 1 \
  --candidate-operator slush1... --candidate-key-hash $(slushchaind operator-key show --seed new-op --hash-only) \
  --node-hop tcp://127.0.0.1:26667 --node-voter tcp://127.0.0.1:26677 \
  --key-file operator-1-1.key --from relayer --chain-id slush-root --keyring-backend test -y`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			clientCtx, err := client.GetClientTxContext(cmd)
			if err != nil {
				return err
			}
			if clientCtx, err = electionParentContext(cmd, clientCtx); err != nil {
				return err
			}
			key, err := loadOperatorKey(cmd)
			if err != nil {
				return err
			}
			id, _ := cmd.Flags().GetUint64(flagElectionRound)
			if id == 0 {
				return fmt.Errorf("--%s: the round id is required", flagElectionRound)
			}
			candidate, err := electionCandidate(cmd)
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			target, err := witness.VoteTarget(ctx, electionParent(clientCtx), id)
			if err != nil {
				return err
			}
			w, err := electionWitness(ctx, cmd, clientCtx, target, true)
			if err != nil {
				return err
			}
			from, err := electionSubmitter(clientCtx)
			if err != nil {
				return err
			}
			msg, err := witness.NewVote(target, w, candidate, electionAddressCodec(), key, from)
			if err != nil {
				return err
			}
			if clientCtx, err = electionChainID(ctx, clientCtx); err != nil {
				return err
			}
			return tx.GenerateOrBroadcastTxCLI(clientCtx, cmd.Flags(), msg)
		},
	}
	addElectionChainFlags(cmd)
	addOperatorKeyFlags(cmd)
	cmd.Flags().Uint64(flagElectionRound, 0, "id of the open round on p (query election open-round [child])")
	cmd.Flags().String(flagElectionCandidate, "", "account of the candidate operator")
	cmd.Flags().String(flagElectionCandKeyHash, "", "operator key hash of the candidate (hex, 32 bytes)")
	addElectionTxFlags(cmd)
	return cmd
}

// electionWitnessCmd builds and saves a witness while the chains still answer.
func electionWitnessCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "witness",
		Short: "Build the prover's proof against a child's finalized commitment (--child) or a round's (--round) and print it",
		Long: `Build and verify the descendant proof and histogram a report or vote of the prover (the chain
of --node-voter) carries, and print it as JSON (or write it to --out). Save it while v still
answers: 'election report' and 'election vote' take it with --witness-file once v withholds.
A witness holds no secret; it is checked again when it is loaded, and it only serves while
v's finalized commitment (for a report) or the round's commitment (for a vote) is the one it
was built against.

` + electionChainsHelp,
		Example: `slushchaind election witness --node-p tcp://127.0.0.1:26657 --child 1 \
  --node-hop tcp://127.0.0.1:26667 --node-voter tcp://127.0.0.1:26677 --out witness-1-1.json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			clientCtx, err := client.GetClientQueryContext(cmd)
			if err != nil {
				return err
			}
			if clientCtx, err = electionParentContext(cmd, clientCtx); err != nil {
				return err
			}
			index, _ := cmd.Flags().GetUint32(flagElectionChild)
			id, _ := cmd.Flags().GetUint64(flagElectionRound)
			ctx := cmd.Context()
			var target witness.Target
			switch {
			case (index == 0) == (id == 0):
				return fmt.Errorf("give one of --%s and --%s", flagElectionChild, flagElectionRound)
			case index != 0:
				target, err = witness.ReportTarget(ctx, electionParent(clientCtx), index)
			default:
				target, err = witness.VoteTarget(ctx, electionParent(clientCtx), id)
			}
			if err != nil {
				return err
			}
			levels, err := electionLevels(cmd, clientCtx)
			if err != nil {
				return err
			}
			w, err := witness.Build(ctx, target, levels, true)
			if err != nil {
				return err
			}
			bz, err := w.MarshalJSON()
			if err != nil {
				return err
			}
			if out, _ := cmd.Flags().GetString(flagElectionOut); out != "" {
				return os.WriteFile(out, append(bz, '\n'), 0o600)
			}
			_, err = fmt.Fprintln(cmd.OutOrStdout(), string(bz))
			return err
		},
	}
	cmd.Flags().String(flagElectionNodeP, "", "CometBFT RPC of p, the chain the report or vote goes to (default: --node)")
	cmd.Flags().StringSlice(flagElectionNodeHop, nil, "CometBFT RPC of each chain from v down to the prover's parent, in order (repeat the flag)")
	cmd.Flags().String(flagElectionNodeVoter, "", "CometBFT RPC of the prover's own chain")
	cmd.Flags().String(flags.FlagNode, "tcp://localhost:26657", "<host>:<port> to CometBFT RPC interface of p")
	cmd.Flags().Uint32(flagElectionChild, 0, "index of the child v on p: prove against its finalized commitment")
	cmd.Flags().Uint64(flagElectionRound, 0, "id of a round on p: prove against the round's commitment")
	cmd.Flags().String(flagElectionOut, "", "write the witness to this file instead of stdout")
	return cmd
}

// addElectionChainFlags adds the chain flags of report and vote.
func addElectionChainFlags(cmd *cobra.Command) {
	cmd.Flags().String(flagElectionNodeP, "", "CometBFT RPC of p, the chain the message goes to (default: --node)")
	cmd.Flags().StringSlice(flagElectionNodeHop, nil, "CometBFT RPC of each chain from v down to the prover's parent, in order (repeat the flag)")
	cmd.Flags().String(flagElectionNodeVoter, "", "CometBFT RPC of the prover's own chain")
	cmd.Flags().String(flagElectionWitnessFile, "", "a witness saved by 'election witness', instead of the chain flags")
}

// electionGasAdjustment is the default margin on the simulated gas of a report or vote.
const electionGasAdjustment = 1.3

// addElectionTxFlags adds the SDK's tx flags with --gas auto by default: a report or vote costs
// x/election's proof gas per hop and signature on top of the tx (about 230k gas for a report
// with 2 hops, 260k for an electing vote), beyond the SDK's 200k default.
func addElectionTxFlags(cmd *cobra.Command) {
	flags.AddTxFlagsToCmd(cmd)
	for _, d := range [][2]string{
		{flags.FlagGas, flags.GasFlagAuto}, {flags.FlagGasAdjustment, fmt.Sprint(electionGasAdjustment)},
	} {
		f := cmd.Flags().Lookup(d[0])
		if err := f.Value.Set(d[1]); err != nil {
			panic(err) // a constant that does not parse is a programming error
		}
		f.DefValue = d[1]
	}
}

// electionParentContext points clientCtx at p: --node-p if given, else --node.
func electionParentContext(cmd *cobra.Command, clientCtx client.Context) (client.Context, error) {
	if node, _ := cmd.Flags().GetString(flagElectionNodeP); node != "" {
		c, err := client.NewClientFromNode(node)
		if err != nil {
			return clientCtx, fmt.Errorf("--%s %s: %w", flagElectionNodeP, node, err)
		}
		clientCtx = clientCtx.WithClient(c).WithNodeURI(node)
	}
	if clientCtx.Client == nil {
		return clientCtx, fmt.Errorf("no RPC of p: give --%s or --%s", flagElectionNodeP, flags.FlagNode)
	}
	return clientCtx.WithHeight(0), nil
}

// electionParent reads p through clientCtx.
func electionParent(clientCtx client.Context) witness.QueryChain {
	return witness.QueryChain{Name: "p (" + clientCtx.NodeURI + ")", ABCI: clientCtx}
}

// electionLevels connects to --node-hop... and --node-voter: the chains from v to the prover.
func electionLevels(cmd *cobra.Command, clientCtx client.Context) ([]witness.Level, error) {
	hops, _ := cmd.Flags().GetStringSlice(flagElectionNodeHop)
	voter, _ := cmd.Flags().GetString(flagElectionNodeVoter)
	if voter == "" || len(hops) == 0 {
		return nil, fmt.Errorf("--%s (the prover's chain) and at least one --%s (v's chain first) are required",
			flagElectionNodeVoter, flagElectionNodeHop)
	}
	var levels []witness.Level
	for _, node := range append(hops, voter) {
		node = strings.TrimSpace(node)
		c, err := client.NewClientFromNode(node)
		if err != nil {
			return nil, fmt.Errorf("chain %s: %w", node, err)
		}
		levels = append(levels, witness.QueryChain{Name: node, ABCI: clientCtx.WithClient(c).WithNodeURI(node).WithHeight(0)})
	}
	return levels, nil
}

// electionWitness loads --witness-file or builds the witness from the chain flags.
func electionWitness(ctx context.Context, cmd *cobra.Command, clientCtx client.Context, t witness.Target, histogram bool) (witness.Witness, error) {
	file, _ := cmd.Flags().GetString(flagElectionWitnessFile)
	if file == "" {
		levels, err := electionLevels(cmd, clientCtx)
		if err != nil {
			return witness.Witness{}, err
		}
		return witness.Build(ctx, t, levels, histogram)
	}
	if cmd.Flags().Changed(flagElectionNodeHop) || cmd.Flags().Changed(flagElectionNodeVoter) {
		return witness.Witness{}, fmt.Errorf("give --%s or the chain flags, not both", flagElectionWitnessFile)
	}
	bz, err := os.ReadFile(file)
	if err != nil {
		return witness.Witness{}, err
	}
	w, err := witness.UnmarshalWitness(bz)
	if err != nil {
		return witness.Witness{}, fmt.Errorf("%s: %w", file, err)
	}
	if histogram && w.Histogram == nil {
		return witness.Witness{}, fmt.Errorf("%s has no histogram: a vote needs one", file)
	}
	return w, nil
}

// electionCandidate reads the candidate flags; NewVote checks them as the keeper does.
func electionCandidate(cmd *cobra.Command) (electiontypes.Candidate, error) {
	operator, _ := cmd.Flags().GetString(flagElectionCandidate)
	keyHex, _ := cmd.Flags().GetString(flagElectionCandKeyHash)
	if operator == "" || keyHex == "" {
		return electiontypes.Candidate{}, fmt.Errorf("--%s and --%s are required", flagElectionCandidate, flagElectionCandKeyHash)
	}
	keyHash, err := hex.DecodeString(strings.TrimPrefix(keyHex, "0x"))
	if err != nil {
		return electiontypes.Candidate{}, fmt.Errorf("--%s: %w", flagElectionCandKeyHash, err)
	}
	return electiontypes.Candidate{Operator: operator, OperatorKeyHash: keyHash}, nil
}

// electionSubmitter is the --from account that pays for the message.
func electionSubmitter(clientCtx client.Context) (string, error) {
	if clientCtx.GetFromAddress().Empty() {
		return "", errors.New("--from is required: the account that submits and pays")
	}
	return clientCtx.GetFromAddress().String(), nil
}

// electionAddressCodec decodes account addresses of the configured prefix (app.SetAddressPrefixes).
func electionAddressCodec() address.Codec {
	return addresscodec.NewBech32Codec(sdk.GetConfig().GetBech32AccountAddrPrefix())
}

// electionChainID fills in p's chain-id from its node when neither --chain-id nor the client
// config gave one.
func electionChainID(ctx context.Context, clientCtx client.Context) (client.Context, error) {
	if clientCtx.ChainID != "" || clientCtx.Offline {
		return clientCtx, nil
	}
	st, err := clientCtx.Client.Status(ctx)
	if err != nil {
		return clientCtx, fmt.Errorf("p's chain-id (or give --%s): %w", flags.FlagChainID, err)
	}
	return clientCtx.WithChainID(st.NodeInfo.Network), nil
}
