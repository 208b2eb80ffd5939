package cmd_test

import (
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/ledger"
	electiontypes "github.com/slush-tree/slush/x/election/types"
)

// TestOperatorKeyShow: the printed hash is x/election's OperatorKeyHash of ledger.KeyFromSeed,
// as JSON with the public key, or alone with --hash-only (the key sources are x/election's
// client's, tested there).
func TestOperatorKeyShow(t *testing.T) {
	key := ledger.KeyFromSeed([]byte("op-1-2"))
	wantPub := hex.EncodeToString(key.PublicKey.Bytes())
	wantHash := hex.EncodeToString(hash.EncodeElement(electiontypes.OperatorKeyHash(key.PublicKey)))

	out, err := execCLI(t, "operator-key", "show", "--seed", "op-1-2")
	require.NoError(t, err, out)
	var info struct {
		PublicKey       string `json:"public_key"`
		OperatorKeyHash string `json:"operator_key_hash"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &info))
	require.Equal(t, wantPub, info.PublicKey)
	require.Equal(t, wantHash, info.OperatorKeyHash)

	keyFile := filepath.Join(t.TempDir(), "operator.key")
	require.NoError(t, os.WriteFile(keyFile, []byte("op-1-2\n"), 0o600))
	out, err = execCLI(t, "operator-key", "show", "--key-file", keyFile, "--hash-only")
	require.NoError(t, err, out)
	require.Equal(t, wantHash, strings.TrimSpace(out))

	_, err = execCLI(t, "operator-key", "show")
	require.ErrorContains(t, err, "give --seed or --key-file")
}
