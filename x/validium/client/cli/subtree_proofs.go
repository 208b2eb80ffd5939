package cli

import (
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/cosmos/cosmos-sdk/client/flags"

	"github.com/slush-tree/slush/circuits/keys"
	"github.com/slush-tree/slush/internal/genesisfile"
	"github.com/slush-tree/slush/x/validium/types"
)

// SetSubtreeProofsCmd sets what a chain requires of its children's children roots (x/validium
// subtree_proofs and leaf_step_key) in genesis: production genesis runs RECURSIVE (issue 16).
func SetSubtreeProofsCmd(defaultNodeHome string) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "set-subtree-proofs [attested|recursive] [leaf-step-vk-file]",
		Short: "Set x/validium's subtree proof mode, and the leaf step key it verifies with, in genesis.json",
		Long: `RECURSIVE requires of every child's update the leaf step proofs that move its children
root, proven commitments in its finalized children root and an acceptance report its proven
grandchildren account for, and empty genesis roots at registration (docs/PROTOCOL.md "Validity
all the way up"). It needs the leaf step's verifying key, from 'slushchaind circuits setup
--circuit leaf-step --inner-key <ledger.vk>' (checked strictly: one public input, one
commitment). ATTESTED, the default, believes children about their children: it proves less than
the protocol requires and the chain logs so. The relayer proves the leaf steps when its keys_dir
holds leaf-step.pk/.vk (scripts/localnet.sh up --recursive); under a RECURSIVE parent a chain
whose children have children still cannot update (node steps are not built).`,
		Example: "slushchaind genesis set-subtree-proofs recursive keys/leaf-step.vk",
		Args:    cobra.RangeArgs(1, 2),
		RunE: func(cmd *cobra.Command, args []string) error {
			mode, ok := map[string]types.SubtreeProofs{
				"attested": types.SubtreeProofs_SUBTREE_PROOFS_ATTESTED, "recursive": types.SubtreeProofs_SUBTREE_PROOFS_RECURSIVE,
			}[strings.ToLower(args[0])]
			if !ok {
				return fmt.Errorf("mode %q: want attested or recursive", args[0])
			}
			var vk []byte
			if len(args) == 2 {
				var err error
				if vk, err = os.ReadFile(args[1]); err != nil {
					return err
				}
				if _, err := keys.CheckCommittedVerifyingKey(vk, types.StepPublicInputs); err != nil {
					return fmt.Errorf("%s: %w", args[1], err)
				}
			}
			return genesisfile.Edit(cmd, types.ModuleName, func(gs *types.GenesisState) error {
				gs.Params.SubtreeProofs = mode
				if vk != nil {
					gs.Params.LeafStepKey = vk
				}
				return gs.Params.Validate()
			})
		},
	}
	cmd.Flags().String(flags.FlagHome, defaultNodeHome, "The application home directory")
	return cmd
}
