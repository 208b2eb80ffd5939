package cmd

import (
	"encoding/hex"
	"encoding/json"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/internal/operatorkey"
	electiontypes "github.com/slush-tree/slush/x/election/types"
)

const flagOperatorHashOnly = "hash-only"

// operatorKeyInfo is what `operator-key show` prints.
type operatorKeyInfo struct {
	// PublicKey is the compressed BabyJubJub public key (hex, 32 bytes).
	PublicKey string `json:"public_key"`
	// OperatorKeyHash is x/election's OperatorKeyHash of it (hex, 32 bytes): what a chain's
	// tree identity and its parent's child record carry.
	OperatorKeyHash string `json:"operator_key_hash"`
}

// operatorKeyCommand groups the operator-key tools: the EdDSA key a validium binds into its
// commitments and signs withholding reports and emergency votes with (DESIGN §3, §9).
func operatorKeyCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "operator-key",
		Short: "The operator EdDSA (BabyJubJub) key a chain's commitments carry and its election messages are signed with",
		RunE:  func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	cmd.AddCommand(operatorKeyShowCmd())
	return cmd
}

// operatorKeyShowCmd prints a key's public key and operator key hash.
func operatorKeyShowCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "show",
		Short: "Print the public key and operator key hash of the key of --seed or --key-file",
		Long: `Print the operator key's public key and its operator key hash (hex) as JSON, or only the
hash with --hash-only. The key is derived from a seed (ledger.KeyFromSeed): --seed gives it on
the command line (development), --key-file reads it from a file (surrounding whitespace
trimmed), e.g. one made with 'head -c 32 /dev/urandom | xxd -p > operator.key'. The key is
exactly as secret as the seed.

The hash goes into 'genesis set-tree-identity --operator-key-hash' of the chain and into
'tx validium register-child --operator-key-hash' on its parent.`,
		Example: `slushchaind operator-key show --seed op-1-2
slushchaind genesis set-tree-identity 1-2 --parent-chain-id slush-1 \
  --operator-key-hash $(slushchaind operator-key show --key-file operator.key --hash-only)`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			key, err := operatorkey.Load(cmd)
			if err != nil {
				return err
			}
			info := operatorKeyInfo{
				PublicKey:       hex.EncodeToString(key.PublicKey.Bytes()),
				OperatorKeyHash: hex.EncodeToString(hash.EncodeElement(electiontypes.OperatorKeyHash(key.PublicKey))),
			}
			if only, _ := cmd.Flags().GetBool(flagOperatorHashOnly); only {
				_, err := fmt.Fprintln(cmd.OutOrStdout(), info.OperatorKeyHash)
				return err
			}
			bz, err := json.Marshal(info)
			if err != nil {
				return err
			}
			_, err = fmt.Fprintln(cmd.OutOrStdout(), string(bz))
			return err
		},
	}
	operatorkey.AddFlags(cmd)
	cmd.Flags().Bool(flagOperatorHashOnly, false, "print only the operator key hash (hex)")
	return cmd
}
