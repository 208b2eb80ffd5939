package cli_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/slush-tree/slush/testutil/clitest"
	"github.com/slush-tree/slush/x/election/client/cli"
)

// TestElectionCommandFlags: report, vote and witness have the flags scripts/failover.sh uses,
// and report and vote estimate their gas: proof gas exceeds the SDK's 200k default.
func TestElectionCommandFlags(t *testing.T) {
	root := cli.ElectionCmd()
	for _, tc := range []struct {
		sub   string
		flags []string
	}{
		{"report", []string{"node-p", "node-hop", "node-voter", "witness-file", "child", "seed", "key-file", "from", "chain-id", "generate-only"}},
		{"vote", []string{"node-p", "node-hop", "node-voter", "witness-file", "round", "candidate-operator", "candidate-key-hash", "seed", "key-file", "from"}},
		{"witness", []string{"node-p", "node-hop", "node-voter", "child", "round", "out", "node"}},
	} {
		c, _, err := root.Find([]string{tc.sub})
		require.NoError(t, err, tc.sub)
		require.Equal(t, tc.sub, c.Name())
		for _, f := range tc.flags {
			require.NotNil(t, c.Flags().Lookup(f), "%s --%s", tc.sub, f)
		}
		if tc.sub != "witness" {
			require.Equal(t, "auto", c.Flags().Lookup("gas").Value.String(), tc.sub)
			require.Equal(t, "1.3", c.Flags().Lookup("gas-adjustment").Value.String(), tc.sub)
		}
	}
}

// TestElectionCommandArguments: argument errors are reported before any chain is contacted,
// and an unreachable p is named in the error.
func TestElectionCommandArguments(t *testing.T) {
	dead := "tcp://127.0.0.1:1" // nothing listens on port 1
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"report without child", []string{"report", "--seed", "a"}, "--child"},
		{"report without key", []string{"report", "--child", "1"}, "give --seed or --key-file"},
		{"report with two keys", []string{"report", "--child", "1", "--seed", "a", "--key-file", "k"}, "one of --seed and --key-file"},
		{"vote without round", []string{"vote", "--seed", "a"}, "--round"},
		{"vote without candidate key", []string{"vote", "--seed", "a", "--round", "1", "--candidate-operator", "x"}, "--candidate-key-hash"},
		{"vote with a non-hex candidate key", []string{"vote", "--seed", "a", "--round", "1", "--candidate-operator", "x", "--candidate-key-hash", "zz"}, "candidate-key-hash"},
		{"witness for child and round", []string{"witness", "--child", "1", "--round", "1"}, "one of --child and --round"},
		{"witness for nothing", []string{"witness"}, "one of --child and --round"},
		{"p unreachable", []string{"witness", "--child", "1", "--node-p", dead}, "p (" + dead + ")"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := clitest.Run(t, "", cli.ElectionCmd(), tc.args...)
			require.ErrorContains(t, err, tc.want)
		})
	}
}
