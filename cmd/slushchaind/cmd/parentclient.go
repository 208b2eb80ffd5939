package cmd

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"

	httpprovider "github.com/cometbft/cometbft/light/provider/http"
	cmttypes "github.com/cometbft/cometbft/types"
	"github.com/spf13/cobra"

	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/client/flags"
	"github.com/cosmos/cosmos-sdk/codec"
	"github.com/cosmos/cosmos-sdk/server"
	sdk "github.com/cosmos/cosmos-sdk/types"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"
	genutiltypes "github.com/cosmos/cosmos-sdk/x/genutil/types"
	govtypes "github.com/cosmos/cosmos-sdk/x/gov/types"

	"github.com/slush-tree/slush/internal/parentsync"
	bridgetypes "github.com/slush-tree/slush/x/bridge/types"
	validiumtypes "github.com/slush-tree/slush/x/validium/types"
)

const (
	flagParentNode     = "parent-node"
	flagHeight         = "height"
	flagMaxClockDrift  = "max-clock-drift"
	flagTrustingPeriod = "trusting-period"
	// parentFetchTimeout bounds the whole fetch of the parent's header and validator set.
	parentFetchTimeout = 30 * time.Second
)

// ParentClientInfo is what set-parent-client wrote: the parent header this chain trusts.
type ParentClientInfo struct {
	// ChainID is the parent's chain-id.
	ChainID string `json:"chain_id"`
	// Height is the trusted parent height.
	Height int64 `json:"height"`
	// Time is the trusted header's time (RFC 3339, UTC).
	Time string `json:"time"`
	// AppHash is the trusted header's app hash (hex).
	AppHash string `json:"app_hash"`
	// Validators is the size of the trusted validator set.
	Validators int `json:"validators"`
	// TrustingPeriodSeconds and MaxClockDriftSeconds are the light-client parameters written.
	TrustingPeriodSeconds uint64 `json:"trusting_period_seconds"`
	// MaxClockDriftSeconds is how far a parent header may run ahead of this chain's block time.
	MaxClockDriftSeconds uint64 `json:"max_clock_drift_seconds"`
}

// parentLightBlockFetcher fetches a parent light block (signed header + validator set) at a
// height (0: latest). The CometBFT light-client HTTP provider is the production one.
type parentLightBlockFetcher func(ctx context.Context, chainID string, height int64) (*cmttypes.LightBlock, error)

// rpcLightBlock fetches over the parent node's CometBFT RPC (/commit and /validators), with
// the light provider's chain-id, height and header/commit consistency checks.
func rpcLightBlock(node string) parentLightBlockFetcher {
	return func(ctx context.Context, chainID string, height int64) (*cmttypes.LightBlock, error) {
		p, err := httpprovider.New(chainID, node)
		if err != nil {
			return nil, err
		}
		lb, err := p.LightBlock(ctx, height)
		if err != nil {
			return nil, fmt.Errorf("parent %s at %s, height %d: %w", chainID, node, height, err)
		}
		return lb, nil
	}
}

func setParentClientCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "set-parent-client",
		Short: "Trust the parent chain's header at genesis (x/bridge parent_client and parent_sync)",
		Long: `Fetches the parent's signed header at --height (default: its latest) and the validator
set that signed it over the parent node's CometBFT RPC, checks that +2/3 of that set signed it
and that it is the parent named by this chain's tree identity (genesis set-tree-identity
--parent-chain-id), and writes the light-client state into x/bridge's genesis (DESIGN §5
downward flow: MsgSyncParent verifies every later parent header from here). Whoever runs this
command trusts the node it asks: use a parent node you operate or trust.

--trusting-period MUST stay below the parent's unbonding period (the SDK default is 21 days);
--max-clock-drift is how far a parent header may be ahead of this chain's block time. Both are
whole seconds. The header must still be within the trusting period now.`,
		Example: "slushchaind genesis set-parent-client --parent-node tcp://127.0.0.1:26600",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			node, _ := cmd.Flags().GetString(flagParentNode)
			if node == "" {
				return fmt.Errorf("--%s is required", flagParentNode)
			}
			info, err := setParentClient(cmd, rpcLightBlock(node), time.Now())
			if err != nil {
				return err
			}
			b, err := json.MarshalIndent(info, "", "  ")
			if err != nil {
				return err
			}
			fmt.Fprintln(cmd.OutOrStdout(), string(b))
			return nil
		},
	}
	cmd.Flags().String(flagParentNode, "", "the parent's CometBFT RPC address, tcp://host:port (required)")
	cmd.Flags().Int64(flagHeight, 0, "parent height to trust (0: the latest)")
	cmd.Flags().Duration(flagMaxClockDrift, parentsync.DefaultParams().MaxClockDrift, "how far a parent header may be ahead of this chain's block time")
	cmd.Flags().Duration(flagTrustingPeriod, parentsync.DefaultParams().TrustingPeriod, "how long a verified parent header stays a base for the next (below the parent's unbonding period)")
	return cmd
}

// wholeSeconds converts a duration flag to whole seconds, refusing fractions and negatives.
func wholeSeconds(name string, d time.Duration) (uint64, error) {
	if d < 0 || d%time.Second != 0 {
		return 0, fmt.Errorf("--%s %s: must be a whole number of seconds, not negative", name, d)
	}
	return uint64(d / time.Second), nil
}

// setParentClient fetches the parent light block and writes the trusted state and the
// light-client parameters into the genesis of the command's home. now is the wall clock used
// only to refuse a header already outside the trusting period.
func setParentClient(cmd *cobra.Command, fetch parentLightBlockFetcher, now time.Time) (ParentClientInfo, error) {
	height, _ := cmd.Flags().GetInt64(flagHeight)
	if height < 0 {
		return ParentClientInfo{}, fmt.Errorf("--%s %d: must not be negative", flagHeight, height)
	}
	drift, _ := cmd.Flags().GetDuration(flagMaxClockDrift)
	trusting, _ := cmd.Flags().GetDuration(flagTrustingPeriod)
	driftSec, err := wholeSeconds(flagMaxClockDrift, drift)
	if err != nil {
		return ParentClientInfo{}, err
	}
	trustSec, err := wholeSeconds(flagTrustingPeriod, trusting)
	if err != nil {
		return ParentClientInfo{}, err
	}
	parentChainID, err := genesisParentChainID(cmd)
	if err != nil {
		return ParentClientInfo{}, err
	}
	state, err := fetchParentState(cmd.Context(), fetch, parentChainID, height)
	if err != nil {
		return ParentClientInfo{}, err
	}
	if expires := state.Time.Add(trusting); !expires.After(now) {
		return ParentClientInfo{}, fmt.Errorf("parent header at height %d (%s) is already outside the trusting period %s", state.Height, state.Time.Format(time.RFC3339), trusting)
	}
	bz, err := state.Marshal()
	if err != nil {
		return ParentClientInfo{}, err
	}
	err = editBridgeGenesis(cmd, func(gs *bridgetypes.GenesisState) error {
		gs.ParentClient = bz
		gs.ParentSync.TrustingPeriodSeconds = trustSec
		gs.ParentSync.MaxClockDriftSeconds = driftSec
		return nil
	})
	if err != nil {
		return ParentClientInfo{}, err
	}
	return ParentClientInfo{
		ChainID: state.ChainID, Height: state.Height, Time: state.Time.Format(time.RFC3339Nano),
		AppHash: hex.EncodeToString(state.AppHash), Validators: state.Validators.Size(),
		TrustingPeriodSeconds: trustSec, MaxClockDriftSeconds: driftSec,
	}, nil
}

// fetchParentState fetches the parent light block at height (0: the latest) and builds the
// trusted state from it: the block must be of parentChainID, at the height asked, and signed by
// +2/3 of the validator set served with it.
func fetchParentState(ctx context.Context, fetch parentLightBlockFetcher, parentChainID string, height int64) (parentsync.TrustedState, error) {
	ctx, cancel := context.WithTimeout(ctx, parentFetchTimeout)
	defer cancel()
	lb, err := fetch(ctx, parentChainID, height)
	if err != nil {
		return parentsync.TrustedState{}, err
	}
	if lb == nil || lb.SignedHeader == nil || lb.Header == nil {
		return parentsync.TrustedState{}, fmt.Errorf("parent %s returned an empty light block", parentChainID)
	}
	if lb.ChainID != parentChainID {
		return parentsync.TrustedState{}, fmt.Errorf("parent node serves chain %q, this chain's parent is %q", lb.ChainID, parentChainID)
	}
	if height != 0 && lb.Height != height {
		return parentsync.TrustedState{}, fmt.Errorf("parent answered height %d for height %d", lb.Height, height)
	}
	return parentsync.NewTrustedState(lb.SignedHeader, lb.ValidatorSet)
}

// genesisParentChainID reads the parent chain-id from this chain's tree identity in genesis.
func genesisParentChainID(cmd *cobra.Command) (string, error) {
	clientCtx := client.GetClientContextFromCmd(cmd)
	genFile := server.GetServerContextFromCmd(cmd).Config.GenesisFile()
	appState, _, err := genutiltypes.GenesisStateFromGenFile(genFile)
	if err != nil {
		return "", fmt.Errorf("failed to read genesis from %s: %w", genFile, err)
	}
	var vgs validiumtypes.GenesisState
	if err := clientCtx.Codec.UnmarshalJSON(appState[validiumtypes.ModuleName], &vgs); err != nil {
		return "", fmt.Errorf("failed to decode %s genesis: %w", validiumtypes.ModuleName, err)
	}
	if err := vgs.Identity.Validate(); err != nil {
		return "", err
	}
	if len(vgs.Identity.Path) == 0 {
		return "", fmt.Errorf("this chain is the root of its tree: it has no parent to trust")
	}
	return vgs.Identity.ParentChainId, nil
}

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

// parentClientCommand groups the commands about the parent light client of a running chain.
func parentClientCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:                        "parent-client",
		Short:                      "Parent light-client commands of a running chain (see genesis set-parent-client for genesis)",
		RunE:                       client.ValidateCmd,
		SuggestionsMinimumDistance: 2,
	}
	cmd.AddCommand(recoverParentClientProposalCmd())
	return cmd
}

func recoverParentClientProposalCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "proposal",
		Short: "Print a gov proposal that replaces this chain's parent client (after the parent restarted)",
		Long: `Builds the governance proposal of x/bridge MsgRecoverParentClient (DESIGN §9): after an
emergency re-election the parent chain restarts from an export under a new validator set, at
heights this chain's parent client already trusts a conflicting header for, so no parent sync
can follow it. The command reads the parent chain-id from this chain's live tree identity (over
--node), fetches the restarted parent's signed header at --height (default: its latest) and the
validator set that signed it over --parent-node, checks that +2/3 of that set signed it, and
prints the proposal JSON for 'slushchaind tx gov submit-proposal FILE'. The authority is the gov
module account. Whoever votes for it trusts the header it carries, as at genesis: check it
against a parent node you operate or trust. The chain re-checks the header when the proposal
executes: it must then still be within the trusting period (x/bridge parent_sync params, 14
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
			parentChainID, err := liveParentChainID(cmd.Context(), clientCtx)
			if err != nil {
				return err
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
	cmd.Flags().String(flagProposalDeposit, defaultRecoveryDeposit, "the proposal's initial deposit")
	cmd.Flags().String(flagProposalTitle, "", "the proposal's title (default: names the parent chain)")
	cmd.Flags().String(flagProposalSummary, "", "the proposal's summary (default: names the trusted header)")
	return cmd
}

// liveParentChainID reads the parent chain-id from the running chain's tree identity.
func liveParentChainID(ctx context.Context, clientCtx client.Context) (string, error) {
	res, err := validiumtypes.NewQueryClient(clientCtx).TreeIdentity(ctx, &validiumtypes.QueryTreeIdentityRequest{})
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
	msg := &bridgetypes.MsgRecoverParentClient{
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
			"as this chain's parent client (x/bridge MsgRecoverParentClient).", state.ChainID, state.Height,
			state.Time.Format(time.RFC3339), state.AppHash, state.Validators.Hash(), state.Validators.Size())
	}
	return GovProposal{
		Messages: []json.RawMessage{msgJSON}, Deposit: coins.String(), Title: title, Summary: summary,
	}, nil
}
