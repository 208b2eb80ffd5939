package types_test

import (
	"bytes"
	"math"
	"testing"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/stretchr/testify/require"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/slush-tree/slush/circuits/commitment"
	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/ledger"
	"github.com/slush-tree/slush/circuits/smt"
	slushtypes "github.com/slush-tree/slush/types"
	ledgertypes "github.com/slush-tree/slush/x/ledger/types"
	"github.com/slush-tree/slush/x/validium/types"
)

var (
	fwVid   = commitment.MustPackVid([]uint8{1})
	fwAlice = ledger.KeyFromSeed([]byte("alice"))
	fwBob   = ledger.KeyFromSeed([]byte("bob"))
	fwAsset = hash.Uint64(7)
)

const fwDepth = 4

// fwLedger is a ledger of validium 1 with alice (account 0) holding 100 of asset 7.
func fwLedger(t *testing.T) *ledger.State {
	st, err := ledger.NewState(smt.NewMemStore(), fwVid, ledger.Params{AccountDepth: fwDepth, OutboxDepth: 3, BatchSize: 2})
	require.NoError(t, err)
	require.NoError(t, st.Fund(ledger.OwnerHash(fwAlice.PublicKey), fwAsset, 100))
	return st
}

// fwOpening opens account index of st (or shows it beyond the count) under a commitment of st.
func fwOpening(t *testing.T, st *ledger.State, index uint64) types.AccountOpening {
	l, err := st.Root()
	require.NoError(t, err)
	c := slushtypes.CommitmentFields{Vid: hash.EncodeElement(fwVid), LedgerRoot: hash.EncodeElement(l), OutboxRoot: hash.EncodeElement(hash.Uint64(1)),
		ReceiptRoot: hash.EncodeElement(hash.Uint64(2)), ChildrenRoot: hash.EncodeElement(hash.Uint64(3)), FinalizedChildrenRoot: hash.EncodeElement(hash.Uint64(4)),
		AnchorHeight: 5, AnchorCommitment: hash.EncodeElement(hash.Uint64(5)), AcceptanceDigest: hash.EncodeElement(hash.Uint64(6)),
		OperatorKeyHash: hash.EncodeElement(hash.Uint64(7))}
	o, err := types.NewAccountOpening(st, c, index)
	require.NoError(t, err)
	return o
}

// TestNewAccountOpening: the opening the CLI and the relayer build opens (Open) to the account as
// the ledger holds it, and one beyond the account count carries the ledger root's preimage only.
func TestNewAccountOpening(t *testing.T) {
	st := fwLedger(t)
	o := fwOpening(t, st, 0)
	_, a, err := o.Open(fwDepth)
	require.NoError(t, err)
	want, ok, err := st.Account(0)
	require.NoError(t, err)
	require.True(t, ok)
	require.Equal(t, want, a)
	require.Len(t, o.Siblings, fwDepth)

	beyond := fwOpening(t, st, 5)
	require.Equal(t, uint64(1), beyond.NumAccounts)
	require.Empty(t, beyond.Siblings)
	require.Empty(t, beyond.Owner)
	_, _, err = beyond.Open(fwDepth)
	require.ErrorIs(t, err, types.ErrInvalidExitProof, "an exit or a forced withdrawal cannot use it")
}

// TestNoOpReason proves a no-op is recognised for each rule the ledger debits by (the account
// exists, the key owns it, it holds the asset, the nonce matches, the balance covers the amount),
// an executable op is refused, and a broken opening is refused.
func TestNoOpReason(t *testing.T) {
	st := fwLedger(t)
	bridgeOut := func(from uint64, amount, nonce uint64, asset fr.Element, byBob bool) ledger.Op {
		k := fwAlice
		if byBob {
			k = fwBob
		}
		o, err := ledger.NewBridgeOut(fwVid, k, from, asset, amount, nonce, fr.Element{}, hash.Uint64(9), 1000)
		require.NoError(t, err)
		return o
	}
	cases := []struct {
		name    string
		op      ledger.Op
		opening func() types.AccountOpening
		reason  string
		wantErr error
	}{
		{"executable", bridgeOut(0, 30, 0, fwAsset, false), func() types.AccountOpening { return fwOpening(t, st, 0) }, "", types.ErrWithdrawalExecutable},
		{"insufficient balance", bridgeOut(0, 101, 0, fwAsset, false), func() types.AccountOpening { return fwOpening(t, st, 0) }, "insufficient balance", nil},
		{"nonce", bridgeOut(0, 30, 1, fwAsset, false), func() types.AccountOpening { return fwOpening(t, st, 0) }, "nonce mismatch", nil},
		{"asset", bridgeOut(0, 30, 0, hash.Uint64(8), false), func() types.AccountOpening { return fwOpening(t, st, 0) }, "asset mismatch", nil},
		{"owner", bridgeOut(0, 30, 0, fwAsset, true), func() types.AccountOpening { return fwOpening(t, st, 0) }, "the op's key does not own the account", nil},
		{"unknown account", bridgeOut(3, 30, 0, fwAsset, false), func() types.AccountOpening { return fwOpening(t, st, 3) }, "unknown account", nil},
		{"unknown account, count not the committed one", bridgeOut(3, 30, 0, fwAsset, false), func() types.AccountOpening {
			o := fwOpening(t, st, 3)
			o.NumAccounts = 2
			return o
		}, "", types.ErrInvalidWithdrawalProof},
		{"unknown account with account fields", bridgeOut(3, 30, 0, fwAsset, false), func() types.AccountOpening {
			o := fwOpening(t, st, 3)
			o.Balance = 1
			return o
		}, "", types.ErrInvalidWithdrawalProof},
		{"broken path", bridgeOut(0, 101, 0, fwAsset, false), func() types.AccountOpening {
			o := fwOpening(t, st, 0)
			o.Balance = 50
			return o
		}, "", types.ErrInvalidWithdrawalProof},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, reason, err := types.NoOpReason(tc.opening(), tc.op, fwDepth)
			if tc.wantErr != nil {
				require.ErrorIs(t, err, tc.wantErr)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tc.reason, reason)
		})
	}
}

// TestDecodeWithdrawalOp proves a forced withdrawal's op is refused without state unless it is a
// canonical bridge-out with a positive amount, a usable nonce and a validium as destination.
func TestDecodeWithdrawalOp(t *testing.T) {
	good, err := ledger.NewBridgeOut(fwVid, fwAlice, 0, fwAsset, 30, 0, fr.Element{}, hash.Uint64(9), 1000)
	require.NoError(t, err)
	sign := func(edit func(o *ledger.Op)) []byte {
		o := good
		edit(&o)
		require.NoError(t, o.Sign(fwVid, fwAlice))
		return o.Bytes()
	}
	badDst := hash.Uint64(0xff) // depth byte 0xff: no path
	cases := []struct {
		name    string
		bz      []byte
		wantErr error
	}{
		{"valid", good.Bytes(), nil},
		{"truncated", good.Bytes()[1:], ledgertypes.ErrInvalidOp},
		{"zero amount", sign(func(o *ledger.Op) { o.Amount = 0 }), types.ErrInvalidWithdrawal},
		{"exhausted nonce", sign(func(o *ledger.Op) { o.Nonce = math.MaxUint64 }), types.ErrInvalidWithdrawal},
		{"destination is no validium", sign(func(o *ledger.Op) { o.DstVid = badDst }), types.ErrInvalidWithdrawal},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := types.DecodeWithdrawalOp(tc.bz)
			if tc.wantErr == nil {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, tc.wantErr)
		})
	}
}

// TestForcedWithdrawalGenesisValidate proves genesis refuses forced withdrawals of unknown
// children, out of order, with an unknown status or an op that is not a forced bridge-out.
func TestForcedWithdrawalGenesisValidate(t *testing.T) {
	op, err := ledger.NewBridgeOut(fwVid, fwAlice, 0, fwAsset, 30, 0, fr.Element{}, hash.Uint64(9), 1000)
	require.NoError(t, err)
	w := func(child uint32, seq uint64) types.ForcedWithdrawal {
		return types.ForcedWithdrawal{ChildIndex: child, Sequence: seq, Op: op.Bytes(), OpHash: hash.EncodeElement(op.SigningHash(fwVid)),
			Deadline: 9, QueuedOutboxRoot: hash.EncodeElement(hash.Uint64(1)), Status: types.ForcedWithdrawalStatus_FORCED_WITHDRAWAL_STATUS_PENDING}
	}
	genesis := func(ws ...types.ForcedWithdrawal) *types.GenesisState {
		gs := types.DefaultGenesisState()
		gs.Children = []types.Child{{Index: 1, Operator: sdk.AccAddress(bytes.Repeat([]byte{1}, 20)).String(), Bond: types.DefaultMinChildBond, Status: types.ChildStatus_CHILD_STATUS_ACTIVE, VerifyingKey: []byte{1}}}
		gs.ForcedWithdrawals = ws
		return gs
	}
	bad := w(1, 2)
	bad.Status = 9
	badOp := w(1, 2)
	badOp.Op = badOp.Op[1:]
	cases := []struct {
		name string
		gs   *types.GenesisState
		ok   bool
	}{
		{"valid", genesis(w(1, 1), w(1, 2)), true},
		{"unknown child", genesis(w(2, 1)), false},
		{"out of order", genesis(w(1, 2), w(1, 1)), false},
		{"unknown status", genesis(w(1, 1), bad), false},
		{"malformed op", genesis(w(1, 1), badOp), false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.gs.Validate()
			if tc.ok {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, types.ErrInvalidGenesis)
		})
	}
}
