package app_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"testing"
	"time"

	treekeeper "github.com/slush-tree/slush/x/tree/keeper"

	slushtypes "github.com/slush-tree/slush/types"
	ledgertypes "github.com/slush-tree/slush/x/ledger/types"
	treetypes "github.com/slush-tree/slush/x/tree/types"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark-crypto/ecc/bn254/twistededwards/eddsa"
	gogoproto "github.com/cosmos/gogoproto/proto"
	"github.com/stretchr/testify/require"

	"cosmossdk.io/collections"

	"github.com/cosmos/cosmos-sdk/codec"
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/slush-tree/slush/app/apptesting"
	"github.com/slush-tree/slush/circuits/commitment"
	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/inclusion"
	"github.com/slush-tree/slush/circuits/ledger"
	"github.com/slush-tree/slush/circuits/prover"
	"github.com/slush-tree/slush/circuits/smt"
	"github.com/slush-tree/slush/relayer/witness"
	"github.com/slush-tree/slush/testutil/lightclient"
	acceptancetypes "github.com/slush-tree/slush/x/acceptance/types"
	bridgetypes "github.com/slush-tree/slush/x/bridge/types"
	electiontypes "github.com/slush-tree/slush/x/election/types"
	validiumtypes "github.com/slush-tree/slush/x/validium/types"
)

// treeNode is one chain of an in-process tree, plus what its relayer edge to the parent keeps
// (the prover's replica of its ledger and how far the log is proven). The relayer state is
// rebuilt from the chain in a real relayer; here it is kept alongside for brevity.
type treeNode struct {
	path     []uint8
	vid      fr.Element
	chain    *apptesting.Chain
	key      *eddsa.PrivateKey   // the chain's operator key (its tree identity commits to it)
	signer   *lightclient.Signer // signs this chain's (synthetic) headers for its children's sync
	parent   *treeNode
	replica  *ledger.State
	store    *smt.MemStore // the replica's store
	proven   uint64        // log operations already proven to the parent
	accepted treetypes.OwnCommitment
	before   *edgeState // the edge before the last prepared update (restored if the parent refuses it)
}

// edgeState is what the relayer side of an edge keeps: the replica and how far it is proven.
type edgeState struct {
	store    *smt.MemStore
	proven   uint64
	accepted treetypes.OwnCommitment
}

// tree is a whole Slush tree of real apps in one process, wired by hand as the relayer would:
// updates go up through the parents' msg servers and root commitments come down by
// MsgSyncParent — a light-client header (signed by a mock validator set standing in for each
// chain's consensus, over the chain's real app hash) plus ICS23 proofs of the parent's records.
// Inclusion witnesses are built by relayer/witness over ABCI queries, as the relayer builds them.
type tree struct {
	t     *testing.T
	keys  treeKeys
	lp    ledgertypes.Params
	nodes map[string]*treeNode
	asset fr.Element
}

// treeOptions adjust the genesis of every chain of a tree.
type treeOptions struct {
	// deposits fund each chain's ledger at genesis, by chain-id.
	deposits map[string][]ledgertypes.GenesisDeposit
	// forcedOpDeadline, if set, is every chain's x/validium forced_op_deadline (root heights).
	forcedOpDeadline uint64
}

// newTree builds the chains of paths (parents first), funds the given deposits at genesis and
// registers every child on its parent.
func newTree(t *testing.T, paths [][]uint8, deposits map[string][]ledgertypes.GenesisDeposit) *tree {
	return newTreeWith(t, paths, treeOptions{deposits: deposits})
}

// newTreeWith is newTree with options.
func newTreeWith(t *testing.T, paths [][]uint8, opts treeOptions) *tree {
	tr := &tree{
		t: t, lp: ledgertypes.Params{AccountDepth: 4, OutboxDepth: 20, BatchSize: 2, ClaimSlots: 1, InclusionDepth: inclusionDepth},
		nodes: map[string]*treeNode{}, asset: hash.Uint64(7),
	}
	tr.keys = circuitKeys(t, tr.lp)
	for _, path := range paths {
		n := &treeNode{path: path, vid: commitment.MustPackVid(path), key: ledger.KeyFromSeed([]byte(fmt.Sprintf("operator %v", path)))}
		id := treetypes.RootIdentity()
		if len(path) > 0 {
			n.parent = tr.nodes[commitment.ChainID(path[:len(path)-1])]
			id = treetypes.TreeIdentity{Path: toPath32(path), ParentChainId: n.parent.chain.ChainID, MaxChildren: 3, MaxDepth: 16}
		}
		id.OperatorKeyHash = hash.EncodeElement(electiontypes.OperatorKeyHash(n.key.PublicKey))
		deposits := opts.deposits[commitment.ChainID(path)]
		n.chain = apptesting.NewChainWithGenesis(t, id, 4, func(cdc codec.Codec, gs map[string]json.RawMessage) {
			lgs := ledgertypes.DefaultGenesisState()
			lgs.Params = tr.lp
			lgs.Deposits = deposits
			gs[ledgertypes.ModuleName] = cdc.MustMarshalJSON(lgs)
			bgs := bridgetypes.DefaultGenesisState()
			bgs.InclusionParams = bridgetypes.InclusionParams{VerifyingKey: tr.keys.inclVK, MaxDepth: inclusionDepth}
			gs[bridgetypes.ModuleName] = cdc.MustMarshalJSON(bgs)
			if n.parent != nil { // trust the parent's header at height 1 (subjective initialisation)
				var tgs treetypes.GenesisState
				cdc.MustUnmarshalJSON(gs[treetypes.ModuleName], &tgs)
				p := n.parent.chain
				tgs.ParentClient = n.parent.signer.Trusted(t, 1, apptesting.GenesisTime.Add(time.Second), p.App.LastCommitID().Hash)
				tgs.ParentSync.MaxClockDriftSeconds = 86400 // synthetic parent headers run ahead of this chain's clock
				gs[treetypes.ModuleName] = cdc.MustMarshalJSON(&tgs)
			}
			if opts.forcedOpDeadline > 0 {
				var vgs validiumtypes.GenesisState
				cdc.MustUnmarshalJSON(gs[validiumtypes.ModuleName], &vgs)
				vgs.Params.ForcedOpDeadline = opts.forcedOpDeadline
				gs[validiumtypes.ModuleName] = cdc.MustMarshalJSON(&vgs)
			}
		})
		n.signer = lightclient.NewSigner(t, n.chain.ChainID, 1)
		n.chain.NextBlock() // commit the genesis state
		var err error
		n.store = smt.NewMemStore()
		n.replica, err = ledger.NewState(n.store, n.vid, tr.lp.Ledger())
		require.NoError(t, err)
		require.NoError(t, ledgertypes.FundLedger(n.replica, deposits), "the prover's replica starts from the funded genesis ledger")
		tr.nodes[commitment.ChainID(path)] = n
		if n.parent != nil {
			tr.register(n)
		}
	}
	return tr
}

func toPath32(p []uint8) []uint32 {
	out := make([]uint32, len(p))
	for i, x := range p {
		out[i] = uint32(x)
	}
	return out
}

// node returns the chain at a path.
func (tr *tree) node(path ...uint8) *treeNode { return tr.nodes[commitment.ChainID(path)] }

// operatorAccount is the parent's account that operates child index (accounts 1..3).
func operatorAccount(n *treeNode) int { return int(n.path[len(n.path)-1]) }

// index is n's child index under its parent.
func (n *treeNode) index() uint32 { return uint32(n.path[len(n.path)-1]) }

// register registers n on its parent with the ledger circuit's key and n's genesis ledger (its
// funded accounts, an empty outbox and receipt tree).
func (tr *tree) register(n *treeNode) {
	l, err := n.replica.Root()
	require.NoError(tr.t, err)
	o, err := n.replica.OutboxRoot()
	require.NoError(tr.t, err)
	r, err := n.replica.ReceiptRoot()
	require.NoError(tr.t, err)
	res := tr.deliver(n.parent, operatorAccount(n), &validiumtypes.MsgRegisterChild{
		Operator: n.parent.chain.Address(operatorAccount(n)).String(), VerifyingKey: tr.keys.ledgerVK,
		Bond: validiumtypes.DefaultMinChildBond, GenesisLedgerRoot: hash.EncodeElement(l), GenesisOutboxRoot: hash.EncodeElement(o),
		GenesisReceiptRoot: hash.EncodeElement(r), OperatorKeyHash: hash.EncodeElement(electiontypes.OperatorKeyHash(n.key.PublicKey)),
	})
	require.Zerof(tr.t, res.Code, "register %s: %s", n.chain.ChainID, res.Log)
}

// deliver signs msg with account acct of n's chain (at its current sequence) and runs it in a block.
func (tr *tree) deliver(n *treeNode, acct int, msg sdk.Msg) *abci.ExecTxResult {
	tr.t.Helper()
	seq := uint64(0)
	if a := n.chain.App.AccountKeeper.GetAccount(n.chain.Context(), n.chain.Address(acct)); a != nil {
		seq = a.GetSequence()
	}
	res, _ := n.chain.NextBlock(n.chain.SignTx(acct, seq, msg))
	require.Len(tr.t, res.TxResults, 1)
	return res.TxResults[0]
}

// ok delivers msg and requires it to succeed.
func (tr *tree) ok(n *treeNode, acct int, msg sdk.Msg) *abci.ExecTxResult {
	tr.t.Helper()
	res := tr.deliver(n, acct, msg)
	require.Zerof(tr.t, res.Code, "%T on %s: %s", msg, n.chain.ChainID, res.Log)
	return res
}

// fails delivers msg and requires it to fail with want (its code, and its codespace if it has one).
func (tr *tree) fails(n *treeNode, acct int, msg sdk.Msg, want interface{ ABCICode() uint32 }) {
	tr.t.Helper()
	res := tr.deliver(n, acct, msg)
	require.Equalf(tr.t, want.ABCICode(), res.Code, "%T on %s: %s", msg, n.chain.ChainID, res.Log)
	if cs, ok := want.(interface{ Codespace() string }); ok {
		require.Equalf(tr.t, cs.Codespace(), res.Codespace, "%T on %s: %s", msg, n.chain.ChainID, res.Log)
	}
}

// root is the tree's root chain.
func (tr *tree) root() *treeNode { return tr.node() }

// tick produces a root block and syncs every other chain to the root's newest commitment,
// returning that root height.
func (tr *tree) tick() uint64 {
	tr.root().chain.NextBlock()
	return tr.sync()
}

// sync has every other chain, parents first, learn its parent's newest root commitments by
// MsgSyncParent, and returns the root's latest height (the commitment they all know now).
func (tr *tree) sync() uint64 {
	for depth := 1; ; depth++ {
		found := false
		for _, path := range sortedPaths(tr.nodes) {
			if n := tr.nodes[path]; len(n.path) == depth {
				found = true
				tr.syncParent(n)
			}
		}
		if !found {
			return uint64(tr.root().chain.App.LastBlockHeight())
		}
	}
}

// sortedPaths is the map's keys in order (map iteration order must not leak into the test).
func sortedPaths(nodes map[string]*treeNode) []string {
	paths := make([]string, 0, len(nodes))
	for p := range nodes {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	return paths
}

// syncParent submits n's MsgSyncParent: a header over the parent's latest app hash (when the
// parent moved since the last sync) and proofs of the parent's newest root commitment records.
func (tr *tree) syncParent(n *treeNode) {
	msg := &treetypes.MsgSyncParent{Sender: n.chain.Address(0).String()}
	last := tr.syncHeader(n, msg)
	for _, h := range tr.newRootHeights(n) {
		key, err := treetypes.ParentRecordKey(n.parent.parent == nil, h)
		require.NoError(tr.t, err)
		value, proof := tr.proveParentKey(n, treetypes.StoreKey, key, last)
		require.NotEmpty(tr.t, value, "record at root height %d", h)
		msg.Records = append(msg.Records, treetypes.ParentRecord{RootHeight: h, Value: value, Proof: proof})
	}
	if len(msg.Records) > 0 { // a header travels with new records only
		tr.ok(n, 0, msg)
	}
}

// syncHeader adds to msg a header over the parent's latest app hash when the parent moved since
// the header n trusts, and returns the parent height whose state the records are proven in.
func (tr *tree) syncHeader(n *treeNode, msg *treetypes.MsgSyncParent) int64 {
	p := n.parent.chain
	last := p.App.LastBlockHeight() // records are proven in the state after this block
	client, err := treekeeper.NewQueryServerImpl(&n.chain.App.TreeKeeper).ParentClient(n.chain.Context(), &treetypes.QueryParentClientRequest{})
	require.NoError(tr.t, err)
	if last+1 > client.Height {
		sh := n.parent.signer.Sign(tr.t, last+1, apptesting.GenesisTime.Add(time.Duration(last+1)*time.Second), p.App.LastCommitID().Hash)
		msg.Header, msg.ValidatorSet = n.parent.signer.Encode(tr.t, sh)
	}
	return last
}

// proveParentKey reads a key of n's parent's store after block height, with its ICS23 proof.
func (tr *tree) proveParentKey(n *treeNode, store string, key []byte, height int64) ([]byte, []byte) {
	p := n.parent.chain
	res, err := p.App.Query(p.Context(), &abci.RequestQuery{Path: "/store/" + store + "/key", Data: key, Height: height, Prove: true})
	require.NoError(tr.t, err)
	proof, err := res.ProofOps.Marshal()
	require.NoError(tr.t, err)
	return res.Value, proof
}

// newRootHeights are the root heights n's parent knows and n does not (newest first, at most 4).
func (tr *tree) newRootHeights(n *treeNode) []uint64 {
	p := n.parent.chain
	if n.parent.parent == nil {
		h := uint64(p.App.LastBlockHeight())
		if known, err := n.chain.App.TreeKeeper.RootHistory.Has(n.chain.Context(), h); err == nil && !known {
			return []uint64{h}
		}
		return nil
	}
	var heights []uint64
	err := p.App.TreeKeeper.RootHistory.Walk(p.Context(), new(collections.Range[uint64]).Descending(), func(h uint64, _ []byte) (bool, error) {
		known, err := n.chain.App.TreeKeeper.RootHistory.Has(n.chain.Context(), h)
		if err != nil || known {
			return true, err
		}
		heights = append(heights, h)
		return len(heights) >= 4, nil
	})
	require.NoError(tr.t, err)
	return heights
}

// prepareUpdate has n commit at the newest synced anchor, proves its log since the last update
// as chained batches (ledger.SplitBatches: batch_size operations and claim_slots claims each;
// none when nothing was logged, DESIGN §5 "Bursts"), each batch's claims under the anchor and its
// exits with their proofs, and returns the parent's MsgSubmitUpdate.
func (tr *tree) prepareUpdate(n *treeNode) *validiumtypes.MsgSubmitUpdate {
	n.before = &edgeState{store: cloneStore(tr.t, n.store), proven: n.proven, accepted: n.accepted}
	n.chain.NextBlock()
	ctx := n.chain.Context()
	own, err := n.chain.App.TreeKeeper.Commitments.Get(ctx, n.chain.App.LastBlockHeight())
	require.NoError(tr.t, err)
	msg := &validiumtypes.MsgSubmitUpdate{
		Operator: n.parent.chain.Address(operatorAccount(n)).String(), ChildIndex: n.index(),
		PrevCommitment: n.accepted.Commitment, NewCommitment: own.Fields,
	}
	var ops []ledger.Op
	err = n.chain.App.LedgerKeeper.Log.Walk(ctx, new(collections.Range[uint64]).StartInclusive(n.proven), func(_ uint64, logged ledgertypes.LoggedOp) (bool, error) {
		op, err := ledger.DecodeOp(logged.Op)
		ops = append(ops, op)
		return err != nil, err
	})
	require.NoError(tr.t, err)
	from := 0
	for _, size := range ledger.SplitBatches(ops, tr.lp.Ledger(), ledger.BatchBounds{}) {
		msg.Batches = append(msg.Batches, tr.proveBatch(n, msg, ops[from:from+size]))
		from += size
	}
	require.Equal(tr.t, len(ops), from, "every logged operation is in a batch")
	l, err := n.replica.Root()
	require.NoError(tr.t, err)
	r, err := n.replica.ReceiptRoot()
	require.NoError(tr.t, err)
	require.Equal(tr.t, own.Fields.LedgerRoot, hash.EncodeElement(l), "chain and prover agree")
	require.Equal(tr.t, own.Fields.ReceiptRoot, hash.EncodeElement(r), "chain and prover agree on receipts")
	report, err := n.chain.App.AcceptanceKeeper.SubtreeReport(ctx, own.Fields.AnchorHeight)
	require.NoError(tr.t, err)
	n.proven = own.LogLength
	msg.Histogram, msg.Subtree = report.Histogram, report.Subtree
	n.accepted = own
	return msg
}

// proveBatch applies ops to n's replica as one batch, adds their inbox entries (and the proofs
// of its exits) to msg, and proves the batch under the anchor of msg's new commitment.
func (tr *tree) proveBatch(n *treeNode, msg *validiumtypes.MsgSubmitUpdate, ops []ledger.Op) validiumtypes.LedgerBatch {
	batch, err := ledger.NewBatchBuilder(n.replica)
	require.NoError(tr.t, err)
	entries := 0
	for _, op := range ops {
		if op.Kind == ledger.OpBridgeIn {
			require.NoError(tr.t, n.replica.PushInbox(op.Msg, op.Source))
			entries++
			msg.InboxEntries = append(msg.InboxEntries, validiumtypes.InboxEntry{MessageHash: hash.EncodeElement(op.Msg.Hash()), Source: uint32(op.Source)})
			if proof, ok := tr.exitProof(n, op); ok {
				msg.Exits = append(msg.Exits, proof)
			}
		}
		require.NoError(tr.t, batch.Add(op))
	}
	fields := msg.NewCommitment
	anchor, err := hash.DecodeElement(fields.AnchorCommitment)
	require.NoError(tr.t, err)
	var claims []inclusion.Witness
	for _, m := range batch.Claims() {
		claims = append(claims, tr.witness(m.Leaf(), fields.AnchorHeight, 0))
	}
	w, err := batch.Build(fields.AnchorHeight, anchor, claims)
	require.NoError(tr.t, err)
	proof, pub, err := ledger.ProveBatch(tr.keys.ledgerCCS, tr.keys.ledgerPK, w)
	require.NoError(tr.t, err)
	return validiumtypes.NewLedgerBatch(pub, entries, proof)
}

// exitProof is the proof of an exit op n paid: the opening n's exit record holds and the exited
// child's path in n's finalized children as of n's latest block (none for another op, or for an
// exit n has no record of: a forged one).
func (tr *tree) exitProof(n *treeNode, op ledger.Op) (validiumtypes.ExitProof, bool) {
	if op.Kind != ledger.OpBridgeIn || op.Source != ledger.SourceExit {
		return validiumtypes.ExitProof{}, false
	}
	path, err := commitment.UnpackVid(op.Msg.SrcVid)
	require.NoError(tr.t, err)
	index := uint32(path[len(path)-1])
	ctx := n.chain.Context()
	opening, err := n.chain.App.ValidiumKeeper.ExitOpening(ctx, index, op.Msg.Nonce)
	if errors.Is(err, validiumtypes.ErrUnknownExit) {
		return validiumtypes.ExitProof{}, false
	}
	require.NoError(tr.t, err)
	_, p, err := n.chain.App.AcceptanceKeeper.FinalizedChildProof(ctx, index)
	require.NoError(tr.t, err)
	proof := validiumtypes.ExitProof{ChildIndex: index, Opening: opening}
	for _, s := range p.Siblings {
		proof.FinalizedSiblings = append(proof.FinalizedSiblings, hash.EncodeElement(s))
	}
	return proof, true
}

// refuse delivers n's prepared update and requires the parent to refuse it with want; the edge
// goes back to where it was before the update was prepared.
func (tr *tree) refuse(n *treeNode, msg *validiumtypes.MsgSubmitUpdate, want interface{ ABCICode() uint32 }) {
	tr.t.Helper()
	tr.fails(n.parent, operatorAccount(n), msg, want)
	b := n.before
	require.NotNil(tr.t, b, "an update was prepared")
	var err error
	n.store, n.proven, n.accepted = b.store, b.proven, b.accepted
	n.replica, err = ledger.NewState(n.store, n.vid, tr.lp.Ledger())
	require.NoError(tr.t, err)
}

// cloneStore copies a MemStore.
func cloneStore(t *testing.T, s *smt.MemStore) *smt.MemStore {
	c := smt.NewMemStore()
	for _, k := range s.Keys() {
		v, err := s.Get([]byte(k))
		require.NoError(t, err)
		require.NoError(t, c.Set([]byte(k), v))
	}
	return c
}

// update submits n's next update to its parent and returns the parent's response.
func (tr *tree) update(n *treeNode, edit ...func(*validiumtypes.MsgSubmitUpdate)) *validiumtypes.MsgSubmitUpdateResponse {
	msg := tr.prepareUpdate(n)
	for _, e := range edit {
		e(msg)
	}
	res, _ := tr.submit(n, msg)
	return res
}

// submit delivers n's prepared update to its parent, requires it to succeed and returns the
// parent's response and the gas the transaction used.
func (tr *tree) submit(n *treeNode, msg *validiumtypes.MsgSubmitUpdate) (*validiumtypes.MsgSubmitUpdateResponse, int64) {
	tr.t.Helper()
	res := tr.ok(n.parent, operatorAccount(n), msg)
	var out validiumtypes.MsgSubmitUpdateResponse
	var data sdk.TxMsgData
	require.NoError(tr.t, n.chain.App.AppCodec().Unmarshal(res.Data, &data))
	require.Len(tr.t, data.MsgResponses, 1)
	require.NoError(tr.t, n.chain.App.AppCodec().Unmarshal(data.MsgResponses[0].Value, &out))
	return &out, res.GasUsed
}

// propagate carries n's state up to the root (n, then each ancestor, updates its parent) and
// syncs every chain to the root commitment that now binds it; it returns that root height.
func (tr *tree) propagate(n *treeNode) uint64 {
	for x := n; x.parent != nil; x = x.parent {
		tr.sync()
		tr.update(x)
	}
	return tr.sync()
}

// round is one relayer round over the whole tree: a root block, every chain synced, then every
// non-root chain's update, deepest first (so a parent's update carries its children's). It
// returns the root height every chain knows afterwards.
func (tr *tree) round() uint64 {
	tr.tick()
	paths := sortedPaths(tr.nodes)
	sort.SliceStable(paths, func(i, j int) bool { return len(tr.nodes[paths[i]].path) > len(tr.nodes[paths[j]].path) })
	for _, p := range paths {
		if n := tr.nodes[p]; n.parent != nil {
			tr.update(n)
		}
	}
	return tr.sync()
}

// settle runs rounds until item is bound by the newest root commitment along finalized
// commitments (DESIGN §7.2) and returns that root height; it fails after max rounds.
func (tr *tree) settle(leaf inclusion.Leaf, max int) uint64 {
	tr.t.Helper()
	for i := 0; i < max; i++ {
		h := tr.round()
		if _, err := tr.tryWitness(leaf, h, 0); err == nil {
			return h
		}
	}
	tr.t.Fatalf("%s not final along its path after %d rounds", tr.describe(leaf), max)
	return 0
}

// describe names an item for failure messages.
func (tr *tree) describe(leaf inclusion.Leaf) string {
	return fmt.Sprintf("item %X (kind %d)", hash.EncodeElement(leaf.Hash()), leaf.Kind)
}

// tryWitness builds the inclusion witness of a message (or of the receipt at index) under the
// root commitment at rootHeight, as the relayer does.
func (tr *tree) tryWitness(leaf inclusion.Leaf, rootHeight, index uint64) (inclusion.Witness, error) {
	ctx := context.Background()
	if leaf.Kind == inclusion.KindReceipt {
		return witness.Receipt(ctx, tr.lookup, rootHeight, inclusion.Receipt{SrcVid: leaf.SrcVid, DstVid: leaf.DstVid, MsgHash: leaf.Body[0]}, index)
	}
	m := inclusion.Message{SrcVid: leaf.SrcVid, DstVid: leaf.DstVid, Nonce: leaf.Body[0].Uint64(), Recipient: leaf.Body[1],
		AssetID: leaf.Body[2], Amount: leaf.Body[3].Uint64(), Deadline: leaf.Body[4].Uint64()}
	return witness.Message(ctx, tr.lookup, rootHeight, m)
}

// witness is tryWitness, required to succeed.
func (tr *tree) witness(leaf inclusion.Leaf, rootHeight, index uint64) inclusion.Witness {
	tr.t.Helper()
	w, err := tr.tryWitness(leaf, rootHeight, index)
	require.NoError(tr.t, err, tr.describe(leaf))
	return w
}

// prove proves an inclusion witness.
func (tr *tree) prove(w inclusion.Witness) []byte {
	tr.t.Helper()
	require.NoError(tr.t, w.Check(inclusionDepth))
	proof, _, err := prover.ProveInclusion(tr.keys.inclCCS, tr.keys.inclPK, inclusionDepth, w)
	require.NoError(tr.t, err)
	return proof
}

// proveMessage proves message m in its sender's outbox against the root commitment at rootHeight.
func (tr *tree) proveMessage(m inclusion.Message, rootHeight uint64) []byte {
	return tr.prove(tr.witness(m.Leaf(), rootHeight, 0))
}

// proveReceipt proves the destination's receipt of m (at index of its receipt tree) against the
// root commitment at rootHeight.
func (tr *tree) proveReceipt(m inclusion.Message, rootHeight, index uint64) []byte {
	return tr.prove(tr.witness(inclusion.ReceiptFor(m).Leaf(), rootHeight, index))
}

// lookup is the witness.Lookup over the tree's chains.
func (tr *tree) lookup(path []uint8) witness.Chain {
	if n, ok := tr.nodes[commitment.ChainID(path)]; ok {
		return appChain{n.chain}
	}
	return nil
}

// appChain reads one in-process chain as the relayer reads a running one: ABCI queries at a
// height (0: the latest).
type appChain struct{ c *apptesting.Chain }

func (a appChain) abci(path string, data []byte, height int64) ([]byte, error) {
	res, err := a.c.QueryABCI(abci.RequestQuery{Path: path, Data: data, Height: height})
	if err != nil {
		return nil, err
	}
	if res.Code != 0 {
		return nil, fmt.Errorf("%s %s: code %d: %s", a.c.ChainID, path, res.Code, res.Log)
	}
	return res.Value, nil
}

func (a appChain) query(method string, req, res gogoproto.Message, height int64) error {
	bz, err := gogoproto.Marshal(req)
	if err != nil {
		return err
	}
	v, err := a.abci(method, bz, height)
	if err != nil {
		return err
	}
	return gogoproto.Unmarshal(v, res)
}

func (a appChain) StoreGet(_ context.Context, store string, key []byte, height int64) ([]byte, error) {
	return a.abci("/store/"+store+"/key", key, height)
}

func (a appChain) Commitment(_ context.Context, h, atHeight int64) (treetypes.OwnCommitment, error) {
	res := &treetypes.QueryCommitmentResponse{}
	err := a.query("/slush.tree.v1.Query/Commitment", &treetypes.QueryCommitmentRequest{Height: h}, res, atHeight)
	return res.Commitment, err
}

func (a appChain) CommitmentByHash(_ context.Context, h []byte, atHeight int64) (treetypes.OwnCommitment, error) {
	res := &treetypes.QueryCommitmentByHashResponse{}
	err := a.query("/slush.tree.v1.Query/CommitmentByHash", &treetypes.QueryCommitmentByHashRequest{Commitment: h}, res, atHeight)
	return res.Commitment, err
}

func (a appChain) FinalizedChildProof(_ context.Context, index uint32, atHeight int64) (*acceptancetypes.QueryFinalizedChildProofResponse, error) {
	res := &acceptancetypes.QueryFinalizedChildProofResponse{}
	return res, a.query("/slush.acceptance.v1.Query/FinalizedChildProof", &acceptancetypes.QueryFinalizedChildProofRequest{ChildIndex: index}, res, atHeight)
}

// receiveForced mints on n the forced operation at seq of its parent's queue, proven under the
// parent header n trusts (a root block and a sync first, so that header is the parent's newest).
func (tr *tree) receiveForced(n *treeNode, seq uint64) *abci.ExecTxResult {
	tr.t.Helper()
	tr.tick()
	client, err := treekeeper.NewQueryServerImpl(&n.chain.App.TreeKeeper).ParentClient(n.chain.Context(), &treetypes.QueryParentClientRequest{})
	require.NoError(tr.t, err)
	key, err := validiumtypes.ForcedOpStoreKey(n.index(), seq)
	require.NoError(tr.t, err)
	value, proof := tr.proveParentKey(n, validiumtypes.StoreKey, key, client.Height-1)
	require.NotEmpty(tr.t, value, "forced operation %d of %s", seq, n.chain.ChainID)
	return tr.ok(n, 0, &validiumtypes.MsgReceiveForced{Sender: n.chain.Address(0).String(), Sequence: seq, Operation: value, Proof: proof})
}

// bridgeOut has key's account (index account of n's ledger) send amount to recipient on dst,
// with the given deadline, and returns the message.
func (tr *tree) bridgeOut(n *treeNode, key *eddsa.PrivateKey, account, nonce uint64, dst *treeNode, recipient fr.Element, amount, deadline uint64) inclusion.Message {
	op, err := ledger.NewBridgeOut(n.vid, key, account, tr.asset, amount, nonce, dst.vid, recipient, deadline)
	require.NoError(tr.t, err)
	res := tr.ok(n, 0, &bridgetypes.MsgBridgeOut{Sender: n.chain.Address(0).String(), Op: op.Bytes()})
	var data sdk.TxMsgData
	require.NoError(tr.t, n.chain.App.AppCodec().Unmarshal(res.Data, &data))
	var out bridgetypes.MsgBridgeOutResponse
	require.NoError(tr.t, n.chain.App.AppCodec().Unmarshal(data.MsgResponses[0].Value, &out))
	return inclusion.Message{SrcVid: n.vid, DstVid: dst.vid, Nonce: out.OutboxIndex, Recipient: recipient,
		AssetID: tr.asset, Amount: amount, Deadline: deadline}
}

// transfer has key's account (index account of n's ledger, at nonce) pay amount of the tree's
// asset to the owner to, by MsgTransfer in a block of its own.
func (tr *tree) transfer(n *treeNode, key *eddsa.PrivateKey, account, nonce uint64, to fr.Element, amount uint64) {
	tr.t.Helper()
	op, err := ledger.NewTransfer(n.vid, key, account, to, tr.asset, amount, nonce)
	require.NoError(tr.t, err)
	tr.ok(n, 0, &ledgertypes.MsgTransfer{Sender: n.chain.Address(0).String(), Op: op.Bytes()})
}

// claim is MsgClaim of m on its destination dst against the root commitment at rootHeight.
func (tr *tree) claim(dst *treeNode, m inclusion.Message, rootHeight uint64, proof []byte) *bridgetypes.MsgClaim {
	return &bridgetypes.MsgClaim{Sender: dst.chain.Address(0).String(), Message: slushtypes.NewBridgeMessage(m), RootHeight: rootHeight, Proof: proof}
}

// receiptIndex is the position of dst's receipt of m: every bridge-in appends one receipt, so it
// is the number of bridge-ins dst logged before it.
func (tr *tree) receiptIndex(dst *treeNode, m inclusion.Message) uint64 {
	tr.t.Helper()
	var index uint64
	found := false
	err := dst.chain.App.LedgerKeeper.Log.Walk(dst.chain.Context(), nil, func(_ uint64, logged ledgertypes.LoggedOp) (bool, error) {
		op, err := ledger.DecodeOp(logged.Op)
		if err != nil || op.Kind != ledger.OpBridgeIn {
			return err != nil, err
		}
		if op.Msg == m {
			found = true
			return true, nil
		}
		index++
		return false, nil
	})
	require.NoError(tr.t, err)
	require.True(tr.t, found, "%s minted the message", dst.chain.ChainID)
	return index
}

// balance is owner's balance of the tree's asset on n's ledger (0 without an account).
func (tr *tree) balance(n *treeNode, owner fr.Element) uint64 {
	st, err := n.chain.App.LedgerKeeper.Open(n.chain.Context())
	require.NoError(tr.t, err)
	return tr.accountBalance(st, owner)
}

// accountBalance is owner's balance of the tree's asset in st (0 without an account).
func (tr *tree) accountBalance(st *ledger.State, owner fr.Element) uint64 {
	tr.t.Helper()
	idx, ok, err := st.Lookup(owner, tr.asset)
	require.NoError(tr.t, err)
	if !ok {
		return 0
	}
	acc, _, err := st.Account(idx)
	require.NoError(tr.t, err)
	return acc.Balance
}

// supply is the sum of every account's balance of the tree's asset over all chains.
func (tr *tree) supply() uint64 {
	var total uint64
	for _, p := range sortedPaths(tr.nodes) {
		n := tr.nodes[p]
		st, err := n.chain.App.LedgerKeeper.Open(n.chain.Context())
		require.NoError(tr.t, err)
		for i := uint64(0); i < st.NumAccounts(); i++ {
			acc, _, err := st.Account(i)
			require.NoError(tr.t, err)
			if acc.Asset.Equal(&tr.asset) {
				total += acc.Balance
			}
		}
	}
	return total
}

// bridgeMessage is the wire form of a message.
func bridgeMessage(m inclusion.Message) slushtypes.BridgeMessage {
	return slushtypes.NewBridgeMessage(m)
}
