package cli

import (
	"context"
	"fmt"
	"os"

	cmtjson "github.com/cometbft/cometbft/libs/json"
	cmttypes "github.com/cometbft/cometbft/types"
	"github.com/spf13/cobra"

	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/client/flags"
	"github.com/cosmos/cosmos-sdk/client/tx"

	"github.com/slush-tree/slush/internal/parentsync"
	"github.com/slush-tree/slush/x/tree/types"
)

// misbehaviourGasAdjustment is the default margin on the simulated gas of submit-misbehaviour.
const misbehaviourGasAdjustment = 1.3

// TxCmd is `slushchaind tx tree`: the hand-written submit-misbehaviour. Parent syncs are built
// by the relayer and parent-client recovery is a gov proposal, so autocli adds nothing to it.
func TxCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:                        types.ModuleName,
		Short:                      "Submit parent misbehaviour evidence (parent syncs are the relayer's, recovery is governance's)",
		DisableFlagParsing:         false,
		SuggestionsMinimumDistance: 2,
		RunE:                       client.ValidateCmd,
	}
	cmd.AddCommand(SubmitMisbehaviourCmd())
	return cmd
}

// SubmitMisbehaviourCmd submits two conflicting parent headers as MsgSubmitMisbehaviour.
func SubmitMisbehaviourCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "submit-misbehaviour [light-block-1.json] [light-block-2.json]",
		Short: "Freeze this chain's parent client with two conflicting parent headers at one height",
		Long: `Submits x/tree MsgSubmitMisbehaviour (issue 17): two signed headers of this chain's parent at the
same height with different hashes, each of which this chain's parent client would have accepted
(on a child of the root: the root operator signed two blocks at one height). Each file holds a
CometBFT light block in JSON (signed_header and validator_set), as 'slushchaind parent-client
light-block' prints it from a parent node serving one side of the fork. Both are checked here
before anything is signed (same chain, same height, different headers, each set the one its
header names); the chain then verifies the signatures against the parent client it trusts.

Once accepted, the parent client is frozen: no parent sync is accepted until governance
recovers the client ('slushchaind parent-client proposal') or, on a child of the root, a root
re-election result re-points it (x/election MsgAdoptElectedRoot), and 'q tree parent-client'
shows frozen: true and the height. Evidence against a client that is already frozen is refused.
On a child of the root it also admits x/election's MsgReportRootSilent at once (no builder CLI
yet). Anyone may submit; the sender pays
gas for about two signature checks per validator of each header (--gas auto by default).`,
		Example: `slushchaind parent-client light-block --parent-node tcp://10.0.0.1:26600 --height 812 --node tcp://127.0.0.1:26610 > a.json
slushchaind parent-client light-block --parent-node tcp://10.0.0.2:26600 --height 812 --node tcp://127.0.0.1:26610 > b.json
slushchaind tx tree submit-misbehaviour a.json b.json --from relayer --node tcp://127.0.0.1:26610 --yes`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			clientCtx, err := client.GetClientTxContext(cmd)
			if err != nil {
				return err
			}
			msg, err := MisbehaviourMsg(clientCtx.GetFromAddress().String(), args[0], args[1])
			if err != nil {
				return err
			}
			return tx.GenerateOrBroadcastTxCLI(clientCtx, cmd.Flags(), msg)
		},
	}
	flags.AddTxFlagsToCmd(cmd)
	for _, d := range [][2]string{
		{flags.FlagGas, flags.GasFlagAuto}, {flags.FlagGasAdjustment, fmt.Sprint(misbehaviourGasAdjustment)},
	} {
		f := cmd.Flags().Lookup(d[0])
		if err := f.Value.Set(d[1]); err != nil {
			panic(err) // a constant that does not parse is a programming error
		}
		f.DefValue = d[1]
	}
	return cmd
}

// MisbehaviourMsg reads two light-block files and builds the message sender submits, checked
// with ValidateBasic (no signature is verified here).
func MisbehaviourMsg(sender, file1, file2 string) (*types.MsgSubmitMisbehaviour, error) {
	msg := &types.MsgSubmitMisbehaviour{Sender: sender}
	for i, part := range []struct {
		file         string
		header, vals *[]byte
	}{{file1, &msg.Header1, &msg.ValidatorSet1}, {file2, &msg.Header2, &msg.ValidatorSet2}} {
		lb, err := readLightBlock(part.file)
		if err != nil {
			return nil, fmt.Errorf("light block %d: %w", i+1, err)
		}
		if *part.header, *part.vals, err = encodeLightBlock(lb); err != nil {
			return nil, fmt.Errorf("light block %d (%s): %w", i+1, part.file, err)
		}
	}
	if err := msg.ValidateBasic(); err != nil {
		return nil, err
	}
	return msg, nil
}

// readLightBlock decodes a CometBFT light block in JSON from file, bounded in size.
func readLightBlock(file string) (*cmttypes.LightBlock, error) {
	fi, err := os.Stat(file)
	if err != nil {
		return nil, err
	}
	// JSON carries header and set in hex and base64: bound it well above their binary caps
	if limit := int64(4 * (parentsync.MaxHeaderBytes + parentsync.MaxValidatorSetBytes)); fi.Size() > limit {
		return nil, fmt.Errorf("%s: %d bytes, max %d", file, fi.Size(), limit)
	}
	bz, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	var lb cmttypes.LightBlock
	if err := cmtjson.Unmarshal(bz, &lb); err != nil {
		return nil, fmt.Errorf("%s: not a CometBFT light block in JSON: %w", file, err)
	}
	if lb.SignedHeader == nil || lb.Header == nil || lb.Commit == nil || lb.ValidatorSet == nil {
		return nil, fmt.Errorf("%s: want signed_header (header and commit) and validator_set", file)
	}
	return &lb, nil
}

// encodeLightBlock is a light block's header and validator set in MsgSyncParent's encoding.
func encodeLightBlock(lb *cmttypes.LightBlock) (header, vals []byte, err error) {
	if header, err = lb.SignedHeader.ToProto().Marshal(); err != nil {
		return nil, nil, err
	}
	vp, err := lb.ValidatorSet.ToProto()
	if err != nil {
		return nil, nil, err
	}
	vals, err = vp.Marshal()
	return header, vals, err
}

// lightBlockCmd prints the parent's light block at a height: one side of a misbehaviour pair.
func lightBlockCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "light-block",
		Short: "Print a parent node's signed header and validator set at a height (evidence for submit-misbehaviour)",
		Long: `Fetches the signed header at --height (default: the latest) and the validator set that signed it
from --parent-node over CometBFT RPC, checks the block is of the parent this chain's live tree
identity names (over --node) and that its commit is for that header, and prints it as a CometBFT
light block in JSON. Run it against two parent nodes that serve different blocks at one height
and give both files to 'slushchaind tx tree submit-misbehaviour'.`,
		Example: `slushchaind parent-client light-block --parent-node tcp://10.0.0.1:26600 --height 812 --node tcp://127.0.0.1:26610 > a.json`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			parentNode, _ := cmd.Flags().GetString(flagParentNode)
			if parentNode == "" {
				return fmt.Errorf("--%s is required", flagParentNode)
			}
			height, _ := cmd.Flags().GetInt64(flagHeight)
			if height < 0 {
				return fmt.Errorf("--%s %d: must not be negative", flagHeight, height)
			}
			clientCtx, err := client.GetClientQueryContext(cmd)
			if err != nil {
				return err
			}
			if clientCtx.Client == nil {
				return fmt.Errorf("--%s (this chain's CometBFT RPC) is required", flags.FlagNode)
			}
			parentChainID, err := liveParentChainID(cmd.Context(), clientCtx.WithHeight(0))
			if err != nil {
				return err
			}
			ctx, cancel := context.WithTimeout(cmd.Context(), parentFetchTimeout)
			defer cancel()
			lb, err := rpcLightBlock(parentNode)(ctx, parentChainID, height)
			if err != nil {
				return err
			}
			bz, err := cmtjson.MarshalIndent(lb, "", "  ")
			if err != nil {
				return err
			}
			_, err = fmt.Fprintln(cmd.OutOrStdout(), string(bz))
			return err
		},
	}
	cmd.Flags().String(flagParentNode, "", "a parent node's CometBFT RPC address, tcp://host:port (required)")
	cmd.Flags().String(flags.FlagNode, "tcp://localhost:26657", "this chain's CometBFT RPC address, tcp://host:port")
	cmd.Flags().Int64(flagHeight, 0, "parent height (0: the latest)")
	return cmd
}
