package keeper_test

import (
	"sync"
	"testing"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark/backend/groth16"
	"github.com/consensys/gnark/constraint"
	"github.com/stretchr/testify/require"

	"cosmossdk.io/log"

	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/inclusion"
	"github.com/slush-tree/slush/circuits/keys"
	"github.com/slush-tree/slush/circuits/ledger"
	"github.com/slush-tree/slush/circuits/prover"
	"github.com/slush-tree/slush/testutil/keepertest"
	"github.com/slush-tree/slush/x/bridge/keeper"
	"github.com/slush-tree/slush/x/bridge/types"
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
func inclusionKeys(t *testing.T) inclusionSystem {
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

// claimFixture: a message from validium 1-2 to validium 2 is in a root commitment at root
// height 10, which validium 2 (this keeper) has synced.
type claimFixture struct {
	env   keepertest.Env
	k     keeper.Keeper
	msgs  types.MsgServer
	q     types.QueryServer
	w     inclusion.Witness
	msg   types.MsgClaim
	proof func() []byte
}

func newClaimFixture(t *testing.T, tree fakeTree, withKey bool) *claimFixture {
	sys := inclusionKeys(t)
	w, err := inclusion.ExampleWitness([]uint8{1, 2}, []uint8{2}, inclusion.KindMessage, 10)
	require.NoError(t, err)
	env := keepertest.New(t, types.StoreKey, types.RegisterInterfaces)
	k := keeper.NewKeeper(env.Codec, env.StoreService, env.AddressCodec, env.Authority, tree, fakeAcceptance{}, log.NewNopLogger())
	gs := types.DefaultGenesisState()
	gs.LedgerParams = testLedger
	if withKey {
		gs.InclusionParams = types.InclusionParams{VerifyingKey: sys.vk, MaxDepth: claimDepth}
	}
	require.NoError(t, k.InitGenesis(env.Ctx, gs))
	require.NoError(t, k.RecordRootCommitment(env.Ctx, 10, hash.EncodeElement(w.Root.Hash())))
	if tree.root { // the root knows root commitments as its own
		require.NoError(t, k.Commitments.Set(env.Ctx, 10, types.OwnCommitment{Height: 10, Commitment: hash.EncodeElement(w.Root.Hash())}))
	}

	prove := func() []byte {
		proof, _, err := prover.ProveInclusion(sys.ccs, sys.pk, claimDepth, w)
		require.NoError(t, err)
		return proof
	}
	body := w.Leaf.Body
	msg := types.MsgClaim{
		Sender: env.OtherAddress(t), RootHeight: 10, Proof: prove(),
		Message: types.BridgeMessage{
			SrcVid: hash.EncodeElement(w.Leaf.SrcVid), DstVid: hash.EncodeElement(w.Leaf.DstVid),
			Nonce: body[0].Uint64(), Recipient: hash.EncodeElement(body[1]), AssetId: hash.EncodeElement(body[2]),
			Amount: body[3].Uint64(), Deadline: body[4].Uint64(),
		},
	}
	return &claimFixture{env: env, k: k, msgs: keeper.NewMsgServerImpl(&k), q: keeper.NewQueryServerImpl(&k), w: w, msg: msg, proof: prove}
}

var destination = fakeTree{rootHeight: 10, path: []uint8{2}}

// TestClaim: a real inclusion proof mints the message to its recipient once, with a receipt;
// another proof of the same message (Groth16 proofs are randomized) hits the nullifier.
func TestClaim(t *testing.T) {
	f := newClaimFixture(t, destination, true)
	before, err := f.k.OwnCommitmentNow(f.env.Ctx)
	require.NoError(t, err)
	res, err := f.msgs.Claim(f.env.Ctx, &f.msg)
	require.NoError(t, err)
	require.Equal(t, hash.EncodeElement(f.w.Leaf.Hash()), res.MessageHash)
	require.Equal(t, uint64(0), res.ReceiptIndex)

	acc, err := f.q.Account(f.env.Ctx, &types.QueryAccountRequest{Index: 0})
	require.NoError(t, err)
	require.Equal(t, f.msg.Message.Recipient, acc.Owner)
	require.Equal(t, f.msg.Message.Amount, acc.Balance)
	nf, err := f.q.Nullifier(f.env.Ctx, &types.QueryNullifierRequest{MessageHash: res.MessageHash})
	require.NoError(t, err)
	require.True(t, nf.Claimed)
	after, err := f.k.OwnCommitmentNow(f.env.Ctx)
	require.NoError(t, err)
	require.NotEqual(t, before.Fields.ReceiptRoot, after.Fields.ReceiptRoot, "the receipt is committed")
	m, err := f.msg.Message.Decode()
	require.NoError(t, err)
	require.Equal(t, hash.EncodeElement(inclusion.ReceiptFor(m).Hash()), res.ReceiptHash, "Hash(Receipt, dst, src, msgHash): no claim height")
	requireMinted(t, f.env.Ctx, f.k, m, ledger.SourceClaim)

	_, err = f.msgs.Claim(f.env.Ctx, &f.msg)
	require.ErrorIs(t, err, types.ErrAlreadyClaimed, "claim twice")
	second := f.msg
	second.Proof = f.proof()
	require.NotEqual(t, f.msg.Proof, second.Proof, "a fresh proof of the same message")
	_, err = f.msgs.Claim(f.env.Ctx, &second)
	require.ErrorIs(t, err, types.ErrAlreadyClaimed, "re-randomised proof hits the nullifier")

	exported, err := f.k.ExportGenesis(f.env.Ctx)
	require.NoError(t, err)
	require.Len(t, exported.Nullifiers, 1)
	require.NoError(t, exported.Validate())
	env2 := keepertest.New(t, types.StoreKey, types.RegisterInterfaces)
	k2 := keeper.NewKeeper(env2.Codec, env2.StoreService, env2.AddressCodec, env2.Authority, destination, fakeAcceptance{}, log.NewNopLogger())
	require.NoError(t, k2.InitGenesis(env2.Ctx, exported))
	again, err := k2.ExportGenesis(env2.Ctx)
	require.NoError(t, err)
	require.Equal(t, exported, again)
	_, err = keeper.NewMsgServerImpl(&k2).Claim(env2.Ctx, &second)
	require.ErrorIs(t, err, types.ErrAlreadyClaimed, "nullifiers survive export and import")
}

// TestClaimRejections: each rule of DESIGN §7.3 refuses a claim and mints nothing.
func TestClaimRejections(t *testing.T) {
	aboveModulus := make([]byte, 32)
	for i := range aboveModulus {
		aboveModulus[i] = 0xff
	}
	cases := []struct {
		name    string
		tree    fakeTree
		withKey bool
		edit    func(m *types.MsgClaim)
		wantErr error
	}{
		{"claim at the wrong destination", fakeTree{rootHeight: 10, path: []uint8{3}}, true, nil, types.ErrWrongDestination},
		{"unknown root height", destination, true, func(m *types.MsgClaim) { m.RootHeight = 11 }, types.ErrUnknownRoot},
		{"after the deadline", fakeTree{rootHeight: 111, path: []uint8{2}}, true, nil, types.ErrClaimExpired},
		{"claims disabled (no key)", destination, false, nil, types.ErrNoInclusionKey},
		{"garbage proof", destination, true, func(m *types.MsgClaim) { m.Proof = []byte("garbage") }, types.ErrInvalidProof},
		{"inflated amount", destination, true, func(m *types.MsgClaim) { m.Message.Amount++ }, types.ErrInvalidProof},
		{"another recipient", destination, true, func(m *types.MsgClaim) { m.Message.Recipient = hash.EncodeElement(fr.NewElement(5)) }, types.ErrInvalidProof},
		{"field element above the modulus", destination, true, func(m *types.MsgClaim) { m.Message.AssetId = aboveModulus }, types.ErrInvalidField},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newClaimFixture(t, tc.tree, tc.withKey)
			msg := f.msg
			if tc.edit != nil {
				tc.edit(&msg)
			}
			_, err := f.msgs.Claim(f.env.Ctx, &msg)
			require.ErrorIs(t, err, tc.wantErr)
			l, err := f.q.Ledger(f.env.Ctx, &types.QueryLedgerRequest{})
			require.NoError(t, err)
			require.Zero(t, l.NumAccounts, "nothing minted")
			require.Zero(t, l.InboxLength, "nothing pushed")
			require.Zero(t, l.LogLength, "nothing logged")
			require.Equal(t, emptyReceiptRoot, l.ReceiptRoot, "no receipt")
		})
	}
}
