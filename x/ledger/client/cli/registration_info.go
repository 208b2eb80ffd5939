package cli

import (
	"encoding/hex"
	"encoding/json"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/cosmos/cosmos-sdk/client/flags"

	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/ledger"
	"github.com/slush-tree/slush/circuits/smt"
	"github.com/slush-tree/slush/internal/genesisfile"
	"github.com/slush-tree/slush/x/ledger/types"
	treetypes "github.com/slush-tree/slush/x/tree/types"
)

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
	LedgerParams types.Params `json:"ledger_params"`
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

// RegistrationInfoCmd prints, from genesis, the genesis ledger a parent registers this chain with.
func RegistrationInfoCmd(defaultNodeHome string) *cobra.Command {
	cmd := &cobra.Command{
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
	cmd.Flags().String(flags.FlagHome, defaultNodeHome, "The application home directory")
	return cmd
}

// readRegistrationInfo computes RegistrationInfo from the genesis file of the command's home.
func readRegistrationInfo(cmd *cobra.Command) (RegistrationInfo, error) {
	appGenesis, appState, err := genesisfile.Read(cmd)
	if err != nil {
		return RegistrationInfo{}, err
	}
	var tgs treetypes.GenesisState
	if err := genesisfile.Decode(cmd, appState, treetypes.ModuleName, &tgs); err != nil {
		return RegistrationInfo{}, err
	}
	var lgs types.GenesisState
	if err := genesisfile.Decode(cmd, appState, types.ModuleName, &lgs); err != nil {
		return RegistrationInfo{}, err
	}
	if err := lgs.Params.Validate(); err != nil {
		return RegistrationInfo{}, err
	}
	if len(lgs.Store) > 0 {
		return RegistrationInfo{}, fmt.Errorf("genesis carries an exported ledger, not a fresh one: read the registered child's roots from its parent")
	}
	id := tgs.Identity
	if err := id.Validate(); err != nil {
		return RegistrationInfo{}, err
	}
	path, err := id.TreePath()
	if err != nil {
		return RegistrationInfo{}, err
	}
	vid, err := path.Vid()
	if err != nil {
		return RegistrationInfo{}, err
	}
	funded, err := ledger.NewState(smt.NewMemStore(), vid, lgs.Params.Ledger())
	if err != nil {
		return RegistrationInfo{}, err
	}
	if err := types.FundLedger(funded, lgs.Deposits); err != nil {
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
	for _, d := range lgs.Deposits {
		supply += d.Amount
	}
	info := RegistrationInfo{
		ChainID:            appGenesis.ChainID,
		Path:               path.String(),
		ParentChainID:      id.ParentChainId,
		Vid:                hex.EncodeToString(hash.EncodeElement(vid)),
		LedgerParams:       lgs.Params,
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
