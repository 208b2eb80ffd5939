package operatorkey_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/spf13/cobra"
	"github.com/stretchr/testify/require"

	"github.com/slush-tree/slush/circuits/ledger"
	"github.com/slush-tree/slush/internal/operatorkey"
)

// TestLoad: the key is ledger.KeyFromSeed of --seed or of a key file's trimmed
// content, and exactly one key source is accepted.
func TestLoad(t *testing.T) {
	want := ledger.KeyFromSeed([]byte("op-1-2"))
	dir := t.TempDir()
	keyFile := filepath.Join(dir, "operator.key")
	require.NoError(t, os.WriteFile(keyFile, []byte("op-1-2\n"), 0o600))
	empty := filepath.Join(dir, "empty.key")
	require.NoError(t, os.WriteFile(empty, []byte(" \n"), 0o600))
	for _, tc := range []struct {
		name string
		args []string
		err  string
	}{
		{"seed", []string{"--seed", "op-1-2"}, ""},
		{"key file", []string{"--key-file", keyFile}, ""},
		{"no key", nil, "give --seed or --key-file"},
		{"two keys", []string{"--seed", "a", "--key-file", keyFile}, "one of"},
		{"empty key file", []string{"--key-file", empty}, "is empty"},
		{"missing key file", []string{"--key-file", filepath.Join(dir, "none")}, "no such file"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cmd := &cobra.Command{}
			operatorkey.AddFlags(cmd)
			require.NoError(t, cmd.ParseFlags(tc.args))
			key, err := operatorkey.Load(cmd)
			if tc.err != "" {
				require.ErrorContains(t, err, tc.err)
				return
			}
			require.NoError(t, err)
			require.True(t, want.PublicKey.Equal(&key.PublicKey))
		})
	}
}
