package keeper_test

import (
	"errors"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/slush-tree/slush/circuits/commitment"
	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/smt"
	slushtypes "github.com/slush-tree/slush/types"
	acceptancetypes "github.com/slush-tree/slush/x/acceptance/types"
	treetypes "github.com/slush-tree/slush/x/tree/types"
	"github.com/slush-tree/slush/x/validium/types"
)

// childrenRootOf is the root of a children SMT holding only child index's leaf at commitment c.
func (s *KeeperTestSuite) childrenRootOf(index uint8, c []byte) fr.Element {
	tree, err := commitment.NewChildrenTree(smt.NewMemStore())
	s.Require().NoError(err)
	h, err := hash.DecodeElement(c)
	s.Require().NoError(err)
	s.Require().NoError(tree.SetChild(index, h))
	root, err := tree.Root()
	s.Require().NoError(err)
	return root
}

// ownCommitment is the commitment at block height h recorded with x/tree (ok: there is one).
func (s *KeeperTestSuite) ownCommitment(ctx sdk.Context, h int64) (treetypes.OwnCommitment, bool) {
	c, err := s.stack.tree.Commitments.Get(ctx, h)
	if err != nil {
		return treetypes.OwnCommitment{}, false
	}
	return c, true
}

// TestOwnCommitmentNow proves this chain's commitment binds x/ledger's roots and log length, its
// children root (each child's latest accepted commitment), x/acceptance's finalized-children root
// and the digest of its subtree report, and x/tree's operator key, epoch and anchor (at the root:
// this height and the previous block's commitment); a change of any of them is another commitment.
func (s *KeeperTestSuite) TestOwnCommitmentNow() {
	s.useRealAcceptance()
	id := treetypes.RootIdentity()
	id.OperatorKeyHash, id.Epoch = payload(8), 3
	s.setIdentity(&id)
	c := s.setupUpdates()
	res1, err := s.msgs.SubmitUpdate(s.env.Ctx, s.update(c, 1, nil, 5))
	s.Require().NoError(err)
	res2, err := s.msgs.SubmitUpdate(s.env.Ctx, s.update(c, 1, res1.Commitment, 6))
	s.Require().NoError(err)
	s.Require().Equal(res1.Commitment, s.finalized(1), "C2's report finalized C1")

	ctx := s.env.Ctx.WithBlockHeight(20)
	prev := hash.Uint64(1919)
	s.Require().NoError(s.stack.tree.Commitments.Set(ctx, 19, treetypes.OwnCommitment{Height: 19, Commitment: hash.EncodeElement(prev)}))
	report, err := s.stack.acceptance.SubtreeReport(ctx, 20)
	s.Require().NoError(err)
	s.Require().Equal(acceptancetypes.Histogram{{Height: 6, Count: 1}, {Height: 20, Count: 1}}, acceptancetypes.HistogramFromProto(report.Histogram),
		"child 1's report merged with this update's own")
	key, err := hash.DecodeElement(payload(8))
	s.Require().NoError(err)
	roots := s.ledger.roots
	want := commitment.Commitment{
		Vid: roots.Vid, LedgerRoot: roots.Ledger, OutboxRoot: roots.Outbox, ReceiptRoot: roots.Receipts,
		ChildrenRoot: s.childrenRootOf(1, res2.Commitment), FinalizedChildrenRoot: s.childrenRootOf(1, res1.Commitment),
		AnchorHeight: 20, AnchorCommitment: prev, AcceptanceDigest: acceptancetypes.HistogramFromProto(report.Histogram).Digest(),
		OperatorKeyHash: key, Epoch: 3,
	}
	got, err := s.keeper.OwnCommitmentNow(ctx)
	s.Require().NoError(err)
	s.Require().Equal(treetypes.OwnCommitment{
		Height: 20, Commitment: hash.EncodeElement(want.Hash()), Fields: slushtypes.NewCommitmentFields(want), LogLength: roots.LogLength,
	}, got)

	otherID := id
	otherID.Epoch = 4
	cases := []struct {
		name   string
		change func(ctx sdk.Context) sdk.Context
		field  func(f slushtypes.CommitmentFields) []byte
	}{
		{"x/ledger's ledger root", func(ctx sdk.Context) sdk.Context {
			s.ledger.roots.Ledger = hash.Uint64(77)
			return ctx
		}, func(f slushtypes.CommitmentFields) []byte { return f.LedgerRoot }},
		{"x/tree's operator epoch", func(ctx sdk.Context) sdk.Context {
			s.stack.setIdentity(ctx, &otherID, nil)
			return ctx
		}, func(f slushtypes.CommitmentFields) []byte { return hash.EncodeElement(hash.Uint64(f.Epoch)) }},
		{"x/tree's anchor (the next height)", func(ctx sdk.Context) sdk.Context { return ctx.WithBlockHeight(21) },
			func(f slushtypes.CommitmentFields) []byte { return hash.EncodeElement(hash.Uint64(f.AnchorHeight)) }},
		{"x/acceptance's finalized children (child 1's record dropped)", func(ctx sdk.Context) sdk.Context {
			s.Require().NoError(s.stack.acceptance.OnChildRemoved(ctx, 1))
			return ctx
		}, func(f slushtypes.CommitmentFields) []byte { return f.FinalizedChildrenRoot }},
		{"x/acceptance's subtree report (child 1 reports a newer height)", func(ctx sdk.Context) sdk.Context {
			s.Require().NoError(s.stack.acceptance.OnChildUpdate(ctx, 1, 7, payload(70), acceptancetypes.Histogram{{Height: 7, Count: 1}}, 1))
			return ctx
		}, func(f slushtypes.CommitmentFields) []byte { return f.AcceptanceDigest }},
	}
	for _, tc := range cases {
		s.Run(tc.name, func() {
			roots := s.ledger.roots
			defer func() { s.ledger.roots = roots }()
			branch, _ := ctx.CacheContext()
			changed, err := s.keeper.OwnCommitmentNow(tc.change(branch))
			s.Require().NoError(err)
			s.Require().NotEqual(got.Commitment, changed.Commitment)
			s.Require().NotEqual(tc.field(got.Fields), tc.field(changed.Fields), "the field that moved")
			pre, err := changed.Fields.Decode()
			s.Require().NoError(err)
			s.Require().Equal(hash.EncodeElement(pre.Hash()), changed.Commitment, "the commitment hashes the fields it reports")
		})
	}
}

// TestEndBlockerRecordsOwnCommitment proves EndBlock records the block's commitment with x/tree
// at the block height (indexed by hash, and at the root the root commitment children anchor to),
// reports the own update to x/acceptance, and the next block's commitment anchors to it.
func (s *KeeperTestSuite) TestEndBlockerRecordsOwnCommitment() {
	s.useRealAcceptance()
	ctx := s.env.Ctx.WithBlockHeight(7)
	want, err := s.keeper.OwnCommitmentNow(ctx)
	s.Require().NoError(err)
	s.Require().NoError(s.keeper.EndBlocker(ctx))

	got, ok := s.ownCommitment(ctx, 7)
	s.Require().True(ok)
	s.Require().Equal(want, got)
	first, err := s.stack.tree.CommitmentHeights.Get(ctx, want.Commitment)
	s.Require().NoError(err)
	s.Require().Equal(int64(7), first)
	root, ok, err := s.stack.tree.RootCommitmentAt(ctx, 7)
	s.Require().NoError(err)
	s.Require().True(ok)
	s.Require().Equal(want.Commitment, root, "the root's commitment at 7 is the root commitment at root height 7")
	last, err := s.stack.acceptance.LastReport.Get(ctx)
	s.Require().NoError(err)
	s.Require().Equal(uint64(7), last.Height, "the own update is reported to x/acceptance")

	next := ctx.WithBlockHeight(8)
	s.Require().NoError(s.keeper.EndBlocker(next))
	c8, ok := s.ownCommitment(next, 8)
	s.Require().True(ok)
	s.Require().Equal(uint64(8), c8.Fields.AnchorHeight)
	s.Require().Equal(want.Commitment, c8.Fields.AnchorCommitment, "block 8 anchors to block 7's commitment")
	s.Require().NotContains(s.logs.String(), "not recorded")
}

// errLedgerRoots is the fake x/ledger's failure to read its roots.
var errLedgerRoots = errors.New("fake ledger: roots unreadable")

// TestEndBlockerFailingStepWritesNothing proves each step of EndBlock runs on its own: a failing
// step is logged and leaves no write (no commitment, no own update, no freeze), the other step
// still runs, and EndBlock never fails (it would halt the chain); an own update x/acceptance
// refuses leaves the commitment recorded.
func (s *KeeperTestSuite) TestEndBlockerFailingStepWritesNothing() {
	const height = 102 // child 1's forced operation (deadline 101) has expired
	cases := []struct {
		name         string
		breakIt      func(ctx sdk.Context)
		wantRecorded bool   // the commitment at height is recorded
		wantReported bool   // x/acceptance's last report is the one at height
		wantFrozen   bool   // the expiry step froze child 1
		wantLog      string // the failure logged ("": none)
	}{
		{"nothing fails", func(sdk.Context) {}, true, true, true, ""},
		{"x/ledger cannot read its roots", func(sdk.Context) { s.ledger.err = errLedgerRoots },
			false, false, true, "own commitment not recorded"},
		{"x/acceptance refuses the subtree report (a child reported a newer height)", func(ctx sdk.Context) {
			s.Require().NoError(s.stack.acceptance.OnChildUpdate(ctx, 1, height+5, payload(70),
				acceptancetypes.Histogram{{Height: height + 5, Count: 1}}, 1))
		}, false, false, true, "own commitment not recorded"},
		{"x/tree fails after storing the commitment (no params to prune by): the write is discarded", func(ctx sdk.Context) {
			s.Require().NoError(s.stack.tree.Params.Remove(ctx))
		}, false, false, true, "own commitment not recorded"},
		{"the expiry step fails (no params)", func(ctx sdk.Context) { s.Require().NoError(s.keeper.Params.Remove(ctx)) },
			true, true, false, "expired forced operations not processed"},
		{"x/acceptance refuses the own update (stale): the commitment is kept", func(ctx sdk.Context) {
			s.Require().NoError(s.stack.acceptance.LastReport.Set(ctx, acceptancetypes.SubtreeReport{Height: height + 5, Subtree: 1}))
		}, true, false, true, ""},
	}
	for _, tc := range cases {
		s.Run(tc.name, func() {
			s.SetupTest()
			s.useRealAcceptance()
			_, err := s.register(s.operator(1))
			s.Require().NoError(err)
			_, err = s.force(1, 7)
			s.Require().NoError(err)
			ctx := s.env.Ctx.WithBlockHeight(height)
			tc.breakIt(ctx)
			before, beforeErr := s.stack.acceptance.LastReport.Get(ctx)
			want, wantErr := s.keeper.OwnCommitmentNow(ctx)

			s.Require().NoError(s.keeper.EndBlocker(ctx), "EndBlock never halts the chain")
			got, recorded := s.ownCommitment(ctx, height)
			s.Require().Equal(tc.wantRecorded, recorded)
			if tc.wantRecorded {
				s.Require().NoError(wantErr)
				s.Require().Equal(want, got)
			} else if wantErr == nil {
				_, err := s.stack.tree.CommitmentHeights.Get(ctx, want.Commitment)
				s.Require().Error(err, "nothing indexed")
			}
			last, lastErr := s.stack.acceptance.LastReport.Get(ctx)
			if tc.wantReported {
				s.Require().NoError(lastErr)
				s.Require().Equal(uint64(height), last.Height)
			} else {
				s.Require().Equal(beforeErr, lastErr)
				s.Require().Equal(before, last, "no own update recorded")
			}
			child, err := s.keeper.GetChild(ctx, 1)
			s.Require().NoError(err)
			s.Require().Equal(tc.wantFrozen, child.Status == types.ChildStatus_CHILD_STATUS_FROZEN)
			if tc.wantLog == "" {
				s.Require().NotContains(s.logs.String(), "not ")
				return
			}
			s.Require().Contains(s.logs.String(), tc.wantLog)
			s.Require().Contains(s.logs.String(), `"height":102`)
		})
	}
}
