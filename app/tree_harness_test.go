package app_test

import (
	"encoding/json"
	"sort"
	"testing"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark-crypto/ecc/bn254/twistededwards/eddsa"
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
	"github.com/slush-tree/slush/testutil/lightclient"
	bridgekeeper "github.com/slush-tree/slush/x/bridge/keeper"
	bridgetypes "github.com/slush-tree/slush/x/bridge/types"
	validiumtypes "github.com/slush-tree/slush/x/validium/types"
)

// treeNode is one chain of an in-process tree, plus what its relayer edge to the parent keeps
// (the prover's replica of its ledger and receipts, and how far the log is proven). The relayer
// state is rebuilt from the chain in a real relayer; here it is kept alongside for brevity.
type treeNode struct {
	path     []uint8
	vid      fr.Element
	chain    *apptesting.Chain
	signer   *lightclient.Signer // signs this chain's (synthetic) headers for its children's sync
	parent   *treeNode
	replica  *ledger.State
	receipts *smt.Accumulator
	proven   uint64 // log operations already proven to the parent
	accepted bridgetypes.OwnCommitment
}

// tree is a whole Slush tree of real apps in one process, wired by hand as the relayer would:
// updates go up through the parents' msg servers and root commitments come down by
// MsgSyncParent — a light-client header (signed by a mock validator set standing in for each
// chain's consensus, over the chain's real app hash) plus ICS23 proofs of the parent's records.
type tree struct {
	t     *testing.T
	keys  treeKeys
	lp    bridgetypes.LedgerParams
	nodes map[string]*treeNode
	asset fr.Element
}

// newTree builds the chains of paths (parents first), funds the given deposits at genesis and
// registers every child on its parent.
func newTree(t *testing.T, paths [][]uint8, deposits map[string][]bridgetypes.GenesisDeposit) *tree {
	tr := &tree{
		t: t, lp: bridgetypes.LedgerParams{AccountDepth: 4, OutboxDepth: 20, BatchSize: 2},
		nodes: map[string]*treeNode{}, asset: hash.Uint64(7),
	}
	tr.keys = circuitKeys(t, tr.lp)
	for _, path := range paths {
		n := &treeNode{path: path, vid: commitment.MustPackVid(path)}
		id := validiumtypes.RootIdentity()
		if len(path) > 0 {
			n.parent = tr.nodes[commitment.ChainID(path[:len(path)-1])]
			id = validiumtypes.TreeIdentity{Path: toPath32(path), ParentChainId: n.parent.chain.ChainID, MaxChildren: 3, MaxDepth: 16}
		}
		n.chain = apptesting.NewChainWithGenesis(t, id, 4, func(cdc codec.Codec, gs map[string]json.RawMessage) {
			bgs := bridgetypes.DefaultGenesisState()
			bgs.LedgerParams = tr.lp
			bgs.InclusionParams = bridgetypes.InclusionParams{VerifyingKey: tr.keys.inclVK, MaxDepth: inclusionDepth}
			bgs.Deposits = deposits[commitment.ChainID(path)]
			if n.parent != nil { // trust the parent's header at height 1 (subjective initialisation)
				p := n.parent.chain
				bgs.ParentClient = n.parent.signer.Trusted(t, 1, apptesting.GenesisTime.Add(time.Second), p.App.LastCommitID().Hash)
				bgs.ParentSync.MaxClockDriftSeconds = 86400 // synthetic parent headers run ahead of this chain's clock
			}
			gs[bridgetypes.ModuleName] = cdc.MustMarshalJSON(bgs)
		})
		n.signer = lightclient.NewSigner(t, n.chain.ChainID, 1)
		n.chain.NextBlock() // commit the genesis state
		var err error
		n.replica, err = ledger.NewState(smt.NewMemStore(), n.vid, tr.lp.Ledger())
		require.NoError(t, err)
		n.receipts, err = smt.NewAccumulator(smt.NewMemStore(), int(tr.lp.OutboxDepth))
		require.NoError(t, err)
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

// register registers n on its parent with the ledger circuit's key and n's empty genesis ledger.
func (tr *tree) register(n *treeNode) {
	l, err := n.replica.Root()
	require.NoError(tr.t, err)
	o, err := n.replica.OutboxRoot()
	require.NoError(tr.t, err)
	res := tr.deliver(n.parent, operatorAccount(n), &validiumtypes.MsgRegisterChild{
		Operator: n.parent.chain.Address(operatorAccount(n)).String(), VerifyingKey: tr.keys.ledgerVK,
		Bond: validiumtypes.DefaultMinChildBond, GenesisLedgerRoot: hash.EncodeElement(l), GenesisOutboxRoot: hash.EncodeElement(o),
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

// fails delivers msg and requires it to fail with want.
func (tr *tree) fails(n *treeNode, acct int, msg sdk.Msg, want interface{ ABCICode() uint32 }) {
	tr.t.Helper()
	res := tr.deliver(n, acct, msg)
	require.Equalf(tr.t, want.ABCICode(), res.Code, "%T on %s: %s", msg, n.chain.ChainID, res.Log)
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
	p := n.parent.chain
	last := p.App.LastBlockHeight() // records are proven in the state after this block
	client, err := bridgekeeper.NewQueryServerImpl(&n.chain.App.BridgeKeeper).ParentClient(n.chain.Context(), &bridgetypes.QueryParentClientRequest{})
	require.NoError(tr.t, err)
	msg := &bridgetypes.MsgSyncParent{Sender: n.chain.Address(0).String()}
	if last+1 > client.Height {
		sh := n.parent.signer.Sign(tr.t, last+1, apptesting.GenesisTime.Add(time.Duration(last+1)*time.Second), p.App.LastCommitID().Hash)
		msg.Header, msg.ValidatorSet = n.parent.signer.Encode(tr.t, sh)
	}
	for _, h := range tr.newRootHeights(n) {
		key, err := bridgetypes.ParentRecordKey(n.parent.parent == nil, h)
		require.NoError(tr.t, err)
		res, err := p.App.Query(p.Context(), &abci.RequestQuery{Path: "/store/" + bridgetypes.StoreKey + "/key", Data: key, Height: last, Prove: true})
		require.NoError(tr.t, err)
		require.NotEmpty(tr.t, res.Value, "record at root height %d", h)
		proof, err := res.ProofOps.Marshal()
		require.NoError(tr.t, err)
		msg.Records = append(msg.Records, bridgetypes.ParentRecord{RootHeight: h, Value: res.Value, Proof: proof})
	}
	if len(msg.Records) > 0 {
		tr.ok(n, 0, msg)
	}
}

// newRootHeights are the root heights n's parent knows and n does not (newest first, at most 4).
func (tr *tree) newRootHeights(n *treeNode) []uint64 {
	p := n.parent.chain
	if n.parent.parent == nil {
		h := uint64(p.App.LastBlockHeight())
		if known, err := n.chain.App.BridgeKeeper.RootHistory.Has(n.chain.Context(), h); err == nil && !known {
			return []uint64{h}
		}
		return nil
	}
	var heights []uint64
	err := p.App.BridgeKeeper.RootHistory.Walk(p.Context(), new(collections.Range[uint64]).Descending(), func(h uint64, _ []byte) (bool, error) {
		known, err := n.chain.App.BridgeKeeper.RootHistory.Has(n.chain.Context(), h)
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
// in one batch and returns the parent's MsgSubmitUpdate.
func (tr *tree) prepareUpdate(n *treeNode) *validiumtypes.MsgSubmitUpdate {
	n.chain.NextBlock()
	ctx := n.chain.Context()
	own, err := n.chain.App.BridgeKeeper.Commitments.Get(ctx, n.chain.App.LastBlockHeight())
	require.NoError(tr.t, err)
	batch, err := ledger.NewBatchBuilder(n.replica)
	require.NoError(tr.t, err)
	var entries [][]byte
	err = n.chain.App.BridgeKeeper.Log.Walk(ctx, nil, func(seq uint64, logged bridgetypes.LoggedOp) (bool, error) {
		if seq < n.proven {
			return false, nil
		}
		op, err := ledger.DecodeOp(logged.Op)
		if err != nil {
			return true, err
		}
		if op.Kind == ledger.OpBridgeIn {
			if err := n.replica.PushInbox(op.Msg); err != nil {
				return true, err
			}
			entries = append(entries, hash.EncodeElement(op.Msg.Hash()))
		}
		return false, batch.Add(op)
	})
	require.NoError(tr.t, err)
	anchor, err := hash.DecodeElement(own.Fields.AnchorCommitment)
	require.NoError(tr.t, err)
	w, err := batch.Build(own.Fields.AnchorHeight, anchor)
	require.NoError(tr.t, err)
	proof, pub, err := ledger.ProveBatch(tr.keys.ledgerCCS, tr.keys.ledgerPK, w)
	require.NoError(tr.t, err)
	require.Equal(tr.t, own.Fields.LedgerRoot, hash.EncodeElement(pub.NewLedgerRoot), "chain and prover agree")
	report, err := n.chain.App.AcceptanceKeeper.SubtreeReport(ctx, own.Fields.AnchorHeight)
	require.NoError(tr.t, err)
	n.proven = own.LogLength
	msg := &validiumtypes.MsgSubmitUpdate{
		Operator: n.parent.chain.Address(operatorAccount(n)).String(), ChildIndex: uint32(n.path[len(n.path)-1]),
		PrevCommitment: n.accepted.Commitment, NewCommitment: own.Fields, InboxEntries: entries,
		Histogram: report.Histogram, Subtree: report.Subtree, Proof: proof,
	}
	n.accepted = own
	return msg
}

// update submits n's next update to its parent and returns the parent's response.
func (tr *tree) update(n *treeNode, edit ...func(*validiumtypes.MsgSubmitUpdate)) *validiumtypes.MsgSubmitUpdateResponse {
	msg := tr.prepareUpdate(n)
	for _, e := range edit {
		e(msg)
	}
	res := tr.ok(n.parent, operatorAccount(n), msg)
	var out validiumtypes.MsgSubmitUpdateResponse
	var data sdk.TxMsgData
	require.NoError(tr.t, n.chain.App.AppCodec().Unmarshal(res.Data, &data))
	require.Len(tr.t, data.MsgResponses, 1)
	require.NoError(tr.t, n.chain.App.AppCodec().Unmarshal(data.MsgResponses[0].Value, &out))
	return &out
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

// proveItem proves that leaf (a message in src's outbox at index, or a receipt in src's receipt
// tree) is bound by the root commitment at rootHeight, walking the accepted commitments down.
func (tr *tree) proveItem(src *treeNode, rootHeight uint64, leaf inclusion.Leaf, acc smt.AccumulatorProof) []byte {
	r := tr.root().chain
	rootRecord, err := r.App.BridgeKeeper.Commitments.Get(r.Context(), int64(rootHeight))
	require.NoError(tr.t, err)
	var hops []inclusion.Hop
	for x := src; x.parent != nil; x = x.parent {
		p := x.parent.chain
		path, err := p.App.ValidiumKeeper.ChildProof(p.Context(), uint32(x.path[len(x.path)-1]))
		require.NoError(tr.t, err)
		hop := inclusion.Hop{Index: x.path[len(x.path)-1], Record: decodeCommitment(tr.t, x.accepted.Fields), Siblings: path.Siblings}
		hops = append([]inclusion.Hop{hop}, hops...)
	}
	w := inclusion.Witness{Root: decodeCommitment(tr.t, rootRecord.Fields), Hops: hops, Leaf: leaf, Acc: acc}
	require.NoError(tr.t, w.Check(inclusionDepth))
	proof, _, err := prover.ProveInclusion(tr.keys.inclCCS, tr.keys.inclPK, inclusionDepth, w)
	require.NoError(tr.t, err)
	return proof
}

// proveMessage proves message m (in src's outbox) against the root commitment at rootHeight.
func (tr *tree) proveMessage(src *treeNode, m inclusion.Message, rootHeight uint64) []byte {
	acc, err := src.replica.Outbox().Prove(m.Nonce)
	require.NoError(tr.t, err)
	return tr.proveItem(src, rootHeight, m.Leaf(), acc)
}

// bridgeOut has key's account (index 0 of n's ledger: the genesis-funded user) send amount to
// recipient on dst, with the given deadline, and returns the message.
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

// balance is owner's balance of the tree's asset on n's ledger (0 without an account).
func (tr *tree) balance(n *treeNode, owner fr.Element) uint64 {
	st, err := n.chain.App.BridgeKeeper.OpenLedger(n.chain.Context())
	require.NoError(tr.t, err)
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
	for _, n := range tr.nodes {
		st, err := n.chain.App.BridgeKeeper.OpenLedger(n.chain.Context())
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
func bridgeMessage(m inclusion.Message) bridgetypes.BridgeMessage {
	return bridgetypes.BridgeMessage{
		SrcVid: hash.EncodeElement(m.SrcVid), DstVid: hash.EncodeElement(m.DstVid), Nonce: m.Nonce,
		Recipient: hash.EncodeElement(m.Recipient), AssetId: hash.EncodeElement(m.AssetID), Amount: m.Amount,
		Deadline: m.Deadline,
	}
}
