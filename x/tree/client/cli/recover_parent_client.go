package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/client/flags"
	"github.com/cosmos/cosmos-sdk/codec"
	sdk "github.com/cosmos/cosmos-sdk/types"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"
	govtypes "github.com/cosmos/cosmos-sdk/x/gov/types"

	"github.com/slush-tree/slush/x/tree/types"
)

const (
	flagProposalDeposit = "deposit"
	flagProposalTitle   = "title"
	flagProposalSummary = "summary"
	// defaultRecoveryDeposit is the SDK's default minimum gov deposit.
	defaultRecoveryDeposit = "10000000stake"
)

// GovProposal is the proposal file 'slushchaind tx gov submit-proposal FILE' reads (the
// SDK v0.53 x/gov/client/cli parseSubmitProposal format).
type GovProposal struct {
	// Messages are the proposal's messages, each as Any JSON ("@type" and the message's fields).
	Messages []json.RawMessage `json:"messages"`
	// Metadata is the proposal's off-chain metadata (empty).
	Metadata string `json:"metadata"`
	// Deposit is the initial deposit, e.g. 10000000stake.
	Deposit string `json:"deposit"`
	// Title is the proposal's title.
	Title string `json:"title"`
	// Summary is the proposal's description.
	Summary string `json:"summary"`
	// Expedited asks for the expedited voting period (never: a recovery is a normal proposal).
	Expedited bool `json:"expedited"`
}

// ParentClientCmd groups the commands about the parent light client of a running chain.
func ParentClientCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:                        "parent-client",
		Short:                      "Parent light-client commands of a running chain (see genesis set-parent-client for genesis)",
		RunE:                       client.ValidateCmd,
		SuggestionsMinimumDistance: 2,
	}
	cmd.AddCommand(recoverParentClientProposalCmd(), lightBlockCmd())
	return cmd
}

// recoverParentClientProposalCmd prints the gov proposal of MsgRecoverParentClient for a restarted parent.
func recoverParentClientProposalCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "proposal",
		Short: "Print a gov proposal that replaces this chain's parent client (after the parent restarted)",
		Long: `Builds the governance proposal of x/tree MsgRecoverParentClient (DESIGN §9): after an
emergency re-election the parent chain restarts from an export under a new validator set, at
heights this chain's parent client already trusts a conflicting header for, so no parent sync
can follow it. The command reads the parent chain-id from this chain's live tree identity (over
--node), fetches the restarted parent's signed header at --height (default: its latest) and the
validator set that signed it over --parent-node, checks that +2/3 of that set signed it, and
prints the proposal JSON for 'slushchaind tx gov submit-proposal FILE'. The authority is the gov
module account. Whoever votes for it trusts the header it carries, as at genesis: check it
against a parent node you operate or trust. The chain re-checks the header when the proposal
executes: it must then still be within the trusting period (x/tree parent_sync params, 14
days by default) and not ahead of the block time by more than the max clock drift.`,
		Example: `slushchaind parent-client proposal --parent-node tcp://127.0.0.1:26600 --node tcp://127.0.0.1:26657 > recover.json
slushchaind tx gov submit-proposal recover.json --from alice`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			parentNode, _ := cmd.Flags().GetString(flagParentNode)
			if parentNode == "" {
				return fmt.Errorf("--%s is required", flagParentNode)
			}
			clientCtx, err := client.GetClientQueryContext(cmd)
			if err != nil {
				return err
			}
			if clientCtx.Client == nil {
				return fmt.Errorf("--%s (this chain's CometBFT RPC) is required", flags.FlagNode)
			}
			// --height is the parent's height here, never this chain's query height
			clientCtx = clientCtx.WithHeight(0)
			parentChainID, _ := cmd.Flags().GetString(flagParentChainID)
			if parentChainID == "" {
				if parentChainID, err = liveParentChainID(cmd.Context(), clientCtx); err != nil {
					return err
				}
			}
			p, err := recoveryProposal(cmd, clientCtx.Codec, parentChainID, rpcLightBlock(parentNode))
			if err != nil {
				return err
			}
			b, err := json.MarshalIndent(p, "", "  ")
			if err != nil {
				return err
			}
			_, err = fmt.Fprintln(cmd.OutOrStdout(), string(b))
			return err
		},
	}
	cmd.Flags().String(flagParentNode, "", "the restarted parent's CometBFT RPC address, tcp://host:port (required)")
	cmd.Flags().String(flags.FlagNode, "tcp://localhost:26657", "this chain's CometBFT RPC address, tcp://host:port")
	cmd.Flags().Int64(flagHeight, 0, "parent height to trust (0: the latest)")
	cmd.Flags().String(flagParentChainID, "", "the parent's chain-id (default: this chain's parent; a chain moving to a new parent "+
		"names it, and puts the printed client into its MsgMovePath, issue 20)")
	cmd.Flags().String(flagProposalDeposit, defaultRecoveryDeposit, "the proposal's initial deposit")
	cmd.Flags().String(flagProposalTitle, "", "the proposal's title (default: names the parent chain)")
	cmd.Flags().String(flagProposalSummary, "", "the proposal's summary (default: names the trusted header)")
	return cmd
}

// liveParentChainID reads the parent chain-id from the running chain's tree identity.
func liveParentChainID(ctx context.Context, clientCtx client.Context) (string, error) {
	res, err := types.NewQueryClient(clientCtx).TreeIdentity(ctx, &types.QueryTreeIdentityRequest{})
	if err != nil {
		return "", fmt.Errorf("this chain's tree identity at %s: %w", clientCtx.NodeURI, err)
	}
	if err := res.Identity.Validate(); err != nil {
		return "", err
	}
	if res.Identity.IsRoot() {
		return "", fmt.Errorf("this chain is the root of its tree: it has no parent client to recover")
	}
	return res.Identity.ParentChainId, nil
}

// recoveryProposal fetches the parent's light block and wraps the trusted state it establishes
// in a gov proposal of MsgRecoverParentClient signed by the gov module account.
func recoveryProposal(cmd *cobra.Command, cdc codec.Codec, parentChainID string, fetch parentLightBlockFetcher) (GovProposal, error) {
	height, _ := cmd.Flags().GetInt64(flagHeight)
	if height < 0 {
		return GovProposal{}, fmt.Errorf("--%s %d: must not be negative", flagHeight, height)
	}
	deposit, _ := cmd.Flags().GetString(flagProposalDeposit)
	coins, err := sdk.ParseCoinsNormalized(deposit)
	if err != nil {
		return GovProposal{}, fmt.Errorf("--%s %q: %w", flagProposalDeposit, deposit, err)
	}
	state, err := fetchParentState(cmd.Context(), fetch, parentChainID, height)
	if err != nil {
		return GovProposal{}, err
	}
	bz, err := state.Marshal()
	if err != nil {
		return GovProposal{}, err
	}
	msg := &types.MsgRecoverParentClient{
		Authority: authtypes.NewModuleAddress(govtypes.ModuleName).String(), Client: bz,
	}
	msgJSON, err := cdc.MarshalInterfaceJSON(msg)
	if err != nil {
		return GovProposal{}, err
	}
	title, _ := cmd.Flags().GetString(flagProposalTitle)
	if title == "" {
		title = fmt.Sprintf("Recover the parent client of %s", parentChainID)
	}
	summary, _ := cmd.Flags().GetString(flagProposalSummary)
	if summary == "" {
		summary = fmt.Sprintf("Trust the restarted parent %s at height %d (time %s, app hash %X, validators hash %X, %d validators) "+
			"as this chain's parent client (x/tree MsgRecoverParentClient).", state.ChainID, state.Height,
			state.Time.Format(time.RFC3339), state.AppHash, state.Validators.Hash(), state.Validators.Size())
	}
	return GovProposal{
		Messages: []json.RawMessage{msgJSON}, Deposit: coins.String(), Title: title, Summary: summary,
	}, nil
}
