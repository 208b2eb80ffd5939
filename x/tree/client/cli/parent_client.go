package cli

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"

	httpprovider "github.com/cometbft/cometbft/light/provider/http"
	cmttypes "github.com/cometbft/cometbft/types"
	"github.com/spf13/cobra"

	"github.com/cosmos/cosmos-sdk/client/flags"

	"github.com/slush-tree/slush/internal/genesisfile"
	"github.com/slush-tree/slush/internal/parentsync"
	"github.com/slush-tree/slush/x/tree/types"
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

// SetParentClientCmd writes the parent header this chain trusts into x/tree's genesis: the base
// every later MsgSyncParent verifies from.
func SetParentClientCmd(defaultNodeHome string) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "set-parent-client",
		Short: "Trust the parent chain's header at genesis (x/tree parent_client and parent_sync)",
		Long: `Fetches the parent's signed header at --height (default: its latest) and the validator
set that signed it over the parent node's CometBFT RPC, checks that +2/3 of that set signed it
and that it is the parent named by this chain's tree identity (genesis set-tree-identity
--parent-chain-id), and writes the light-client state into x/tree's genesis (DESIGN §5
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
	cmd.Flags().String(flags.FlagHome, defaultNodeHome, "The application home directory")
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
	err = genesisfile.Edit(cmd, types.ModuleName, func(gs *types.GenesisState) error {
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

// FetchParentState is the trusted state of the light block of chainID at height (0: the latest)
// fetched from its node over CometBFT RPC, checked as fetchParentState checks it: what a client
// of that chain starts from (x/tree genesis parent_client, MsgRecoverParentClient, MsgMovePath).
func FetchParentState(ctx context.Context, node, chainID string, height int64) (parentsync.TrustedState, error) {
	return fetchParentState(ctx, rpcLightBlock(node), chainID, height)
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
	_, appState, err := genesisfile.Read(cmd)
	if err != nil {
		return "", err
	}
	var tgs types.GenesisState
	if err := genesisfile.Decode(cmd, appState, types.ModuleName, &tgs); err != nil {
		return "", err
	}
	if err := tgs.Identity.Validate(); err != nil {
		return "", err
	}
	if len(tgs.Identity.Path) == 0 {
		return "", fmt.Errorf("this chain is the root of its tree: it has no parent to trust")
	}
	return tgs.Identity.ParentChainId, nil
}
