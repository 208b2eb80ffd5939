package cli

import (
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/cosmos/cosmos-sdk/client/flags"

	"github.com/slush-tree/slush/internal/genesisfile"
	slushtypes "github.com/slush-tree/slush/types"
	"github.com/slush-tree/slush/x/tree/types"
)

const (
	flagParentChainID = "parent-chain-id"
	flagMaxChildren   = "max-children"
	flagMaxDepth      = "max-depth"
	// FlagOperatorKeyHash is set-tree-identity's flag for the chain's operator key hash.
	FlagOperatorKeyHash = "operator-key-hash"
)

// SetTreeIdentityCmd places the chain in the tree by editing x/tree's genesis.
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
			path, err := slushtypes.ParsePath(args[0])
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
				Path: path.Indices(), ParentChainId: parent, MaxChildren: maxChildren, MaxDepth: maxDepth, OperatorKeyHash: keyHash,
			}
			if err := id.Validate(); err != nil {
				return err
			}
			return genesisfile.Edit(cmd, types.ModuleName, func(gs *types.GenesisState) error {
				gs.Identity = id
				return nil
			})
		},
	}
	cmd.Flags().String(flags.FlagHome, defaultNodeHome, "The application home directory")
	cmd.Flags().String(flagParentChainID, "", "chain-id of the parent chain (empty for the root)")
	cmd.Flags().Uint32(flagMaxChildren, types.DefaultMaxChildren, "maximum number of children of this chain")
	cmd.Flags().Uint32(flagMaxDepth, slushtypes.MaxDepth, "maximum depth of the tree")
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
	e, err := slushtypes.DecodeOperatorKeyHash(bz)
	if err != nil {
		return nil, err
	}
	if e.IsZero() {
		return nil, fmt.Errorf("operator key hash is zero: leave the flag out for no operator key")
	}
	return bz, nil
}
