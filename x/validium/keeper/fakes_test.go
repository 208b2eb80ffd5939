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

	"github.com/slush-tree/slush/circuits/commitment"
	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/inclusion"
	"github.com/slush-tree/slush/circuits/keys"
	"github.com/slush-tree/slush/circuits/ledger"
	acceptancetypes "github.com/slush-tree/slush/x/acceptance/types"
	ledgertypes "github.com/slush-tree/slush/x/ledger/types"
	"github.com/slush-tree/slush/x/validium/types"
)

// The fakes of the modules x/validium calls (types/expected_keepers.go), where a test needs to
// see or steer the call rather than the module's own behaviour: x/tree is always real (stack_test.go),
// x/acceptance, x/ledger and x/bridge are real where a test asserts their effects.
var (
	_ types.BankKeeper       = (*fakeBank)(nil)
	_ types.BridgeKeeper     = (*fakeBridge)(nil)
	_ types.LedgerKeeper     = (*fakeLedger)(nil)
	_ types.AcceptanceKeeper = (*recordingHooks)(nil)
)

// fakeBank is an in-memory x/bank: account and module balances, and what was burnt.
type fakeBank struct {
	balances map[string]sdk.Coins
	burnt    sdk.Coins
	burnErr  error // what BurnCoins fails with (nil: it burns)
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

// BurnCoins burns from the module account (what slashing needs), or fails with burnErr.
func (b *fakeBank) BurnCoins(_ context.Context, module string, amt sdk.Coins) error {
	if b.burnErr != nil {
		return b.burnErr
	}
	if err := b.move(authtypes.NewModuleAddress(module).String(), "burnt", amt); err != nil {
		return err
	}
	b.burnt = b.burnt.Add(amt...)
	return nil
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
func verifyingKey(t testing.TB, n int) []byte {
	t.Helper()
	ccs, err := frontend.Compile(ecc.BN254.ScalarField(), r1cs.NewBuilder, &publicInputsCircuit{In: make([]frontend.Variable, n)})
	require.NoError(t, err)
	_, vk, err := groth16.Setup(ccs)
	require.NoError(t, err)
	bz, err := keys.MarshalVerifyingKey(vk)
	require.NoError(t, err)
	return bz
}

// sharedVK is one real verifying key with the update circuit's number of public inputs.
var sharedVK []byte

// updateVK is sharedVK, made on first use.
func updateVK(t testing.TB) []byte {
	if sharedVK == nil {
		sharedVK = verifyingKey(t, types.UpdatePublicInputs)
	}
	return sharedVK
}

// errDepositRefused is what the fake bridge answers for the op "refused".
var errDepositRefused = errors.New("fake bridge: deposit refused")

// delivery is one Deliver call: a message minted here with its inbox source.
type delivery struct {
	m   inclusion.Message
	src ledger.Source
}

// inclusionCheck is one VerifyInclusion call.
type inclusionCheck struct {
	rootHeight uint64
	kind       inclusion.Kind
	leaf, dst  fr.Element
	proof      []byte
}

// fakeBridge is x/bridge as x/validium calls it (types.BridgeKeeper), recording every call:
// BurnForChild "burns" any op and returns a message to the child (one registered for those op
// bytes, or one derived from them); Deliver and DeliverRouted record the mints; VerifyInclusion
// accepts every proof unless verifyErr is set.
type fakeBridge struct {
	fixed     map[string]inclusion.Message
	burns     []fr.Element // the child vid of every BurnForChild
	delivered []delivery
	routed    []inclusion.Message
	// minted are the message hashes DeliverRouted reports as minted before (a claim beat the route).
	minted    map[string]bool
	checks    []inclusionCheck
	verifyErr error
}

func newFakeBridge() *fakeBridge {
	return &fakeBridge{fixed: map[string]inclusion.Message{}, minted: map[string]bool{}}
}

func (f *fakeBridge) BurnForChild(_ context.Context, op []byte, childVid fr.Element) (inclusion.Message, error) {
	if string(op) == "refused" {
		return inclusion.Message{}, errDepositRefused
	}
	f.burns = append(f.burns, childVid)
	if m, ok := f.fixed[string(op)]; ok {
		return m, nil
	}
	var nonce uint64
	for _, b := range op {
		nonce = nonce*31 + uint64(b)
	}
	return inclusion.Message{DstVid: childVid, Nonce: nonce, Amount: 1}, nil
}

func (f *fakeBridge) Deliver(_ context.Context, m inclusion.Message, src ledger.Source) (uint64, error) {
	f.delivered = append(f.delivered, delivery{m: m, src: src})
	return uint64(len(f.delivered) - 1), nil
}

func (f *fakeBridge) DeliverRouted(_ context.Context, m inclusion.Message) (bool, error) {
	key := string(hash.EncodeElement(m.Hash()))
	if f.minted[key] {
		return true, nil
	}
	f.minted[key] = true
	f.routed = append(f.routed, m)
	return false, nil
}

// ExecuteForcedWithdrawal is never reached on a parent (the child side is tested over the real
// x/bridge, forced_withdrawal_exec_test.go).
func (f *fakeBridge) ExecuteForcedWithdrawal(context.Context, []byte) (inclusion.Message, uint64, error) {
	return inclusion.Message{}, 0, errors.New("fake bridge: forced withdrawals execute on the child")
}

func (f *fakeBridge) VerifyInclusion(_ context.Context, rootHeight uint64, kind inclusion.Kind, leaf, dst fr.Element, proof []byte) error {
	f.checks = append(f.checks, inclusionCheck{rootHeight: rootHeight, kind: kind, leaf: leaf, dst: dst, proof: proof})
	return f.verifyErr
}

// exitAmounts are the amounts of the exit-source deliveries, in order.
func (f *fakeBridge) exitAmounts() []uint64 {
	var out []uint64
	for _, d := range f.delivered {
		if d.src == ledger.SourceExit {
			out = append(out, d.m.Amount)
		}
	}
	return out
}

// fakeLedger is x/ledger as x/validium reads it: the roots a test set (or err), and the ledger
// shape of the children's proofs (ledgerParams).
type fakeLedger struct {
	roots ledgertypes.Roots
	err   error
}

func (f *fakeLedger) CurrentRoots(context.Context) (ledgertypes.Roots, error) { return f.roots, f.err }

func (f *fakeLedger) GetParams(context.Context) (ledgertypes.Params, error) {
	return ledgertypes.NewParams(ledgerParams), nil
}

// rootLedgerRoots are the roots of a fresh root-chain ledger as the fake reports them.
func rootLedgerRoots() ledgertypes.Roots {
	return ledgertypes.Roots{Vid: fr.Element{}, Ledger: hash.Uint64(901), Outbox: hash.Uint64(902), Receipts: hash.Uint64(903), LogLength: 4}
}

// recordingHooks is x/acceptance as x/validium calls it, recording what it is told; a test sets
// the child's finalized commitment directly (the real keeper is used where finality must follow
// from the acceptance rules).
type recordingHooks struct {
	registered  []uint32
	removed     []uint32
	departed    []uint32 // children reported departed
	updates     []uint64 // root heights of the updates
	rollbacks   []uint32 // children rolled back to their finalized hash
	finalized   []byte   // the child commitment reported as finalized (nil: none)
	maxBuckets  int      // the report bound it answers (0: types.MaxReportedBuckets)
	removeErr   error    // what OnChildRemoved fails with (nil: nothing)
	rollbackErr error    // what RollbackToFinalized fails with (nil: nothing)
	ownUpdates  []uint64 // heights of the own updates recorded
}

func (r *recordingHooks) OnChildRegistered(_ context.Context, index uint32) error {
	r.registered = append(r.registered, index)
	return nil
}

// FinalizedCommitment reports the commitment a test marked final.
func (r *recordingHooks) FinalizedCommitment(_ context.Context, _ uint32) ([]byte, bool, error) {
	return r.finalized, r.finalized != nil, nil
}

func (r *recordingHooks) OnChildUpdate(_ context.Context, _ uint32, height uint64, _ []byte,
	_ acceptancetypes.Histogram, _ uint64,
) error {
	r.updates = append(r.updates, height)
	return nil
}

// MaxReportBuckets is the bound a test set, or the module default.
func (r *recordingHooks) MaxReportBuckets(context.Context) (int, error) {
	if r.maxBuckets == 0 {
		return types.MaxReportedBuckets, nil
	}
	return r.maxBuckets, nil
}

// OnChildRemoved records a deregistered child (or fails as a test asked).
func (r *recordingHooks) OnChildRemoved(_ context.Context, index uint32) error {
	if r.removeErr != nil {
		return r.removeErr
	}
	r.removed = append(r.removed, index)
	return nil
}

// ChildSubtree is a leaf's: 1.
func (r *recordingHooks) ChildSubtree(context.Context, uint32) (uint64, error) { return 1, nil }

// RollbackToFinalized records the rollback (or fails as a test asked).
func (r *recordingHooks) RollbackToFinalized(_ context.Context, index uint32) error {
	if r.rollbackErr != nil {
		return r.rollbackErr
	}
	r.rollbacks = append(r.rollbacks, index)
	return nil
}

// FinalizedChildrenRoot is the empty children root (no child's leaf is tracked here).
func (r *recordingHooks) FinalizedChildrenRoot(context.Context) (fr.Element, error) {
	return commitment.EmptyChildrenRoot(), nil
}

// SubtreeReport is a leaf's report: {(height, 1)}, b = 1.
func (r *recordingHooks) SubtreeReport(_ context.Context, height uint64) (acceptancetypes.SubtreeReport, error) {
	return acceptancetypes.SubtreeReport{Height: height, Histogram: []acceptancetypes.HistogramBucket{{Height: height, Count: 1}}, Subtree: 1}, nil
}

// RecordOwnUpdate records the own update and reports like SubtreeReport.
func (r *recordingHooks) RecordOwnUpdate(ctx context.Context, height uint64, _ []byte) (acceptancetypes.SubtreeReport, error) {
	r.ownUpdates = append(r.ownUpdates, height)
	return r.SubtreeReport(ctx, height)
}

// OnChildDeparted records a departed child.
func (r *recordingHooks) OnChildDeparted(_ context.Context, index uint32) error {
	r.departed = append(r.departed, index)
	return nil
}
