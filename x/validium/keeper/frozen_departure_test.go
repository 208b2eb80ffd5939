package keeper_test

import (
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark-crypto/ecc/bn254/twistededwards/eddsa"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/slush-tree/slush/circuits/commitment"
	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/ledger"
	"github.com/slush-tree/slush/circuits/smt"
	slushtypes "github.com/slush-tree/slush/types"
	"github.com/slush-tree/slush/x/validium/types"
)

// frozenFixture is this (root) chain as the grandparent: child 1 froze, and its finalized
// commitment here holds its child 1-2 (v) at vC, operated with key vKey.
type frozenFixture struct {
	parent    slushtypes.CommitmentFields // child 1's finalized commitment
	vC        commitment.Commitment
	vKey      *eddsa.PrivateKey
	siblings  [][]byte // v's leaf in parent's finalized children root
	inboxHead fr.Element
}

// frozenFixture makes child 1 accept an update whose finalized children root holds 1-2, marks
// that commitment final, and freezes child 1 at an ignored forced operation's deadline (if freeze).
func (s *KeeperTestSuite) frozenFixture(freeze bool) frozenFixture {
	c := s.setupUpdates()
	f := frozenFixture{vKey: ledger.KeyFromSeed([]byte("operator of 1-2")), inboxHead: hash.Uint64(4242)}
	f.vC = commitment.Commitment{Vid: commitment.MustPackVid([]uint8{1, 2}), LedgerRoot: hash.Uint64(11), OutboxRoot: hash.Uint64(12),
		ReceiptRoot: hash.Uint64(13), ChildrenRoot: commitment.EmptyChildrenRoot(), FinalizedChildrenRoot: commitment.EmptyChildrenRoot(),
		AnchorHeight: 4, AnchorCommitment: hash.Uint64(14), AcceptanceDigest: hash.Uint64(15), OperatorKeyHash: slushtypes.OperatorKeyHash(f.vKey.PublicKey), Epoch: 2}
	c.finalizedChildren, f.siblings = s.childTree(2, f.vC)
	upd := s.updateBatches(c, 1, nil, 5)
	res, err := s.msgs.SubmitUpdate(s.env.Ctx, upd)
	s.Require().NoError(err)
	s.accept.finalized = res.Commitment
	f.parent = upd.NewCommitment
	if freeze {
		op, err := s.force(1, 77)
		s.Require().NoError(err)
		s.env.Ctx = s.env.Ctx.WithBlockHeight(int64(op.Deadline) + 1)
		s.Require().NoError(s.keeper.EndBlocker(s.env.Ctx))
	}
	return f
}

// leave is v's signed departure for dest, registered there by operator 9.
func (s *KeeperTestSuite) leave(f frozenFixture, dest []uint32) *types.MsgLeaveFrozenParent {
	destPath, err := slushtypes.PathFromIndices(dest)
	s.Require().NoError(err)
	destVid, err := destPath.Vid()
	s.Require().NoError(err)
	mark, err := types.DepartureMark(f.vC.OperatorKeyHash, destVid, s.operator(9), f.inboxHead)
	s.Require().NoError(err)
	sig, err := ledger.SignElement(f.vKey, types.LeaveFrozenMessage(f.vC.Vid, f.vC.Hash(), mark))
	s.Require().NoError(err)
	return &types.MsgLeaveFrozenParent{
		Submitter: s.operator(60).String(), ChildIndex: 1, GrandchildIndex: 2, Parent: f.parent,
		Departed: slushtypes.NewCommitmentFields(f.vC), Siblings: f.siblings, NewParent: dest, NewOperator: s.operator(9).String(),
		InboxHead: hash.EncodeElement(f.inboxHead), PublicKey: f.vKey.PublicKey.Bytes(), Signature: sig,
	}
}

// TestLeaveFrozenParent (issue 20, docs/PROTOCOL.md "Leaving a frozen parent"): a child of a
// frozen child leaves with the commitment the frozen child's finalized commitment holds for it,
// signed by the key that commitment binds, once; the frozen child's leaf in this chain's children
// root becomes the frozen mark over its departures (what the new parent checks), also after a
// genesis round trip; the frozen child's record stays. Anything else is refused.
func (s *KeeperTestSuite) TestLeaveFrozenParent() {
	f := s.frozenFixture(false)
	_, err := s.msgs.LeaveFrozenParent(s.env.Ctx, s.leave(f, destination))
	s.Require().ErrorIs(err, types.ErrChildNotFrozen, "an active parent takes its child's departure itself")
	s.SetupTest()
	f = s.frozenFixture(true)

	other := ledger.KeyFromSeed([]byte("someone else"))
	for _, tc := range []struct {
		name   string
		dest   []uint32 // signed for (destination if nil)
		mutate func(*types.MsgLeaveFrozenParent)
		err    error
		reason string
	}{
		{"not the frozen child's finalized commitment", nil, func(m *types.MsgLeaveFrozenParent) { m.Parent.AnchorHeight++ }, types.ErrInvalidDeparture, "finalized commitment"},
		{"a commitment its finalized children do not hold", nil, func(m *types.MsgLeaveFrozenParent) { m.Departed.Epoch++ }, types.ErrInvalidDeparture, "not in the children root"},
		{"another grandchild index", nil, func(m *types.MsgLeaveFrozenParent) { m.GrandchildIndex = 3 }, types.ErrInvalidDeparture, "not 3"},
		{"another key than the commitment binds", nil, func(m *types.MsgLeaveFrozenParent) { m.PublicKey = other.PublicKey.Bytes() }, types.ErrWrongOperatorKey, "binds"},
		{"signed for another destination", nil, func(m *types.MsgLeaveFrozenParent) { m.NewParent = []uint32{3} }, types.ErrInvalidDeparture, "signature"},
		{"signed for another operator", nil, func(m *types.MsgLeaveFrozenParent) { m.NewOperator = s.operator(8).String() }, types.ErrInvalidDeparture, "signature"},
		{"signed for another inbox head", nil, func(m *types.MsgLeaveFrozenParent) { m.InboxHead = payload(1) }, types.ErrInvalidDeparture, "signature"},
		{"to the frozen parent", []uint32{1}, nil, types.ErrInvalidDeparture, "the frozen parent's subtree"},
		{"under a sibling, cut off with it", []uint32{1, 3}, nil, types.ErrInvalidDeparture, "the frozen parent's subtree"},
		{"into its own subtree", []uint32{1, 2, 1}, nil, types.ErrInvalidDeparture, "own subtree"},
		{"7 siblings", nil, func(m *types.MsgLeaveFrozenParent) { m.Siblings = m.Siblings[1:] }, types.ErrInvalidDeparture, "7 siblings"},
		{"a non-canonical inbox head", nil, func(m *types.MsgLeaveFrozenParent) { m.InboxHead = modulusBytes() }, types.ErrInvalidField, "inbox_head"},
		{"a short signature", nil, func(m *types.MsgLeaveFrozenParent) { m.Signature = m.Signature[1:] }, types.ErrInvalidDeparture, "signature of"},
		{"unknown child", nil, func(m *types.MsgLeaveFrozenParent) { m.ChildIndex = 7 }, types.ErrUnknownChild, "7"},
	} {
		s.Run(tc.name, func() {
			dest := destination
			if tc.dest != nil {
				dest = tc.dest
			}
			msg := s.leave(f, dest)
			if tc.mutate != nil {
				tc.mutate(msg)
			}
			_, err := s.msgs.LeaveFrozenParent(s.env.Ctx, msg)
			s.Require().ErrorIs(err, tc.err)
			s.Require().ErrorContains(err, tc.reason)
		})
	}
	_, err = s.query.FrozenDeparture(s.env.Ctx, &types.QueryFrozenDepartureRequest{ChildIndex: 1, Index: 2})
	s.Require().Equal(codes.NotFound, status.Code(err), "nothing recorded by the refusals")

	res, err := s.msgs.LeaveFrozenParent(s.env.Ctx, s.leave(f, destination))
	s.Require().NoError(err)
	s.Require().Contains(eventTypes(s.env.Ctx), "slush.validium.v1.EventFrozenDeparture")
	got, err := s.query.FrozenDeparture(s.env.Ctx, &types.QueryFrozenDepartureRequest{ChildIndex: 1, Index: 2})
	s.Require().NoError(err)
	s.Require().Equal(res.Departure, got.Departure)

	// the frozen child's leaf is the frozen mark over its latest commitment and its departures
	child, err := s.keeper.GetChild(s.env.Ctx, 1)
	s.Require().NoError(err)
	latest, err := hash.DecodeElement(child.LatestCommitment)
	s.Require().NoError(err)
	mark, err := hash.DecodeElement(res.Departure.Mark)
	s.Require().NoError(err)
	departures, departureSiblings := s.childTreeOf(2, mark)
	s.Require().Equal(hash.EncodeElement(departures), got.DeparturesRoot, "the query opens the departure: an arrival proof's FrozenExit")
	s.Require().Equal(departureSiblings, got.Siblings)
	want, _ := s.childTreeOf(1, types.FrozenMark(latest, departures))
	root, err := s.keeper.ChildrenRoot(s.env.Ctx)
	s.Require().NoError(err)
	s.Require().Equal(want, root)

	_, err = s.msgs.LeaveFrozenParent(s.env.Ctx, s.leave(f, []uint32{3}))
	s.Require().ErrorIs(err, types.ErrChildDeparted, "one departure per chain: its state leaves once")
	_, err = s.msgs.DeregisterChild(s.env.Ctx, &types.MsgDeregisterChild{Operator: s.operator(1).String(), ChildIndex: 1})
	s.Require().ErrorIs(err, types.ErrChildDeparted, "the frozen child's record stays")

	exported, err := s.keeper.ExportGenesis(s.env.Ctx)
	s.Require().NoError(err)
	s.Require().Equal([]types.FrozenDeparture{res.Departure}, exported.FrozenDepartures)
	ctx, k := s.requireImportsAs(exported)
	again, err := k.ChildrenRoot(ctx)
	s.Require().NoError(err)
	s.Require().Equal(root, again, "the frozen mark is derived again on import")
	exported.FrozenDepartures[0].ChildIndex = 2
	s.Require().ErrorIs(exported.Validate(), types.ErrInvalidGenesis, "a departure from a child that is not frozen")
}

// childTreeOf is the root of a children SMT holding only value at index, and its siblings.
func (s *KeeperTestSuite) childTreeOf(index uint8, value fr.Element) (fr.Element, [][]byte) {
	t, err := smt.New(smt.NewMemStore(), commitment.ChildrenDepth)
	s.Require().NoError(err)
	s.Require().NoError(t.Set(uint64(index), commitment.ChildLeaf(index, value)))
	root, err := t.Root()
	s.Require().NoError(err)
	proof, err := t.Prove(uint64(index))
	s.Require().NoError(err)
	return root, hash.EncodeElements(proof.Siblings)
}

// frozenArrival is an arrival proof of [1, 2] that left its frozen parent [1] for dest, to be
// registered by operator: the root (the grandparent, at root height 30) holds [1]'s finalized
// commitment, whose finalized children hold [1, 2]'s unmarked commitment (key oldKeyHash), and
// its latest children root holds [1] as frozen with the departure's mark (for markDest).
func (s *KeeperTestSuite) frozenArrival(markDest slushtypes.Path, operator []byte) (types.ArrivalProof, commitment.Commitment) {
	s.anchors = s.newAnchors()
	lr, or, rr := newChildLedger(s, []uint8{1, 2}).replay(s, 0).roots(s)
	decode := func(b []byte) fr.Element {
		e, err := hash.DecodeElement(b)
		s.Require().NoError(err)
		return e
	}
	v := commitment.Commitment{
		Vid: commitment.MustPackVid([]uint8{1, 2}), LedgerRoot: decode(lr), OutboxRoot: decode(or), ReceiptRoot: decode(rr),
		ChildrenRoot: commitment.EmptyChildrenRoot(), FinalizedChildrenRoot: commitment.EmptyChildrenRoot(),
		AnchorHeight: 20, AnchorCommitment: hash.Uint64(20), AcceptanceDigest: hash.Uint64(1), OperatorKeyHash: decode(oldKeyHash), Epoch: 3,
	}
	vRoot, vSiblings := s.childTree(2, v)
	p := commitment.Commitment{Vid: commitment.MustPackVid([]uint8{1}), ChildrenRoot: vRoot, FinalizedChildrenRoot: vRoot, AnchorHeight: 25, AcceptanceDigest: hash.Uint64(2)}
	pRoot, pSiblings := s.childTree(1, p)
	destVid, err := markDest.Vid()
	s.Require().NoError(err)
	mark, err := types.DepartureMark(v.OperatorKeyHash, destVid, operator, arrivalInboxHead)
	s.Require().NoError(err)
	departures, depSiblings := s.childTreeOf(2, mark)
	latest := hash.Uint64(777) // [1]'s latest commitment, newer than its finalized one
	frozenRoot, frozenSiblings := s.childTreeOf(1, types.FrozenMark(latest, departures))
	root := commitment.Commitment{ChildrenRoot: frozenRoot, FinalizedChildrenRoot: pRoot, AnchorHeight: 30, AcceptanceDigest: hash.Uint64(3)}
	return types.ArrivalProof{RootHeight: 30, InboxHead: hash.EncodeElement(arrivalInboxHead), Root: slushtypes.NewCommitmentFields(root),
		Hops: []types.FinalizedHop{
			{Commitment: slushtypes.NewCommitmentFields(p), Siblings: pSiblings},
			{Commitment: slushtypes.NewCommitmentFields(v), Siblings: vSiblings},
		},
		Frozen: &types.FrozenExit{Latest: hash.EncodeElement(latest), LatestSiblings: frozenSiblings,
			DeparturesRoot: hash.EncodeElement(departures), DepartureSiblings: depSiblings},
	}, v
}

// TestArrivalFromFrozenParent (issue 20, docs/PROTOCOL.md "Leaving a frozen parent" 2.): a chain
// that left its frozen parent registers here with the unmarked commitment its parent's finalized
// one holds, when the grandparent's latest children root (in a root commitment this chain knows)
// holds the parent as frozen with a departure marked for this chain, this operator and this
// key; once. Without the frozen opening, or with it for another destination, another latest
// commitment or another departure, it is refused.
func (s *KeeperTestSuite) TestArrivalFromFrozenParent() {
	s.env.Ctx = s.env.Ctx.WithBlockHeight(40)
	here := slushtypes.Path{} // this chain is the root: [1, 2] moves under it
	proof, v := s.frozenArrival(here, s.operator(9))
	elsewhere, ev := s.frozenArrival(slushtypes.Path{3}, s.operator(9))
	genuine, err := proof.Root.Decode()
	s.Require().NoError(err)
	s.anchors.record(30, genuine)
	withFrozen := func(mutate func(*types.FrozenExit)) types.ArrivalProof {
		p := proof
		fe := *proof.Frozen
		mutate(&fe)
		p.Frozen = &fe
		return p
	}
	unfrozen := proof
	unfrozen.Frozen = nil
	oneHop := proof
	oneHop.Hops = proof.Hops[1:]
	for _, tc := range []struct {
		name  string
		proof types.ArrivalProof
		c     commitment.Commitment
		err   error
	}{
		{"an unmarked commitment without the frozen opening", unfrozen, v, types.ErrInvalidArrival},
		{"departed to another chain", elsewhere, ev, types.ErrInvalidArrival},
		{"another latest commitment of the frozen parent", withFrozen(func(f *types.FrozenExit) { f.Latest = payload(778) }), v, types.ErrInvalidArrival},
		{"another departures root", withFrozen(func(f *types.FrozenExit) { f.DeparturesRoot = payload(1) }), v, types.ErrInvalidArrival},
		{"7 departure siblings", withFrozen(func(f *types.FrozenExit) { f.DepartureSiblings = f.DepartureSiblings[1:] }), v, types.ErrInvalidArrival},
		{"a frozen opening over one hop", oneHop, v, types.ErrInvalidArrival},
	} {
		s.Run(tc.name, func() {
			_, err := s.arrive(tc.proof, tc.c, nil)
			s.Require().ErrorIs(err, tc.err)
		})
	}
	_, err = s.arrive(proof, v, func(m *types.MsgRegisterChild) { m.OperatorKeyHash = newKeyHash })
	s.Require().ErrorIs(err, types.ErrInvalidArrival, "another key than the departed commitment binds")

	res, err := s.arrive(proof, v, nil)
	s.Require().NoError(err)
	child, err := s.keeper.GetChild(s.env.Ctx, res.Index)
	s.Require().NoError(err)
	s.Require().Equal(hash.EncodeElement(v.LedgerRoot), child.LedgerRoot, "it continues the state it left with")
	s.Require().Equal(uint64(20), child.AnchorHeight)
	s.Require().Equal(hash.EncodeElement(arrivalInboxHead), child.InboxHead)
	s.Require().Equal([]uint32{1, 2}, child.ArrivedFrom)
	_, err = s.arrive(proof, v, nil)
	s.Require().ErrorIs(err, types.ErrAlreadyArrived, "its state arrives once")
	has, err := s.keeper.Arrivals.Has(s.env.Ctx, hash.EncodeElement(v.Vid))
	s.Require().NoError(err)
	s.Require().True(has)
}
