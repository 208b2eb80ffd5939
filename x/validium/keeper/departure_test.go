package keeper_test

import (
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/slush-tree/slush/circuits/commitment"
	"github.com/slush-tree/slush/circuits/hash"
	slushtypes "github.com/slush-tree/slush/types"
	treetypes "github.com/slush-tree/slush/x/tree/types"
	"github.com/slush-tree/slush/x/validium/types"
)

// destination is where the departure tests move child 1 (path [1] under this root): under its
// sibling [2], registered there by operator 9.
var destination = []uint32{2}

// departureFixture: with the real x/acceptance, child 1 (operator 1, key oldKeyHash) accepted C1
// at root height 5, claiming alice's 40; its ledger moved, so it could not simply deregister.
type departureFixture struct {
	c1    []byte
	child *childLedger
	exit  *types.MsgExit
}

func (s *KeeperTestSuite) departureFixture() departureFixture {
	s.useRealAcceptance()
	s.anchors = s.newAnchors(5, 6, 7, 8, 9)
	s.env.Ctx = s.env.Ctx.WithBlockHeight(10)
	c := newChildLedger(s, []uint8{1})
	lr, or, rr := c.roots(s)
	_, err := s.msgs.RegisterChild(s.env.Ctx, &types.MsgRegisterChild{
		Operator: s.operator(1).String(), VerifyingKey: s.ledgerKeys().vk, Bond: types.DefaultMinChildBond,
		GenesisLedgerRoot: lr, GenesisOutboxRoot: or, GenesisReceiptRoot: rr, OperatorKeyHash: oldKeyHash,
	})
	s.Require().NoError(err)
	upd := keyed(s.update(c, 1, nil, 5, c.deposit("alice", 40)), oldKeyHash, 0)
	res, err := s.msgs.SubmitUpdate(s.env.Ctx, upd)
	s.Require().NoError(err)
	exit := &types.MsgExit{Sender: s.operator(60).String(), ChildIndex: 1, Opening: s.accountOpening(c.state, upd.NewCommitment, 0)}
	return departureFixture{c1: res.Commitment, child: c, exit: exit}
}

// departing is a proof-less update of child 1 from prev at anchor, departing for d: its
// commitment carries d's mark for key (the ledger does not move).
func (s *KeeperTestSuite) departing(c *childLedger, prev []byte, anchor uint64, d types.Departure, key []byte) *types.MsgSubmitUpdate {
	m := keyed(s.updateBatches(c, 1, prev, anchor), key, 0)
	m.Departure = &d
	m.NewCommitment.OperatorKeyHash = s.mark(key, d)
	return m
}

// mark is types.DepartureMark of key for d, at child 1's inbox head here.
func (s *KeeperTestSuite) mark(key []byte, d types.Departure) []byte {
	child, err := s.keeper.GetChild(s.env.Ctx, 1)
	s.Require().NoError(err)
	head := fr.Element{}
	if len(child.InboxHead) > 0 {
		head, err = hash.DecodeElement(child.InboxHead)
		s.Require().NoError(err)
	}
	k, err := hash.DecodeElement(key)
	s.Require().NoError(err)
	p, err := slushtypes.PathFromIndices(d.NewParent)
	s.Require().NoError(err)
	vid, err := p.Vid()
	s.Require().NoError(err)
	op, err := sdk.AccAddressFromBech32(d.NewOperator)
	s.Require().NoError(err)
	m, err := types.DepartureMark(k, vid, op, head)
	s.Require().NoError(err)
	return hash.EncodeElement(m)
}

// toSibling is the departure of child 1 under [2], registered by operator 9.
func (s *KeeperTestSuite) toSibling() types.Departure {
	return types.Departure{NewParent: destination, NewOperator: s.operator(9).String()}
}

// TestDepartureRules proves what a first departing update must be (docs/PROTOCOL.md
// "Re-parenting" 1.): the commitment carries the mark for the named destination and operator,
// the destination is neither this chain nor inside the child's subtree, nothing is pending for
// the child, and the update moves nothing but its anchor and report. Once one is accepted, every
// update must depart the same way, and nothing else may reach the child.
func (s *KeeperTestSuite) TestDepartureRules() {
	f := s.departureFixture()
	d := s.toSibling()

	withBatch := keyed(s.update(f.child, 1, f.c1, 6, f.child.deposit("bob", 3)), oldKeyHash, 0)
	withBatch.Departure = &d
	withBatch.NewCommitment.OperatorKeyHash = s.mark(oldKeyHash, d)
	f.child = f.child.replay(s, 1) // drop bob's mint from the child's local ledger
	unmarked := s.departing(f.child, f.c1, 6, d, oldKeyHash)
	unmarked.NewCommitment.OperatorKeyHash = oldKeyHash
	other := types.Departure{NewParent: destination, NewOperator: s.operator(8).String()}
	wrongOperator := s.departing(f.child, f.c1, 6, d, oldKeyHash)
	wrongOperator.NewCommitment.OperatorKeyHash = s.mark(oldKeyHash, other)

	for _, tc := range []struct {
		name   string
		msg    *types.MsgSubmitUpdate
		err    error
		reason string
	}{
		{"no departure mark", unmarked, types.ErrInvalidDeparture, "does not carry the departure mark"},
		{"the mark of another operator", wrongOperator, types.ErrInvalidDeparture, "does not carry the departure mark"},
		{"a ledger batch", withBatch, types.ErrInvalidDeparture, "no ledger batch"},
		{"to this chain", s.departing(f.child, f.c1, 6, types.Departure{NewParent: nil, NewOperator: d.NewOperator}, oldKeyHash), types.ErrInvalidDeparture, "already under"},
		{"to itself", s.departing(f.child, f.c1, 6, types.Departure{NewParent: []uint32{1}, NewOperator: d.NewOperator}, oldKeyHash), types.ErrInvalidDeparture, "its own subtree"},
		{"into its own subtree", s.departing(f.child, f.c1, 6, types.Departure{NewParent: []uint32{1, 3}, NewOperator: d.NewOperator}, oldKeyHash), types.ErrInvalidDeparture, "its own subtree"},
		{"too deep", s.departing(f.child, f.c1, 6, types.Departure{NewParent: make16(), NewOperator: d.NewOperator}, oldKeyHash), types.ErrInvalidDeparture, "no room"},
	} {
		s.Run(tc.name, func() {
			_, err := s.msgs.SubmitUpdate(s.env.Ctx, tc.msg)
			s.Require().ErrorIs(err, tc.err)
			s.Require().ErrorContains(err, tc.reason)
		})
	}

	// A pending forced operation must be processed first.
	s.bridge.fixed["carol-2"] = f.child.deposit("carol", 2)
	_, err := s.msgs.ForceOperation(s.env.Ctx, &types.MsgForceOperation{Depositor: s.operator(50).String(), ChildIndex: 1, Op: []byte("carol-2")})
	s.Require().NoError(err)
	_, err = s.msgs.SubmitUpdate(s.env.Ctx, s.departing(f.child, f.c1, 6, d, oldKeyHash))
	s.Require().ErrorIs(err, types.ErrPendingForcedOps)
	res, err := s.msgs.SubmitUpdate(s.env.Ctx, keyed(s.update(f.child, 1, f.c1, 6, s.bridge.fixed["carol-2"]), oldKeyHash, 0))
	s.Require().NoError(err)

	// The departure is granted.
	dep, err := s.msgs.SubmitUpdate(s.env.Ctx, s.departing(f.child, res.Commitment, 7, d, oldKeyHash))
	s.Require().NoError(err)
	child, err := s.keeper.GetChild(s.env.Ctx, 1)
	s.Require().NoError(err)
	s.Require().NotNil(child.Departure)
	s.Require().True(child.Departure.Equal(d))
	s.Require().Equal(uint64(7), child.DepartureAnchorHeight)
	s.Require().Contains(eventTypes(s.env.Ctx), "slush.validium.v1.EventChildDeparting")

	// From now on only departing updates, to the same place.
	_, err = s.msgs.SubmitUpdate(s.env.Ctx, keyed(s.updateBatches(f.child, 1, dep.Commitment, 8), oldKeyHash, 0))
	s.Require().ErrorIs(err, types.ErrChildDeparting)
	_, err = s.msgs.SubmitUpdate(s.env.Ctx, s.departing(f.child, dep.Commitment, 8, other, oldKeyHash))
	s.Require().ErrorIs(err, types.ErrInvalidDeparture)

	// Nothing else reaches it: no forced operation, no exit, no deregistration yet.
	s.bridge.fixed["dave-1"] = f.child.deposit("dave", 1)
	_, err = s.msgs.ForceOperation(s.env.Ctx, &types.MsgForceOperation{Depositor: s.operator(50).String(), ChildIndex: 1, Op: []byte("dave-1")})
	s.Require().ErrorIs(err, types.ErrChildDeparting)
	_, err = s.msgs.Exit(s.env.Ctx, f.exit)
	s.Require().ErrorIs(err, types.ErrChildDeparting)
	_, err = s.msgs.DeregisterChild(s.env.Ctx, &types.MsgDeregisterChild{Operator: s.operator(1).String(), ChildIndex: 1})
	s.Require().ErrorIs(err, types.ErrChildDeparting, "its departure is not final yet")
}

// make16 is a destination path at depth 16: no room for a child below it.
func make16() []uint32 {
	p := make([]uint32, commitment.MaxPathDepth)
	for i := range p {
		p[i] = 2
	}
	return p
}

// eventTypes lists the types of the events emitted so far.
func eventTypes(ctx sdk.Context) []string {
	var out []string
	for _, e := range ctx.EventManager().Events() {
		out = append(out, e.Type)
	}
	return out
}

// departed runs child 1 through two departing updates (anchors 6 and 7): the second one's report
// finalizes the first, so the child has left. It returns the two commitments.
func (s *KeeperTestSuite) departed(f departureFixture) (d1, d2 []byte) {
	d := s.toSibling()
	r1, err := s.msgs.SubmitUpdate(s.env.Ctx, s.departing(f.child, f.c1, 6, d, oldKeyHash))
	s.Require().NoError(err)
	r2, err := s.msgs.SubmitUpdate(s.env.Ctx, s.departing(f.child, r1.Commitment, 7, d, oldKeyHash))
	s.Require().NoError(err)
	s.Require().Equal(r1.Commitment, s.finalized(1), "the second departing update finalized the first")
	return r1.Commitment, r2.Commitment
}

// TestDepartedChildIsClosed proves that once the finalized commitment is a departing one the
// child has left (docs/PROTOCOL.md "Re-parenting" 2.): no update, no re-election, no exit of its
// ledger here (the double spend a re-parenting could attempt at its old position); deregistration
// returns the bond once and keeps the record, so the index (its old vid) is never reused.
func (s *KeeperTestSuite) TestDepartedChildIsClosed() {
	f := s.departureFixture()
	q, err := s.query.Child(s.env.Ctx, &types.QueryChildRequest{Index: 1})
	s.Require().NoError(err)
	s.Require().False(q.Departed)
	_, d2 := s.departed(f)
	q, err = s.query.Child(s.env.Ctx, &types.QueryChildRequest{Index: 1})
	s.Require().NoError(err)
	s.Require().True(q.Departed, "the query says it left: the relayer stops updating it here")
	record, err := s.stack.acceptance.Children.Get(s.env.Ctx, 1)
	s.Require().NoError(err)
	s.Require().True(record.Departed, "x/acceptance stops counting it")
	report, err := s.stack.acceptance.SubtreeReport(s.env.Ctx, 20)
	s.Require().NoError(err)
	s.Require().Equal(uint64(1), report.Subtree, "its subtree is its new parent's: this chain reports itself alone")

	_, err = s.msgs.SubmitUpdate(s.env.Ctx, s.departing(f.child, d2, 8, s.toSibling(), oldKeyHash))
	s.Require().ErrorIs(err, types.ErrChildDeparted)
	_, _, err = s.keeper.InstallOperator(s.env.Ctx, 1, s.operator(7).String(), newKeyHash, 5000)
	s.Require().ErrorIs(err, types.ErrChildDeparted)
	_, err = s.msgs.Exit(s.env.Ctx, f.exit)
	s.Require().ErrorIs(err, types.ErrChildDeparting)

	op := s.operator(1) // (each call funds the account)
	before := s.bank.balance(op)
	dereg := &types.MsgDeregisterChild{Operator: op.String(), ChildIndex: 1}
	_, err = s.msgs.DeregisterChild(s.env.Ctx, dereg)
	s.Require().NoError(err)
	s.Require().Equal(before.Add(types.DefaultMinChildBond), s.bank.balance(op), "the bond is returned")
	_, err = s.msgs.DeregisterChild(s.env.Ctx, dereg)
	s.Require().ErrorIs(err, types.ErrChildDeparted, "only once")
	child, err := s.keeper.GetChild(s.env.Ctx, 1)
	s.Require().NoError(err, "the record stays")
	s.Require().Equal(d2, child.LatestCommitment)

	c := newChildLedger(s, []uint8{2})
	lr, or, rr := c.roots(s)
	res, err := s.msgs.RegisterChild(s.env.Ctx, &types.MsgRegisterChild{
		Operator: s.operator(2).String(), VerifyingKey: s.ledgerKeys().vk, Bond: types.DefaultMinChildBond,
		GenesisLedgerRoot: lr, GenesisOutboxRoot: or, GenesisReceiptRoot: rr,
	})
	s.Require().NoError(err)
	s.Require().Equal(uint32(2), res.Index, "index 1 is never reused")
}

// TestReElectionCancelsDeparture proves a departure that is not final yet can be undone by a
// re-election of the child (DESIGN §9): the rollback to the finalized commitment drops the
// departing commitments and the departure with them.
func (s *KeeperTestSuite) TestReElectionCancelsDeparture() {
	f := s.departureFixture()
	upd, err := s.msgs.SubmitUpdate(s.env.Ctx, keyed(s.updateBatches(f.child, 1, f.c1, 6), oldKeyHash, 0))
	s.Require().NoError(err) // finalizes C1
	_, err = s.msgs.SubmitUpdate(s.env.Ctx, s.departing(f.child, upd.Commitment, 7, s.toSibling(), oldKeyHash))
	s.Require().NoError(err)
	s.Require().Equal(upd.Commitment, s.finalized(1), "the departing commitment is not final")

	_, _, err = s.keeper.InstallOperator(s.env.Ctx, 1, s.operator(7).String(), newKeyHash, 5000)
	s.Require().NoError(err)
	child, err := s.keeper.GetChild(s.env.Ctx, 1)
	s.Require().NoError(err)
	s.Require().Nil(child.Departure)
	s.Require().Equal(upd.Commitment, child.LatestCommitment)
}

// arrival is an arrival proof of a chain at oldPath = [1, 2] whose departing commitment (key
// oldKeyHash, roots of its ledger) is marked for dest and operator, under a root whose finalized
// children root holds its parent [1], whose finalized children root holds it, at root height 30
// (arrive stores that root record with x/tree). It returns the proof and the departing commitment.
func (s *KeeperTestSuite) arrival(dest slushtypes.Path, operator sdk.AccAddress, finalized bool) (types.ArrivalProof, commitment.Commitment) {
	s.anchors = s.newAnchors()
	lr, or, rr := newChildLedger(s, []uint8{1, 2}).replay(s, 0).roots(s)
	decode := func(b []byte) fr.Element {
		e, err := hash.DecodeElement(b)
		s.Require().NoError(err)
		return e
	}
	destVid, err := dest.Vid()
	s.Require().NoError(err)
	mark, err := types.DepartureMark(decode(oldKeyHash), destVid, operator, arrivalInboxHead)
	s.Require().NoError(err)
	v := commitment.Commitment{
		Vid: commitment.MustPackVid([]uint8{1, 2}), LedgerRoot: decode(lr), OutboxRoot: decode(or), ReceiptRoot: decode(rr),
		ChildrenRoot: commitment.EmptyChildrenRoot(), FinalizedChildrenRoot: commitment.EmptyChildrenRoot(),
		AnchorHeight: 20, AnchorCommitment: hash.Uint64(20), AcceptanceDigest: hash.Uint64(1), OperatorKeyHash: mark, Epoch: 3,
	}
	vRoot, vSiblings := s.childTree(2, v)
	p := commitment.Commitment{
		Vid: commitment.MustPackVid([]uint8{1}), ChildrenRoot: vRoot, FinalizedChildrenRoot: commitment.EmptyChildrenRoot(),
		AnchorHeight: 25, AcceptanceDigest: hash.Uint64(2),
	}
	if finalized {
		p.FinalizedChildrenRoot = vRoot
	}
	pRoot, pSiblings := s.childTree(1, p)
	root := commitment.Commitment{ChildrenRoot: pRoot, FinalizedChildrenRoot: pRoot, AnchorHeight: 30, AcceptanceDigest: hash.Uint64(3)}
	return types.ArrivalProof{RootHeight: 30, InboxHead: hash.EncodeElement(arrivalInboxHead), Root: slushtypes.NewCommitmentFields(root), Hops: []types.FinalizedHop{
		{Commitment: slushtypes.NewCommitmentFields(p), Siblings: pSiblings},
		{Commitment: slushtypes.NewCommitmentFields(v), Siblings: vSiblings},
	}}, v
}

// arrivalInboxHead is the inbox head the arriving chain had at its old parent.
var arrivalInboxHead = hash.Uint64(99)

// childTree is a children SMT holding only c at index, its root and c's siblings.
func (s *KeeperTestSuite) childTree(index uint8, c commitment.Commitment) (fr.Element, [][]byte) {
	return s.childTreeOf(index, c.Hash())
}

// arrive stores the proof's root record as this chain's root commitment at height 30 and
// registers the chain of the proof under this chain as operator 9's child.
func (s *KeeperTestSuite) arrive(p types.ArrivalProof, c commitment.Commitment, mutate func(*types.MsgRegisterChild)) (*types.MsgRegisterChildResponse, error) {
	root, err := p.Root.Decode()
	s.Require().NoError(err)
	if p.RootHeight == 30 && root.AnchorHeight == 30 { // a proof this test has not broken at its root
		s.anchors.record(30, root)
	}
	msg := &types.MsgRegisterChild{
		Operator: s.operator(9).String(), VerifyingKey: s.ledgerKeys().vk, Bond: types.DefaultMinChildBond,
		GenesisLedgerRoot: hash.EncodeElement(c.LedgerRoot), GenesisOutboxRoot: hash.EncodeElement(c.OutboxRoot),
		GenesisReceiptRoot: hash.EncodeElement(c.ReceiptRoot), OperatorKeyHash: oldKeyHash, Arrival: &p,
	}
	if mutate != nil {
		mutate(msg)
	}
	return s.msgs.RegisterChild(s.env.Ctx, msg)
}

// TestArrival proves the registration of a departed chain at its new parent (docs/PROTOCOL.md
// "Re-parenting" 3.): it continues the departing commitment's roots, anchor and epoch, once;
// and a proof that does not show a final departure here, by this operator, with this key, or
// genesis roots other than the departed state's, is refused.
func (s *KeeperTestSuite) TestArrival() {
	s.env.Ctx = s.env.Ctx.WithBlockHeight(40)
	here := slushtypes.Path{} // this chain is the root: [1, 2] moves under it
	proof, v := s.arrival(here, s.operator(9), true)

	latestOnly, lv := s.arrival(here, s.operator(9), false)
	elsewhere, ev := s.arrival(slushtypes.Path{3}, s.operator(9), true)
	otherOperator, ov := s.arrival(here, s.operator(8), true)
	genuine, err := proof.Root.Decode()
	s.Require().NoError(err)
	s.anchors.record(30, genuine) // what the broken roots below are compared with
	for _, tc := range []struct {
		name   string
		proof  types.ArrivalProof
		c      commitment.Commitment
		mutate func(*types.MsgRegisterChild)
		err    error
		reason string
	}{
		{"unknown root height", withRootHeight(proof, 31), v, nil, types.ErrUnknownAnchor, "root height 31"},
		{"not the root's preimage", withRootAnchor(proof, 29), v, nil, types.ErrInvalidArrival, "not the root commitment"},
		{"through a latest, not finalized, children root", latestOnly, lv, nil, types.ErrInvalidArrival, "hop 1"},
		{"departed to another chain", elsewhere, ev, nil, types.ErrInvalidArrival, "not a departure"},
		{"departed to be registered by another account", otherOperator, ov, nil, types.ErrInvalidArrival, "not a departure"},
		{"another key hash", proof, v, func(m *types.MsgRegisterChild) { m.OperatorKeyHash = newKeyHash }, types.ErrInvalidArrival, "not a departure"},
		{"another ledger root", proof, v, func(m *types.MsgRegisterChild) { m.GenesisLedgerRoot = payload(77) }, types.ErrInvalidArrival, "genesis_ledger_root"},
		{"another inbox head", withInboxHead(proof, payload(98)), v, nil, types.ErrInvalidArrival, "not a departure"},
		{"a broken sibling", withSibling(proof, []byte{1}), v, nil, types.ErrInvalidField, "sibling 0"},
	} {
		s.Run(tc.name, func() {
			_, err := s.arrive(tc.proof, tc.c, tc.mutate)
			s.Require().ErrorIs(err, tc.err)
			s.Require().ErrorContains(err, tc.reason)
		})
	}

	res, err := s.arrive(proof, v, nil)
	s.Require().NoError(err)
	child, err := s.keeper.GetChild(s.env.Ctx, res.Index)
	s.Require().NoError(err)
	s.Require().Equal(hash.EncodeElement(v.LedgerRoot), child.LedgerRoot)
	s.Require().Equal(hash.EncodeElement(v.OutboxRoot), child.OutboxRoot)
	s.Require().Equal(uint64(20), child.AnchorHeight, "its next anchor must be above the departed one")
	s.Require().Equal(uint64(3), child.Epoch)
	s.Require().Equal(hash.EncodeElement(arrivalInboxHead), child.InboxHead, "its inbox chain continues")
	s.Require().Empty(child.LatestCommitment, "its first update here starts a new history")
	s.Require().Equal([]uint32{1, 2}, child.ArrivedFrom, "where it came from: the vid its earlier log was signed for")
	s.Require().Contains(eventTypes(s.env.Ctx), "slush.validium.v1.EventChildArrived")

	_, err = s.arrive(proof, v, nil)
	s.Require().ErrorIs(err, types.ErrAlreadyArrived, "its state arrives once")

	exported, err := s.keeper.ExportGenesis(s.env.Ctx)
	s.Require().NoError(err)
	s.Require().Len(exported.Arrivals, 1)
	s.Require().NoError(exported.Validate())
	var exportedChild types.Child
	for _, c := range exported.Children {
		if c.Index == res.Index {
			exportedChild = c
		}
	}
	s.Require().Equal([]uint32{1, 2}, exportedChild.ArrivedFrom, "exported with the record")
	exported.Arrivals = nil
	s.Require().ErrorContains(exported.Validate(), "without an arrival record")
}

func withInboxHead(p types.ArrivalProof, head []byte) types.ArrivalProof {
	p.InboxHead = head
	return p
}

func withRootHeight(p types.ArrivalProof, h uint64) types.ArrivalProof {
	p.RootHeight = h
	return p
}

func withRootAnchor(p types.ArrivalProof, h uint64) types.ArrivalProof {
	p.Root.AnchorHeight = h
	return p
}

func withSibling(p types.ArrivalProof, b []byte) types.ArrivalProof {
	hops := append([]types.FinalizedHop(nil), p.Hops...)
	hops[1].Siblings = append([][]byte{b}, hops[1].Siblings[1:]...)
	p.Hops = hops
	return p
}

// TestOwnCommitmentCarriesDepartureMark proves a chain's own commitment carries its key hash
// while its departure is only prepared (its parent still takes normal updates that prove the rest
// of its frozen ledger) and the departure mark — its key hash, the new parent's vid, the new
// operator and the ledger's inbox head — once governance marked it (x/tree, issue 20).
func (s *KeeperTestSuite) TestOwnCommitmentCarriesDepartureMark() {
	op := s.operator(9)
	id := treetypes.TreeIdentity{Path: []uint32{1}, ParentChainId: "slush-root", MaxChildren: 3, MaxDepth: 16, OperatorKeyHash: oldKeyHash}
	s.ledger.roots.InboxHead = hash.Uint64(4242)
	fieldWith := func(d *treetypes.Departure) []byte {
		id.Departure = d
		s.setIdentity(&id)
		c, err := s.keeper.OwnCommitmentNow(s.env.Ctx)
		s.Require().NoError(err)
		return c.Fields.OperatorKeyHash
	}
	s.Require().Equal(oldKeyHash, fieldWith(nil))
	s.Require().Equal(oldKeyHash, fieldWith(&treetypes.Departure{NewParent: destination, NewOperator: op.String()}), "prepared, not marked")

	key, err := hash.DecodeElement(oldKeyHash)
	s.Require().NoError(err)
	want, err := types.DepartureMark(key, commitment.MustPackVid([]uint8{2}), op, hash.Uint64(4242))
	s.Require().NoError(err)
	s.Require().Equal(hash.EncodeElement(want), fieldWith(&treetypes.Departure{NewParent: destination, NewOperator: op.String(), Marked: true}))
}
