package types_test

import (
	"testing"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/stretchr/testify/require"

	"github.com/slush-tree/slush/circuits/commitment"
	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/prover"
	"github.com/slush-tree/slush/circuits/subtree"
	slushtypes "github.com/slush-tree/slush/types"
	acceptancetypes "github.com/slush-tree/slush/x/acceptance/types"
	"github.com/slush-tree/slush/x/validium/types"
)

// nodeStep is a node step of grandchild 1-1 anchored at 5 whose commitment carries report
// {(3, 1), (5, 1)}: well formed, before any proof is checked.
func nodeStep(kind uint32) types.SubtreeStep {
	report := acceptancetypes.Histogram{{Height: 3, Count: 1}, {Height: 5, Count: 1}}
	c := commitment.Commitment{Vid: commitment.MustPackVid([]uint8{1, 1}), AnchorHeight: 5, AcceptanceDigest: report.Digest()}
	fields := slushtypes.NewCommitmentFields(c)
	zero := hash.EncodeElement(fr.Element{})
	return types.SubtreeStep{
		Kind: kind, Index: 1, RootAfter: zero, Leaf: hash.EncodeElement(c.Hash()), AnchorHeight: 5,
		Proof: make([]byte, prover.CommittedProofSize), Commitment: &fields, Report: acceptancetypes.HistogramToProto(report),
	}
}

// stepUpdate is a stateless-valid update carrying step s.
func stepUpdate(s types.SubtreeStep) *types.MsgSubmitUpdate {
	zero := hash.EncodeElement(fr.Element{})
	return &types.MsgSubmitUpdate{
		ChildIndex: 1,
		NewCommitment: slushtypes.CommitmentFields{
			Vid: hash.EncodeElement(commitment.MustPackVid([]uint8{1})), LedgerRoot: zero, OutboxRoot: zero, ReceiptRoot: zero,
			ChildrenRoot: zero, FinalizedChildrenRoot: zero, AnchorCommitment: zero, AcceptanceDigest: zero, OperatorKeyHash: zero,
		},
		Steps: []types.SubtreeStep{s},
	}
}

// TestNodeStepStateless (issue 16): a node step (kinds 3, 4, 11, 12) carries its grandchild's
// commitment, which hashes to the step's leaf and is anchored at its anchor, and the commitment's
// report in canonical form ending at that anchor; a leaf step (kinds 1, 2) carries neither, its
// report is fixed by the circuit; a forced node child step (11) proves its outbox inside and
// carries none, as a node ledger exit step (12) opens its exits inside. Refused before any state is read.
func TestNodeStepStateless(t *testing.T) {
	for _, kind := range []uint32{subtree.KindNodeLedger, subtree.KindNodeChild, subtree.KindNodeChildForced, subtree.KindNodeLedgerExit} {
		require.True(t, nodeStep(kind).IsNode(), "kind %d", kind)
		require.NoError(t, stepUpdate(nodeStep(kind)).ValidateStateless())
	}
	leaf := nodeStep(subtree.KindLeaf)
	leaf.Commitment, leaf.Report = nil, nil
	require.NoError(t, stepUpdate(leaf).ValidateStateless())

	for _, tc := range []struct {
		name   string
		mutate func(*types.SubtreeStep)
		reason string
	}{
		{"kind 0", func(s *types.SubtreeStep) { s.Kind = 0 }, "kind 0"},
		{"kind 5", func(s *types.SubtreeStep) { s.Kind = 5 }, "kind 5"},
		{"kind 13", func(s *types.SubtreeStep) { s.Kind = 13 }, "kind 13"},
		{"a node ledger exit step with a parent outbox", func(s *types.SubtreeStep) {
			s.Kind, s.ParentOutbox = subtree.KindNodeLedgerExit, hash.EncodeElement(hash.Uint64(1))
		}, "carries no parent outbox"},
		{"a node ledger exit step without its commitment", func(s *types.SubtreeStep) {
			s.Kind, s.Commitment = subtree.KindNodeLedgerExit, nil
		}, "carries its grandchild's commitment"},
		{"a forced node child step with a parent outbox", func(s *types.SubtreeStep) {
			s.Kind, s.ParentOutbox = subtree.KindNodeChildForced, hash.EncodeElement(hash.Uint64(1))
		}, "carries no parent outbox"},
		{"a forced node child step without its report", func(s *types.SubtreeStep) {
			s.Kind, s.Report = subtree.KindNodeChildForced, nil
		}, "report of 0 buckets"},
		{"a leaf step with a report", func(s *types.SubtreeStep) { s.Kind, s.Commitment = subtree.KindLeaf, nil }, "fixes its report"},
		{"a first leaf step with a commitment", func(s *types.SubtreeStep) { s.Kind, s.Report = subtree.KindLeafFirst, nil }, "fixes its report"},
		{"no commitment", func(s *types.SubtreeStep) { s.Commitment = nil }, "carries its grandchild's commitment"},
		{"a commitment field above the modulus", func(s *types.SubtreeStep) {
			s.Commitment.LedgerRoot = fr.Modulus().FillBytes(make([]byte, 32))
		}, "ledger_root"},
		{"a commitment of another leaf", func(s *types.SubtreeStep) { s.Leaf = hash.EncodeElement(hash.Uint64(9)) }, "does not hash to its leaf"},
		{"anchored elsewhere", func(s *types.SubtreeStep) { s.AnchorHeight = 6 }, "anchored at 5, the step at 6"},
		{"no report", func(s *types.SubtreeStep) { s.Report = nil }, "report of 0 buckets"},
		{"too many buckets", func(s *types.SubtreeStep) {
			s.Report = make([]acceptancetypes.HistogramBucket, types.MaxReportedBuckets+1)
		}, "buckets"},
		{"buckets out of order", func(s *types.SubtreeStep) { s.Report[0].Height, s.Report[1].Height = 5, 3 }, "report"},
		{"a zero count", func(s *types.SubtreeStep) { s.Report[0].Count = 0 }, "report"},
		{"newest bucket below the anchor", func(s *types.SubtreeStep) { s.Report = s.Report[:1] }, "newest bucket at 3"},
		{"a report that is not the digest's preimage", func(s *types.SubtreeStep) { s.Report[0].Count = 2 }, "preimage"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := nodeStep(subtree.KindNodeLedger)
			tc.mutate(&s)
			err := stepUpdate(s).ValidateStateless()
			want := types.ErrInvalidStep
			if tc.name == "a commitment field above the modulus" {
				want = slushtypes.ErrInvalidField
			}
			require.ErrorIs(t, err, want)
			require.ErrorContains(t, err, tc.reason)
		})
	}
}

// TestStepKeyByKind: each kind is verified under its own key, none for an unknown kind.
func TestStepKeyByKind(t *testing.T) {
	p := types.Params{LeafStepKey: []byte{1}, NodeLedgerStepKey: []byte{3}, NodeChildStepKey: []byte{4},
		LeafForcedStepKey: []byte{9}, NodeLedgerForcedStepKey: []byte{10}, NodeChildForcedStepKey: []byte{11}, NodeLedgerExitStepKey: []byte{12}}
	for kind, want := range map[uint32][]byte{1: {1}, 2: {1}, 3: {3}, 4: {4}, 5: nil, 9: {9}, 10: {10}, 11: {11}, 12: {12}, 13: nil} {
		require.Equal(t, want, p.StepKey(kind), "kind %d", kind)
	}
}
