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
whose children have children needs the node step keys too: --node-ledger-key (from 'circuits
setup --circuit node-ledger-step --inner-key <ledger.vk>') and --node-child-key (from 'circuits
setup --circuit node-child-step --inner-key <leaf-step.vk>'), each checked as the leaf step key.
A grandchild that mints forced deposits of its parent moves by forced leaf steps (kind 9):
--leaf-forced-key (from 'circuits setup --circuit leaf-forced-step --inner-key <ledger.vk>'), and
one that has children by forced node ledger steps (kind 10): --node-ledger-forced-key (from
'circuits setup --circuit node-ledger-forced-step --inner-key <ledger.vk>'); without them such a
grandchild stops its parent's updates. A grandchild that pays exits of its own frozen children
moves by node ledger exit steps (kind 12): --node-ledger-exit-key (from 'circuits setup --circuit
node-ledger-exit-step --inner-key <ledger.vk>').`,
		Example: `slushchaind genesis set-subtree-proofs recursive keys/leaf-step.vk
slushchaind genesis set-subtree-proofs recursive keys/leaf-step.vk --leaf-forced-key keys/leaf-forced-step.vk --node-ledger-key keys/node-ledger-step.vk --node-ledger-forced-key keys/node-ledger-forced-step.vk --node-child-key keys/node-child-step.vk`,
		Args: cobra.RangeArgs(1, 2),
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
				if vk, err = readStepKey(args[1]); err != nil {
					return err
				}
			}
			flagged := make([][]byte, len(stepKeyFlags))
			for i, f := range stepKeyFlags {
				var err error
				if flagged[i], err = readStepKeyFlag(cmd, f.flag); err != nil {
					return err
				}
			}
			return genesisfile.Edit(cmd, types.ModuleName, func(gs *types.GenesisState) error {
				gs.Params.SubtreeProofs = mode
				if vk != nil {
					gs.Params.LeafStepKey = vk
				}
				for i, f := range stepKeyFlags {
					if flagged[i] != nil {
						*f.param(&gs.Params) = flagged[i]
					}
				}
				return gs.Params.Validate()
			})
		},
	}
	cmd.Flags().String(flags.FlagHome, defaultNodeHome, "The application home directory")
	for _, f := range stepKeyFlags {
		cmd.Flags().String(f.flag, "", f.usage)
	}
	return cmd
}

// stepKeyFlags are the flags of set-subtree-proofs that set a step kind's verifying key, each
// with the param it sets (the leaf step key is the command's second argument).
var stepKeyFlags = []struct {
	flag, usage string
	param       func(*types.Params) *[]byte
}{
	{"node-ledger-key", "node_ledger_step_key: the node ledger step's verifying key (step kind 3)",
		func(p *types.Params) *[]byte { return &p.NodeLedgerStepKey }},
	{"node-child-key", "node_child_step_key: the node child step's verifying key (step kind 4)",
		func(p *types.Params) *[]byte { return &p.NodeChildStepKey }},
	{"leaf-forced-key", "leaf_forced_step_key: the forced leaf step's verifying key (step kind 9)",
		func(p *types.Params) *[]byte { return &p.LeafForcedStepKey }},
	{"node-ledger-forced-key", "node_ledger_forced_step_key: the forced node ledger step's verifying key (step kind 10)",
		func(p *types.Params) *[]byte { return &p.NodeLedgerForcedStepKey }},
	{"node-child-forced-key", "node_child_forced_step_key: the forced node child step's verifying key (step kind 11)",
		func(p *types.Params) *[]byte { return &p.NodeChildForcedStepKey }},
	{"node-ledger-exit-key", "node_ledger_exit_step_key: the node ledger exit step's verifying key (step kind 12)",
		func(p *types.Params) *[]byte { return &p.NodeLedgerExitStepKey }},
}

// readStepKey reads a step circuit's verifying key, checked strictly (one public input, one
// commitment).
func readStepKey(path string) ([]byte, error) {
	vk, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if _, err := keys.CheckCommittedVerifyingKey(vk, types.StepPublicInputs); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return vk, nil
}

// readStepKeyFlag is readStepKey of the file a flag names (nil when the flag is not set).
func readStepKeyFlag(cmd *cobra.Command, flag string) ([]byte, error) {
	path, _ := cmd.Flags().GetString(flag)
	if path == "" {
		return nil, nil
	}
	vk, err := readStepKey(path)
	if err != nil {
		return nil, fmt.Errorf("--%s %w", flag, err)
	}
	return vk, nil
}
