package keeper_test

import (
	"bytes"
	"errors"
	"time"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"cosmossdk.io/collections"
	storetypes "cosmossdk.io/store/types"

	"github.com/slush-tree/slush/circuits/commitment"
	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/inclusion"
	"github.com/slush-tree/slush/circuits/ledger"
	"github.com/slush-tree/slush/circuits/smt"
	slushtypes "github.com/slush-tree/slush/types"
	acceptancetypes "github.com/slush-tree/slush/x/acceptance/types"
	treetypes "github.com/slush-tree/slush/x/tree/types"
	"github.com/slush-tree/slush/x/validium/keeper"
	"github.com/slush-tree/slush/x/validium/types"
)

// Issue 13 "Bridge safety": what the parent checks of an update's inbox entries (DESIGN §5: every
// mint is proven; §7.3: at most once; §8: exits only from a finalized state), the bounded
// acceptance report, the receipt root, and the exit records.

// queueDeposit forces m on child index (the fake ledger burns the op and returns m).
func (s *KeeperTestSuite) queueDeposit(index uint32, op string, m inclusion.Message) *types.MsgForceOperationResponse {
	s.bridge.fixed[op] = m
	res, err := s.msgs.ForceOperation(s.env.Ctx, &types.MsgForceOperation{
		Depositor: s.operator(50).String(), ChildIndex: index, Op: []byte(op),
	})
	s.Require().NoError(err)
	return res
}

// requireRefusedUnchanged submits msg, requires wantErr and that nothing in the state moved.
func (s *KeeperTestSuite) requireRefusedUnchanged(msg *types.MsgSubmitUpdate, wantErr error) {
	before, err := s.keeper.ExportGenesis(s.env.Ctx)
	s.Require().NoError(err)
	_, err = s.msgs.SubmitUpdate(s.env.Ctx, msg)
	s.Require().ErrorIs(err, wantErr)
	after, err := s.keeper.ExportGenesis(s.env.Ctx)
	s.Require().NoError(err)
	s.Require().Equal(before, after, "a refused update changes nothing")
}

// TestUpdateInboxEntryRules proves every update carries a real proof of a batch minting its entries
// (the ledger circuit accepts each); the parent refuses a message consumed twice, in one update or
// across updates, and a forced entry its queue does not hold; a claim may consume a queued
// operation (the claim beat the route), as a forced entry does.
func (s *KeeperTestSuite) TestUpdateInboxEntryRules() {
	cases := []struct {
		name string
		// build runs on a fresh keeper with child 1 registered at genesis (anchors 5, 6, 8) and
		// returns the update and the message it mints
		build        func(c *childLedger) (*types.MsgSubmitUpdate, inclusion.Message)
		wantErr      error
		wantConsumed uint64
	}{
		{"duplicate entry within an update", func(c *childLedger) (*types.MsgSubmitUpdate, inclusion.Message) {
			m := c.deposit("alice", 1)
			return withRepeated(s.updateWith(c, 1, nil, 5, claimed(m)), m, ledger.SourceClaim), m
		}, types.ErrDuplicateEntry, 0},
		{"forced entry repeated within an update", func(c *childLedger) (*types.MsgSubmitUpdate, inclusion.Message) {
			m := c.deposit("alice", 1)
			s.queueDeposit(1, "alice-1", m)
			return withRepeated(s.updateWith(c, 1, nil, 5, forcedIn(m)), m, ledger.SourceForced), m
		}, types.ErrDuplicateEntry, 0},
		{"entry consumed by an earlier update", func(c *childLedger) (*types.MsgSubmitUpdate, inclusion.Message) {
			m, other := c.deposit("alice", 1), c.deposit("bob", 2)
			res, err := s.msgs.SubmitUpdate(s.env.Ctx, s.updateWith(c, 1, nil, 5, claimed(m)))
			s.Require().NoError(err)
			return withRepeated(s.updateWith(c, 1, res.Commitment, 6, claimed(other)), m, ledger.SourceClaim), m
		}, types.ErrDuplicateEntry, 0},
		{"entry consumed earlier under another source", func(c *childLedger) (*types.MsgSubmitUpdate, inclusion.Message) {
			m, other := c.deposit("alice", 1), c.deposit("bob", 2)
			res, err := s.msgs.SubmitUpdate(s.env.Ctx, s.updateWith(c, 1, nil, 5, claimed(m)))
			s.Require().NoError(err)
			s.queueDeposit(1, "alice-1", m) // forced after the claim: matched by nothing new
			return withRepeated(s.updateWith(c, 1, res.Commitment, 6, claimed(other)), m, ledger.SourceForced), m
		}, types.ErrDuplicateEntry, 0},
		{"forced entry with nothing queued", func(c *childLedger) (*types.MsgSubmitUpdate, inclusion.Message) {
			m := c.deposit("alice", 1)
			return s.updateWith(c, 1, nil, 5, forcedIn(m)), m
		}, types.ErrUnprovenEntry, 0},
		{"forced entry queued for another child only", func(c *childLedger) (*types.MsgSubmitUpdate, inclusion.Message) {
			_, err := s.register(s.operator(2))
			s.Require().NoError(err)
			m := c.deposit("alice", 1)
			s.queueDeposit(2, "alice-1", m)
			return s.updateWith(c, 1, nil, 5, forcedIn(m)), m
		}, types.ErrUnprovenEntry, 0},
		{"claim consuming a queued operation", func(c *childLedger) (*types.MsgSubmitUpdate, inclusion.Message) {
			m := c.deposit("alice", 1)
			s.queueDeposit(1, "alice-1", m)
			return s.updateWith(c, 1, nil, 5, claimed(m)), m
		}, nil, 1},
		{"forced entry consuming a queued operation", func(c *childLedger) (*types.MsgSubmitUpdate, inclusion.Message) {
			m := c.deposit("alice", 1)
			s.queueDeposit(1, "alice-1", m)
			return s.updateWith(c, 1, nil, 5, forcedIn(m)), m
		}, nil, 1},
		{"claim with nothing queued", func(c *childLedger) (*types.MsgSubmitUpdate, inclusion.Message) {
			m := c.deposit("alice", 1)
			return s.updateWith(c, 1, nil, 5, claimed(m)), m
		}, nil, 0},
	}
	for _, tc := range cases {
		s.Run(tc.name, func() {
			s.SetupTest()
			c := s.setupUpdates()
			msg, m := tc.build(c)
			if tc.wantErr != nil {
				s.requireRefusedUnchanged(msg, tc.wantErr)
				return
			}
			res, err := s.msgs.SubmitUpdate(s.env.Ctx, msg)
			s.Require().NoError(err)
			s.Require().Equal(tc.wantConsumed, res.ForcedConsumed)
			s.requireConsumed(m, true, "the entry is consumed")
			child, err := s.query.Child(s.env.Ctx, &types.QueryChildRequest{Index: 1})
			s.Require().NoError(err)
			s.Require().Empty(child.ForcedOperations, "nothing left queued")
		})
	}
}

// exitEntries is what child 1 (this chain's child) needs to mint exits from its frozen child 1
// (vid [1, 1]), whose finalized ledger holds alice (account 0, 40) and bob (account 1, 25).
type exitEntries struct {
	alice, bob                 inclusion.Message // the exit messages of the two accounts
	aliceProof, bobProof       types.ExitProof   // their exit proofs under the finalized commitment
	latestProof                types.ExitProof   // alice's under the grandchild's newer, not final, commitment
	finalizedRoot, latestRoots fr.Element
}

// grandchildCommitment is a commitment of the grandchild at vid with st's roots.
func grandchildCommitment(s *KeeperTestSuite, vid fr.Element, st *ledger.State, anchor uint64) commitment.Commitment {
	l, err := st.Root()
	s.Require().NoError(err)
	o, err := st.OutboxRoot()
	s.Require().NoError(err)
	r, err := st.ReceiptRoot()
	s.Require().NoError(err)
	return commitment.Commitment{Vid: vid, LedgerRoot: l, OutboxRoot: o, ReceiptRoot: r,
		ChildrenRoot: commitment.EmptyChildrenRoot(), FinalizedChildrenRoot: commitment.EmptyChildrenRoot(),
		AnchorHeight: anchor, AnchorCommitment: hash.Uint64(anchor), AcceptanceDigest: hash.Uint64(1)}
}

// childrenTree holds leaf 1 = c and a decoy child 2, and returns its root and child 1's path.
func childrenTree(s *KeeperTestSuite, c commitment.Commitment) (fr.Element, [][]byte) {
	tree, err := commitment.NewChildrenTree(smt.NewMemStore())
	s.Require().NoError(err)
	s.Require().NoError(tree.SetChild(1, c.Hash()))
	s.Require().NoError(tree.SetChild(2, hash.Uint64(4242)))
	root, err := tree.Root()
	s.Require().NoError(err)
	p, err := tree.Prove(1)
	s.Require().NoError(err)
	return root, hash.EncodeElements(p.Siblings)
}

// exitEntriesFor builds the grandchild, sets c's children roots (finalized: the grandchild's
// finalized commitment; latest: its newer one) and returns the exits.
func (s *KeeperTestSuite) exitEntriesFor(c *childLedger) exitEntries {
	gvid := commitment.MustPackVid([]uint8{1, 1})
	g, err := ledger.NewState(smt.NewMemStore(), gvid, ledgerParams)
	s.Require().NoError(err)
	owner := func(seed string) fr.Element { return ledger.OwnerHash(ledger.KeyFromSeed([]byte(seed)).PublicKey) }
	s.Require().NoError(g.Fund(owner("alice"), hash.Uint64(7), 40))
	s.Require().NoError(g.Fund(owner("bob"), hash.Uint64(7), 25))
	final := slushtypes.NewCommitmentFields(grandchildCommitment(s, gvid, g, 3))
	var f exitEntries
	finalC, err := final.Decode()
	s.Require().NoError(err)
	var finalSiblings [][]byte
	f.finalizedRoot, finalSiblings = childrenTree(s, finalC)
	f.aliceProof = types.ExitProof{ChildIndex: 1, Opening: s.accountOpening(g, final, 0), FinalizedSiblings: finalSiblings}
	f.bobProof = types.ExitProof{ChildIndex: 1, Opening: s.accountOpening(g, final, 1), FinalizedSiblings: finalSiblings}
	for _, p := range []struct {
		proof types.ExitProof
		out   *inclusion.Message
	}{{f.aliceProof, &f.alice}, {f.bobProof, &f.bob}} {
		_, account, err := p.proof.Opening.Open(ledgerParams.AccountDepth)
		s.Require().NoError(err)
		*p.out = ledger.ExitMessage(gvid, c.vid, p.proof.Opening.AccountIndex, account)
	}

	// the grandchild moves on (alice's account unchanged): its newer commitment is not final
	s.Require().NoError(g.Fund(owner("carol"), hash.Uint64(7), 5))
	latest := slushtypes.NewCommitmentFields(grandchildCommitment(s, gvid, g, 4))
	latestC, err := latest.Decode()
	s.Require().NoError(err)
	var latestSiblings [][]byte
	f.latestRoots, latestSiblings = childrenTree(s, latestC)
	f.latestProof = types.ExitProof{ChildIndex: 1, Opening: s.accountOpening(g, latest, 0), FinalizedSiblings: latestSiblings}
	c.finalizedChildren, c.childrenRoot = f.finalizedRoot, f.latestRoots
	return f
}

// TestUpdateExitEntries proves an exit-source entry is minted only with an exit proof, in order, that
// opens that very account of one of the child's own children under the finalized children root of
// the child's new commitment; gas is charged per proof before any is checked.
func (s *KeeperTestSuite) TestUpdateExitEntries() {
	c := s.setupUpdates()
	f := s.exitEntriesFor(c)
	// every update below is a real proof of a batch from the child's genesis
	good := s.updateWith(c.replay(s, 0), 1, nil, 5, exitIn(f.alice))
	good.Exits = []types.ExitProof{f.aliceProof}
	inflated := f.alice
	inflated.Amount++
	overpaid := s.updateWith(c.replay(s, 0), 1, nil, 5, exitIn(inflated))
	overpaid.Exits = []types.ExitProof{f.aliceProof}
	both := s.updateWith(c.replay(s, 0), 1, nil, 5, exitIn(f.alice), exitIn(f.bob))
	both.Exits = []types.ExitProof{f.aliceProof, f.bobProof}
	branch, _ := s.env.Ctx.CacheContext()
	_, err := s.msgs.SubmitUpdate(branch, good)
	s.Require().NoError(err, "the unedited single exit is accepted (on a discarded branch)")

	cases := []struct {
		name    string
		base    *types.MsgSubmitUpdate
		edit    func(m *types.MsgSubmitUpdate)
		wantErr error
		charged bool // the per-proof gas is charged before the refusal
	}{
		{"missing proof", good, func(m *types.MsgSubmitUpdate) { m.Exits = nil }, types.ErrUnprovenEntry, false},
		{"proof without its exit entry", good, func(m *types.MsgSubmitUpdate) {
			m.Exits = append(m.Exits, cloneExitProof(f.bobProof))
		}, types.ErrUnprovenEntry, false},
		{"proof for another account", good, func(m *types.MsgSubmitUpdate) {
			m.Exits[0] = cloneExitProof(f.bobProof)
		}, types.ErrUnprovenEntry, true},
		{"entry for another amount than the account holds", overpaid, nil, types.ErrUnprovenEntry, true},
		{"proofs out of the entries' order", both, func(m *types.MsgSubmitUpdate) {
			m.Exits[0], m.Exits[1] = m.Exits[1], m.Exits[0]
		}, types.ErrUnprovenEntry, true},
		{"grandchild state not finalized (not in the finalized children root)", good, func(m *types.MsgSubmitUpdate) {
			m.Exits[0] = cloneExitProof(f.latestProof)
		}, types.ErrInvalidExitProof, true},
		{"wrong finalized sibling", good, func(m *types.MsgSubmitUpdate) {
			m.Exits[0].FinalizedSiblings[0] = payload(1)
		}, types.ErrInvalidExitProof, true},
		{"short finalized path", good, func(m *types.MsgSubmitUpdate) {
			m.Exits[0].FinalizedSiblings = m.Exits[0].FinalizedSiblings[1:]
		}, types.ErrInvalidExitProof, true},
		{"no finalized path", good, func(m *types.MsgSubmitUpdate) { m.Exits[0].FinalizedSiblings = nil }, types.ErrInvalidExitProof, true},
		{"wrong child index", good, func(m *types.MsgSubmitUpdate) { m.Exits[0].ChildIndex = 2 }, types.ErrInvalidExitProof, true},
		{"child index 0", good, func(m *types.MsgSubmitUpdate) { m.Exits[0].ChildIndex = 0 }, types.ErrInvalidExitProof, true},
		{"child index above 255", good, func(m *types.MsgSubmitUpdate) { m.Exits[0].ChildIndex = 257 }, types.ErrInvalidExitProof, true},
		{"opening with an inflated balance", good, func(m *types.MsgSubmitUpdate) { m.Exits[0].Opening.Balance++ }, types.ErrInvalidExitProof, true},
		{"opening of another commitment", good, func(m *types.MsgSubmitUpdate) {
			m.Exits[0].Opening.Commitment.AnchorHeight++
		}, types.ErrInvalidExitProof, true},
		{"non-canonical owner", good, func(m *types.MsgSubmitUpdate) { m.Exits[0].Opening.Owner = bytes32(0xff) }, types.ErrInvalidField, true},
		{"non-canonical account sibling", good, func(m *types.MsgSubmitUpdate) {
			m.Exits[0].Opening.Siblings[0] = bytes32(0xff)
		}, types.ErrInvalidField, true},
		{"non-canonical finalized sibling", good, func(m *types.MsgSubmitUpdate) {
			m.Exits[0].FinalizedSiblings[0] = bytes32(0xff)
		}, types.ErrInvalidField, true},
		{"non-canonical field of the opened commitment", good, func(m *types.MsgSubmitUpdate) {
			m.Exits[0].Opening.Commitment.LedgerRoot = bytes32(0xff)
		}, slushtypes.ErrInvalidField, true},
	}
	for _, tc := range cases {
		s.Run(tc.name, func() {
			msg := cloneUpdate(tc.base)
			if tc.edit != nil {
				tc.edit(msg)
			}
			gas := s.env.Ctx.GasMeter().GasConsumed()
			s.requireRefusedUnchanged(msg, tc.wantErr)
			if tc.charged {
				s.Require().GreaterOrEqual(s.env.Ctx.GasMeter().GasConsumed()-gas, types.ExitProofGas*uint64(len(msg.Exits)))
			}
		})
	}

	gas := s.env.Ctx.GasMeter().GasConsumed()
	res, err := s.msgs.SubmitUpdate(s.env.Ctx, both)
	s.Require().NoError(err, "both exits, proven in order")
	s.Require().GreaterOrEqual(s.env.Ctx.GasMeter().GasConsumed()-gas, uint64(2*types.ExitProofGas))
	s.Require().Zero(res.ForcedConsumed)
	s.requireConsumed(f.alice, true, "alice's exit is minted once")
	s.requireConsumed(f.bob, true, "bob's exit is minted once")
	child, err := s.keeper.GetChild(s.env.Ctx, 1)
	s.Require().NoError(err)
	s.Require().Equal(both.NewCommitment.ReceiptRoot, child.ReceiptRoot)
}

// TestUpdateReportedHistogramBounded proves the reported histogram is bounded by x/acceptance (the
// fake's bound, and the real keeper's, which follows the tree shape) before anything is charged or
// hashed, then charged per bucket before its digest is computed.
func (s *KeeperTestSuite) TestUpdateReportedHistogramBounded() {
	c := s.setupUpdates()
	good := s.update(c, 1, nil, 5) // an all-NoOp batch
	s.accept.maxBuckets = 4
	// histogram returns good with n buckets; committed also binds their digest in the commitment
	histogram := func(n int, committed bool) *types.MsgSubmitUpdate {
		m := cloneUpdate(good)
		h := make(acceptancetypes.Histogram, n)
		for i := range h {
			h[i] = acceptancetypes.Bucket{Height: uint64(i + 1), Count: 1}
		}
		m.Histogram = acceptancetypes.HistogramToProto(h)
		if committed {
			m.NewCommitment.AcceptanceDigest = hash.EncodeElement(h.Digest())
		}
		return m
	}
	// submit runs msg on a discarded branch and returns the gas it consumed
	submit := func(msg *types.MsgSubmitUpdate) (uint64, error) {
		branch, _ := s.env.Ctx.CacheContext()
		branch = branch.WithGasMeter(storetypes.NewInfiniteGasMeter())
		_, err := s.msgs.SubmitUpdate(branch, msg)
		return branch.GasMeter().GasConsumed(), err
	}

	// the real x/acceptance bounds a report by the tree's depth: a shallower tree, a lower bound
	shallow := treetypes.RootIdentity()
	shallow.MaxDepth = 4
	s.setIdentity(&shallow)
	realBound, err := s.stack.acceptance.MaxReportBuckets(s.env.Ctx)
	s.Require().NoError(err)
	s.Require().Less(realBound, types.MaxReportedBuckets)
	s.Require().NotEqual(4, realBound)
	cases := []struct {
		name    string
		buckets int
		real    bool // the real x/acceptance keeper is wired (else the fake, bounding at 4)
		wantErr error
	}{
		{"one bucket over the bound", 5, false, types.ErrTooManyBuckets},
		{"the real x/acceptance: one over its bound", realBound + 1, true, types.ErrTooManyBuckets},
		{"at the bound, not the committed histogram", 4, false, types.ErrAcceptanceDigest},
		{"the real x/acceptance: at its bound, not committed", realBound, true, types.ErrAcceptanceDigest},
	}
	for _, tc := range cases {
		s.Run(tc.name, func() {
			if tc.real {
				s.useRealAcceptance()
				defer s.build(s.accept)
			}
			_, err := submit(histogram(tc.buckets, false))
			s.Require().ErrorIs(err, tc.wantErr)
		})
	}

	// over the bound nothing is charged per bucket: a 10^5-bucket histogram costs what one bucket
	// over does, and is refused fast (its digest alone takes seconds)
	overGas, err := submit(histogram(5, false))
	s.Require().ErrorIs(err, types.ErrTooManyBuckets)
	huge := histogram(100_000, false)
	start := time.Now()
	hugeGas, err := submit(huge)
	s.Require().ErrorIs(err, types.ErrTooManyBuckets)
	s.Require().Less(time.Since(start), time.Second, "refused before hashing")
	s.Require().Equal(overGas, hugeGas, "and before any per-bucket charge")

	// within the bound each bucket costs HistogramGasPerBucket
	twoGas, err := submit(histogram(2, false))
	s.Require().ErrorIs(err, types.ErrAcceptanceDigest)
	fourGas, err := submit(histogram(4, false))
	s.Require().ErrorIs(err, types.ErrAcceptanceDigest)
	s.Require().Equal(2*types.HistogramGasPerBucket, int(fourGas-twoGas))
	s.Require().GreaterOrEqual(fourGas-overGas, uint64(4*types.HistogramGasPerBucket))

	// the charge comes before the digest: a meter one gas short runs out at the histogram charge
	// instead of returning the digest mismatch
	branch, _ := s.env.Ctx.CacheContext()
	branch = branch.WithGasMeter(storetypes.NewGasMeter(fourGas - 1))
	s.Require().PanicsWithValue(storetypes.ErrorOutOfGas{Descriptor: "validium reported histogram"}, func() {
		_, _ = s.msgs.SubmitUpdate(branch, histogram(4, false))
	})

	res, err := s.msgs.SubmitUpdate(s.env.Ctx, histogram(4, true))
	s.Require().NoError(err, "a committed histogram at the bound is accepted")
	s.Require().NotEmpty(res.Commitment)
}

// TestUpdateReceiptRootIsPublicInput proves the stored receipt root is the proof's old receipt root (a
// child registered with another genesis receipt root cannot update with its ledger's proof), and
// the commitment's receipt root is its new one (covered in TestSubmitUpdateRejections).
func (s *KeeperTestSuite) TestUpdateReceiptRootIsPublicInput() {
	s.anchors = s.newAnchors(5)
	s.env.Ctx = s.env.Ctx.WithBlockHeight(10)
	cases := []struct {
		index   byte
		receipt func(genesis []byte) []byte
		wantErr error
	}{
		{1, func([]byte) []byte { return payload(3) }, types.ErrInvalidProof},
		{2, func(genesis []byte) []byte { return genesis }, nil},
	}
	children := make([]*childLedger, len(cases))
	deposits := make([]inclusion.Message, len(cases))
	for i, tc := range cases { // both deposits are sent before the anchor is sealed
		children[i] = newChildLedger(s, []uint8{tc.index})
		deposits[i] = children[i].deposit("alice", 1)
	}
	for i, tc := range cases {
		c := children[i]
		lr, or, rr := c.roots(s)
		_, err := s.msgs.RegisterChild(s.env.Ctx, &types.MsgRegisterChild{
			Operator: s.operator(tc.index).String(), VerifyingKey: s.ledgerKeys().vk, Bond: types.DefaultMinChildBond,
			GenesisLedgerRoot: lr, GenesisOutboxRoot: or, GenesisReceiptRoot: tc.receipt(rr), OperatorKeyHash: payload(5),
		})
		s.Require().NoError(err)
		msg := s.update(c, uint32(tc.index), nil, 5, deposits[i])
		held, err := s.keeper.GetChild(s.env.Ctx, uint32(tc.index))
		s.Require().NoError(err)
		msg.Batches[0].Start = held.HeldRoots() // the batch claims to start there: only the proof can refuse it
		_, err = s.msgs.SubmitUpdate(s.env.Ctx, msg)
		if tc.wantErr != nil {
			s.Require().ErrorIs(err, tc.wantErr, "child %d", tc.index)
		} else {
			s.Require().NoError(err, "child %d", tc.index)
		}
	}
}

// TestRegisterChildGenesisReceiptRoot proves registration stores the genesis receipt root, which must be
// one canonical field element.
func (s *KeeperTestSuite) TestRegisterChildGenesisReceiptRoot() {
	modulus := make([]byte, 32)
	fr.Modulus().FillBytes(modulus)
	cases := []struct {
		name    string
		root    []byte
		wantErr error
	}{
		{"canonical", payload(3), nil},
		{"zero", payload(0), nil},
		{"above the modulus", bytes32(0xff), types.ErrInvalidField},
		{"equal to the modulus", modulus, types.ErrInvalidField},
		{"short", payload(3)[1:], types.ErrInvalidField},
		{"missing", nil, types.ErrInvalidField},
	}
	for _, tc := range cases {
		s.Run(tc.name, func() {
			s.SetupTest()
			res, err := s.msgs.RegisterChild(s.env.Ctx, &types.MsgRegisterChild{
				Operator: s.operator(1).String(), VerifyingKey: s.vk, Bond: types.DefaultMinChildBond,
				GenesisLedgerRoot: payload(1), GenesisOutboxRoot: payload(2), GenesisReceiptRoot: tc.root,
			})
			if tc.wantErr != nil {
				s.Require().ErrorIs(err, tc.wantErr)
				s.Require().ErrorContains(err, "genesis_receipt_root")
				s.Require().True(s.bank.moduleBalance(types.ModuleName).IsZero(), "nothing escrowed")
				s.Require().Empty(s.accept.registered)
				return
			}
			s.Require().NoError(err)
			child, err := s.query.Child(s.env.Ctx, &types.QueryChildRequest{Index: res.Index})
			s.Require().NoError(err)
			s.Require().Equal(tc.root, child.Child.ReceiptRoot)
		})
	}
}

// TestDeregisterCallsOnChildRemoved proves x/acceptance is told of a deregistration (it drops the
// child's record and finalized leaf), and its refusal refuses the deregistration.
func (s *KeeperTestSuite) TestDeregisterCallsOnChildRemoved() {
	errRemove := errors.New("acceptance: cannot remove")
	cases := []struct {
		name      string
		removeErr error
	}{
		{"told", nil},
		{"refusal propagates", errRemove},
	}
	for _, tc := range cases {
		s.Run(tc.name, func() {
			s.SetupTest()
			for i := byte(1); i <= 2; i++ {
				_, err := s.register(s.operator(i))
				s.Require().NoError(err)
			}
			s.accept.removeErr = tc.removeErr
			ctx, write := s.env.Ctx.CacheContext() // a failed message's writes are dropped with its context
			_, err := s.msgs.DeregisterChild(ctx, &types.MsgDeregisterChild{Operator: s.operator(1).String(), ChildIndex: 1})
			if tc.removeErr != nil {
				s.Require().ErrorIs(err, tc.removeErr)
				s.Require().Empty(s.accept.removed)
				return
			}
			s.Require().NoError(err)
			write()
			s.Require().Equal([]uint32{1}, s.accept.removed, "only the deregistered child")
			_, err = s.keeper.GetChild(s.env.Ctx, 1)
			s.Require().ErrorIs(err, types.ErrUnknownChild)
		})
	}
}

// exitRecords are two paid exits of child 1 with their openings (as MsgExit leaves them).
func (s *KeeperTestSuite) exitRecords() []types.ExitRecord {
	st, err := ledger.NewState(smt.NewMemStore(), commitment.MustPackVid([]uint8{1}), ledgerParams)
	s.Require().NoError(err)
	for i, seed := range []string{"alice", "bob"} {
		s.Require().NoError(st.Fund(ledger.OwnerHash(ledger.KeyFromSeed([]byte(seed)).PublicKey), hash.Uint64(7), uint64(10*(i+1))))
	}
	c := slushtypes.NewCommitmentFields(grandchildCommitment(s, commitment.MustPackVid([]uint8{1}), st, 5))
	return []types.ExitRecord{
		{ChildIndex: 1, AccountIndex: 0, Opening: s.accountOpening(st, c, 0)},
		{ChildIndex: 1, AccountIndex: 1, Opening: s.accountOpening(st, c, 1)},
	}
}

// TestExitQuery proves the query returns the opening a paid exit was paid on, NotFound for an account that did not exit,
// InvalidArgument for a child index outside 1..255.
func (s *KeeperTestSuite) TestExitQuery() {
	records := s.exitRecords()
	s.Require().NoError(s.keeper.Exits.Set(s.env.Ctx, collections.Join(uint32(1), uint64(1)), records[1].Opening))
	cases := []struct {
		name     string
		req      *types.QueryExitRequest
		want     *types.AccountOpening
		wantCode codes.Code
	}{
		{"paid exit", &types.QueryExitRequest{ChildIndex: 1, AccountIndex: 1}, &records[1].Opening, codes.OK},
		{"account that did not exit", &types.QueryExitRequest{ChildIndex: 1, AccountIndex: 0}, nil, codes.NotFound},
		{"child without exits", &types.QueryExitRequest{ChildIndex: 2, AccountIndex: 1}, nil, codes.NotFound},
		{"child index 0", &types.QueryExitRequest{ChildIndex: 0, AccountIndex: 1}, nil, codes.InvalidArgument},
		{"child index 256", &types.QueryExitRequest{ChildIndex: 256, AccountIndex: 1}, nil, codes.InvalidArgument},
		{"no request", nil, nil, codes.InvalidArgument},
	}
	for _, tc := range cases {
		s.Run(tc.name, func() {
			res, err := s.query.Exit(s.env.Ctx, tc.req)
			s.Require().Equal(tc.wantCode, status.Code(err), "%v", err)
			if tc.want == nil {
				return
			}
			s.Require().NoError(err)
			s.Require().Equal(*tc.want, res.Opening)
			_, account, err := res.Opening.Open(ledgerParams.AccountDepth)
			s.Require().NoError(err, "the stored opening still opens")
			s.Require().Equal(uint64(20), account.Balance)
		})
	}
}

// TestGenesisRoundTripExits proves paid exits are exported with their openings and imported back; an
// imported exit is still paid (the account cannot exit again) and queryable. An exit of an
// unknown child, a repeated one, or one whose opening is of another account or does not open is
// refused in genesis.
func (s *KeeperTestSuite) TestGenesisRoundTripExits() {
	gs := types.DefaultGenesisState()
	gs.Children = []types.Child{{
		Index: 1, Operator: sdk.AccAddress(bytes.Repeat([]byte{1}, 20)).String(), Bond: types.DefaultMinChildBond,
		Status: types.ChildStatus_CHILD_STATUS_FROZEN, VerifyingKey: []byte{1},
	}}
	gs.Exits = s.exitRecords()
	s.Require().NoError(gs.Validate())
	for _, tc := range []struct {
		name string
		edit func([]types.ExitRecord) []types.ExitRecord
	}{
		{"unknown child", func(e []types.ExitRecord) []types.ExitRecord { e[0].ChildIndex = 2; return e }},
		{"repeated", func(e []types.ExitRecord) []types.ExitRecord { return append(e, e[0]) }},
		{"another account", func(e []types.ExitRecord) []types.ExitRecord { e[0].AccountIndex = 1; return e }},
		{"opening that breaks", func(e []types.ExitRecord) []types.ExitRecord { e[1].Opening.Balance++; return e }},
	} {
		bad := *gs
		bad.Exits = tc.edit(s.exitRecords())
		s.Require().ErrorIs(bad.Validate(), types.ErrInvalidGenesis, tc.name)
	}
	s.Require().NoError(s.keeper.InitGenesis(s.env.Ctx, gs))
	exported, err := s.keeper.ExportGenesis(s.env.Ctx)
	s.Require().NoError(err)
	s.Require().Equal(gs.Exits, exported.Exits)

	ctx2, k2 := s.requireImportsAs(exported)
	for _, r := range gs.Exits {
		o, err := k2.ExitOpening(ctx2, r.ChildIndex, r.AccountIndex)
		s.Require().NoError(err)
		s.Require().Equal(r.Opening, o)
		res, err := keeper.NewQueryServerImpl(&k2).Exit(ctx2, &types.QueryExitRequest{ChildIndex: r.ChildIndex, AccountIndex: r.AccountIndex})
		s.Require().NoError(err)
		s.Require().Equal(r.Opening, res.Opening)
	}
	_, err = k2.ExitOpening(ctx2, 1, 2)
	s.Require().ErrorIs(err, types.ErrUnknownExit)
}

// withRepeated is msg with message m (source src) consumed once more before its first batch's
// entries, as a prover that skipped its ledger's consumed set would send it: no batch proof can
// mint m again (ledger.ConsumedGadget), and the parent's own record refuses the update before
// it reads any proof (checkFresh).
func withRepeated(msg *types.MsgSubmitUpdate, m inclusion.Message, src ledger.Source) *types.MsgSubmitUpdate {
	msg.InboxEntries = append([]types.InboxEntry{{MessageHash: hash.EncodeElement(m.Hash()), Source: uint32(src)}}, msg.InboxEntries...)
	msg.Batches[0].InboxEntries++
	return msg
}
