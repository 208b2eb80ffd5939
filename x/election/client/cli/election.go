package cli

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/consensys/gnark-crypto/ecc/bn254/twistededwards/eddsa"
	"github.com/spf13/cobra"

	"cosmossdk.io/core/address"

	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/client/flags"
	"github.com/cosmos/cosmos-sdk/client/tx"
	addresscodec "github.com/cosmos/cosmos-sdk/codec/address"
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/slush-tree/slush/internal/operatorkey"
	"github.com/slush-tree/slush/x/election/client/witness"
	"github.com/slush-tree/slush/x/election/types"
)

// FlagNodeP is the flag of p's CometBFT RPC: the parent that holds (or held) the election.
const FlagNodeP = "node-p"

const (
	flagNodeHop     = "node-hop"
	flagNodeVoter   = "node-voter"
	flagWitnessFile = "witness-file"
	flagChild       = "child"
	flagRound       = "round"
	flagCandidate   = "candidate-operator"
	flagCandKeyHash = "candidate-key-hash"
	flagOut         = "out"
)

// chainsHelp explains the chain flags every election command shares.
const chainsHelp = `The proof is read from the chains: p (--node-p, default --node), then --node-hop once per
chain from v down to the prover's parent (v first: only v's state holds v's children), and
--node-voter, the prover's own chain. Each chain is queried at the height it made the
commitment the level above holds, so its node must still have that state (not pruned) and the
commitment in its x/tree commitment history. Once v stops answering, use a witness saved earlier with
'election witness' (--witness-file) instead of the chain flags.`

// ElectionCmd is the operator's side of an emergency re-election (DESIGN §9): withholding
// reports, votes and the witnesses they carry.
func ElectionCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "election",
		Short: "Emergency re-election: report a child that withholds data, vote for its new operator",
		Long: `Report a child v of p that withholds data, and vote for v's new operator (DESIGN §9). Both
are filed on p by a strict descendant of v, signed with the descendant's operator key (the one
its commitments carry, see 'operator-key show'), with a commitment chain from v's commitment on
p down to the descendant's commitment. Rounds and votes are shown by 'query election'.

The root has no parent: its operator is re-elected by the root's descendants on every child of
the root (DESIGN §10): 'report-root-silent', 'root-vote', 'adopt-root', and witnesses against a
root commitment ('witness --root-height').`,
		RunE: func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	cmd.AddCommand(reportCmd(), voteCmd(), witnessCmd(), reportRootSilentCmd(), rootVoteCmd(), adoptRootCmd())
	return cmd
}

// reportCmd files MsgReportWithholding on p.
func reportCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "report",
		Short: "Report that child --child of p withholds data: opens an emergency round on p",
		Long: `Build, sign and broadcast MsgReportWithholding on p about its child --child (v). The report
proves that the prover is a strict descendant of v in v's finalized commitment on p and is
signed with the prover's operator key (--seed or --key-file); --from pays the fees.

` + chainsHelp,
		Example: `slushchaind election report --node-p tcp://127.0.0.1:26657 --child 1 \
  --node-hop tcp://127.0.0.1:26667 --node-voter tcp://127.0.0.1:26677 \
  --key-file operator-1-1.key --from relayer --chain-id slush-root --keyring-backend test -y`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			index, _ := cmd.Flags().GetUint32(flagChild)
			if index == 0 {
				return fmt.Errorf("--%s: the child's index on p is required", flagChild)
			}
			return broadcastProof(cmd, false,
				func(ctx context.Context, p witness.QueryChain) (witness.Target, error) {
					return witness.ReportTarget(ctx, p, index)
				},
				func(t witness.Target, w witness.Witness, key *eddsa.PrivateKey, from string) (sdk.Msg, error) {
					return witness.NewReport(t, w, key, from)
				})
		},
	}
	addChainFlags(cmd)
	operatorkey.AddFlags(cmd)
	cmd.Flags().Uint32(flagChild, 0, "index of the withholding child v on p")
	addTxFlags(cmd)
	return cmd
}

// voteCmd files MsgEmergencyVote on p.
func voteCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "vote",
		Short: "Vote in emergency round --round on p for a new operator of its child",
		Long: `Build, sign and broadcast MsgEmergencyVote on p: the prover votes in the open round --round for
the candidate (its account --candidate-operator and operator key hash --candidate-key-hash)
with its subtree size as weight. The vote carries the prover's histogram, recomputed from its
chain at its commitment's height and checked against the commitment's acceptance digest.

` + chainsHelp,
		Example: `slushchaind election vote --node-p tcp://127.0.0.1:26657 --round 1 \
  --candidate-operator slush1... --candidate-key-hash $(slushchaind operator-key show --seed new-op --hash-only) \
  --node-hop tcp://127.0.0.1:26667 --node-voter tcp://127.0.0.1:26677 \
  --key-file operator-1-1.key --from relayer --chain-id slush-root --keyring-backend test -y`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			id, _ := cmd.Flags().GetUint64(flagRound)
			if id == 0 {
				return fmt.Errorf("--%s: the round id is required", flagRound)
			}
			candidate, err := readCandidate(cmd)
			if err != nil {
				return err
			}
			return broadcastProof(cmd, true,
				func(ctx context.Context, p witness.QueryChain) (witness.Target, error) {
					return witness.VoteTarget(ctx, p, id)
				},
				func(t witness.Target, w witness.Witness, key *eddsa.PrivateKey, from string) (sdk.Msg, error) {
					return witness.NewVote(t, w, candidate, addressCodec(), key, from)
				})
		},
	}
	addChainFlags(cmd)
	operatorkey.AddFlags(cmd)
	cmd.Flags().Uint64(flagRound, 0, "id of the open round on p (query election open-round [child])")
	cmd.Flags().String(flagCandidate, "", "account of the candidate operator")
	cmd.Flags().String(flagCandKeyHash, "", "operator key hash of the candidate (hex, 32 bytes)")
	addTxFlags(cmd)
	return cmd
}

// broadcastProof is the run of report and vote: it points the command's tx context at p, loads
// the operator key, finds the message's target on p, builds (or loads) the prover's witness,
// with its histogram for a vote, and broadcasts on p the message newMsg makes of them.
func broadcastProof(
	cmd *cobra.Command, histogram bool,
	target func(ctx context.Context, p witness.QueryChain) (witness.Target, error),
	newMsg func(t witness.Target, w witness.Witness, key *eddsa.PrivateKey, from string) (sdk.Msg, error),
) error {
	clientCtx, err := client.GetClientTxContext(cmd)
	if err != nil {
		return err
	}
	if clientCtx, err = parentContext(cmd, clientCtx); err != nil {
		return err
	}
	key, err := operatorkey.Load(cmd)
	if err != nil {
		return err
	}
	ctx := cmd.Context()
	t, err := target(ctx, parentChain(clientCtx))
	if err != nil {
		return err
	}
	w, err := loadWitness(ctx, cmd, clientCtx, t, histogram)
	if err != nil {
		return err
	}
	from, err := fromAddress(clientCtx)
	if err != nil {
		return err
	}
	msg, err := newMsg(t, w, key, from)
	if err != nil {
		return err
	}
	if clientCtx, err = fillChainID(ctx, clientCtx); err != nil {
		return err
	}
	return tx.GenerateOrBroadcastTxCLI(clientCtx, cmd.Flags(), msg)
}

// witnessCmd builds and saves a witness while the chains still answer.
func witnessCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "witness",
		Short: "Build the prover's proof against a child's finalized commitment (--child), a round's (--round) or a root commitment (--root-height) and print it",
		Long: `Build and verify the descendant proof and histogram a report or vote of the prover (the chain
of --node-voter) carries, and print it as JSON (or write it to --out). Save it while v still
answers: 'election report' and 'election vote' take it with --witness-file once v withholds.
A witness holds no secret; it is checked again when it is loaded, and it only serves while
v's finalized commitment (for a report) or the round's commitment (for a vote) is the one it
was built against.

With --root-height, p is a child of the root and the proof opens from the root commitment p
verified at that root height (the base of a root re-election, DESIGN §10): --node-hop names the
root first. The witness then also holds the root's preimage and histogram there, which
'election report-root-silent' names, and serves 'election root-vote' while that commitment is
the open root election's base.

` + chainsHelp,
		Example: `slushchaind election witness --node-p tcp://127.0.0.1:26657 --child 1 \
  --node-hop tcp://127.0.0.1:26667 --node-voter tcp://127.0.0.1:26677 --out witness-1-1.json
slushchaind election witness --node-p tcp://127.0.0.1:26610 --root-height 120 \
  --node-hop tcp://127.0.0.1:26600 --node-hop tcp://127.0.0.1:26610 --node-voter tcp://127.0.0.1:26640 --out witness-1-2-root.json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			clientCtx, err := client.GetClientQueryContext(cmd)
			if err != nil {
				return err
			}
			if clientCtx, err = parentContext(cmd, clientCtx); err != nil {
				return err
			}
			index, _ := cmd.Flags().GetUint32(flagChild)
			id, _ := cmd.Flags().GetUint64(flagRound)
			rootHeight, _ := cmd.Flags().GetUint64(flagRootHeight)
			ctx := cmd.Context()
			var target witness.Target
			switch given := btoi(index != 0) + btoi(id != 0) + btoi(rootHeight != 0); {
			case given != 1:
				return fmt.Errorf("give one of --%s, --%s and --%s", flagChild, flagRound, flagRootHeight)
			case index != 0:
				target, err = witness.ReportTarget(ctx, parentChain(clientCtx), index)
			case id != 0:
				target, err = witness.VoteTarget(ctx, parentChain(clientCtx), id)
			default:
				target, err = witness.RootBaseTarget(ctx, parentChain(clientCtx), rootHeight)
			}
			if err != nil {
				return err
			}
			levels, err := chainLevels(cmd, clientCtx)
			if err != nil {
				return err
			}
			w, err := witness.Build(ctx, target, levels, true)
			if err != nil {
				return err
			}
			if rootHeight != 0 { // what a silence report names, while the root answers
				base, err := witness.BuildRootBase(ctx, target, levels[0])
				if err != nil {
					return err
				}
				w.Root = &base
			}
			bz, err := w.MarshalJSON()
			if err != nil {
				return err
			}
			if out, _ := cmd.Flags().GetString(flagOut); out != "" {
				return os.WriteFile(out, append(bz, '\n'), 0o600)
			}
			_, err = fmt.Fprintln(cmd.OutOrStdout(), string(bz))
			return err
		},
	}
	cmd.Flags().String(FlagNodeP, "", "CometBFT RPC of p, the chain the report or vote goes to (default: --node)")
	cmd.Flags().StringSlice(flagNodeHop, nil, "CometBFT RPC of each chain from v down to the prover's parent, in order (repeat the flag)")
	cmd.Flags().String(flagNodeVoter, "", "CometBFT RPC of the prover's own chain")
	cmd.Flags().String(flags.FlagNode, "tcp://localhost:26657", "<host>:<port> to CometBFT RPC interface of p")
	cmd.Flags().Uint32(flagChild, 0, "index of the child v on p: prove against its finalized commitment")
	cmd.Flags().Uint64(flagRound, 0, "id of a round on p: prove against the round's commitment")
	cmd.Flags().Uint64(flagRootHeight, 0, "a root height: prove against the root commitment p (a child of the root) verified there, for a root re-election (--node-hop: the root first)")
	cmd.Flags().String(flagOut, "", "write the witness to this file instead of stdout")
	return cmd
}

// btoi is 1 for true, 0 for false.
func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// addChainFlags adds the chain flags of report and vote.
func addChainFlags(cmd *cobra.Command) {
	cmd.Flags().String(FlagNodeP, "", "CometBFT RPC of p, the chain the message goes to (default: --node)")
	cmd.Flags().StringSlice(flagNodeHop, nil, "CometBFT RPC of each chain from v down to the prover's parent, in order (repeat the flag)")
	cmd.Flags().String(flagNodeVoter, "", "CometBFT RPC of the prover's own chain")
	cmd.Flags().String(flagWitnessFile, "", "a witness saved by 'election witness', instead of the chain flags")
}

// gasAdjustment is the default margin on the simulated gas of a report or vote.
const gasAdjustment = 1.3

// addTxFlags adds the SDK's tx flags with --gas auto by default: a report or vote costs
// x/election's proof gas per hop and signature on top of the tx (about 230k gas for a report
// with 2 hops, 260k for an electing vote), beyond the SDK's 200k default.
func addTxFlags(cmd *cobra.Command) {
	flags.AddTxFlagsToCmd(cmd)
	for _, d := range [][2]string{
		{flags.FlagGas, flags.GasFlagAuto}, {flags.FlagGasAdjustment, fmt.Sprint(gasAdjustment)},
	} {
		f := cmd.Flags().Lookup(d[0])
		if err := f.Value.Set(d[1]); err != nil {
			panic(err) // a constant that does not parse is a programming error
		}
		f.DefValue = d[1]
	}
}

// parentContext points clientCtx at p: --node-p if given, else --node.
func parentContext(cmd *cobra.Command, clientCtx client.Context) (client.Context, error) {
	if node, _ := cmd.Flags().GetString(FlagNodeP); node != "" {
		c, err := client.NewClientFromNode(node)
		if err != nil {
			return clientCtx, fmt.Errorf("--%s %s: %w", FlagNodeP, node, err)
		}
		clientCtx = clientCtx.WithClient(c).WithNodeURI(node)
	}
	if clientCtx.Client == nil {
		return clientCtx, fmt.Errorf("no RPC of p: give --%s or --%s", FlagNodeP, flags.FlagNode)
	}
	return clientCtx.WithHeight(0), nil
}

// electionParent reads p through clientCtx.
func parentChain(clientCtx client.Context) witness.QueryChain {
	return witness.QueryChain{Name: "p (" + clientCtx.NodeURI + ")", ABCI: clientCtx}
}

// chainLevels connects to --node-hop... and --node-voter: the chains from v to the prover.
func chainLevels(cmd *cobra.Command, clientCtx client.Context) ([]witness.Level, error) {
	hops, _ := cmd.Flags().GetStringSlice(flagNodeHop)
	voter, _ := cmd.Flags().GetString(flagNodeVoter)
	if voter == "" || len(hops) == 0 {
		return nil, fmt.Errorf("--%s (the prover's chain) and at least one --%s (v's chain first) are required",
			flagNodeVoter, flagNodeHop)
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
func loadWitness(ctx context.Context, cmd *cobra.Command, clientCtx client.Context, t witness.Target, histogram bool) (witness.Witness, error) {
	file, _ := cmd.Flags().GetString(flagWitnessFile)
	if file == "" {
		levels, err := chainLevels(cmd, clientCtx)
		if err != nil {
			return witness.Witness{}, err
		}
		return witness.Build(ctx, t, levels, histogram)
	}
	if cmd.Flags().Changed(flagNodeHop) || cmd.Flags().Changed(flagNodeVoter) {
		return witness.Witness{}, fmt.Errorf("give --%s or the chain flags, not both", flagWitnessFile)
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

// readCandidate reads the candidate flags; NewVote checks them as the keeper does.
func readCandidate(cmd *cobra.Command) (types.Candidate, error) {
	operator, _ := cmd.Flags().GetString(flagCandidate)
	keyHex, _ := cmd.Flags().GetString(flagCandKeyHash)
	if operator == "" || keyHex == "" {
		return types.Candidate{}, fmt.Errorf("--%s and --%s are required", flagCandidate, flagCandKeyHash)
	}
	keyHash, err := hex.DecodeString(strings.TrimPrefix(keyHex, "0x"))
	if err != nil {
		return types.Candidate{}, fmt.Errorf("--%s: %w", flagCandKeyHash, err)
	}
	return types.Candidate{Operator: operator, OperatorKeyHash: keyHash}, nil
}

// fromAddress is the --from account that pays for the message.
func fromAddress(clientCtx client.Context) (string, error) {
	if clientCtx.GetFromAddress().Empty() {
		return "", errors.New("--from is required: the account that submits and pays")
	}
	return clientCtx.GetFromAddress().String(), nil
}

// addressCodec decodes account addresses of the configured prefix (app.SetAddressPrefixes).
func addressCodec() address.Codec {
	return addresscodec.NewBech32Codec(sdk.GetConfig().GetBech32AccountAddrPrefix())
}

// fillChainID fills in p's chain-id from its node when neither --chain-id nor the client
// config gave one.
func fillChainID(ctx context.Context, clientCtx client.Context) (client.Context, error) {
	if clientCtx.ChainID != "" || clientCtx.Offline {
		return clientCtx, nil
	}
	st, err := clientCtx.Client.Status(ctx)
	if err != nil {
		return clientCtx, fmt.Errorf("p's chain-id (or give --%s): %w", flags.FlagChainID, err)
	}
	return clientCtx.WithChainID(st.NodeInfo.Network), nil
}
