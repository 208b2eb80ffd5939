// Package cli holds the hand-written x/validium commands; queries and txs come from autocli.
package cli

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/client/flags"
	"github.com/cosmos/cosmos-sdk/server"
	genutiltypes "github.com/cosmos/cosmos-sdk/x/genutil/types"

	"github.com/slush-tree/slush/x/validium/types"
)

const (
	flagParentChainID = "parent-chain-id"
	flagMaxChildren   = "max-children"
	flagMaxDepth      = "max-depth"
)

// SetTreeIdentityCmd places the chain in the tree by editing x/validium's genesis.
func SetTreeIdentityCmd(defaultNodeHome string) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "set-tree-identity [path]",
		Short: "Set this chain's place in the Slush tree in genesis.json",
		Long: `Set the path of this chain from the root (dash-separated child indices, e.g. "1-2";
"root" or "" for the root), its parent's chain-id and the tree limits.`,
		Example: "slushchaind genesis set-tree-identity 1-2 --parent-chain-id slush-1",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			clientCtx := client.GetClientContextFromCmd(cmd)
			genFile := server.GetServerContextFromCmd(cmd).Config.GenesisFile()
			path, err := ParsePath(args[0])
			if err != nil {
				return err
			}
			parent, _ := cmd.Flags().GetString(flagParentChainID)
			maxChildren, _ := cmd.Flags().GetUint32(flagMaxChildren)
			maxDepth, _ := cmd.Flags().GetUint32(flagMaxDepth)
			id := types.TreeIdentity{Path: path, ParentChainId: parent, MaxChildren: maxChildren, MaxDepth: maxDepth}
			if err := id.Validate(); err != nil {
				return err
			}
			return updateGenesis(clientCtx, genFile, func(gs *types.GenesisState) { gs.Identity = id })
		},
	}
	cmd.Flags().String(flags.FlagHome, defaultNodeHome, "The application home directory")
	cmd.Flags().String(flagParentChainID, "", "chain-id of the parent chain (empty for the root)")
	cmd.Flags().Uint32(flagMaxChildren, types.DefaultMaxChildren, "maximum number of children of this chain")
	cmd.Flags().Uint32(flagMaxDepth, types.MaxTreeDepth, "maximum depth of the tree")
	return cmd
}

// ParsePath parses "1-2-3" (or "root"/"" for the empty path) into child indices.
func ParsePath(s string) ([]uint32, error) {
	if s == "" || s == "root" {
		return []uint32{}, nil
	}
	parts := strings.Split(s, "-")
	path := make([]uint32, len(parts))
	for i, p := range parts {
		idx, err := strconv.ParseUint(p, 10, 8)
		if err != nil || idx == 0 {
			return nil, fmt.Errorf("path element %q: child indices are 1..%d", p, types.MaxChildIndex)
		}
		path[i] = uint32(idx)
	}
	return path, nil
}

// updateGenesis applies edit to x/validium's genesis state in genFile.
func updateGenesis(clientCtx client.Context, genFile string, edit func(*types.GenesisState)) error {
	appGenesis, err := genutiltypes.AppGenesisFromFile(genFile)
	if err != nil {
		return fmt.Errorf("failed to read genesis from %s: %w", genFile, err)
	}
	appState, err := genutiltypes.GenesisStateFromAppGenesis(appGenesis)
	if err != nil {
		return err
	}
	var gs types.GenesisState
	if err := clientCtx.Codec.UnmarshalJSON(appState[types.ModuleName], &gs); err != nil {
		return fmt.Errorf("failed to decode %s genesis: %w", types.ModuleName, err)
	}
	edit(&gs)
	if err := gs.Validate(); err != nil {
		return err
	}
	if appState[types.ModuleName], err = clientCtx.Codec.MarshalJSON(&gs); err != nil {
		return err
	}
	if appGenesis.AppState, err = json.MarshalIndent(appState, "", "  "); err != nil {
		return err
	}
	return appGenesis.SaveAs(genFile)
}
