package cmd

import (
	"bytes"
	"fmt"
	"strings"
	"unicode"

	gogoproto "github.com/cosmos/gogoproto/proto"
	"github.com/spf13/cobra"
	"google.golang.org/protobuf/reflect/protoreflect"
	"sigs.k8s.io/yaml"

	autocliv1 "cosmossdk.io/api/cosmos/autocli/v1"

	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/client/flags"

	"github.com/slush-tree/slush/internal/queryout"
)

// Flags of every Slush query command (hexQueryOutput).
const (
	// flagBytes selects how bytes fields print: hex, base64 (autocli's own form) or auto (the
	// default: hex in text for people, autocli's unchanged proto JSON with -o json for programs).
	flagBytes = "bytes"
	// flagFullKeys prints verifying keys in full instead of their size and sha256.
	flagFullKeys = "full-keys"
	// flagHistory bounds the history `query validium child` prints (the newest N entries).
	flagHistory = "history"
	// flagHistoryBefore pages back through that history (entries below a root height).
	flagHistoryBefore = "history-before"
	// flagNoIndent is autocli's flag for compact JSON (its constant is internal to client/v2).
	flagNoIndent = "no-indent"
	// defaultHistory is how many history entries `query validium child` prints by default.
	defaultHistory = 10
)

// hexQueryOutput wraps every query command autocli made for a Slush module (service
// `slush.*.Query`) so that it prints bytes fields in hex, as arguments and documents write
// hashes, instead of base64 (`--bytes base64` restores autocli's output), and verifying keys as
// their size and sha256 (`--full-keys` prints them); `query validium child` prints the newest
// --history entries of the child's history (`--history-before` pages back). `-o json` is
// autocli's proto JSON, unchanged (bytes in base64, what scripts and programs parse) unless
// `--bytes hex` asks for hex strings in it; `-o text` is YAML, as autocli prints it.
func hexQueryOutput(root *cobra.Command, modules map[string]*autocliv1.ModuleOptions) error {
	query := findCommand(root, "query")
	if query == nil {
		return fmt.Errorf("no query command")
	}
	files, err := gogoproto.MergedRegistry() // the descriptors autocli resolves (HybridResolver's leave imports unresolved)
	if err != nil {
		return err
	}
	for name, opts := range modules {
		if opts == nil || opts.Query == nil || !strings.HasPrefix(opts.Query.Service, "slush.") {
			continue
		}
		moduleCmd := findCommand(query, name)
		if moduleCmd == nil {
			return fmt.Errorf("no query command for module %s", name)
		}
		d, err := files.FindDescriptorByName(protoreflect.FullName(opts.Query.Service))
		if err != nil {
			return err
		}
		methods := d.(protoreflect.ServiceDescriptor).Methods()
		for i := 0; i < methods.Len(); i++ {
			m := methods.Get(i)
			use := protoNameToCliName(m.Name())
			for _, o := range opts.Query.RpcCommandOptions {
				if o.RpcMethod == string(m.Name()) {
					if o.Skip {
						use = ""
					} else if o.Use != "" {
						use = strings.Fields(o.Use)[0]
					}
				}
			}
			if use == "" {
				continue
			}
			cmd := findCommand(moduleCmd, use)
			if cmd == nil {
				return fmt.Errorf("no command query %s %s for %s", name, use, m.FullName())
			}
			wrapQuery(cmd, m.Output(), name == "validium" && m.Name() == "Child")
		}
	}
	return nil
}

// wrapQuery makes cmd (an autocli query printing a response of type out) render through
// queryout; paged adds the history flags of `query validium child`.
func wrapQuery(cmd *cobra.Command, out protoreflect.MessageDescriptor, paged bool) {
	cmd.Flags().String(flagBytes, "auto", "how bytes fields print: hex, base64 (autocli's form), or auto: hex in text, base64 (proto JSON, unchanged) with -o json")
	cmd.Flags().Bool(flagFullKeys, false, "print verifying keys in full (hex) instead of their size and sha256")
	if paged {
		cmd.Flags().Int(flagHistory, defaultHistory, "print the newest N entries of the child's history (0: all the chain keeps, at most 256)")
		cmd.Flags().Uint64(flagHistoryBefore, 0, "print only history entries below this root height (to page back: the oldest root_height printed)")
	}
	run := cmd.RunE
	cmd.RunE = func(c *cobra.Command, args []string) error {
		format := client.GetClientContextFromCmd(c).OutputFormat
		if format == "" || c.Flags().Changed(flags.FlagOutput) {
			format, _ = c.Flags().GetString(flags.FlagOutput)
		}
		mode, _ := c.Flags().GetString(flagBytes)
		if mode == "auto" {
			mode = "hex"
			if format == flags.OutputFormatJSON {
				mode = "base64"
			}
		}
		switch mode {
		case "base64":
			return run(c, args)
		case "hex":
		default:
			return fmt.Errorf("--%s %q: want hex, base64 or auto", flagBytes, mode)
		}
		if err := c.Flags().Set(flags.FlagOutput, flags.OutputFormatJSON); err != nil { // autocli prints JSON to us
			return err
		}
		var buf bytes.Buffer
		stdout := c.OutOrStdout()
		c.SetOut(&buf)
		err := run(c, args)
		c.SetOut(stdout)
		if err != nil {
			return err
		}
		fullKeys, _ := c.Flags().GetBool(flagFullKeys)
		compact, _ := c.Flags().GetBool(flagNoIndent)
		var note string
		rendered, err := renderQuery(buf.Bytes(), out, queryout.Options{FullKeys: fullKeys}, compact, func(d *queryout.Doc) {
			if !paged {
				return
			}
			limit, _ := c.Flags().GetInt(flagHistory)
			before, _ := c.Flags().GetUint64(flagHistoryBefore)
			total, kept := d.Page("history", "root_height", limit, before)
			note = historyNote(total, kept, before)
		})
		if err != nil {
			return err
		}
		if format == flags.OutputFormatText {
			if rendered, err = yaml.JSONToYAML(rendered); err != nil {
				return err
			}
		}
		fmt.Fprintln(stdout, strings.TrimSpace(string(rendered)))
		if note != "" {
			fmt.Fprintln(c.ErrOrStderr(), note)
		}
		return nil
	}
}

// renderQuery turns autocli's JSON of a response of type out into the operator's form: hex
// bytes, summarised verifying keys, then edit (paging) on the document.
func renderQuery(in []byte, out protoreflect.MessageDescriptor, opts queryout.Options, compact bool, edit func(*queryout.Doc)) ([]byte, error) {
	d, err := queryout.Parse(in)
	if err != nil {
		return nil, err
	}
	d.Hex(out, opts)
	edit(d)
	return d.JSON(compact)
}

// historyNote says, on stderr, how much of a child's history was printed and how to see more.
func historyNote(total, kept int, before uint64) string {
	if kept == total {
		return ""
	}
	where := ""
	if before > 0 {
		where = fmt.Sprintf(" below root height %d", before)
	}
	return fmt.Sprintf("# history: %d of the %d entries the chain keeps%s (newest last; --%s N for more, --%s 0 for all, "+
		"--%s <the oldest root_height printed> for older)", kept, total, where, flagHistory, flagHistory, flagHistoryBefore)
}

// findCommand is parent's direct subcommand called name.
func findCommand(parent *cobra.Command, name string) *cobra.Command {
	for _, c := range parent.Commands() {
		if c.Name() == name {
			return c
		}
	}
	return nil
}

// protoNameToCliName is autocli's default command name of a method: MessageStatus -> message-status.
func protoNameToCliName(name protoreflect.Name) string {
	var b strings.Builder
	for i, r := range string(name) {
		if unicode.IsUpper(r) {
			if i > 0 {
				b.WriteByte('-')
			}
			r = unicode.ToLower(r)
		}
		b.WriteRune(r)
	}
	return b.String()
}
