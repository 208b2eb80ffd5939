package cli_test

import (
	"encoding/hex"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/slush-tree/slush/circuits/commitment"
	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/ledger"
	"github.com/slush-tree/slush/testutil/clitest"
	"github.com/slush-tree/slush/x/ledger/client/cli"
)

// ownerOf is the hex owner hash of a seed's key, computed directly.
func ownerOf(seed string) string {
	return hex.EncodeToString(hash.EncodeElement(ledger.OwnerHash(ledger.KeyFromSeed([]byte(seed)).PublicKey)))
}

// nonCanonical is 32 bytes >= the field modulus: refused, never reduced (DESIGN §3).
var nonCanonical = strings.Repeat("ff", 32)

// runLedger runs `slushchaind ledger args...`.
func runLedger(t *testing.T, args ...string) (string, error) {
	t.Helper()
	return clitest.Run(t, "", cli.LedgerCmd(), args...)
}

// TestLedgerOwner: the owner hash is ledger.OwnerHash of the seed's key, and seeds differ.
func TestLedgerOwner(t *testing.T) {
	out, err := runLedger(t, "owner", "--seed", "alice")
	require.NoError(t, err, out)
	require.Equal(t, ownerOf("alice"), strings.TrimSpace(out))
	require.NotEqual(t, ownerOf("bob"), strings.TrimSpace(out))
	_, err = runLedger(t, "owner")
	require.ErrorContains(t, err, "--seed is required")
}

// decodeOp decodes a printed operation and checks its signature as the chain does.
func decodeOp(t *testing.T, out string, vid []uint8) ledger.Op {
	t.Helper()
	b, err := hex.DecodeString(strings.TrimSpace(out))
	require.NoError(t, err, out)
	op, err := ledger.DecodeOp(b)
	require.NoError(t, err)
	require.NoError(t, ledger.VerifyElement(op.PubKey, op.SigningHash(commitment.MustPackVid(vid)), op.Sig), "signed for this chain")
	other := commitment.MustPackVid([]uint8{9})
	require.Error(t, ledger.VerifyElement(op.PubKey, op.SigningHash(other), op.Sig), "and for no other chain")
	return op
}

// TestLedgerBridgeOut: the printed bridge-out is alice's signed burn on 1-2 to bob on 2, exactly
// as the flags say; every malformed flag is refused before anything is signed.
func TestLedgerBridgeOut(t *testing.T) {
	base := map[string]string{
		"--seed": "alice", "--path": "1-2", "--account": "3", "--nonce": "4", "--asset": "7", "--amount": "30",
		"--dst": "2", "--recipient": ownerOf("bob"), "--deadline": "1000000",
	}
	args := func(edit map[string]string) []string {
		a := []string{"bridge-out"}
		for k, v := range base {
			if e, ok := edit[k]; ok {
				v = e
			}
			if v != "" {
				a = append(a, k, v)
			}
		}
		return a
	}
	out, err := runLedger(t, args(nil)...)
	require.NoError(t, err, out)
	op := decodeOp(t, out, []uint8{1, 2})
	bob := ledger.OwnerHash(ledger.KeyFromSeed([]byte("bob")).PublicKey)
	alice := ledger.KeyFromSeed([]byte("alice"))
	dst := commitment.MustPackVid([]uint8{2})
	asset := hash.Uint64(7)
	require.Equal(t, ledger.OpBridgeOut, op.Kind)
	require.Equal(t, uint64(3), op.From)
	require.Equal(t, uint64(4), op.Nonce)
	require.Equal(t, uint64(30), op.Amount)
	require.Equal(t, uint64(1000000), op.Deadline)
	require.True(t, op.Asset.Equal(&asset))
	require.True(t, op.DstVid.Equal(&dst))
	require.True(t, op.Recipient.Equal(&bob))
	require.True(t, op.PubKey.A.Equal(&alice.PublicKey.A))

	// the asset may also be given as 32 bytes in hex
	out2, err := runLedger(t, args(map[string]string{"--asset": hex.EncodeToString(hash.EncodeElement(asset))})...)
	require.NoError(t, err, out2)
	require.Equal(t, out, out2)

	for _, tc := range []struct {
		name string
		edit map[string]string
		err  string
	}{
		{"no seed", map[string]string{"--seed": ""}, "--seed is required"},
		{"no path", map[string]string{"--path": ""}, "--path is required"},
		{"bad path", map[string]string{"--path": "1-0"}, "invalid tree path"},
		{"no asset", map[string]string{"--asset": ""}, "--asset is required"},
		{"non-canonical asset", map[string]string{"--asset": nonCanonical}, "--asset: hash: non-canonical"},
		{"zero amount", map[string]string{"--amount": "0"}, "--amount must be positive"},
		{"no destination", map[string]string{"--dst": ""}, "--dst is required"},
		{"to itself", map[string]string{"--dst": "1-2"}, "the sending chain itself"},
		{"bad destination", map[string]string{"--dst": "x"}, "invalid tree path"},
		{"recipient not hex", map[string]string{"--recipient": "bob"}, "not hex"},
		{"recipient short", map[string]string{"--recipient": "abcd"}, "length 2, want 32"},
		{"recipient non-canonical", map[string]string{"--recipient": nonCanonical}, "--recipient: hash: non-canonical"},
		{"no deadline", map[string]string{"--deadline": ""}, "--deadline is required"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := runLedger(t, args(tc.edit)...)
			require.ErrorContains(t, err, tc.err, out)
		})
	}
}

// TestLedgerTransfer: the printed transfer is signed for the chain of --path and pays --to.
func TestLedgerTransfer(t *testing.T) {
	out, err := runLedger(t, "transfer", "--seed", "alice", "--path", "root", "--account", "0", "--nonce", "1",
		"--asset", "7", "--amount", "5", "--to", ownerOf("bob"))
	require.NoError(t, err, out)
	op := decodeOp(t, out, nil)
	bob := ledger.OwnerHash(ledger.KeyFromSeed([]byte("bob")).PublicKey)
	require.Equal(t, ledger.OpTransfer, op.Kind)
	require.Equal(t, uint64(5), op.Amount)
	require.Equal(t, uint64(1), op.Nonce)
	require.True(t, op.ToOwner.Equal(&bob))

	out, err = runLedger(t, "transfer", "--seed", "alice", "--path", "root", "--asset", "7", "--amount", "5", "--to", nonCanonical)
	require.ErrorContains(t, err, "--to", out)
}

// TestLedgerBalance: the owner and asset are checked before the chain is asked, and an
// unreachable chain is an error, not an empty balance.
func TestLedgerBalance(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		err  string
	}{
		{"owner not hex", []string{"--owner", "bob", "--asset", "7"}, "--owner"},
		{"asset non-canonical", []string{"--owner", ownerOf("bob"), "--asset", nonCanonical}, "--asset: hash: non-canonical"},
		{"chain unreachable", []string{"--owner", ownerOf("bob"), "--asset", "7", "--node", "tcp://127.0.0.1:1"}, "connection refused"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := runLedger(t, append([]string{"balance"}, tc.args...)...)
			require.ErrorContains(t, err, tc.err, out)
		})
	}
}
