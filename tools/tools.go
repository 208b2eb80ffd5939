//go:build tools

// Package tools pins the modules the chain needs before code imports them.
package tools

import (
	_ "cosmossdk.io/client/v2/autocli"
	_ "cosmossdk.io/x/upgrade"
	_ "github.com/cometbft/cometbft/light"
	_ "github.com/consensys/gnark/backend/groth16"
	_ "github.com/consensys/gnark/std/hash/mimc"
	_ "github.com/consensys/gnark/std/permutation/poseidon2"
	_ "github.com/consensys/gnark/std/signature/eddsa"
	_ "github.com/consensys/gnark/test"
	_ "github.com/cosmos/cosmos-sdk/server"
	_ "github.com/cosmos/cosmos-sdk/x/bank"
	_ "github.com/cosmos/cosmos-sdk/x/consensus"
	_ "github.com/cosmos/cosmos-sdk/x/distribution"
	_ "github.com/cosmos/cosmos-sdk/x/gov"
	_ "github.com/cosmos/cosmos-sdk/x/mint"
	_ "github.com/cosmos/cosmos-sdk/x/slashing"
	_ "github.com/cosmos/cosmos-sdk/x/staking"
)
