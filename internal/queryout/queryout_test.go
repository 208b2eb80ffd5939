package queryout_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"testing"

	gogoproto "github.com/cosmos/gogoproto/proto"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/dynamicpb"

	"cosmossdk.io/math"
	"cosmossdk.io/x/tx/signing/aminojson"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/slush-tree/slush/internal/queryout"
	slushtypes "github.com/slush-tree/slush/types"
	bridgetypes "github.com/slush-tree/slush/x/bridge/types"
	validiumtypes "github.com/slush-tree/slush/x/validium/types"
)

// autocliJSON prints a response as autocli's query commands do: amino JSON of the message
// resolved from the registered descriptors, bytes in base64.
func autocliJSON(t *testing.T, msg gogoproto.Message) ([]byte, protoreflect.MessageDescriptor) {
	t.Helper()
	files, err := gogoproto.MergedRegistry()
	require.NoError(t, err)
	d, err := files.FindDescriptorByName(protoreflect.FullName(gogoproto.MessageName(msg)))
	require.NoError(t, err)
	md := d.(protoreflect.MessageDescriptor)
	bz, err := gogoproto.Marshal(msg)
	require.NoError(t, err)
	dyn := dynamicpb.NewMessage(md)
	require.NoError(t, proto.Unmarshal(bz, dyn))
	enc := aminojson.NewEncoder(aminojson.EncoderOptions{Indent: "  ", EnumAsString: true, DoNotSortFields: true,
		AminoNameAsTypeURL: true, MarshalMappings: true, FileResolver: files})
	out, err := enc.Marshal(dyn)
	require.NoError(t, err)
	return out, md
}

// seq is n bytes counting up from start.
func seq(start byte, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = start + byte(i)
	}
	return b
}

// TestHexRendering: bytes fields print in hex in nested messages and lists, verifying keys as
// their size and sha256 (or in full), other fields unchanged and in autocli's order, and the
// result is JSON.
func TestHexRendering(t *testing.T) {
	hash := seq(0xa0, 32)
	vk := bytes.Repeat([]byte{7}, 1000)
	vkSum := sha256.Sum256(vk)
	status, statusMD := autocliJSON(t, &bridgetypes.QueryMessageStatusResponse{
		Status: slushtypes.MessageStatus_MESSAGE_STATUS_SENT,
		Outgoing: &bridgetypes.OutgoingMessage{
			Message:     slushtypes.BridgeMessage{SrcVid: seq(1, 32), DstVid: seq(2, 32), Amount: 30},
			MessageHash: hash, AccountIndex: 3, SentHeight: 12,
		},
	})
	child, childMD := autocliJSON(t, &validiumtypes.QueryChildResponse{
		Child: validiumtypes.Child{Index: 1, VerifyingKey: vk, TransferVerifyingKey: vk[:500], LatestCommitment: hash,
			Bond: sdk.NewCoin("stake", math.NewInt(5))},
		History: []validiumtypes.HistoryEntry{{RootHeight: 4, Commitment: hash}},
	})
	params, paramsMD := autocliJSON(t, &validiumtypes.QueryParamsResponse{Params: validiumtypes.Params{
		LeafStepKey: vk, SubtreeProofs: validiumtypes.SubtreeProofs_SUBTREE_PROOFS_RECURSIVE, MinChildBond: sdk.NewCoin("stake", math.NewInt(1)),
	}})
	for _, c := range []struct {
		name     string
		in       []byte
		md       protoreflect.MessageDescriptor
		opts     queryout.Options
		contains []string
		absent   []string
	}{
		{"message status", status, statusMD, queryout.Options{}, []string{
			`"message_hash": "` + hex.EncodeToString(hash) + `"`,
			`"src_vid": "` + hex.EncodeToString(seq(1, 32)) + `"`,
			`"status": "MESSAGE_STATUS_SENT"`, `"account_index": "3"`,
		}, []string{"oKGi"}},
		{"child, keys summarised", child, childMD, queryout.Options{}, []string{
			`"verifying_key": {` + "\n" + `      "bytes": 1000,` + "\n" + `      "sha256": "` + hex.EncodeToString(vkSum[:]) + `"`,
			`"transfer_verifying_key": {` + "\n" + `      "bytes": 500,`,
			`"latest_commitment": "` + hex.EncodeToString(hash) + `"`,
			`"commitment": "` + hex.EncodeToString(hash) + `"`,
			`"amount": "5"`,
		}, []string{hex.EncodeToString(vk[:64])}},
		{"child, full keys", child, childMD, queryout.Options{FullKeys: true}, []string{
			`"verifying_key": "` + hex.EncodeToString(vk) + `"`,
		}, []string{"sha256"}},
		{"params, the leaf step key summarised", params, paramsMD, queryout.Options{}, []string{
			`"leaf_step_key": {` + "\n" + `      "bytes": 1000,` + "\n" + `      "sha256": "` + hex.EncodeToString(vkSum[:]) + `"`,
			`"subtree_proofs": "SUBTREE_PROOFS_RECURSIVE"`,
		}, []string{hex.EncodeToString(vk[:64])}},
	} {
		t.Run(c.name, func(t *testing.T) {
			d, err := queryout.Parse(c.in)
			require.NoError(t, err)
			d.Hex(c.md, c.opts)
			out, err := d.JSON(false)
			require.NoError(t, err)
			require.True(t, json.Valid(out))
			for _, s := range c.contains {
				require.Contains(t, string(out), s)
			}
			for _, s := range c.absent {
				require.NotContains(t, string(out), s)
			}
			// the members keep autocli's order (a key summary adds its two)
			var outKeys []string
			for _, k := range keyOrder(out) {
				if k != "bytes" && k != "sha256" {
					outKeys = append(outKeys, k)
				}
			}
			require.Equal(t, keyOrder(c.in), outKeys)
		})
	}
}

// keyOrder lists the JSON member names in the order they appear.
func keyOrder(b []byte) []string {
	dec := json.NewDecoder(bytes.NewReader(b))
	var keys []string
	type frame struct{ object, key bool } // in an object, is the next token a key
	var stack []frame
	for {
		tok, err := dec.Token()
		if err != nil {
			return keys
		}
		top := len(stack) - 1
		isKey := top >= 0 && stack[top].object && stack[top].key
		if top >= 0 && stack[top].object {
			stack[top].key = !stack[top].key
		}
		switch v := tok.(type) {
		case json.Delim:
			switch v {
			case '{':
				stack = append(stack, frame{object: true, key: true})
			case '[':
				stack = append(stack, frame{})
			default:
				stack = stack[:len(stack)-1]
				if n := len(stack) - 1; n >= 0 && stack[n].object {
					stack[n].key = true
				}
			}
		case string:
			if isKey {
				keys = append(keys, v)
			}
		}
	}
}

// TestPage: the newest entries below a height, with the total added after the list.
func TestPage(t *testing.T) {
	var entries []validiumtypes.HistoryEntry
	for h := uint64(1); h <= 25; h++ {
		entries = append(entries, validiumtypes.HistoryEntry{RootHeight: h * 10, Commitment: seq(byte(h), 32)})
	}
	in, md := autocliJSON(t, &validiumtypes.QueryChildResponse{Child: validiumtypes.Child{Index: 1}, History: entries})
	empty, _ := autocliJSON(t, &validiumtypes.QueryChildResponse{Child: validiumtypes.Child{Index: 1}})
	for _, c := range []struct {
		name        string
		in          []byte
		limit       int
		before      uint64
		total, kept int
		first, last string
	}{
		{"newest 10", in, 10, 0, 25, 10, "160", "250"},
		{"all", in, 0, 0, 25, 25, "10", "250"},
		{"page back", in, 10, 160, 25, 10, "60", "150"},
		{"last page", in, 10, 60, 25, 5, "10", "50"},
		{"before everything", in, 10, 10, 25, 0, "", ""},
		{"no history", empty, 10, 0, 0, 0, "", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			d, err := queryout.Parse(c.in)
			require.NoError(t, err)
			d.Hex(md, queryout.Options{})
			total, kept := d.Page("history", "root_height", c.limit, c.before)
			require.Equal(t, c.total, total)
			require.Equal(t, c.kept, kept)
			out, err := d.JSON(true)
			require.NoError(t, err)
			var res struct {
				History []struct {
					RootHeight string `json:"root_height"`
				} `json:"history"`
				HistoryTotal int `json:"history_total"`
			}
			require.NoError(t, json.Unmarshal(out, &res), string(out))
			require.Len(t, res.History, c.kept)
			require.Equal(t, c.total, res.HistoryTotal)
			if c.kept > 0 {
				require.Equal(t, c.first, res.History[0].RootHeight)
				require.Equal(t, c.last, res.History[len(res.History)-1].RootHeight)
			}
		})
	}
}

// TestParseRejects: output that is not one JSON document is an error, not a guess.
func TestParseRejects(t *testing.T) {
	for _, in := range []string{"", "{", `{"a":1} {"b":2}`, "not json"} {
		_, err := queryout.Parse([]byte(in))
		require.Error(t, err, in)
	}
}
