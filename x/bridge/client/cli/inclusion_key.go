package cli

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/cosmos/cosmos-sdk/client/flags"

	"github.com/slush-tree/slush/circuits/keys"
	"github.com/slush-tree/slush/internal/genesisfile"
	"github.com/slush-tree/slush/x/bridge/types"
)

const flagMaxDepth = "max-depth"

// SetInclusionKeyCmd sets the inclusion circuit's verifying key in x/bridge's genesis.
func SetInclusionKeyCmd(defaultNodeHome string) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "set-inclusion-key [verifying-key-file]",
		Short: "Set the bridge inclusion circuit's verifying key (x/bridge inclusion_params) in genesis.json",
		Long: `Sets x/bridge's inclusion_params: the inclusion circuit's verifying key (from
'slushchaind circuits setup --circuit inclusion', checked strictly) and the circuit's maximum
source depth. Every chain of a tree must carry the same key to accept each other's claims.`,
		Example: "slushchaind genesis set-inclusion-key keys/inclusion.vk --max-depth 2",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			vk, err := os.ReadFile(args[0])
			if err != nil {
				return err
			}
			if _, err := keys.CheckVerifyingKey(vk, types.InclusionPublicInputs); err != nil {
				return err
			}
			depth, _ := cmd.Flags().GetUint32(flagMaxDepth)
			if depth == 0 {
				return fmt.Errorf("--%s must be at least 1", flagMaxDepth)
			}
			return genesisfile.Edit(cmd, types.ModuleName, func(gs *types.GenesisState) error {
				gs.InclusionParams = types.InclusionParams{VerifyingKey: vk, MaxDepth: depth}
				return nil
			})
		},
	}
	cmd.Flags().String(flags.FlagHome, defaultNodeHome, "The application home directory")
	cmd.Flags().Uint32(flagMaxDepth, 0, "maximum source depth the key's circuit was compiled for (required)")
	return cmd
}
