package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/cosmos/cosmos-sdk/client/flags"

	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/ledger"
	"github.com/slush-tree/slush/internal/genesisfile"
	"github.com/slush-tree/slush/x/ledger/types"
)

const (
	flagAccountDepth = "account-depth"
	flagOutboxDepth  = "outbox-depth"
	flagBatchSize    = "batch-size"
	flagClaimSlots   = "claim-slots"
	flagClaimDepth   = "claim-depth"
)

// AddParamsFlags adds the flags of a ledger shape (x/ledger Params), each usage prefixed with
// prefix: what set-ledger-params writes and what `circuits` compiles the ledger circuit for.
func AddParamsFlags(cmd *cobra.Command, prefix string) {
	d := ledger.DefaultParams
	cmd.Flags().Uint32(flagAccountDepth, uint32(d.AccountDepth), prefix+"depth of the accounts SMT")
	cmd.Flags().Uint32(flagOutboxDepth, uint32(d.OutboxDepth), prefix+"depth of the outbox accumulator (must be 20)")
	cmd.Flags().Uint32(flagBatchSize, uint32(d.BatchSize), prefix+"operations per proven batch")
	cmd.Flags().Uint32(flagClaimSlots, uint32(d.ClaimSlots), prefix+"claimed bridge-ins one batch proves")
	cmd.Flags().Uint32(flagClaimDepth, uint32(d.InclusionDepth),
		prefix+"deepest sender a claim section reaches (the inclusion key's --max-depth)")
}

// ReadParamsFlags reads the flags of AddParamsFlags as x/ledger params and validates them as
// genesis does, so a circuit compiled for them always fits a genesis.
func ReadParamsFlags(cmd *cobra.Command) (types.Params, error) {
	ad, _ := cmd.Flags().GetUint32(flagAccountDepth)
	od, _ := cmd.Flags().GetUint32(flagOutboxDepth)
	bs, _ := cmd.Flags().GetUint32(flagBatchSize)
	cs, _ := cmd.Flags().GetUint32(flagClaimSlots)
	if !cmd.Flags().Changed(flagClaimSlots) {
		cs = min(cs, bs) // a one-slot batch gets one claim section by default
	}
	cd, _ := cmd.Flags().GetUint32(flagClaimDepth)
	p := types.Params{AccountDepth: ad, OutboxDepth: od, BatchSize: bs, ClaimSlots: cs, InclusionDepth: cd}
	return p, p.Validate()
}

// SetLedgerParamsCmd sets the shape of this chain's own ledger in x/ledger's genesis.
func SetLedgerParamsCmd(defaultNodeHome string) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "set-ledger-params",
		Short: "Set the shape of this chain's own ledger (x/ledger params) in genesis.json",
		Long: `Sets x/ledger's params: the accounts SMT depth, the outbox depth (always 20, the
inclusion circuit's accumulator depth), the batch size, the claim sections per batch and their
depth (the inclusion key's max depth). The verifying key this chain is registered with on its
parent must come from 'slushchaind circuits setup --circuit ledger' at the same shape.`,
		Example: "slushchaind genesis set-ledger-params --account-depth 8 --batch-size 4",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			p, err := ReadParamsFlags(cmd)
			if err != nil {
				return err
			}
			return genesisfile.Edit(cmd, types.ModuleName, func(gs *types.GenesisState) error {
				if len(gs.Store) > 0 {
					return fmt.Errorf("genesis carries an exported ledger: its shape cannot change")
				}
				gs.Params = p
				return nil
			})
		},
	}
	cmd.Flags().String(flags.FlagHome, defaultNodeHome, "The application home directory")
	AddParamsFlags(cmd, "")
	return cmd
}

// AddLedgerDepositCmd funds a ledger account at genesis (x/ledger deposits).
func AddLedgerDepositCmd(defaultNodeHome string) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "add-ledger-deposit",
		Short: "Fund a ledger account at genesis (x/ledger deposits)",
		Long: `Appends a deposit to x/ledger's genesis: at InitGenesis the chain mints --amount of --asset to
the account of --owner (a logged bridge-in, which the chain's first proven batch includes).
Deposits fund a fresh ledger only.`,
		Example: "slushchaind genesis add-ledger-deposit --owner $(slushchaind ledger owner --seed alice) --asset 7 --amount 1000",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			owner, _ := cmd.Flags().GetString(flagOwner)
			ownerEl, err := parseHexElement(flagOwner, owner)
			if err != nil {
				return err
			}
			asset, err := requiredElement(cmd, flagAsset)
			if err != nil {
				return err
			}
			amount, err := requiredAmount(cmd)
			if err != nil {
				return err
			}
			return genesisfile.Edit(cmd, types.ModuleName, func(gs *types.GenesisState) error {
				gs.Deposits = append(gs.Deposits, types.GenesisDeposit{
					Recipient: hash.EncodeElement(ownerEl), AssetId: hash.EncodeElement(asset), Amount: amount,
				})
				return nil
			})
		},
	}
	cmd.Flags().String(flags.FlagHome, defaultNodeHome, "The application home directory")
	cmd.Flags().String(flagOwner, "", "owner hash, hex ('ledger owner') (required)")
	cmd.Flags().String(flagAsset, "", "asset id: a number, or 32 bytes in hex (required)")
	cmd.Flags().Uint64(flagAmount, 0, "amount minted (required, > 0)")
	return cmd
}
