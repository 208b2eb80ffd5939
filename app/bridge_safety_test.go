package app_test

import (
	"context"
	"errors"
	"math"
	"testing"

	slushtypes "github.com/slush-tree/slush/types"

	ledgertypes "github.com/slush-tree/slush/x/ledger/types"
	treetypes "github.com/slush-tree/slush/x/tree/types"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/stretchr/testify/require"

	addresscodec "github.com/cosmos/cosmos-sdk/codec/address"

	"github.com/slush-tree/slush/app"
	"github.com/slush-tree/slush/circuits/commitment"
	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/inclusion"
	"github.com/slush-tree/slush/circuits/ledger"
	"github.com/slush-tree/slush/circuits/prover"
	"github.com/slush-tree/slush/circuits/smt"
	"github.com/slush-tree/slush/relayer/witness"
	acceptancetypes "github.com/slush-tree/slush/x/acceptance/types"
	bridgetypes "github.com/slush-tree/slush/x/bridge/types"
	electionwitness "github.com/slush-tree/slush/x/election/client/witness"
	electiontypes "github.com/slush-tree/slush/x/election/types"
	validiumtypes "github.com/slush-tree/slush/x/validium/types"
)

// The attacks of issue 13, tried as an attacker would on real in-process chains with real
// proofs. Each one worked on the protocol before final-state claims and proven bridge-ins.

// fourChains is root → {1, 2}, 1 → {1-1}.
var fourChains = [][]uint8{{}, {1}, {2}, {1, 1}}

// accountOpening opens account index of n's ledger under n's commitment c (by its record height).
func (tr *tree) accountOpening(n *treeNode, c treetypes.OwnCommitment, index uint64) validiumtypes.AccountOpening {
	tr.t.Helper()
	st, err := witness.LedgerAt(context.Background(), appChain{n.chain}, n.vid, tr.lp.Ledger(), c.Height)
	require.NoError(tr.t, err)
	o, err := validiumtypes.NewAccountOpening(st, c.Fields, index)
	require.NoError(tr.t, err)
	return o
}

// finalizedRecord is n's commitment record its parent holds as finalized.
func (tr *tree) finalizedRecord(n *treeNode) treetypes.OwnCommitment {
	tr.t.Helper()
	c, ok, err := n.parent.chain.App.AcceptanceKeeper.FinalizedCommitment(n.parent.chain.Context(), n.index())
	require.NoError(tr.t, err)
	require.True(tr.t, ok, "%s has a finalized commitment", n.chain.ChainID)
	rec, err := appChain{n.chain}.CommitmentByHash(context.Background(), c, 0)
	require.NoError(tr.t, err)
	return rec
}

// latestPathWitness is the inclusion witness an attacker would use before final-state claims:
// from the root commitment at rootHeight through the parents' LATEST children (what
// ChildrenRoot binds) down to m's sender.
func (tr *tree) latestPathWitness(m inclusion.Message, rootHeight uint64) inclusion.Witness {
	tr.t.Helper()
	r := tr.root().chain
	rootRec, err := r.App.TreeKeeper.Commitments.Get(r.Context(), int64(rootHeight))
	require.NoError(tr.t, err)
	src, err := commitment.UnpackVid(m.SrcVid)
	require.NoError(tr.t, err)
	var hops []inclusion.Hop
	for i := range src {
		n, parent := tr.node(src[:i+1]...), tr.node(src[:i]...)
		p, err := parent.chain.App.ValidiumKeeper.ChildProof(parent.chain.Context(), n.index())
		require.NoError(tr.t, err)
		child, err := parent.chain.App.ValidiumKeeper.GetChild(parent.chain.Context(), n.index())
		require.NoError(tr.t, err)
		rec, err := appChain{n.chain}.CommitmentByHash(context.Background(), child.LatestCommitment, 0)
		require.NoError(tr.t, err)
		hops = append(hops, inclusion.Hop{Index: n.path[len(n.path)-1], Record: decodeCommitment(tr.t, rec.Fields), Siblings: p.Siblings})
	}
	sender := tr.node(src...)
	acc, err := sender.replica.Outbox().Prove(m.Nonce)
	require.NoError(tr.t, err)
	return inclusion.Witness{Root: decodeCommitment(tr.t, rootRec.Fields), Hops: hops, Leaf: m.Leaf(), Acc: acc}
}

// TestExitAfterClaimNoDoubleSpend (issue 13 §1): alice holds 1,000 on 1-1 in its finalized state
// F and bridges all of it to bob on 2 in the next state S, which 1 accepts (S's update finalizes F
// on 1). Before final-state claims, bob claimed it on 2 at once through 1's latest children;
// then 1-1 was frozen (a forced deposit it did not consume) and alice exited from F on 1: 1,000
// paid twice. Now the claim needs S final along 1-1 → 1 → root: the latest-children proof is
// refused, S never becomes final once 1-1 is frozen, and alice's exit is the only payout. In the
// other order — S final first, then the claim — the exit pays nothing.
func TestExitAfterClaimNoDoubleSpend(t *testing.T) {
	const deadline = 4
	alice, bob, dave := ledger.KeyFromSeed([]byte("alice")), ledger.KeyFromSeed([]byte("bob")), ledger.KeyFromSeed([]byte("dave"))
	aliceOwner, bobOwner := ledger.OwnerHash(alice.PublicKey), ledger.OwnerHash(bob.PublicKey)
	deposits := fundedOn([]uint8{1, 1}, 1000)
	deposits["slush-1"] = []ledgertypes.GenesisDeposit{{Recipient: hash.EncodeElement(ledger.OwnerHash(dave.PublicKey)), AssetId: hash.EncodeElement(hash.Uint64(7)), Amount: 10}}
	newScene := func(t *testing.T) (*tree, inclusion.Message) {
		tr := newTreeWith(t, fourChains, treeOptions{deposits: deposits, forcedOpDeadline: deadline})
		tr.round()
		tr.round() // F (alice's 1,000) is 1-1's finalized state on 1
		m := tr.bridgeOut(tr.node(1, 1), alice, 0, 0, tr.node(2), bobOwner, 1000, 10_000)
		return tr, m
	}
	freeze := func(tr *tree) {
		one, grand := tr.node(1), tr.node(1, 1)
		op, err := ledger.NewBridgeOut(one.vid, dave, 0, tr.asset, 1, 0, grand.vid, aliceOwner, 10_000)
		require.NoError(t, err)
		tr.ok(one, 0, &validiumtypes.MsgForceOperation{Depositor: one.chain.Address(0).String(), ChildIndex: 1, Op: op.Bytes()})
		for i := 0; i < deadline+3; i++ { // nobody serves 1-1: the deadline passes on 1's root clock
			tr.tick()
			one.chain.NextBlock()
		}
		child, err := one.chain.App.ValidiumKeeper.GetChild(one.chain.Context(), 1)
		require.NoError(t, err)
		require.Equal(t, validiumtypes.ChildStatus_CHILD_STATUS_FROZEN, child.Status, "1-1 frozen for the unconsumed deposit")
	}
	exit := func(tr *tree) *validiumtypes.MsgExit {
		grand := tr.node(1, 1)
		return &validiumtypes.MsgExit{Sender: tr.node(1).chain.Address(0).String(), ChildIndex: 1,
			Opening: tr.accountOpening(grand, tr.finalizedRecord(grand), 0)}
	}

	t.Run("claim before finality refused, exit pays once", func(t *testing.T) {
		tr, m := newScene(t)
		h := tr.round() // 1 accepts S (S's update finalizes F); the root binds S through 1's latest children
		_, err := tr.tryWitness(m.Leaf(), h, 0)
		require.True(t, errors.Is(err, witness.ErrNotYet), "no final path yet: %v", err)
		attack := tr.latestPathWitness(m, h)
		require.ErrorContains(t, attack.Check(inclusionDepth), "finalized children root", "the old attack's witness")
		_, _, err = prover.ProveInclusion(tr.keys.inclCCS, tr.keys.inclPK, inclusionDepth, attack)
		require.Error(t, err, "the circuit cannot prove a path through latest children")

		freeze(tr)
		tr.ok(tr.node(1), 0, exit(tr))
		require.Equal(t, uint64(1000), tr.balance(tr.node(1), aliceOwner), "alice exits with F's 1,000 on 1")
		for i := 0; i < 3; i++ {
			tr.tick()
			_, err = tr.tryWitness(m.Leaf(), uint64(tr.root().chain.App.LastBlockHeight()), 0)
			require.True(t, errors.Is(err, witness.ErrNotYet), "S can never become final on 1: %v", err)
		}
		require.Zero(t, tr.balance(tr.node(2), bobOwner), "bob is never paid the same 1,000")
	})

	t.Run("claim after finality, then the exit pays nothing", func(t *testing.T) {
		tr, m := newScene(t)
		h := tr.settle(m.Leaf(), 6)
		tr.ok(tr.node(2), 0, tr.claim(tr.node(2), m, h, tr.proveMessage(m, h)))
		require.Equal(t, uint64(1000), tr.balance(tr.node(2), bobOwner))
		freeze(tr)
		tr.fails(tr.node(1), 0, exit(tr), validiumtypes.ErrNothingToExit) // 1-1's finalized state holds S: alice has 0
		require.Zero(t, tr.balance(tr.node(1), aliceOwner))
	})
}

// forge writes a mint of m with source src straight into n's ledger and log, as a dishonest
// operator running n's chain can: no claim, no forced operation, no exit justifies it.
func (tr *tree) forge(n *treeNode, m inclusion.Message, src ledger.Source) {
	tr.t.Helper()
	ctx := n.chain.Context()
	k := n.chain.App.LedgerKeeper
	st, err := k.Open(ctx)
	require.NoError(tr.t, err)
	require.NoError(tr.t, st.PushInbox(m, src))
	op := ledger.NewBridgeIn(m, src)
	require.NoError(tr.t, st.Apply(op))
	seq, err := k.LogLength.Next(ctx)
	require.NoError(tr.t, err)
	require.NoError(tr.t, k.Log.Set(ctx, seq, ledgertypes.LoggedOp{Sequence: seq, Height: ctx.BlockHeight(), Op: op.Bytes()}))
}

// TestForgedClaimEntryRefused (issue 13 §2): chain 1's operator mints 1,000,000 to mallory on its
// own ledger from a message nobody sent, and tries to get the state accepted by the root under
// each source: as a claim, no inclusion proof exists, so no ledger proof of the batch exists
// either (an update listing it with another batch's proof is refused); as a forced operation,
// the root's queue has no such operation; as an exit, there is no exit proof.
func TestForgedClaimEntryRefused(t *testing.T) {
	mallory := ledger.OwnerHash(ledger.KeyFromSeed([]byte("mallory")).PublicKey)
	made := func(tr *tree) inclusion.Message {
		return inclusion.Message{SrcVid: tr.node(2).vid, DstVid: tr.node(1).vid, Nonce: 99, Recipient: mallory, AssetID: tr.asset, Amount: 1_000_000}
	}
	scene := func(t *testing.T) *tree {
		tr := newTree(t, [][]uint8{{}, {1}, {2}}, fundedOn([]uint8{1}, 1000))
		tr.round()
		return tr
	}

	t.Run("as a claim", func(t *testing.T) {
		tr := scene(t)
		one, m := tr.node(1), made(tr)
		prev := one.accepted.Commitment
		tr.transfer(one, ledger.KeyFromSeed([]byte("alice")), 0, 0, mallory, 1) // honest work: its batch has a proof
		tr.sync()
		honest := tr.prepareUpdate(one) // a real proof of 1's honest batch, kept for the attempt
		require.Len(t, honest.Batches, 1)
		tr.forge(one, m, ledger.SourceClaim)
		h := tr.tick()
		_, err := tr.tryWitness(m.Leaf(), h, 0)
		require.Error(t, err, "the message is in no outbox")
		batch, err := ledger.NewBatchBuilder(one.replica)
		require.NoError(t, err)
		require.NoError(t, one.replica.PushInbox(m, ledger.SourceClaim))
		require.NoError(t, batch.Add(ledger.NewBridgeIn(m, ledger.SourceClaim)))
		rootRec, err := tr.root().chain.App.TreeKeeper.Commitments.Get(tr.root().chain.Context(), int64(h))
		require.NoError(t, err)
		anchor := decodeCommitment(t, rootRec.Fields)
		for _, claims := range [][]inclusion.Witness{nil, {{Root: anchor, Leaf: m.Leaf()}}} {
			_, err = batch.Build(h, anchor.Hash(), claims)
			require.ErrorIs(t, err, ledger.ErrClaimWitness, "no witness proves the forged claim")
		}

		one.chain.NextBlock()
		own, err := one.chain.App.TreeKeeper.Commitments.Get(one.chain.Context(), one.chain.App.LastBlockHeight())
		require.NoError(t, err)
		honest.PrevCommitment, honest.NewCommitment = prev, own.Fields
		honest.InboxEntries = append(honest.InboxEntries, validiumtypes.InboxEntry{MessageHash: hash.EncodeElement(m.Hash()), Source: uint32(ledger.SourceClaim)})
		batch0 := &honest.Batches[0] // the batch claims to end at the forged state, consuming the entry
		batch0.InboxEntries++
		batch0.End = validiumtypes.LedgerRoots{LedgerRoot: own.Fields.LedgerRoot, OutboxRoot: own.Fields.OutboxRoot, ReceiptRoot: own.Fields.ReceiptRoot}
		report, err := one.chain.App.AcceptanceKeeper.SubtreeReport(one.chain.Context(), own.Fields.AnchorHeight)
		require.NoError(t, err)
		honest.Histogram, honest.Subtree = report.Histogram, report.Subtree
		tr.fails(tr.root(), operatorAccount(one), honest, validiumtypes.ErrInvalidProof)
	})

	for _, tc := range []struct {
		name string
		src  ledger.Source
		edit func(*validiumtypes.MsgSubmitUpdate)
		want interface{ ABCICode() uint32 }
	}{
		{"as a forced operation", ledger.SourceForced, nil, validiumtypes.ErrUnprovenEntry},
		{"as an exit without a proof", ledger.SourceExit, nil, validiumtypes.ErrUnprovenEntry},
		{"as an exit with a made-up proof", ledger.SourceExit, func(u *validiumtypes.MsgSubmitUpdate) {
			u.Exits = []validiumtypes.ExitProof{{ChildIndex: 1, Opening: validiumtypes.AccountOpening{Commitment: u.NewCommitment,
				AccountsRoot: hash.EncodeElement(hash.Uint64(1)), NumAccounts: 1, ConsumedRoot: hash.EncodeElement(hash.Uint64(3)), Owner: hash.EncodeElement(mallory),
				AssetId: hash.EncodeElement(hash.Uint64(7)), Balance: 1_000_000, Siblings: [][]byte{hash.EncodeElement(hash.Uint64(2))}}}}
		}, validiumtypes.ErrInvalidExitProof},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tr := scene(t)
			one, m := tr.node(1), made(tr)
			if tc.src == ledger.SourceExit { // an exit message names a child of the minter as its source
				m.SrcVid = commitment.MustPackVid([]uint8{1, 1})
				m.Nonce = 0
			}
			tr.forge(one, m, tc.src)
			require.Equal(t, uint64(1_000_000), tr.balance(one, mallory), "the forged state exists on 1")
			tr.sync()
			update := tr.prepareUpdate(one) // the batch proves: these sources are the parent's to check
			if tc.edit != nil {
				tc.edit(update)
			}
			tr.refuse(one, update, tc.want)
		})
	}
}

// TestForgedReceiptRefused (issue 13 §3): alice on 1 sends 40 to bob on 2, which never mints it.
// 2's operator submits an update whose commitment carries a receipt tree holding the receipt of
// that message, so that 1 would confirm it (and never route it). Only a ledger proof moves the
// receipt root (it binds the root's transition; without a batch the roots must stay): the update
// is refused, no root commitment binds the forged receipt, and the message stays unconfirmed.
func TestForgedReceiptRefused(t *testing.T) {
	tr := newTree(t, [][]uint8{{}, {1}, {2}}, fundedOn([]uint8{1}, 1000))
	alice, bob := ledger.KeyFromSeed([]byte("alice")), ledger.KeyFromSeed([]byte("bob"))
	one, two := tr.node(1), tr.node(2)
	m := tr.bridgeOut(one, alice, 0, 0, two, ledger.OwnerHash(bob.PublicKey), 40, 10_000)
	tr.round()

	forged, err := ledger.OpenReceipts(smt.NewMemStore(), int(tr.lp.OutboxDepth))
	require.NoError(t, err)
	_, err = forged.Append(inclusion.ReceiptFor(m).Hash())
	require.NoError(t, err)
	root, err := forged.Root()
	require.NoError(t, err)
	tr.sync()
	update := tr.prepareUpdate(two)
	require.Empty(t, update.Batches, "2's ledger did not move")
	update.NewCommitment.ReceiptRoot = hash.EncodeElement(root)
	tr.refuse(two, update, validiumtypes.ErrUnprovenRoots)

	h := tr.round()
	_, err = tr.tryWitness(inclusion.ReceiptFor(m).Leaf(), h, 0)
	require.Error(t, err, "no root commitment binds a receipt of the message")
	out, err := one.chain.App.BridgeKeeper.Outgoing.Get(one.chain.Context(), hash.EncodeElement(m.Hash()))
	require.NoError(t, err)
	require.Equal(t, slushtypes.MessageStatus_MESSAGE_STATUS_SENT, out.Status, "still waiting: claimed or routed later")
}

// TestOversizedSubtreeRefused (issue 13 §4): a child reports b = 2^64 − 1 (before, the root
// accepted it and from the next block could not compute its own commitment: the whole tree
// stopped), or a histogram of far more buckets than a tree of max_depth 16 has (10^5 buckets took
// seconds of hashing for little gas). Both are refused where they are accepted, before any
// hashing; the root keeps committing every block; the same record is refused in genesis.
func TestOversizedSubtreeRefused(t *testing.T) {
	tr := newTree(t, [][]uint8{{}, {1}}, fundedOn([]uint8{1}, 1000))
	one, root := tr.node(1), tr.root()
	tr.sync()
	update := tr.prepareUpdate(one)
	huge := *update
	huge.Subtree = math.MaxUint64
	tr.fails(root, operatorAccount(one), &huge, acceptancetypes.ErrSubtreeTooLarge)
	wide := *update
	wide.Histogram = make([]acceptancetypes.HistogramBucket, 1_000) // (10^5 already run out of gas on the tx size)
	for i := range wide.Histogram {
		wide.Histogram[i] = acceptancetypes.HistogramBucket{Height: uint64(i + 1), Count: 1}
	}
	res := tr.deliver(root, operatorAccount(one), &wide)
	require.Equal(t, validiumtypes.ErrTooManyBuckets.ABCICode(), res.Code, res.Log)
	require.Less(t, res.GasUsed, int64(validiumtypes.DefaultVerifyGasFlat), "refused before hashing or verifying anything")

	for i := 0; i < 3; i++ {
		root.chain.NextBlock()
		_, err := root.chain.App.TreeKeeper.Commitments.Get(root.chain.Context(), root.chain.App.LastBlockHeight())
		require.NoError(t, err, "the root commits at every height")
	}
	tr.ok(root, operatorAccount(one), update) // the honest update still goes through

	gs := acceptancetypes.DefaultGenesisState()
	gs.Children = []acceptancetypes.ChildRecord{{ChildIndex: 1, Record: acceptancetypes.AcceptanceRecord{Subtree: math.MaxUint64}}}
	require.Error(t, gs.Validate(), "an oversized subtree is refused in genesis too")
}

// elect has v's descendant voter report v's withholding on v's parent and vote for a new
// operator: the parent rolls v back to its finalized commitment (DESIGN §9).
func (tr *tree) elect(v, voter *treeNode) {
	tr.t.Helper()
	ctx := context.Background()
	p := v.parent
	pq := electionwitness.QueryChain{Name: p.chain.ChainID, ABCI: p.chain}
	var levels []electionwitness.Level
	for x := voter; ; x = x.parent {
		levels = append([]electionwitness.Level{electionwitness.QueryChain{Name: x.chain.ChainID, ABCI: x.chain}}, levels...)
		if x == v {
			break
		}
	}
	target, err := electionwitness.ReportTarget(ctx, pq, v.index())
	require.NoError(tr.t, err)
	w, err := electionwitness.Build(ctx, target, levels, false)
	require.NoError(tr.t, err)
	report, err := electionwitness.NewReport(target, w, voter.key, p.chain.Address(0).String())
	require.NoError(tr.t, err)
	tr.ok(p, 0, report)
	id, err := p.chain.App.ElectionKeeper.OpenRounds.Get(p.chain.Context(), v.index())
	require.NoError(tr.t, err)
	vt, err := electionwitness.VoteTarget(ctx, pq, id)
	require.NoError(tr.t, err)
	vw, err := electionwitness.Build(ctx, vt, levels, true)
	require.NoError(tr.t, err)
	candidate := electiontypes.Candidate{Operator: p.chain.Address(3).String(),
		OperatorKeyHash: hash.EncodeElement(electiontypes.OperatorKeyHash(ledger.KeyFromSeed([]byte("elected")).PublicKey))}
	vote, err := electionwitness.NewVote(vt, vw, candidate, addresscodec.NewBech32Codec(app.Bech32PrefixAccAddr), voter.key, p.chain.Address(0).String())
	require.NoError(tr.t, err)
	tr.ok(p, 0, vote)
	round, err := pq.Round(ctx, id)
	require.NoError(tr.t, err)
	require.Equal(tr.t, electiontypes.RoundStatus_ROUND_STATUS_ELECTED, round.Status)
}

// ledgerAfterRollback is n's ledger as of the commitment its parent rolled it back to.
func (tr *tree) ledgerAfterRollback(n *treeNode) (*ledger.State, validiumtypes.Child) {
	tr.t.Helper()
	child, err := n.parent.chain.App.ValidiumKeeper.GetChild(n.parent.chain.Context(), n.index())
	require.NoError(tr.t, err)
	rec, err := appChain{n.chain}.CommitmentByHash(context.Background(), child.LatestCommitment, 0)
	require.NoError(tr.t, err)
	st, err := witness.LedgerAt(context.Background(), appChain{n.chain}, n.vid, tr.lp.Ledger(), rec.Height)
	require.NoError(tr.t, err)
	return st, child
}

// TestRollbackAfterClaimNoDoubleSpend (issue 13 §1): alice on 1 sends 500 to bob on 2, bob
// claims it, then 1-1 re-elects 1's operator on the root, which rolls 1 back to its finalized
// commitment. Before final-state claims the claim could precede finality and the rollback
// returned alice's 500 while bob kept his: now the rolled-back state still holds the burn.
func TestRollbackAfterClaimNoDoubleSpend(t *testing.T) {
	tr := newTree(t, fourChains, fundedOn([]uint8{1}, 1000))
	alice, bob := ledger.KeyFromSeed([]byte("alice")), ledger.KeyFromSeed([]byte("bob"))
	aliceOwner, bobOwner := ledger.OwnerHash(alice.PublicKey), ledger.OwnerHash(bob.PublicKey)
	one, two := tr.node(1), tr.node(2)
	tr.round()
	m := tr.bridgeOut(one, alice, 0, 0, two, bobOwner, 500, 10_000)
	h := tr.settle(m.Leaf(), 6)
	tr.ok(two, 0, tr.claim(two, m, h, tr.proveMessage(m, h)))
	require.Equal(t, uint64(500), tr.balance(two, bobOwner))

	tr.elect(one, tr.node(1, 1))
	st, child := tr.ledgerAfterRollback(one)
	require.Equal(t, uint64(1), child.Epoch, "1 is re-elected")
	require.Equal(t, uint64(500), tr.accountBalance(st, aliceOwner), "the state 1 restarts from holds alice's burn")
	item, err := st.Outbox().Get(m.Nonce)
	require.NoError(t, err, "the rolled-back outbox holds the message")
	require.Equal(t, m.Hash(), item)
	require.Equal(t, uint64(1000), tr.accountBalance(st, aliceOwner)+tr.balance(two, bobOwner), "paid once")
}

// TestRollbackAfterConfirmNoLoss (issue 13 §1, receipts): alice on 1 sends 40 to bob on 2; 2
// mints it, 1 confirms the receipt (unfreezing alice), then 2-1 re-elects 2's operator on the
// root, which rolls 2 back to its finalized commitment. A confirmation is only possible from a
// final state of 2, so the rolled-back state still holds bob's mint and its receipt.
func TestRollbackAfterConfirmNoLoss(t *testing.T) {
	tr := newTree(t, [][]uint8{{}, {1}, {2}, {2, 1}}, fundedOn([]uint8{1}, 1000))
	alice, bob := ledger.KeyFromSeed([]byte("alice")), ledger.KeyFromSeed([]byte("bob"))
	bobOwner := ledger.OwnerHash(bob.PublicKey)
	one, two := tr.node(1), tr.node(2)
	tr.round()
	m := tr.bridgeOut(one, alice, 0, 0, two, bobOwner, 40, 10_000)
	h := tr.settle(m.Leaf(), 6)
	tr.ok(two, 0, tr.claim(two, m, h, tr.proveMessage(m, h)))
	index := tr.receiptIndex(two, m)
	receipt := inclusion.ReceiptFor(m)
	_, err := tr.tryWitness(receipt.Leaf(), tr.round(), index)
	require.True(t, errors.Is(err, witness.ErrNotYet), "the mint is accepted on the root but not final: no confirmation yet (%v)", err)
	h2 := tr.settle(receipt.Leaf(), 4)
	tr.ok(one, 0, &bridgetypes.MsgConfirm{Sender: one.chain.Address(0).String(), MessageHash: hash.EncodeElement(m.Hash()),
		RootHeight: h2, Proof: tr.proveReceipt(m, h2, index)})

	tr.elect(two, tr.node(2, 1))
	st, child := tr.ledgerAfterRollback(two)
	require.Equal(t, uint64(40), tr.accountBalance(st, bobOwner), "the state 2 restarts from holds bob's mint")
	require.Greater(t, st.Receipts().Size(), index, "and its receipt")
	item, err := st.Receipts().Get(index)
	require.NoError(t, err)
	require.Equal(t, receipt.Hash(), item)
	require.Equal(t, hash.EncodeElement(mustRoot(t, st.ReceiptRoot)), child.ReceiptRoot, "the root's record of 2 binds it")
}

// mustRoot calls a root getter and requires it to succeed.
func mustRoot(t *testing.T, f func() (fr.Element, error)) fr.Element {
	t.Helper()
	r, err := f()
	require.NoError(t, err)
	return r
}
