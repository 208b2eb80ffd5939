// Package operatorkey loads a chain operator's EdDSA key (DESIGN §3, §9) from the command line: the key a
// chain's commitments bind by its hash, which signs its election messages and its departures.
package operatorkey

import (
	"bytes"
	"errors"
	"fmt"
	"os"

	"github.com/consensys/gnark-crypto/ecc/bn254/twistededwards/eddsa"
	"github.com/spf13/cobra"

	"github.com/slush-tree/slush/circuits/ledger"
)

const (
	flagOperatorSeed    = "seed"
	flagOperatorKeyFile = "key-file"
)

// AddFlags adds the flags Load reads: the operator EdDSA key a chain's
// commitments carry (its hash) and its election messages are signed with (DESIGN §3, §9).
func AddFlags(cmd *cobra.Command) {
	cmd.Flags().String(flagOperatorSeed, "", "seed of the operator EdDSA key (development only: it is the key)")
	cmd.Flags().String(flagOperatorKeyFile, "", "file holding the seed of the operator EdDSA key")
}

// Load derives the operator key from exactly one of --seed and --key-file (the file's
// surrounding whitespace trimmed).
func Load(cmd *cobra.Command) (*eddsa.PrivateKey, error) {
	seed, _ := cmd.Flags().GetString(flagOperatorSeed)
	file, _ := cmd.Flags().GetString(flagOperatorKeyFile)
	switch {
	case seed != "" && file != "":
		return nil, fmt.Errorf("give one of --%s and --%s", flagOperatorSeed, flagOperatorKeyFile)
	case seed != "":
		return ledger.KeyFromSeed([]byte(seed)), nil
	case file != "":
		bz, err := os.ReadFile(file)
		if err != nil {
			return nil, err
		}
		bz = bytes.TrimSpace(bz)
		if len(bz) == 0 {
			return nil, fmt.Errorf("key file %s is empty", file)
		}
		return ledger.KeyFromSeed(bz), nil
	default:
		return nil, errors.New("the operator key: give --" + flagOperatorSeed + " or --" + flagOperatorKeyFile)
	}
}
