package cmd

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/hex"
	"strings"
	"testing"

	gogoproto "github.com/cosmos/gogoproto/proto"
	"github.com/spf13/cobra"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/reflect/protoreflect"
	"sigs.k8s.io/yaml"

	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/client/flags"
)

// fakeQuery is an autocli query command as wrapQuery finds it: it prints its response's amino
// JSON (bytes in base64) through cmd.Println, as YAML unless -o json.
func fakeQuery(t *testing.T, response string) *cobra.Command {
	c := &cobra.Command{Use: "q", RunE: func(c *cobra.Command, _ []string) error {
		out := []byte(response)
		if f, _ := c.Flags().GetString(flags.FlagOutput); f != flags.OutputFormatJSON {
			var err error
			out, err = yaml.JSONToYAML(out)
			require.NoError(t, err)
		}
		c.Println(strings.TrimSpace(string(out)))
		return nil
	}}
	c.Flags().StringP(flags.FlagOutput, "o", flags.OutputFormatText, "")
	c.Flags().Bool(flagNoIndent, false, "")
	c.SetContext(context.WithValue(context.Background(), client.ClientContextKey, &client.Context{}))
	return c
}

// descriptor is a message type as autocli resolves it.
func descriptor(t *testing.T, name string) protoreflect.MessageDescriptor {
	files, err := gogoproto.MergedRegistry()
	require.NoError(t, err)
	d, err := files.FindDescriptorByName(protoreflect.FullName(name))
	require.NoError(t, err)
	return d.(protoreflect.MessageDescriptor)
}

// TestWrapQuery: a wrapped query prints hex by default in JSON and text, autocli's base64 with
// --bytes base64, and pages `validium child`'s history with a note on stderr.
func TestWrapQuery(t *testing.T) {
	hash := bytes.Repeat([]byte{0xab}, 32)
	b64 := base64.StdEncoding.EncodeToString(hash)
	status := `{"status":"MESSAGE_STATUS_SENT","outgoing":{"message_hash":"` + b64 + `","account_index":"3"}}`
	var history []string
	for h := 1; h <= 12; h++ {
		history = append(history, `{"root_height":"`+strings.Repeat("1", h)+`","commitment":"`+b64+`"}`)
	}
	child := `{"child":{"index":1,"verifying_key":"` + base64.StdEncoding.EncodeToString(make([]byte, 1000)) + `"},"history":[` + strings.Join(history, ",") + `]}`
	for _, c := range []struct {
		name       string
		response   string
		message    string
		paged      bool
		args       []string
		want       []string
		notWant    []string
		wantStderr string
	}{
		{"json, hex", status, "slush.bridge.v1.QueryMessageStatusResponse", false, []string{"-o", "json", "--bytes", "hex"},
			[]string{`"message_hash": "` + hex.EncodeToString(hash) + `"`, `"account_index": "3"`}, []string{b64}, ""},
		{"compact json", status, "slush.bridge.v1.QueryMessageStatusResponse", false, []string{"-o", "json", "--bytes", "hex", "--no-indent"},
			[]string{`{"status":"MESSAGE_STATUS_SENT","outgoing":{"message_hash":"` + hex.EncodeToString(hash) + `"`}, nil, ""},
		{"text, hex", status, "slush.bridge.v1.QueryMessageStatusResponse", false, nil,
			[]string{"message_hash: " + hex.EncodeToString(hash)}, []string{b64, "{"}, ""},
		{"base64 on request", status, "slush.bridge.v1.QueryMessageStatusResponse", false, []string{"-o", "json", "--bytes", "base64"},
			[]string{`"message_hash":"` + b64 + `"`}, []string{hex.EncodeToString(hash)}, ""},
		{"json for programs: autocli's, unchanged", status, "slush.bridge.v1.QueryMessageStatusResponse", false, []string{"-o", "json"},
			[]string{`"message_hash":"` + b64 + `"`}, []string{hex.EncodeToString(hash)}, ""},
		{"child: key summary, newest 10 of 12", child, "slush.validium.v1.QueryChildResponse", true, []string{"-o", "json", "--bytes", "hex"},
			[]string{`"bytes": 1000`, `"sha256": "541b3e9daa09b20bf85fa273e5cbd3e80185aa4ec298e765db87742b70138a53"`,
				`"root_height": "111"`, `"root_height": "111111111111"`, `"history_total": 12`},
			[]string{`"root_height": "11"` + "\n"}, "# history: 10 of the 12 entries"},
		{"child: page back", child, "slush.validium.v1.QueryChildResponse", true, []string{"-o", "json", "--bytes", "hex", "--history", "2", "--history-before", "1111"},
			[]string{`"root_height": "11"`, `"root_height": "111"`}, []string{`"root_height": "1111"`}, "below root height 1111"},
		{"child: all", child, "slush.validium.v1.QueryChildResponse", true, []string{"-o", "json", "--bytes", "hex", "--history", "0"},
			[]string{`"root_height": "1"`, `"history_total": 12`}, nil, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			cmd := fakeQuery(t, c.response)
			wrapQuery(cmd, descriptor(t, c.message), c.paged)
			var out, errOut bytes.Buffer
			cmd.SetOut(&out)
			cmd.SetErr(&errOut)
			require.NoError(t, cmd.ParseFlags(c.args))
			require.NoError(t, cmd.RunE(cmd, nil))
			for _, w := range c.want {
				require.Contains(t, out.String(), w)
			}
			for _, w := range c.notWant {
				require.NotContains(t, out.String(), w)
			}
			if c.wantStderr == "" {
				require.Empty(t, errOut.String())
			} else {
				require.Contains(t, errOut.String(), c.wantStderr)
			}
		})
	}
	cmd := fakeQuery(t, status)
	wrapQuery(cmd, descriptor(t, "slush.bridge.v1.QueryMessageStatusResponse"), false)
	require.NoError(t, cmd.ParseFlags([]string{"--bytes", "b58"}))
	require.ErrorContains(t, cmd.RunE(cmd, nil), "want hex, base64 or auto")
}
