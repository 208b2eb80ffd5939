package cmd

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark-crypto/ecc/bn254/twistededwards/eddsa"
	"github.com/spf13/cobra"

	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/client/flags"

	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/ledger"
	bridgetypes "github.com/slush-tree/slush/x/bridge/types"
)

const (
	flagLedgerSeed      = "seed"
	flagLedgerAccount   = "account"
	flagLedgerNonce     = "nonce"
	flagLedgerAsset     = "asset"
	flagLedgerAmount    = "amount"
	flagLedgerDst       = "dst"
	flagLedgerRecipient = "recipient"
	flagLedgerDeadline  = "deadline"
	flagLedgerTo        = "to"
	flagLedgerOwner     = "owner"
	// maxBalanceScan bounds how many accounts `ledger balance` reads (one query each).
	maxBalanceScan = 10_000
)

// ledgerCommand groups the user tools for a chain's own-state ledger (DESIGN §4): owner hashes
// and EdDSA-signed operations for `tx bridge ledger-transfer`, `tx bridge bridge-out` and
// `tx validium force-operation`, and a balance lookup by owner.
func ledgerCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "ledger",
		Short: "Ledger user tools: owner hashes, signed operations, balances",
		Long: `Tools for accounts of a chain's own-state ledger. Keys are BabyJubJub EdDSA keys derived
from --seed (ledger.KeyFromSeed): a development convenience, the key is exactly as secret as
the seed. Signed operations are printed as hex, the form 'tx bridge bridge-out [op]',
'tx bridge ledger-transfer [op]' and 'tx validium force-operation [child-index] [op]' accept.`,
	}
	cmd.AddCommand(ledgerOwnerCmd(), ledgerTransferCmd(), ledgerBridgeOutCmd(), ledgerBalanceCmd())
	return cmd
}

// parseElement reads a field element flag: a decimal uint64 (hash.Uint64) or 32 canonical
// bytes in hex (64 digits, optional 0x).
func parseElement(name, s string) (fr.Element, error) {
	if n, err := strconv.ParseUint(s, 10, 64); err == nil {
		return hash.Uint64(n), nil
	}
	return parseHexElement(name, s)
}

// parseHexElement reads 32 canonical big-endian bytes in hex (DESIGN §3: reject, never reduce).
func parseHexElement(name, s string) (fr.Element, error) {
	b, err := hex.DecodeString(strings.TrimPrefix(s, "0x"))
	if err != nil {
		return fr.Element{}, fmt.Errorf("--%s: %q is not hex: %w", name, s, err)
	}
	e, err := hash.DecodeElement(b)
	if err != nil {
		return fr.Element{}, fmt.Errorf("--%s: %w", name, err)
	}
	return e, nil
}

// seedKey is the EdDSA key of --seed.
func seedKey(cmd *cobra.Command) (*eddsa.PrivateKey, error) {
	seed, _ := cmd.Flags().GetString(flagLedgerSeed)
	if seed == "" {
		return nil, fmt.Errorf("--%s is required", flagLedgerSeed)
	}
	return ledger.KeyFromSeed([]byte(seed)), nil
}

// ownerHex is the hex owner hash of a key: the owner field of its accounts and the recipient
// of messages to it.
func ownerHex(key *eddsa.PrivateKey) string {
	return hex.EncodeToString(hash.EncodeElement(ledger.OwnerHash(key.PublicKey)))
}

func ledgerOwnerCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:     "owner",
		Short:   "Print the owner hash (hex) of a seed's key: the account owner and bridge recipient",
		Example: "slushchaind ledger owner --seed alice",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			key, err := seedKey(cmd)
			if err != nil {
				return err
			}
			fmt.Fprintln(cmd.OutOrStdout(), ownerHex(key))
			return nil
		},
	}
	cmd.Flags().String(flagLedgerSeed, "", "seed of the EdDSA key (development only)")
	return cmd
}

// signedOpFlags are the flags every signed operation has.
func signedOpFlags(cmd *cobra.Command) {
	cmd.Flags().String(flagLedgerSeed, "", "seed of the signing EdDSA key (development only)")
	cmd.Flags().String(flagPath, "", "path of the chain whose ledger executes the operation: root, 1, 1-2, ... (required)")
	cmd.Flags().Uint64(flagLedgerAccount, 0, "index of the debited account (owned by the key)")
	cmd.Flags().Uint64(flagLedgerNonce, 0, "the account's current nonce ('ledger balance' shows it)")
	cmd.Flags().String(flagLedgerAsset, "", "asset id: a number, or 32 bytes in hex (required)")
	cmd.Flags().Uint64(flagLedgerAmount, 0, "amount (required, > 0)")
}

// signedOpArgs are the values of signedOpFlags.
type signedOpArgs struct {
	key     *eddsa.PrivateKey
	vid     fr.Element
	account uint64
	nonce   uint64
	asset   fr.Element
	amount  uint64
}

// readSignedOpArgs reads and checks signedOpFlags.
func readSignedOpArgs(cmd *cobra.Command) (signedOpArgs, error) {
	var a signedOpArgs
	var err error
	if a.key, err = seedKey(cmd); err != nil {
		return a, err
	}
	path, _ := cmd.Flags().GetString(flagPath)
	if path == "" {
		return a, fmt.Errorf("--%s is required", flagPath)
	}
	if a.vid, err = vidOfPath(path); err != nil {
		return a, err
	}
	a.account, _ = cmd.Flags().GetUint64(flagLedgerAccount)
	a.nonce, _ = cmd.Flags().GetUint64(flagLedgerNonce)
	asset, _ := cmd.Flags().GetString(flagLedgerAsset)
	if asset == "" {
		return a, fmt.Errorf("--%s is required", flagLedgerAsset)
	}
	if a.asset, err = parseElement(flagLedgerAsset, asset); err != nil {
		return a, err
	}
	if a.amount, _ = cmd.Flags().GetUint64(flagLedgerAmount); a.amount == 0 {
		return a, fmt.Errorf("--%s must be positive", flagLedgerAmount)
	}
	return a, nil
}

// printOp prints an encoded operation after checking it decodes (the chain's own first check).
func printOp(cmd *cobra.Command, op ledger.Op) error {
	b := op.Bytes()
	if _, err := ledger.DecodeOp(b); err != nil {
		return err
	}
	fmt.Fprintln(cmd.OutOrStdout(), hex.EncodeToString(b))
	return nil
}

func ledgerTransferCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "transfer",
		Short: "Print a signed ledger transfer (hex) for 'tx bridge ledger-transfer'",
		Example: `slushchaind ledger transfer --seed alice --path 1-2 --account 0 --nonce 1 --asset 7 --amount 5 \
  --to $(slushchaind ledger owner --seed bob)`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			a, err := readSignedOpArgs(cmd)
			if err != nil {
				return err
			}
			to, _ := cmd.Flags().GetString(flagLedgerTo)
			toOwner, err := parseHexElement(flagLedgerTo, to)
			if err != nil {
				return err
			}
			op, err := ledger.NewTransfer(a.vid, a.key, a.account, toOwner, a.asset, a.amount, a.nonce)
			if err != nil {
				return err
			}
			return printOp(cmd, op)
		},
	}
	signedOpFlags(cmd)
	cmd.Flags().String(flagLedgerTo, "", "recipient's owner hash, hex ('ledger owner')")
	return cmd
}

func ledgerBridgeOutCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "bridge-out",
		Short: "Print a signed ledger bridge-out (hex) for 'tx bridge bridge-out' or 'tx validium force-operation'",
		Long: `Signs a bridge-out on the ledger of --path: it burns --amount of --asset from --account and
sends it to --recipient on the chain --dst (DESIGN §7). --deadline is the root height after
which an unclaimed message is routed through the common ancestor instead. The same operation,
addressed to a child of --path, is what 'tx validium force-operation' queues for that child.`,
		Example: `slushchaind ledger bridge-out --seed alice --path 1-2 --account 0 --nonce 0 --asset 7 --amount 30 \
  --dst 2 --recipient $(slushchaind ledger owner --seed bob) --deadline 1000000`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			a, err := readSignedOpArgs(cmd)
			if err != nil {
				return err
			}
			dst, _ := cmd.Flags().GetString(flagLedgerDst)
			if dst == "" {
				return fmt.Errorf("--%s is required", flagLedgerDst)
			}
			dstVid, err := vidOfPath(dst)
			if err != nil {
				return err
			}
			if dstVid.Equal(&a.vid) {
				return fmt.Errorf("--%s %s is the sending chain itself", flagLedgerDst, dst)
			}
			recipient, _ := cmd.Flags().GetString(flagLedgerRecipient)
			rcpt, err := parseHexElement(flagLedgerRecipient, recipient)
			if err != nil {
				return err
			}
			deadline, _ := cmd.Flags().GetUint64(flagLedgerDeadline)
			if deadline == 0 {
				return fmt.Errorf("--%s is required (a root height)", flagLedgerDeadline)
			}
			op, err := ledger.NewBridgeOut(a.vid, a.key, a.account, a.asset, a.amount, a.nonce, dstVid, rcpt, deadline)
			if err != nil {
				return err
			}
			return printOp(cmd, op)
		},
	}
	signedOpFlags(cmd)
	cmd.Flags().String(flagLedgerDst, "", "path of the destination chain (required)")
	cmd.Flags().String(flagLedgerRecipient, "", "recipient's owner hash on the destination, hex ('ledger owner')")
	cmd.Flags().Uint64(flagLedgerDeadline, 0, "root height after which the message is routed instead of claimed (required)")
	return cmd
}

// LedgerBalance is what `ledger balance` prints: the owner's account of an asset, if any.
type LedgerBalance struct {
	// Found tells whether the owner has an account of the asset.
	Found bool `json:"found"`
	// Index is the account index (the --account of signed operations).
	Index uint64 `json:"index"`
	// Balance is the account's balance.
	Balance uint64 `json:"balance"`
	// Nonce is the nonce the owner must sign next.
	Nonce uint64 `json:"nonce"`
}

func ledgerBalanceCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "balance",
		Short: "Find an owner's account of an asset on a running chain's ledger (JSON)",
		Long: fmt.Sprintf(`Reads the ledger's accounts one by one ('query bridge account [index]') and prints the
one owned by --owner for --asset. Meant for small ledgers (localnets): at most %d accounts.`, maxBalanceScan),
		Example: "slushchaind ledger balance --owner $(slushchaind ledger owner --seed bob) --asset 7 --node tcp://127.0.0.1:26610",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			owner, _ := cmd.Flags().GetString(flagLedgerOwner)
			ownerEl, err := parseHexElement(flagLedgerOwner, owner)
			if err != nil {
				return err
			}
			asset, _ := cmd.Flags().GetString(flagLedgerAsset)
			assetEl, err := parseElement(flagLedgerAsset, asset)
			if err != nil {
				return err
			}
			clientCtx, err := client.GetClientQueryContext(cmd)
			if err != nil {
				return err
			}
			qc := bridgetypes.NewQueryClient(clientCtx)
			res, err := qc.Ledger(cmd.Context(), &bridgetypes.QueryLedgerRequest{})
			if err != nil {
				return err
			}
			if res.NumAccounts > maxBalanceScan {
				return fmt.Errorf("the ledger has %d accounts: more than this tool scans (%d)", res.NumAccounts, maxBalanceScan)
			}
			wantOwner, wantAsset := hash.EncodeElement(ownerEl), hash.EncodeElement(assetEl)
			out := LedgerBalance{}
			for i := uint64(0); i < res.NumAccounts; i++ {
				acc, err := qc.Account(cmd.Context(), &bridgetypes.QueryAccountRequest{Index: i})
				if err != nil {
					return fmt.Errorf("account %d: %w", i, err)
				}
				if string(acc.Owner) == string(wantOwner) && string(acc.AssetId) == string(wantAsset) {
					out = LedgerBalance{Found: true, Index: i, Balance: acc.Balance, Nonce: acc.Nonce}
					break
				}
			}
			b, err := json.Marshal(out)
			if err != nil {
				return err
			}
			fmt.Fprintln(cmd.OutOrStdout(), string(b))
			return nil
		},
	}
	cmd.Flags().String(flagLedgerOwner, "", "owner hash, hex ('ledger owner')")
	cmd.Flags().String(flagLedgerAsset, "", "asset id: a number, or 32 bytes in hex")
	flags.AddQueryFlagsToCmd(cmd)
	return cmd
}

func addLedgerDepositCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "add-ledger-deposit",
		Short: "Fund a ledger account at genesis (x/bridge deposits)",
		Long: `Appends a deposit to x/bridge's genesis: at InitGenesis the chain mints --amount of --asset to
the account of --owner (a logged bridge-in, which the chain's first proven batch includes).
Deposits fund a fresh ledger only.`,
		Example: "slushchaind genesis add-ledger-deposit --owner $(slushchaind ledger owner --seed alice) --asset 7 --amount 1000",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			owner, _ := cmd.Flags().GetString(flagLedgerOwner)
			ownerEl, err := parseHexElement(flagLedgerOwner, owner)
			if err != nil {
				return err
			}
			asset, _ := cmd.Flags().GetString(flagLedgerAsset)
			if asset == "" {
				return fmt.Errorf("--%s is required", flagLedgerAsset)
			}
			assetEl, err := parseElement(flagLedgerAsset, asset)
			if err != nil {
				return err
			}
			amount, _ := cmd.Flags().GetUint64(flagLedgerAmount)
			if amount == 0 {
				return fmt.Errorf("--%s must be positive", flagLedgerAmount)
			}
			return editBridgeGenesis(cmd, func(gs *bridgetypes.GenesisState) error {
				gs.Deposits = append(gs.Deposits, bridgetypes.GenesisDeposit{
					Recipient: hash.EncodeElement(ownerEl), AssetId: hash.EncodeElement(assetEl), Amount: amount,
				})
				return nil
			})
		},
	}
	cmd.Flags().String(flagLedgerOwner, "", "owner hash, hex ('ledger owner') (required)")
	cmd.Flags().String(flagLedgerAsset, "", "asset id: a number, or 32 bytes in hex (required)")
	cmd.Flags().Uint64(flagLedgerAmount, 0, "amount minted (required, > 0)")
	return cmd
}
