package cmd

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"strings"

	"github.com/cosmos/gogoproto/proto"
	"github.com/spf13/cobra"

	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/client/flags"
	"github.com/cosmos/cosmos-sdk/server"
	genutiltypes "github.com/cosmos/cosmos-sdk/x/genutil/types"

	"github.com/slush-tree/slush/circuits/commitment"
	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/keys"
	"github.com/slush-tree/slush/circuits/ledger"
	"github.com/slush-tree/slush/circuits/smt"
	bridgetypes "github.com/slush-tree/slush/x/bridge/types"
	validiumtypes "github.com/slush-tree/slush/x/validium/types"
)

// slushGenesisCommands are the genesis editors for the bridge's circuit parameters, its
// parent light client and ledger deposits, and the reader of what a parent needs to register
// this chain; they join `slushchaind genesis`.
func slushGenesisCommands(defaultNodeHome string) []*cobra.Command {
	cmds := []*cobra.Command{
		setLedgerParamsCmd(), setInclusionKeyCmd(), registrationInfoCmd(),
		setParentClientCmd(), addLedgerDepositCmd(),
	}
	for _, c := range cmds {
		c.Flags().String(flags.FlagHome, defaultNodeHome, "The application home directory")
	}
	return cmds
}

func setLedgerParamsCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "set-ledger-params",
		Short: "Set the shape of this chain's own ledger (x/bridge ledger_params) in genesis.json",
		Long: `Sets x/bridge's ledger_params: the accounts SMT depth, the outbox depth (always 20, the
inclusion circuit's accumulator depth), the batch size, the claim sections per batch and their
depth (the inclusion key's max depth). The verifying key this chain is registered with on its
parent must come from 'slushchaind circuits setup --circuit ledger' at the same shape.`,
		Example: "slushchaind genesis set-ledger-params --account-depth 8 --batch-size 4",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			lp, err := readLedgerParams(cmd)
			if err != nil {
				return err
			}
			return editBridgeGenesis(cmd, func(gs *bridgetypes.GenesisState) error {
				if len(gs.LedgerStore) > 0 {
					return fmt.Errorf("genesis carries an exported ledger: its shape cannot change")
				}
				gs.LedgerParams = lp
				return nil
			})
		},
	}
	cmd.Flags().Uint32(flagAccountDepth, uint32(ledger.DefaultParams.AccountDepth), "depth of the accounts SMT")
	cmd.Flags().Uint32(flagOutboxDepth, uint32(ledger.DefaultParams.OutboxDepth), "depth of the outbox accumulator (must be 20)")
	cmd.Flags().Uint32(flagBatchSize, uint32(ledger.DefaultParams.BatchSize), "operations per proven batch")
	addClaimFlags(cmd, "")
	return cmd
}

func setInclusionKeyCmd() *cobra.Command {
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
			if _, err := keys.CheckVerifyingKey(vk, bridgetypes.InclusionPublicInputs); err != nil {
				return err
			}
			depth, _ := cmd.Flags().GetUint32(flagMaxDepth)
			if depth == 0 {
				return fmt.Errorf("--%s must be at least 1", flagMaxDepth)
			}
			return editBridgeGenesis(cmd, func(gs *bridgetypes.GenesisState) error {
				gs.InclusionParams = bridgetypes.InclusionParams{VerifyingKey: vk, MaxDepth: depth}
				return nil
			})
		},
	}
	cmd.Flags().Uint32(flagMaxDepth, 0, "maximum source depth the key's circuit was compiled for (required)")
	return cmd
}

// RegistrationInfo is what a parent needs to register this chain (MsgRegisterChild), read
// from this chain's genesis. Field elements are canonical 32-byte big-endian hex.
type RegistrationInfo struct {
	// ChainID is the chain's chain-id.
	ChainID string `json:"chain_id"`
	// Path is the chain's dash-separated path ("root" for the root).
	Path string `json:"path"`
	// ParentChainID is the chain's parent (empty at the root).
	ParentChainID string `json:"parent_chain_id"`
	// ChildIndex is the index the parent must assign (the path's last element; 0 at the root).
	ChildIndex uint32 `json:"child_index"`
	// Vid is the path packed into a field element.
	Vid string `json:"vid"`
	// LedgerParams is the ledger shape; the registered verifying key must be for it.
	LedgerParams bridgetypes.LedgerParams `json:"ledger_params"`
	// GenesisLedgerRoot is the genesis ledger's root, funded by the genesis deposits: the first
	// proven batch starts there, and registering it accepts that initial supply.
	GenesisLedgerRoot string `json:"genesis_ledger_root"`
	// GenesisOutboxRoot is the empty outbox's root.
	GenesisOutboxRoot string `json:"genesis_outbox_root"`
	// GenesisReceiptRoot is the empty receipt tree's root.
	GenesisReceiptRoot string `json:"genesis_receipt_root"`
	// GenesisSupply is the sum of the genesis deposits (any asset), for the registering parent to see.
	GenesisSupply uint64 `json:"genesis_supply"`
	// OperatorKeyHash is the tree identity's operator key hash (empty if none).
	OperatorKeyHash string `json:"operator_key_hash"`
}

func registrationInfoCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "registration-info",
		Short: "Print, from genesis.json, what this chain's parent needs to register it (JSON)",
		Long: `Reads this chain's tree identity and ledger shape from genesis.json and prints the
genesis ledger (funded by its genesis deposits), outbox and receipt roots, its vid and the child
index its parent must assign. Use them with 'slushchaind tx validium register-child' on the
parent: registering the ledger root accepts the genesis supply it carries.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			info, err := readRegistrationInfo(cmd)
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
}

// readRegistrationInfo computes RegistrationInfo from the genesis file of the command's home.
func readRegistrationInfo(cmd *cobra.Command) (RegistrationInfo, error) {
	clientCtx := client.GetClientContextFromCmd(cmd)
	genFile := server.GetServerContextFromCmd(cmd).Config.GenesisFile()
	appGenesis, err := genutiltypes.AppGenesisFromFile(genFile)
	if err != nil {
		return RegistrationInfo{}, fmt.Errorf("failed to read genesis from %s: %w", genFile, err)
	}
	appState, err := genutiltypes.GenesisStateFromAppGenesis(appGenesis)
	if err != nil {
		return RegistrationInfo{}, err
	}
	var vgs validiumtypes.GenesisState
	if err := clientCtx.Codec.UnmarshalJSON(appState[validiumtypes.ModuleName], &vgs); err != nil {
		return RegistrationInfo{}, fmt.Errorf("failed to decode %s genesis: %w", validiumtypes.ModuleName, err)
	}
	var bgs bridgetypes.GenesisState
	if err := clientCtx.Codec.UnmarshalJSON(appState[bridgetypes.ModuleName], &bgs); err != nil {
		return RegistrationInfo{}, fmt.Errorf("failed to decode %s genesis: %w", bridgetypes.ModuleName, err)
	}
	if err := bgs.LedgerParams.Validate(); err != nil {
		return RegistrationInfo{}, err
	}
	if len(bgs.LedgerStore) > 0 {
		return RegistrationInfo{}, fmt.Errorf("genesis carries an exported ledger, not a fresh one: read the registered child's roots from its parent")
	}
	id := vgs.Identity
	if err := id.Validate(); err != nil {
		return RegistrationInfo{}, err
	}
	vid, err := commitment.PackVid(pathBytes(id.Path))
	if err != nil {
		return RegistrationInfo{}, err
	}
	funded, err := ledger.NewState(smt.NewMemStore(), vid, bgs.LedgerParams.Ledger())
	if err != nil {
		return RegistrationInfo{}, err
	}
	if err := bridgetypes.FundLedger(funded, bgs.Deposits); err != nil {
		return RegistrationInfo{}, err
	}
	ledgerRoot, err := funded.Root()
	if err != nil {
		return RegistrationInfo{}, err
	}
	outboxRoot, err := funded.OutboxRoot()
	if err != nil {
		return RegistrationInfo{}, err
	}
	receiptRoot, err := funded.ReceiptRoot()
	if err != nil {
		return RegistrationInfo{}, err
	}
	var supply uint64
	for _, d := range bgs.Deposits {
		supply += d.Amount
	}
	info := RegistrationInfo{
		ChainID:            appGenesis.ChainID,
		Path:               pathString(id.Path),
		ParentChainID:      id.ParentChainId,
		Vid:                hex.EncodeToString(hash.EncodeElement(vid)),
		LedgerParams:       bgs.LedgerParams,
		GenesisLedgerRoot:  hex.EncodeToString(hash.EncodeElement(ledgerRoot)),
		GenesisOutboxRoot:  hex.EncodeToString(hash.EncodeElement(outboxRoot)),
		GenesisReceiptRoot: hex.EncodeToString(hash.EncodeElement(receiptRoot)),
		GenesisSupply:      supply,
		OperatorKeyHash:    hex.EncodeToString(id.OperatorKeyHash),
	}
	if n := len(id.Path); n > 0 {
		info.ChildIndex = id.Path[n-1]
	}
	return info, nil
}

// pathString is the dash-separated form of a path ("root" for the empty path).
func pathString(path []uint32) string {
	if len(path) == 0 {
		return "root"
	}
	parts := make([]string, len(path))
	for i, idx := range path {
		parts[i] = fmt.Sprint(idx)
	}
	return strings.Join(parts, "-")
}

// editBridgeGenesis applies edit to x/bridge's genesis state and validates the result.
func editBridgeGenesis(cmd *cobra.Command, edit func(*bridgetypes.GenesisState) error) error {
	var gs bridgetypes.GenesisState
	return editModuleGenesis(cmd, bridgetypes.ModuleName, &gs, func() error {
		if err := edit(&gs); err != nil {
			return err
		}
		return gs.Validate()
	})
}

// editModuleGenesis decodes module's genesis into gs, runs edit and writes gs back.
func editModuleGenesis(cmd *cobra.Command, module string, gs proto.Message, edit func() error) error {
	clientCtx := client.GetClientContextFromCmd(cmd)
	genFile := server.GetServerContextFromCmd(cmd).Config.GenesisFile()
	appGenesis, err := genutiltypes.AppGenesisFromFile(genFile)
	if err != nil {
		return fmt.Errorf("failed to read genesis from %s: %w", genFile, err)
	}
	appState, err := genutiltypes.GenesisStateFromAppGenesis(appGenesis)
	if err != nil {
		return err
	}
	if err := clientCtx.Codec.UnmarshalJSON(appState[module], gs); err != nil {
		return fmt.Errorf("failed to decode %s genesis: %w", module, err)
	}
	if err := edit(); err != nil {
		return err
	}
	if appState[module], err = clientCtx.Codec.MarshalJSON(gs); err != nil {
		return err
	}
	if appGenesis.AppState, err = json.MarshalIndent(appState, "", "  "); err != nil {
		return err
	}
	return appGenesis.SaveAs(genFile)
}
