package cli_test

import (
	"context"
	"encoding/hex"
	"testing"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark-crypto/ecc/bn254/twistededwards/eddsa"
	"github.com/stretchr/testify/require"

	"github.com/slush-tree/slush/circuits/commitment"
	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/ledger"
	"github.com/slush-tree/slush/circuits/smt"
	"github.com/slush-tree/slush/testutil/clitest"
	slushtypes "github.com/slush-tree/slush/types"
	ledgertypes "github.com/slush-tree/slush/x/ledger/types"
	"github.com/slush-tree/slush/x/validium/client/cli"
	"github.com/slush-tree/slush/x/validium/types"
)

// frozenScenario is a tree where 1 froze at the root: the root's finalized commitment of 1 is 1's
// commitment of block 60, whose finalized children root holds 1-2's commitment of block 40
// (bound to the operator key of seed "op-1-2"); 1's latest commitment at the root is a later one.
// 1-2 leaves for 2, registered there by operator at inbox head head: the root's block 130 holds
// the departure (1's leaf in its children root is the frozen mark), its block 120 does not. 2
// knows the root commitments at 120 and 130.
type frozenScenario struct {
	chains              map[string]cli.ArrivalChain
	root, p, v, q       *fakeChain
	key                 *eddsa.PrivateKey
	keyHash, head, mark fr.Element
	parent, departed    commitment.Commitment
	parentSiblings      [][]byte
	operator            []byte
	operatorName        string
	departure           types.FrozenDeparture
	rootCommitment      map[uint64]fr.Element
}

func newFrozenScenario(t *testing.T) *frozenScenario {
	t.Helper()
	s := &frozenScenario{
		root: newFakeChain(slushtypes.Path{}), p: newFakeChain(slushtypes.Path{1}),
		v: newFakeChain(slushtypes.Path{1, 2}), q: newFakeChain(slushtypes.Path{2}),
		key: ledger.KeyFromSeed([]byte("op-1-2")), head: hash.Uint64(99), operator: []byte("new operator account"),
		rootCommitment: map[uint64]fr.Element{},
	}
	var err error
	s.operatorName, err = addresses.BytesToString(s.operator)
	require.NoError(t, err)
	s.keyHash = slushtypes.OperatorKeyHash(s.key.PublicKey)
	s.chains = map[string]cli.ArrivalChain{"root": s.root, "1": s.p, "1-2": s.v, "2": s.q}
	empty := commitment.EmptyChildrenRoot()
	chain := func(path []uint8, anchor uint64, key, children fr.Element) commitment.Commitment {
		return commitment.Commitment{
			Vid: commitment.MustPackVid(path), LedgerRoot: hash.Uint64(11 + anchor), OutboxRoot: hash.Uint64(12), ReceiptRoot: hash.Uint64(13),
			ChildrenRoot: children, FinalizedChildrenRoot: children, AnchorHeight: anchor, AnchorCommitment: hash.Uint64(anchor),
			AcceptanceDigest: hash.Uint64(anchor + 1), OperatorKeyHash: key, Epoch: 3,
		}
	}
	s.departed = chain([]uint8{1, 2}, 15, s.keyHash, empty)
	s.v.commitments[40] = record(40, s.departed)
	s.v.ledgers[40] = &ledgertypes.QueryStateResponse{LedgerRoot: hash.EncodeElement(s.departed.LedgerRoot), InboxHead: hash.EncodeElement(s.head)}
	finalized60, proofs60 := finalizedState(t, map[uint8]commitment.Commitment{1: chain([]uint8{1, 1}, 18, hash.Uint64(6), empty), 2: s.departed})
	s.parentSiblings = proofs60[2].Siblings
	s.parent = chain([]uint8{1}, 22, hash.Uint64(7), finalized60)
	s.p.commitments[60], s.p.finalized[60] = record(60, s.parent), proofs60
	s.p.children[2] = types.Child{Index: 2, OperatorKeyHash: hash.EncodeElement(s.keyHash)} // no departing update

	s.mark, err = types.DepartureMark(s.keyHash, commitment.MustPackVid([]uint8{2}), s.operator, s.head)
	require.NoError(t, err)
	s.departure = types.FrozenDeparture{
		ChildIndex: 1, GrandchildIndex: 2, Commitment: hash.EncodeElement(s.departed.Hash()), NewParent: []uint32{2},
		NewOperator: s.operatorName, InboxHead: hash.EncodeElement(s.head), Mark: hash.EncodeElement(s.mark),
	}
	departures, departureSiblings, err := types.DepartureOpening([]types.FrozenDeparture{s.departure}, 2)
	require.NoError(t, err)
	latest := hash.Uint64(700) // 1's latest commitment at the root, accepted, never final
	s.root.children[1] = types.Child{Index: 1, Status: types.ChildStatus_CHILD_STATUS_FROZEN, LatestCommitment: hash.EncodeElement(latest)}
	q := chain([]uint8{2}, 21, hash.Uint64(8), empty)
	finalizedRoot, rootProofs := finalizedState(t, map[uint8]commitment.Commitment{1: s.parent, 2: q})
	s.root.finalized[0] = rootProofs
	for h, leaf := range map[uint64]fr.Element{120: latest, 130: types.FrozenMark(latest, departures)} {
		children, proofs := childrenState(t, map[uint8]fr.Element{1: leaf, 2: q.Hash()})
		r := commitment.Commitment{ChildrenRoot: children, FinalizedChildrenRoot: finalizedRoot, AnchorHeight: h, AnchorCommitment: hash.Uint64(h - 1), AcceptanceDigest: hash.Uint64(h)}
		s.root.commitments[int64(h)], s.root.finalized[int64(h)], s.root.childProofs[int64(h)] = record(int64(h), r), rootProofs, proofs
		s.q.roots[h] = hash.EncodeElement(r.Hash())
		s.rootCommitment[h] = r.Hash()
	}
	opening := &types.QueryFrozenDepartureResponse{Departure: s.departure, DeparturesRoot: hash.EncodeElement(departures)}
	for _, sib := range departureSiblings {
		opening.Siblings = append(opening.Siblings, hash.EncodeElement(sib))
	}
	for _, h := range []int64{0, 130} {
		s.root.departures[h] = map[[2]uint32]*types.QueryFrozenDepartureResponse{{1, 2}: opening}
	}
	return s
}

// childrenState is a (latest) children SMT holding leaves (by index) and each child's ChildProof
// answer under it.
func childrenState(t *testing.T, leaves map[uint8]fr.Element) (fr.Element, map[uint32]*types.QueryChildProofResponse) {
	t.Helper()
	tr, err := smt.New(smt.NewMemStore(), commitment.ChildrenDepth)
	require.NoError(t, err)
	for i, v := range leaves {
		require.NoError(t, tr.Set(uint64(i), commitment.ChildLeaf(i, v)))
	}
	root, err := tr.Root()
	require.NoError(t, err)
	out := map[uint32]*types.QueryChildProofResponse{}
	for i, v := range leaves {
		p, err := tr.Prove(uint64(i))
		require.NoError(t, err)
		res := &types.QueryChildProofResponse{Leaf: hash.EncodeElement(v), ChildrenRoot: hash.EncodeElement(root)}
		for _, sib := range p.Siblings {
			res.Siblings = append(res.Siblings, hash.EncodeElement(sib))
		}
		out[uint32(i)] = res
	}
	return root, out
}

// leave runs cli.AssembleLeaveFrozen of 1-2 for 2 on the scenario's chains.
func (s *frozenScenario) leave(key *eddsa.PrivateKey) (types.MsgLeaveFrozenParent, cli.LeaveInfo, error) {
	return cli.AssembleLeaveFrozen(context.Background(), slushtypes.Path{1, 2}, slushtypes.Path{2}, s.chains, s.operatorName, addresses.StringToBytes, key)
}

// TestAssembleLeaveFrozen proves the departure read from the chains is the one the grandparent
// takes: the frozen parent's finalized commitment, the commitment of the chain it holds and that
// commitment's opening, the chain's inbox head at that block, the departure mark for the new
// parent and operator signed by the key the commitment binds.
func TestAssembleLeaveFrozen(t *testing.T) {
	s := newFrozenScenario(t)
	msg, info, err := s.leave(s.key)
	require.NoError(t, err)
	require.Equal(t, uint32(1), msg.ChildIndex)
	require.Equal(t, uint32(2), msg.GrandchildIndex)
	require.Equal(t, slushtypes.NewCommitmentFields(s.parent), msg.Parent)
	require.Equal(t, slushtypes.NewCommitmentFields(s.departed), msg.Departed)
	require.Equal(t, s.parentSiblings, msg.Siblings)
	require.Equal(t, []uint32{2}, msg.NewParent)
	require.Equal(t, hash.EncodeElement(s.head), msg.InboxHead)
	require.NoError(t, ledger.VerifyElement(s.key.PublicKey, types.LeaveFrozenMessage(s.departed.Vid, s.departed.Hash(), s.mark), msg.Signature),
		"signed as the grandparent verifies it")
	require.Equal(t, cli.LeaveInfo{
		Path: "1-2", Grandparent: "root", NewParent: "2", Commitment: hex.EncodeToString(hash.EncodeElement(s.departed.Hash())),
		CommitmentHeight: 40, InboxHead: hex.EncodeToString(hash.EncodeElement(s.head)),
	}, info)

	for _, tc := range []struct {
		name   string
		key    *eddsa.PrivateKey
		mutate func(s *frozenScenario)
		reason string
	}{
		{"the parent is not frozen", nil, func(s *frozenScenario) {
			c := s.root.children[1]
			c.Status = types.ChildStatus_CHILD_STATUS_ACTIVE
			s.root.children[1] = c
		}, "not frozen: leave it by departing updates"},
		{"another operator key", ledger.KeyFromSeed([]byte("someone else")), nil, "the commitment it leaves with binds"},
		{"a ledger state not of that block", nil, func(s *frozenScenario) {
			s.v.ledgers[40].LedgerRoot = hash.EncodeElement(hash.Uint64(1))
		}, "ledger root at block 40"},
		{"the ledger state pruned", nil, func(s *frozenScenario) { delete(s.v.ledgers, 40) }, "1-2's ledger at block 40"},
		{"a hop that does not open", nil, func(s *frozenScenario) {
			s.p.finalized[60][2].Siblings[2] = hash.EncodeElement(hash.Uint64(3))
		}, "does not open its finalized children root"},
		{"the frozen parent's preimage missing", nil, func(s *frozenScenario) { delete(s.p.commitments, 60) }, "finalized at root"},
		{"no node for the grandparent", nil, func(s *frozenScenario) { delete(s.chains, "root") }, "has no node for root"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newFrozenScenario(t)
			if tc.mutate != nil {
				tc.mutate(s)
			}
			key := s.key
			if tc.key != nil {
				key = tc.key
			}
			_, _, err := s.leave(key)
			require.ErrorContains(t, err, tc.reason)
		})
	}
	_, _, err = cli.AssembleLeaveFrozen(context.Background(), slushtypes.Path{1}, slushtypes.Path{2}, s.chains, s.operatorName, addresses.StringToBytes, s.key)
	require.ErrorContains(t, err, "child of the root")
}

// TestAssembleArrivalFromFrozenParent proves the arrival proof of a chain that left its frozen
// parent: the walk ends at the commitment the grandparent recorded (unmarked), and the frozen exit
// read from the grandparent's block holds the frozen mark and the departure, so the new parent
// accepts it; a root height before the departure was recorded is refused with what to do.
func TestAssembleArrivalFromFrozenParent(t *testing.T) {
	s := newFrozenScenario(t)
	proof, info, err := cli.AssembleArrival(context.Background(), slushtypes.Path{1, 2}, s.chains, 0, addresses.StringToBytes)
	require.NoError(t, err)
	require.Equal(t, uint64(130), proof.RootHeight)
	require.NotNil(t, proof.Frozen)
	require.Equal(t, slushtypes.NewCommitmentFields(s.departed), proof.Hops[1].Commitment, "the last hop is the commitment it left with")
	arrived, err := types.VerifyArrival(proof, s.rootCommitment[130], slushtypes.Path{2}, s.keyHash, s.operator)
	require.NoError(t, err)
	require.Equal(t, slushtypes.Path{1, 2}, arrived.OldPath)
	require.True(t, info.FromFrozenParent)
	require.Equal(t, hex.EncodeToString(hash.EncodeElement(s.keyHash)), info.OperatorKeyHash)
	require.Equal(t, hex.EncodeToString(hash.EncodeElement(s.departed.LedgerRoot)), info.GenesisLedgerRoot)
	require.Equal(t, s.departure.Commitment, mustHex(t, info.Commitment))

	for _, tc := range []struct {
		name       string
		rootHeight uint64
		mutate     func(s *frozenScenario)
		reason     string
	}{
		{"a root height before the departure was recorded", 120, nil, "is from before it recorded 1-2's departure"},
		{"a departure with another commitment", 0, func(s *frozenScenario) {
			s.root.departures[0][[2]uint32{1, 2}].Departure.Commitment = hash.EncodeElement(hash.Uint64(5))
		}, "it left its frozen parent with"},
		{"a grandparent state not of that block", 0, func(s *frozenScenario) {
			s.root.childProofs[130][1].ChildrenRoot = hash.EncodeElement(hash.Uint64(5))
		}, "children root at block 130"},
		{"no departure anywhere", 0, func(s *frozenScenario) { delete(s.root.departures, 0) }, "has no departure recorded"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newFrozenScenario(t)
			if tc.mutate != nil {
				tc.mutate(s)
			}
			_, _, err := cli.AssembleArrival(context.Background(), slushtypes.Path{1, 2}, s.chains, tc.rootHeight, addresses.StringToBytes)
			require.ErrorContains(t, err, tc.reason)
		})
	}
}

// TestLeaveFrozenParentCmd proves the command reads its arguments and flags before it asks any
// chain.
func TestLeaveFrozenParentCmd(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		err  string
	}{
		{"a bad path", []string{"1-x", "2"}, `path "1-x"`},
		{"a bad new parent", []string{"1-2", "x"}, `new parent "x"`},
		{"a child of the root", []string{"1", "2"}, "child of the root"},
		{"no operator key", []string{"1-2", "2"}, "give --seed or --key-file"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := clitest.Run(t, "", cli.ValidiumCmd(), append([]string{"leave-frozen-parent"}, tc.args...)...)
			require.ErrorContains(t, err, tc.err, out)
		})
	}
}

func mustHex(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	require.NoError(t, err)
	return b
}
