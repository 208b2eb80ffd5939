package cli

import (
	"context"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"

	"github.com/consensys/gnark-crypto/ecc/bn254/twistededwards/eddsa"
	"github.com/spf13/cobra"

	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/client/tx"
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/slush-tree/slush/app/encoding"
	"github.com/slush-tree/slush/internal/operatorkey"
	"github.com/slush-tree/slush/relayer/chainclient"
	"github.com/slush-tree/slush/x/election/client/witness"
	"github.com/slush-tree/slush/x/election/types"
)

const (
	flagRootHeight        = "root-height"
	flagNodeRoot          = "node-root"
	flagCandConsensusKey  = "candidate-consensus-key"
	flagEpoch             = "epoch"
	ed25519PubKeyTypeURL  = "/cosmos.crypto.ed25519.PubKey"
	ed25519PublicKeyBytes = 32
)

// rootHelp explains what the root re-election commands share.
const rootHelp = `Root re-election (DESIGN §10, the virtual L0): every child of the root keeps a replica of the
election; --node-p (default --node) is the child of the root the message goes to. The same
report, vote and adoption are filed on every child of the root (run the command once per child:
the signed vote is the same). The descendant proof of a vote opens from the base root commitment:
--node-hop names the root first, then every chain down to the voter's parent; once the root stops
answering use a witness saved with 'election witness --root-height' (--witness-file).`

// reportRootSilentCmd files MsgReportRootSilent on a child of the root.
func reportRootSilentCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "report-root-silent",
		Short: "Report the root silent (or misbehaving) on a child of the root: opens its root re-election replica",
		Long: `Build and broadcast MsgReportRootSilent on a child of the root: the root synced no new header
for root_liveness_timeout_seconds of the child's block time (or misbehaviour evidence froze the
child's parent client). The report names the election's base: a root commitment the child
verified (--root-height), with its preimage and the root histogram its acceptance digest binds
(b_root), read from the root (--node-root) while it answers, or from a witness saved by 'election
witness --root-height' (--witness-file). Anyone may report; --from pays the fees.

` + rootHelp,
		Example: `slushchaind election report-root-silent --node-p tcp://127.0.0.1:26610 \
  --witness-file witness-1-root.json --from user --chain-id slush-1 --keyring-backend test -y`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			clientCtx, err := replicaTxContext(cmd)
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			base, err := loadRootBase(ctx, cmd, clientCtx)
			if err != nil {
				return err
			}
			from, err := fromAddress(clientCtx)
			if err != nil {
				return err
			}
			msg, err := witness.NewRootReport(base, from)
			if err != nil {
				return err
			}
			return broadcastOn(ctx, cmd, clientCtx, msg)
		},
	}
	cmd.Flags().String(FlagNodeP, "", "CometBFT RPC of the child of the root the report goes to (default: --node)")
	cmd.Flags().Uint64(flagRootHeight, 0, "root height of the base root commitment (with --node-root)")
	cmd.Flags().String(flagNodeRoot, "", "CometBFT RPC of the root, read for the base's preimage and histogram")
	cmd.Flags().String(flagWitnessFile, "", "a witness saved by 'election witness --root-height', instead of --node-root")
	addTxFlags(cmd)
	return cmd
}

// rootVoteCmd files MsgRootVote on a child of the root.
func rootVoteCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "root-vote",
		Short: "Vote in the open root re-election of a child of the root for the root's new operator",
		Long: `Build, sign and broadcast MsgRootVote on a child of the root: the prover (the chain of
--node-voter, a strict descendant of the root) votes in the open root election for the candidate
(its operator key hash --candidate-key-hash and its ed25519 consensus key
--candidate-consensus-key, which will be the restarted root's one validator), with its subtree
size as weight. The vote signs (root epoch, base root height, base commitment, candidate) with the
prover's operator key, so the same vote counts on every child of the root.

` + rootHelp,
		Example: `slushchaind election root-vote --node-p tcp://127.0.0.1:26610 \
  --candidate-key-hash $(slushchaind operator-key show --key-file new-root.key --hash-only) \
  --candidate-consensus-key "$(slushchaind comet show-validator --home new-root-home)" \
  --witness-file witness-1-2-root.json --key-file operator-1-2.key \
  --from user --chain-id slush-1 --keyring-backend test -y`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			candidate, err := readRootCandidate(cmd)
			if err != nil {
				return err
			}
			return broadcastProof(cmd, true,
				func(ctx context.Context, p witness.QueryChain) (witness.Target, error) {
					return witness.RootElectionTarget(ctx, p)
				},
				func(t witness.Target, w witness.Witness, key *eddsa.PrivateKey, from string) (sdk.Msg, error) {
					return witness.NewRootVote(t, w, candidate, key, from)
				})
		},
	}
	addChainFlags(cmd)
	operatorkey.AddFlags(cmd)
	cmd.Flags().String(flagCandKeyHash, "", "operator key hash of the candidate (hex, 32 bytes)")
	cmd.Flags().String(flagCandConsensusKey, "", "ed25519 consensus key of the candidate: base64, hex, or the JSON 'comet show-validator' prints")
	addTxFlags(cmd)
	return cmd
}

// adoptRootCmd files MsgAdoptElectedRoot on a child of the root.
func adoptRootCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "adopt-root",
		Short: "Re-point a child of the root's parent client at the restarted root, by its re-election result",
		Long: `Build and broadcast MsgAdoptElectedRoot on a child of the root: once the child's replica elected
the root's new operator (query election root-result <epoch>), the restarted root's latest signed
header (--node-root), whose validator set must be the elected consensus key alone, and its own
commitment record at the base root height, proven under that header, re-point the child's parent
client at the restarted root without governance. --epoch is the replaced root epoch. Anyone may
submit it; --from pays the fees.

` + rootHelp,
		Example: `slushchaind election adopt-root --node-p tcp://127.0.0.1:26610 --node-root tcp://127.0.0.1:26600 \
  --epoch 0 --from user --chain-id slush-1 --keyring-backend test -y`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			epoch, _ := cmd.Flags().GetUint64(flagEpoch)
			rootNode, _ := cmd.Flags().GetString(flagNodeRoot)
			if rootNode == "" {
				return fmt.Errorf("--%s: the restarted root's CometBFT RPC is required", flagNodeRoot)
			}
			clientCtx, err := replicaTxContext(cmd)
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			result, err := parentChain(clientCtx).RootResult(ctx, epoch)
			if err != nil {
				return fmt.Errorf("the result of the re-election of root epoch %d: %w", epoch, err)
			}
			root, err := chainclient.Dial(chainclient.Config{Name: "the restarted root", RPC: rootNode},
				encoding.MakeClient(), slog.New(slog.DiscardHandler), nil)
			if err != nil {
				return err
			}
			from, err := fromAddress(clientCtx)
			if err != nil {
				return err
			}
			msg, err := witness.NewAdoptRoot(ctx, result, root, from)
			if err != nil {
				return err
			}
			return broadcastOn(ctx, cmd, clientCtx, msg)
		},
	}
	cmd.Flags().String(FlagNodeP, "", "CometBFT RPC of the child of the root the adoption goes to (default: --node)")
	cmd.Flags().String(flagNodeRoot, "", "CometBFT RPC of the restarted root (required)")
	cmd.Flags().Uint64(flagEpoch, 0, "the replaced root epoch (the election result's)")
	addTxFlags(cmd)
	return cmd
}

// replicaTxContext is the command's tx context pointed at the child of the root (--node-p, else
// --node).
func replicaTxContext(cmd *cobra.Command) (client.Context, error) {
	clientCtx, err := client.GetClientTxContext(cmd)
	if err != nil {
		return clientCtx, err
	}
	return parentContext(cmd, clientCtx)
}

// broadcastOn fills the chain-id from the node if needed and broadcasts msg (or prints it with
// --generate-only).
func broadcastOn(ctx context.Context, cmd *cobra.Command, clientCtx client.Context, msg sdk.Msg) error {
	clientCtx, err := fillChainID(ctx, clientCtx)
	if err != nil {
		return err
	}
	return tx.GenerateOrBroadcastTxCLI(clientCtx, cmd.Flags(), msg)
}

// loadRootBase is the base a silence report names: from --witness-file, or read from the root
// (--node-root) at --root-height, whose commitment the child of the root must have verified.
func loadRootBase(ctx context.Context, cmd *cobra.Command, clientCtx client.Context) (witness.RootBase, error) {
	file, _ := cmd.Flags().GetString(flagWitnessFile)
	height, _ := cmd.Flags().GetUint64(flagRootHeight)
	rootNode, _ := cmd.Flags().GetString(flagNodeRoot)
	switch {
	case file != "" && (height != 0 || rootNode != ""):
		return witness.RootBase{}, fmt.Errorf("give --%s or --%s with --%s, not both", flagWitnessFile, flagRootHeight, flagNodeRoot)
	case file != "":
		bz, err := os.ReadFile(file)
		if err != nil {
			return witness.RootBase{}, err
		}
		w, err := witness.UnmarshalWitness(bz)
		if err != nil {
			return witness.RootBase{}, fmt.Errorf("%s: %w", file, err)
		}
		if w.Root == nil {
			return witness.RootBase{}, fmt.Errorf("%s has no root base: save it with 'election witness --root-height'", file)
		}
		return *w.Root, nil
	case height == 0 || rootNode == "":
		return witness.RootBase{}, fmt.Errorf("give --%s, or --%s and --%s", flagWitnessFile, flagRootHeight, flagNodeRoot)
	}
	t, err := witness.RootBaseTarget(ctx, parentChain(clientCtx), height)
	if err != nil {
		return witness.RootBase{}, err
	}
	root, err := chainAt(clientCtx, rootNode)
	if err != nil {
		return witness.RootBase{}, err
	}
	return witness.BuildRootBase(ctx, t, root)
}

// chainAt reads the chain at node through clientCtx's codec.
func chainAt(clientCtx client.Context, node string) (witness.QueryChain, error) {
	node = strings.TrimSpace(node)
	c, err := client.NewClientFromNode(node)
	if err != nil {
		return witness.QueryChain{}, fmt.Errorf("chain %s: %w", node, err)
	}
	return witness.QueryChain{Name: node, ABCI: clientCtx.WithClient(c).WithNodeURI(node).WithHeight(0)}, nil
}

// readRootCandidate reads the root candidate flags; NewRootVote checks them as the keeper does.
func readRootCandidate(cmd *cobra.Command) (types.RootCandidate, error) {
	keyHex, _ := cmd.Flags().GetString(flagCandKeyHash)
	consKey, _ := cmd.Flags().GetString(flagCandConsensusKey)
	if keyHex == "" || consKey == "" {
		return types.RootCandidate{}, fmt.Errorf("--%s and --%s are required", flagCandKeyHash, flagCandConsensusKey)
	}
	keyHash, err := hex.DecodeString(strings.TrimPrefix(keyHex, "0x"))
	if err != nil {
		return types.RootCandidate{}, fmt.Errorf("--%s: %w", flagCandKeyHash, err)
	}
	pk, err := ParseConsensusKey(consKey)
	if err != nil {
		return types.RootCandidate{}, fmt.Errorf("--%s: %w", flagCandConsensusKey, err)
	}
	return types.RootCandidate{OperatorKeyHash: keyHash, ConsensusPubkey: pk}, nil
}

// ParseConsensusKey reads an ed25519 consensus public key given as the JSON `slushchaind comet
// show-validator` prints ({"@type":"/cosmos.crypto.ed25519.PubKey","key":"<base64>"}), as base64
// or as hex; it must be 32 bytes.
func ParseConsensusKey(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	var key []byte
	var err error
	switch {
	case strings.HasPrefix(s, "{"):
		var pk struct {
			Type string `json:"@type"`
			Key  string `json:"key"`
		}
		if err := json.Unmarshal([]byte(s), &pk); err != nil {
			return nil, err
		}
		if pk.Type != ed25519PubKeyTypeURL {
			return nil, fmt.Errorf("key type %q, want %s", pk.Type, ed25519PubKeyTypeURL)
		}
		key, err = base64.StdEncoding.DecodeString(pk.Key)
	case len(s) == 2*ed25519PublicKeyBytes:
		key, err = hex.DecodeString(s)
	default:
		key, err = base64.StdEncoding.DecodeString(s)
	}
	if err != nil {
		return nil, err
	}
	if len(key) != ed25519PublicKeyBytes {
		return nil, errors.New("an ed25519 key is 32 bytes")
	}
	return key, nil
}
