package app_test

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"strings"
	"testing"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/stretchr/testify/require"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/slush-tree/slush/app/apptesting"
	"github.com/slush-tree/slush/circuits/commitment"
	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/keys"
	"github.com/slush-tree/slush/circuits/ledger"
	slushtypes "github.com/slush-tree/slush/types"
	bridgetypes "github.com/slush-tree/slush/x/bridge/types"
	electiontypes "github.com/slush-tree/slush/x/election/types"
	ledgertypes "github.com/slush-tree/slush/x/ledger/types"
	treetypes "github.com/slush-tree/slush/x/tree/types"
	validiumtypes "github.com/slush-tree/slush/x/validium/types"
)

// TestJunkRefusedInCheckTx: malformed Slush messages — junk ledger ops, ops of the wrong length
// or kind, non-canonical field elements, wrong-length hashes, proofs, keys and signatures —
// and ledger ops signed for another chain (ErrWrongChain, naming both chains) — fail in CheckTx,
// before the ante handler charges anything, with an error naming the problem;
// the same transaction carrying a well-formed op passes CheckTx.
func TestJunkRefusedInCheckTx(t *testing.T) {
	id := treetypes.TreeIdentity{Path: []uint32{1, 2}, ParentChainId: "slush-1", MaxChildren: 3, MaxDepth: 16}
	chain := apptesting.NewChain(t, id, 1)
	chain.NextBlock()
	sender := chain.Address(0).String()

	vid := commitment.MustPackVid([]uint8{1, 2})
	key := ledger.KeyFromSeed([]byte("alice"))
	bob := ledger.OwnerHash(ledger.KeyFromSeed([]byte("bob")).PublicKey)
	transfer, err := ledger.NewTransfer(vid, key, 0, bob, hash.Uint64(7), 5, 0)
	require.NoError(t, err)
	bridgeOut, err := ledger.NewBridgeOut(vid, key, 0, hash.Uint64(7), 5, 0, commitment.MustPackVid([]uint8{2}), bob, 100)
	require.NoError(t, err)
	nowhere, err := ledger.NewBridgeOut(vid, key, 0, hash.Uint64(7), 5, 0, hash.Uint64(0xc8), bob, 100) // depth 200
	require.NoError(t, err)
	// ops signed for another chain: a sibling's vid, the bridge-out's destination's, and a corrupt signature
	forSibling, err := ledger.NewTransfer(commitment.MustPackVid([]uint8{1, 1}), key, 0, bob, hash.Uint64(7), 5, 0)
	require.NoError(t, err)
	forDestination, err := ledger.NewBridgeOut(commitment.MustPackVid([]uint8{2}), key, 0, hash.Uint64(7), 5, 0, commitment.MustPackVid([]uint8{2}), bob, 100)
	require.NoError(t, err)
	forChild, err := ledger.NewBridgeOut(commitment.MustPackVid([]uint8{1, 2, 1}), key, 0, hash.Uint64(7), 5, 0, commitment.MustPackVid([]uint8{1, 2, 1}), bob, 100)
	require.NoError(t, err)
	corrupt := transfer
	corrupt.Amount = 6 // signed for 5
	nonCanonical := transfer.Bytes()
	copy(nonCanonical[1+8+32:], fr.Modulus().FillBytes(make([]byte, 32))) // the asset = r
	modulus := fr.Modulus().FillBytes(make([]byte, 32))

	checkTx := func(sequence uint64, msg sdk.Msg) *abci.ResponseCheckTx {
		t.Helper()
		res, err := chain.App.CheckTx(&abci.RequestCheckTx{Tx: chain.SignTx(0, sequence, msg), Type: abci.CheckTxType_New})
		require.NoError(t, err)
		return res
	}

	// the control: a well-formed op passes CheckTx (its signature and balance are the block's business)
	ok := checkTx(0, &ledgertypes.MsgTransfer{Sender: sender, Op: transfer.Bytes()})
	require.Zero(t, ok.Code, ok.Log)

	for _, c := range []struct {
		name      string
		msg       sdk.Msg
		codespace string
		want      string
	}{
		{"3-byte op", &ledgertypes.MsgTransfer{Sender: sender, Op: []byte{0xcf, 0x3c, 0xf3}}, ledgertypes.ModuleName, fmt.Sprintf("op of 3 bytes, want %d", ledger.OpSize)},
		{"400 KB op", &ledgertypes.MsgTransfer{Sender: sender, Op: bytes.Repeat([]byte{1}, 400_000)}, ledgertypes.ModuleName, "op of 400000 bytes"},
		{"bridge-out as a transfer", &ledgertypes.MsgTransfer{Sender: sender, Op: bridgeOut.Bytes()}, ledgertypes.ModuleName, "got bridge-out, want transfer"},
		{"asset >= r", &ledgertypes.MsgTransfer{Sender: sender, Op: nonCanonical}, ledgertypes.ModuleName, "invalid ledger operation"},
		{"transfer as a bridge-out", &bridgetypes.MsgBridgeOut{Sender: sender, Op: transfer.Bytes()}, ledgertypes.ModuleName, "got transfer, want bridge-out"},
		{"bridge-out to no path", &bridgetypes.MsgBridgeOut{Sender: sender, Op: nowhere.Bytes()}, bridgetypes.ModuleName, "dst_vid is not a tree path"},
		{"31-byte message hash", &bridgetypes.MsgConfirm{Sender: sender, MessageHash: make([]byte, 31), Proof: make([]byte, 164)}, bridgetypes.ModuleName, "message_hash"},
		{"message hash = r", &bridgetypes.MsgConfirm{Sender: sender, MessageHash: modulus, Proof: make([]byte, 164)}, bridgetypes.ModuleName, "message_hash"},
		{"short claim proof", &bridgetypes.MsgClaim{Sender: sender, Message: slushtypes.BridgeMessage{
			SrcVid: make([]byte, 32), DstVid: make([]byte, 32), Recipient: make([]byte, 32), AssetId: make([]byte, 32),
		}, Proof: make([]byte, 100)}, bridgetypes.ModuleName, "proof of 100 bytes, want 164"},
		{"claim of a non-canonical message", &bridgetypes.MsgClaim{Sender: sender, Message: slushtypes.BridgeMessage{
			SrcVid: modulus, DstVid: make([]byte, 32), Recipient: make([]byte, 32), AssetId: make([]byte, 32),
		}, Proof: make([]byte, 164)}, slushtypes.Codespace, "src_vid"},
		{"transfer signed for the sibling 1-1", &ledgertypes.MsgTransfer{Sender: sender, Op: forSibling.Bytes()}, ledgertypes.ModuleName,
			"the transfer was signed for chain 1-1 (vid " + vidHex([]uint8{1, 1}) + "), but this chain is 1-2 (vid " + vidHex([]uint8{1, 2}) + ")"},
		{"bridge-out signed for its destination 2", &bridgetypes.MsgBridgeOut{Sender: sender, Op: forDestination.Bytes()}, ledgertypes.ModuleName,
			"the bridge-out was signed for chain 2 (vid " + vidHex([]uint8{2}) + "), but this chain is 1-2"},
		{"forced deposit signed for its child", &validiumtypes.MsgForceOperation{Depositor: sender, ChildIndex: 1, Op: forChild.Bytes()}, ledgertypes.ModuleName,
			"the bridge-out was signed for chain 1-2-1 (vid " + vidHex([]uint8{1, 2, 1}) + "), but this chain is 1-2"},
		{"transfer with a corrupt signature", &ledgertypes.MsgTransfer{Sender: sender, Op: corrupt.Bytes()}, ledgertypes.ModuleName,
			"does not verify for this chain 1-2"},
		{"update of child 0", &validiumtypes.MsgSubmitUpdate{Operator: sender}, validiumtypes.ModuleName, "child index 0"},
		{"update with a step of kind 99", &validiumtypes.MsgSubmitUpdate{Operator: sender, ChildIndex: 1, NewCommitment: zeroCommitment(),
			Steps: []validiumtypes.SubtreeStep{{Kind: 99}}}, validiumtypes.ModuleName, "kind 99"},
		{"update with a step root = r", &validiumtypes.MsgSubmitUpdate{Operator: sender, ChildIndex: 1, NewCommitment: zeroCommitment(),
			Steps: []validiumtypes.SubtreeStep{{Kind: 1, Index: 1, RootAfter: modulus}}}, validiumtypes.ModuleName, "root_after"},
		{"update with a 3-sibling finalized move", &validiumtypes.MsgSubmitUpdate{Operator: sender, ChildIndex: 1, NewCommitment: zeroCommitment(),
			FinalizedMoves: []validiumtypes.FinalizedLeafMove{{Index: 1, Commitment: make([]byte, 32), Siblings: make([][]byte, 3)}}},
			validiumtypes.ModuleName, "3 siblings"},
		{"registration with a 10-byte key", &validiumtypes.MsgRegisterChild{Operator: sender, VerifyingKey: make([]byte, 10)}, validiumtypes.ModuleName, "10 bytes"},
		{"registration with a 10-byte transfer key", &validiumtypes.MsgRegisterChild{Operator: sender,
			VerifyingKey:         make([]byte, keys.VerifyingKeySize(validiumtypes.UpdatePublicInputs)),
			TransferVerifyingKey: make([]byte, 10)}, validiumtypes.ModuleName, "transfer_verifying_key of 10 bytes"},
		{"forced op of 3 bytes", &validiumtypes.MsgForceOperation{Depositor: sender, ChildIndex: 1, Op: []byte{1, 2, 3}}, ledgertypes.ModuleName, "op of 3 bytes"},
		{"forced withdrawal of 3 bytes", &validiumtypes.MsgForceWithdrawal{Requester: sender, ChildIndex: 1, Op: []byte{1, 2, 3}}, ledgertypes.ModuleName, "op of 3 bytes"},
		{"forced withdrawal from child 0", &validiumtypes.MsgForceWithdrawal{Requester: sender, Op: bridgeOut.Bytes()}, validiumtypes.ModuleName, "child index 0"},
		{"forced-withdrawal proof with neither proof", &validiumtypes.MsgProveForcedWithdrawal{Sender: sender, ChildIndex: 1, Sequence: 1},
			validiumtypes.ModuleName, "exactly one of inclusion and no_op"},
		{"forced-withdrawal execution without a record", &validiumtypes.MsgExecuteForcedWithdrawal{Sender: sender, Sequence: 1},
			validiumtypes.ModuleName, "record of 0 bytes"},
		{"sync without records", &treetypes.MsgSyncParent{Sender: sender}, treetypes.ModuleName, "0 records"},
		{"report without a descendant proof", &electiontypes.MsgReportWithholding{Submitter: sender, ChildIndex: 1, Signature: make([]byte, 64)}, electiontypes.ModuleName, "vid"},
		{"vote in round 0", &electiontypes.MsgEmergencyVote{Submitter: sender}, electiontypes.ModuleName, "round ids start at 1"},
	} {
		t.Run(c.name, func(t *testing.T) {
			res := checkTx(1, c.msg) // the control's CheckTx moved the check state's sequence to 1
			require.NotZero(t, res.Code, "refused in CheckTx")
			require.Equal(t, c.codespace, res.Codespace, res.Log)
			require.True(t, strings.Contains(res.Log, c.want), "log %q names %q", res.Log, c.want)
			if c.codespace == ledgertypes.ModuleName && strings.Contains(c.want, "chain") {
				// refused by the ante handler's chain check, which runs once the tx's signatures
				// and fee are checked (so only a sender who can pay makes a node verify ledger
				// signatures), with the tx's gas meter set up
				require.Equal(t, ok.GasWanted, res.GasWanted, "the tx's gas limit, as any ante refusal reports it")
				require.GreaterOrEqual(t, res.GasUsed, ok.GasUsed/2, "refused after the size and signature gas")
				return
			}
			// refused by ValidateBasic, before the ante handler charged for the tx's size (10 gas a
			// byte) or signature
			require.Less(t, res.GasUsed, ok.GasUsed, "refused before the ante handler ran")
		})
	}
}

// zeroCommitment is a well-formed commitment preimage (every element zero), so that a message's
// other fields are what its stateless check refuses.
func zeroCommitment() slushtypes.CommitmentFields {
	z := func() []byte { return make([]byte, 32) }
	return slushtypes.CommitmentFields{Vid: z(), LedgerRoot: z(), OutboxRoot: z(), ReceiptRoot: z(), ChildrenRoot: z(),
		AnchorCommitment: z(), AcceptanceDigest: z(), OperatorKeyHash: z(), FinalizedChildrenRoot: z()}
}

// vidHex is the hex of path's vid, as ErrWrongChain prints it.
func vidHex(path []uint8) string {
	return hex.EncodeToString(hash.EncodeElement(commitment.MustPackVid(path)))
}
