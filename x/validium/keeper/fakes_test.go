package keeper_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark/backend/groth16"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/frontend/cs/r1cs"
	"github.com/stretchr/testify/require"

	sdk "github.com/cosmos/cosmos-sdk/types"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"

	"github.com/slush-tree/slush/circuits/inclusion"
	"github.com/slush-tree/slush/circuits/keys"
)

// fakeBank is an in-memory x/bank: account and module balances, nothing else.
type fakeBank struct {
	balances map[string]sdk.Coins
}

func newFakeBank() *fakeBank { return &fakeBank{balances: map[string]sdk.Coins{}} }

func (b *fakeBank) fund(addr sdk.AccAddress, coins sdk.Coins) {
	b.balances[addr.String()] = b.balances[addr.String()].Add(coins...)
}

func (b *fakeBank) balance(addr sdk.AccAddress) sdk.Coins { return b.balances[addr.String()] }

func (b *fakeBank) moduleBalance(name string) sdk.Coins {
	return b.balances[authtypes.NewModuleAddress(name).String()]
}

func (b *fakeBank) move(from, to string, amt sdk.Coins) error {
	have := b.balances[from]
	if !have.IsAllGTE(amt) {
		return fmt.Errorf("insufficient funds: %s < %s", have, amt)
	}
	b.balances[from] = have.Sub(amt...)
	b.balances[to] = b.balances[to].Add(amt...)
	return nil
}

func (b *fakeBank) SendCoinsFromAccountToModule(_ context.Context, from sdk.AccAddress, module string, amt sdk.Coins) error {
	return b.move(from.String(), authtypes.NewModuleAddress(module).String(), amt)
}

func (b *fakeBank) SendCoinsFromModuleToAccount(_ context.Context, module string, to sdk.AccAddress, amt sdk.Coins) error {
	return b.move(authtypes.NewModuleAddress(module).String(), to.String(), amt)
}

// publicInputsCircuit has n public inputs and one constraint: enough for a real verifying key.
type publicInputsCircuit struct {
	In []frontend.Variable `gnark:",public"`
}

func (c *publicInputsCircuit) Define(api frontend.API) error {
	sum := frontend.Variable(0)
	for _, v := range c.In {
		sum = api.Add(sum, v)
	}
	api.AssertIsDifferent(sum, -1)
	return nil
}

// verifyingKey returns the serialized verifying key of a circuit with n public inputs.
func verifyingKey(t *testing.T, n int) []byte {
	t.Helper()
	ccs, err := frontend.Compile(ecc.BN254.ScalarField(), r1cs.NewBuilder, &publicInputsCircuit{In: make([]frontend.Variable, n)})
	require.NoError(t, err)
	_, vk, err := groth16.Setup(ccs)
	require.NoError(t, err)
	bz, err := keys.MarshalVerifyingKey(vk)
	require.NoError(t, err)
	return bz
}

// errDepositRefused is what the fake ledger answers for the op "refused".
var errDepositRefused = errors.New("fake ledger: deposit refused")

// fakeDepositor stands in for x/bridge's ledger: it "burns" any op and returns a message to the
// child, either one registered for those op bytes or one derived from them.
type fakeDepositor struct {
	fixed map[string]inclusion.Message
}

func newFakeDepositor() *fakeDepositor { return &fakeDepositor{fixed: map[string]inclusion.Message{}} }

func (f *fakeDepositor) BurnForChild(_ context.Context, op []byte, childVid fr.Element) (inclusion.Message, error) {
	if string(op) == "refused" {
		return inclusion.Message{}, errDepositRefused
	}
	if m, ok := f.fixed[string(op)]; ok {
		return m, nil
	}
	var nonce uint64
	for _, b := range op {
		nonce = nonce*31 + uint64(b)
	}
	return inclusion.Message{DstVid: childVid, Nonce: nonce, Amount: 1}, nil
}
