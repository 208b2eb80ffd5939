package cmd_test

import (
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/stretchr/testify/require"

	"github.com/slush-tree/slush/cmd/slushchaind/cmd"
)

// slushModules are the modules whose tx and query commands carry curated help.
var slushModules = []string{"tree", "ledger", "acceptance", "bridge", "validium", "election"}

// TestCuratedHelp walks every Slush tx and query command: each has a one-line Short (not
// autocli's "Execute the ... RPC method"), a Long and an Example; every query prints hex
// (--bytes); a tx group with no command is hidden, its Short saying where its messages come from.
func TestCuratedHelp(t *testing.T) {
	root := cmd.NewRootCmd()
	var checked int
	for _, parent := range []string{"query", "tx"} {
		p, _, err := root.Find([]string{parent})
		require.NoError(t, err)
		for _, module := range slushModules {
			group, _, err := p.Find([]string{module})
			require.NoError(t, err, "%s %s", parent, module)
			require.Equal(t, module, group.Name(), "%s %s", parent, module)
			require.NotEmpty(t, group.Short, "%s %s", parent, module)
			require.False(t, strings.HasSuffix(group.Short, "module"), "%s %s: a curated Short, not autocli's: %q", parent, module, group.Short)
			if !group.HasAvailableSubCommands() {
				require.True(t, group.Hidden, "%s %s has no command: hidden", parent, module)
				continue
			}
			walk(group, func(c *cobra.Command) {
				t.Run(c.CommandPath(), func(t *testing.T) {
					require.NotEmpty(t, c.Short)
					require.NotContains(t, c.Short, "\n", "one line")
					require.False(t, strings.HasPrefix(c.Short, "Execute the"), "autocli's default Short: %q", c.Short)
					require.NotEmpty(t, strings.TrimSpace(c.Long), "Long says what it does and when to use it")
					require.NotEmpty(t, strings.TrimSpace(c.Example))
					require.True(t, strings.HasPrefix(strings.TrimSpace(c.Example), "slushchaind ") ||
						strings.Contains(c.Example, "\nslushchaind "), "the example runs slushchaind: %q", c.Example)
					if parent == "query" {
						require.NotNil(t, c.Flags().Lookup("bytes"), "prints hex")
					}
				})
				checked++
			})
		}
	}
	require.GreaterOrEqual(t, checked, 40, "every Slush query and tx")
	for _, hidden := range []string{"acceptance", "election"} {
		c, _, err := root.Find([]string{"tx", hidden})
		require.NoError(t, err)
		require.True(t, c.Hidden, "tx %s is empty: hidden", hidden)
	}
}

// walk calls f on every runnable, visible command under c.
func walk(c *cobra.Command, f func(*cobra.Command)) {
	for _, sub := range c.Commands() {
		if sub.Hidden || sub.Name() == "help" {
			continue
		}
		if sub.Runnable() && !sub.HasAvailableSubCommands() {
			f(sub)
		}
		walk(sub, f)
	}
}
