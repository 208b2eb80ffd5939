// Package cli holds x/validium's hand-written commands (autocli serves the rest).
package cli

import (
	"crypto/sha256"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/cosmos/cosmos-sdk/client/flags"

	"github.com/slush-tree/slush/circuits/keys"
	"github.com/slush-tree/slush/internal/genesisfile"
	"github.com/slush-tree/slush/x/validium/types"
)

// SetLedgerKeysCmd pins the tree's ledger verifying keys in x/validium's genesis params, so a
// child can register only with them.
func SetLedgerKeysCmd(defaultNodeHome string) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "set-ledger-keys [ledger-vk-file] [ledger-transfer-vk-file]",
		Short: "Pin the tree's ledger verifying keys (x/validium ledger_key_hash, transfer_key_hash) in genesis.json",
		Long: `Sets x/validium's ledger_key_hash (and transfer_key_hash, when the transfer circuit's key
is given) to the SHA-256 of the keys from 'slushchaind circuits setup --circuit ledger' and
'--circuit ledger-transfer' (checked strictly first). A child can then register only with these
keys: without them a parent accepts any well-formed key, which lets a registering operator
choose a circuit that proves anything (development only; docs/THREAT-MODEL.md).`,
		Example: "slushchaind genesis set-ledger-keys keys/ledger.vk keys/ledger-transfer.vk",
		Args:    cobra.RangeArgs(1, 2),
		RunE: func(cmd *cobra.Command, args []string) error {
			hashes := make([][]byte, 2)
			for i, path := range args {
				vk, err := os.ReadFile(path)
				if err != nil {
					return err
				}
				if _, err := keys.CheckVerifyingKey(vk, types.UpdatePublicInputs); err != nil {
					return fmt.Errorf("%s: %w", path, err)
				}
				sum := sha256.Sum256(vk)
				hashes[i] = sum[:]
			}
			return genesisfile.Edit(cmd, types.ModuleName, func(gs *types.GenesisState) error {
				gs.Params.LedgerKeyHash, gs.Params.TransferKeyHash = hashes[0], hashes[1]
				return gs.Params.Validate()
			})
		},
	}
	cmd.Flags().String(flags.FlagHome, defaultNodeHome, "The application home directory")
	return cmd
}
