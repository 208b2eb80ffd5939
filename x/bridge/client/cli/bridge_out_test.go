package cli

import (
	"bytes"
	"encoding/hex"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/client/flags"
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/slush-tree/slush/x/bridge/types"
)

// TestBridgeOutOutput: the message hash comes from the transaction's EventBridgeOut and is
// printed in hex, with the command that tracks it (text) or as a field next to the tx hash and
// code scripts read (json); a transaction without the event is an error, not an empty hash.
func TestBridgeOutOutput(t *testing.T) {
	want := &types.EventBridgeOut{MessageHash: bytes.Repeat([]byte{0x27}, 32), MessageHashHex: hex.EncodeToString(bytes.Repeat([]byte{0x27}, 32)),
		OutboxIndex: 3, Destination: "2", Amount: 30, Deadline: 900}
	ev, err := sdk.TypedEventToEvent(want)
	require.NoError(t, err)
	got, err := bridgeOutEvent(sdk.Events{sdk.NewEvent("message"), ev}.ToABCIEvents())
	require.NoError(t, err)
	require.Equal(t, want, got)
	_, err = bridgeOutEvent(sdk.Events{sdk.NewEvent("message")}.ToABCIEvents())
	require.ErrorContains(t, err, "no EventBridgeOut")

	res := BridgeOutResult{TxHash: "AB12", Height: 9, MessageHash: got.MessageHashHex, OutboxIndex: 3, Destination: "2", Amount: 30, Deadline: 900}
	var out bytes.Buffer
	require.NoError(t, printResult(client.Context{Output: &out, OutputFormat: flags.OutputFormatText}, res, nil))
	require.Contains(t, out.String(), "message_hash: "+want.MessageHashHex+"\n")
	require.Contains(t, out.String(), "track it: slushchaind bridge track "+want.MessageHashHex)
	out.Reset()
	require.NoError(t, printResult(client.Context{Output: &out, OutputFormat: flags.OutputFormatJSON}, res, nil))
	require.JSONEq(t, `{"txhash":"AB12","height":"9","code":0,"message_hash":"`+want.MessageHashHex+
		`","outbox_index":"3","destination":"2","amount":"30","deadline":"900","gas_used":"0","gas_wanted":"0"}`, out.String(),
		"64-bit integers as strings, as `query tx` prints them")
}

// TestDecodeBytesArg: an op is read from hex (with or without 0x), base64, or a file holding
// either.
func TestDecodeBytesArg(t *testing.T) {
	want := []byte{0xde, 0xad, 0xbe, 0xef}
	file := filepath.Join(t.TempDir(), "op")
	require.NoError(t, os.WriteFile(file, []byte("deadbeef\n"), 0o600))
	for _, in := range []string{"deadbeef", "0xdeadbeef", "3q2+7w==", file} {
		got, err := DecodeBytesArg(in)
		require.NoError(t, err, in)
		require.Equal(t, want, got, in)
	}
	_, err := DecodeBytesArg("zz!")
	require.ErrorContains(t, err, "neither a file, hex nor base64")
}
