package cli

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
	slushtypes "github.com/slush-tree/slush/types"
	"github.com/slush-tree/slush/x/ledger/types"
)

const (
	flagSeed      = "seed"
	flagPath      = "path"
	flagAccount   = "account"
	flagNonce     = "nonce"
	flagAsset     = "asset"
	flagAmount    = "amount"
	flagDst       = "dst"
	flagRecipient = "recipient"
	flagDeadline  = "deadline"
	flagTo        = "to"
	flagOwner     = "owner"
	// maxBalanceScan bounds how many accounts `ledger balance` reads (one query each).
	maxBalanceScan = 10_000
)

// LedgerCmd groups the user tools for a chain's own-state ledger (DESIGN §4): owner hashes and
// EdDSA-signed operations for `tx ledger transfer`, `tx bridge bridge-out` and
// `tx validium force-operation`, and a balance lookup by owner.
func LedgerCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "ledger",
		Short: "Ledger user tools: owner hashes, signed operations, balances",
		Long: `Tools for accounts of a chain's own-state ledger. Keys are BabyJubJub EdDSA keys derived
from --seed (ledger.KeyFromSeed): a development convenience, the key is exactly as secret as
the seed. Signed operations are printed as hex, the form 'tx bridge bridge-out [op]',
'tx ledger transfer [op]', 'tx validium force-operation [child-index] [op]' and 'tx validium
force-withdrawal [child-index] [op] [opening]' accept ('ledger opening' prints the opening).`,
	}
	cmd.AddCommand(ownerCmd(), transferCmd(), bridgeOutCmd(), balanceCmd())
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

// requiredElement reads the field element flag name, which must be given.
func requiredElement(cmd *cobra.Command, name string) (fr.Element, error) {
	s, _ := cmd.Flags().GetString(name)
	if s == "" {
		return fr.Element{}, fmt.Errorf("--%s is required", name)
	}
	return parseElement(name, s)
}

// requiredAmount reads --amount, which must be positive.
func requiredAmount(cmd *cobra.Command) (uint64, error) {
	amount, _ := cmd.Flags().GetUint64(flagAmount)
	if amount == 0 {
		return 0, fmt.Errorf("--%s must be positive", flagAmount)
	}
	return amount, nil
}

// vidFlag reads the chain path flag name ("root", "1", "1-2") as the chain's vid (DESIGN §3).
func vidFlag(cmd *cobra.Command, name string) (fr.Element, error) {
	s, _ := cmd.Flags().GetString(name)
	if s == "" {
		return fr.Element{}, fmt.Errorf("--%s is required", name)
	}
	path, err := slushtypes.ParsePath(s)
	if err != nil {
		return fr.Element{}, err
	}
	return path.Vid()
}

// seedKey is the EdDSA key of --seed.
func seedKey(cmd *cobra.Command) (*eddsa.PrivateKey, error) {
	seed, _ := cmd.Flags().GetString(flagSeed)
	if seed == "" {
		return nil, fmt.Errorf("--%s is required", flagSeed)
	}
	return ledger.KeyFromSeed([]byte(seed)), nil
}

// ownerCmd prints the owner hash of a seed's key.
func ownerCmd() *cobra.Command {
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
			fmt.Fprintln(cmd.OutOrStdout(), hex.EncodeToString(hash.EncodeElement(ledger.OwnerHash(key.PublicKey))))
			return nil
		},
	}
	cmd.Flags().String(flagSeed, "", "seed of the EdDSA key (development only)")
	return cmd
}

// addSignedOpFlags adds the flags every signed operation has.
func addSignedOpFlags(cmd *cobra.Command) {
	cmd.Flags().String(flagSeed, "", "seed of the signing EdDSA key (development only)")
	cmd.Flags().String(flagPath, "", "path of the chain whose ledger executes the operation: root, 1, 1-2, ... (required)")
	cmd.Flags().Uint64(flagAccount, 0, "index of the debited account (owned by the key)")
	cmd.Flags().Uint64(flagNonce, 0, "the account's current nonce ('ledger balance' shows it)")
	cmd.Flags().String(flagAsset, "", "asset id: a number, or 32 bytes in hex (required)")
	cmd.Flags().Uint64(flagAmount, 0, "amount (required, > 0)")
}

// signedOpArgs are the values of addSignedOpFlags.
type signedOpArgs struct {
	key     *eddsa.PrivateKey
	vid     fr.Element
	account uint64
	nonce   uint64
	asset   fr.Element
	amount  uint64
}

// readSignedOpArgs reads and checks the flags of addSignedOpFlags.
func readSignedOpArgs(cmd *cobra.Command) (signedOpArgs, error) {
	var a signedOpArgs
	var err error
	if a.key, err = seedKey(cmd); err != nil {
		return a, err
	}
	if a.vid, err = vidFlag(cmd, flagPath); err != nil {
		return a, err
	}
	a.account, _ = cmd.Flags().GetUint64(flagAccount)
	a.nonce, _ = cmd.Flags().GetUint64(flagNonce)
	if a.asset, err = requiredElement(cmd, flagAsset); err != nil {
		return a, err
	}
	a.amount, err = requiredAmount(cmd)
	return a, err
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

// transferCmd prints a signed ledger transfer.
func transferCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "transfer",
		Short: "Print a signed ledger transfer (hex) for 'tx ledger transfer'",
		Example: `slushchaind ledger transfer --seed alice --path 1-2 --account 0 --nonce 1 --asset 7 --amount 5 \
  --to $(slushchaind ledger owner --seed bob)`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			a, err := readSignedOpArgs(cmd)
			if err != nil {
				return err
			}
			to, _ := cmd.Flags().GetString(flagTo)
			toOwner, err := parseHexElement(flagTo, to)
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
	addSignedOpFlags(cmd)
	cmd.Flags().String(flagTo, "", "recipient's owner hash, hex ('ledger owner')")
	return cmd
}

// bridgeOutCmd prints a signed ledger bridge-out.
func bridgeOutCmd() *cobra.Command {
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
			dstVid, err := vidFlag(cmd, flagDst)
			if err != nil {
				return err
			}
			if dstVid.Equal(&a.vid) {
				dst, _ := cmd.Flags().GetString(flagDst)
				return fmt.Errorf("--%s %s is the sending chain itself", flagDst, dst)
			}
			recipient, _ := cmd.Flags().GetString(flagRecipient)
			rcpt, err := parseHexElement(flagRecipient, recipient)
			if err != nil {
				return err
			}
			deadline, _ := cmd.Flags().GetUint64(flagDeadline)
			if deadline == 0 {
				return fmt.Errorf("--%s is required (a root height)", flagDeadline)
			}
			op, err := ledger.NewBridgeOut(a.vid, a.key, a.account, a.asset, a.amount, a.nonce, dstVid, rcpt, deadline)
			if err != nil {
				return err
			}
			return printOp(cmd, op)
		},
	}
	addSignedOpFlags(cmd)
	cmd.Flags().String(flagDst, "", "path of the destination chain (required)")
	cmd.Flags().String(flagRecipient, "", "recipient's owner hash on the destination, hex ('ledger owner')")
	cmd.Flags().Uint64(flagDeadline, 0, "root height after which the message is routed instead of claimed (required)")
	return cmd
}

// Balance is what `ledger balance` prints: the owner's account of an asset, if any.
type Balance struct {
	// Found tells whether the owner has an account of the asset.
	Found bool `json:"found"`
	// Index is the account index (the --account of signed operations).
	Index uint64 `json:"index"`
	// Balance is the account's balance.
	Balance uint64 `json:"balance"`
	// Nonce is the nonce the owner must sign next.
	Nonce uint64 `json:"nonce"`
}

// balanceCmd finds an owner's account of an asset on a running chain.
func balanceCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "balance",
		Short: "Find an owner's account of an asset on a running chain's ledger (JSON)",
		Long: fmt.Sprintf(`Reads the ledger's accounts one by one ('query ledger account [index]') and prints the
one owned by --owner for --asset. Meant for small ledgers (localnets): at most %d accounts.`, maxBalanceScan),
		Example: "slushchaind ledger balance --owner $(slushchaind ledger owner --seed bob) --asset 7 --node tcp://127.0.0.1:26610",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			owner, _ := cmd.Flags().GetString(flagOwner)
			ownerEl, err := parseHexElement(flagOwner, owner)
			if err != nil {
				return err
			}
			asset, _ := cmd.Flags().GetString(flagAsset)
			assetEl, err := parseElement(flagAsset, asset)
			if err != nil {
				return err
			}
			clientCtx, err := client.GetClientQueryContext(cmd)
			if err != nil {
				return err
			}
			out, err := findAccount(cmd, types.NewQueryClient(clientCtx), hash.EncodeElement(ownerEl), hash.EncodeElement(assetEl))
			if err != nil {
				return err
			}
			b, err := json.Marshal(out)
			if err != nil {
				return err
			}
			fmt.Fprintln(cmd.OutOrStdout(), string(b))
			return nil
		},
	}
	cmd.Flags().String(flagOwner, "", "owner hash, hex ('ledger owner')")
	cmd.Flags().String(flagAsset, "", "asset id: a number, or 32 bytes in hex")
	flags.AddQueryFlagsToCmd(cmd)
	return cmd
}

// findAccount scans the ledger's accounts for owner's account of asset (canonical encodings).
func findAccount(cmd *cobra.Command, qc types.QueryClient, owner, asset []byte) (Balance, error) {
	res, err := qc.State(cmd.Context(), &types.QueryStateRequest{})
	if err != nil {
		return Balance{}, err
	}
	if res.NumAccounts > maxBalanceScan {
		return Balance{}, fmt.Errorf("the ledger has %d accounts: more than this tool scans (%d)", res.NumAccounts, maxBalanceScan)
	}
	for i := uint64(0); i < res.NumAccounts; i++ {
		acc, err := qc.Account(cmd.Context(), &types.QueryAccountRequest{Index: i})
		if err != nil {
			return Balance{}, fmt.Errorf("account %d: %w", i, err)
		}
		if string(acc.Owner) == string(owner) && string(acc.AssetId) == string(asset) {
			return Balance{Found: true, Index: i, Balance: acc.Balance, Nonce: acc.Nonce}, nil
		}
	}
	return Balance{}, nil
}
