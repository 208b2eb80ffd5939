package cli_test

import (
	"strings"
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
		{"witness", []string{"node-p", "node-hop", "node-voter", "child", "round", "root-height", "out", "node"}},
		{"report-root-silent", []string{"node-p", "root-height", "node-root", "witness-file", "from", "chain-id"}},
		{"root-vote", []string{"node-p", "node-hop", "node-voter", "witness-file", "candidate-key-hash", "candidate-consensus-key", "seed", "key-file", "from"}},
		{"adopt-root", []string{"node-p", "node-root", "epoch", "from", "chain-id"}},
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
	hex32 := strings.Repeat("ab", 32)
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
		{"witness for child and round", []string{"witness", "--child", "1", "--round", "1"}, "one of --child, --round and --root-height"},
		{"witness for round and root", []string{"witness", "--round", "1", "--root-height", "5"}, "one of --child, --round and --root-height"},
		{"witness for nothing", []string{"witness"}, "one of --child, --round and --root-height"},
		{"root vote without candidate", []string{"root-vote", "--seed", "a"}, "--candidate-key-hash and --candidate-consensus-key are required"},
		{"root vote with a bad consensus key", []string{"root-vote", "--seed", "a", "--candidate-key-hash", "00", "--candidate-consensus-key", "AAAA"}, "32 bytes"},
		{"root vote without key", []string{"root-vote", "--candidate-key-hash", "00", "--candidate-consensus-key", hex32}, "give --seed or --key-file"},
		{"root report without base", []string{"report-root-silent", "--node-p", dead}, "give --witness-file, or --root-height and --node-root"},
		{"root report with both", []string{"report-root-silent", "--node-p", dead, "--witness-file", "w.json", "--root-height", "3"}, "not both"},
		{"adopt without the restarted root", []string{"adopt-root", "--node-p", dead}, "--node-root"},
		{"p unreachable", []string{"witness", "--child", "1", "--node-p", dead}, "p (" + dead + ")"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := clitest.Run(t, "", cli.ElectionCmd(), tc.args...)
			require.ErrorContains(t, err, tc.want)
		})
	}
}

// TestParseConsensusKey: the candidate's consensus key as 'comet show-validator' prints it, as
// base64 or as hex; anything but a 32-byte ed25519 key is refused.
func TestParseConsensusKey(t *testing.T) {
	key := make([]byte, 32)
	for i := range key {
		key[i] = byte(i)
	}
	b64 := "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="
	for _, tc := range []struct {
		name, in, want string
	}{
		{"show-validator JSON", `{"@type":"/cosmos.crypto.ed25519.PubKey","key":"` + b64 + `"}`, ""},
		{"base64", b64, ""},
		{"hex", "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f", ""},
		{"secp256k1", `{"@type":"/cosmos.crypto.secp256k1.PubKey","key":"` + b64 + `"}`, "want /cosmos.crypto.ed25519.PubKey"},
		{"short", "AAEC", "32 bytes"},
		{"not base64", "%%%", "illegal base64"},
		{"bad JSON", `{"key":`, "unexpected end"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := cli.ParseConsensusKey(tc.in)
			if tc.want != "" {
				require.ErrorContains(t, err, tc.want)
				return
			}
			require.NoError(t, err)
			require.Equal(t, key, got)
		})
	}
}
