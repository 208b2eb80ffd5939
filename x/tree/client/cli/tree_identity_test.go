package cli_test

import (
	"encoding/hex"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/ledger"
	"github.com/slush-tree/slush/testutil/clitest"
	electiontypes "github.com/slush-tree/slush/x/election/types"
	"github.com/slush-tree/slush/x/tree/client/cli"
	"github.com/slush-tree/slush/x/tree/types"
)

// TestParseOperatorKeyHash: only 32 canonical non-zero bytes (or nothing) are an operator key
// hash; nothing is reduced or padded (DESIGN §3).
func TestParseOperatorKeyHash(t *testing.T) {
	valid := hash.EncodeElement(hash.Uint64(12345))
	for _, tc := range []struct {
		name, in string
		want     []byte
		err      string
	}{
		{"none", "", nil, ""},
		{"hex", hex.EncodeToString(valid), valid, ""},
		{"0x hex", "0x" + hex.EncodeToString(valid), valid, ""},
		{"not hex", "0xzz", nil, "not hex"},
		{"odd length", hex.EncodeToString(valid)[1:], nil, "not hex"},
		{"short", hex.EncodeToString(valid[1:]), nil, "31 bytes"},
		{"long", hex.EncodeToString(append(valid, 0)), nil, "33 bytes"},
		{"the modulus", "30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000001", nil, "operator_key_hash"},
		{"all ones", strings.Repeat("ff", 32), nil, "operator_key_hash"},
		{"zero", strings.Repeat("00", 32), nil, "zero"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := cli.ParseOperatorKeyHash(tc.in)
			if tc.err != "" {
				require.ErrorContains(t, err, tc.err)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tc.want, got)
		})
	}
}

// TestSetTreeIdentityOperatorKeyHash: the chain's operator key hash lands in genesis only if it
// is 32 canonical non-zero bytes.
func TestSetTreeIdentityOperatorKeyHash(t *testing.T) {
	home := clitest.NewHome(t, "slush-1-2", types.RootIdentity())
	identity := func() types.TreeIdentity {
		var gs types.GenesisState
		clitest.ModuleGenesis(t, home, types.ModuleName, &gs)
		return gs.Identity
	}
	set := func(keyHash string) error {
		out, err := clitest.Run(t, home, cli.SetTreeIdentityCmd(home), "1-2", "--parent-chain-id", "slush-1",
			"--operator-key-hash", keyHash, "--home", home)
		if err != nil {
			return err
		}
		require.NotContains(t, out, "rror")
		return nil
	}
	key := ledger.KeyFromSeed([]byte("op-1-2"))
	want := hash.EncodeElement(electiontypes.OperatorKeyHash(key.PublicKey))
	require.NoError(t, set(hex.EncodeToString(want)))
	require.Equal(t, want, identity().OperatorKeyHash)
	require.Equal(t, []uint32{1, 2}, identity().Path)

	modulus := "30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000001" // BN254 r
	for _, tc := range []struct {
		name, keyHash, want string
	}{
		{"not hex", "zz", "not hex"},
		{"31 bytes", hex.EncodeToString(want[1:]), "31 bytes"},
		{"the modulus (non-canonical)", modulus, "operator_key_hash"},
		{"zero", strings.Repeat("00", 32), "zero"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			require.ErrorContains(t, set(tc.keyHash), tc.want)
			require.Equal(t, want, identity().OperatorKeyHash, "genesis unchanged")
		})
	}
	require.NoError(t, set("0x"+hex.EncodeToString(want)))
	require.Equal(t, want, identity().OperatorKeyHash)
	require.NoError(t, clitest.ValidateGenesis(t, home))
}
