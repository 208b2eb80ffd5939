package cli

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/spf13/cobra"

	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/client/flags"
	"github.com/cosmos/cosmos-sdk/client/tx"
	sdk "github.com/cosmos/cosmos-sdk/types"
	authtx "github.com/cosmos/cosmos-sdk/x/auth/tx"

	"github.com/slush-tree/slush/x/bridge/types"
)

const flagWait = "wait"

// DefaultBridgeOutGas is bridge-out's default gas limit: about twice what one uses (an EdDSA check,
// an outbox and a log insertion; the SDK's default 200000 runs out in the block).
const DefaultBridgeOutGas = "400000"

// TxCmd is `slushchaind tx bridge`: the hand-written bridge-out; autocli adds the module's other
// transactions to it (types' AutoCLIOptions, EnhanceCustomCommand).
func TxCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:                        types.ModuleName,
		Short:                      "Send virtual tokens to another validium of the tree (claims and confirmations are the relayer's)",
		DisableFlagParsing:         false,
		SuggestionsMinimumDistance: 2,
		RunE:                       client.ValidateCmd,
	}
	cmd.AddCommand(BridgeOutCmd())
	return cmd
}

// BridgeOutResult is what `tx bridge bridge-out` prints once its transaction is in a block: the
// transaction (its fields as `query tx` prints them, 64-bit integers as strings) and the message
// a user tracks the transfer by.
type BridgeOutResult struct {
	TxHash string `json:"txhash"`
	Height int64  `json:"height,string"`
	// Timestamp is the block's time (RFC 3339).
	Timestamp string `json:"timestamp,omitempty"`
	Code      uint32 `json:"code"`
	RawLog    string `json:"raw_log,omitempty"`
	// MessageHash is the bridge message's hash, hex: what `bridge track` and every query take.
	MessageHash string `json:"message_hash,omitempty"`
	OutboxIndex uint64 `json:"outbox_index,string"`
	Destination string `json:"destination,omitempty"`
	Amount      uint64 `json:"amount,string"`
	Deadline    uint64 `json:"deadline,string"`
	GasUsed     int64  `json:"gas_used,string"`
	GasWanted   int64  `json:"gas_wanted,string"`
}

// BridgeOutCmd submits a signed bridge-out and, once its block is in, prints the message hash
// (issue 19: a bridge-out used to print only a tx hash, and finding the message meant matching
// pending messages by height and decoding base64).
func BridgeOutCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "bridge-out [op]",
		Short: "Submit an EdDSA-signed bridge-out and print its message hash",
		Long: `Submits a bridge-out made with 'slushchaind ledger bridge-out' (the op in hex, base64, or a file
holding it). The op is checked before anything is signed (length, canonical encoding, kind,
destination). With --wait (default 30s) the command waits for the transaction's block and prints
the message hash (hex), its outbox index and destination, which 'slushchaind bridge track <hash>'
follows across the tree; --wait 0 prints the broadcast result only.

A bridge-out uses about 210,000 gas (an EdDSA check and two tree insertions): the default --gas
here is 400000 (the SDK's 200000 runs out in the block); --gas auto --gas-adjustment 1.5
simulates it instead.`,
		Example: `op=$(slushchaind ledger bridge-out --seed alice --path 1-2 --account 0 --nonce 0 --asset 7 --amount 30 --dst 2 --recipient $BOB --deadline 1000000)
slushchaind tx bridge bridge-out "$op" --from user --gas auto --gas-adjustment 1.5 --yes`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			clientCtx, err := client.GetClientTxContext(cmd)
			if err != nil {
				return err
			}
			clientCtx = clientCtx.WithOutput(cmd.OutOrStdout()) // the SDK prints to stdout when Output is unset; so do we
			op, err := DecodeBytesArg(args[0])
			if err != nil {
				return fmt.Errorf("op: %w", err)
			}
			msg := &types.MsgBridgeOut{Sender: clientCtx.GetFromAddress().String(), Op: op}
			if err := msg.ValidateBasic(); err != nil {
				return err
			}
			wait, _ := cmd.Flags().GetDuration(flagWait)
			if wait <= 0 || clientCtx.GenerateOnly || clientCtx.Simulate || clientCtx.Offline {
				return tx.GenerateOrBroadcastTxCLI(clientCtx, cmd.Flags(), msg)
			}
			var buf bytes.Buffer
			if err := tx.GenerateOrBroadcastTxCLI(clientCtx.WithOutput(&buf).WithOutputFormat(flags.OutputFormatJSON), cmd.Flags(), msg); err != nil {
				return err
			}
			var sent sdk.TxResponse
			if err := clientCtx.Codec.UnmarshalJSON(buf.Bytes(), &sent); err != nil || sent.TxHash == "" {
				_, werr := clientCtx.Output.Write(buf.Bytes()) // not broadcast (e.g. declined): pass it through
				return werr
			}
			if sent.Code != 0 {
				return printResult(clientCtx, BridgeOutResult{TxHash: sent.TxHash, Code: sent.Code, RawLog: sent.RawLog},
					fmt.Errorf("refused before a block: code %d: %s", sent.Code, sent.RawLog))
			}
			included, err := waitTx(clientCtx, sent.TxHash, wait)
			if err != nil {
				return printResult(clientCtx, BridgeOutResult{TxHash: sent.TxHash}, err)
			}
			res := BridgeOutResult{TxHash: included.TxHash, Height: included.Height, Timestamp: included.Timestamp, Code: included.Code,
				GasUsed: included.GasUsed, GasWanted: included.GasWanted}
			if included.Code != 0 {
				res.RawLog = included.RawLog
				return printResult(clientCtx, res, fmt.Errorf("failed in block %d: code %d: %s", included.Height, included.Code, included.RawLog))
			}
			ev, err := bridgeOutEvent(included.Events)
			if err != nil {
				return printResult(clientCtx, res, err)
			}
			res.MessageHash, res.OutboxIndex, res.Destination = ev.MessageHashHex, ev.OutboxIndex, ev.Destination
			res.Amount, res.Deadline = ev.Amount, ev.Deadline
			return printResult(clientCtx, res, nil)
		},
	}
	flags.AddTxFlagsToCmd(cmd)
	gas := cmd.Flags().Lookup(flags.FlagGas)
	gas.DefValue = DefaultBridgeOutGas
	gas.Usage = strings.Replace(gas.Usage, fmt.Sprintf(" (default %d)", flags.DefaultGasLimit), "", 1)
	if err := gas.Value.Set(DefaultBridgeOutGas); err != nil {
		panic(err) // a constant the flag parses
	}
	cmd.Flags().Duration(flagWait, 30*time.Second, "wait this long for the transaction's block and print the message hash (0: print the broadcast result only)")
	return cmd
}

// waitTx polls the node for a transaction until it is in a block or timeout passes.
func waitTx(clientCtx client.Context, hash string, timeout time.Duration) (*sdk.TxResponse, error) {
	deadline := time.Now().Add(timeout)
	for {
		res, err := authtx.QueryTx(clientCtx, hash)
		if err == nil {
			return res, nil
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("tx %s not in a block after %s (query it with 'slushchaind query tx %s'): %w", hash, timeout, hash, err)
		}
		time.Sleep(500 * time.Millisecond)
	}
}

// bridgeOutEvent finds the EventBridgeOut among a transaction's events.
func bridgeOutEvent(events []abci.Event) (*types.EventBridgeOut, error) {
	for _, e := range events {
		if e.Type != "slush.bridge.v1.EventBridgeOut" {
			continue
		}
		ev, err := sdk.ParseTypedEvent(e)
		if err != nil {
			return nil, err
		}
		if out, ok := ev.(*types.EventBridgeOut); ok {
			return out, nil
		}
	}
	return nil, errors.New("the transaction emitted no EventBridgeOut (a node older than issue 19?)")
}

// printResult prints a bridge-out's result in the output format (json, or text: one field a
// line, then the command that tracks it) and returns err.
func printResult(clientCtx client.Context, res BridgeOutResult, err error) error {
	if clientCtx.OutputFormat == flags.OutputFormatText {
		var b strings.Builder
		fmt.Fprintf(&b, "txhash: %s\nheight: %d\ncode: %d\n", res.TxHash, res.Height, res.Code)
		if res.RawLog != "" {
			fmt.Fprintf(&b, "raw_log: %s\n", res.RawLog)
		}
		if res.MessageHash != "" {
			fmt.Fprintf(&b, "message_hash: %s\noutbox_index: %d\ndestination: %s\namount: %d\ndeadline: %d\n",
				res.MessageHash, res.OutboxIndex, res.Destination, res.Amount, res.Deadline)
			fmt.Fprintf(&b, "track it: slushchaind bridge track %s --config tree.toml\n", res.MessageHash)
		}
		if _, werr := clientCtx.Output.Write([]byte(b.String())); werr != nil {
			return werr
		}
		return err
	}
	bz, merr := json.Marshal(res)
	if merr != nil {
		return merr
	}
	if _, werr := clientCtx.Output.Write(append(bz, '\n')); werr != nil {
		return werr
	}
	return err
}

// DecodeBytesArg reads a bytes argument: hex (as 'slushchaind ledger' prints it), base64, or a
// file holding either (or the raw bytes).
func DecodeBytesArg(s string) ([]byte, error) {
	if data, err := os.ReadFile(s); err == nil {
		if text, err := decodeText(string(bytes.TrimSpace(data))); err == nil {
			return text, nil
		}
		return data, nil
	}
	return decodeText(s)
}

// decodeText reads hex (with or without 0x) or standard base64.
func decodeText(s string) ([]byte, error) {
	if data, err := hex.DecodeString(strings.TrimPrefix(s, "0x")); err == nil {
		return data, nil
	}
	if data, err := base64.StdEncoding.DecodeString(s); err == nil {
		return data, nil
	}
	return nil, errors.New("neither a file, hex nor base64")
}
