package cli_test

import (
	"encoding/hex"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/x/validium/client/cli"
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
