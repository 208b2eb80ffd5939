package cli_test

import (
	"context"
	"encoding/hex"
	"fmt"
	"testing"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	gogoproto "github.com/cosmos/gogoproto/proto"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/dynamicpb"

	"github.com/cosmos/cosmos-sdk/codec"
	"github.com/cosmos/cosmos-sdk/codec/address"
	codectypes "github.com/cosmos/cosmos-sdk/codec/types"

	"github.com/slush-tree/slush/circuits/commitment"
	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/smt"
	"github.com/slush-tree/slush/testutil/clitest"
	slushtypes "github.com/slush-tree/slush/types"
	acceptancetypes "github.com/slush-tree/slush/x/acceptance/types"
	ledgertypes "github.com/slush-tree/slush/x/ledger/types"
	treetypes "github.com/slush-tree/slush/x/tree/types"
	"github.com/slush-tree/slush/x/validium/client/cli"
	"github.com/slush-tree/slush/x/validium/types"
)

// fakeChain answers cli.ArrivalChain from records built of real commitments and children SMTs:
// its own commitments by block height, the finalized-children state at some blocks (other
// blocks are "pruned"), its children records and the root commitments it knows.
type fakeChain struct {
	path        slushtypes.Path
	commitments map[int64]treetypes.OwnCommitment
	finalized   map[int64]map[uint32]*acceptancetypes.QueryFinalizedChildProofResponse
	children    map[uint32]types.Child
	roots       map[uint64][]byte
	// childProofs are the (latest) children-SMT openings at some blocks, by child index.
	childProofs map[int64]map[uint32]*types.QueryChildProofResponse
	// departures are the departures from frozen children at some blocks, by (child, index).
	departures map[int64]map[[2]uint32]*types.QueryFrozenDepartureResponse
	// ledgers are the ledger states at some blocks.
	ledgers map[int64]*ledgertypes.QueryStateResponse
}

func newFakeChain(path slushtypes.Path) *fakeChain {
	return &fakeChain{
		path: path, commitments: map[int64]treetypes.OwnCommitment{},
		finalized: map[int64]map[uint32]*acceptancetypes.QueryFinalizedChildProofResponse{},
		children:  map[uint32]types.Child{}, roots: map[uint64][]byte{},
		childProofs: map[int64]map[uint32]*types.QueryChildProofResponse{},
		departures:  map[int64]map[[2]uint32]*types.QueryFrozenDepartureResponse{},
		ledgers:     map[int64]*ledgertypes.QueryStateResponse{},
	}
}

func (f *fakeChain) ChildProof(_ context.Context, index uint32, atHeight int64) (*types.QueryChildProofResponse, error) {
	res, ok := f.childProofs[atHeight][index]
	if !ok {
		return nil, fmt.Errorf("version %d pruned", atHeight)
	}
	return res, nil
}

// FrozenDeparture answers NotFound for a departure the block does not hold, as x/validium does.
func (f *fakeChain) FrozenDeparture(_ context.Context, child, index uint32, atHeight int64) (*types.QueryFrozenDepartureResponse, error) {
	res, ok := f.departures[atHeight][[2]uint32{child, index}]
	if !ok {
		return nil, slushtypes.NotFoundf("no departure of grandchild %d from frozen child %d", index, child)
	}
	return res, nil
}

func (f *fakeChain) Ledger(_ context.Context, atHeight int64) (*ledgertypes.QueryStateResponse, error) {
	res, ok := f.ledgers[atHeight]
	if !ok {
		return nil, fmt.Errorf("version %d pruned", atHeight)
	}
	return res, nil
}

func (f *fakeChain) TreeIdentity(context.Context, int64) (treetypes.TreeIdentity, error) {
	return treetypes.TreeIdentity{Path: f.path.Indices()}, nil
}

func (f *fakeChain) Commitment(_ context.Context, h, _ int64) (treetypes.OwnCommitment, error) {
	c, ok := f.commitments[h]
	if !ok {
		return treetypes.OwnCommitment{}, slushtypes.NotFoundf("no own commitment at height %d", h)
	}
	return c, nil
}

// CommitmentByHash answers the first height with the hash, as x/tree's index does.
func (f *fakeChain) CommitmentByHash(_ context.Context, h []byte, _ int64) (treetypes.OwnCommitment, error) {
	var best *treetypes.OwnCommitment
	for height, c := range f.commitments {
		if string(c.Commitment) == string(h) && (best == nil || height < best.Height) {
			c := c
			best = &c
		}
	}
	if best == nil {
		return treetypes.OwnCommitment{}, slushtypes.NotFoundf("no own commitment with hash %x in history", h)
	}
	return *best, nil
}

func (f *fakeChain) FinalizedChildProof(_ context.Context, index uint32, atHeight int64) (*acceptancetypes.QueryFinalizedChildProofResponse, error) {
	st, ok := f.finalized[atHeight]
	if !ok {
		return nil, fmt.Errorf("version %d pruned", atHeight)
	}
	res, ok := st[index]
	if !ok {
		return nil, slushtypes.NotFound(acceptancetypes.ErrNotFinalized)
	}
	cp := *res
	cp.Siblings = append([][]byte(nil), res.Siblings...)
	return &cp, nil
}

func (f *fakeChain) Child(_ context.Context, index uint32, _ int64) (*types.QueryChildResponse, error) {
	c, ok := f.children[index]
	if !ok {
		return nil, slushtypes.NotFoundf("child %d", index)
	}
	return &types.QueryChildResponse{Child: c}, nil
}

func (f *fakeChain) RootCommitment(_ context.Context, rootHeight uint64, _ int64) (*treetypes.QueryRootCommitmentResponse, error) {
	if rootHeight == 0 {
		for h := range f.roots {
			rootHeight = max(rootHeight, h)
		}
	}
	c, ok := f.roots[rootHeight]
	return &treetypes.QueryRootCommitmentResponse{Known: ok, RootHeight: rootHeight, Commitment: c}, nil
}

// record is c as x/tree records it at block height h.
func record(h int64, c commitment.Commitment) treetypes.OwnCommitment {
	return treetypes.OwnCommitment{Height: h, Commitment: hash.EncodeElement(c.Hash()), Fields: slushtypes.NewCommitmentFields(c)}
}

// finalizedState is a finalized-children SMT holding children (by index) and each child's
// FinalizedChildProof answer under it.
func finalizedState(t *testing.T, children map[uint8]commitment.Commitment) (fr.Element, map[uint32]*acceptancetypes.QueryFinalizedChildProofResponse) {
	t.Helper()
	tr, err := smt.New(smt.NewMemStore(), commitment.ChildrenDepth)
	require.NoError(t, err)
	for i, c := range children {
		require.NoError(t, tr.Set(uint64(i), commitment.ChildLeaf(i, c.Hash())))
	}
	root, err := tr.Root()
	require.NoError(t, err)
	out := map[uint32]*acceptancetypes.QueryFinalizedChildProofResponse{}
	for i, c := range children {
		p, err := tr.Prove(uint64(i))
		require.NoError(t, err)
		res := &acceptancetypes.QueryFinalizedChildProofResponse{Commitment: hash.EncodeElement(c.Hash()), FinalizedChildrenRoot: hash.EncodeElement(root)}
		for _, s := range p.Siblings {
			res.Siblings = append(res.Siblings, hash.EncodeElement(s))
		}
		out[uint32(i)] = res
	}
	return root, out
}

// scenario is a tree where 1-2 departed from 1 for 2, registered there by operator with key
// hash key at inbox head head. At root height 90 the root has finalized nothing of 1; at 100 it
// holds 1's commitment of block 60, whose finalized children root holds 1-2's commitment from
// before the departure (block 40); at 110 it holds 1's commitment of block 70, whose finalized
// children root holds 1-2's departing commitment (block 50, repeated at 51). 2 knows the root
// commitments at 90, 100 and 110.
type scenario struct {
	chains               map[string]cli.ArrivalChain
	root, p, v, q        *fakeChain
	departing            commitment.Commitment
	rootCommitment       map[uint64]fr.Element
	operator             []byte
	operatorName         string
	key, head, otherRoot fr.Element
}

var addresses = address.NewBech32Codec("slush")

func newScenario(t *testing.T) *scenario {
	t.Helper()
	s := &scenario{
		root: newFakeChain(slushtypes.Path{}), p: newFakeChain(slushtypes.Path{1}),
		v: newFakeChain(slushtypes.Path{1, 2}), q: newFakeChain(slushtypes.Path{2}),
		rootCommitment: map[uint64]fr.Element{}, operator: []byte("new operator account"),
		key: hash.Uint64(5), head: hash.Uint64(99), otherRoot: hash.Uint64(1234),
	}
	var err error
	s.operatorName, err = addresses.BytesToString(s.operator)
	require.NoError(t, err)
	s.chains = map[string]cli.ArrivalChain{"root": s.root, "1": s.p, "1-2": s.v, "2": s.q}

	mark, err := types.DepartureMark(s.key, commitment.MustPackVid([]uint8{2}), s.operator, s.head)
	require.NoError(t, err)
	leaf := func(path []uint8, anchor uint64, key, finalizedChildren fr.Element) commitment.Commitment {
		return commitment.Commitment{
			Vid: commitment.MustPackVid(path), LedgerRoot: hash.Uint64(11 + anchor), OutboxRoot: hash.Uint64(12), ReceiptRoot: hash.Uint64(13),
			ChildrenRoot: finalizedChildren, FinalizedChildrenRoot: finalizedChildren,
			AnchorHeight: anchor, AnchorCommitment: hash.Uint64(anchor), AcceptanceDigest: hash.Uint64(anchor + 1), OperatorKeyHash: key, Epoch: 3,
		}
	}
	empty := commitment.EmptyChildrenRoot()
	before := leaf([]uint8{1, 2}, 15, s.key, empty)
	s.departing = leaf([]uint8{1, 2}, 20, mark, empty)
	s.v.commitments[40] = record(40, before)
	s.v.commitments[50] = record(50, s.departing)
	s.v.commitments[51] = record(51, s.departing)
	sibling := leaf([]uint8{1, 1}, 18, hash.Uint64(6), empty)

	root60, proofs60 := finalizedState(t, map[uint8]commitment.Commitment{1: sibling, 2: before})
	root70, proofs70 := finalizedState(t, map[uint8]commitment.Commitment{1: sibling, 2: s.departing})
	p60, p70 := leaf([]uint8{1}, 22, hash.Uint64(7), root60), leaf([]uint8{1}, 25, hash.Uint64(7), root70)
	s.p.commitments[60], s.p.finalized[60] = record(60, p60), proofs60
	s.p.commitments[70], s.p.finalized[70] = record(70, p70), proofs70
	s.p.children[2] = types.Child{
		Index: 2, OperatorKeyHash: hash.EncodeElement(s.key), InboxHead: hash.EncodeElement(s.head),
		Departure: &types.Departure{NewParent: []uint32{2}, NewOperator: s.operatorName}, DepartureAnchorHeight: 20,
	}
	q := leaf([]uint8{2}, 21, hash.Uint64(8), empty)
	for h, children := range map[uint64]map[uint8]commitment.Commitment{
		90: {2: q}, 100: {1: p60, 2: q}, 110: {1: p70, 2: q},
	} {
		fin, proofs := finalizedState(t, children)
		r := commitment.Commitment{ChildrenRoot: fin, FinalizedChildrenRoot: fin, AnchorHeight: h, AnchorCommitment: hash.Uint64(h - 1), AcceptanceDigest: hash.Uint64(h)}
		s.root.commitments[int64(h)], s.root.finalized[int64(h)] = record(int64(h), r), proofs
		s.q.roots[h] = hash.EncodeElement(r.Hash())
		s.rootCommitment[h] = r.Hash()
	}
	return s
}

// assemble runs cli.AssembleArrival of 1-2 on the scenario's chains.
func (s *scenario) assemble(rootHeight uint64) (types.ArrivalProof, cli.RegisterInfo, error) {
	return cli.AssembleArrival(context.Background(), slushtypes.Path{1, 2}, s.chains, rootHeight, addresses.StringToBytes)
}

// TestAssembleArrival proves that the proof assembled from the chains is the one the new parent
// accepts (types.VerifyArrival, from the root commitment it knows), with the departing commitment
// as its last hop and the genesis roots and key hash register-child needs; and that its JSON is
// what autocli's --arrival flag reads (protojson over the message's descriptor).
func TestAssembleArrival(t *testing.T) {
	s := newScenario(t)
	for _, h := range []uint64{0, 110} { // 0: the newest the new parent knows
		proof, info, err := s.assemble(h)
		require.NoError(t, err)
		require.Equal(t, uint64(110), proof.RootHeight)
		require.Len(t, proof.Hops, 2)
		require.Equal(t, slushtypes.NewCommitmentFields(s.departing), proof.Hops[1].Commitment, "the last hop is the departing commitment")
		require.Equal(t, s.root.commitments[110].Fields, proof.Root)
		arrived, err := types.VerifyArrival(proof, s.rootCommitment[110], slushtypes.Path{2}, s.key, s.operator)
		require.NoError(t, err)
		require.Equal(t, slushtypes.Path{1, 2}, arrived.OldPath)
		require.Equal(t, cli.RegisterInfo{
			OldPath: "1-2", NewParent: "2", NewOperator: s.operatorName,
			OperatorKeyHash:    hex.EncodeToString(hash.EncodeElement(s.key)),
			GenesisLedgerRoot:  hex.EncodeToString(hash.EncodeElement(s.departing.LedgerRoot)),
			GenesisOutboxRoot:  hex.EncodeToString(hash.EncodeElement(s.departing.OutboxRoot)),
			GenesisReceiptRoot: hex.EncodeToString(hash.EncodeElement(s.departing.ReceiptRoot)),
			RootHeight:         110, Commitment: hex.EncodeToString(hash.EncodeElement(s.departing.Hash())),
		}, info)
	}

	proof, _, err := s.assemble(0)
	require.NoError(t, err)
	bz, err := codec.NewProtoCodec(codectypes.NewInterfaceRegistry()).MarshalJSON(&proof)
	require.NoError(t, err)
	desc, err := gogoproto.HybridResolver.FindDescriptorByName("slush.validium.v1.ArrivalProof")
	require.NoError(t, err)
	msg := dynamicpb.NewMessage(desc.(protoreflect.MessageDescriptor))
	require.NoError(t, protojson.Unmarshal(bz, msg), "autocli reads the printed JSON")
	wire, err := proto.Marshal(msg)
	require.NoError(t, err)
	var back types.ArrivalProof
	require.NoError(t, gogoproto.Unmarshal(wire, &back))
	require.Equal(t, proof, back)
}

// TestAssembleArrivalFailures proves the assembly refuses, naming the level, every chain answer
// that does not make a proof the new parent accepts.
func TestAssembleArrivalFailures(t *testing.T) {
	for _, tc := range []struct {
		name       string
		rootHeight uint64
		mutate     func(s *scenario)
		reason     string
	}{
		{"the departure is not final up to the root yet", 100, nil, "from before its departure: its departure is not final up to the root at root height 100"},
		{"finality has not reached a level", 90, nil, "level root holds no finalized commitment of 1 at block 90"},
		{"a hop that does not open", 0, func(s *scenario) {
			s.p.finalized[70][2].Siblings[3] = hash.EncodeElement(hash.Uint64(3))
		}, "level 1: 1-2's commitment"},
		{"a hop under the root that does not open", 0, func(s *scenario) {
			s.root.finalized[110][1].Siblings[1] = s.root.finalized[110][1].Siblings[0]
		}, "level root: 1's commitment"},
		{"a broken sibling", 0, func(s *scenario) { s.p.finalized[70][2].Siblings[0] = []byte{1} }, "sibling 0"},
		{"a node whose state is not that block's", 0, func(s *scenario) {
			s.p.finalized[70] = s.p.finalized[60]
		}, "level 1: its finalized children root at block 70"},
		{"a pruned block", 0, func(s *scenario) { delete(s.p.finalized, 70) }, "level 1: finalized child proof of 1-2 at block 70: version 70 pruned"},
		{"a preimage that does not hash to the commitment", 0, func(s *scenario) {
			c := s.v.commitments[50]
			c.Fields.Epoch = 4
			s.v.commitments[50] = c
		}, "hashes to"},
		{"a commitment out of the child's history", 0, func(s *scenario) {
			delete(s.v.commitments, 50)
			delete(s.v.commitments, 51)
		}, "level 1-2: 1-2's commitment"},
		{"a root height the new parent does not know", 120, nil, "does not know a root commitment at root height 120"},
		{"another tree's root", 0, func(s *scenario) { s.q.roots[110] = hash.EncodeElement(s.otherRoot) }, "not the same tree"},
		{"the root's commitment pruned", 0, func(s *scenario) { delete(s.root.commitments, 110) }, "the root's commitment at height 110"},
		{"a node for the wrong chain", 0, func(s *scenario) { s.chains["1"] = s.q }, "the node given for 1 is 2"},
		{"no node for the new parent", 0, func(s *scenario) { delete(s.chains, "2") }, "has no node for 2"},
		{"no node for a level", 0, func(s *scenario) { delete(s.chains, "1-2") }, "has no node for 1-2"},
		{"no departure", 0, func(s *scenario) {
			c := s.p.children[2]
			c.Departure = nil
			s.p.children[2] = c
		}, "has no departure recorded: no departing update at 1"},
		{"a record naming another operator", 0, func(s *scenario) {
			c := s.p.children[2]
			c.Departure = &types.Departure{NewParent: []uint32{2}, NewOperator: s.operatorName}
			c.InboxHead = hash.EncodeElement(hash.Uint64(98))
			s.p.children[2] = c
		}, "carries neither"},
		{"a departure elsewhere", 0, func(s *scenario) {
			c := s.p.children[2]
			c.Departure = &types.Departure{NewParent: []uint32{1, 1}, NewOperator: s.operatorName}
			s.p.children[2] = c
			other := newFakeChain(slushtypes.Path{1, 1})
			other.roots = s.q.roots
			s.chains["1-1"] = other
		}, "carries neither its key hash nor the departure mark 1's record implies (for 1-1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newScenario(t)
			if tc.mutate != nil {
				tc.mutate(s)
			}
			_, _, err := s.assemble(tc.rootHeight)
			require.ErrorContains(t, err, tc.reason)
		})
	}

	s := newScenario(t)
	_, _, err := cli.AssembleArrival(context.Background(), slushtypes.Path{}, s.chains, 0, addresses.StringToBytes)
	require.ErrorContains(t, err, "the root has no parent")
}

// TestArrivalProofCmd proves the command reads its flags before it asks any chain: --nodes is
// required, keyed by valid paths, and must name every chain of the walk.
func TestArrivalProofCmd(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		err  string
	}{
		{"no nodes", []string{"1-2"}, "--nodes is required"},
		{"a bad old path", []string{"1-x", "--nodes", "root=tcp://127.0.0.1:1"}, `old path "1-x"`},
		{"a bad node path", []string{"1-2", "--nodes", "one=tcp://127.0.0.1:1"}, "--nodes one"},
		{"the root", []string{"root", "--nodes", "root=tcp://127.0.0.1:1"}, "the root has no parent"},
		{"a missing level", []string{"1-2", "--nodes", "1=tcp://127.0.0.1:1,1-2=tcp://127.0.0.1:2"}, "--nodes has no node for root"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := clitest.Run(t, "", cli.ValidiumCmd(), append([]string{"arrival-proof"}, tc.args...)...)
			require.ErrorContains(t, err, tc.err, out)
		})
	}
}

// TestAssembleArrivalFromTheRoot proves the walk when the old parent is the root (one hop): 1
// departs from the root for 2, and its departing commitment is final in the root's own
// commitment at root height 50.
func TestAssembleArrivalFromTheRoot(t *testing.T) {
	root, v, q := newFakeChain(slushtypes.Path{}), newFakeChain(slushtypes.Path{1}), newFakeChain(slushtypes.Path{2})
	chains := map[string]cli.ArrivalChain{"root": root, "1": v, "2": q}
	operator := []byte("operator of 1 at 2")
	name, err := addresses.BytesToString(operator)
	require.NoError(t, err)
	key := hash.Uint64(5)
	mark, err := types.DepartureMark(key, commitment.MustPackVid([]uint8{2}), operator, fr.Element{})
	require.NoError(t, err)
	empty := commitment.EmptyChildrenRoot()
	d := commitment.Commitment{
		Vid: commitment.MustPackVid([]uint8{1}), LedgerRoot: hash.Uint64(1), ChildrenRoot: empty, FinalizedChildrenRoot: empty,
		AnchorHeight: 40, AnchorCommitment: hash.Uint64(40), AcceptanceDigest: hash.Uint64(2), OperatorKeyHash: mark,
	}
	v.commitments[45] = record(45, d)
	fin, proofs := finalizedState(t, map[uint8]commitment.Commitment{1: d})
	r := commitment.Commitment{ChildrenRoot: fin, FinalizedChildrenRoot: fin, AnchorHeight: 50, AcceptanceDigest: hash.Uint64(3)}
	root.commitments[50], root.finalized[50] = record(50, r), proofs
	root.children[1] = types.Child{Index: 1, OperatorKeyHash: hash.EncodeElement(key), Departure: &types.Departure{NewParent: []uint32{2}, NewOperator: name}}
	q.roots[50] = hash.EncodeElement(r.Hash())

	proof, info, err := cli.AssembleArrival(context.Background(), slushtypes.Path{1}, chains, 0, addresses.StringToBytes)
	require.NoError(t, err)
	require.Len(t, proof.Hops, 1)
	require.Empty(t, proof.InboxHead, "the root's record has no inbox head: the zero head")
	_, err = types.VerifyArrival(proof, r.Hash(), slushtypes.Path{2}, key, operator)
	require.NoError(t, err)
	require.Equal(t, "1", info.OldPath)
	require.Equal(t, hex.EncodeToString(hash.EncodeElement(hash.Uint64(1))), info.GenesisLedgerRoot)

	delete(root.finalized[50], 1)
	_, _, err = cli.AssembleArrival(context.Background(), slushtypes.Path{1}, chains, 0, addresses.StringToBytes)
	require.ErrorContains(t, err, "level root holds no finalized commitment of 1 at block 50")
}
