package keeper_test

import (
	"encoding/hex"
	"sync"
	"testing"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark/backend/groth16"
	"github.com/consensys/gnark/constraint"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/stretchr/testify/require"

	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/inclusion"
	"github.com/slush-tree/slush/circuits/keys"
	"github.com/slush-tree/slush/circuits/ledger"
	"github.com/slush-tree/slush/circuits/prover"
	slushtypes "github.com/slush-tree/slush/types"
	"github.com/slush-tree/slush/x/bridge/types"
	ledgertypes "github.com/slush-tree/slush/x/ledger/types"
)

// claimDepth keeps the inclusion circuit small: a source at depth 2 (validium 1-2).
const claimDepth = 2

type inclusionSystem struct {
	ccs constraint.ConstraintSystem
	pk  groth16.ProvingKey
	vk  []byte
}

var (
	inclusionOnce sync.Once
	inclusionSys  inclusionSystem
	inclusionErr  error
)

// inclusionKeys compiles the inclusion circuit and runs gnark's random (test-only) setup once.
func inclusionKeys(t testing.TB) inclusionSystem {
	inclusionOnce.Do(func() {
		ccs, err := prover.CompileInclusion(claimDepth)
		if err != nil {
			inclusionErr = err
			return
		}
		pk, vk, err := groth16.Setup(ccs)
		if err != nil {
			inclusionErr = err
			return
		}
		vkBytes, err := keys.MarshalVerifyingKey(vk)
		inclusionSys, inclusionErr = inclusionSystem{ccs: ccs, pk: pk, vk: vkBytes}, err
	})
	require.NoError(t, inclusionErr)
	return inclusionSys
}

// prove proves witness w with the test inclusion key.
func prove(t testing.TB, w inclusion.Witness) []byte {
	sys := inclusionKeys(t)
	proof, _, err := prover.ProveInclusion(sys.ccs, sys.pk, claimDepth, w)
	require.NoError(t, err)
	return proof
}

var (
	proofsMu sync.Mutex
	proofs   = map[string][]byte{}
)

// cachedProof proves w once per test binary (key names the witness): a proof stays valid for its
// statement, and proving dominates the tests' run time.
func cachedProof(t testing.TB, key string, w inclusion.Witness) []byte {
	proofsMu.Lock()
	defer proofsMu.Unlock()
	if p, ok := proofs[key]; ok {
		return p
	}
	p := prove(t, w)
	proofs[key] = p
	return p
}

// claimFixture: a message from validium 1-2 to validium 2 is in a root commitment at root
// height 10, which validium 2 (this chain) has synced; claims are enabled.
type claimFixture struct {
	*chain
	w   inclusion.Witness
	msg types.MsgClaim
}

// newClaimFixture is the fixture on the chain at path (the destination 2 unless testing a wrong
// destination), with or without the inclusion key.
func newClaimFixture(t testing.TB, path []uint32, withKey bool) *claimFixture {
	w, err := inclusion.ExampleWitness([]uint8{1, 2}, []uint8{2}, inclusion.KindMessage, 10)
	require.NoError(t, err)
	var edits []func(*genesis)
	if withKey {
		edits = append(edits, withClaims(t))
	}
	c := newChain(t, path, edits...)
	c.syncRoot(t, 10, hash.EncodeElement(w.Root.Hash()))
	m := w.Leaf
	body := m.Body
	msg := types.MsgClaim{
		Sender: c.env.OtherAddress(t), RootHeight: 10, Proof: cachedProof(t, "claim", w),
		Message: slushtypes.BridgeMessage{
			SrcVid: hash.EncodeElement(m.SrcVid), DstVid: hash.EncodeElement(m.DstVid),
			Nonce: body[0].Uint64(), Recipient: hash.EncodeElement(body[1]), AssetId: hash.EncodeElement(body[2]),
			Amount: body[3].Uint64(), Deadline: body[4].Uint64(),
		},
	}
	return &claimFixture{chain: c, w: w, msg: msg}
}

// message is the claimed message.
func (f *claimFixture) message(t testing.TB) inclusion.Message {
	m, err := f.msg.Message.Decode()
	require.NoError(t, err)
	return m
}

// TestClaim proves a real inclusion proof mints the message to its recipient once, with a
// receipt and a nullifier that survive export and import; another proof of the same message
// (Groth16 proofs are randomized) hits the nullifier.
func TestClaim(t *testing.T) {
	f := newClaimFixture(t, destinationPath, true)
	before, err := f.ledger.CurrentRoots(f.env.Ctx)
	require.NoError(t, err)
	ctx := f.env.Ctx.WithEventManager(sdk.NewEventManager())
	res, err := f.msgs.Claim(ctx, &f.msg)
	require.NoError(t, err)
	require.Equal(t, hash.EncodeElement(f.w.Leaf.Hash()), res.MessageHash)
	require.Equal(t, uint64(0), res.ReceiptIndex)
	requireEvent(t, ctx, &types.EventClaimed{
		MessageHash: res.MessageHash, Amount: f.msg.Message.Amount, RootHeight: f.msg.RootHeight, ReceiptIndex: 0,
		MessageHashHex: hex.EncodeToString(res.MessageHash), Source: "1-2", // the example witness: 1-2 to 2
	})

	acc, err := f.lq.Account(f.env.Ctx, &ledgertypes.QueryAccountRequest{Index: 0})
	require.NoError(t, err)
	require.Equal(t, f.msg.Message.Recipient, acc.Owner)
	require.Equal(t, f.msg.Message.Amount, acc.Balance)
	nf, err := f.q.Nullifier(f.env.Ctx, &types.QueryNullifierRequest{MessageHash: res.MessageHash})
	require.NoError(t, err)
	require.True(t, nf.Claimed)
	after, err := f.ledger.CurrentRoots(f.env.Ctx)
	require.NoError(t, err)
	require.NotEqual(t, before.Receipts, after.Receipts, "the receipt is committed")
	m := f.message(t)
	require.Equal(t, hash.EncodeElement(inclusion.ReceiptFor(m).Hash()), res.ReceiptHash, "Hash(Receipt, dst, src, msgHash): no claim height")
	requireMinted(t, f.chain, m, ledger.SourceClaim)

	_, err = f.msgs.Claim(f.env.Ctx, &f.msg)
	require.ErrorIs(t, err, types.ErrAlreadyClaimed, "claim twice")
	second := f.msg
	second.Proof = prove(t, f.w)
	require.NotEqual(t, f.msg.Proof, second.Proof, "a fresh proof of the same message")
	_, err = f.msgs.Claim(f.env.Ctx, &second)
	require.ErrorIs(t, err, types.ErrAlreadyClaimed, "re-randomised proof hits the nullifier")

	exported := f.export(t)
	require.Len(t, exported.bridge.Nullifiers, 1)
	require.NoError(t, exported.bridge.Validate())
	c2 := openChain(t)
	require.NoError(t, c2.init(exported))
	again := c2.export(t)
	require.Equal(t, exported, again)
	_, err = c2.msgs.Claim(c2.env.Ctx, &second)
	require.ErrorIs(t, err, types.ErrAlreadyClaimed, "nullifiers survive export and import")
}

// TestClaimRejections proves each rule of DESIGN §7.3 refuses a claim, and a refused claim
// mints, logs, receipts and nullifies nothing.
func TestClaimRejections(t *testing.T) {
	cases := []struct {
		name    string
		path    []uint32
		withKey bool
		clock   uint64 // the root clock when past the synced 10
		edit    func(m *types.MsgClaim)
		wantErr error
	}{
		{"claim at the wrong destination", []uint32{3}, true, 0, nil, types.ErrWrongDestination},
		{"unknown root height", destinationPath, true, 0, func(m *types.MsgClaim) { m.RootHeight = 11 }, types.ErrUnknownRoot},
		{"at the deadline", destinationPath, true, 110, nil, nil},
		{"after the deadline", destinationPath, true, 111, nil, types.ErrClaimExpired},
		{"claims disabled (no key)", destinationPath, false, 0, nil, types.ErrNoInclusionKey},
		{"garbage proof", destinationPath, true, 0, func(m *types.MsgClaim) { m.Proof = []byte("garbage") }, types.ErrInvalidProof},
		{"inflated amount", destinationPath, true, 0, func(m *types.MsgClaim) { m.Message.Amount++ }, types.ErrInvalidProof},
		{"another recipient", destinationPath, true, 0, func(m *types.MsgClaim) { m.Message.Recipient = hash.EncodeElement(fr.NewElement(5)) }, types.ErrInvalidProof},
		{"field element above the modulus", destinationPath, true, 0, func(m *types.MsgClaim) { m.Message.AssetId = aboveModulus }, slushtypes.ErrInvalidField},
		{"a malformed sender", destinationPath, true, 0, func(m *types.MsgClaim) { m.Sender = "not-an-address" }, types.ErrInvalidAddress},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newClaimFixture(t, tc.path, tc.withKey)
			if tc.clock > 0 {
				f.setClock(t, tc.clock)
			}
			msg := f.msg
			if tc.edit != nil {
				tc.edit(&msg)
			}
			_, err := f.msgs.Claim(f.env.Ctx, &msg)
			if tc.wantErr == nil {
				require.NoError(t, err, "the deadline is the last root height a claim is accepted at")
				return
			}
			require.ErrorIs(t, err, tc.wantErr)
			l := f.ledgerState(t)
			require.Zero(t, l.NumAccounts, "nothing minted")
			require.Zero(t, l.InboxLength, "nothing pushed")
			require.Zero(t, l.LogLength, "nothing logged")
			require.Equal(t, emptyReceiptRoot, l.ReceiptRoot, "no receipt")
			nf, err := f.q.Nullifier(f.env.Ctx, &types.QueryNullifierRequest{MessageHash: hash.EncodeElement(f.w.Leaf.Hash())})
			require.NoError(t, err)
			require.False(t, nf.Claimed, "no nullifier")
		})
	}
}
