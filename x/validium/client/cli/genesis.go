// Package cli holds the hand-written x/validium commands; queries and txs come from autocli.
package cli

import (
	"encoding/hex"
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
	// FlagOperatorKeyHash is set-tree-identity's flag for the chain's operator key hash.
	FlagOperatorKeyHash = "operator-key-hash"
)

// SetTreeIdentityCmd places the chain in the tree by editing x/validium's genesis.
func SetTreeIdentityCmd(defaultNodeHome string) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "set-tree-identity [path]",
		Short: "Set this chain's place in the Slush tree in genesis.json",
		Long: `Set the path of this chain from the root (dash-separated child indices, e.g. "1-2";
"root" or "" for the root), its parent's chain-id, the tree limits and the hash of the
operator key this chain's commitments carry (DESIGN §3; 'slushchaind operator-key show'
prints it). Without --operator-key-hash the commitments carry none, and no descendant of
this chain can report or vote in an emergency re-election (DESIGN §9).`,
		Example: `slushchaind genesis set-tree-identity 1-2 --parent-chain-id slush-1 \
  --operator-key-hash $(slushchaind operator-key show --seed op-1-2 --hash-only)`,
		Args: cobra.ExactArgs(1),
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
			keyHex, _ := cmd.Flags().GetString(FlagOperatorKeyHash)
			keyHash, err := ParseOperatorKeyHash(keyHex)
			if err != nil {
				return err
			}
			id := types.TreeIdentity{
				Path: path, ParentChainId: parent, MaxChildren: maxChildren, MaxDepth: maxDepth, OperatorKeyHash: keyHash,
			}
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
	cmd.Flags().String(FlagOperatorKeyHash, "", "hash of this chain's operator EdDSA key (hex, 32 bytes; empty: none)")
	return cmd
}

// ParseOperatorKeyHash reads an operator key hash given in hex: empty is none; anything else
// must be 32 bytes of a canonical, non-zero field element (DESIGN §3: reject, never reduce; a
// zero hash is no key, which is what leaving the flag out says).
func ParseOperatorKeyHash(s string) ([]byte, error) {
	if s == "" {
		return nil, nil
	}
	bz, err := hex.DecodeString(strings.TrimPrefix(s, "0x"))
	if err != nil {
		return nil, fmt.Errorf("operator key hash %q: not hex: %w", s, err)
	}
	if len(bz) != 32 {
		return nil, fmt.Errorf("operator key hash: %d bytes, want 32", len(bz))
	}
	e, err := types.DecodeOperatorKeyHash(bz)
	if err != nil {
		return nil, err
	}
	if e.IsZero() {
		return nil, fmt.Errorf("operator key hash is zero: leave the flag out for no operator key")
	}
	return bz, nil
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
